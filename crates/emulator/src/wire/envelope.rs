//! The success and failure envelopes around a `returnObj` (REFERENCE §1.1).

use super::Code;
use serde_json::{json, Value};

/// A failed call: rendered as a `statusCode: 900` envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    /// What exactly was wrong (field name, value); appended to both messages.
    pub detail: String,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
        }
    }

    pub fn http_status(&self) -> u16 {
        self.code.info().http
    }

    /// The failure envelope.
    pub fn envelope(&self) -> Value {
        let info = self.code.info();
        let (message, description) = if self.detail.is_empty() {
            (info.message.to_string(), info.description.to_string())
        } else {
            (
                format!("{}: {}", info.message, self.detail),
                format!("{}：{}", info.description, self.detail),
            )
        };
        json!({
            "statusCode": 900,
            "message": message,
            "description": description,
            "errorCode": info.code,
            "error": info.code,
            "returnObj": null,
        })
    }
}

/// The success envelope around a `returnObj`.
pub fn success(return_obj: Value) -> Value {
    json!({
        "statusCode": 800,
        "message": "",
        "description": "",
        "errorCode": "",
        "error": "",
        "returnObj": return_obj,
    })
}

/// The success envelope around a `returnObj` given as JSON text.
pub fn success_text(return_obj: &str) -> String {
    format!(
        "{{\"statusCode\":800,\"message\":\"\",\"description\":\"\",\"errorCode\":\"\",\"error\":\"\",\"returnObj\":{return_obj}}}"
    )
}

/// The result object of a mutating call.
pub fn result_object(trace_id: &str) -> Value {
    json!({
        "result": "1",
        "data": null,
        "errorCode": null,
        "errorMsg": null,
        "traceId": trace_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_text_matches_success() {
        let inner = json!({"a": [1, "x"]});
        let text: Value = serde_json::from_str(&success_text(&inner.to_string())).unwrap();
        assert_eq!(text, success(inner));
    }

    #[test]
    fn error_envelope_has_both_messages() {
        let env = ApiError::new(Code::GatewayNameDuplicate, "gw01").envelope();
        assert_eq!(env["statusCode"], 900);
        assert_eq!(env["errorCode"], "CDA.Gateway.NameDuplicate");
        assert_eq!(env["error"], "CDA.Gateway.NameDuplicate");
        assert!(env["message"].as_str().unwrap().contains("already exists"));
        assert!(env["description"].as_str().unwrap().contains("已存在"));
    }
}
