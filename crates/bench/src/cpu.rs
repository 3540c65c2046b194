//! CPU and memory of the pure steps. Each scenario runs in a fresh child
//! process (`cda-bench cpu-one NAME`) so its peak (VmHWM) is its own; the
//! inputs are built before the clock starts but count towards the peak.

use crate::estate::Estate;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Every scenario, in the order they are run.
pub const SCENARIOS: &[&str] = &[
    "sign",
    "parse-10k-routes",
    "diff-100k-routes-initial",
    "diff-100k-routes-unchanged",
    "render-human-10k-actions",
    "render-json-10k-actions",
    "target-1000-gateways",
];

/// One scenario's result, printed by the child as one JSON line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CpuFigures {
    pub scenario: String,
    /// What was processed (signatures, routes, actions…).
    pub items: u64,
    pub unit: String,
    /// CPU time of the measured step (this thread, user + system).
    pub cpu: Duration,
    pub wall: Duration,
    /// VmHWM of the child process, bytes.
    pub peak_bytes: u64,
    /// Free-form: sizes of inputs and outputs.
    pub note: String,
}

impl CpuFigures {
    pub fn per_second(&self) -> f64 {
        let s = self.cpu.as_secs_f64();
        if s == 0.0 {
            return 0.0;
        }
        self.items as f64 / s
    }
}

/// CPU time this thread has used, to the nanosecond. Not
/// `/proc/thread-self/schedstat`: for a thread that is running, it is only
/// brought up to date at each scheduler tick (4 ms here), which made a
/// 25 ms step read 24 or 28.
pub fn thread_cpu() -> Duration {
    clock(rustix::time::ClockId::ThreadCPUTime)
}

/// CPU time every thread of this process has used, to the nanosecond.
pub fn process_cpu() -> Duration {
    clock(rustix::time::ClockId::ProcessCPUTime)
}

fn clock(id: rustix::time::ClockId) -> Duration {
    let t = rustix::time::clock_gettime(id);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// Peak resident set of this process (VmHWM), bytes.
pub fn peak_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Time `f` on this thread: (result, cpu, wall).
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let cpu0 = thread_cpu();
    let wall0 = Instant::now();
    let out = f();
    (out, thread_cpu().saturating_sub(cpu0), wall0.elapsed())
}

fn parse(estate: &Estate, text: &str) -> anyhow::Result<plan::DesiredState> {
    plan::desired::parse(&format!("synthetic-{}.yaml", estate.gateways), text)
        .map_err(|d| anyhow::anyhow!("generated file does not validate: {d}"))
}

/// The desired state of an estate whose file would exceed the loader's
/// 10 MiB limit: parsed in files of 1,000 gateways, merged (names are
/// unique across them).
fn parse_large(estate: &Estate, chunk: usize) -> anyhow::Result<plan::DesiredState> {
    let chunk = chunk.max(1);
    let mut merged: Option<plan::DesiredState> = None;
    let mut start = 0;
    while start < estate.gateways.max(1) {
        let n = chunk.min(estate.gateways - start);
        let text = estate.desired_yaml_range(start, n);
        let part = parse(estate, &text)?;
        match &mut merged {
            None => merged = Some(part),
            Some(all) => {
                all.physical_lines.extend(part.physical_lines);
                all.gateways.extend(part.gateways);
            }
        }
        start += chunk;
    }
    merged.ok_or_else(|| anyhow::anyhow!("empty estate"))
}

/// The diff as `cda plan` runs it: on a refresh's normalised inventory.
fn diff(
    desired: &plan::DesiredState,
    live: &plan::NormalisedInventory,
) -> anyhow::Result<plan::Plan> {
    Ok(plan::plan_normalised(
        desired,
        live,
        &plan::PlanOptions::default(),
    )?)
}

/// Gateways whose initial plan (everything created) has at least `actions`
/// actions.
fn gateways_for_actions(actions: usize) -> anyhow::Result<usize> {
    let one = Estate::new(1, emulator::DEMO_ACCOUNT);
    let per = diff(
        &parse(&one, &one.desired_yaml())?,
        &plan::NormalisedInventory::default(),
    )?
    .actions
    .len()
    .max(1);
    Ok(actions.div_ceil(per))
}

/// Run one scenario in this process. `scale` divides the sizes (1 = the
/// issue's sizes; the smoke test uses a large divisor).
pub fn run_one(name: &str, scale: usize) -> anyhow::Result<CpuFigures> {
    let scale = scale.max(1);
    let fig = |items: u64, unit: &str, cpu, wall, note: String| CpuFigures {
        scenario: name.to_owned(),
        items,
        unit: unit.to_owned(),
        cpu,
        wall,
        peak_bytes: peak_bytes(),
        note,
    };
    match name {
        "sign" => {
            let n = 200_000 / scale;
            let date = cda_api::signing::eop_date(chrono_now());
            let query = cda_api::signing::canonical_query([
                ("gatewayName", "gw00001"),
                ("regionID", "nm8"),
            ]);
            let body = br#"{"gatewayName":"gw00001","account":"demo@cda.local","hostname":"nm8-cda-sw01"}"#;
            let ids: Vec<String> = (0..n)
                .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
                .collect();
            let (len, cpu, wall) = timed(|| {
                let mut total = 0usize;
                for id in &ids {
                    total += cda_api::signing::authorization(
                        emulator::DEMO_ACCESS_KEY,
                        emulator::DEMO_SECRET_KEY,
                        id,
                        &date,
                        &query,
                        body,
                    )
                    .len();
                }
                total
            });
            Ok(fig(
                n as u64,
                "signatures",
                cpu,
                wall,
                format!("{len} header bytes; key chain + body hash each time"),
            ))
        }
        "parse-10k-routes" => {
            let estate = Estate::new(1_000 / scale, emulator::DEMO_ACCOUNT);
            let text = estate.desired_yaml();
            let (state, cpu, wall) = timed(|| parse(&estate, &text));
            let state = state?;
            let routes: usize = state.gateways.iter().map(|g| g.static_routes.len()).sum();
            Ok(fig(
                routes as u64,
                "routes",
                cpu,
                wall,
                format!(
                    "{} KiB of YAML, {} gateways",
                    text.len() / 1024,
                    estate.gateways
                ),
            ))
        }
        "diff-100k-routes-initial" | "diff-100k-routes-unchanged" => {
            let estate = Estate::new(10_000 / scale, emulator::DEMO_ACCOUNT);
            let desired = parse_large(&estate, 1_000)?;
            let live = if name.ends_with("unchanged") {
                estate.inventory()
            } else {
                plan::NormalisedInventory::default()
            };
            let (planned, cpu, wall) = timed(|| diff(&desired, &live));
            let planned = planned?;
            Ok(fig(
                estate.route_count() as u64,
                "routes",
                cpu,
                wall,
                format!(
                    "{} gateways, {} actions",
                    estate.gateways,
                    planned.actions.len()
                ),
            ))
        }
        "render-human-10k-actions" | "render-json-10k-actions" => {
            let gateways = gateways_for_actions(10_000 / scale)?;
            let estate = Estate::new(gateways, emulator::DEMO_ACCOUNT);
            let planned = diff(
                &parse(&estate, &estate.desired_yaml())?,
                &plan::NormalisedInventory::default(),
            )?;
            let human = name.contains("human");
            let (text, cpu, wall) = timed(|| {
                if human {
                    plan::render::human(&planned, &plan::render::HumanOptions { color: false })
                } else {
                    plan::render::json(&planned)
                }
            });
            Ok(fig(
                planned.actions.len() as u64,
                "actions",
                cpu,
                wall,
                format!("{} KiB of output, {} gateways", text.len() / 1024, gateways),
            ))
        }
        "target-1000-gateways" => {
            let estate = Estate::new(1_000 / scale, emulator::DEMO_ACCOUNT);
            let text = estate.desired_yaml();
            let live = estate.inventory();
            let (planned, cpu, wall) = timed(|| diff(&parse(&estate, &text)?, &live));
            let planned = planned?;
            Ok(fig(
                estate.route_count() as u64,
                "routes",
                cpu,
                wall,
                format!(
                    "parse + validate + diff + order, {} gateways, {} actions",
                    estate.gateways,
                    planned.actions.len()
                ),
            ))
        }
        other => anyhow::bail!(
            "unknown scenario {other:?}; known: {}",
            SCENARIOS.join(", ")
        ),
    }
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_parsed_in_slices_equals_the_whole() {
        let estate = Estate::new(5, emulator::DEMO_ACCOUNT);
        let whole = parse(&estate, &estate.desired_yaml()).unwrap();
        let sliced = parse_large(&estate, 2).unwrap();
        assert_eq!(sliced.gateways, whole.gateways);
        assert_eq!(sliced.physical_lines, whole.physical_lines);
        assert_eq!(sliced.gateways.len(), 5);
    }
}
