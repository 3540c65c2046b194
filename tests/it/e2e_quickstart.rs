//! The quick start as a new user runs it: `--emulator` in a fresh directory,
//! plan → apply → plan, with every rendering the binary prints snapshotted.

use crate::support::*;

const QUICKSTART: &str = "examples/quickstart.yaml";

fn state_file(dir: &std::path::Path) -> Vec<u8> {
    std::fs::read(dir.join(".cda/emulator-state.json")).unwrap()
}

/// `[request 8c0f…, 1d2e…]` → `[request …]`; the journal file name too.
fn mask_request_ids(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = match (line.find("[request "), line.rfind(']')) {
            (Some(a), Some(b)) if b > a => format!("{}[request …]{}", &line[..a], &line[b + 1..]),
            _ => line.to_owned(),
        };
        let line = match line.strip_prefix("Journal: .cda/journal/") {
            Some(_) => "Journal: .cda/journal/<timestamp>.jsonl".to_owned(),
            None => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn quickstart_plan_apply_plan() {
    let dir = scratch();
    let d = dir.path();

    // 1. The README's first command.
    let out = cda()
        .current_dir(d)
        .args(["plan", "-f", QUICKSTART, "--emulator"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let plan = stdout(&out);
    for mark in ["+ ", "~ ", "-/+ ", "- "] {
        assert!(
            plan.contains(mark),
            "the quick start plan has no `{mark}` action:\n{plan}"
        );
    }
    insta::assert_snapshot!("quickstart_plan", plan);
    // The state was created on first use from the seed.
    let before = state_file(d);

    let out = cda()
        .current_dir(d)
        .args([
            "plan",
            "-f",
            QUICKSTART,
            "--emulator",
            "--detailed-exitcode",
        ])
        .output()
        .unwrap();
    assert_code(&out, 2);

    let out = cda()
        .current_dir(d)
        .args(["plan", "-f", QUICKSTART, "--emulator", "--json"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    insta::assert_json_snapshot!("quickstart_plan_json", json);

    let out = cda()
        .current_dir(d)
        .args([
            "plan",
            "-f",
            QUICKSTART,
            "--emulator",
            "--markdown",
            "plan.md",
            "--out",
            "quick.plan",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let markdown = std::fs::read_to_string(d.join("plan.md")).unwrap();
    assert!(markdown.len() < 65_000);
    insta::assert_snapshot!("quickstart_plan_markdown", markdown);

    // `show` renders the saved plan exactly as `plan` did, then says
    // where it was made.
    let out = cda()
        .current_dir(d)
        .args(["show", "quick.plan"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let fingerprint = plan::planfile::access_key_fingerprint(emulator::DEMO_ACCESS_KEY);
    assert_eq!(
        stdout(&out),
        format!(
            "{plan}\nPlanned against embedded emulator in region nm8 with the access key \
             whose fingerprint is {fingerprint}.\n"
        )
    );

    // 2. Dry run: the exact calls, and nothing written.
    let out = cda()
        .current_dir(d)
        .args(["apply", "-f", QUICKSTART, "--emulator", "--dry-run"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let dry = stdout(&out);
    assert!(dry.contains("POST /v4/cda/"), "{dry}");
    insta::assert_snapshot!("quickstart_dry_run", dry);
    assert_eq!(
        state_file(d),
        before,
        "a dry run changed the emulator state"
    );

    // Without a terminal and without --auto-approve: refused, nothing changed.
    let out = cda()
        .current_dir(d)
        .args(["apply", "-f", QUICKSTART, "--emulator"])
        .write_stdin("yes\n")
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(stderr(&out).contains("--auto-approve"), "{}", stderr(&out));
    insta::assert_snapshot!("quickstart_apply_refused", stderr(&out));
    assert_eq!(
        state_file(d),
        before,
        "a refused apply changed the emulator state"
    );

    // 3. Apply.
    let out = cda()
        .current_dir(d)
        .args(["apply", "-f", QUICKSTART, "--emulator", "--auto-approve"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let applied = stdout(&out);
    assert!(applied.contains("Apply complete:"), "{applied}");
    assert!(!applied.contains("failed   "), "{applied}");
    // Progress lines interleave with parallelism; the summary is in plan
    // order. Request ids are random: mask them.
    let summary = &applied[applied.find("Apply complete:").unwrap()..];
    insta::assert_snapshot!(
        "quickstart_apply_summary",
        mask_durations(&mask_request_ids(summary))
    );
    // Every completion line says how long its action took.
    let progress = mask_durations(&applied[..applied.find("Apply complete:").unwrap()]);
    let completions = progress
        .lines()
        .filter(|l| {
            ["created", "updated", "deleted", "replaced"]
                .iter()
                .any(|verb| l.ends_with(&format!(": {verb} [<t>]")))
        })
        .count();
    assert_eq!(completions, 9, "{progress}");
    let journals: Vec<_> = std::fs::read_dir(d.join(".cda/journal"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(journals.len(), 1);
    let journal = std::fs::read_to_string(&journals[0]).unwrap();
    let entries: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One run: its id on every line, a start line, the calls, an end line.
    let run = entries[0]["run"].as_str().unwrap();
    assert!(entries.iter().all(|e| e["run"] == run), "{journal}");
    assert_eq!(entries[0]["record"], "start");
    assert_eq!(entries[0]["command"], "apply");
    assert_eq!(entries[0]["file"], QUICKSTART);
    assert!(
        entries[0]["cda_version"].as_str().is_some(),
        "{}",
        entries[0]
    );
    let end = entries.last().unwrap();
    assert_eq!(end["record"], "end");
    assert_eq!(end["outcome"], "success");
    assert_eq!(end["counts"]["failed"], 0);
    let calls: Vec<_> = entries.iter().filter(|e| e["record"] == "call").collect();
    assert_eq!(calls.len(), entries.len() - 2);
    // Every call is journalled once as sent, once with its outcome, and
    // once confirmed when a re-read shows it.
    let count = |o: &str| calls.iter().filter(|e| e["outcome"] == o).count();
    assert_eq!(count("sent"), count("ok"));
    assert_eq!(count("sent"), count("confirmed"));
    assert_eq!(count("sent") * 3, calls.len());
    for e in calls.iter().filter(|e| e["outcome"] != "sent") {
        assert!(
            e["request_id"].as_str().is_some_and(|s| !s.is_empty()),
            "{e}"
        );
        assert!(
            e["endpoint"].as_str().unwrap().starts_with("POST /v4/"),
            "{e}"
        );
        assert!(e["action"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
    }
    // No lock left behind.
    assert!(!d.join(".cda/apply.lock").exists());

    // 4. Plan again: nothing left to do.
    let out = cda()
        .current_dir(d)
        .args([
            "plan",
            "-f",
            QUICKSTART,
            "--emulator",
            "--detailed-exitcode",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    insta::assert_snapshot!("quickstart_plan_after_apply", stdout(&out));

    // The plan saved before the apply is now stale.
    let out = cda()
        .current_dir(d)
        .args(["apply", "quick.plan", "--emulator"])
        .output()
        .unwrap();
    assert_code(&out, 3);
    insta::assert_snapshot!("quickstart_stale_plan_refused", stderr(&out));

    // 5. Export the estate; the export plans to zero changes.
    let out = cda()
        .current_dir(d)
        .args(["export", "--emulator", "-o", "exported.yaml"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let out = cda()
        .current_dir(d)
        .args(["validate", "-f", "exported.yaml"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let out = cda()
        .current_dir(d)
        .args([
            "plan",
            "-f",
            "exported.yaml",
            "--emulator",
            "--detailed-exitcode",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
}

#[test]
fn emulator_works_from_a_directory_without_the_seed_file() {
    // The built-in copy of the seed is used; the quick start given by path.
    let dir = tempfile::tempdir().unwrap();
    let quickstart = repo_root().join(QUICKSTART);
    let out = cda()
        .current_dir(dir.path())
        .args(["plan", "--emulator", "--detailed-exitcode", "-f"])
        .arg(&quickstart)
        .output()
        .unwrap();
    assert_code(&out, 2);
    assert!(dir.path().join(".cda/emulator-state.json").exists());
}

/// A plan that would replace a protected object stops, and the error names
/// where the file protects it: `file:line:col` of the attribute forcing the
/// replacement, then the message.
#[test]
fn protected_line_replace_error_names_file_line_col() {
    let dir = scratch();
    let d = dir.path();
    // The VLAN has no update call: changing it replaces bj-idc-a, which
    // the quick start protects. `vlan: 109` stays on line 22, column 11.
    let quickstart = std::fs::read_to_string(d.join(QUICKSTART)).unwrap();
    assert_eq!(quickstart.lines().nth(21), Some("    vlan: 101"));
    std::fs::write(
        d.join("protected.yaml"),
        quickstart.replacen("vlan: 101", "vlan: 109", 1),
    )
    .unwrap();

    for command in ["plan", "apply"] {
        let out = cda()
            .current_dir(d)
            .args([command, "-f", "protected.yaml", "--emulator"])
            .output()
            .unwrap();
        assert_code(&out, 1);
        assert_eq!(
            stderr(&out),
            "error: planning: protected.yaml:22:11: physical_line.bj-idc-a is protected, \
             but `vlan` differs (live: `101`, file: `109`) and cannot change in place, so it \
             would be replaced; set `vlan` back to `101`, or remove `protect: true` to let it \
             be replaced\n",
            "{command}"
        );
        assert_eq!(stdout(&out), "", "{command}");
    }
}

/// `--get-params` and `--gateway-key` (and their environment variables):
/// each pinned form plans the quick start the same way against the
/// reference emulator, which accepts every form; a bad value is refused.
#[test]
fn wire_form_overrides_plan_the_same() {
    let dir = scratch();
    let d = dir.path();
    let plan = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = cda();
        cmd.current_dir(d)
            .args(["plan", "-f", QUICKSTART, "--emulator"])
            .args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_code(&out, 0);
        stdout(&out)
    };
    let reference = plan(&[], &[]);
    assert_eq!(
        plan(
            &["--get-params", "query", "--gateway-key", "gatewayName"],
            &[]
        ),
        reference
    );
    assert_eq!(
        plan(&["--get-params", "body", "--gateway-key", "vrfName"], &[]),
        reference
    );
    assert_eq!(
        plan(
            &[],
            &[("CDA_GET_PARAMS", "body"), ("CDA_GATEWAY_KEY", "vrfName")]
        ),
        reference
    );
    let out = cda()
        .current_dir(d)
        .args([
            "plan",
            "-f",
            QUICKSTART,
            "--emulator",
            "--gateway-key",
            "id",
        ])
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected gatewayName, vrfName or both"));
}
