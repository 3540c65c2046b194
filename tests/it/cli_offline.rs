//! The binary without any API: validate, show, completions, usage errors.

use crate::support::{cda, repo_root};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

#[test]
fn validate_reports_every_problem_with_file_line_col() {
    let out = cda()
        .current_dir(fixtures())
        .args(["validate", "-f", "invalid.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    for place in [
        "invalid.yaml:3:19:",
        "invalid.yaml:8:5:",
        "invalid.yaml:9:11:",
        "invalid.yaml:14:11:",
    ] {
        assert!(stderr.contains(place), "missing {place} in\n{stderr}");
    }
    insta::assert_snapshot!("validate_invalid", stderr);
}

#[test]
fn validate_accepts_the_quickstart() {
    let root = repo_root();
    let out = cda()
        .current_dir(&root)
        .args(["validate", "-f", "examples/quickstart.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "examples/quickstart.yaml: valid\n"
    );
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = cda()
        .current_dir(dir.path())
        .args(["validate", "-f", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.yaml"));
}

#[test]
fn usage_errors_exit_1_not_2() {
    // 2 means "plan has changes" to pipelines; a typo must not look like it.
    let out = cda().args(["plan", "--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = cda().args(["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = cda().args(["--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef cda"),
        ("fish", "complete -c cda"),
    ] {
        let out = cda().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(
            text.contains("auto-approve"),
            "{shell} completions lack apply flags"
        );
    }
}

#[test]
fn tampered_plan_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.plan");
    std::fs::write(&path, "{\"version\": 1}").unwrap();
    let out = cda().args(["show"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plan file"));
}

#[test]
fn terraform_spellings_get_the_two_dash_option() {
    for (args, given, wanted) in [
        (
            &["apply", "-f", "site.yaml", "-auto-approve"][..],
            "-auto-approve",
            "--auto-approve",
        ),
        (&["plan", "-f", "site.yaml", "-out=x"], "-out=x", "--out=x"),
        (
            &["plan", "-f", "site.yaml", "-detailed-exitcode"],
            "-detailed-exitcode",
            "--detailed-exitcode",
        ),
        (
            &["plan", "-f", "site.yaml", "-target=gateway.gw1"],
            "-target=gateway.gw1",
            "--target=gateway.gw1",
        ),
    ] {
        let out = cda().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "unexpected argument '{given}': did you mean `{wanted}`?"
            )),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_desired_state_file_given_as_a_plan_file_points_to_dash_f() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("examples/quickstart.yaml"),
        dir.path().join("site.yaml"),
    )
    .unwrap();
    // Named like a plan, but YAML inside: the same advice.
    std::fs::copy(
        repo_root().join("examples/quickstart.yaml"),
        dir.path().join("site.plan"),
    )
    .unwrap();
    for name in ["site.yaml", "site.plan"] {
        let out = cda()
            .current_dir(dir.path())
            .args(["apply", name, "--emulator"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("to apply a desired-state file use `-f {name}`")),
            "{stderr}"
        );
        assert!(!dir.path().join(".cda/emulator-state.json").exists());
    }
}

#[test]
fn the_lock_url_from_the_environment_is_not_shown_by_help() {
    let out = cda()
        .env("CDA_LOCK_URL", "postgres://cda:hunter2pw@db.example/locks")
        .args(["apply", "--help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--lock-url"), "{help}");
    assert!(!help.contains("hunter2pw"), "{help}");
}

/// `validate --format json`: every problem with file, line, column, code and
/// message, on stdout; a valid file is a document too. Same exit codes.
#[test]
fn validate_json_lists_every_problem_for_editors() {
    let out = cda()
        .current_dir(fixtures())
        .args(["validate", "-f", "invalid.yaml", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problems = report["diagnostics"].as_array().unwrap();
    // The same problems, in the same places, as the human rendering's list.
    let human = cda()
        .current_dir(fixtures())
        .args(["validate", "-f", "invalid.yaml"])
        .output()
        .unwrap();
    let grep_lines = String::from_utf8(human.stderr).unwrap();
    let grep_lines: Vec<&str> = grep_lines
        .lines()
        .filter(|l| l.starts_with("invalid.yaml:"))
        .collect();
    assert_eq!(problems.len(), grep_lines.len());
    for (p, line) in problems.iter().zip(&grep_lines) {
        let place = format!("invalid.yaml:{}:{}: error: ", p["line"], p["column"]);
        assert!(line.starts_with(&place), "{line} vs {p}");
        assert!(
            line.contains(p["message"].as_str().unwrap()),
            "{line} vs {p}"
        );
        assert_eq!(p["file"], "invalid.yaml");
        assert_eq!(p["severity"], "error");
        assert!(!p["code"].as_str().unwrap().is_empty(), "{p}");
    }
    let typo = problems
        .iter()
        .find(|p| p["path"] == "physical_lines[0].bandwith")
        .unwrap();
    assert_eq!(typo["code"], "unknown-field");
    assert_eq!(typo["line"], 8);
    assert_eq!(typo["column"], 5);
    assert_eq!(typo["help"], "did you mean `bandwidth`?");

    let out = cda()
        .current_dir(repo_root())
        .args([
            "validate",
            "-f",
            "examples/quickstart.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"files": ["examples/quickstart.yaml"], "valid": true, "diagnostics": [], "omitted": 0})
    );
}

/// `validate --format github`: one workflow command per problem, the form
/// the GitHub Actions example uses to annotate the pull request.
#[test]
fn validate_github_prints_one_annotation_per_problem() {
    let out = cda()
        .current_dir(fixtures())
        .args(["validate", "-f", "invalid.yaml", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 4, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=invalid.yaml,line=")),
        "{text}"
    );
    assert!(
        lines.contains(
            &"::error file=invalid.yaml,line=8,col=5,title=cda unknown-field::physical_lines[0].bandwith: unknown field `bandwith` in a physical line%0Adid you mean `bandwidth`?"
        ),
        "{text}"
    );
    let workflow =
        std::fs::read_to_string(repo_root().join("examples/pipelines/github-actions.yml")).unwrap();
    assert!(
        workflow.contains("cda validate -f \"$ESTATE\" --format github"),
        "the example workflow does not annotate"
    );
}

/// The `--format json` example in docs/cli.md is what cda prints for
/// `tests/bad-inputs/misspelt-name-key.yaml` saved as `estate.yaml`.
#[test]
fn validate_json_example_in_the_docs_is_real() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join("tests/bad-inputs/misspelt-name-key.yaml"),
        dir.path().join("estate.yaml"),
    )
    .unwrap();
    let out = cda()
        .current_dir(dir.path())
        .args(["validate", "-f", "estate.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let doc = std::fs::read_to_string(repo_root().join("docs/cli.md")).unwrap();
    let section = &doc[doc.find("## `cda validate").unwrap()..];
    let block = &section[section.find("```json\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let documented: serde_json::Value = serde_json::from_str(block).unwrap();
    assert_eq!(printed, documented);
}
