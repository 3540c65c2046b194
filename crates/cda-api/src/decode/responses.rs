//! The typed response of each kind of endpoint, decoded from a checked
//! envelope. A failure names the endpoint and the request id.

use super::shapes::ListShape;
use super::{
    access_points, count, decode_items, find_list, health_check, return_obj, total_count, trace_id,
    DecodeResult,
};
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::types::{HealthCheck, WriteReceipt};
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

/// The items of a list found as `shape` says, rows of one object merged by
/// `merge` (routes listed flattened, one row per next hop or peer).
pub(crate) fn merged_items<T>(
    shape: &'static ListShape,
    merge: fn(Vec<Value>) -> DecodeResult<Vec<T>>,
) -> impl Fn(&Endpoint, &RawResponse) -> Result<Vec<T>, Error> {
    move |endpoint, raw| {
        let found = find_list(&raw.body, shape.containers, shape.item_keys);
        attach(endpoint, raw, merge(found))
    }
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
