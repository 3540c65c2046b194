//! `cda-bench scale`: run every size and scenario in its own process and
//! print the steps, how cost grows, and each target next to its bound.

use super::{write_inputs, ScaleFigures, Scenario, SIZES};
use anyhow::Context as _;
use std::path::Path;
use std::time::Duration;

/// The bounds.
const MAX_GROWTH: f64 = 1.1;
const TARGET_GATEWAYS: usize = 4_000;
const TARGET_CPU: Duration = Duration::from_millis(800);
const TARGET_PEAK_MB: f64 = 150.0;
const VALIDATE_PEAK_MB: f64 = 60.0;
const PLAN_FILE_MB: f64 = 15.0;
const SMALL_GATEWAYS: usize = 50;
const SMALL_CPU: Duration = Duration::from_millis(50);
const SMALL_PEAK_MB: f64 = 30.0;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

/// How many times each size and scenario runs by default; the run with
/// the least CPU is reported: what else the machine does only ever adds
/// to a run's time (a 1,000-gateway run of ~0.2 s was seen to take 1.5×
/// as long in one run of three).
pub const DEFAULT_RUNS: usize = 5;

/// `runs` fresh processes of each size and scenario in `jobs`, taken in
/// rounds (every job once per round), so that a slow spell of the machine
/// falls on one round of every size rather than on all the runs of one
/// size; of each job, the run that took the least CPU.
fn fastest_children(
    root: &Path,
    jobs: &[(usize, Scenario)],
    runs: usize,
) -> anyhow::Result<Vec<ScaleFigures>> {
    let mut each: Vec<Vec<ScaleFigures>> = jobs.iter().map(|_| Vec::new()).collect();
    for round in 0..runs.max(1) {
        eprintln!("scale: round {} of {}", round + 1, runs.max(1));
        for (&(gateways, scenario), done) in jobs.iter().zip(each.iter_mut()) {
            done.push(child(root, gateways, scenario)?);
        }
    }
    each.into_iter()
        .map(|done| fastest_run(done).context("no run"))
        .collect()
}

/// The run whose process CPU is the least, whole (its steps and peaks
/// are not mixed with another run's).
fn fastest_run(runs: Vec<ScaleFigures>) -> Option<ScaleFigures> {
    runs.into_iter().min_by_key(|f| f.process.cpu)
}

/// Run one size and scenario in a fresh child process.
fn child(root: &Path, gateways: usize, scenario: Scenario) -> anyhow::Result<ScaleFigures> {
    let dir = write_inputs(root, gateways, scenario)?;
    let exe = std::env::current_exe()?;
    let out = std::process::Command::new(exe)
        .arg("scale-one")
        .arg("--dir")
        .arg(&dir)
        .args(["--gateways", &gateways.to_string()])
        .args(["--scenario", scenario.name()])
        .output()
        .with_context(|| format!("running {gateways} {}", scenario.name()))?;
    if !out.status.success() {
        anyhow::bail!(
            "{gateways} gateways, {}: {}",
            scenario.name(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The figures of every size × scenario asked, plus the small estate and
/// the target size when missing.
pub fn run(
    root: &Path,
    sizes: &[usize],
    scenarios: &[Scenario],
    runs: usize,
) -> anyhow::Result<bool> {
    println!("\n## scale: the issue's estate (3 lines, 1 VPC + health check, 5 static routes with 3 next hops or BGP on every 4th gateway)");
    println!("Each row is one process: of {runs} runs (taken in rounds of every row), the one with the least process CPU. CPU ms / peak MB per step; peak of a step includes what earlier steps still hold.");
    let mut wanted: Vec<usize> = sizes.to_vec();
    for extra in [SMALL_GATEWAYS, TARGET_GATEWAYS] {
        if !wanted.contains(&extra) {
            wanted.push(extra);
        }
    }
    wanted.sort_unstable();
    let mut jobs = Vec::new();
    for &n in &wanted {
        // The small and target sizes only for their targets.
        let kinds: Vec<Scenario> = if sizes.contains(&n) {
            scenarios.to_vec()
        } else {
            vec![Scenario::Initial, Scenario::Validate]
        };
        jobs.extend(kinds.into_iter().map(|s| (n, s)));
    }
    let all = fastest_children(root, &jobs, runs)?;
    println!("| gateways | scenario | actions | load (read+parse+validate) | map rows | diff + order | render | save plan | process CPU ms | process peak MB | desired MB | plan file MB |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for f in &all {
        let cell = |s: &super::Step| format!("{:.0} / {:.1}", ms(s.cpu), mb(s.peak_bytes));
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.1} | {:.2} | {:.2} |",
            f.gateways,
            f.scenario.name(),
            f.actions,
            cell(&f.load),
            cell(&f.map),
            cell(&f.diff),
            cell(&f.render),
            cell(&f.save),
            ms(f.process.cpu),
            mb(f.process.peak_bytes),
            mb(f.desired_bytes),
            mb(f.plan_file_bytes)
        );
    }
    let growth_ok = growth(&all, sizes, scenarios);
    let targets_ok = targets(&all);
    Ok(growth_ok && targets_ok)
}

fn find(all: &[ScaleFigures], n: usize, s: Scenario) -> Option<&ScaleFigures> {
    all.iter().find(|f| f.gateways == n && f.scenario == s)
}

/// Peak of the steps the linearity target covers.
fn steps_peak(f: &ScaleFigures) -> u64 {
    [&f.load, &f.map, &f.diff, &f.render]
        .iter()
        .map(|s| s.peak_bytes)
        .max()
        .unwrap_or(0)
}

/// "How cost grows": CPU and peak of load + map + diff + render per size,
/// and the growth from the smallest to the largest size against the
/// estate's.
fn growth(all: &[ScaleFigures], sizes: &[usize], scenarios: &[Scenario]) -> bool {
    let (Some(&small), Some(&large)) = (sizes.iter().min(), sizes.iter().max()) else {
        return true;
    };
    println!("\n### how cost grows (load + map + diff + order + render)");
    println!("| scenario | gateways | actions | CPU ms | CPU µs per gateway | peak MB | peak KB per gateway |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut ok = true;
    let mut verdicts = Vec::new();
    for &scenario in scenarios {
        for &n in sizes {
            if let Some(f) = find(all, n, scenario) {
                let cpu = f.steps_cpu();
                println!(
                    "| {} | {} | {} | {:.0} | {:.0} | {:.1} | {:.1} |",
                    scenario.name(),
                    n,
                    f.actions,
                    ms(cpu),
                    cpu.as_secs_f64() * 1e6 / n as f64,
                    mb(steps_peak(f)),
                    steps_peak(f) as f64 / 1e3 / n as f64
                );
            }
        }
        let (Some(a), Some(b)) = (find(all, small, scenario), find(all, large, scenario)) else {
            continue;
        };
        if small == large {
            continue;
        }
        let estate = large as f64 / small as f64;
        let cpu = b.steps_cpu().as_secs_f64() / a.steps_cpu().as_secs_f64().max(1e-9) / estate;
        let peak = steps_peak(b) as f64 / (steps_peak(a) as f64).max(1.0) / estate;
        ok &= cpu <= MAX_GROWTH && peak <= MAX_GROWTH;
        verdicts.push(format!(
            "| linear, {}: CPU growth ÷ estate growth ({small}→{large}) | {cpu:.2} | ≤ {MAX_GROWTH} | {} |",
            scenario.name(),
            verdict(cpu <= MAX_GROWTH)
        ));
        verdicts.push(format!(
            "| linear, {}: peak growth ÷ estate growth ({small}→{large}) | {peak:.2} | ≤ {MAX_GROWTH} | {} |",
            scenario.name(),
            verdict(peak <= MAX_GROWTH)
        ));
    }
    println!("\n| target | figure | bound | |");
    println!("|---|---:|---:|---|");
    for v in verdicts {
        println!("{v}");
    }
    ok
}

/// The absolute targets: the 4,000-gateway initial plan, its validate and
/// plan file, and the 50-gateway estate.
fn targets(all: &[ScaleFigures]) -> bool {
    let mut ok = true;
    let mut row = |name: String, figure: String, bound: String, pass: bool| {
        ok &= pass;
        println!("| {name} | {figure} | {bound} | {} |", verdict(pass));
    };
    if let Some(f) = find(all, TARGET_GATEWAYS, Scenario::Initial) {
        row(
            format!("`plan --out`, {TARGET_GATEWAYS} gateways, initial: process CPU"),
            format!("{:.0} ms", ms(f.process.cpu)),
            format!("< {:.0} ms", ms(TARGET_CPU)),
            f.process.cpu < TARGET_CPU,
        );
        row(
            format!("`plan --out`, {TARGET_GATEWAYS} gateways, initial: process peak"),
            format!("{:.1} MB", mb(f.process.peak_bytes)),
            format!("< {TARGET_PEAK_MB} MB"),
            mb(f.process.peak_bytes) < TARGET_PEAK_MB,
        );
        row(
            format!("saved plan, {TARGET_GATEWAYS} gateways, initial"),
            format!("{:.2} MB", mb(f.plan_file_bytes)),
            format!("< {PLAN_FILE_MB} MB"),
            mb(f.plan_file_bytes) < PLAN_FILE_MB,
        );
    }
    if let Some(f) = find(all, TARGET_GATEWAYS, Scenario::Validate) {
        row(
            format!(
                "`validate`, {TARGET_GATEWAYS} gateways ({:.1} MB of YAML): process peak",
                mb(f.desired_bytes)
            ),
            format!("{:.1} MB", mb(f.process.peak_bytes)),
            format!("< {VALIDATE_PEAK_MB} MB"),
            mb(f.process.peak_bytes) < VALIDATE_PEAK_MB,
        );
    }
    for f in all.iter().filter(|f| f.gateways == SMALL_GATEWAYS) {
        row(
            format!(
                "{SMALL_GATEWAYS} gateways, {}: process CPU",
                f.scenario.name()
            ),
            format!("{:.1} ms", ms(f.process.cpu)),
            format!("< {:.0} ms", ms(SMALL_CPU)),
            f.process.cpu < SMALL_CPU,
        );
        row(
            format!(
                "{SMALL_GATEWAYS} gateways, {}: process peak",
                f.scenario.name()
            ),
            format!("{:.1} MB", mb(f.process.peak_bytes)),
            format!("< {SMALL_PEAK_MB} MB"),
            mb(f.process.peak_bytes) < SMALL_PEAK_MB,
        );
    }
    ok
}

/// The default sizes when none are given.
pub fn default_sizes() -> Vec<usize> {
    SIZES.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::Step;

    fn with_cpu(ms: u64) -> ScaleFigures {
        ScaleFigures {
            gateways: 1,
            scenario: Scenario::Initial,
            load: Step::default(),
            map: Step::default(),
            diff: Step::default(),
            render: Step::default(),
            save: Step::default(),
            process: Step {
                cpu: Duration::from_millis(ms),
                peak_bytes: ms,
            },
            desired_bytes: 0,
            plan_file_bytes: 0,
            actions: 0,
        }
    }

    #[test]
    fn the_fastest_run_is_reported_whole() {
        let picked = fastest_run(vec![with_cpu(30), with_cpu(10), with_cpu(20)]).unwrap();
        // The whole run, not figures mixed from several.
        assert_eq!(
            (picked.process.cpu, picked.process.peak_bytes),
            (Duration::from_millis(10), 10)
        );
        assert!(fastest_run(Vec::new()).is_none());
    }
}
