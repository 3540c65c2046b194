//! SIGKILL `cda apply` at spread-out points of a 65-action apply (slowed by
//! emulator latency), then re-run: each re-run takes over the dead
//! process's lock, converges, and nothing is created twice; the journal of
//! the killed run is valid JSON lines up to its last complete line.

use crate::support::estate::{cda_command, duplicates, estate, output, spawn_estate, DESIRED};
use emulator::FaultConfig;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Kill after this many journal lines (0: as soon as the lock is taken,
/// before any write). 21 points across the 200+ journal lines of the apply
/// (a start line, then each write three times: `sent`, its outcome, and
/// `confirmed` once a re-read shows it).
const KILL_AFTER_LINES: [usize; 21] = [
    0, 1, 2, 3, 5, 8, 14, 23, 32, 41, 50, 62, 74, 86, 98, 110, 122, 137, 152, 167, 186,
];

/// With lists that lag: kill points over the ~70 journal lines of a
/// 2-gateway apply (a start line, then `sent`, `ok`, `confirmed` per write),
/// each with its visibility delay (ms).
const LAGGING_KILLS: [(usize, u64); 7] = [
    (2, 400),
    (6, 1_000),
    (13, 100),
    (24, 700),
    (40, 250),
    (57, 500),
    (75, 300),
];

fn complete_lines(journal: &Path) -> usize {
    std::fs::read(journal)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Every newline-terminated line parses as a JSON object of one run (its
/// `run` id), starting with a `start` line; call lines have the journal's
/// fields; an unterminated tail (a write cut by the kill) is allowed.
/// Returns the count of complete lines and the run id.
fn check_journal(journal: &Path) -> (usize, String) {
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut n = 0;
    let mut run = String::new();
    for line in complete.lines().filter(|l| !l.is_empty()) {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("journal line {} is not JSON ({e}): {line}", n + 1));
        let id = entry["run"]
            .as_str()
            .unwrap_or_else(|| panic!("no run in {line}"));
        if n == 0 {
            assert_eq!(entry["record"], "start", "{line}");
            for field in ["command", "endpoint", "region", "cda_version", "time"] {
                assert!(entry.get(field).is_some(), "no {field} in {line}");
            }
            run = id.to_owned();
        }
        assert_eq!(id, run, "{}: two runs in one journal", journal.display());
        if entry["record"] == "call" {
            for field in ["time", "action", "endpoint", "outcome", "body"] {
                assert!(entry.get(field).is_some(), "no {field} in {line}");
            }
        }
        n += 1;
    }
    (n, run)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_applies_resume_and_converge() {
    let estate = estate(6);
    let bin = Path::new(env!("CARGO_BIN_EXE_cda"));
    let mut points = Vec::new();
    for &target in &KILL_AFTER_LINES {
        let handle = spawn_estate(&estate).await.unwrap();
        let app = handle.app();
        let seeded = app.history().len();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DESIRED), &estate.desired).unwrap();
        let journal = dir.path().join("killed.jsonl");
        let lock = dir.path().join(".cda/apply.lock");
        // Every call takes 15–25 ms: the apply lasts seconds, so the kill
        // lands while calls are in flight.
        app.set_faults(FaultConfig {
            latency_ms: 15,
            jitter_ms: 10,
            seed: target as u64,
            ..FaultConfig::default()
        });

        let mut cmd = cda_command(bin, &handle, dir.path());
        // The estate removes a whole gateway on purpose: past the guard.
        cmd.args([
            "apply",
            "-f",
            DESIRED,
            "--auto-approve",
            "--allow-mass-destroy",
            "--journal",
        ])
        .arg(&journal)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let pid = child.id();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let reached = if target == 0 {
                lock.exists()
            } else {
                complete_lines(&journal) >= target
            };
            if reached {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("apply ended ({status}) before {target} journal lines");
            }
            assert!(Instant::now() < deadline, "no progress to {target} lines");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (killed_at, _) = check_journal(&journal);
        let commits_at_kill = app.history().len() - seeded;
        // The dead process's lock is left behind, holding its pid.
        let held = std::fs::read_to_string(&lock).unwrap();
        assert_eq!(held.trim(), pid.to_string());

        // Re-run without latency: takes over the stale lock and finishes.
        app.set_faults(FaultConfig::default());
        let mut cmd = cda_command(bin, &handle, dir.path());
        cmd.args([
            "apply",
            "-f",
            DESIRED,
            "--auto-approve",
            "--allow-mass-destroy",
        ]);
        let out = output(cmd).await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "re-run after a kill at {target} lines:\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            stderr.contains("stale lock") && stderr.contains(&pid.to_string()),
            "{stderr}"
        );
        assert!(!lock.exists(), "the re-run left its lock behind");
        let mut cmd = cda_command(bin, &handle, dir.path());
        cmd.args(["plan", "-f", DESIRED, "--detailed-exitcode"]);
        let plan = output(cmd).await.unwrap();
        assert_eq!(
            plan.status.code(),
            Some(0),
            "not converged after a kill at {target}"
        );
        let dups = duplicates(&app.history());
        assert!(dups.is_empty(), "kill at {target}: created twice: {dups:?}");
        points.push((target, killed_at, commits_at_kill));
        handle.shutdown().await.unwrap();
    }
    // The kills are spread over the whole apply: from before the first write
    // to its last quarter.
    assert!(points.iter().any(|&(_, _, commits)| commits == 0));
    assert!(points.iter().any(|&(_, _, commits)| commits >= 55));
    eprintln!("kill points (target lines, journal lines at kill, writes committed): {points:?}");
}

/// The default journal of the one run in `dir` that is not `other`.
fn journal_in(dir: &Path, other: Option<&Path>) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir.join(".cda/journal"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| Some(p.as_path()) != other)
}

fn last_line(journal: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(journal).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

/// Issue #14: with lists that lag (100–1,000 ms), SIGKILL an apply at
/// points spread over it and re-run it at once, lists still lagging: the
/// re-run awaits what the killed run left in flight instead of creating it
/// again, converges, and the plan right after it is empty. Each run has its
/// own journal; the killed one is marked reconciled by the re-run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_applies_with_lagging_lists_create_nothing_twice() {
    let estate = estate(2);
    let bin = Path::new(env!("CARGO_BIN_EXE_cda"));
    let mut points = Vec::new();
    // `CDA_CRASH_KILL_POINTS=21`: the release run of issue #14, 21 points
    // over the whole apply (not in CI: about 2 minutes).
    let points_wanted: usize = std::env::var("CDA_CRASH_KILL_POINTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let kills: Vec<(usize, u64)> = if points_wanted > LAGGING_KILLS.len() {
        let delays = [100, 250, 400, 550, 700, 850, 1_000];
        (0..points_wanted)
            .map(|i| (1 + i * 84 / points_wanted, delays[i % delays.len()]))
            .collect()
    } else {
        LAGGING_KILLS.to_vec()
    };
    for &(target, delay) in &kills {
        let handle = spawn_estate(&estate).await.unwrap();
        let app = handle.app();
        let seeded = app.history().len();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DESIRED), &estate.desired).unwrap();
        let lagging = FaultConfig {
            latency_ms: 10,
            jitter_ms: 10,
            visibility_delay_ms: delay,
            seed: target as u64,
            ..FaultConfig::default()
        };
        app.set_faults(lagging.clone());
        let apply = |bin: &Path| {
            let mut cmd = cda_command(bin, &handle, dir.path());
            cmd.args([
                "apply",
                "-f",
                DESIRED,
                "--auto-approve",
                "--allow-mass-destroy",
            ])
            // A `sent` line whose request never arrived is awaited this long.
            .env("CDA_VISIBILITY_TIMEOUT", "4");
            cmd
        };
        let mut cmd = apply(bin);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let killed = loop {
            if let Some(journal) = journal_in(dir.path(), None) {
                if complete_lines(&journal) >= target {
                    break journal;
                }
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("apply ended ({status}) before {target} journal lines");
            }
            assert!(Instant::now() < deadline, "no progress to {target} lines");
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (killed_at, killed_run) = check_journal(&killed);
        let commits_at_kill = app.history().len() - seeded;

        // At once, the lists still lagging.
        let out = output(apply(bin)).await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "re-run after a kill at {target} lines ({delay} ms):\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        let mut cmd = cda_command(bin, &handle, dir.path());
        cmd.args(["plan", "-f", DESIRED, "--detailed-exitcode"]);
        let plan = output(cmd).await.unwrap();
        assert_eq!(
            plan.status.code(),
            Some(0),
            "not converged after a kill at {target} ({delay} ms):\n{}",
            String::from_utf8_lossy(&plan.stdout)
        );
        let dups = duplicates(&app.history());
        assert!(
            dups.is_empty(),
            "kill at {target} ({delay} ms): created twice: {dups:?}"
        );

        // Two journals, two runs: the killed one reconciled by the re-run.
        let rerun = journal_in(dir.path(), Some(&killed)).expect("the re-run's journal");
        let (_, rerun_run) = check_journal(&rerun);
        assert_ne!(rerun_run, killed_run);
        let names = [&killed, &rerun].map(|p| p.file_name().unwrap().to_owned());
        assert_ne!(names[0], names[1]);
        let end = last_line(&killed);
        assert_eq!(end["record"], "end", "{end}");
        assert_eq!(end["outcome"], "reconciled", "{end}");
        assert_eq!(end["run"].as_str(), Some(killed_run.as_str()));
        assert_eq!(end["by"].as_str(), Some(rerun_run.as_str()));
        let end = last_line(&rerun);
        assert_eq!(
            (&end["record"], &end["outcome"]),
            (&"end".into(), &"success".into())
        );
        let awaited = stderr.contains("did not finish");
        points.push((target, delay, killed_at, commits_at_kill, awaited));
        handle.shutdown().await.unwrap();
    }
    // From before the first commit to most of the apply, and at least one
    // re-run that had writes to await.
    assert!(points.iter().any(|p| p.3 <= 1), "{points:?}");
    assert!(points.iter().any(|p| p.3 >= 15), "{points:?}");
    assert!(points.iter().any(|p| p.4), "{points:?}");
    eprintln!("lagging kill points (lines, delay ms, lines at kill, commits, awaited): {points:?}");
}
