//! `health-check/get`: one setting, in any of the shapes the sources show.

use super::shapes::groups;
use super::{dedup_aliases, has_value, return_obj, DecodeResult};
use crate::types::HealthCheck;
use serde_json::Value;

fn unreadable() -> Option<HealthCheck> {
    Some(HealthCheck {
        unreadable: true,
        ..Default::default()
    })
}

/// `health-check/get`: `returnObj.settingItem` (PY4) or `data` (GO, which
/// may also flatten it into the envelope), as a JSON-encoded string or an
/// object. Null, empty, `{}` or absent → no health check. A setting that is
/// there but not a JSON object with the known keys (the sources do not
/// document its format) is a check whose settings cannot be read, never an
/// error: refresh must not stop on it and the plan must not guess from it.
pub(crate) fn health_check(body: &Value) -> DecodeResult<Option<HealthCheck>> {
    let ro = return_obj(body);
    let present = |o: &Value, k: &str| o.get(k).filter(|v| !v.is_null()).cloned();
    let raw = present(ro, "settingItem")
        .or_else(|| present(ro, "data"))
        .or_else(|| present(body, "settingItem"))
        .or_else(|| present(body, "data"));
    let mut setting = match raw {
        None => return Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() || s == "null" || s == "{}" || s == "[]" {
                return Ok(None);
            }
            match serde_json::from_str::<Value>(s) {
                Ok(v) => v,
                Err(_) => return Ok(unreadable()),
            }
        }
        Some(v) => v,
    };
    if let Value::Array(items) = setting {
        match items.into_iter().next() {
            Some(first) => setting = first,
            None => return Ok(None),
        }
    }
    let Value::Object(map) = &setting else {
        return Ok(unreadable());
    };
    if !["srcIP", "srcIp", "dstIP", "dstIp"]
        .iter()
        .any(|k| has_value(&setting, k))
    {
        let anything = map.values().any(|v| !v.is_null() && v != "");
        return Ok(if anything { unreadable() } else { None });
    }
    dedup_aliases(&mut setting, groups::HEALTH_CHECK);
    serde_json::from_value(setting)
        .map(Some)
        .map_err(|e| format!("settingItem: {e}"))
}
