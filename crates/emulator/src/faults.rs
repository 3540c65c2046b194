//! Deterministic fault injection: every API request draws from one seeded
//! ChaCha RNG in arrival order, so the same seed and the same request
//! sequence give the same faults.

use crate::store::AccountState;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;

/// What to inject. `GET`/`PUT /_emulator/faults` read and replace it (JSON,
/// camelCase; missing fields take their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultConfig {
    /// Seed of the fault RNG (and of generated IDs).
    pub seed: u64,
    /// Fixed latency added to every API request.
    pub latency_ms: u64,
    /// Extra latency drawn uniformly from `0..=jitter_ms`.
    pub jitter_ms: u64,
    /// Probability of HTTP 500 / 502 / 503 (each a third of it).
    pub error_rate: f64,
    /// Probability of a throttling error (HTTP 429, `CDA.Request.Throttling`).
    pub throttle_rate: f64,
    /// Probability that the connection is dropped before the request is
    /// processed (a write does not commit).
    pub drop_before_rate: f64,
    /// Probability that a request is processed (a write commits and is
    /// persisted) and then the connection is dropped: the response is lost.
    pub drop_after_rate: f64,
    /// Hard limit of API requests per second (per emulator); excess → 429.
    pub qps: Option<u32>,
    /// Every write (create, update, delete) shows in list/count/get calls
    /// only this many ms later, per object (eventual consistency): a read
    /// sees each object as it was this long ago. Rules (name taken, in use)
    /// see writes at once.
    pub visibility_delay_ms: u64,
    /// Extra delay on read (list/get/count) calls only: slow reads.
    pub read_latency_ms: u64,
    /// Faults forced on the next matching requests, consumed in order,
    /// before any probabilistic fault is drawn.
    pub script: Vec<ScriptedFault>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: 0,
            latency_ms: 0,
            jitter_ms: 0,
            error_rate: 0.0,
            throttle_rate: 0.0,
            drop_before_rate: 0.0,
            drop_after_rate: 0.0,
            qps: None,
            visibility_delay_ms: 0,
            read_latency_ms: 0,
            script: Vec::new(),
        }
    }
}

/// One forced fault: the first request matching `path` (and `method`, when
/// given) gets `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScriptedFault {
    /// API path, e.g. `/v4/cda/gateway/add`; absent = any.
    #[serde(default)]
    pub path: Option<String>,
    /// `GET` / `POST`; absent = any.
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
}

/// A fault applied to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    Http500,
    Http502,
    Http503,
    Throttle,
    DropBefore,
    DropAfter,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Http500 => "http500",
            FaultKind::Http502 => "http502",
            FaultKind::Http503 => "http503",
            FaultKind::Throttle => "throttle",
            FaultKind::DropBefore => "dropBefore",
            FaultKind::DropAfter => "dropAfter",
        }
    }
}

impl FaultConfig {
    /// The CLI's `--fault-rate P`: probability P that a request gets a fault,
    /// split evenly between 5xx, throttling, drop-before and drop-after.
    pub fn with_fault_rate(mut self, rate: f64) -> Self {
        let rate = rate.clamp(0.0, 1.0);
        self.error_rate = rate / 4.0;
        self.throttle_rate = rate / 4.0;
        self.drop_before_rate = rate / 4.0;
        self.drop_after_rate = rate / 4.0;
        self
    }
}

/// The decision for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub delay: Duration,
    pub fault: Option<FaultKind>,
}

/// The fault RNG and configuration, behind the app's mutex.
#[derive(Debug)]
pub struct Faults {
    pub config: FaultConfig,
    rng: ChaCha8Rng,
    /// What reads see while `visibility_delay_ms` is set.
    pub lag: Lag,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        let rng = ChaCha8Rng::seed_from_u64(config.seed);
        Faults {
            config,
            rng,
            lag: Lag::default(),
        }
    }

    /// Replaces the configuration and re-seeds the RNG. Writes not yet
    /// visible stay so (a new delay applies from the next read).
    pub fn replace(&mut self, config: FaultConfig) {
        let lag = std::mem::take(&mut self.lag);
        *self = Faults::new(config);
        self.lag = lag;
    }

    /// The visibility delay in ms, as the clock counts.
    pub fn delay_ms(&self) -> i64 {
        i64::try_from(self.config.visibility_delay_ms).unwrap_or(i64::MAX)
    }

    /// Draws the decision for the next request. Always consumes exactly two
    /// numbers from the RNG, so one request's fault cannot shift another's.
    pub fn decide(&mut self, method: &str, path: &str, is_read: bool) -> Decision {
        let roll: f64 = self.rng.gen();
        let jitter_roll: f64 = self.rng.gen();
        let c = &self.config;
        let jitter = (c.jitter_ms as f64 * jitter_roll).round() as u64;
        let read_extra = if is_read { c.read_latency_ms } else { 0 };
        let delay = Duration::from_millis(c.latency_ms + jitter + read_extra);
        if let Some(i) = self.config.script.iter().position(|s| {
            s.path.as_deref().is_none_or(|p| p == path)
                && s.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        }) {
            let forced = self.config.script.remove(i);
            return Decision {
                delay,
                fault: Some(forced.kind),
            };
        }
        let c = &self.config;
        let mut edge = 0.0;
        let mut pick = |rate: f64| {
            edge += rate.max(0.0);
            roll < edge
        };
        let fault = if pick(c.error_rate / 3.0) {
            Some(FaultKind::Http500)
        } else if pick(c.error_rate / 3.0) {
            Some(FaultKind::Http502)
        } else if pick(c.error_rate / 3.0) {
            Some(FaultKind::Http503)
        } else if pick(c.throttle_rate) {
            Some(FaultKind::Throttle)
        } else if pick(c.drop_before_rate) {
            Some(FaultKind::DropBefore)
        } else if pick(c.drop_after_rate) {
            Some(FaultKind::DropAfter)
        } else {
            None
        };
        Decision { delay, fault }
    }
}

/// Eventual consistency for updates and deletes as well as creates: each
/// account's state after every write, with its time, kept while a read may
/// still see it. A read at `now` sees the state of the last write at or
/// before `now - delay`, i.e. every object as it was `delay` ago, which for
/// one fixed delay is exactly "each write shows `delay` after it was made".
#[derive(Debug, Default)]
pub struct Lag {
    accounts: HashMap<String, VecDeque<(i64, AccountState)>>,
}

impl Lag {
    /// After a write committed at `at_ms`: `before` and `after` are the
    /// account's state on either side of it.
    pub fn wrote(
        &mut self,
        account: &str,
        at_ms: i64,
        delay_ms: i64,
        before: &AccountState,
        after: &AccountState,
    ) {
        if delay_ms <= 0 {
            self.accounts.clear();
            return;
        }
        let states = self.accounts.entry(account.to_owned()).or_default();
        if states.is_empty() {
            states.push_back((i64::MIN, before.clone()));
        }
        states.push_back((at_ms, after.clone()));
        prune(states, at_ms.saturating_sub(delay_ms));
    }

    /// What a read at `now_ms` sees of `account`: `None` when it sees the
    /// current state (no delay, or every write is old enough).
    pub fn view(&mut self, account: &str, now_ms: i64, delay_ms: i64) -> Option<&AccountState> {
        if delay_ms <= 0 {
            self.accounts.clear();
            return None;
        }
        let states = self.accounts.get_mut(account)?;
        prune(states, now_ms.saturating_sub(delay_ms));
        if states.len() <= 1 {
            // The one state left is the latest write's: the current state.
            self.accounts.remove(account);
            return None;
        }
        self.accounts
            .get(account)
            .and_then(|s| s.front())
            .map(|(_, st)| st)
    }

    pub fn clear(&mut self) {
        self.accounts.clear();
    }
}

/// Drop the states no read can see any more: all but the last one at or
/// before `cutoff`.
fn prune(states: &mut VecDeque<(i64, AccountState)>, cutoff: i64) {
    while states.len() >= 2 && states[1].0 <= cutoff {
        states.pop_front();
    }
}

/// A fixed one-second window counter for the hard QPS limit.
#[derive(Debug, Default)]
pub struct RateWindow {
    second: i64,
    count: u32,
}

impl RateWindow {
    /// Counts a request at `now_ms`; false when it exceeds `limit`.
    pub fn admit(&mut self, now_ms: i64, limit: u32) -> bool {
        let second = now_ms.div_euclid(1000);
        if second != self.second {
            self.second = second;
            self.count = 0;
        }
        if self.count >= limit {
            return false;
        }
        self.count += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64) -> Vec<Decision> {
        let mut f = Faults::new(FaultConfig {
            seed,
            jitter_ms: 50,
            ..FaultConfig::default().with_fault_rate(0.5)
        });
        (0..200)
            .map(|_| f.decide("POST", "/v4/cda/gateway/add", false))
            .collect()
    }

    #[test]
    fn same_seed_same_faults() {
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        let faults = run(42).iter().filter(|d| d.fault.is_some()).count();
        // 200 draws at p = 0.5: far from 0 and from 200.
        assert!((60..140).contains(&faults), "{faults}");
        let kinds: std::collections::HashSet<_> = run(42).iter().filter_map(|d| d.fault).collect();
        assert_eq!(kinds.len(), 6);
    }

    #[test]
    fn script_is_consumed_in_order_and_by_match() {
        let mut f = Faults::new(FaultConfig {
            script: vec![
                ScriptedFault {
                    path: Some("/v4/cda/gateway/add".into()),
                    method: None,
                    kind: FaultKind::DropAfter,
                },
                ScriptedFault {
                    path: None,
                    method: Some("GET".into()),
                    kind: FaultKind::Http503,
                },
            ],
            ..FaultConfig::default()
        });
        assert_eq!(
            f.decide("GET", "/v4/cda/gateway/list", true).fault,
            Some(FaultKind::Http503)
        );
        assert_eq!(f.decide("GET", "/v4/cda/gateway/list", true).fault, None);
        assert_eq!(
            f.decide("POST", "/v4/cda/gateway/add", false).fault,
            Some(FaultKind::DropAfter)
        );
        assert_eq!(f.decide("POST", "/v4/cda/gateway/add", false).fault, None);
    }

    #[test]
    fn latency_and_jitter_bounds() {
        let mut f = Faults::new(FaultConfig {
            latency_ms: 10,
            jitter_ms: 5,
            read_latency_ms: 7,
            ..Default::default()
        });
        for _ in 0..50 {
            let d = f.decide("GET", "/x", true).delay.as_millis();
            assert!((17..=22).contains(&d), "{d}");
            let d = f.decide("POST", "/x", false).delay.as_millis();
            assert!((10..=15).contains(&d), "{d}");
        }
    }

    #[test]
    fn reads_see_each_write_only_after_the_delay() {
        let state = |n: usize| AccountState {
            switches: vec![Default::default(); n],
            ..Default::default()
        };
        let mut lag = Lag::default();
        let seen = |lag: &mut Lag, now| lag.view("a", now, 100).map(|s| s.switches.len());
        // Nothing written: the current state.
        assert_eq!(seen(&mut lag, 0), None);
        lag.wrote("a", 1_000, 100, &state(0), &state(1));
        lag.wrote("a", 1_050, 100, &state(1), &state(2));
        // Before either write shows, between the two, after both.
        assert_eq!(seen(&mut lag, 1_099), Some(0));
        assert_eq!(seen(&mut lag, 1_100), Some(1));
        assert_eq!(seen(&mut lag, 1_149), Some(1));
        assert_eq!(seen(&mut lag, 1_150), None);
        // Other accounts and no delay: the current state.
        lag.wrote("a", 2_000, 100, &state(2), &state(3));
        assert!(lag.view("b", 2_010, 100).is_none());
        assert!(lag.view("a", 2_010, 0).is_none());
        assert!(lag.view("a", 2_010, 100).is_none());
    }

    #[test]
    fn rate_window_limits_per_second() {
        let mut w = RateWindow::default();
        assert!(w.admit(1_000, 2));
        assert!(w.admit(1_500, 2));
        assert!(!w.admit(1_999, 2));
        assert!(w.admit(2_000, 2));
    }
}
