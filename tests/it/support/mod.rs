//! Helpers shared by the end-to-end tests: the real `cda` binary, run either
//! with `--emulator` in a scratch directory or against an emulator spawned
//! in the test process on 127.0.0.1:0.
#![allow(dead_code)]

use assert_cmd::Command;
use emulator::{
    Config, FaultConfig, Handle, SeedSource, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY,
};
use std::path::{Path, PathBuf};
use std::process::Output;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary with a clean environment: no endpoint, no credentials, no
/// colour, whatever the developer's shell has.
pub fn cda() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cda"));
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
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A scratch directory laid out like a fresh clone: `examples/` with the
/// quick start and the emulator seed.
pub fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let examples = dir.path().join("examples");
    std::fs::create_dir_all(&examples).unwrap();
    for file in ["quickstart.yaml", "emulator-seed.yaml"] {
        std::fs::copy(repo_root().join("examples").join(file), examples.join(file)).unwrap();
    }
    dir
}

/// An emulator seeded like the quick start's, in this process.
pub async fn spawn_seeded(faults: FaultConfig) -> Handle {
    let config = Config::demo()
        .with_seed(SeedSource::File(
            repo_root().join("examples/emulator-seed.yaml"),
        ))
        .with_faults(faults);
    emulator::spawn(config).await.unwrap()
}

/// `cda` pointed at a spawned emulator with its demo credentials.
pub fn cda_at(handle: &Handle, dir: &Path) -> Command {
    let mut cmd = cda();
    cmd.current_dir(dir)
        .env("CDA_ENDPOINT", handle.base_url())
        .env("CTYUN_AK", DEMO_ACCESS_KEY)
        .env("CTYUN_SK", DEMO_SECRET_KEY)
        .env("CTYUN_ACCOUNT", DEMO_ACCOUNT);
    cmd
}

/// Run a command off the async runtime (the emulator keeps serving).
pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code, with both streams in the panic message when it differs.
#[track_caller]
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Requests that change state, from the emulator's counters.
pub fn writes(handle: &Handle) -> u64 {
    let stats = handle.app().stats();
    stats
        .endpoints
        .iter()
        .filter(|(k, _)| k.starts_with("POST "))
        .map(|(_, s)| s.requests)
        .sum()
}

pub mod estate;
pub mod postgres;
