//! Gateways: `gateway/list`, `add`, `delete`, `count`, `physical-line-list`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::{paged_requests, requests};
use crate::types::*;

paged_requests! {
    GatewayListRequest => GATEWAY_LIST -> Gateway = shapes::GATEWAYS;
}

requests! {
    GatewayAddRequest => GATEWAY_ADD -> WriteReceipt = decode::receipt;
    GatewayDeleteRequest => GATEWAY_DELETE -> WriteReceipt = decode::receipt;
    GatewayCountRequest => GATEWAY_COUNT -> u64 = decode::number;
    GatewayPhysicalLineListRequest => GATEWAY_PHYSICAL_LINE_LIST -> Vec<PhysicalLine> =
        decode::items(&shapes::LINES);
}

impl Client {
    /// One page of `gateway/list`.
    pub async fn gateway_list(
        &self,
        request: &GatewayListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<Gateway>, Error> {
        self.page(request, page_no, page_size).await
    }

    /// Every gateway, walking all pages.
    pub async fn gateway_list_all(
        &self,
        request: &GatewayListRequest,
    ) -> Result<Vec<Gateway>, Error> {
        self.all_pages(request).await
    }

    pub async fn gateway_add(&self, request: &GatewayAddRequest) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn gateway_delete(
        &self,
        request: &GatewayDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn gateway_count(&self, request: &GatewayCountRequest) -> Result<u64, Error> {
        self.send(request).await
    }

    /// Physical lines bound to a gateway.
    pub async fn gateway_physical_line_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.send(&GatewayPhysicalLineListRequest(request.clone()))
            .await
    }
}
