//! Finding a list in a response body, whatever shape it arrived in, and
//! decoding its items.

use super::{return_obj, DecodeResult};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

fn is_array_of_objects(v: &Value) -> bool {
    matches!(v, Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object))
}

/// Finds the list in a response body.
///
/// `containers` are the documented container names, tried first;
/// `item_keys` are fields that only an item has (an object carrying one is a
/// single flattened item, not a wrapper).
pub(crate) fn find_list(body: &Value, containers: &[&str], item_keys: &[&str]) -> Vec<Value> {
    match return_obj(body) {
        Value::Array(items) => items.clone(),
        Value::Object(map) => list_in_object(map, containers, item_keys),
        // GO flattens the payload into the envelope itself.
        _ => {
            let Value::Object(top) = body else {
                return Vec::new();
            };
            let mut rest = top.clone();
            for k in [
                "statusCode",
                "message",
                "description",
                "errorCode",
                "error",
                "returnObj",
            ] {
                rest.remove(k);
            }
            list_in_object(&rest, containers, item_keys)
        }
    }
}

fn list_in_object(map: &Map<String, Value>, containers: &[&str], item_keys: &[&str]) -> Vec<Value> {
    for c in containers {
        match map.get(*c) {
            Some(Value::Array(items)) => return items.clone(),
            Some(Value::Null) => return Vec::new(),
            // A JSON-encoded list in a string field.
            Some(Value::String(s)) => {
                if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(s) {
                    return items;
                }
                if s.trim().is_empty() {
                    return Vec::new();
                }
                // Not a list: hand it on as the one item, so decoding the
                // item fails instead of the list passing as empty.
                return vec![Value::String(s.clone())];
            }
            Some(v @ (Value::Number(_) | Value::Bool(_))) => return vec![v.clone()],
            _ => {}
        }
    }
    if item_keys
        .iter()
        .any(|k| map.get(*k).is_some_and(|v| !v.is_null()))
    {
        return vec![Value::Object(map.clone())];
    }
    // Any other key holding an array of objects (`staticRouteList`, `list`,
    // `data`, …). Keys are visited in sorted order, so the choice is stable.
    map.values()
        .find(|v| is_array_of_objects(v))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `totalCount` in `returnObj` or at the top level; failing that, `count`
/// (GO's flattened gateway/list has only a top-level `count`, and without a
/// total a pager would walk pages of the same one row).
pub(crate) fn total_count(body: &Value) -> Option<u64> {
    let ro = return_obj(body);
    [
        ro.get("totalCount"),
        body.get("totalCount"),
        ro.get("count"),
        body.get("count"),
    ]
    .into_iter()
    .flatten()
    .find_map(as_u64)
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A count at `returnObj.count`, at the top-level `count`, or `returnObj`
/// itself being the number.
pub(crate) fn count(body: &Value) -> DecodeResult<u64> {
    let ro = return_obj(body);
    ro.get("count")
        .and_then(as_u64)
        .or_else(|| body.get("count").and_then(as_u64))
        .or_else(|| as_u64(ro))
        .ok_or_else(|| "no count in returnObj.count or count".into())
}

/// Drops duplicate spellings of one field (a GO row may carry both `SRId`
/// and `srid`; serde refuses a struct with a field given twice), keeping the
/// first spelling of each group that is present and non-null. Recurses into
/// nested objects and arrays.
pub(crate) fn dedup_aliases(value: &mut Value, groups: &[&[&str]]) {
    match value {
        Value::Object(map) => {
            for group in groups {
                let mut kept = false;
                for key in group.iter() {
                    match map.get(*key) {
                        Some(Value::Null) => {
                            map.remove(*key);
                        }
                        Some(_) if kept => {
                            map.remove(*key);
                        }
                        Some(_) => kept = true,
                        None => {}
                    }
                }
            }
            for v in map.values_mut() {
                dedup_aliases(v, groups);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| dedup_aliases(v, groups)),
        _ => {}
    }
}

/// Decodes list items into `T` after removing duplicate alias spellings.
pub(crate) fn decode_items<T: DeserializeOwned>(
    items: Vec<Value>,
    groups: &[&[&str]],
) -> DecodeResult<Vec<T>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, mut item)| {
            dedup_aliases(&mut item, groups);
            serde_json::from_value(item).map_err(|e| format!("item {i}: {e}"))
        })
        .collect()
}
