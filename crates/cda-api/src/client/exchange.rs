//! One raw, hand-placed read: `cda doctor` asks the server which parameter
//! placements it accepts, so it must choose where the parameters travel
//! (query only, JSON body only, or both) instead of following the endpoint
//! table, and it must see the answer as it came (status, headers, body),
//! not only the decoded envelope. Each call is sent once (no retry: a probe
//! reports what happened) and is signed exactly as sent.
//!
//! Only reads can go through here: [`Client::exchange`] refuses a write
//! endpoint, so a diagnostic run cannot change the estate.

use super::transport::error_chain;
use super::Client;
use crate::endpoints::{Endpoint, Method};
use crate::error::Error;
use crate::signing;
use crate::wire::{redact, SENSITIVE};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

/// Largest response body an exchange keeps (1 MiB): a probe reads one page.
const MAX_EXCHANGE_BODY: usize = 1024 * 1024;

/// Replacement for the access key in a redacted exchange.
pub const REDACTED_ACCESS_KEY: &str = "(access key)";
/// Replacement for an account e-mail in a redacted exchange.
pub const REDACTED_ACCOUNT: &str = "(account)";

/// Where a read's parameters travel: the same choice as `--get-params`.
pub type ParamPlacement = super::adapt::GetParams;

/// One request and its answer, as they were on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// Canonical query string as sent (empty when none).
    pub query: String,
    /// Request headers that cda set (lower-case names).
    pub request_headers: BTreeMap<String, String>,
    /// Request body as sent, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// HTTP status; `None` when no response arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Response headers (lower-case names).
    #[serde(default)]
    pub response_headers: BTreeMap<String, String>,
    /// Response body as text (lossy UTF-8, cut at 1 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Why no response arrived (connection, TLS, timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the request left (local clock).
    pub sent_at: DateTime<Utc>,
    /// Round trip in milliseconds.
    pub elapsed_ms: u64,
}

impl Exchange {
    /// The response body as JSON, when it is JSON.
    pub fn response_json(&self) -> Option<Value> {
        serde_json::from_str(self.response_body.as_deref()?).ok()
    }

    /// A response header by (case-insensitive) name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.response_headers.get(&name).map(String::as_str)
    }

    /// A copy fit to attach to a bug report: the access key and the
    /// signature are masked, every occurrence of the account e-mail (and of
    /// anything shaped like an e-mail address in a JSON body) becomes
    /// `(account)`, and BGP keys and other secrets in JSON bodies become
    /// `(sensitive)`. The secret key is never in an exchange: only the
    /// signature derived from it is, and that is masked.
    pub fn redacted(&self, access_key: &str, account: Option<&str>) -> Exchange {
        let mut needles: Vec<(String, &str)> = Vec::new();
        if !access_key.is_empty() {
            needles.push((access_key.to_owned(), REDACTED_ACCESS_KEY));
        }
        if let Some(account) = account.filter(|a| !a.is_empty()) {
            needles.push((account.to_owned(), REDACTED_ACCOUNT));
            needles.push((signing::encode_component(account), REDACTED_ACCOUNT));
        }
        let scrub = |text: &str| {
            needles
                .iter()
                .fold(text.to_owned(), |t, (needle, with)| t.replace(needle, with))
        };
        let body = |text: &Option<String>| text.as_deref().map(|t| scrub(&redact_body(t)));
        let mut request_headers = BTreeMap::new();
        for (name, value) in &self.request_headers {
            let value = if name == &signing::HEADER_AUTHORIZATION.to_ascii_lowercase() {
                format!(
                    "{REDACTED_ACCESS_KEY} Headers={} Signature={SENSITIVE}",
                    signing::SIGNED_HEADERS
                )
            } else {
                scrub(value)
            };
            request_headers.insert(name.clone(), value);
        }
        Exchange {
            method: self.method.clone(),
            path: self.path.clone(),
            query: scrub(&self.query),
            request_headers,
            request_body: body(&self.request_body),
            status: self.status,
            response_headers: self
                .response_headers
                .iter()
                .map(|(k, v)| (k.clone(), scrub(v)))
                .collect(),
            response_body: body(&self.response_body),
            error: self.error.as_deref().map(scrub),
            sent_at: self.sent_at,
            elapsed_ms: self.elapsed_ms,
        }
    }
}

/// JSON bodies: secrets and e-mail-shaped values masked; other text as is.
fn redact_body(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            redact(&mut v);
            mask_emails(&mut v);
            v.to_string()
        }
        Err(_) => text.to_owned(),
    }
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// Other accounts' e-mails (`authorizedAccount`, …) are personal data too.
fn mask_emails(value: &mut Value) {
    match value {
        Value::String(s) if looks_like_email(s) => *s = REDACTED_ACCOUNT.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(mask_emails),
        Value::Object(map) => map.values_mut().for_each(mask_emails),
        _ => {}
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Query pairs of a flat parameter object: `null` left out, arrays as
/// repeated keys (as the endpoint table's query placement does).
fn query_pairs(params: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = params else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for (k, v) in map {
        match v {
            Value::Array(items) => {
                pairs.extend(items.iter().filter_map(scalar).map(|s| (k.clone(), s)))
            }
            other => pairs.extend(scalar(other).map(|s| (k.clone(), s))),
        }
    }
    pairs
}

/// Compact JSON with object keys sorted, `null` fields left out.
fn body_text(params: &Value) -> String {
    let sorted: BTreeMap<&String, &Value> = match params {
        Value::Object(map) => map.iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => BTreeMap::new(),
    };
    serde_json::to_string(&sorted).unwrap_or_else(|_| "{}".to_owned())
}

fn headers_of(map: &reqwest::header::HeaderMap) -> BTreeMap<String, String> {
    map.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

impl Client {
    /// Sends one signed read to `endpoint` with `params` (a flat JSON
    /// object) placed as `placement` says, once, and returns the exchange
    /// whatever happened. Refuses a write endpoint.
    pub async fn exchange(
        &self,
        endpoint: &'static Endpoint,
        params: &Value,
        placement: ParamPlacement,
    ) -> Result<Exchange, Error> {
        if endpoint.is_write() {
            return Err(Error::Config(format!(
                "{}: an exchange sends reads only",
                endpoint.name
            )));
        }
        self.pace(false).await;
        let query = if placement.query() {
            signing::canonical_query(query_pairs(params))
        } else {
            String::new()
        };
        let body = placement.body().then(|| body_text(params));
        let creds = &self.inner.config.credentials;
        let request_id = uuid::Uuid::new_v4().to_string();
        let sent_at = Utc::now();
        let date = signing::eop_date(sent_at);
        let body_bytes = body.as_deref().unwrap_or("").as_bytes();
        let authorization = signing::authorization(
            &creds.access_key,
            creds.secret_key.expose_secret(),
            &request_id,
            &date,
            &query,
            body_bytes,
        );
        let mut request_headers = BTreeMap::new();
        request_headers.insert(signing::HEADER_REQUEST_ID.to_owned(), request_id);
        request_headers.insert(signing::HEADER_EOP_DATE.to_owned(), date);
        request_headers.insert(
            signing::HEADER_AUTHORIZATION.to_ascii_lowercase(),
            authorization,
        );
        if body.is_some() {
            request_headers.insert("content-type".to_owned(), "application/json".to_owned());
        }
        let url = if query.is_empty() {
            format!("{}{}", self.inner.base, endpoint.path)
        } else {
            format!("{}{}?{query}", self.inner.base, endpoint.path)
        };
        let mut builder = match endpoint.method {
            Method::Get => self.inner.http.get(&url),
            Method::Post => self.inner.http.post(&url),
        };
        for (name, value) in &request_headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &body {
            builder = builder.body(body.clone());
        }
        let started = Instant::now();
        let mut exchange = Exchange {
            method: endpoint.method.as_str().to_owned(),
            path: endpoint.path.to_owned(),
            query,
            request_headers,
            request_body: body,
            status: None,
            response_headers: BTreeMap::new(),
            response_body: None,
            error: None,
            sent_at,
            elapsed_ms: 0,
        };
        match builder.send().await {
            Err(e) => exchange.error = Some(error_chain(&e)),
            Ok(mut response) => {
                exchange.status = Some(response.status().as_u16());
                exchange.response_headers = headers_of(response.headers());
                let mut bytes = Vec::new();
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            let room = MAX_EXCHANGE_BODY.saturating_sub(bytes.len());
                            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                            if room <= chunk.len() {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            exchange.error = Some(error_chain(&e));
                            break;
                        }
                    }
                }
                exchange.response_body = Some(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        exchange.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(exchange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Exchange {
        let mut request_headers = BTreeMap::new();
        request_headers.insert(
            "eop-authorization".to_owned(),
            "AKID123 Headers=ctyun-eop-request-id;eop-date Signature=c2lnbmF0dXJl".to_owned(),
        );
        request_headers.insert("eop-date".to_owned(), "20240101T000000Z".to_owned());
        Exchange {
            method: "GET".into(),
            path: "/v4/cda/bgp-route/list".into(),
            query: "account=ops%40example.com&gatewayName=gw1".into(),
            request_headers,
            request_body: Some(r#"{"account":"ops@example.com","gatewayName":"gw1"}"#.into()),
            status: Some(200),
            response_headers: BTreeMap::new(),
            response_body: Some(
                json!({"statusCode": 800, "returnObj": {"bgpRouteList": [{"BGPKey": "hunter2",
                    "peerAS": "65001", "authorizedAccount": "other@example.org",
                    "account": "ops@example.com"}]}})
                .to_string(),
            ),
            error: None,
            sent_at: Utc::now(),
            elapsed_ms: 3,
        }
    }

    #[test]
    fn redaction_removes_key_signature_account_and_bgp_keys() {
        let shown =
            serde_json::to_string(&sample().redacted("AKID123", Some("ops@example.com"))).unwrap();
        for secret in [
            "AKID123",
            "c2lnbmF0dXJl",
            "ops@example.com",
            "ops%40example.com",
            "other@example.org",
            "hunter2",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // What a reader needs stays.
        for kept in ["gw1", "65001", "eop-date", "/v4/cda/bgp-route/list"] {
            assert!(shown.contains(kept), "{kept} missing from {shown}");
        }
    }

    #[test]
    fn placements_put_parameters_where_asked() {
        let params = json!({"gatewayName": "gw 1", "pageNo": 1, "regionID": null});
        assert_eq!(
            signing::canonical_query(query_pairs(&params)),
            "gatewayName=gw%201&pageNo=1"
        );
        assert_eq!(body_text(&params), r#"{"gatewayName":"gw 1","pageNo":1}"#);
        assert!(ParamPlacement::Both.query() && ParamPlacement::Both.body());
        assert!(!ParamPlacement::Query.body() && !ParamPlacement::Body.query());
    }

    #[test]
    fn email_shapes() {
        assert!(looks_like_email("a@b.c"));
        assert!(!looks_like_email("gw@1"));
        assert!(!looks_like_email("no at sign"));
    }
}
