//! The client's read rate against a server that throttles: refresh + diff
//! of a plan against the emulator with a QPS limit and latency, once with
//! the adaptive rate (`cda_api::RateController`) and once at the fixed
//! default rate, for comparison.
//!
//! The bound is what the server allows: the calls the plan needs (the
//! requests answered without throttling) at the QPS limit.

use crate::estate::Estate;
use crate::{adaptive_client, faults, start_emulator_in};
use apply::refresh::{self, Scope};
use serde::Serialize;
use std::time::{Duration, Instant};

/// The targets: within 1.2× of calls / QPS, under 2 % throttled.
pub const RATIO_TARGET: f64 = 1.2;
pub const THROTTLED_TARGET: f64 = 0.02;

/// One rate measurement.
#[derive(Debug, Clone, Serialize)]
pub struct RateFigures {
    /// `adaptive` or `fixed`.
    pub client: &'static str,
    pub gateways: usize,
    /// The rate reads start at, and at most reach.
    pub rate_limit: u32,
    pub rate_limit_max: u32,
    /// Requests the emulator received, and how many it throttled.
    pub requests: u64,
    pub throttled: u64,
    /// Other error responses (must be 0).
    pub other_errors: u64,
    pub wall: Duration,
    /// (requests − throttled) / QPS.
    pub bound: Duration,
    /// The read rate at the end and at its highest.
    pub final_rate: f64,
    pub peak_rate: f64,
    pub actions: usize,
}

impl RateFigures {
    pub fn ratio(&self) -> f64 {
        if self.bound.is_zero() {
            return 0.0;
        }
        self.wall.as_secs_f64() / self.bound.as_secs_f64()
    }

    pub fn throttled_share(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.throttled as f64 / self.requests as f64
    }
}

/// Plans `gateways` against an emulator admitting `qps` calls per second
/// with `latency_ms` per call; reads start at `rate_limit` per second and
/// may reach `rate_limit_max` (equal: a fixed rate).
pub async fn run(
    gateways: usize,
    latency_ms: u64,
    qps: u32,
    rate_limit: u32,
    rate_limit_max: u32,
) -> anyhow::Result<RateFigures> {
    let estate = Estate::new(gateways, emulator::DEMO_ACCOUNT);
    let desired = plan::desired::parse("synthetic.yaml", &estate.desired_yaml())
        .map_err(|d| anyhow::anyhow!("generated file does not validate: {d}"))?;
    let handle = start_emulator_in(
        Some(estate.seed()),
        faults(latency_ms, Some(qps)),
        emulator::DialectSetting::default(),
    )
    .await?;
    let client = adaptive_client(&handle, Some(rate_limit), Some(rate_limit_max))?;
    let scope = Scope {
        region: crate::estate::REGION.to_owned(),
        account: Some(emulator::DEMO_ACCOUNT.to_owned()),
        concurrency: apply::commands::common::REFRESH_CONCURRENCY,
        needs: std::sync::Arc::new(plan::reads::Needs::All),
    };

    let started = Instant::now();
    let inventory = refresh::refresh(&client, &scope).await?;
    let planned = plan::plan_normalised(&desired, &inventory, &plan::PlanOptions::default())?;
    let wall = started.elapsed();

    let stats = handle.app().stats();
    handle.shutdown().await?;
    let throttled: u64 = stats
        .error_codes
        .iter()
        .filter(|(code, _)| code.to_ascii_lowercase().contains("throttl"))
        .map(|(_, n)| *n)
        .sum();
    let answered = stats.requests.saturating_sub(throttled);
    let report = client.rate_report();
    Ok(RateFigures {
        client: if rate_limit_max > rate_limit {
            "adaptive"
        } else {
            "fixed"
        },
        gateways,
        rate_limit,
        rate_limit_max,
        requests: stats.requests,
        throttled,
        other_errors: stats.errors.saturating_sub(throttled),
        wall,
        bound: Duration::from_secs_f64(answered as f64 / f64::from(qps.max(1))),
        final_rate: report.map_or(0.0, |r| r.now),
        peak_rate: report.map_or(0.0, |r| r.peak),
        actions: planned.actions.len(),
    })
}
