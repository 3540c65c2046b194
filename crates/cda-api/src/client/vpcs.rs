//! VPC attachments: `vpc/*`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::requests;
use crate::types::*;
use serde_json::Value;

requests! {
    VpcAddRequest => VPC_ADD -> WriteReceipt = decode::receipt;
    VpcUpdateRequest => VPC_UPDATE -> WriteReceipt = decode::receipt;
    VpcDeleteRequest => VPC_DELETE -> WriteReceipt = decode::receipt;
    VpcListRequest => VPC_LIST -> Vec<Vpc> = decode::items(&shapes::VPCS);
    VpcCountRequest => VPC_COUNT -> u64 = decode::number;
    VpcInfoRequest => VPC_INFO -> Value = decode::return_obj_as_sent;
}

impl Client {
    pub async fn vpc_add(&self, request: &VpcAddRequest) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn vpc_update(&self, request: &VpcUpdateRequest) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn vpc_delete(&self, request: &VpcDeleteRequest) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn vpc_list(&self, request: &GatewayScopedRequest) -> Result<Vec<Vpc>, Error> {
        self.send(&VpcListRequest(request.clone())).await
    }

    pub async fn vpc_count(&self, request: &GatewayScopedRequest) -> Result<u64, Error> {
        self.send(&VpcCountRequest(request.clone())).await
    }

    /// `vpc/info`: `returnObj` as sent (its `data` is undocumented).
    pub async fn vpc_info(&self, request: &VpcInfoRequest) -> Result<Value, Error> {
        self.send(request).await
    }
}
