//! The response envelope: `statusCode`, error codes, `returnObj`.

use super::{text, DecodeResult};
use serde_json::Value;

/// What a failure envelope says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    pub code: String,
    pub message: String,
    pub description: String,
}

fn status_code(body: &Value) -> Option<i64> {
    match body.get("statusCode")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Checks the envelope: `statusCode` 800 is success; anything else is a
/// failure carrying `errorCode` (or `error`, or the status code itself).
/// For a write, also reports a success envelope whose `returnObj.result` is
/// `"0"` (a mutation the back end refused) as a failure. Reads are judged by
/// `statusCode` alone: what `result` means on a read is undocumented (a
/// health-check read may well say `"0"` for "none configured").
pub(crate) fn check_envelope(body: &Value, is_write: bool) -> DecodeResult<Result<(), ApiFailure>> {
    if !body.is_object() {
        return Err("response body is not a JSON object".into());
    }
    let Some(code) = status_code(body) else {
        return Err("response has no statusCode".into());
    };
    if code != 800 {
        return Ok(Err(ApiFailure {
            code: text(body.get("errorCode"))
                .or_else(|| text(body.get("error")))
                .unwrap_or_else(|| code.to_string()),
            message: text(body.get("message")).unwrap_or_default(),
            description: text(body.get("description")).unwrap_or_default(),
        }));
    }
    let ro = body.get("returnObj");
    if !is_write {
        return Ok(Ok(()));
    }
    if let Some(Value::String(r)) = ro.and_then(|o| o.get("result")) {
        if r == "0" {
            let ro = ro.unwrap_or(&Value::Null);
            return Ok(Err(ApiFailure {
                code: text(ro.get("errorCode")).unwrap_or_else(|| "result=0".into()),
                message: text(ro.get("errorMsg"))
                    .or_else(|| text(ro.get("error_msg")))
                    .unwrap_or_default(),
                description: text(body.get("description")).unwrap_or_default(),
            }));
        }
    }
    Ok(Ok(()))
}

/// The envelope's error code/message from a non-2xx body, if it has one.
pub(crate) fn failure_from_body(body: &[u8]) -> Option<ApiFailure> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let code = text(v.get("errorCode")).or_else(|| text(v.get("error")))?;
    Some(ApiFailure {
        code,
        message: text(v.get("message")).unwrap_or_default(),
        description: text(v.get("description")).unwrap_or_default(),
    })
}

pub(crate) fn return_obj(body: &Value) -> &Value {
    body.get("returnObj").unwrap_or(&Value::Null)
}

/// `returnObj.traceId` / `traceID`.
pub(crate) fn trace_id(body: &Value) -> Option<String> {
    let ro = return_obj(body);
    text(ro.get("traceId")).or_else(|| text(ro.get("traceID")))
}
