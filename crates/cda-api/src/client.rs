//! The typed async client: one method per endpoint.
//!
//! Every call goes through [`Client::call`]: build the wire form from the
//! endpoint table ([`wire_preview`]), wait for the rate limiter, sign, send,
//! map transport/HTTP/envelope failures onto [`Error`]. Reads are retried on
//! transient failures with exponential backoff and jitter; writes are sent
//! exactly once, and a write whose response is lost is reported as
//! [`Error::UnknownOutcome`] so the caller re-reads before deciding.

use crate::credentials::Credentials;
use crate::decode::{self, groups};
use crate::endpoints::{self as ep, Endpoint, Method};
use crate::error::Error;
use crate::signing;
use crate::types::*;
use crate::wire::{redacted_text, wire_preview, WirePreview};
use backon::{ExponentialBuilder, Retryable};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{field, Instrument, Level};

/// The production endpoint (one global host; the region is a request field).
pub const DEFAULT_ENDPOINT: &str = "https://cda-global.ctapi.ctyun.cn";

/// Page size used by the `*_all` helpers (PYH documents 50 as the maximum).
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Largest response body the client reads (16 MiB). A real answer (one
/// page of at most 50 items) is far smaller; the cap keeps a broken or
/// hostile server from making the client buffer an unbounded body.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Upper bound on pages walked by a `*_all` helper, against a server that
/// ignores `pageNo`.
const MAX_PAGES: u32 = 1000;

/// Client settings. [`ClientConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL. `https://` anywhere; plain `http://` only to a loopback host
    /// (the emulator).
    pub endpoint: String,
    pub credentials: Credentials,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Total attempts for a read (1 = no retry). Writes always get one.
    pub read_attempts: u32,
    /// First retry delay; doubles up to `retry_max_delay`, with jitter.
    pub retry_min_delay: Duration,
    pub retry_max_delay: Duration,
    /// Client-side rate limit, requests per second (`None` = unlimited).
    pub rate_limit_per_sec: Option<u32>,
    /// Page size for the `*_all` helpers.
    pub page_size: u32,
    pub user_agent: String,
}

impl ClientConfig {
    pub fn new(credentials: Credentials) -> Self {
        ClientConfig {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            credentials,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            // A refresh makes ~50 reads and stops at the first that runs
            // out of attempts: with 4, a 40 % fault rate failed most
            // refreshes (0.4^4 per read); 6 costs at most ~6 s more per read.
            read_attempts: 6,
            retry_min_delay: Duration::from_millis(200),
            retry_max_delay: Duration::from_secs(5),
            rate_limit_per_sec: Some(10),
            page_size: DEFAULT_PAGE_SIZE,
            user_agent: concat!("cda/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// Same settings, another base URL.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }
}

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

type Limiter = governor::DefaultDirectRateLimiter;

struct Inner {
    http: reqwest::Client,
    base: String,
    config: ClientConfig,
    limiter: Option<Limiter>,
}

/// The CDA client. Cheap to clone (shared connection pool and rate limiter).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.base)
            .field("access_key", &self.inner.config.credentials.access_key)
            .finish_non_exhaustive()
    }
}

fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Validates the endpoint URL and returns it without a trailing slash.
fn validate_endpoint(endpoint: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(endpoint)
        .map_err(|e| Error::Config(format!("endpoint {endpoint:?} is not a URL: {e}")))?;
    let Some(host) = url.host_str() else {
        return Err(Error::Config(format!("endpoint {endpoint:?} has no host")));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(host) => {}
        "http" => {
            return Err(Error::Config(format!(
                "endpoint {endpoint:?}: plain http:// is allowed only to a loopback address \
                 (the emulator); use https://"
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "endpoint {endpoint:?}: unsupported scheme {other:?}"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "endpoint {endpoint:?} must not carry a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Maps a reqwest failure. A connect failure means nothing was sent, for a
/// read or a write. Any other failure of a write happened after the request
/// may have reached the server, so its outcome is unknown.
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

#[derive(Serialize)]
struct Paged<'a, R: Serialize> {
    #[serde(flatten)]
    filters: &'a R,
    #[serde(rename = "pageNo")]
    page_no: u32,
    #[serde(rename = "pageSize")]
    page_size: u32,
}

/// How to find and decode the items of a list endpoint.
struct ListShape {
    containers: &'static [&'static str],
    item_keys: &'static [&'static str],
    groups: &'static [&'static [&'static str]],
}

const GATEWAYS: ListShape = ListShape {
    containers: &["lineGatewayList", "gatewayList"],
    item_keys: &["gatewayName", "vrfName"],
    groups: groups::GATEWAY,
};
const LINES: ListShape = ListShape {
    containers: &["physicalLineList", "lineList"],
    item_keys: &["lineID", "lineId", "lineName"],
    groups: groups::LINE,
};
const VPCS: ListShape = ListShape {
    containers: &["vpcList"],
    item_keys: &["vpcID", "vpcId"],
    groups: groups::VPC,
};
const STATIC_ROUTES: ListShape = ListShape {
    containers: &["staticRouteList", "srList"],
    item_keys: &["SRID", "SRId", "srid", "srId"],
    groups: groups::STATIC_ROUTE,
};
const BGP_ROUTES: ListShape = ListShape {
    containers: &["bgpRouteList", "BGPRouteList"],
    item_keys: &["BGPID", "BGPId", "bgpId", "bgpid"],
    groups: groups::BGP_ROUTE,
};
const SWITCHES: ListShape = ListShape {
    containers: &["result", "switchList"],
    item_keys: &["switchID", "switchId"],
    groups: groups::SWITCH,
};
const HEALTH_STATUSES: ListShape = ListShape {
    containers: &["statusList"],
    item_keys: &["status"],
    groups: groups::HEALTH_STATUS,
};
const ACCOUNT_AUTHS: ListShape = ListShape {
    containers: &["accountAuthList", "result"],
    item_keys: &["fuid", "authAccountId", "authAccountID"],
    groups: groups::ACCOUNT_AUTH,
};

impl Client {
    /// Builds a client: validates the endpoint (https, or http to loopback
    /// only), builds a rustls HTTP client with certificate verification on.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base = validate_endpoint(&config.endpoint)?;
        if config.credentials.access_key.is_empty()
            || config.credentials.secret_key.expose_secret().is_empty()
        {
            return Err(Error::Credentials(
                "access key and secret key must not be empty".into(),
            ));
        }
        // The access key travels in a header; refuse what a header cannot carry.
        if !config
            .credentials
            .access_key
            .chars()
            .all(|c| c.is_ascii_graphic())
        {
            return Err(Error::Credentials(
                "access key must be printable ASCII without spaces".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(!base.starts_with("http://"))
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {}", error_chain(&e))))?;
        let limiter = match config.rate_limit_per_sec {
            None => None,
            Some(rps) => {
                let rps = NonZeroU32::new(rps)
                    .ok_or_else(|| Error::Config("rate_limit_per_sec must be at least 1".into()))?;
                // No burst: calls leave evenly spaced, 1/rps apart. With
                // the default burst of `rps`, a server counting calls per
                // second sees up to 2×rps in the first second and throttles
                // (measured by cda-bench: docs/performance.md, Apply).
                Some(governor::RateLimiter::direct(
                    governor::Quota::per_second(rps).allow_burst(NonZeroU32::MIN),
                ))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                config,
                limiter,
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The account from the credentials, for requests that want `account`.
    pub fn account(&self) -> Option<&str> {
        self.inner.config.credentials.account.as_deref()
    }

    /// The base URL requests go to.
    pub fn endpoint_url(&self) -> &str {
        &self.inner.base
    }

    async fn send_once(
        &self,
        endpoint: &'static Endpoint,
        wire: &WirePreview,
        attempt: u32,
    ) -> Result<RawResponse, Error> {
        if let Some(limiter) = &self.inner.limiter {
            limiter.until_ready().await;
        }
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
        self.send_signed(endpoint, wire, request_id)
            .instrument(span)
            .await
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
                tracing::warn!(error = %e, "call failed");
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
            tracing::warn!(error = %e, "call failed");
            return Err(e);
        };
        if tracing::enabled!(Level::DEBUG) {
            tracing::debug!(body = %redacted_text(&bytes), "response body");
        }
        if !status.is_success() {
            let failure = decode::failure_from_body(&bytes);
            let e = Error::HttpStatus {
                status: status.as_u16(),
                code: failure.as_ref().map(|f| f.code.clone()),
                message: failure.map(|f| f.message),
                endpoint: endpoint.name,
                request_id,
            };
            tracing::warn!(error = %e, "call failed");
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
                tracing::warn!(error = %e, "call failed");
                Err(e)
            }
            Ok(Ok(())) => Ok(RawResponse { request_id, body }),
        }
    }

    /// Calls any endpoint of the table with `request` placed as the table
    /// says, and returns the checked envelope. Reads are retried on transient
    /// failures; writes are sent once.
    pub async fn call<T: Serialize + ?Sized>(
        &self,
        endpoint: &'static Endpoint,
        request: &T,
    ) -> Result<RawResponse, Error> {
        let wire = wire_preview(endpoint, request)?;
        if endpoint.is_write() {
            return self.send_once(endpoint, &wire, 1).await;
        }
        let cfg = &self.inner.config;
        let retries = cfg.read_attempts.max(1) - 1;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(cfg.retry_min_delay)
            .with_max_delay(cfg.retry_max_delay)
            .with_max_times(retries as usize)
            .with_jitter();
        let attempt = AtomicU32::new(0);
        let wire = &wire;
        (|| async {
            let n = attempt.fetch_add(1, Ordering::SeqCst) + 1;
            self.send_once(endpoint, wire, n).await
        })
        .retry(backoff)
        .when(Error::is_transient)
        .notify(|e, delay| {
            tracing::info!(endpoint = endpoint.name, error = %e, delay_ms = delay.as_millis() as u64, "retrying read");
        })
        .await
    }

    /// Sends a write once and returns its receipt.
    pub async fn write<T: Serialize + ?Sized>(
        &self,
        endpoint: &'static Endpoint,
        request: &T,
    ) -> Result<WriteReceipt, Error> {
        let raw = self.call(endpoint, request).await?;
        Ok(WriteReceipt {
            endpoint: endpoint.name,
            trace_id: decode::trace_id(&raw.body),
            request_id: raw.request_id,
        })
    }

    fn decode_error<'a>(
        endpoint: &'static Endpoint,
        raw: &'a RawResponse,
    ) -> impl Fn(String) -> Error + 'a {
        move |message| Error::Decode {
            endpoint: endpoint.name,
            request_id: raw.request_id.clone(),
            message,
        }
    }

    async fn list<T: DeserializeOwned, R: Serialize>(
        &self,
        endpoint: &'static Endpoint,
        request: &R,
        shape: &ListShape,
    ) -> Result<Vec<T>, Error> {
        let raw = self.call(endpoint, request).await?;
        let items = decode::find_list(&raw.body, shape.containers, shape.item_keys);
        decode::decode_items(items, shape.groups).map_err(Self::decode_error(endpoint, &raw))
    }

    async fn page<T: DeserializeOwned, R: Serialize>(
        &self,
        endpoint: &'static Endpoint,
        filters: &R,
        page_no: u32,
        page_size: u32,
        shape: &ListShape,
    ) -> Result<Page<T>, Error> {
        let request = Paged {
            filters,
            page_no,
            page_size,
        };
        let raw = self.call(endpoint, &request).await?;
        let items = decode::find_list(&raw.body, shape.containers, shape.item_keys);
        let items = decode::decode_items(items, shape.groups)
            .map_err(Self::decode_error(endpoint, &raw))?;
        Ok(Page {
            items,
            total_count: decode::total_count(&raw.body),
            page_no,
            page_size,
        })
    }

    /// Walks `pageNo` = 1, 2, … until `totalCount` items were collected or a
    /// page comes back empty.
    async fn all_pages<T: DeserializeOwned, R: Serialize>(
        &self,
        endpoint: &'static Endpoint,
        filters: &R,
        shape: &ListShape,
    ) -> Result<Vec<T>, Error> {
        let size = self.inner.config.page_size.max(1);
        let mut out = Vec::new();
        for page_no in 1..=MAX_PAGES {
            let page: Page<T> = self.page(endpoint, filters, page_no, size, shape).await?;
            let n = page.items.len();
            out.extend(page.items);
            // A short page does not end the walk when no total is known: a
            // server may clamp pageSize below what was asked.
            let done = n == 0
                || page
                    .total_count
                    .is_some_and(|total| out.len() as u64 >= total);
            if done {
                return Ok(out);
            }
        }
        Err(Error::Decode {
            endpoint: endpoint.name,
            request_id: String::new(),
            message: format!("more than {MAX_PAGES} pages; the server may be ignoring pageNo"),
        })
    }

    async fn count<R: Serialize>(
        &self,
        endpoint: &'static Endpoint,
        request: &R,
    ) -> Result<u64, Error> {
        let raw = self.call(endpoint, request).await?;
        decode::count(&raw.body).map_err(Self::decode_error(endpoint, &raw))
    }

    // -- Gateways ----------------------------------------------------------

    /// One page of `gateway/list`.
    pub async fn gateway_list(
        &self,
        request: &GatewayListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<Gateway>, Error> {
        self.page(&ep::GATEWAY_LIST, request, page_no, page_size, &GATEWAYS)
            .await
    }

    /// Every gateway, walking all pages.
    pub async fn gateway_list_all(
        &self,
        request: &GatewayListRequest,
    ) -> Result<Vec<Gateway>, Error> {
        self.all_pages(&ep::GATEWAY_LIST, request, &GATEWAYS).await
    }

    pub async fn gateway_add(&self, request: &GatewayAddRequest) -> Result<WriteReceipt, Error> {
        self.write(&ep::GATEWAY_ADD, request).await
    }

    pub async fn gateway_delete(
        &self,
        request: &GatewayDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::GATEWAY_DELETE, request).await
    }

    pub async fn gateway_count(&self, request: &GatewayCountRequest) -> Result<u64, Error> {
        self.count(&ep::GATEWAY_COUNT, request).await
    }

    /// Physical lines bound to a gateway.
    pub async fn gateway_physical_line_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.list(&ep::GATEWAY_PHYSICAL_LINE_LIST, request, &LINES)
            .await
    }

    // -- Physical lines ----------------------------------------------------

    pub async fn physical_line_list(
        &self,
        request: &PhysicalLineListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<PhysicalLine>, Error> {
        self.page(&ep::PHYSICAL_LINE_LIST, request, page_no, page_size, &LINES)
            .await
    }

    pub async fn physical_line_list_all(
        &self,
        request: &PhysicalLineListRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.all_pages(&ep::PHYSICAL_LINE_LIST, request, &LINES)
            .await
    }

    pub async fn shared_physical_line_list(
        &self,
        request: &PhysicalLineListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<PhysicalLine>, Error> {
        self.page(
            &ep::SHARED_PHYSICAL_LINE_LIST,
            request,
            page_no,
            page_size,
            &LINES,
        )
        .await
    }

    pub async fn shared_physical_line_list_all(
        &self,
        request: &PhysicalLineListRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.all_pages(&ep::SHARED_PHYSICAL_LINE_LIST, request, &LINES)
            .await
    }

    pub async fn physical_line_add(
        &self,
        request: &PhysicalLineAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::PHYSICAL_LINE_ADD, request).await
    }

    pub async fn physical_line_update(
        &self,
        request: &PhysicalLineUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::PHYSICAL_LINE_UPDATE, request).await
    }

    pub async fn physical_line_delete(
        &self,
        request: &PhysicalLineDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::PHYSICAL_LINE_DELETE, request).await
    }

    pub async fn physical_line_count(
        &self,
        request: &PhysicalLineCountRequest,
    ) -> Result<u64, Error> {
        self.count(&ep::PHYSICAL_LINE_COUNT, request).await
    }

    /// Access point(s) of a line (`AP1`/`AP2`).
    pub async fn physical_line_access_point_list(
        &self,
        request: &AccessPointListRequest,
    ) -> Result<Vec<String>, Error> {
        let raw = self
            .call(&ep::PHYSICAL_LINE_ACCESS_POINT_LIST, request)
            .await?;
        Ok(decode::access_points(&raw.body))
    }

    pub async fn physical_line_bind(
        &self,
        request: &LineBindingRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::PHYSICAL_LINE_BIND, request).await
    }

    pub async fn physical_line_unbind(
        &self,
        request: &LineBindingRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::PHYSICAL_LINE_UNBIND, request).await
    }

    // -- VPC attachments ---------------------------------------------------

    pub async fn vpc_add(&self, request: &VpcAddRequest) -> Result<WriteReceipt, Error> {
        self.write(&ep::VPC_ADD, request).await
    }

    pub async fn vpc_update(&self, request: &VpcUpdateRequest) -> Result<WriteReceipt, Error> {
        self.write(&ep::VPC_UPDATE, request).await
    }

    pub async fn vpc_delete(&self, request: &VpcDeleteRequest) -> Result<WriteReceipt, Error> {
        self.write(&ep::VPC_DELETE, request).await
    }

    pub async fn vpc_list(&self, request: &GatewayScopedRequest) -> Result<Vec<Vpc>, Error> {
        self.list(&ep::VPC_LIST, request, &VPCS).await
    }

    pub async fn vpc_count(&self, request: &GatewayScopedRequest) -> Result<u64, Error> {
        self.count(&ep::VPC_COUNT, request).await
    }

    /// `vpc/info`: `returnObj` as sent (its `data` is undocumented).
    pub async fn vpc_info(&self, request: &VpcInfoRequest) -> Result<Value, Error> {
        Ok(self
            .call(&ep::VPC_INFO, request)
            .await?
            .return_obj()
            .clone())
    }

    // -- Static routes -----------------------------------------------------

    pub async fn static_route_add(
        &self,
        request: &StaticRouteAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::STATIC_ROUTE_ADD, request).await
    }

    pub async fn static_route_update(
        &self,
        request: &StaticRouteUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::STATIC_ROUTE_UPDATE, request).await
    }

    pub async fn static_route_delete(
        &self,
        request: &StaticRouteDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::STATIC_ROUTE_DELETE, request).await
    }

    /// Static routes of a gateway, one per `SRID` (flattened rows merged).
    pub async fn static_route_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<StaticRoute>, Error> {
        let raw = self.call(&ep::STATIC_ROUTE_LIST, request).await?;
        let items = decode::find_list(&raw.body, STATIC_ROUTES.containers, STATIC_ROUTES.item_keys);
        decode::static_routes(items).map_err(Self::decode_error(&ep::STATIC_ROUTE_LIST, &raw))
    }

    // -- BGP routes --------------------------------------------------------

    pub async fn bgp_route_add(&self, request: &BgpRouteAddRequest) -> Result<WriteReceipt, Error> {
        self.write(&ep::BGP_ROUTE_ADD, request).await
    }

    pub async fn bgp_route_update(
        &self,
        request: &BgpRouteUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::BGP_ROUTE_UPDATE, request).await
    }

    pub async fn bgp_route_delete(
        &self,
        request: &BgpRouteDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::BGP_ROUTE_DELETE, request).await
    }

    /// BGP routes of a gateway, one per `BGPID` (flattened rows merged).
    pub async fn bgp_route_list(
        &self,
        request: &GatewayScopedRequest,
    ) -> Result<Vec<BgpRoute>, Error> {
        let raw = self.call(&ep::BGP_ROUTE_LIST, request).await?;
        let items = decode::find_list(&raw.body, BGP_ROUTES.containers, BGP_ROUTES.item_keys);
        decode::bgp_routes(items).map_err(Self::decode_error(&ep::BGP_ROUTE_LIST, &raw))
    }

    // -- Switches ----------------------------------------------------------

    pub async fn switch_list(&self, request: &SwitchListRequest) -> Result<Vec<Switch>, Error> {
        self.list(&ep::SWITCH_LIST, request, &SWITCHES).await
    }

    // -- Health checks -----------------------------------------------------

    pub async fn health_check_add(
        &self,
        request: &HealthCheckAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::HEALTH_CHECK_ADD, request).await
    }

    pub async fn health_check_update(
        &self,
        request: &HealthCheckUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::HEALTH_CHECK_UPDATE, request).await
    }

    /// The health check of a (gateway, VPC), `None` when there is none.
    pub async fn health_check_get(
        &self,
        request: &HealthCheckGetRequest,
    ) -> Result<Option<HealthCheck>, Error> {
        let raw = self.call(&ep::HEALTH_CHECK_GET, request).await?;
        decode::health_check(&raw.body).map_err(Self::decode_error(&ep::HEALTH_CHECK_GET, &raw))
    }

    pub async fn health_check_status(
        &self,
        request: &HealthCheckStatusRequest,
    ) -> Result<Vec<HealthCheckStatus>, Error> {
        self.list(&ep::HEALTH_CHECK_STATUS, request, &HEALTH_STATUSES)
            .await
    }

    /// Deletes a health check at the endpoint table's path (see
    /// [`crate::endpoints::HEALTH_CHECK_DELETE`]).
    pub async fn health_check_delete(
        &self,
        request: &HealthCheckDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::HEALTH_CHECK_DELETE, request).await
    }

    // -- Link probes -------------------------------------------------------

    pub async fn link_probe_add(
        &self,
        request: &LinkProbeAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::LINK_PROBE_ADD, request).await
    }

    pub async fn link_probe_delete(
        &self,
        request: &LinkProbeDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::LINK_PROBE_DELETE, request).await
    }

    /// `link-probe/query`: `returnObj` as sent (its `data` is undocumented).
    pub async fn link_probe_query(&self, request: &LinkProbeQueryRequest) -> Result<Value, Error> {
        Ok(self
            .call(&ep::LINK_PROBE_QUERY, request)
            .await?
            .return_obj()
            .clone())
    }

    // -- Cross-account authorisation --------------------------------------

    pub async fn account_auth_add(
        &self,
        request: &AccountAuthAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::ACCOUNT_AUTH_ADD, request).await
    }

    pub async fn account_auth_delete(
        &self,
        request: &AccountAuthDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.write(&ep::ACCOUNT_AUTH_DELETE, request).await
    }

    pub async fn account_auth_list(
        &self,
        request: &AccountAuthListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<AccountAuth>, Error> {
        self.page(
            &ep::ACCOUNT_AUTH_LIST,
            request,
            page_no,
            page_size,
            &ACCOUNT_AUTHS,
        )
        .await
    }

    pub async fn account_auth_list_all(
        &self,
        request: &AccountAuthListRequest,
    ) -> Result<Vec<AccountAuth>, Error> {
        self.all_pages(&ep::ACCOUNT_AUTH_LIST, request, &ACCOUNT_AUTHS)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(endpoint: &str) -> ClientConfig {
        ClientConfig::new(Credentials::new("ak", "sk")).with_endpoint(endpoint)
    }

    #[test]
    fn endpoint_validation() {
        assert!(Client::new(config(DEFAULT_ENDPOINT)).is_ok());
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:9",
        ] {
            assert!(Client::new(config(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://cda-global.ctapi.ctyun.cn",
            "http://10.0.0.1:80",
            "ftp://127.0.0.1",
            "not a url",
            "https://h/?q=1",
        ] {
            let err = Client::new(config(bad)).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
        }
        let c = Client::new(config("http://127.0.0.1:8080/")).unwrap();
        assert_eq!(c.endpoint_url(), "http://127.0.0.1:8080");
        let mut zero = config(DEFAULT_ENDPOINT);
        zero.rate_limit_per_sec = Some(0);
        assert!(Client::new(zero).is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let c = Client::new(ClientConfig::new(Credentials::new("AKX", "SKSECRET"))).unwrap();
        assert!(!format!("{c:?}").contains("SKSECRET"));
        assert!(!format!("{:?}", c.config()).contains("SKSECRET"));
    }

    #[test]
    fn paged_request_adds_page_fields() {
        let req = GatewayListRequest {
            account: Some("a".into()),
            ..Default::default()
        };
        let p = wire_preview(
            &ep::GATEWAY_LIST,
            &Paged {
                filters: &req,
                page_no: 2,
                page_size: 50,
            },
        )
        .unwrap();
        assert_eq!(p.query, "account=a&pageNo=2&pageSize=50");
    }
}
