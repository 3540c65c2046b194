//! Apply: `creates` independent gateway creations (one call each, each on
//! its own gateway, so the executor's per-gateway serialisation never
//! holds one back) through the real executor, `ApiBackend` and journal.

use crate::{client, faults, start_emulator};
use apply::calls::ApiBackend;
use apply::executor::{self, ActionStatus, Options, Progress};
use apply::journal::Journal;
use plan::Action;
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Throttling errors carry this code (REFERENCE, emulator error catalogue).
pub const THROTTLING: &str = "CDA.Request.Throttling";

#[derive(Debug, Clone, Serialize)]
pub struct ApplyFigures {
    pub creates: usize,
    pub parallelism: usize,
    pub latency_ms: u64,
    /// The emulator's QPS limit; the client's rate limit is set to the same.
    pub qps: Option<u32>,
    pub done: usize,
    /// API requests the emulator received: each create and the re-read
    /// that verifies it (a throttled write costs a re-read and a resend on
    /// top).
    pub calls: u64,
    /// Whether each write was journalled (fsync'd) as `cda apply` does.
    pub journal: bool,
    /// Responses refused with [`THROTTLING`].
    pub throttled: u64,
    pub errors: u64,
    pub wall: Duration,
    /// `max(⌈creates / parallelism⌉ × latency, (creates − 1) / qps + latency)`:
    /// the fewest round-trips the creates need.
    pub bound: Duration,
}

impl ApplyFigures {
    pub fn ratio(&self) -> f64 {
        if self.bound.is_zero() {
            return 0.0;
        }
        self.wall.as_secs_f64() / self.bound.as_secs_f64()
    }
}

/// A desired file declaring `n` gateways and nothing else.
pub fn gateways_file(n: usize) -> String {
    let mut out = String::from("region: nm8\ngateways:\n");
    for g in 0..n {
        let _ = writeln!(out, "  - {{ name: ap{g:05}, hostname: nm8-cda-sw01 }}");
    }
    out
}

struct Quiet;

impl Progress for Quiet {
    fn started(&self, _: &Action) {}
    fn finished(&self, _: &Action, _: &ActionStatus, _: Option<std::time::Duration>) {}
}

/// Plan `creates` gateway creations against an empty estate and apply them.
pub async fn run(
    creates: usize,
    parallelism: usize,
    latency_ms: u64,
    qps: Option<u32>,
    journal: bool,
) -> anyhow::Result<ApplyFigures> {
    let desired = plan::desired::parse("creates.yaml", &gateways_file(creates))
        .map_err(|d| anyhow::anyhow!("generated file does not validate: {d}"))?;
    let planned = plan::diff::plan(
        &desired,
        &plan::Inventory::default(),
        &plan::PlanOptions::default(),
    )?;
    let handle = start_emulator(None, faults(latency_ms, qps)).await?;
    let client = client(&handle, qps)?;
    let backend = Arc::new(ApiBackend::new(
        client,
        crate::estate::REGION.to_owned(),
        Some(emulator::DEMO_ACCOUNT.to_owned()),
        false,
    ));
    // The journal is part of what `cda apply` does per write: keep it.
    let journal_path = std::env::temp_dir().join(format!(
        "cda-bench-journal-{}-{parallelism}-{}.jsonl",
        std::process::id(),
        qps.unwrap_or(0)
    ));
    let journal = if journal {
        Some(Arc::new(Journal::open(&journal_path)?))
    } else {
        None
    };
    let journalled = journal.is_some();
    let options = Options {
        parallelism,
        ..Options::default()
    };

    let started = Instant::now();
    let summary = executor::execute(&planned, backend, journal, &Quiet, &options).await;
    let wall = started.elapsed();

    let stats = handle.app().stats();
    handle.shutdown().await?;
    let _ = std::fs::remove_file(&journal_path);
    let latency = Duration::from_millis(latency_ms);
    let creates = planned.actions.len() as u64;
    let mut bound = crate::bound(creates, parallelism, latency);
    if let Some(qps) = qps.filter(|q| *q > 0) {
        let by_rate = Duration::from_secs_f64(creates.saturating_sub(1) as f64 / f64::from(qps));
        bound = bound.max(by_rate + latency);
    }
    Ok(ApplyFigures {
        creates: planned.actions.len(),
        parallelism,
        latency_ms,
        qps,
        done: summary.done(),
        calls: stats.requests,
        journal: journalled,
        throttled: stats.error_codes.get(THROTTLING).copied().unwrap_or(0),
        errors: stats.errors,
        wall,
        bound,
    })
}
