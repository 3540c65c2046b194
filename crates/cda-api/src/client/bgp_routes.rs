//! BGP routes: `bgp-route/*`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::requests;
use crate::types::*;

requests! {
    BgpRouteAddRequest => BGP_ROUTE_ADD -> WriteReceipt = decode::receipt;
    BgpRouteUpdateRequest => BGP_ROUTE_UPDATE -> WriteReceipt = decode::receipt;
    BgpRouteDeleteRequest => BGP_ROUTE_DELETE -> WriteReceipt = decode::receipt;
    BgpRouteListRequest => BGP_ROUTE_LIST -> Vec<BgpRoute> = decode::merged_items(&shapes::BGP_ROUTES, decode::bgp_routes);
}

impl Client {
    pub async fn bgp_route_add(&self, request: &BgpRouteAddRequest) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn bgp_route_update(
        &self,
        request: &BgpRouteUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn bgp_route_delete(
        &self,
        request: &BgpRouteDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    /// BGP routes of a gateway, one per `BGPID` (flattened rows merged).
    pub async fn bgp_route_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<BgpRoute>, Error> {
        self.send(&BgpRouteListRequest(request.clone())).await
    }
}
