//! `cda-bench`: synthetic estates and the figures of docs/performance.md.
//!
//! ```text
//! cda-bench gen --gateways 1000 --out DIR   # DIR/seed.json + DIR/desired.yaml
//! cda-bench plan  [--sizes 10,100,1000] [--latency-ms 20] [--concurrency N]
//! cda-bench apply [--creates 1000] [--parallelism 1,10,32] [--qps 50]
//! cda-bench rate  [--gateways 1000] [--qps 30] [--latency-ms 20]
//! cda-bench cpu   [--scale 1]               # each scenario in its own process
//! cda-bench scale [--sizes 1000,…,16000]    # how cost grows (issue #16)
//! cda-bench all
//! ```

use anyhow::Context as _;
use bench::apply_bench::{self, ApplyFigures};
use bench::cpu::{self, CpuFigures};
use bench::estate::Estate;
use bench::ms;
use bench::plan_bench::{self, PlanFigures};
use bench::scale::{self, Scenario};
use bench::sequential;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

// The allocator `cda` uses (crates/apply/src/main.rs), so the figures are
// the binary's.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cda-bench",
    about = "cda performance bench (see docs/performance.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a synthetic estate: DIR/seed.json (emulator seed) and
    /// DIR/desired.yaml (plans to zero changes against it).
    Gen {
        #[arg(long, default_value_t = 10)]
        gateways: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Refresh + diff against the emulator with latency; and the sequential
    /// per-object refresh for comparison.
    Plan(PlanArgs),
    /// Independent creates through the executor.
    Apply(ApplyArgs),
    /// A plan against a throttling server: the adaptive read rate, and the
    /// fixed default rate for comparison (run side by side).
    Rate(RateArgs),
    /// CPU and peak memory, each scenario in a fresh child process.
    Cpu {
        /// Divide every size by this (smoke runs).
        #[arg(long, default_value_t = 1)]
        scale: usize,
    },
    /// One CPU scenario in this process; prints one JSON line.
    #[command(hide = true)]
    CpuOne {
        name: String,
        #[arg(long, default_value_t = 1)]
        scale: usize,
    },
    /// How cost grows: `cda plan --out`'s steps on the issue-16 estate at
    /// each size and scenario, each in a fresh process; every target next
    /// to its bound. Exits non-zero when a target fails.
    Scale {
        #[arg(long, value_delimiter = ',', default_values_t = bench::scale::report::default_sizes())]
        sizes: Vec<usize>,
        #[arg(long, value_delimiter = ',', value_enum,
              default_values_t = vec![Scenario::Initial, Scenario::Unchanged, Scenario::Edited, Scenario::Validate])]
        scenarios: Vec<Scenario>,
        /// Where the generated inputs and plan files go (kept between runs).
        #[arg(long, default_value = "target/cda-bench-scale")]
        dir: PathBuf,
        /// Runs of each size and scenario; the one with the least CPU is shown.
        #[arg(long, default_value_t = bench::scale::report::DEFAULT_RUNS)]
        runs: usize,
    },
    /// One scale run in this process; prints one JSON line.
    #[command(hide = true)]
    ScaleOne {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        gateways: usize,
        #[arg(long, value_enum)]
        scenario: Scenario,
    },
    /// plan, apply, cpu and scale with the issue's sizes.
    All,
}

#[derive(clap::Args, Clone)]
struct PlanArgs {
    #[arg(long, value_delimiter = ',', default_values_t = vec![10, 100, 1000])]
    sizes: Vec<usize>,
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Refresh concurrency (default: what `cda plan` uses).
    #[arg(long, default_value_t = apply::commands::common::REFRESH_CONCURRENCY)]
    concurrency: usize,
    /// Skip the sequential per-object refresh.
    #[arg(long)]
    no_sequential: bool,
    /// The emulator's dialect (`reference`, `go`, `py4`, `doc`,
    /// `doc-incomplete`, `shuffle`).
    #[arg(long, default_value = "reference", value_parser = parse_dialect)]
    dialect: emulator::DialectSetting,
}

fn parse_dialect(name: &str) -> Result<emulator::DialectSetting, String> {
    emulator::DialectSetting::parse(name, 0).map_err(|e| e.to_string())
}

#[derive(clap::Args, Clone)]
struct ApplyArgs {
    #[arg(long, default_value_t = 1000)]
    creates: usize,
    #[arg(long, value_delimiter = ',', default_values_t = vec![1, 10, 32])]
    parallelism: Vec<usize>,
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// The emulator's QPS limit for the second series (the client's rate
    /// limit is set to the same value).
    #[arg(long, default_value_t = 50)]
    qps: u32,
    /// Also run every case without the journal (its fsync per write).
    #[arg(long)]
    without_journal: bool,
}

#[derive(clap::Args, Clone)]
struct RateArgs {
    #[arg(long, default_value_t = 1000)]
    gateways: usize,
    /// The emulator's QPS limit (one-second windows).
    #[arg(long, default_value_t = 30)]
    qps: u32,
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// The rate reads start at (and the fixed client keeps).
    #[arg(long, default_value_t = 10)]
    rate_limit: u32,
    /// The adaptive client's `--rate-limit-max`.
    #[arg(long, default_value_t = cda_api::DEFAULT_RATE_LIMIT_MAX)]
    rate_limit_max: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Gen { gateways, out } => {
            let estate = Estate::new(gateways, emulator::DEMO_ACCOUNT);
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let seed = out.join("seed.json");
            let desired = out.join("desired.yaml");
            std::fs::write(&seed, estate.seed_json()?)
                .with_context(|| format!("writing {}", seed.display()))?;
            std::fs::write(&desired, estate.desired_yaml())
                .with_context(|| format!("writing {}", desired.display()))?;
            println!(
                "{} gateways, {} objects: {} and {}",
                estate.gateways,
                estate.object_count(),
                seed.display(),
                desired.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan(args) => {
            runtime()?.block_on(plan(&args))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Apply(args) => {
            runtime()?.block_on(apply(&args))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rate(args) => {
            runtime()?.block_on(rate(&args))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Cpu { scale } => {
            cpu_all(scale)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CpuOne { name, scale } => {
            let figures = cpu::run_one(&name, scale)?;
            println!("{}", serde_json::to_string(&figures)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Scale {
            sizes,
            scenarios,
            dir,
            runs,
        } => {
            machine();
            let ok = scale::report::run(&dir, &sizes, &scenarios, runs)?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::ScaleOne {
            dir,
            gateways,
            scenario,
        } => {
            let figures = scale::run_one(&dir, gateways, scenario)?;
            println!("{}", serde_json::to_string(&figures)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::All => {
            machine();
            let rt = runtime()?;
            rt.block_on(plan(&PlanArgs {
                sizes: vec![10, 100, 1000],
                latency_ms: 20,
                concurrency: apply::commands::common::REFRESH_CONCURRENCY,
                no_sequential: false,
                dialect: emulator::DialectSetting::default(),
            }))?;
            rt.block_on(apply(&ApplyArgs {
                creates: 1000,
                parallelism: vec![1, 10, 32],
                latency_ms: 20,
                qps: 50,
                without_journal: true,
            }))?;
            rt.block_on(rate(&RateArgs {
                gateways: 1000,
                qps: 30,
                latency_ms: 20,
                rate_limit: 10,
                rate_limit_max: cda_api::DEFAULT_RATE_LIMIT_MAX,
            }))?;
            drop(rt);
            cpu_all(1)?;
            let ok = scale::report::run(
                std::path::Path::new("target/cda-bench-scale"),
                scale::SIZES,
                &[
                    Scenario::Initial,
                    Scenario::Unchanged,
                    Scenario::Edited,
                    Scenario::Validate,
                ],
                scale::report::DEFAULT_RUNS,
            )?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// The machine, for the record.
fn machine() {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().next().map(str::to_owned))
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {cpus} CPUs, {model}; {mem}; loadavg {}",
        load.trim()
    );
}

async fn plan(args: &PlanArgs) -> anyhow::Result<()> {
    println!(
        "\n## plan (refresh + diff), latency {} ms, concurrency {}, dialect {}{}",
        args.latency_ms,
        args.concurrency,
        args.dialect.dialect,
        if args.dialect.incomplete_inline_lists {
            " (incomplete inline lists)"
        } else {
            ""
        }
    );
    println!(
        "| gateways | calls | list target | of which health-check reads | wall ms | bound ms | ratio | actions | sequential calls | sequential wall ms | speed-up |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &args.sizes {
        let f: PlanFigures =
            plan_bench::run(n, args.latency_ms, args.concurrency, args.dialect).await?;
        let (seq_calls, seq_wall, speedup) = if args.no_sequential {
            ("-".to_owned(), "-".to_owned(), "-".to_owned())
        } else {
            let s = sequential::run(n, args.latency_ms).await?;
            (
                s.calls.to_string(),
                format!("{:.0}", ms(s.wall)),
                format!(
                    "{:.1}x",
                    s.wall.as_secs_f64() / f.wall.as_secs_f64().max(1e-9)
                ),
            )
        };
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} | {:.2} | {} | {} | {} | {} |",
            f.gateways,
            f.calls,
            f.list_target,
            f.health_check_reads,
            ms(f.wall),
            ms(f.bound),
            f.ratio(),
            f.actions,
            seq_calls,
            seq_wall,
            speedup
        );
        if f.errors > 0 {
            println!("  (!) {} error responses", f.errors);
        }
        eprintln!("  calls by endpoint: {:?}", f.calls_by_endpoint);
    }
    Ok(())
}

async fn rate(args: &RateArgs) -> anyhow::Result<()> {
    use bench::rate_bench::{RATIO_TARGET, THROTTLED_TARGET};
    println!(
        "\n## read rate: plan of {} gateways, emulator QPS limit {}, latency {} ms (both clients at once, one emulator each)",
        args.gateways, args.qps, args.latency_ms
    );
    let (adaptive, fixed) = tokio::try_join!(
        bench::rate_bench::run(
            args.gateways,
            args.latency_ms,
            args.qps,
            args.rate_limit,
            args.rate_limit_max
        ),
        bench::rate_bench::run(
            args.gateways,
            args.latency_ms,
            args.qps,
            args.rate_limit,
            args.rate_limit
        ),
    )?;
    println!(
        "| client | reads/s (start, max) | requests | throttled | wall s | bound s (answered / {}) | ratio | peak reads/s | final reads/s |",
        args.qps
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for f in [&adaptive, &fixed] {
        println!(
            "| {} | {}, {} | {} | {} ({:.2} %) | {:.1} | {:.1} | {:.2} | {:.1} | {:.1} |",
            f.client,
            f.rate_limit,
            f.rate_limit_max,
            f.requests,
            f.throttled,
            100.0 * f.throttled_share(),
            f.wall.as_secs_f64(),
            f.bound.as_secs_f64(),
            f.ratio(),
            f.peak_rate,
            f.final_rate
        );
        if f.other_errors > 0 || f.actions > 0 {
            println!(
                "  (!) {} other error responses, {} actions",
                f.other_errors, f.actions
            );
        }
    }
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "target: adaptive wall within {RATIO_TARGET}x of the bound: {:.2}x ({}); throttled under {:.0} %: {:.2} % ({}); fixed default rate: {:.2}x of the bound",
        adaptive.ratio(),
        verdict(adaptive.ratio() <= RATIO_TARGET),
        100.0 * THROTTLED_TARGET,
        100.0 * adaptive.throttled_share(),
        verdict(adaptive.throttled_share() < THROTTLED_TARGET),
        fixed.ratio()
    );
    Ok(())
}

async fn apply(args: &ApplyArgs) -> anyhow::Result<()> {
    println!(
        "\n## apply: {} independent creates, latency {} ms",
        args.creates, args.latency_ms
    );
    println!("| parallelism | QPS limit (emulator = client) | journal | done | calls | throttled | wall ms | bound ms | ratio |");
    println!("|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    let mut throttled_runs = 0;
    let journals: &[bool] = if args.without_journal {
        &[true, false]
    } else {
        &[true]
    };
    for qps in [None, Some(args.qps)] {
        for &journal in journals {
            for &p in &args.parallelism {
                let f: ApplyFigures =
                    apply_bench::run(args.creates, p, args.latency_ms, qps, journal).await?;
                println!(
                    "| {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.2} |",
                    f.parallelism,
                    f.qps.map_or("off".to_owned(), |q| q.to_string()),
                    if f.journal { "fsync" } else { "off" },
                    f.done,
                    f.calls,
                    f.throttled,
                    ms(f.wall),
                    ms(f.bound),
                    f.ratio()
                );
                if f.qps.is_some() && f.throttled > 0 {
                    throttled_runs += 1;
                }
            }
        }
    }
    // The client's rate limit equals the emulator's QPS: any throttling is a
    // client bug, not a figure.
    if throttled_runs > 0 {
        anyhow::bail!(
            "{throttled_runs} run(s) with the client rate limit at the emulator's QPS were throttled"
        );
    }
    println!("\nthrottling errors with the client rate limit at the emulator's QPS: 0");
    Ok(())
}

fn cpu_all(scale: usize) -> anyhow::Result<()> {
    println!("\n## CPU and memory (each in a fresh process)");
    println!("| scenario | items | CPU ms | wall ms | per CPU second | peak MiB | note |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    let exe = std::env::current_exe()?;
    for name in cpu::SCENARIOS {
        let out = std::process::Command::new(&exe)
            .args(["cpu-one", name, "--scale", &scale.to_string()])
            .output()
            .with_context(|| format!("running scenario {name}"))?;
        if !out.status.success() {
            anyhow::bail!(
                "scenario {name} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let f: CpuFigures = serde_json::from_slice(&out.stdout)
            .with_context(|| format!("reading the figures of {name}"))?;
        println!(
            "| {} | {} {} | {:.1} | {:.1} | {:.0} | {:.1} | {} |",
            f.scenario,
            f.items,
            f.unit,
            ms(f.cpu),
            ms(f.wall),
            f.per_second(),
            f.peak_bytes as f64 / (1024.0 * 1024.0),
            f.note
        );
    }
    Ok(())
}
