//! Link probes: `link-probe/*`.

use super::Client;
use crate::decode;
use crate::error::Error;
use crate::request::requests;
use crate::types::*;
use serde_json::Value;

requests! {
    LinkProbeAddRequest => LINK_PROBE_ADD -> WriteReceipt = decode::receipt;
    LinkProbeDeleteRequest => LINK_PROBE_DELETE -> WriteReceipt = decode::receipt;
    LinkProbeQueryRequest => LINK_PROBE_QUERY -> Value = decode::return_obj_as_sent;
}

impl Client {
    pub async fn link_probe_add(
        &self,
        request: &LinkProbeAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn link_probe_delete(
        &self,
        request: &LinkProbeDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    /// `link-probe/query`: `returnObj` as sent (its `data` is undocumented).
    pub async fn link_probe_query(&self, request: &LinkProbeQueryRequest) -> Result<Value, Error> {
        self.send(request).await
    }
}
