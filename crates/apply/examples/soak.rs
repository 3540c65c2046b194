//! Soak runner (not run in CI): the fault test of `tests/it/faults.rs` for
//! many seeds. Build release once, then:
//!
//! ```sh
//! cargo build --release -p apply --bin cda --example soak
//! target/release/examples/soak --seeds 200 [--first 1] [--gateways 6] [--max-applies 3]
//! ```
//!
//! Prints one line per seed and a summary (seeds run, converged, most
//! applies needed, duplicates, faults injected); exits 1 if any seed failed
//! a check. Odd seeds run with lists that lag (50–200 ms) through the
//! applies and the plan after them, with no wait in between.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/it/support/estate.rs"]
mod estate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    seeds: u64,
    first: u64,
    gateways: u32,
    max_applies: u32,
    cda: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seeds: 200,
        first: 1,
        gateways: 6,
        max_applies: 3,
        cda: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seeds" => args.seeds = value()?.parse().map_err(|e| format!("--seeds: {e}"))?,
            "--first" => args.first = value()?.parse().map_err(|e| format!("--first: {e}"))?,
            "--gateways" => {
                args.gateways = value()?.parse().map_err(|e| format!("--gateways: {e}"))?
            }
            "--max-applies" => {
                args.max_applies = value()?
                    .parse()
                    .map_err(|e| format!("--max-applies: {e}"))?
            }
            "--cda" => args.cda = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::exit(2);
        }
    };
    let bin = args.cda.clone().or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|e| estate::sibling_binary(&e))
    });
    let Some(bin) = bin else {
        eprintln!("soak: no cda binary next to this one; build it (cargo build --release -p apply) or pass --cda PATH");
        std::process::exit(2);
    };
    let estate = estate::estate(args.gateways);
    let started = Instant::now();
    let (mut converged, mut failed, mut most, mut duplicates) = (0u64, 0u64, 0u32, 0usize);
    let mut by_applies = BTreeMap::<u32, u64>::new();
    let mut injected = BTreeMap::<String, u64>::new();
    let mut actions = 0;
    let mut lagging = 0u64;
    for seed in args.first..args.first + args.seeds {
        let t = Instant::now();
        let run = estate::run_seed(&bin, &estate, seed, args.max_applies).await;
        actions = actions.max(run.planned_actions);
        let faults: u64 = run.faults.values().sum();
        for (k, n) in &run.faults {
            *injected.entry(k.clone()).or_default() += n;
        }
        duplicates += run.duplicates.len();
        lagging += u64::from(run.lagging && run.ok());
        if run.converged {
            converged += 1;
            most = most.max(run.applies);
            *by_applies.entry(run.applies).or_default() += 1;
        }
        println!(
            "seed {seed:>5}: {} in {} applies, {} actions, {faults} faults{}, {:.1}s{}",
            if run.ok() { "ok" } else { "FAILED" },
            run.applies,
            run.planned_actions,
            if run.lagging { ", lists lagging" } else { "" },
            t.elapsed().as_secs_f64(),
            if run.ok() {
                String::new()
            } else {
                format!("\n{run:#?}")
            }
        );
        if !run.ok() {
            failed += 1;
        }
    }
    println!(
        "\nseeds run: {}\nactions per plan: {actions}\nconverged: {converged} (with lists lagging: {lagging})\nfailed checks: {failed}\n\
         most applies needed: {most}\napplies needed (count of seeds): {by_applies:?}\n\
         objects created twice: {duplicates}\nfaults injected: {injected:?}\nwall time: {:.0}s",
        args.seeds,
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
