//! cda's performance bench: synthetic estates ([`estate`]), refresh + diff
//! against the emulator with latency ([`plan_bench`]), the per-object
//! pattern a Terraform provider follows ([`sequential`]), the executor at
//! several parallelisms and QPS limits ([`apply_bench`]), CPU / memory of
//! the pure steps ([`cpu`]) and how they grow with the estate ([`scale`]).
//!
//! Every figure comes from the emulator's own counters (the same numbers as
//! `GET /_emulator/stats`) or from clocks in this process; nothing here
//! asserts a time, so the smoke tests can run in CI on a loaded machine.

pub mod apply_bench;
pub mod cpu;
pub mod estate;
pub mod plan_bench;
pub mod rate_bench;
pub mod scale;
pub mod sequential;

use cda_api::{Client, ClientConfig, Credentials};
use std::sync::Arc;
use std::time::Duration;

/// An emulator on `127.0.0.1:0` with the demo account, `seed` and `faults`.
pub async fn start_emulator(
    seed: Option<emulator::Seed>,
    faults: emulator::FaultConfig,
) -> anyhow::Result<emulator::Handle> {
    start_emulator_in(seed, faults, emulator::DialectSetting::default()).await
}

/// [`start_emulator`] speaking `dialect`.
pub async fn start_emulator_in(
    seed: Option<emulator::Seed>,
    faults: emulator::FaultConfig,
    dialect: emulator::DialectSetting,
) -> anyhow::Result<emulator::Handle> {
    let mut config = emulator::Config::demo().with_faults(faults);
    config.dialect = dialect;
    if let Some(seed) = seed {
        config = config.with_seed(emulator::SeedSource::Inline(seed));
    }
    Ok(emulator::spawn(config).await?)
}

/// Emulator faults: a fixed latency per call, optionally a QPS limit.
pub fn faults(latency_ms: u64, qps: Option<u32>) -> emulator::FaultConfig {
    emulator::FaultConfig {
        latency_ms,
        qps,
        ..emulator::FaultConfig::default()
    }
}

/// A client for the emulator's demo account; a fixed `rate_limit` per
/// second, or none.
pub fn client(handle: &emulator::Handle, rate_limit: Option<u32>) -> anyhow::Result<Arc<Client>> {
    adaptive_client(handle, rate_limit, rate_limit)
}

/// A client whose reads start at `rate_limit` per second and may speed up
/// to `rate_limit_max` (the adaptive client rate, `cda_api::RateController`).
pub fn adaptive_client(
    handle: &emulator::Handle,
    rate_limit: Option<u32>,
    rate_limit_max: Option<u32>,
) -> anyhow::Result<Arc<Client>> {
    let mut credentials = Credentials::new(emulator::DEMO_ACCESS_KEY, emulator::DEMO_SECRET_KEY);
    credentials.account = Some(emulator::DEMO_ACCOUNT.to_owned());
    let mut config = ClientConfig::new(credentials).with_endpoint(handle.base_url());
    config.rate_limit_per_sec = rate_limit;
    config.rate_limit_max = rate_limit_max;
    config.timeout = Duration::from_secs(120);
    Ok(Arc::new(Client::new(config)?))
}

/// `⌈calls / concurrency⌉ × latency`: the wall time the API's round-trips
/// impose on `calls` calls with `concurrency` in flight.
pub fn bound(calls: u64, concurrency: usize, latency: Duration) -> Duration {
    let c = concurrency.max(1) as u64;
    let rounds = calls.div_ceil(c);
    latency.saturating_mul(u32::try_from(rounds).unwrap_or(u32::MAX))
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_rounds_up() {
        let l = Duration::from_millis(20);
        assert_eq!(bound(0, 8, l), Duration::ZERO);
        assert_eq!(bound(1, 8, l), l);
        assert_eq!(bound(16, 8, l), l * 2);
        assert_eq!(bound(17, 8, l), l * 3);
        assert_eq!(bound(5, 0, l), l * 5);
    }
}
