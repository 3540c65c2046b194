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
/// before any write). 21 points across the 130+ journal lines of the apply
/// (each write is journalled twice: `sent`, then its outcome); odd counts
/// kill between a call's `sent` line and its outcome.
const KILL_AFTER_LINES: [usize; 21] = [
    0, 1, 2, 3, 5, 9, 15, 21, 27, 33, 41, 49, 57, 65, 73, 81, 91, 101, 111, 119, 124,
];

fn complete_lines(journal: &Path) -> usize {
    std::fs::read(journal)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count())
        .unwrap_or(0)
}

/// Every newline-terminated line parses as a JSON object with the journal's
/// fields; an unterminated tail (a write cut by the kill) is allowed.
fn check_journal(journal: &Path) -> usize {
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut n = 0;
    for line in complete.lines() {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("journal line {} is not JSON ({e}): {line}", n + 1));
        for field in ["time", "action", "endpoint", "outcome", "body"] {
            assert!(entry.get(field).is_some(), "no {field} in {line}");
        }
        n += 1;
    }
    n
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
        let killed_at = check_journal(&journal);
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
