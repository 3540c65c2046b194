//! Response envelope and tolerant payload decoding.
//!
//! REFERENCE §7 leaves many response shapes open, so decoding accepts every
//! plausible one: a list directly in `returnObj`, under its documented
//! container, or under any other key holding an array of objects; counts in
//! `returnObj.count` or at the top level; static and BGP routes either nested
//! (one item per route with hop/peer arrays) or flattened one row per hop or
//! peer (merged by `SRID`/`BGPID`).
//!
//! * [`envelope`] — success or failure, `returnObj`, trace id.
//! * [`lists`] — the list in a body, counts, duplicate alias spellings.
//! * [`shapes`] — per item type: containers, item keys, alias groups.
//! * [`routes`], [`health_check`], [`access_points`] — the payloads that
//!   need more than "decode each item".
//! * [`responses`] — the typed response of each kind of endpoint, with
//!   endpoint and request id attached to a failure.

mod access_points;
mod envelope;
mod health_check;
mod lists;
mod responses;
mod routes;
pub(crate) mod shapes;

pub(crate) use access_points::access_points;
pub(crate) use envelope::{check_envelope, failure_from_body, return_obj, trace_id};
pub(crate) use health_check::health_check;
pub(crate) use lists::{count, decode_items, dedup_aliases, find_list, total_count};
pub(crate) use responses::*;
pub(crate) use routes::{bgp_routes, opt_static_routes, opt_vpcs, static_routes};

use serde_json::Value;

/// A failed decode, before the caller attaches endpoint and request id.
pub(crate) type DecodeResult<T> = Result<T, String>;

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn push_unique<T: PartialEq>(into: &mut Vec<T>, items: impl IntoIterator<Item = T>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

fn has_value(row: &Value, key: &str) -> bool {
    row.get(key).is_some_and(|v| !v.is_null() && v != "")
}

#[cfg(test)]
mod tests;
