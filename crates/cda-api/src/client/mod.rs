//! The typed async client.
//!
//! Every call goes through [`Client::call`] (see `transport`): build the
//! wire form from the endpoint table ([`crate::wire_preview`]), wait for the
//! rate limiter, sign, send, map transport/HTTP/envelope failures onto
//! [`Error`]. Reads are retried on transient failures with exponential
//! backoff and jitter; writes are sent exactly once, and a write whose
//! response is lost is reported as [`Error::UnknownOutcome`] so the caller
//! re-reads before deciding.
//!
//! [`Client::send`] sends any typed request ([`crate::ApiRequest`]); the
//! per-endpoint methods, one file per resource, are thin wrappers around it.
//! `paging` walks paginated lists, one page after another or side by side.

mod account_auth;
mod adapt;
mod bgp_routes;
mod breaker;
mod config;
mod exchange;
mod gateways;
mod health_checks;
mod lines;
mod link_probes;
mod paging;
mod rate;
mod static_routes;
mod switches;
mod transport;
mod vpcs;

pub use adapt::{GatewayKey, GetParams, WireOptions};
pub use config::{ClientConfig, DEFAULT_ENDPOINT, DEFAULT_PAGE_SIZE, DEFAULT_RATE_LIMIT_MAX};
pub use exchange::{Exchange, ParamPlacement, REDACTED_ACCESS_KEY, REDACTED_ACCOUNT};
pub use paging::MAX_PAGES;
pub use rate::{RateController, RateReport};
pub use transport::{RawResponse, MAX_RESPONSE_BYTES};

use crate::error::Error;
use secrecy::ExposeSecret;
use std::sync::Arc;
use transport::error_chain;

struct Inner {
    http: reqwest::Client,
    base: String,
    config: ClientConfig,
    /// `None`: calls are not paced.
    pacer: Option<std::sync::Mutex<rate::RateController>>,
    learned: adapt::Learned,
    breaker: breaker::Breaker,
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

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
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
        let pacer = match config.rate_limit_per_sec {
            None => None,
            Some(0) => {
                return Err(Error::Config(
                    "rate_limit_per_sec must be at least 1".into(),
                ))
            }
            // No burst: calls leave evenly spaced (`rate`). With a burst
            // of `rps`, a server counting calls per second sees up to
            // 2×rps in the first second and throttles (measured by
            // cda-bench: docs/performance.md, Apply).
            Some(rps) => {
                let max = config.rate_limit_max.unwrap_or(rps).max(rps);
                Some(std::sync::Mutex::new(rate::RateController::new(
                    f64::from(rps),
                    f64::from(max),
                    std::time::Instant::now(),
                )))
            }
        };
        let breaker = breaker::Breaker::new(&base, &config);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                breaker,
                base,
                config,
                pacer,
                learned: adapt::Learned::default(),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// What the pace of reads came to so far (`None`: calls are not
    /// paced), for `-v`.
    pub fn rate_report(&self) -> Option<RateReport> {
        let pacer = self.inner.pacer.as_ref()?;
        let pacer = pacer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(pacer.report())
    }

    /// Waits for this call's slot; returns when it left (`None`: not paced).
    async fn pace(&self, write: bool) -> Option<std::time::Instant> {
        let pacer = self.inner.pacer.as_ref()?;
        let slot = pacer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .reserve(std::time::Instant::now(), write);
        tokio::time::sleep_until(tokio::time::Instant::from_std(slot)).await;
        Some(slot)
    }

    /// Tells the pacer how a call sent at `sent` was answered: throttling
    /// slows reads down, any other answer of a read lets them speed up.
    fn paced<T>(&self, sent: Option<std::time::Instant>, write: bool, outcome: &Result<T, Error>) {
        let (Some(pacer), Some(sent)) = (self.inner.pacer.as_ref(), sent) else {
            return;
        };
        let mut pacer = pacer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = std::time::Instant::now();
        match outcome {
            Err(e) if e.is_throttled() => pacer.on_throttle(sent, now),
            // No answer says nothing about the server's limit.
            Err(Error::Timeout { .. } | Error::Transport { .. }) => {}
            _ if !write => pacer.on_success(now),
            _ => {}
        }
    }

    /// The account from the credentials, for requests that want `account`.
    pub fn account(&self) -> Option<&str> {
        self.inner.config.credentials.account.as_deref()
    }

    /// Records the `vrfName` the server reports for each listed gateway, so
    /// every later gateway-scoped call sends the server's own value
    /// (DIALECTS §4.1: on some servers it is an ID, not the name). Refresh
    /// calls this with every `gateway/list` it reads.
    pub fn learn_gateways(&self, gateways: &[crate::types::Gateway]) {
        for g in gateways {
            if let (Some(name), Some(vrf)) = (g.name(), non_empty(&g.vrf_name)) {
                self.inner.learned.record_vrf_name(name, vrf);
            }
            self.learn_pool(&g.resource_pool, &g.resource_pool_name);
        }
    }

    /// Records what line rows teach: the name of their resource pool
    /// (see [`Client::resource_pool_name`]).
    pub fn learn_lines(&self, lines: &[crate::types::PhysicalLine]) {
        for l in lines {
            self.learn_pool(&l.resource_pool, &l.resource_pool_name);
        }
    }

    fn learn_pool(&self, pool: &Option<String>, name: &Option<String>) {
        if let (Some(pool), Some(name)) = (non_empty(pool), non_empty(name)) {
            self.inner.learned.record_pool_name(pool, name);
        }
    }

    /// The name of resource pool `pool` (a region ID) as a listed row
    /// showed it, if one did. GO always sends `resourcePoolName` on
    /// `gateway/add` and `physical-line/add`.
    pub fn resource_pool_name(&self, pool: &str) -> Option<String> {
        self.inner.learned.pool_name(pool)
    }

    /// The gateway name a row means by `vrf_name`: on some servers (DOC,
    /// PY4) `vrfName` is the gateway's ID, not its name (DIALECTS §4.1).
    /// The name itself when no listed gateway has that `vrfName` (where
    /// `vrfName` is the name, both coincide).
    pub fn gateway_named_by(&self, vrf_name: &str) -> String {
        self.inner
            .learned
            .gateway_name(vrf_name)
            .unwrap_or_else(|| vrf_name.to_owned())
    }

    /// Whether a listed gateway reported `vrf_name` as its `vrfName`.
    pub fn knows_vrf_name(&self, vrf_name: &str) -> bool {
        self.inner.learned.gateway_name(vrf_name).is_some()
    }

    /// The `vrfName` the server reported for `gateway`, if a listing
    /// showed one.
    pub fn vrf_name(&self, gateway: &str) -> Option<String> {
        self.inner.learned.vrf_name(gateway)
    }

    /// The request shape in use now for `endpoint`: the pinned choices, or
    /// what the client has settled on for this server.
    pub fn wire_options(&self, endpoint: &crate::Endpoint) -> WireOptions {
        self.inner
            .learned
            .options(endpoint.name, self.inner.config.wire_options())
    }

    /// The exact request this client would send for `request` now (secrets
    /// included; see [`crate::WirePreview::redacted`]).
    pub fn wire_for<T: serde::Serialize + ?Sized>(
        &self,
        endpoint: &crate::Endpoint,
        request: &T,
    ) -> Result<crate::WirePreview, Error> {
        let value = crate::wire::to_value(endpoint, request)?;
        self.wire_from_value(endpoint, value, self.wire_options(endpoint))
    }

    fn wire_from_value(
        &self,
        endpoint: &crate::Endpoint,
        value: serde_json::Value,
        options: WireOptions,
    ) -> Result<crate::WirePreview, Error> {
        crate::wire::wire_form(endpoint, value, options, &|name| {
            self.inner.learned.vrf_name(name)
        })
    }

    /// The base URL requests go to.
    pub fn endpoint_url(&self) -> &str {
        &self.inner.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

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
}
