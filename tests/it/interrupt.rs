//! SIGINT and SIGTERM to a real `cda` process (issue #13), against an
//! emulator slowed by latency so the signal lands while calls are in flight.
//! Signal points are driven by the journal (lines written so far), not by
//! sleeps. After a first signal: exit 130 or 143, the usual summary, the
//! lock gone, every journalled call with its outcome, no object the apply
//! replaces left absent, and the next apply converges. A second signal stops
//! at once with the calls in flight journalled `interrupted`, which the next
//! run awaits. `plan` writes no partial file; `emulator serve` saves its
//! state.

use crate::support::estate::{cda_command, duplicates, output};
use crate::support::mask_durations;
use emulator::FaultConfig;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DESIRED: &str = "desired.yaml";

/// Two gateways of the seed: `gwkeep01` keeps its lines but one moves to a
/// new gateway, and its VPC's bandwidth changes (a VPC replace, with its
/// health check deleted before and added after); `gwrep01` changes hostname
/// (a gateway replace: its VPCs, health check, route and binding are
/// deleted before it and created again after).
const SEED: &str = "accounts:
  - account: demo@cda.local
    region: nm8
    lines:
      - {name: keep-a, hostname: nm8-cda-sw01, port: GigabitEthernet2/0/1, portType: 1G, lineType: PON, bandwidth: 1000, vlan: 301, ipVersion: IPV4, localIp: 10.202.1.1/30, remoteIp: 10.202.1.2/30, accessPoint: AP1, description: keep-a}
      - {name: mv-a, hostname: nm8-cda-sw01, port: GigabitEthernet2/0/2, portType: 1G, lineType: PON, bandwidth: 1000, vlan: 302, ipVersion: IPV4, localIp: 10.202.2.1/30, remoteIp: 10.202.2.2/30, accessPoint: AP1, description: mv-a}
      - {name: rep-a, hostname: nm8-cda-sw01, port: GigabitEthernet2/0/3, portType: 1G, lineType: PON, bandwidth: 1000, vlan: 303, ipVersion: IPV4, localIp: 10.202.3.1/30, remoteIp: 10.202.3.2/30, accessPoint: AP1, description: rep-a}
    gateways:
      - name: gwkeep01
        hostname: nm8-cda-sw01
        accessPoint: AP1
        description: kept gateway
        lines: [keep-a, mv-a]
        vpcs:
          - {id: vpc-k1, name: keep, ipVersion: IPV4, bandwidth: 100, dcType: CNP, networkSegment: 10.60.0.0/16, subnets: [10.60.1.0/24],
             healthCheck: {srcIp: 10.60.1.250, dstIp: 10.202.1.2, interval: 3, packets: 5, autoSwitch: true}}
        staticRoutes:
          - {ipVersion: IPV4, dst: [172.30.0.0/16], nextHops: [{ip: 10.202.1.2, priority: 1, track: true}]}
      - name: gwrep01
        hostname: nm8-cda-sw01
        accessPoint: AP1
        description: replaced gateway
        lines: [rep-a]
        vpcs:
          - {id: vpc-r1, name: rep1, ipVersion: IPV4, bandwidth: 100, dcType: CNP, networkSegment: 10.61.0.0/16, subnets: [10.61.1.0/24],
             healthCheck: {srcIp: 10.61.1.250, dstIp: 10.202.3.2, interval: 3, packets: 5, autoSwitch: true}}
          - {id: vpc-r2, name: rep2, ipVersion: IPV4, bandwidth: 100, dcType: CNP, networkSegment: 10.62.0.0/16, subnets: [10.62.1.0/24]}
        staticRoutes:
          - {ipVersion: IPV4, dst: [172.31.0.0/16], nextHops: [{ip: 10.202.3.2, priority: 1, track: true}]}
";

const DESIRED_STATE: &str = "region: nm8
prune: [gateways, bindings, vpcs, health_checks, routes]
physical_lines:
  - {name: keep-a, switch: {hostname: nm8-cda-sw01, port: GigabitEthernet2/0/1, port_type: 1G}, line_type: PON, bandwidth: 1000, vlan: 301, ip_version: IPV4, local_ip: 10.202.1.1/30, remote_ip: 10.202.1.2/30, access_point: AP1, description: keep-a}
  - {name: mv-a, switch: {hostname: nm8-cda-sw01, port: GigabitEthernet2/0/2, port_type: 1G}, line_type: PON, bandwidth: 1000, vlan: 302, ip_version: IPV4, local_ip: 10.202.2.1/30, remote_ip: 10.202.2.2/30, access_point: AP1, description: mv-a}
  - {name: rep-a, switch: {hostname: nm8-cda-sw01, port: GigabitEthernet2/0/3, port_type: 1G}, line_type: PON, bandwidth: 1000, vlan: 303, ip_version: IPV4, local_ip: 10.202.3.1/30, remote_ip: 10.202.3.2/30, access_point: AP1, description: rep-a}
  - {name: new-a, switch: {hostname: nm8-cda-sw02, port: GigabitEthernet3/0/1, port_type: 1G}, line_type: PON, bandwidth: 100, vlan: 1001, ip_version: IPV4, local_ip: 10.201.1.1/30, remote_ip: 10.201.1.2/30, access_point: AP1, description: new-a}
gateways:
  - name: gwkeep01
    access_point: AP1
    description: kept gateway
    lines: [keep-a]
    vpcs:
      - id: vpc-k1
        name: keep
        bandwidth: 200
        dc_type: CNP
        network_segment: 10.60.0.0/16
        subnets: [10.60.1.0/24]
        health_check: { src_ip: 10.60.1.250, dst_ip: 10.202.1.2, interval: 3, packets: 5, auto_switch: true }
    static_routes:
      - dst: [172.30.0.0/16]
        next_hops: [{ line: keep-a, priority: 1, track: true }]
  - name: gwrep01
    hostname: nm8-cda-sw02
    access_point: AP1
    description: replaced gateway
    lines: [rep-a]
    vpcs:
      - id: vpc-r1
        name: rep1
        bandwidth: 100
        dc_type: CNP
        network_segment: 10.61.0.0/16
        subnets: [10.61.1.0/24]
        health_check: { src_ip: 10.61.1.250, dst_ip: 10.202.3.2, interval: 3, packets: 5, auto_switch: true }
      - { id: vpc-r2, name: rep2, bandwidth: 100, dc_type: CNP, network_segment: 10.62.0.0/16, subnets: [10.62.1.0/24] }
    static_routes:
      - dst: [172.31.0.0/16]
        next_hops: [{ line: rep-a, priority: 1, track: true }]
  - name: gwnew01
    access_point: AP1
    description: new gateway
    lines: [mv-a, new-a]
    vpcs:
      - { id: vpc-n1, name: app, bandwidth: 100, dc_type: CNP, network_segment: 10.70.0.0/16, subnets: [10.70.1.0/24] }
    static_routes:
      - dst: [172.17.0.0/16]
        next_hops: [{ line: mv-a, priority: 1, track: true }, { line: new-a, priority: 2, track: true }]
";

async fn spawn_seeded() -> emulator::Handle {
    let seed = emulator::Seed::parse(SEED, "interrupt seed").unwrap();
    let config = emulator::Config::demo().with_seed(emulator::SeedSource::Inline(seed));
    emulator::spawn(config).await.unwrap()
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_cda"))
}

/// A child whose stdout and stderr are collected as they come.
struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(mut from: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

fn start(mut cmd: Command) -> Running {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    Running {
        child,
        stdout,
        stderr,
    }
}

impl Running {
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Poll `reached` every 2 ms, failing if the process ends first.
    async fn wait_until(&mut self, what: &str, reached: impl Fn(&Running) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !reached(self) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "ended ({status}) before {what}:\n{}\n{}",
                    self.out(),
                    self.err()
                );
            }
            assert!(Instant::now() < deadline, "never reached {what}");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Wait for the exit; returns the code once both streams are read.
    async fn finish(mut self) -> (Option<i32>, String, String) {
        let status = tokio::task::spawn_blocking(move || {
            let status = self.child.wait().unwrap();
            (status, self)
        })
        .await
        .unwrap();
        let (status, this) = status;
        // The reader threads end at EOF, shortly after the exit.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&this.stdout) > 1 || Arc::strong_count(&this.stderr) > 1 {
            if Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (status.code(), this.out(), this.err())
    }

    fn out(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
    fn err(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

fn complete_lines(journal: &Path) -> usize {
    std::fs::read(journal)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

fn journal_lines(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The object an action of a JSON plan takes down or brings back: its
/// address, a binding's line.
fn object(action: &Value) -> String {
    let address = action["address"].as_str().unwrap_or_default();
    if action["kind"] == "binding" {
        if let Some(line) = address.rsplit('.').next() {
            return format!("line {line}");
        }
    }
    address.to_owned()
}

/// Objects live before the apply (the first plan updates, replaces or
/// deletes them) that a plan made after the interrupt creates without
/// anything live to replace: taken down and not brought back.
fn left_absent(first: &Value, after: &Value) -> Vec<String> {
    let live_before: BTreeSet<String> = first["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["change"] != "create")
        .map(object)
        .collect();
    let actions = after["actions"].as_array().unwrap();
    let live_now: BTreeSet<String> = actions
        .iter()
        .filter(|a| a["change"] != "create")
        .map(object)
        .collect();
    actions
        .iter()
        .filter(|a| a["change"] == "create")
        .map(object)
        .filter(|o| live_before.contains(o) && !live_now.contains(o))
        .collect()
}

async fn plan_json(handle: &emulator::Handle, dir: &Path) -> Value {
    let mut cmd = cda_command(bin(), handle, dir);
    cmd.args(["plan", "-f", DESIRED, "--json"]);
    let out = output(cmd).await.unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn apply_cmd(handle: &emulator::Handle, dir: &Path, journal: Option<&Path>) -> Command {
    let mut cmd = cda_command(bin(), handle, dir);
    cmd.args([
        "apply",
        "-f",
        DESIRED,
        "--auto-approve",
        "--allow-mass-destroy",
    ])
    // A call abandoned before it reached the server is awaited this long.
    .env("CDA_VISIBILITY_TIMEOUT", "2");
    if let Some(journal) = journal {
        cmd.arg("--journal").arg(journal);
    }
    cmd
}

/// The next apply, without latency, converges: exit 0, then an empty plan,
/// and nothing was created twice over both runs.
async fn converges(handle: &emulator::Handle, dir: &Path, what: &str) -> String {
    handle.app().set_faults(FaultConfig::default());
    let out = output(apply_cmd(handle, dir, None)).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "re-run after {what}:\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("stale lock"), "{what}: {stderr}");
    let mut cmd = cda_command(bin(), handle, dir);
    cmd.args(["plan", "-f", DESIRED, "--detailed-exitcode"]);
    let plan = output(cmd).await.unwrap();
    assert_eq!(plan.status.code(), Some(0), "not converged after {what}");
    let dups = duplicates(&handle.app().history());
    assert!(dups.is_empty(), "{what}: created twice: {dups:?}");
    stderr
}

/// The journal's calls, each with its last outcome.
fn last_outcomes(lines: &[Value]) -> Vec<(String, String)> {
    let mut last: Vec<(String, String)> = Vec::new();
    for l in lines.iter().filter(|l| l["record"] == "call") {
        let action = l["action"].as_str().unwrap().to_owned();
        let outcome = l["outcome"].as_str().unwrap().to_owned();
        match last.iter_mut().find(|(a, _)| *a == action) {
            Some(entry) => entry.1 = outcome,
            None => last.push((action, outcome)),
        }
    }
    last
}

/// Signal after this many journal lines (0: once the lock is taken, before
/// the journal exists). Of the ~50 lines of the apply: a start line, then
/// `sent`, its outcome, and `confirmed` per write.
const POINTS: [(usize, &str); 8] = [
    (0, "INT"),
    (2, "TERM"),
    (5, "INT"),
    (9, "INT"),
    (14, "TERM"),
    (20, "INT"),
    (27, "INT"),
    (35, "TERM"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_signal_stops_cleanly_at_every_point_of_an_apply() {
    let mut shown = false;
    let mut writes_at_signal = Vec::new();
    for (target, signal) in POINTS {
        let handle = spawn_seeded().await;
        let app = handle.app();
        let seeded = app.history().len();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(DESIRED), DESIRED_STATE).unwrap();
        let first = plan_json(&handle, d).await;
        let journal = d.join("apply.jsonl");
        let lock = d.join(".cda/apply.lock");
        app.set_faults(FaultConfig {
            latency_ms: 15,
            jitter_ms: 10,
            seed: target as u64,
            ..FaultConfig::default()
        });

        let mut apply = start(apply_cmd(&handle, d, Some(&journal)));
        let what = format!("SIG{signal} after {target} journal lines");
        apply
            .wait_until(&what, |_| {
                if target == 0 {
                    lock.exists()
                } else {
                    complete_lines(&journal) >= target
                }
            })
            .await;
        apply.signal(signal);
        writes_at_signal.push(app.history().len() - seeded);
        let (code, out, err) = apply.finish().await;
        let expected = if signal == "INT" { 130 } else { 143 };
        assert_eq!(code, Some(expected), "{what}:\n{out}\n{err}");
        assert!(!lock.exists(), "{what}: the lock was left behind");
        if target == 0 {
            assert!(
                err.contains("before any change: nothing was applied"),
                "{what}: {err}"
            );
            assert!(!journal.exists(), "{what}");
        } else {
            assert!(
                err.contains(&format!("Interrupted (SIG{signal}): stopping.")),
                "{what}: {err}"
            );
            assert!(
                out.contains(&format!("Apply interrupted (SIG{signal}) after ")),
                "{what}: {out}"
            );
            assert!(out.contains("not started"), "{what}: {out}");
            assert!(out.contains(&format!("Journal: {}", journal.display())));
            // Every call made has its outcome; the run ended.
            let lines = journal_lines(&journal);
            for (action, outcome) in last_outcomes(&lines) {
                assert!(
                    outcome == "confirmed" || outcome == "failed",
                    "{what}: {action} left `{outcome}`"
                );
            }
            let end = lines.last().unwrap();
            assert_eq!(
                (&end["record"], &end["outcome"]),
                (&"end".into(), &"interrupted".into()),
                "{what}"
            );
            if !shown && target >= 14 {
                // The note shows one (durations masked).
                eprintln!(
                    "--- interrupted apply ({what}), stdout:\n{}--- stderr:\n{}",
                    mask_durations(&out),
                    mask_durations(&err)
                );
                shown = true;
            }
        }
        let after = plan_json(&handle, d).await;
        let absent = left_absent(&first, &after);
        assert!(absent.is_empty(), "{what}: left absent: {absent:?}");
        converges(&handle, d, &what).await;
        handle.shutdown().await.unwrap();
    }
    // From before the first write to well into the apply.
    assert_eq!(writes_at_signal[0], 0, "{writes_at_signal:?}");
    assert!(
        writes_at_signal.iter().any(|&w| w >= 8),
        "{writes_at_signal:?}"
    );
    eprintln!("writes committed at each signal: {writes_at_signal:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_stops_at_once_and_the_next_run_awaits_what_was_in_flight() {
    let handle = spawn_seeded().await;
    let app = handle.app();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(DESIRED), DESIRED_STATE).unwrap();
    // Slow calls: the second signal lands while one is in flight.
    app.set_faults(FaultConfig {
        latency_ms: 300,
        ..FaultConfig::default()
    });
    // The default journal, where the next run looks for unfinished ones.
    let journals = d.join(".cda/journal");
    let journal = || {
        std::fs::read_dir(&journals)
            .ok()
            .and_then(|mut entries| entries.next())
            .and_then(|e| e.ok())
            .map(|e| e.path())
            .unwrap_or_default()
    };
    let mut apply = start(apply_cmd(&handle, d, None));
    apply
        .wait_until("a write sent", |_| {
            journal_lines_now(&journal())
                .iter()
                .any(|l| l["outcome"] == "sent")
        })
        .await;
    let journal = journal();
    apply.signal("INT");
    apply
        .wait_until("the stopping notice", |r| r.err().contains("stopping."))
        .await;
    apply.signal("INT");
    let (code, out, err) = apply.finish().await;
    assert_eq!(code, Some(130), "{out}\n{err}");
    assert!(
        err.contains("Interrupted again (SIGINT): stopping at once"),
        "{err}"
    );
    assert!(
        out.contains("Apply stopped at once (SIGINT, then SIGINT)"),
        "{out}"
    );
    assert!(out.contains("  interrupted  "), "{out}");
    assert!(!d.join(".cda/apply.lock").exists(), "{out}\n{err}");
    let lines = journal_lines(&journal);
    let interrupted: Vec<&Value> = lines
        .iter()
        .filter(|l| l["outcome"] == "interrupted")
        .collect();
    assert!(!interrupted.is_empty(), "{lines:?}");
    // No end line: the next run reads it and awaits those calls.
    assert!(lines.iter().all(|l| l["record"] != "end"), "{lines:?}");
    let stderr = converges(&handle, d, "a second SIGINT").await;
    assert!(
        stderr.contains("did not finish"),
        "{stderr}\n{:#?}",
        journal_lines(&journal)
    );
    let end = journal_lines(&journal).pop().unwrap();
    assert_eq!(end["outcome"], "reconciled", "{end}");
    handle.shutdown().await.unwrap();
}

/// Like [`journal_lines`], tolerating a line being written.
fn journal_lines_now(journal: &Path) -> Vec<Value> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_plan_writes_no_file() {
    let handle = spawn_seeded().await;
    let app = handle.app();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(DESIRED), DESIRED_STATE).unwrap();
    app.set_faults(FaultConfig {
        latency_ms: 300,
        ..FaultConfig::default()
    });
    let mut cmd = cda_command(bin(), &handle, d);
    cmd.args([
        "plan",
        "-f",
        DESIRED,
        "--out",
        "saved.plan",
        "--markdown",
        "plan.md",
    ]);
    let mut plan = start(cmd);
    plan.wait_until("the first read", |_| {
        app.stats()
            .endpoints
            .values()
            .map(|s| s.requests)
            .sum::<u64>()
            > 0
    })
    .await;
    plan.signal("INT");
    let (code, out, err) = plan.finish().await;
    assert_eq!(code, Some(130), "{out}\n{err}");
    assert!(err.contains("Interrupted (SIGINT) while planning: no plan file was written."));
    let mut names: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert_eq!(names, [d.join(DESIRED)], "{names:?}");
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_serve_saves_its_state_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut cmd = Command::new(bin());
    cmd.args(["emulator", "serve", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state);
    let mut serve = start(cmd);
    serve
        .wait_until("the banner", |r| r.out().contains("press Ctrl-C"))
        .await;
    serve.signal("TERM");
    let (code, out, err) = serve.finish().await;
    assert_eq!(code, Some(143), "{out}\n{err}");
    assert!(out.contains("cda emulator stopped"), "{out}");
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(saved.get("accounts").is_some(), "{saved}");
}

/// Part 2 of the issue: a log shows an action still running at every
/// interval (`CDA_PROGRESS_INTERVAL_MS`, 10 s by default) and how long each
/// action and the whole apply took.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_shows_actions_still_running_and_durations() {
    let handle = spawn_seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(DESIRED), DESIRED_STATE).unwrap();
    handle.app().set_faults(FaultConfig {
        latency_ms: 60,
        ..FaultConfig::default()
    });
    let mut cmd = apply_cmd(&handle, d, None);
    cmd.env("CDA_PROGRESS_INTERVAL_MS", "50");
    let out = output(cmd).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let masked = mask_durations(&stdout);
    assert!(
        masked.contains("gateway.gwrep01: still replacing... [<t> elapsed]"),
        "{masked}"
    );
    assert!(
        masked.contains("gateway.gwrep01: replaced [<t>]"),
        "{masked}"
    );
    assert!(masked.contains("\nApply complete: "), "{masked}");
    assert!(masked.contains(" skipped in <t>.\n"), "{masked}");
    assert!(
        masked.contains("  done     gateway.gwrep01 (<t>) [request "),
        "{masked}"
    );
    handle.shutdown().await.unwrap();
}
