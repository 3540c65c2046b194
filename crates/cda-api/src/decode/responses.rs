//! The typed response of each kind of endpoint, decoded from a checked
//! envelope. A failure names the endpoint and the request id.

use super::shapes::ListShape;
use super::{
    access_points, bgp_routes, count, decode_items, find_list, health_check, return_obj,
    static_routes, total_count, trace_id, DecodeResult,
};
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::types::{BgpRoute, HealthCheck, StaticRoute, WriteReceipt};
use crate::RawResponse;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn attach<T>(endpoint: &Endpoint, raw: &RawResponse, result: DecodeResult<T>) -> Result<T, Error> {
    result.map_err(|message| Error::Decode {
        endpoint: endpoint.name,
        request_id: raw.request_id.clone(),
        message,
    })
}

/// What a write returns: enough to journal it.
pub(crate) fn receipt(endpoint: &Endpoint, raw: &RawResponse) -> Result<WriteReceipt, Error> {
    Ok(WriteReceipt {
        endpoint: endpoint.name,
        trace_id: trace_id(&raw.body),
        request_id: raw.request_id.clone(),
    })
}

/// A `*/count` answer.
pub(crate) fn number(endpoint: &Endpoint, raw: &RawResponse) -> Result<u64, Error> {
    attach(endpoint, raw, count(&raw.body))
}

/// The items of a list, found and decoded as `shape` says.
pub(crate) fn items<T: DeserializeOwned>(
    shape: &'static ListShape,
) -> impl Fn(&Endpoint, &RawResponse) -> Result<Vec<T>, Error> {
    move |endpoint, raw| {
        let found = find_list(&raw.body, shape.containers, shape.item_keys);
        attach(endpoint, raw, decode_items(found, shape.groups))
    }
}

/// Static routes, one per `SRID` (flattened rows merged).
pub(crate) fn static_route_items(
    endpoint: &Endpoint,
    raw: &RawResponse,
) -> Result<Vec<StaticRoute>, Error> {
    let shape = &super::shapes::STATIC_ROUTES;
    let found = find_list(&raw.body, shape.containers, shape.item_keys);
    attach(endpoint, raw, static_routes(found))
}

/// BGP routes, one per `BGPID` (flattened rows merged).
pub(crate) fn bgp_route_items(
    endpoint: &Endpoint,
    raw: &RawResponse,
) -> Result<Vec<BgpRoute>, Error> {
    let shape = &super::shapes::BGP_ROUTES;
    let found = find_list(&raw.body, shape.containers, shape.item_keys);
    attach(endpoint, raw, bgp_routes(found))
}

/// The health-check setting, `None` when there is none.
pub(crate) fn health_check_setting(
    endpoint: &Endpoint,
    raw: &RawResponse,
) -> Result<Option<HealthCheck>, Error> {
    attach(endpoint, raw, health_check(&raw.body))
}

/// `returnObj` as sent, for endpoints whose payload is undocumented.
pub(crate) fn return_obj_as_sent(_: &Endpoint, raw: &RawResponse) -> Result<Value, Error> {
    Ok(return_obj(&raw.body).clone())
}

/// `accessPoint` strings wherever they are.
pub(crate) fn access_point_names(_: &Endpoint, raw: &RawResponse) -> Result<Vec<String>, Error> {
    Ok(access_points(&raw.body))
}

/// `totalCount`, when the server sent it.
pub(crate) fn announced_total(raw: &RawResponse) -> Option<u64> {
    total_count(&raw.body)
}
