//! A generated estate for the reliability runs (`tests/it/faults.rs`,
//! `tests/it/crashes.rs` and the soak runner `crates/apply/examples/soak.rs`):
//! an emulator seed, a desired-state file that plans 50+ actions against it,
//! random fault schedules, and the checks made after each run.
//!
//! Plain std + `emulator` only (no assert_cmd), so the soak example can
//! include it with `#[path]`.
#![allow(dead_code)]

use emulator::{FaultConfig, FaultKind, HistoryEntry, ScriptedFault, Store};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// File name of the desired state inside the run directory.
pub const DESIRED: &str = "desired.yaml";

/// Lines in the seed that the desired state never mentions. Physical lines
/// are not in the file's `prune` list, so apply must leave them alone.
pub const UNMANAGED_LINES: [&str; 4] = ["um-lab-01", "um-lab-02", "um-lab-03", "um-lab-04"];

pub struct Estate {
    /// Emulator seed (YAML).
    pub seed: String,
    /// Desired-state file (YAML).
    pub desired: String,
}

fn line_ip(block: u32, k: u32, host: u32) -> String {
    format!("10.{block}.{k}.{host}/30")
}

/// A seeded estate plus a desired state with `new_gateways` new gateways
/// (each: two new lines, two bindings, two VPCs, one health check, a static
/// route or a BGP route: 9 actions), and against the seed: a line update, a
/// new line bound as a third path, a VPC subnet and health-check update, a
/// route update, a VPC detached and a whole gateway removed (route, VPC,
/// binding, gateway).
pub fn estate(new_gateways: u32) -> Estate {
    let mut seed =
        String::from("accounts:\n  - account: demo@cda.local\n    region: nm8\n    lines:\n");
    let mut seed_line = |name: &str, k: u32, bw: u32| {
        let _ = writeln!(
            seed,
            "      - {{name: {name}, hostname: nm8-cda-sw01, port: GigabitEthernet2/0/{k}, portType: 1G, \
             lineType: PON, bandwidth: {bw}, vlan: {vlan}, ipVersion: IPV4, localIp: {l}, remoteIp: {r}, \
             accessPoint: AP1, description: seeded line {name}}}",
            vlan = 300 + k,
            l = line_ip(202, k, 1),
            r = line_ip(202, k, 2),
        );
    };
    seed_line("keep-a", 1, 1000);
    seed_line("keep-b", 2, 1000);
    seed_line("old-a", 3, 200);
    for (i, name) in UNMANAGED_LINES.iter().enumerate() {
        seed_line(name, 10 + i as u32, 100);
    }
    seed.push_str(&format!(
        "    gateways:
      - name: gwkeep01
        hostname: nm8-cda-sw01
        accessPoint: AP1
        description: kept gateway
        lines: [keep-a, keep-b]
        vpcs:
          - {{id: vpc-keep01, name: keep, ipVersion: IPV4, bandwidth: 300, dcType: CNP, networkSegment: 10.60.0.0/16, subnets: [10.60.1.0/24],
              healthCheck: {{srcIp: 10.60.1.250, dstIp: {ka}, interval: 3, packets: 5, autoSwitch: true}}}}
          - {{id: vpc-keep02, name: retired, ipVersion: IPV4, bandwidth: 100, dcType: CNP, networkSegment: 10.61.0.0/16, subnets: [10.61.1.0/24]}}
        staticRoutes:
          - ipVersion: IPV4
            dst: [172.30.0.0/16]
            nextHops: [{{ip: {ka}, priority: 1, track: true}}, {{ip: {kb}, priority: 2, track: true}}]
      - name: gwold01
        hostname: nm8-cda-sw01
        accessPoint: AP1
        description: gateway to remove
        lines: [old-a]
        vpcs:
          - {{id: vpc-old01, name: old, ipVersion: IPV4, bandwidth: 100, dcType: CNP, networkSegment: 10.62.0.0/16, subnets: [10.62.1.0/24]}}
        staticRoutes:
          - ipVersion: IPV4
            dst: [172.31.0.0/16]
            nextHops: [{{ip: {oa}, priority: 1}}]
",
        ka = "10.202.1.2",
        kb = "10.202.2.2",
        oa = "10.202.3.2",
    ));

    let mut desired = String::from(
        "region: nm8\nprune: [gateways, bindings, vpcs, health_checks, routes]\nphysical_lines:\n",
    );
    let mut line = |name: &str, block: u32, k: u32, bw: u32| {
        let host = if k.is_multiple_of(2) {
            "nm8-cda-sw02"
        } else {
            "nm8-cda-sw01"
        };
        let port = if block == 202 {
            format!("GigabitEthernet2/0/{k}")
        } else {
            format!("GigabitEthernet3/0/{k}")
        };
        let host = if block == 202 { "nm8-cda-sw01" } else { host };
        let _ = writeln!(
            desired,
            "  - {{name: {name}, switch: {{hostname: {host}, port: {port}, port_type: 1G}}, line_type: PON, \
             bandwidth: {bw}, vlan: {vlan}, ip_version: IPV4, local_ip: {l}, remote_ip: {r}, access_point: AP1, \
             description: {desc}}}",
            vlan = if block == 202 { 300 + k } else { 1000 + k },
            l = line_ip(block, k, 1),
            r = line_ip(block, k, 2),
            desc = if block == 202 {
                format!("seeded line {name}")
            } else {
                format!("new line {name}")
            },
        );
    };
    line("keep-a", 202, 1, 2000); // bandwidth 1000 → 2000: update
    line("keep-b", 202, 2, 1000);
    line("keep-c", 202, 4, 1000); // new, bound as a third path
    for g in 1..=new_gateways {
        line(&format!("new-{g:02}-a"), 201, 2 * g - 1, 100 + g);
        line(&format!("new-{g:02}-b"), 201, 2 * g, 100 + g);
    }
    desired.push_str(
        "gateways:
  - name: gwkeep01
    access_point: AP1
    description: kept gateway
    lines: [keep-a, keep-b, keep-c]
    vpcs:
      - id: vpc-keep01
        name: keep
        bandwidth: 300
        dc_type: CNP
        network_segment: 10.60.0.0/16
        subnets: [10.60.1.0/24, 10.60.2.0/24]
        health_check: { src_ip: 10.60.1.250, dst_ip: 10.202.1.2, interval: 2, packets: 5, auto_switch: true }
    static_routes:
      - dst: [172.30.0.0/16]
        next_hops:
          - { line: keep-a, priority: 1, track: true }
          - { line: keep-b, priority: 2, track: true }
          - { line: keep-c, priority: 3, track: true }
",
    );
    for g in 1..=new_gateways {
        let a = format!("new-{g:02}-a");
        let b = format!("new-{g:02}-b");
        let _ = writeln!(
            desired,
            "  - name: gwnew{g:02}
    access_point: AP1
    description: new gateway {g}
    lines: [{a}, {b}]
    vpcs:
      - {{ id: vpc-n{g:02}a, name: app{g}, bandwidth: 100, dc_type: CNP, network_segment: 10.{sa}.0.0/16, subnets: [10.{sa}.1.0/24],
          health_check: {{ src_ip: 10.{sa}.1.250, dst_ip: 10.201.{ra}.2, interval: 3, packets: 5, auto_switch: true }} }}
      - {{ id: vpc-n{g:02}b, name: db{g}, bandwidth: 100, dc_type: CNP, network_segment: 10.{sb}.0.0/16, subnets: [10.{sb}.1.0/24] }}",
            sa = 100 + g,
            sb = 150 + g,
            ra = 2 * g - 1,
        );
        if g % 3 == 0 {
            let _ = writeln!(
                desired,
                "    bgp:
      - networks: [192.168.{g}.0/24]
        peers:
          - {{ line: {a}, neighbor: ce{g:02}, peer_as: {asn}, bfd: true }}",
                asn = 65000 + g,
            );
        } else {
            let _ = writeln!(
                desired,
                "    static_routes:
      - dst: [172.{d}.0.0/16]
        next_hops:
          - {{ line: {a}, priority: 1, track: true }}
          - {{ line: {b}, priority: 2, track: true }}",
                d = 16 + g,
            );
        }
    }
    Estate { seed, desired }
}

/// A small deterministic generator (splitmix64), so schedules depend on the
/// seed alone and not on any crate's algorithm.
pub struct Mix(pub u64);

impl Mix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WRITE_PATHS: [&str; 6] = [
    "/v4/cda/physical-line/add",
    "/v4/cda/gateway/add",
    "/v4/cda/physical-line/bind",
    "/v4/cda/vpc/add",
    "/v4/cda/static-route/add",
    "/v4/cda/bgp-route/add",
];

/// The fault schedule of one apply: each of 5xx, throttling, drop before
/// and drop after commit at 0–10 % of calls, latency 0–3 ms plus 0–5 ms
/// jitter, eventual consistency of 50–200 ms (see [`lagging`]: half the
/// seeds get it, the others none), and two forced drops after commit on
/// creates, so every seed loses at least two responses of committed writes.
pub fn fault_schedule(seed: u64) -> FaultConfig {
    let mut mix = Mix(seed);
    let mut rate = || mix.unit() * 0.10;
    let (error_rate, throttle_rate, drop_before_rate, drop_after_rate) =
        (rate(), rate(), rate(), rate());
    let latency_ms = mix.below(4);
    let jitter_ms = mix.below(6);
    let visibility_delay_ms = 50 + mix.below(151);
    let script = (0..2)
        .map(|_| ScriptedFault {
            path: Some(WRITE_PATHS[mix.below(WRITE_PATHS.len() as u64) as usize].into()),
            method: Some("POST".into()),
            kind: FaultKind::DropAfter,
        })
        .collect();
    FaultConfig {
        seed,
        latency_ms,
        jitter_ms,
        error_rate,
        throttle_rate,
        drop_before_rate,
        drop_after_rate,
        visibility_delay_ms,
        script,
        ..FaultConfig::default()
    }
}

/// Whether `seed` runs with lists that lag (every other seed): then every
/// apply and the plan after it see writes `visibility_delay_ms` late, with
/// no wait in between.
pub fn lagging(seed: u64) -> bool {
    seed % 2 == 1
}

/// `kind key` of every object created more than once.
pub fn duplicates(history: &[HistoryEntry]) -> Vec<String> {
    let mut creates: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for h in history.iter().filter(|h| h.action == "create") {
        *creates.entry((&h.kind, &h.key)).or_default() += 1;
    }
    creates
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|((kind, key), n)| format!("{kind} {key} ×{n}"))
        .collect()
}

/// The unmanaged lines as stored (every field, timestamps included).
pub fn unmanaged(store: &Store) -> String {
    let lines: Vec<_> = store
        .accounts
        .values()
        .flat_map(|a| a.lines.iter())
        .filter(|l| UNMANAGED_LINES.contains(&l.name.as_str()))
        .collect();
    serde_json::to_string(&lines).unwrap_or_default()
}

/// Writes recorded against an unmanaged line after the seed.
pub fn unmanaged_writes(store: &Store, history: &[HistoryEntry]) -> Vec<String> {
    let ids: Vec<&str> = store
        .accounts
        .values()
        .flat_map(|a| a.lines.iter())
        .filter(|l| UNMANAGED_LINES.contains(&l.name.as_str()))
        .map(|l| l.id.as_str())
        .collect();
    history
        .iter()
        .filter(|h| {
            UNMANAGED_LINES.contains(&h.key.as_str())
                || ids
                    .iter()
                    .any(|id| h.key.contains(id) || h.id.as_deref() == Some(id))
        })
        .map(|h| format!("{} {} {}", h.action, h.kind, h.key))
        .collect()
}

/// `cda` (at `bin`) pointed at `handle` with the demo credentials, in `dir`,
/// with a clean environment and no client-side pacing.
pub fn cda_command(bin: &Path, handle: &emulator::Handle, dir: &Path) -> Command {
    let mut cmd = Command::new(bin);
    for var in [
        "CDA_ENDPOINT",
        "CTYUN_AK",
        "CTYUN_SK",
        "CTYUN_ACCOUNT",
        "CDA_REGION",
        "CDA_ACCOUNT",
        "CDA_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CDA_RATE_LIMIT", "0")
        .env("CDA_ENDPOINT", handle.base_url())
        .env("CTYUN_AK", emulator::DEMO_ACCESS_KEY)
        .env("CTYUN_SK", emulator::DEMO_SECRET_KEY)
        .env("CTYUN_ACCOUNT", emulator::DEMO_ACCOUNT);
    cmd
}

/// Run off the async runtime (the emulator keeps serving).
pub async fn output(mut cmd: Command) -> std::io::Result<Output> {
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .map_err(std::io::Error::other)?
}

/// An emulator holding the seed of `estate`, with no faults yet.
pub async fn spawn_estate(estate: &Estate) -> Result<emulator::Handle, String> {
    let seed = emulator::Seed::parse(&estate.seed, "generated seed").map_err(|e| e.to_string())?;
    let config = emulator::Config::demo().with_seed(emulator::SeedSource::Inline(seed));
    emulator::spawn(config).await.map_err(|e| e.to_string())
}

/// What happened to one seed.
#[derive(Debug, Default)]
pub struct SeedRun {
    pub seed: u64,
    /// Applies run (until one exited 0 and the plan after it was empty).
    pub applies: u32,
    pub converged: bool,
    /// Whether the lists lagged ([`lagging`]).
    pub lagging: bool,
    /// Actions in the first plan.
    pub planned_actions: usize,
    pub duplicates: Vec<String>,
    pub unmanaged_touched: Vec<String>,
    /// Injected faults by kind, over all applies.
    pub faults: BTreeMap<String, u64>,
    /// Why it did not converge, or a check failed.
    pub problem: Option<String>,
}

impl SeedRun {
    pub fn ok(&self) -> bool {
        self.converged
            && self.duplicates.is_empty()
            && self.unmanaged_touched.is_empty()
            && self.problem.is_none()
    }
}

fn tail(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(25)..].join("\n")
}

/// Count of actions in `cda plan --json` output.
pub fn planned_actions(json: &[u8]) -> usize {
    serde_json::from_slice::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.get("actions").and_then(|a| a.as_array()).map(Vec::len))
        .unwrap_or(0)
}

/// One seed: fresh emulator with the estate, apply under `fault_schedule`
/// until an apply exits 0 and the plan after it is empty, at most
/// `max_applies` times; then the checks.
pub async fn run_seed(bin: &Path, estate: &Estate, seed: u64, max_applies: u32) -> SeedRun {
    let mut run = SeedRun {
        seed,
        lagging: lagging(seed),
        ..SeedRun::default()
    };
    let handle = match spawn_estate(estate).await {
        Ok(h) => h,
        Err(e) => {
            run.problem = Some(format!("emulator: {e}"));
            return run;
        }
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            run.problem = Some(format!("tempdir: {e}"));
            return run;
        }
    };
    let result = drive(
        bin,
        estate,
        &handle,
        dir.path(),
        seed,
        max_applies,
        &mut run,
    )
    .await;
    if let Err(problem) = result {
        run.problem = Some(problem);
    }
    let _ = handle.shutdown().await;
    run
}

async fn drive(
    bin: &Path,
    estate: &Estate,
    handle: &emulator::Handle,
    dir: &Path,
    seed: u64,
    max_applies: u32,
    run: &mut SeedRun,
) -> Result<(), String> {
    std::fs::write(dir.join(DESIRED), &estate.desired).map_err(|e| e.to_string())?;
    let app = handle.app();
    let before = unmanaged(&app.store());
    let seeded_history = app.history().len();

    let mut cmd = cda_command(bin, handle, dir);
    cmd.args(["plan", "-f", DESIRED, "--json"]);
    let out = output(cmd).await.map_err(|e| e.to_string())?;
    if out.status.code() != Some(2) && out.status.code() != Some(0) {
        return Err(format!("first plan failed:\n{}", tail(&out)));
    }
    run.planned_actions = planned_actions(&out.stdout);

    let mut last = String::new();
    for apply in 1..=max_applies {
        let mut faults = fault_schedule(seed.wrapping_mul(31).wrapping_add(u64::from(apply)));
        if apply > 1 {
            // Forced drops only on the first apply; the rates stay.
            faults.script.clear();
        }
        if !lagging(seed) {
            faults.visibility_delay_ms = 0;
        }
        // The lists keep lagging after the apply: the plan that checks it
        // runs at once and must already see everything it did.
        let lag = FaultConfig {
            visibility_delay_ms: faults.visibility_delay_ms,
            ..FaultConfig::default()
        };
        app.set_faults(faults);
        let mut cmd = cda_command(bin, handle, dir);
        // The estate removes a whole gateway on purpose (5 of its 13 managed
        // objects): past the blast-radius guard.
        cmd.args([
            "apply",
            "-f",
            DESIRED,
            "--auto-approve",
            "--allow-mass-destroy",
        ]);
        let out = output(cmd).await.map_err(|e| e.to_string())?;
        run.applies = apply;
        for (kind, n) in app.stats().faults {
            *run.faults.entry(kind).or_default() += n;
        }
        app.set_faults(lag);
        if out.status.code() != Some(0) {
            last = tail(&out);
            continue;
        }
        let mut cmd = cda_command(bin, handle, dir);
        cmd.args(["plan", "-f", DESIRED, "--detailed-exitcode"]);
        let plan = output(cmd).await.map_err(|e| e.to_string())?;
        match plan.status.code() {
            Some(0) => {
                run.converged = true;
                break;
            }
            _ => last = format!("apply exited 0 but the plan is not empty:\n{}", tail(&plan)),
        }
    }
    let history = app.history();
    run.duplicates = duplicates(&history);
    let store = app.store();
    run.unmanaged_touched = unmanaged_writes(&store, &history[seeded_history.min(history.len())..]);
    if unmanaged(&store) != before {
        run.unmanaged_touched
            .push("an unmanaged line changed".into());
    }
    if !run.converged {
        return Err(format!(
            "not converged after {max_applies} applies:\n{last}"
        ));
    }
    Ok(())
}

/// Where `cargo` put the `cda` binary next to a test or example executable.
pub fn sibling_binary(exe: &Path) -> Option<PathBuf> {
    // target/<profile>/examples/soak → target/<profile>/cda
    let profile = exe.parent()?.parent()?;
    let bin = profile.join("cda");
    bin.exists().then_some(bin)
}
