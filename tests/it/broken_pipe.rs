//! A reader that stops early (`cda plan --json | head -1`): cda ends quietly,
//! with no panic, backtrace or error message on stderr.

use crate::support::{repo_root, scratch};
use std::process::{Command, Stdio};

/// Run cda with stdout a pipe whose reading end is closed before cda writes
/// anything, so the first write fails as it would after `head` exits.
fn with_stdout_closed(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cda"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .env_remove("CDA_ENDPOINT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[track_caller]
fn assert_quiet(out: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr:\n{stderr}");
    // Not 101 (a panic) and not 0: the output was cut short.
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
}

#[test]
fn completions_into_a_closed_pipe_exit_quietly() {
    for shell in ["bash", "zsh", "fish"] {
        assert_quiet(&with_stdout_closed(&repo_root(), &["completions", shell]));
    }
}

#[test]
fn plan_json_into_a_closed_pipe_exits_quietly() {
    let dir = scratch();
    for format in [&["--json"][..], &[]] {
        let mut args = vec!["plan", "-f", "examples/quickstart.yaml", "--emulator"];
        args.extend_from_slice(format);
        assert_quiet(&with_stdout_closed(dir.path(), &args));
    }
}
