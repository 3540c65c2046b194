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

/// Where the sources put a failure's text, first non-empty wins
/// (DIALECTS §3.5): GO/PY4 `message`/`description`, result objects
/// `errorMsg`/`error_msg`, 3P `msgDesc`, GO physical-line/list `subMsg`.
const MESSAGE_FIELDS: &[&str] = &[
    "message",
    "description",
    "errorMsg",
    "error_msg",
    "msgDesc",
    "subMsg",
];
/// Where the sources put a failure's code.
const CODE_FIELDS: &[&str] = &["errorCode", "error", "subCode"];

fn first_text(objects: &[&Value], fields: &[&'static str]) -> Option<(String, &'static str)> {
    objects
        .iter()
        .find_map(|o| fields.iter().find_map(|f| text(o.get(*f)).map(|t| (t, *f))))
}

/// The failure a body describes, reading `objects` in order (the envelope,
/// then `returnObj`, or the other way round for a refused mutation).
fn failure(objects: &[&Value], fallback_code: String) -> ApiFailure {
    let code = first_text(objects, CODE_FIELDS)
        .map(|(c, _)| c)
        .unwrap_or(fallback_code);
    let (message, from) = first_text(objects, MESSAGE_FIELDS).unwrap_or_default();
    // `description` is shown beside the message unless it is the message.
    let description = if from == "description" {
        String::new()
    } else {
        objects
            .first()
            .and_then(|o| text(o.get("description")))
            .filter(|d| d != &message)
            .unwrap_or_default()
    };
    ApiFailure {
        code,
        message,
        description,
    }
}

/// Whether a result object's `result` says the mutation was refused:
/// `"0"` (GO, PY4: a string) or `0`.
fn refused(result: Option<&Value>) -> bool {
    match result {
        Some(Value::String(r)) => r.trim() == "0",
        Some(Value::Number(n)) => n.as_i64() == Some(0),
        _ => false,
    }
}

/// Checks the envelope: `statusCode` 800 (a number or a string) is
/// success; anything else is a failure, with its code from `errorCode`,
/// `error` or `subCode` (else the status code itself) and its text from the
/// first non-empty of [`MESSAGE_FIELDS`]. For a write, also reports a
/// success envelope whose `returnObj.result` is `"0"` or `0` (a mutation
/// the back end refused) as a failure. Reads are judged by `statusCode`
/// alone: what `result` means on a read is undocumented (a health-check
/// read may well say `"0"` for "none configured").
pub(crate) fn check_envelope(body: &Value, is_write: bool) -> DecodeResult<Result<(), ApiFailure>> {
    if !body.is_object() {
        return Err("response body is not a JSON object".into());
    }
    let Some(code) = status_code(body) else {
        return Err("response has no statusCode".into());
    };
    let ro = return_obj(body);
    if code != 800 {
        return Ok(Err(failure(&[body, ro], code.to_string())));
    }
    if is_write && refused(ro.get("result")) {
        return Ok(Err(failure(&[ro, body], "result=0".into())));
    }
    Ok(Ok(()))
}

/// What a JSON body on a non-2xx status says, read as an envelope: `None`
/// when the body is not a JSON object. A body without `statusCode` (a
/// gateway's own error) still gives its code and text, the HTTP status
/// standing in for the code.
pub(crate) fn failure_from_body(body: &[u8], http_status: u16) -> Option<ApiFailure> {
    let v: Value = serde_json::from_slice(body).ok()?;
    if !v.is_object() {
        return None;
    }
    let fallback = status_code(&v)
        .filter(|c| *c != 800)
        .unwrap_or(i64::from(http_status));
    Some(failure(&[&v, return_obj(&v)], fallback.to_string()))
}

pub(crate) fn return_obj(body: &Value) -> &Value {
    body.get("returnObj").unwrap_or(&Value::Null)
}

/// `returnObj.traceId` / `traceID`.
pub(crate) fn trace_id(body: &Value) -> Option<String> {
    let ro = return_obj(body);
    text(ro.get("traceId")).or_else(|| text(ro.get("traceID")))
}
