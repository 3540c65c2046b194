//! Client settings and their defaults.

use super::{GatewayKey, GetParams, WireOptions};
use crate::credentials::Credentials;
use std::time::Duration;

/// The production endpoint (one global host; the region is a request field).
pub const DEFAULT_ENDPOINT: &str = "https://cda-global.ctapi.ctyun.cn";

/// How fast reads may go by default while the server does not throttle
/// (calls per second).
pub const DEFAULT_RATE_LIMIT_MAX: u32 = 50;

/// Page size used by the `*_all` helpers (PYH documents 50 as the maximum).
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Client settings. [`ClientConfig::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL. `https://` anywhere; plain `http://` only to a loopback host
    /// (the emulator).
    pub endpoint: String,
    pub credentials: Credentials,
    /// Whole-request timeout (connect, send, and the whole body: a server
    /// trickling a byte at a time still times out).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Total attempts for a read (1 = no retry). Writes always get one.
    pub read_attempts: u32,
    /// Calls in a row, across all reads, that may get no answer (time out
    /// or fail to connect) before the client gives up on the server
    /// (`client::breaker`, [`ClientConfig::give_up_bound`]).
    pub unanswered_limit: u32,
    /// First retry delay; doubles up to `retry_max_delay`, with jitter.
    pub retry_min_delay: Duration,
    pub retry_max_delay: Duration,
    /// Client-side rate limit, requests per second (`None` = unlimited):
    /// writes never go faster; reads start at it (`client::rate`).
    pub rate_limit_per_sec: Option<u32>,
    /// How fast reads may go while the server answers without throttling
    /// (`None`: no faster than `rate_limit_per_sec`).
    pub rate_limit_max: Option<u32>,
    /// Page size for the `*_all` helpers.
    pub page_size: u32,
    pub user_agent: String,
    /// Pins where GET parameters travel (`--get-params`); `None` sends
    /// both and adapts (see `client::adapt`).
    pub get_params: Option<GetParams>,
    /// Pins the gateway key (`--gateway-key`); `None` sends both and adapts.
    pub gateway_key: Option<GatewayKey>,
}

impl ClientConfig {
    pub fn new(credentials: Credentials) -> Self {
        ClientConfig {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            credentials,
            // A page of 50 rows answers in well under a second; 10 s
            // leaves room for a slow one while keeping the give-up bound
            // (4 unanswered calls: `give_up_bound`) under 45 s.
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            // A refresh makes ~50 reads and stops at the first that runs
            // out of attempts: with 4, a 40 % fault rate failed most
            // refreshes (0.4^4 per read); 6 costs at most ~6 s more per read.
            read_attempts: 6,
            unanswered_limit: 4,
            retry_min_delay: Duration::from_millis(200),
            retry_max_delay: Duration::from_secs(5),
            rate_limit_per_sec: Some(10),
            rate_limit_max: Some(DEFAULT_RATE_LIMIT_MAX),
            page_size: DEFAULT_PAGE_SIZE,
            user_agent: concat!("cda/", env!("CARGO_PKG_VERSION")).to_owned(),
            get_params: None,
            gateway_key: None,
        }
    }

    /// The request shape to start with: the pinned choices, else both.
    pub fn wire_options(&self) -> WireOptions {
        let default = WireOptions::default();
        WireOptions {
            get_params: self.get_params.unwrap_or(default.get_params),
            gateway_key: self.gateway_key.unwrap_or(default.gateway_key),
        }
    }

    /// The longest a refresh waits on a server that never answers before
    /// failing with [`crate::Error::NotAnswering`]: the unanswered calls the
    /// breaker allows (`unanswered_limit`; concurrent reads only trip it
    /// sooner, and a smaller `read_attempts` fails the first read sooner),
    /// each up to `timeout`, plus the retry delays between them at their
    /// longest (jitter at most doubles a delay). 4 × 10 s + 2 × (0.2 +
    /// 0.4 + 0.8) s = 42.8 s with the defaults.
    pub fn give_up_bound(&self) -> Duration {
        let calls = self.unanswered_limit.max(1);
        let mut delays = Duration::ZERO;
        let mut delay = self.retry_min_delay;
        for _ in 1..calls {
            delays += delay.min(self.retry_max_delay) * 2;
            delay *= 2;
        }
        self.timeout * calls + delays
    }

    /// Same settings, another base URL.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }
}
