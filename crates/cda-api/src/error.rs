//! The crate's one error type. Every variant that concerns a call names the
//! endpoint and, once a request was built, its request id, so a failure in a
//! journal or a log can be matched to the server's records.

/// Errors from the CDA client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with a failure envelope (`statusCode` 900, or a
    /// mutation whose `returnObj.result` is `"0"`).
    #[error(
        "{endpoint}: API error {code}: {message}{} (request {request_id})",
        describe(description)
    )]
    Api {
        code: String,
        message: String,
        description: String,
        endpoint: &'static str,
        request_id: String,
    },
    /// A non-2xx HTTP status. `code` is the envelope's error code when the
    /// body carried one.
    #[error(
        "{endpoint}: HTTP {status}{}{} (request {request_id}){}",
        code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(),
        message.as_deref().filter(|m| !m.is_empty()).map(|m| format!(": {m}")).unwrap_or_default(),
        unauthorised_hint(*status)
    )]
    HttpStatus {
        status: u16,
        code: Option<String>,
        message: Option<String>,
        endpoint: &'static str,
        request_id: String,
    },
    /// A read timed out (no response within the configured timeout).
    #[error("{endpoint}: timed out (request {request_id})")]
    Timeout {
        endpoint: &'static str,
        request_id: String,
    },
    /// The request could not be sent or its response could not be read.
    /// `connect` is true when no connection was established, so the server
    /// never saw the request.
    #[error("{endpoint}: transport error: {message} (request {request_id})")]
    Transport {
        endpoint: &'static str,
        request_id: String,
        connect: bool,
        message: String,
    },
    /// The response body was not the expected JSON.
    #[error("{endpoint}: undecodable response: {message} (request {request_id})")]
    Decode {
        endpoint: &'static str,
        request_id: String,
        message: String,
    },
    /// A write was sent but its response never arrived (connection dropped
    /// after sending, or a timeout after sending). The change may or may not
    /// have happened: re-read before deciding.
    #[error("{endpoint}: outcome unknown, the write may have been applied: {reason} (request {request_id})")]
    UnknownOutcome {
        endpoint: &'static str,
        request_id: String,
        reason: String,
    },
    /// A task fetching pages side by side
    /// ([`crate::Client::all_pages_concurrently`]) failed: it panicked, or
    /// the caller's limit on calls in flight was closed.
    #[error("{endpoint}: a task fetching pages failed: {message}")]
    Task {
        endpoint: &'static str,
        message: String,
    },
    /// The client gave up on the server: several calls in a row got no
    /// answer (timed out or could not connect), so every read stops now
    /// instead of retrying each call in turn (`client::breaker`).
    #[error(
        "the CDA API at {url} is not answering ({calls} calls {how} in {secs:.1} s); \
         check the endpoint, the network path and the service status{}",
        connect_error.as_deref().map(|e| format!(" (last connection error: {e})")).unwrap_or_default(),
        how = if *connect_only { "could not connect" } else { "timed out" },
        secs = elapsed.as_secs_f64()
    )]
    NotAnswering {
        url: String,
        /// Calls on the wire (attempts) that got no answer, in a row.
        calls: u32,
        /// From the start of the first of them to giving up.
        elapsed: std::time::Duration,
        /// True when none of them could even connect.
        connect_only: bool,
        /// Why the last of them that could not connect failed (refused,
        /// name resolution, TLS certificate): the user's first clue.
        connect_error: Option<String>,
    },
    /// Invalid client configuration (endpoint URL, plain HTTP to a non-loopback
    /// host, …).
    #[error("configuration: {0}")]
    Config(String),
    /// Missing, unreadable or insecure credentials.
    #[error("credentials: {0}")]
    Credentials(String),
}

/// What a user can check when the server refuses the signature: the
/// secret key (a wrong one signs validly, but differently) and the clock
/// (the signature covers the time, and a skewed one is refused).
pub const UNAUTHORISED_HINT: &str = "the server refused the request's signature: check that \
CTYUN_SK (or the credentials file's `sk`) is the secret key of CTYUN_AK, and that this \
machine's clock is right (signatures carry the time)";

fn unauthorised_hint(status: u16) -> String {
    if status == 401 {
        format!("; {UNAUTHORISED_HINT}")
    } else {
        String::new()
    }
}

fn describe(description: &str) -> String {
    if description.is_empty() {
        String::new()
    } else {
        format!(" / {description}")
    }
}

fn is_throttling(code: &str) -> bool {
    code.to_ascii_lowercase().contains("throttl")
}

impl Error {
    /// Whether repeating the same read could succeed: connection and transport
    /// failures, timeouts, HTTP 5xx and 429, and throttling error codes (any
    /// code containing "throttl", case-insensitively).
    /// [`Error::UnknownOutcome`] is deliberately not transient: the caller must
    /// re-read, not resend.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Api { code, message, .. } => is_throttling(code) || is_throttling(message),
            Error::HttpStatus { status, code, .. } => {
                *status >= 500 || *status == 429 || code.as_deref().is_some_and(is_throttling)
            }
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Decode { .. }
            | Error::UnknownOutcome { .. }
            | Error::NotAnswering { .. }
            | Error::Task { .. }
            | Error::Config(_)
            | Error::Credentials(_) => false,
        }
    }

    /// Whether the server refused the call for its parameters (one missing,
    /// unknown, or in the wrong place): a business failure or HTTP 4xx
    /// whose text says so, or a 400/405/411/415/422 status (a gateway
    /// refusing, say, a GET with a body). The client then tries the other
    /// placement or gateway key once (`client::adapt`). Throttling never is.
    pub fn is_parameter_refusal(&self) -> bool {
        if self.is_throttled() {
            return false;
        }
        let text = match self {
            Error::Api {
                code,
                message,
                description,
                ..
            } => format!("{code} {message} {description}"),
            Error::HttpStatus {
                status: 400 | 405 | 411 | 415 | 422,
                ..
            } => return true,
            Error::HttpStatus {
                status: 402..=499,
                code,
                message,
                ..
            } => format!(
                "{} {}",
                code.as_deref().unwrap_or_default(),
                message.as_deref().unwrap_or_default()
            ),
            _ => return false,
        };
        let text = text.to_lowercase();
        [
            "param",
            "missing",
            "required",
            "must not be",
            "cannot be empty",
            "is empty",
            "is null",
            "not allowed",
            "unknown field",
            "unrecognized",
            "unsupported",
            "缺少",
            "必填",
            "必传",
            "不能为空",
            "参数",
        ]
        .iter()
        .any(|w| text.contains(w))
    }

    /// Whether the error is throttling (HTTP 429 or a throttling error code).
    pub fn is_throttled(&self) -> bool {
        match self {
            Error::Api { code, .. } => is_throttling(code),
            Error::HttpStatus { status, code, .. } => {
                *status == 429 || code.as_deref().is_some_and(is_throttling)
            }
            _ => false,
        }
    }

    /// The request id of the failed call, when a request was built.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::HttpStatus { request_id, .. }
            | Error::Timeout { request_id, .. }
            | Error::Transport { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::UnknownOutcome { request_id, .. } => Some(request_id),
            Error::Task { .. }
            | Error::NotAnswering { .. }
            | Error::Config(_)
            | Error::Credentials(_) => None,
        }
    }

    /// The endpoint name of the failed call, when the error concerns one.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            Error::Api { endpoint, .. }
            | Error::HttpStatus { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::UnknownOutcome { endpoint, .. }
            | Error::Task { endpoint, .. } => Some(endpoint),
            Error::NotAnswering { .. } | Error::Config(_) | Error::Credentials(_) => None,
        }
    }

    /// Whether the server gave no answer at all: the call timed out or
    /// could not connect. What the breaker counts.
    pub fn is_unanswered(&self) -> bool {
        matches!(
            self,
            Error::Timeout { .. } | Error::Transport { connect: true, .. }
        )
    }

    /// True for [`Error::UnknownOutcome`].
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, Error::UnknownOutcome { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> Error {
        Error::Api {
            code: code.into(),
            message: "m".into(),
            description: "d".into(),
            endpoint: "gateway_list",
            request_id: "r1".into(),
        }
    }

    fn http(status: u16, code: Option<&str>) -> Error {
        Error::HttpStatus {
            status,
            code: code.map(String::from),
            message: None,
            endpoint: "gateway_list",
            request_id: "r1".into(),
        }
    }

    #[test]
    fn transient_classification() {
        assert!(api("Openapi.Throttling.Limit").is_transient());
        assert!(api("cda.THROTTLED").is_transient());
        assert!(!api("cda.gateway.notFound").is_transient());
        assert!(http(503, None).is_transient());
        assert!(http(500, None).is_transient());
        assert!(http(429, None).is_transient());
        assert!(http(400, Some("Throttling")).is_transient());
        assert!(!http(404, None).is_transient());
        assert!(!http(400, Some("cda.bad")).is_transient());
        let unknown = Error::UnknownOutcome {
            endpoint: "gateway_add",
            request_id: "r2".into(),
            reason: "connection closed".into(),
        };
        assert!(!unknown.is_transient());
        assert!(unknown.is_unknown_outcome());
        assert_eq!(unknown.request_id(), Some("r2"));
        assert_eq!(unknown.endpoint(), Some("gateway_add"));
        assert_eq!(Error::Config("x".into()).request_id(), None);
    }

    #[test]
    fn parameter_refusals() {
        let with = |code: &str, message: &str| Error::Api {
            code: code.into(),
            message: message.into(),
            description: String::new(),
            endpoint: "vpc_list",
            request_id: "r".into(),
        };
        assert!(with("900", "missing parameter: vrfName").is_parameter_refusal());
        assert!(with("cda.param.invalid", "").is_parameter_refusal());
        assert!(with("900", "vrfName不能为空").is_parameter_refusal());
        assert!(!with("cda.gateway.notFound", "gateway gw1 not found").is_parameter_refusal());
        assert!(!with("Throttling", "param rate").is_parameter_refusal());
        assert!(http(400, None).is_parameter_refusal());
        assert!(http(415, None).is_parameter_refusal());
        assert!(!http(404, None).is_parameter_refusal());
        assert!(!http(503, None).is_parameter_refusal());
        assert!(!http(401, None).is_parameter_refusal());
    }

    #[test]
    fn display_names_endpoint_and_request() {
        let text = api("cda.x").to_string();
        assert!(text.contains("gateway_list"), "{text}");
        assert!(text.contains("r1"), "{text}");
        assert!(text.contains("cda.x"), "{text}");
        assert!(http(503, None).to_string().contains("HTTP 503"));
    }

    #[test]
    fn a_refused_signature_says_what_to_check() {
        let text = http(401, Some("CDA.Auth.SignatureMismatch")).to_string();
        assert!(
            text.contains("HTTP 401 (CDA.Auth.SignatureMismatch)"),
            "{text}"
        );
        assert!(
            text.contains("CTYUN_SK") && text.contains("clock"),
            "{text}"
        );
        let text = http(403, None).to_string();
        assert!(!text.contains("CTYUN_SK"), "{text}");
    }
}
