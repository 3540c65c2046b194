#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every example a user may copy must load and validate exactly as `cda
//! validate` would, carry the schema header editors use, and plan cleanly
//! from an empty estate. The example pipeline files must be YAML their CI
//! system can read, and call `cda` only with commands that exist.
//!
//! (Planning the examples against the emulator, through the binary, is
//! covered by the end-to-end tests in `tests/`.)

use plan::model::SecretRef;
use plan::{ChangeKind, DesiredState, Inventory, PlanOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SCHEMA_HEADER: &str = "# yaml-language-server: $schema=../docs/cda.schema.json";

/// Not desired-state files: the emulator's inventory seeds.
const NOT_DESIRED_STATE: &[&str] = &["emulator-seed.yaml", "emulator-seed-two-regions.yaml"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn desired_state_examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !NOT_DESIRED_STATE.contains(&name.as_ref())
        })
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> DesiredState {
    match plan::desired::load(path) {
        Ok(state) => state,
        Err(diagnostics) => panic!("{} does not validate:\n{diagnostics}", path.display()),
    }
}

/// Every BGP key reference in the file, resolved to a stand-in value, the
/// way the binary resolves them from the environment before planning.
fn stand_in_secrets(state: &DesiredState) -> PlanOptions {
    let mut secret_hashes = BTreeMap::new();
    for peer in state
        .gateways
        .iter()
        .flat_map(|g| &g.bgp)
        .flat_map(|b| &b.peers)
    {
        if let Some(key) = &peer.key {
            secret_hashes.insert(key.clone(), plan::secret_hash("stand-in"));
        }
    }
    PlanOptions {
        secret_hashes,
        ..PlanOptions::default()
    }
}

#[test]
fn the_documented_examples_exist() {
    let names: Vec<String> = desired_state_examples()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "bgp-two-peers.yaml",
        "multi-vpc-health.yaml",
        "redundant-static.yaml",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn every_example_starts_with_the_schema_header() {
    let schema = repo_root().join("docs/cda.schema.json");
    assert!(
        schema.is_file(),
        "the header points at {}",
        schema.display()
    );
    for path in desired_state_examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(SCHEMA_HEADER),
            "{} must start with the schema header",
            path.display()
        );
    }
}

#[test]
fn every_example_validates() {
    for path in desired_state_examples() {
        let state = load(&path);
        assert_eq!(state.region, "nm8", "{}", path.display());
        assert!(
            !state.physical_lines.is_empty() && !state.gateways.is_empty(),
            "{} should show lines and a gateway",
            path.display()
        );
    }
}

#[test]
fn every_example_plans_from_an_empty_estate_to_creates_only() {
    for path in desired_state_examples() {
        let state = load(&path);
        let plan = plan::plan(&state, &Inventory::default(), &stand_in_secrets(&state))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!plan.actions.is_empty(), "{}", path.display());
        for action in &plan.actions {
            assert_eq!(
                action.change,
                ChangeKind::Create,
                "{}: {}",
                path.display(),
                action.address
            );
        }
        // Every declared line becomes a create action.
        for line in &state.physical_lines {
            let address = format!("physical_line.{}", line.name);
            assert!(
                plan.actions.iter().any(|a| a.address == address),
                "{}: no action for {address}",
                path.display()
            );
        }
        // Every rendering of every example, as a reviewer would see it.
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let human = plan::render::human(&plan, &plan::render::HumanOptions { color: false });
        insta::assert_snapshot!(format!("example_{name}_human"), human);
        insta::assert_snapshot!(format!("example_{name}_json"), plan::render::json(&plan));
        insta::assert_snapshot!(
            format!("example_{name}_markdown"),
            plan::render::markdown(&plan)
        );
    }
}

#[test]
fn the_redundant_site_routes_over_both_lines_with_bfd() {
    let state = load(&repo_root().join("examples/redundant-static.yaml"));
    let gw = &state.gateways[0];
    assert_eq!(gw.lines.len(), 2);
    for route in &gw.static_routes {
        let mut priorities: Vec<u32> = route.next_hops.iter().map(|h| h.priority).collect();
        priorities.dedup();
        assert_eq!(priorities.len(), 2, "two next hops at different priorities");
        assert!(route.next_hops.iter().all(|h| h.bfd));
    }
}

#[test]
fn the_bgp_example_keeps_keys_out_of_the_file() {
    let state = load(&repo_root().join("examples/bgp-two-peers.yaml"));
    let peers: Vec<_> = state.gateways[0]
        .bgp
        .iter()
        .flat_map(|b| &b.peers)
        .collect();
    assert_eq!(peers.len(), 2);
    for peer in peers {
        assert!(matches!(peer.key, Some(SecretRef::Env(_))), "{peer:?}");
    }
}

#[test]
fn the_multi_vpc_example_checks_every_vpc() {
    let state = load(&repo_root().join("examples/multi-vpc-health.yaml"));
    let vpcs = &state.gateways[0].vpcs;
    assert!(vpcs.len() >= 3);
    assert!(vpcs.iter().all(|v| v.health_check.is_some()));
}

// ---------------------------------------------------------------------------
// Example pipelines

fn pipeline(name: &str) -> (String, Value) {
    let path = repo_root().join("examples/pipelines").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let value: Value = serde_saphyr::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    (text, value)
}

/// The `cda` subcommands that exist (docs/cli.md).
const COMMANDS: &[&str] = &[
    "validate",
    "plan",
    "apply",
    "show",
    "export",
    "graph",
    "emulator",
    "completions",
];

/// Every `cda …` invocation in a pipeline names a real subcommand (global
/// options such as `--endpoint URL` may come first).
fn assert_cda_invocations_are_real(name: &str, text: &str) -> usize {
    let mut seen = 0;
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("- ");
        let Some(rest) = line.strip_prefix("cda ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let mut command = None;
        while let Some(word) = words.next() {
            if word == "--emulator" {
                continue;
            }
            if word.starts_with("--") {
                if !word.contains('=') {
                    words.next(); // the option's value
                }
                continue;
            }
            command = Some(word);
            break;
        }
        let command = command.unwrap_or_else(|| panic!("{name}: no command in `{line}`"));
        assert!(
            COMMANDS.contains(&command),
            "{name}: unknown command in `{line}`"
        );
        seen += 1;
    }
    seen
}

#[test]
fn the_github_actions_pipeline_is_a_workflow() {
    let (text, wf) = pipeline("github-actions.yml");
    let on = &wf["on"];
    for trigger in ["pull_request", "push", "schedule", "workflow_dispatch"] {
        assert!(on.get(trigger).is_some(), "trigger {trigger} missing");
    }
    let jobs = wf["jobs"].as_object().expect("jobs");
    for name in ["plan", "emulator-test", "apply", "drift"] {
        let job = jobs
            .get(name)
            .unwrap_or_else(|| panic!("job {name} missing"));
        assert!(job["runs-on"].is_string(), "{name}: runs-on");
        assert!(job["steps"].as_array().is_some_and(|s| !s.is_empty()));
    }
    // Every `needs` names a job of this workflow.
    for (name, job) in jobs {
        let needs = match &job["needs"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
            _ => vec![],
        };
        for need in needs {
            assert!(jobs.contains_key(&need), "{name} needs unknown job {need}");
        }
    }
    // Apply runs in a protected environment, from the saved plan.
    assert!(jobs["apply"]["environment"].is_object() || jobs["apply"]["environment"].is_string());
    assert!(text.contains("cda apply \"$PLANFILE\"") || text.contains("cda apply tfplan"));
    assert!(text.contains("--refresh-only --detailed-exitcode"));
    assert!(assert_cda_invocations_are_real("github-actions.yml", &text) >= 5);
}

#[test]
fn the_gitlab_pipeline_is_a_pipeline() {
    let (text, ci) = pipeline("gitlab-ci.yml");
    let stages: Vec<&str> = ci["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let jobs: Vec<(&String, &Value)> = ci
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| !k.starts_with('.') && v.get("script").is_some())
        .collect();
    assert!(
        jobs.len() >= 4,
        "{:?}",
        jobs.iter().map(|j| j.0).collect::<Vec<_>>()
    );
    for (name, job) in &jobs {
        let stage = job["stage"].as_str().unwrap_or("test");
        assert!(
            stages.contains(&stage),
            "{name}: stage {stage} not in {stages:?}"
        );
    }
    // Hidden templates used by `extends` exist.
    for (name, job) in &jobs {
        if let Some(base) = job["extends"].as_str() {
            assert!(ci.get(base).is_some(), "{name} extends unknown {base}");
        }
    }
    assert!(text.contains("--refresh-only --detailed-exitcode"));
    assert!(text.contains("environment:"));
    assert!(assert_cda_invocations_are_real("gitlab-ci.yml", &text) >= 5);
}
