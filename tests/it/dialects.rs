//! The whole cycle against every server dialect of the emulator (DIALECTS.md):
//! the quick start (plan → apply → plan: no changes), every example on an
//! empty account, export → plan: no changes, an apply under faults that
//! converges, and `cda doctor` naming the dialect with no write. `shuffle`
//! mixes the dialects per endpoint; it runs the quick start over many seeds.
//! No flag tells cda which dialect it talks to: it must cope with each.

use crate::support::{assert_code, cda_at, repo_root, run, stderr, stdout, writes};
use emulator::{Config, Dialect, FaultConfig, Handle, SeedSource};
use std::path::Path;

/// The dialects that stand for one official source each, and the tolerant
/// union.
const DIALECTS: [Dialect; 4] = [Dialect::Reference, Dialect::Go, Dialect::Py4, Dialect::Doc];

/// How many `shuffle` seeds the quick start runs over.
const SHUFFLE_SEEDS: u64 = 50;

async fn spawn(dialect: Dialect, seed: u64, seeded: bool, faults: FaultConfig) -> Handle {
    let mut config = Config::demo()
        .with_dialect(dialect, seed)
        .with_faults(faults);
    if seeded {
        config = config.with_seed(SeedSource::File(
            repo_root().join("examples/emulator-seed.yaml"),
        ));
    }
    emulator::spawn(config).await.unwrap()
}

/// `cda` at the emulator, with the example BGP keys and no client pacing.
fn cda_for(handle: &Handle, dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = cda_at(handle, dir);
    cmd.args(args)
        .args(["--rate-limit", "0"])
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_A", "example-key-a")
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_B", "example-key-b");
    cmd
}

/// plan (changes) → apply → plan (no changes) for one file; returns the
/// number of API calls the three commands made.
async fn converge(handle: &Handle, file: &str, what: &str) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let before = total_calls(handle);

    let out = run(cda_for(
        handle,
        dir.path(),
        &["plan", "-f", file, "--detailed-exitcode"],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: first plan\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );

    let out = run(cda_for(
        handle,
        dir.path(),
        &["apply", "-f", file, "--auto-approve"],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: apply\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );

    let out = run(cda_for(
        handle,
        dir.path(),
        &["plan", "-f", file, "--detailed-exitcode"],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: did not converge\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    total_calls(handle) - before
}

fn total_calls(handle: &Handle) -> u64 {
    handle
        .app()
        .stats()
        .endpoints
        .values()
        .map(|s| s.requests)
        .sum()
}

fn example(name: &str) -> String {
    repo_root()
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_start_converges_against_every_dialect() {
    for dialect in DIALECTS {
        let handle = spawn(dialect, 0, true, FaultConfig::default()).await;
        let calls = converge(&handle, &example("quickstart.yaml"), &format!("{dialect}")).await;
        eprintln!("dialect {dialect}: quick start plan → apply → plan in {calls} calls");
        handle.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_converges_on_an_empty_account_against_every_dialect() {
    for dialect in DIALECTS {
        for name in [
            "redundant-static.yaml",
            "bgp-two-peers.yaml",
            "multi-vpc-health.yaml",
        ] {
            let handle = spawn(dialect, 0, false, FaultConfig::default()).await;
            converge(&handle, &example(name), &format!("{dialect} {name}")).await;
            handle.shutdown().await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_plans_to_no_changes_against_every_dialect() {
    for dialect in DIALECTS {
        let handle = spawn(dialect, 0, true, FaultConfig::default()).await;
        let dir = tempfile::tempdir().unwrap();
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["export", "--region", "nm8", "-o", "exported.yaml"],
        ))
        .await;
        assert_code(&out, 0);
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["plan", "-f", "exported.yaml", "--detailed-exitcode"],
        ))
        .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dialect}: export did not plan to no changes\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
        handle.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_under_faults_converges_against_every_dialect() {
    for dialect in DIALECTS {
        let faults = FaultConfig {
            seed: 11,
            error_rate: 0.1,
            drop_after_rate: 0.05,
            ..FaultConfig::default()
        };
        let handle = spawn(dialect, 0, true, faults).await;
        let dir = tempfile::tempdir().unwrap();
        let file = example("quickstart.yaml");
        // Faults may fail an apply; every re-run converges further.
        let mut converged = false;
        for _ in 0..6 {
            let out = run(cda_for(
                &handle,
                dir.path(),
                &["apply", "-f", &file, "--auto-approve"],
            ))
            .await;
            if out.status.code() == Some(0) {
                converged = true;
                break;
            }
        }
        assert!(converged, "{dialect}: no apply succeeded under faults");
        handle.app().set_faults(FaultConfig::default());
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["plan", "-f", &file, "--detailed-exitcode"],
        ))
        .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dialect}: not converged after faults\n{}",
            stdout(&out)
        );
        handle.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_names_each_dialect_and_writes_nothing() {
    for dialect in DIALECTS {
        let handle = spawn(dialect, 0, true, FaultConfig::default()).await;
        let dir = tempfile::tempdir().unwrap();
        let out = run(cda_for(&handle, dir.path(), &["doctor"])).await;
        let text = stdout(&out);
        assert_code(&out, 0);
        assert!(
            text.contains(&format!("dialect: answers match `{dialect}`")),
            "{dialect}:\n{text}"
        );
        assert_eq!(writes(&handle), 0, "{dialect}: doctor wrote");
        handle.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quick_start_converges_against_shuffled_dialects() {
    for seed in 0..SHUFFLE_SEEDS {
        let handle = spawn(Dialect::Shuffle, seed, true, FaultConfig::default()).await;
        converge(
            &handle,
            &example("quickstart.yaml"),
            &format!("shuffle seed {seed}"),
        )
        .await;
        handle.shutdown().await.unwrap();
    }
}
