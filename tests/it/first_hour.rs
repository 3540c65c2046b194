//! A new user's first hour (issue #15): the examples and doc snippets plan
//! on a fresh embedded emulator as written, the emulator can start empty,
//! saved plans have one extension and a hint that works, drift reports say
//! they are drift, missing BGP key variables are named together, and
//! `emulator serve` refuses a state path it cannot write before listening.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The desired-state files under `examples/` (the emulator seeds are
/// another format).
fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".yaml") && !name.starts_with("emulator-seed")
        })
        .collect();
    files.sort();
    files
}

/// The example of `docs/desired-state.md` ("## Example"), as a file in `dir`.
fn desired_state_doc_example(dir: &Path) -> PathBuf {
    let doc = std::fs::read_to_string(repo_root().join("docs/desired-state.md")).unwrap();
    let start = doc.find("## Example\n\n```yaml\n").unwrap() + "## Example\n\n```yaml\n".len();
    let len = doc[start..].find("```\n").unwrap();
    let path = dir.join("doc-example.yaml");
    std::fs::write(&path, &doc[start..start + len]).unwrap();
    path
}

/// `cda --emulator` in `dir` with the BGP keys the examples reference.
fn cda_embedded(dir: &Path) -> assert_cmd::Command {
    let mut cmd = cda();
    cmd.current_dir(dir)
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_A", "example-key-a")
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_B", "example-key-b")
        .env_remove("CDA_EMULATOR_SEED")
        .arg("--emulator");
    cmd
}

#[test]
fn every_example_and_doc_example_plans_on_a_fresh_default_emulator() {
    let docs = tempfile::tempdir().unwrap();
    let mut files = example_files();
    assert!(files.len() >= 4, "{files:?}");
    files.push(desired_state_doc_example(docs.path()));
    for file in &files {
        // A fresh directory: the embedded emulator starts from the default
        // (built-in) demo estate.
        let dir = tempfile::tempdir().unwrap();
        let out = cda_embedded(dir.path())
            .args(["plan", "-f", file.to_str().unwrap(), "--detailed-exitcode"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{} does not plan on the default emulator:\n{}{}",
            file.display(),
            stdout(&out),
            stderr(&out)
        );
        assert!(stdout(&out).contains("to add"), "{}", stdout(&out));
    }
}

#[test]
fn the_redundant_site_example_applies_beside_the_demo_estate() {
    let dir = tempfile::tempdir().unwrap();
    let file = repo_root().join("examples/redundant-static.yaml");
    let file = file.to_str().unwrap();
    let out = cda_embedded(dir.path())
        .args(["apply", "-f", file, "--auto-approve"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let out = cda_embedded(dir.path())
        .args(["plan", "-f", file, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_code(&out, 0);
}

#[test]
fn emulator_seed_none_starts_an_empty_account() {
    let dir = tempfile::tempdir().unwrap();
    let file = desired_state_doc_example(dir.path());
    let file = file.to_str().unwrap();
    // The flag, then the variable, which later commands keep using.
    let out = cda_embedded(dir.path())
        .args(["--emulator-seed", "none", "plan", "-f", file])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let plan = stdout(&out);
    assert!(
        plan.contains("to add, 0 to change, 0 to replace, 0 to destroy."),
        "{plan}"
    );
    let out = cda_embedded(dir.path())
        .env("CDA_EMULATOR_SEED", "none")
        .args(["apply", "-f", file, "--auto-approve"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    // Exported: exactly what the file made, nothing of the demo estate.
    let out = cda_embedded(dir.path())
        .env("CDA_EMULATOR_SEED", "none")
        .args(["export"])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let export = stdout(&out);
    assert!(export.contains("bj-idc2-a"), "{export}");
    assert!(!export.contains("gwprod01"), "{export}");
    // The state exists now: a seed given later is ignored, and says so.
    assert!(
        stderr(&out).contains("CDA_EMULATOR_SEED"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_saved_plan_hint_applies_as_printed() {
    let dir = scratch();
    let out = cda()
        .current_dir(dir.path())
        .args([
            "plan",
            "-f",
            "examples/quickstart.yaml",
            "--emulator",
            "--out",
            "q.cdaplan",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    let text = stdout(&out);
    let hint = text
        .lines()
        .find_map(|l| {
            l.split_once("Apply it with: ")
                .map(|(_, cmd)| cmd.to_owned())
        })
        .unwrap_or_else(|| panic!("no hint in\n{text}"));
    assert_eq!(hint, "cda --emulator apply q.cdaplan");
    let mut words = hint.split(' ');
    assert_eq!(words.next(), Some("cda"));
    let out = cda().current_dir(dir.path()).args(words).output().unwrap();
    assert_code(&out, 0);
}

#[test]
fn apply_on_the_json_rendering_says_what_it_is() {
    let dir = scratch();
    let out = cda()
        .current_dir(dir.path())
        .args([
            "plan",
            "-f",
            "examples/quickstart.yaml",
            "--emulator",
            "--json",
        ])
        .output()
        .unwrap();
    assert_code(&out, 0);
    std::fs::write(dir.path().join("plan.json"), &out.stdout).unwrap();
    let before = std::fs::read(dir.path().join(".cda/emulator-state.json")).unwrap();
    for command in [["apply", "plan.json"], ["show", "plan.json"]] {
        let out = cda()
            .current_dir(dir.path())
            .args(command)
            .arg("--emulator")
            .output()
            .unwrap();
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("plan.json is the JSON rendering of a plan"),
            "{err}"
        );
        assert!(err.contains("--out plan.cdaplan"), "{err}");
    }
    let after = std::fs::read(dir.path().join(".cda/emulator-state.json")).unwrap();
    assert_eq!(before, after, "something was applied");
}

#[test]
fn refresh_only_json_and_markdown_are_drift_reports() {
    let dir = scratch();
    let out = cda()
        .current_dir(dir.path())
        .args([
            "plan",
            "-f",
            "examples/quickstart.yaml",
            "--emulator",
            "--refresh-only",
            "--json",
            "--markdown",
            "drift.md",
            "--detailed-exitcode",
        ])
        .output()
        .unwrap();
    assert_code(&out, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["report"], "drift");
    assert!(doc.get("actions").is_none() && doc.get("summary").is_none());
    assert_eq!(doc["drift"]["detected"], true);
    assert!(!doc["differences"].as_array().unwrap().is_empty());
    let markdown = std::fs::read_to_string(dir.path().join("drift.md")).unwrap();
    assert!(
        markdown.starts_with("### cda drift report (refresh-only)\n"),
        "{markdown}"
    );
    assert!(!markdown.contains("to add"), "{markdown}");
}

#[test]
fn missing_bgp_key_variables_are_named_together() {
    let dir = tempfile::tempdir().unwrap();
    let file = repo_root().join("examples/bgp-two-peers.yaml");
    let out = cda()
        .current_dir(dir.path())
        .env_remove("CDA_BGP_KEY_GWSHPROD01_SH_IDC_A")
        .env_remove("CDA_BGP_KEY_GWSHPROD01_SH_IDC_B")
        .args(["plan", "-f", file.to_str().unwrap(), "--emulator"])
        .output()
        .unwrap();
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("2 BGP keys cannot be read"), "{err}");
    for name in [
        "CDA_BGP_KEY_GWSHPROD01_SH_IDC_A",
        "CDA_BGP_KEY_GWSHPROD01_SH_IDC_B",
    ] {
        assert!(err.contains(name), "{name} not named in\n{err}");
    }
    // docs/plan-output.md ("Export") shows this very message.
    let doc = std::fs::read_to_string(repo_root().join("docs/plan-output.md")).unwrap();
    let start = doc.find("  error: 2 BGP keys").unwrap();
    let shown: String = doc[start..]
        .lines()
        .take_while(|l| !l.trim_start().starts_with("```"))
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    assert_eq!(err, shown, "docs/plan-output.md shows another message");
}

#[test]
fn emulator_serve_refuses_a_state_file_in_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("missing").join("x.json");
    let out = cda()
        .args(["emulator", "serve", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        // A server that started anyway would run until killed.
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_code(&out, 1);
    assert!(!stdout(&out).contains("listening"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains(&state.display().to_string()), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

/// Saved plans are `*.cdaplan` wherever a user reads about them: every
/// `--out FILE`, `apply FILE` and `show FILE` in the README, docs/ and the
/// example pipelines.
#[test]
fn saved_plans_have_one_extension_everywhere() {
    let root = repo_root();
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "examples/pipelines"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "md" | "yml" | "yaml") {
                files.push(path);
            }
        }
    }
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for planfile in saved_plan_names(line) {
                // Placeholders and variables stand for any name; a word
                // without a dot is prose ("cda apply holds the lock"); a
                // YAML file is a desired state (cli.md explains that error).
                let placeholder = planfile.chars().all(|c| !c.is_ascii_lowercase())
                    || planfile.starts_with('$')
                    || planfile.starts_with('<');
                let not_a_plan = !planfile.contains('.')
                    || planfile.ends_with(".yaml")
                    || planfile.ends_with(".yml");
                if !placeholder && !not_a_plan && !planfile.ends_with(".cdaplan") {
                    wrong.push(format!("{}:{}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "not *.cdaplan:\n{}", wrong.join("\n"));
}

/// The saved-plan names a line of docs writes: `cda plan … --out NAME`,
/// `cda [--emulator] apply NAME`, `cda show NAME`.
fn saved_plan_names(line: &str) -> Vec<String> {
    // A word that closes a code span (`cda apply`) ends the command there.
    let words: Vec<(String, bool)> = line
        .split_whitespace()
        .map(|w| {
            let ends_span = w.len() > 1 && w.ends_with('`');
            (w.trim_matches(|c| "\"'`".contains(c)).to_owned(), ends_span)
        })
        .collect();
    let mut names = Vec::new();
    let is_plan =
        words.iter().any(|(w, _)| w == "plan") && !words.iter().any(|(w, _)| w == "export");
    for (i, (word, ends_span)) in words.iter().enumerate() {
        if *ends_span {
            continue;
        }
        if word == "--out" && is_plan {
            names.extend(words.get(i + 1).map(|(w, _)| w.clone()));
        }
        if word != "cda" {
            continue;
        }
        let mut rest = words[i + 1..].iter().skip_while(|(w, _)| w == "--emulator");
        if let (Some((command, false)), Some((name, _))) = (rest.next(), rest.next()) {
            if (command == "apply" || command == "show") && !name.starts_with('-') {
                names.push(name.clone());
            }
        }
    }
    names
}

#[test]
fn saved_plan_names_are_found_in_commands_only() {
    assert_eq!(
        saved_plan_names("cda plan -f x.yaml --out a.plan && cda --emulator apply b.json"),
        ["a.plan", "b.json"]
    );
    assert_eq!(
        saved_plan_names("`cda show p.cdaplan --json`"),
        ["p.cdaplan"]
    );
    assert!(saved_plan_names("to apply the plan, cda apply -f x.yaml").is_empty());
    assert!(saved_plan_names("cda export --out estate.yaml").is_empty());
    assert!(saved_plan_names("`cda apply` executes it, `cda plan --out` saves").is_empty());
}
