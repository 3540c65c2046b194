//! Apply under faults, against an emulator spawned in the test process:
//! nothing written by a dry run or an aborted apply, a failed apply that a
//! re-run completes, a lost response that is confirmed rather than resent,
//! and the lock.

use crate::support::*;
use emulator::{FaultConfig, FaultKind, ScriptedFault};

const QUICKSTART: &str = "examples/quickstart.yaml";

fn scripted(path: &str, kind: FaultKind, times: usize) -> FaultConfig {
    FaultConfig {
        script: vec![
            ScriptedFault {
                path: Some(path.into()),
                method: Some("POST".into()),
                kind
            };
            times
        ],
        ..FaultConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_and_max_destroy_send_no_write() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--dry-run"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("POST /v4/cda/"));
    let reads = handle.app().stats().requests;
    assert!(reads > 0, "the dry run did not even read");
    assert_eq!(writes(&handle), 0);
    assert_eq!(handle.app().stats().writes_committed, 0);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "apply",
        "-f",
        QUICKSTART,
        "--auto-approve",
        "--max-destroy",
        "0",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(stderr(&out).contains("--max-destroy 0"), "{}", stderr(&out));
    assert_eq!(writes(&handle), 0);

    // Without --auto-approve and without a terminal: refused, no write.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART]).write_stdin("yes\n");
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert_eq!(writes(&handle), 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_that_fails_midway_converges_on_rerun() {
    // Every attempt at binding a line fails with HTTP 503, more often than
    // the executor retries: the binding fails, what depends on it is
    // skipped, independent actions complete.
    let handle = spawn_seeded(scripted(
        "/v4/cda/physical-line/bind",
        FaultKind::Http503,
        20,
    ))
    .await;
    let dir = scratch();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("Apply finished with errors"), "{text}");
    assert!(text.contains("  failed   binding."), "{text}");
    assert!(text.contains("  skipped  "), "{text}");
    assert!(text.contains("  done     "), "{text}");
    assert!(
        !dir.path().join(".cda/apply.lock").exists(),
        "lock left behind after a failed apply"
    );

    // The plan now holds only what is left.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    assert!(stdout(&out).contains("binding."), "{}", stdout(&out));

    // The fault clears; the re-run converges.
    handle.app().set_faults(FaultConfig::default());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_response_is_confirmed_not_resent() {
    // The line is created, then the connection drops before the response.
    let handle = spawn_seeded(scripted(
        "/v4/cda/physical-line/add",
        FaultKind::DropAfter,
        1,
    ))
    .await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "apply",
        "-f",
        QUICKSTART,
        "--auto-approve",
        "--journal",
        "journal.jsonl",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert_eq!(handle.app().stats().faults.get("dropAfter"), Some(&1));
    // Exactly one physical-line/add reached the emulator: no duplicate.
    let adds = handle
        .app()
        .stats()
        .endpoints
        .get("POST /v4/cda/physical-line/add")
        .map(|s| s.requests);
    assert_eq!(adds, Some(1));
    let journal = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    let outcomes: Vec<String> = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["endpoint"] == "POST /v4/cda/physical-line/add")
        .map(|e| e["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, vec!["sent", "unknown", "confirmed"]);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    assert_code(&run(cmd).await, 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_and_failed_writes_are_retried_after_a_reread() {
    let mut faults = scripted("/v4/cda/physical-line/update", FaultKind::Throttle, 1);
    faults.script.push(ScriptedFault {
        path: Some("/v4/cda/vpc/update".into()),
        method: None,
        kind: FaultKind::Http502,
    });
    let handle = spawn_seeded(faults).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    // Both faults were injected, and both writes then went through once.
    let stats = handle.app().stats();
    assert_eq!(stats.faults.get("throttle"), Some(&1), "{:?}", stats.faults);
    assert_eq!(stats.faults.get("http502"), Some(&1), "{:?}", stats.faults);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    assert_code(&run(cmd).await, 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_apply_in_the_same_directory_is_locked_out() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    std::fs::create_dir_all(dir.path().join(".cda")).unwrap();
    // This test process is alive: its pid holds the lock.
    let pid = std::process::id();
    std::fs::write(dir.path().join(".cda/apply.lock"), format!("{pid}\n")).unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(&format!("pid {pid}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 0);
    handle.shutdown().await.unwrap();
}
