//! Plan = refresh (through `cda-api`, against the emulator with latency) +
//! diff, timed together, with the calls counted by the emulator.

use crate::estate::Estate;
use crate::{bound, client, faults, start_emulator_in};
use apply::refresh::{self, Scope};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One plan measurement.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFigures {
    pub gateways: usize,
    pub latency_ms: u64,
    /// Calls in flight at most (`Scope::concurrency`).
    pub concurrency: usize,
    /// API requests the emulator received.
    pub calls: u64,
    /// Error responses the emulator sent (must be 0).
    pub errors: u64,
    /// Per `"METHOD /path"`.
    pub calls_by_endpoint: BTreeMap<String, u64>,
    /// `1 + pages of each top-level list + one list per gateway per child
    /// kind` (VPCs, static routes, BGP routes).
    pub list_target: u64,
    /// Health-check reads (one per VPC: the API has no health-check list).
    pub health_check_reads: u64,
    pub wall: Duration,
    pub bound: Duration,
    /// Actions in the plan (0: the file matches the estate).
    pub actions: usize,
}

impl PlanFigures {
    pub fn ratio(&self) -> f64 {
        if self.bound.is_zero() {
            return 0.0;
        }
        self.wall.as_secs_f64() / self.bound.as_secs_f64()
    }
}

/// Pages of a list of `n` items at the client's page size.
pub fn pages(n: usize) -> u64 {
    (n.max(1) as u64).div_ceil(u64::from(cda_api::DEFAULT_PAGE_SIZE))
}

/// Seed an emulator speaking `dialect` with `gateways`, then time refresh
/// + diff of the matching desired file at `latency_ms` per call.
pub async fn run(
    gateways: usize,
    latency_ms: u64,
    concurrency: usize,
    dialect: emulator::DialectSetting,
) -> anyhow::Result<PlanFigures> {
    let estate = Estate::new(gateways, emulator::DEMO_ACCOUNT);
    let desired = plan::desired::parse("synthetic.yaml", &estate.desired_yaml())
        .map_err(|d| anyhow::anyhow!("generated file does not validate: {d}"))?;
    let handle = start_emulator_in(Some(estate.seed()), faults(latency_ms, None), dialect).await?;
    let client = client(&handle, None)?;
    let scope = Scope {
        region: crate::estate::REGION.to_owned(),
        account: Some(emulator::DEMO_ACCOUNT.to_owned()),
        concurrency,
        needs: std::sync::Arc::new(plan::reads::Needs::All),
    };

    let started = Instant::now();
    let inventory = refresh::refresh(&client, &scope).await?;
    let planned = plan::plan_normalised(&desired, &inventory, &plan::PlanOptions::default())?;
    let wall = started.elapsed();

    let stats = handle.app().stats();
    handle.shutdown().await?;
    let calls_by_endpoint: BTreeMap<String, u64> = stats
        .endpoints
        .iter()
        .map(|(k, v)| (k.clone(), v.requests))
        .collect();
    let health_check_reads = calls_by_endpoint
        .iter()
        .filter(|(k, _)| k.contains("/health-check/"))
        .map(|(_, v)| *v)
        .sum();
    let list_target = 1 + pages(gateways) + pages(estate.gateways * 2) + 3 * gateways as u64;
    Ok(PlanFigures {
        gateways,
        latency_ms,
        concurrency,
        calls: stats.requests,
        errors: stats.errors,
        calls_by_endpoint,
        list_target,
        health_check_reads,
        wall,
        bound: bound(
            stats.requests,
            concurrency,
            Duration::from_millis(latency_ms),
        ),
        actions: planned.actions.len(),
    })
}
