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

/// `text` with every duration cda prints (`0.4s`, `12s`, `3m05s`) as `<t>`,
/// so snapshots of progress and summaries stay deterministic.
pub fn mask_durations(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let starts_token = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if starts_token {
            if let Some(end) = duration_end(bytes, i) {
                out.push_str("<t>");
                i = end;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or('\0');
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// End of a duration starting at `i`: digits, then `.digits` then `s`, or
/// `s`, or `m` + two digits + `s`; not followed by a letter or digit.
fn duration_end(b: &[u8], i: usize) -> Option<usize> {
    let digits = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let mut j = digits(i);
    match b.get(j) {
        Some(b'.') => {
            let k = digits(j + 1);
            if k == j + 1 || b.get(k) != Some(&b's') {
                return None;
            }
            j = k + 1;
        }
        Some(b's') => j += 1,
        Some(b'm') => {
            let k = digits(j + 1);
            if k != j + 3 || b.get(k) != Some(&b's') {
                return None;
            }
            j = k + 1;
        }
        _ => return None,
    }
    match b.get(j) {
        Some(c) if c.is_ascii_alphanumeric() => None,
        _ => Some(j),
    }
}

#[test]
fn durations_are_masked_and_nothing_else() {
    assert_eq!(
        mask_durations("a: created [0.4s]\nApply complete: 9 done in 12s. 3m05s 10s elapsed"),
        "a: created [<t>]\nApply complete: 9 done in <t>. <t> <t> elapsed"
    );
    let kept = "vpc-8f3k2 10.0.0.0/16 IPV4[1.2.3.4/32] 5 done 60s2 v1.5s";
    assert_eq!(mask_durations(kept), kept);
}
