//! Static routes: `static-route/*`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::requests;
use crate::types::*;

requests! {
    StaticRouteAddRequest => STATIC_ROUTE_ADD -> WriteReceipt = decode::receipt;
    StaticRouteUpdateRequest => STATIC_ROUTE_UPDATE -> WriteReceipt = decode::receipt;
    StaticRouteDeleteRequest => STATIC_ROUTE_DELETE -> WriteReceipt = decode::receipt;
    StaticRouteListRequest => STATIC_ROUTE_LIST -> Vec<StaticRoute> = decode::merged_items(&shapes::STATIC_ROUTES, decode::static_routes);
}

impl Client {
    pub async fn static_route_add(
        &self,
        request: &StaticRouteAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn static_route_update(
        &self,
        request: &StaticRouteUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn static_route_delete(
        &self,
        request: &StaticRouteDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    /// Static routes of a gateway, one per `SRID` (flattened rows merged).
    pub async fn static_route_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<StaticRoute>, Error> {
        self.send(&StaticRouteListRequest(request.clone())).await
    }
}
