//! One call on the wire: rate limit, sign, send, read a capped body, and
//! map transport, HTTP and envelope failures onto [`Error`]. Reads are
//! retried on transient failures with exponential backoff and jitter; writes
//! are sent exactly once.

use super::adapt::alternatives;
use super::{Client, WireOptions};
use crate::decode;
use crate::endpoints::{self, Endpoint, Method};
use crate::error::Error;
use crate::request::ApiRequest;
use crate::signing;
use crate::types::WriteReceipt;
use crate::wire::{redacted_text, WirePreview};
use backon::{ExponentialBuilder, Retryable};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;
use tracing::{field, Instrument, Level};

/// Largest response body the client reads (16 MiB). A real answer (one
/// page of at most 50 items) is far smaller; the cap keeps a broken or
/// hostile server from making the client buffer an unbounded body.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A raw decoded response: the whole envelope and the request id of the
/// attempt that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    pub request_id: String,
    pub body: Value,
}

impl RawResponse {
    /// `returnObj` (`Null` when absent).
    pub fn return_obj(&self) -> &Value {
        decode::return_obj(&self.body)
    }
}

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The response body, or `None` when it is larger than
/// [`MAX_RESPONSE_BYTES`] (announced by `Content-Length` or found while
/// reading; the rest is not read).
async fn read_capped(mut response: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Maps a reqwest failure. A connect failure means nothing was sent, for a
/// read or a write. Any other failure of a write happened after the request
/// may have reached the server, so its outcome is unknown.
fn classify(endpoint: &Endpoint, request_id: &str, e: &reqwest::Error) -> Error {
    let request_id = request_id.to_owned();
    // A request that could not be built or connected was never sent.
    if e.is_connect() || e.is_builder() {
        return Error::Transport {
            endpoint: endpoint.name,
            request_id,
            connect: true,
            message: error_chain(e),
        };
    }
    if endpoint.is_write() {
        let reason = if e.is_timeout() {
            "timed out after the request was sent".to_owned()
        } else {
            format!(
                "response lost after the request was sent: {}",
                error_chain(e)
            )
        };
        return Error::UnknownOutcome {
            endpoint: endpoint.name,
            request_id,
            reason,
        };
    }
    if e.is_timeout() {
        return Error::Timeout {
            endpoint: endpoint.name,
            request_id,
        };
    }
    Error::Transport {
        endpoint: endpoint.name,
        request_id,
        connect: false,
        message: error_chain(e),
    }
}

/// One attempt's failure: a write is sent once, so its line is the call's
/// line (warn); a read's attempts are summed up by `Client::read`, so
/// each attempt shows only with `-v`.
fn log_failure(endpoint: &Endpoint, e: &Error) {
    if endpoint.is_write() {
        tracing::warn!(error = %e, "call failed");
    } else {
        tracing::info!(error = %e, "call failed");
    }
}

impl Client {
    async fn send_once(
        &self,
        endpoint: &'static Endpoint,
        wire: &WirePreview,
        attempt: u32,
    ) -> Result<RawResponse, Error> {
        let sent = self.pace(endpoint.is_write()).await;
        let request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "cda_call",
            endpoint = endpoint.name,
            method = endpoint.method.as_str(),
            request_id = %request_id,
            attempt,
            status = field::Empty,
            latency_ms = field::Empty,
        );
        let outcome = self
            .send_signed(endpoint, wire, request_id)
            .instrument(span)
            .await;
        self.paced(sent, endpoint.is_write(), &outcome);
        outcome
    }

    async fn send_signed(
        &self,
        endpoint: &'static Endpoint,
        wire: &WirePreview,
        request_id: String,
    ) -> Result<RawResponse, Error> {
        let creds = &self.inner.config.credentials;
        let date = signing::eop_date(Utc::now());
        let body = wire.body_bytes();
        let authorization = signing::authorization(
            &creds.access_key,
            creds.secret_key.expose_secret(),
            &request_id,
            &date,
            &wire.query,
            &body,
        );
        let url = format!("{}{}", self.inner.base, wire.path_and_query());
        let mut builder = match endpoint.method {
            Method::Get => self.inner.http.get(&url),
            Method::Post => self.inner.http.post(&url),
        }
        .header(signing::HEADER_REQUEST_ID, &request_id)
        .header(signing::HEADER_EOP_DATE, &date)
        .header(signing::HEADER_AUTHORIZATION, authorization);
        if wire.body.is_some() {
            if tracing::enabled!(Level::DEBUG) {
                tracing::debug!(body = %redacted_text(&body), "request body");
            }
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let started = Instant::now();
        let span = tracing::Span::current();
        let result = async {
            let response = builder
                .send()
                .await
                .map_err(|e| classify(endpoint, &request_id, &e))?;
            let status = response.status();
            span.record("status", status.as_u16());
            let bytes = read_capped(response)
                .await
                .map_err(|e| classify(endpoint, &request_id, &e))?;
            Ok::<_, Error>((status, bytes))
        }
        .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let (status, bytes) = match result {
            Ok(ok) => ok,
            Err(e) => {
                log_failure(endpoint, &e);
                return Err(e);
            }
        };
        let Some(bytes) = bytes else {
            let message = format!(
                "response body larger than the {} MiB limit",
                MAX_RESPONSE_BYTES / (1024 * 1024)
            );
            // A failure status still classifies as such (5xx stays transient).
            let e = if status.is_success() {
                Error::Decode {
                    endpoint: endpoint.name,
                    request_id,
                    message,
                }
            } else {
                Error::HttpStatus {
                    status: status.as_u16(),
                    code: None,
                    message: Some(message),
                    endpoint: endpoint.name,
                    request_id,
                }
            };
            log_failure(endpoint, &e);
            return Err(e);
        };
        if tracing::enabled!(Level::DEBUG) {
            tracing::debug!(body = %redacted_text(&bytes), "response body");
        }
        if !status.is_success() {
            // A JSON body is read as an envelope (py4 and GO at 59927d4
            // do, DIALECTS §3); anything else is the transport's own page.
            let failure = decode::failure_from_body(&bytes, status.as_u16());
            let e = Error::HttpStatus {
                status: status.as_u16(),
                code: failure.as_ref().map(|f| f.code.clone()),
                message: Some(match failure {
                    Some(f) if f.description.is_empty() => f.message,
                    Some(f) => format!("{} / {}", f.message, f.description),
                    None => "the body is not JSON".to_owned(),
                }),
                endpoint: endpoint.name,
                request_id,
            };
            log_failure(endpoint, &e);
            return Err(e);
        }
        let body: Value = serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
            endpoint: endpoint.name,
            request_id: request_id.clone(),
            message: format!("body is not JSON: {e}"),
        })?;
        match decode::check_envelope(&body, endpoint.is_write()) {
            Err(message) => Err(Error::Decode {
                endpoint: endpoint.name,
                request_id,
                message,
            }),
            Ok(Err(failure)) => {
                let e = Error::Api {
                    code: failure.code,
                    message: failure.message,
                    description: failure.description,
                    endpoint: endpoint.name,
                    request_id,
                };
                log_failure(endpoint, &e);
                Err(e)
            }
            Ok(Ok(())) => Ok(RawResponse { request_id, body }),
        }
    }

    /// Calls any endpoint of the table with `request` shaped as the client
    /// currently shapes requests for this server (see `adapt`), and returns
    /// the checked envelope. Reads are retried on transient failures;
    /// writes are sent once. A read refused for a parameter is tried once
    /// in each single form that is still open (query or body; `gatewayName`
    /// or `vrfName`), and the form that works is kept for the process.
    pub async fn call<T: Serialize + ?Sized>(
        &self,
        endpoint: &'static Endpoint,
        request: &T,
    ) -> Result<RawResponse, Error> {
        let value = crate::wire::to_value(endpoint, request)?;
        let options = self.wire_options(endpoint);
        let wire = self.wire_from_value(endpoint, value.clone(), options)?;
        if endpoint.is_write() {
            return self.send_once(endpoint, &wire, 1).await;
        }
        match self.read(endpoint, &wire).await {
            Err(refused) if refused.is_parameter_refusal() => {
                self.adapt(endpoint, value, options, refused).await
            }
            other => other,
        }
    }

    /// Tries the single forms after `refused`; keeps the first that works.
    async fn adapt(
        &self,
        endpoint: &'static Endpoint,
        value: Value,
        current: WireOptions,
        refused: Error,
    ) -> Result<RawResponse, Error> {
        let cfg = &self.inner.config;
        let forms = alternatives(
            current,
            endpoint.method == Method::Get,
            endpoints::is_gateway_scoped(endpoint),
            cfg.get_params.is_some(),
            cfg.gateway_key.is_some(),
        );
        for form in forms {
            let wire = self.wire_from_value(endpoint, value.clone(), form)?;
            match self.read(endpoint, &wire).await {
                Ok(raw) => {
                    tracing::info!(
                        endpoint = endpoint.name,
                        get_params = %form.get_params,
                        gateway_key = %form.gateway_key,
                        refused = %refused,
                        "the server refused parameters sent both ways; sending them this way from now on"
                    );
                    self.inner.learned.set_options(endpoint.name, form);
                    return Ok(raw);
                }
                Err(e) if e.is_parameter_refusal() => continue,
                Err(e) => return Err(e),
            }
        }
        Err(refused)
    }

    /// One read, retried on transient failures, unless the breaker gives
    /// up on the server (`breaker`). Logs one line per read at most (a
    /// read that needed retries, or failed); each attempt's failure and
    /// retry is logged at info (`-v`).
    async fn read(
        &self,
        endpoint: &'static Endpoint,
        wire: &WirePreview,
    ) -> Result<RawResponse, Error> {
        let cfg = &self.inner.config;
        let breaker = &self.inner.breaker;
        breaker.check()?;
        let retries = cfg.read_attempts.max(1) - 1;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(cfg.retry_min_delay)
            .with_max_delay(cfg.retry_max_delay)
            .with_max_times(retries as usize)
            .with_jitter();
        let attempt = AtomicU32::new(0);
        let last_failure = std::sync::Mutex::new(None::<String>);
        let result = (|| async {
            breaker.check()?;
            let n = attempt.fetch_add(1, Ordering::SeqCst) + 1;
            let sent = Instant::now();
            let outcome = breaker.record(sent, self.send_once(endpoint, wire, n).await);
            if let Err(e) = &outcome {
                if let Ok(mut last) = last_failure.lock() {
                    *last = Some(e.to_string());
                }
            }
            outcome
        })
        .retry(backoff)
        .when(Error::is_transient)
        .notify(|e, delay| {
            tracing::info!(endpoint = endpoint.name, error = %e, delay_ms = delay.as_millis() as u64, "retrying read");
        })
        .await;
        let attempts = attempt.load(Ordering::SeqCst);
        match &result {
            // The caller reports it, once for the whole refresh; and a
            // failure at the first attempt is the caller's to report.
            Err(Error::NotAnswering { .. }) => {}
            Err(e) if attempts > 1 => {
                tracing::warn!(endpoint = endpoint.name, attempts, error = %e, "read failed")
            }
            Err(_) => {}
            Ok(_) if attempts > 1 => {
                let last = last_failure.lock().ok().and_then(|l| l.clone());
                tracing::warn!(
                    endpoint = endpoint.name,
                    attempts,
                    last_failure = last.as_deref().unwrap_or_default(),
                    "read answered after retries"
                );
            }
            Ok(_) => {}
        }
        result
    }

    /// Sends a write once and returns its receipt.
    pub async fn write<T: Serialize + ?Sized>(
        &self,
        endpoint: &'static Endpoint,
        request: &T,
    ) -> Result<WriteReceipt, Error> {
        let raw = self.call(endpoint, request).await?;
        decode::receipt(endpoint, &raw)
    }

    /// Sends a typed request to its endpoint and decodes the answer: the
    /// one way every per-endpoint method goes.
    pub async fn send<R: ApiRequest + ?Sized>(&self, request: &R) -> Result<R::Response, Error> {
        let raw = self.call(R::ENDPOINT, request).await?;
        request.decode(raw)
    }
}
