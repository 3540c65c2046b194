//! Apply a 50+ action plan under random fault schedules (HTTP 5xx,
//! throttling, connections dropped before and after the write commits,
//! latency, eventual consistency), one fresh emulator per seed, re-running
//! `cda apply` until converged. On every other seed the lists lag by
//! 50–200 ms during the applies and the plan after them, with no wait in
//! between: each apply reads its own writes before it ends. Per seed: converged within 3 applies, the
//! final plan is empty, no object created twice (emulator history), and the
//! unmanaged lines (a kind the file does not prune) untouched.
//!
//! The soak runner `crates/apply/examples/soak.rs` runs the same thing for
//! hundreds of seeds; figures in docs/reliability.md.

use crate::support::estate::{estate, run_seed};
use std::path::Path;

/// Bounded for CI: a debug build on a loaded 2-core machine. Odd seeds run
/// with lists that lag (`lagging`), with no wait between applies.
const SEEDS: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applies_converge_under_random_faults() {
    let estate = estate(6);
    let bin = Path::new(env!("CARGO_BIN_EXE_cda"));
    let mut report = Vec::new();
    let mut most = 0;
    let mut injected = std::collections::BTreeMap::<String, u64>::new();
    for seed in 1..=SEEDS {
        let run = run_seed(bin, &estate, seed, 3).await;
        assert!(
            run.planned_actions >= 50,
            "seed {seed}: only {} actions planned",
            run.planned_actions
        );
        assert!(run.ok(), "seed {seed}: {run:#?}");
        most = most.max(run.applies);
        for (k, n) in &run.faults {
            *injected.entry(k.clone()).or_default() += n;
        }
        report.push(run);
    }
    // Every kind of fault was exercised, including lost responses of
    // committed writes.
    for kind in ["dropAfter", "dropBefore", "throttle"] {
        assert!(
            injected.get(kind).copied().unwrap_or(0) > 0,
            "{kind} never injected: {injected:?}"
        );
    }
    let five_xx: u64 = ["http500", "http502", "http503"]
        .iter()
        .map(|k| injected.get(*k).copied().unwrap_or(0))
        .sum();
    assert!(five_xx > 0, "no 5xx injected: {injected:?}");
    eprintln!(
        "faults: {} seeds ({} lagging, {} actions planned each), {} converged, most applies {most}, duplicates 0, injected {injected:?}",
        report.len(),
        report.iter().filter(|r| r.lagging).count(),
        report[0].planned_actions,
        report.iter().filter(|r| r.converged).count()
    );
}
