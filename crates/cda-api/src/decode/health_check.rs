//! `health-check/get`: one setting, in any of the shapes the sources show.

use super::shapes::groups;
use super::{dedup_aliases, has_value, return_obj, DecodeResult};
use crate::types::HealthCheck;
use serde_json::Value;

/// `health-check/get`: `returnObj.settingItem` (GO: `data`) as a JSON-encoded
/// string or an object. Null, empty, `{}` or absent → no health check.
pub(crate) fn health_check(body: &Value) -> DecodeResult<Option<HealthCheck>> {
    let ro = return_obj(body);
    let raw = ro
        .get("settingItem")
        .filter(|v| !v.is_null())
        .or_else(|| ro.get("data").filter(|v| !v.is_null()));
    let mut setting = match raw {
        None => return Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() || s == "null" {
                return Ok(None);
            }
            serde_json::from_str::<Value>(s).map_err(|e| format!("settingItem is not JSON: {e}"))?
        }
        Some(v) => v.clone(),
    };
    if let Value::Array(items) = setting {
        match items.into_iter().next() {
            Some(first) => setting = first,
            None => return Ok(None),
        }
    }
    if !setting.is_object() {
        return Err(format!("settingItem is not an object: {setting}"));
    }
    if !["srcIP", "srcIp", "dstIP", "dstIp"]
        .iter()
        .any(|k| has_value(&setting, k))
    {
        return Ok(None);
    }
    dedup_aliases(&mut setting, groups::HEALTH_CHECK);
    serde_json::from_value(setting)
        .map(Some)
        .map_err(|e| format!("settingItem: {e}"))
}
