//! The blast-radius guard (issue #19): a plan deleting or replacing more
//! than 20% of the managed live objects it read (and more than 3) is shown
//! with a warning in every rendering and refused by `apply` before any
//! call, from a file or a saved plan, unless `--max-destroy N` covers it or
//! `--allow-mass-destroy` is given. The typed-count approval is tested in
//! `commands::apply` (no terminal here).

use crate::support::*;
use emulator::FaultConfig;
use serde_json::Value;

const QUICKSTART: &str = "examples/quickstart.yaml";

/// The quick start without the DR gateway: with `prune: [gateways, …]` the
/// plan deletes gwdr01 with its binding, VPC-less BGP route and all, on top
/// of the quick start's own replace and line deletion.
fn without_dr_gateway(dir: &std::path::Path) -> &'static str {
    let text = std::fs::read_to_string(dir.join(QUICKSTART)).unwrap();
    let cut = text.find("  - name: gwdr01").unwrap();
    std::fs::write(dir.join("mass.yaml"), &text[..cut]).unwrap();
    "mass.yaml"
}

async fn plan_json(handle: &emulator::Handle, dir: &std::path::Path, file: &str) -> Value {
    let mut cmd = cda_at(handle, dir);
    cmd.args(["plan", "-f", file, "--json"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordinary_plan_carries_no_warning() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let json = plan_json(&handle, dir.path(), QUICKSTART).await;
    assert!(json.get("mass_destroy").is_none(), "{json:#}");
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--markdown", "plan.md"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(!stdout(&out).contains("mass destroy"), "{}", stdout(&out));
    let md = std::fs::read_to_string(dir.path().join("plan.md")).unwrap();
    assert!(!md.contains("Mass destroy"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rendering_leads_with_the_warning() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());

    let json = plan_json(&handle, dir.path(), file).await;
    let m = &json["mass_destroy"];
    let destroyed = m["destroyed"].as_u64().unwrap();
    let managed = m["managed_live"].as_u64().unwrap();
    assert!(destroyed > 3 && destroyed * 100 > 20 * managed, "{m:#}");
    assert_eq!(m["thresholds"]["share_percent"], 20);
    assert_eq!(m["thresholds"]["min_objects"], 3);
    let addresses: Vec<&str> = m["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(addresses.contains(&"gateway.gwdr01"), "{addresses:?}");

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", file, "--markdown", "plan.md"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let human = stdout(&out);
    let first_lines: Vec<&str> = human.lines().take(3).collect();
    assert!(
        first_lines[2].starts_with("WARNING: mass destroy. This plan deletes or replaces"),
        "{human}"
    );
    assert!(human.contains("Likely causes: a file for the wrong region or account"));
    assert!(human.contains(&format!("--max-destroy {destroyed}")));
    let md = std::fs::read_to_string(dir.path().join("plan.md")).unwrap();
    let banner = md.find("> **Mass destroy:**").unwrap();
    let impact = md.find("**Traffic impact").unwrap();
    assert!(banner < impact, "{md}");
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_refuses_a_mass_destroy_before_any_call() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let destroyed = plan_json(&handle, dir.path(), file).await["mass_destroy"]["destroyed"]
        .as_u64()
        .unwrap();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", file, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("refusing a mass destroy; nothing was applied"),
        "{err}"
    );
    assert!(err.contains("gateway.gwdr01"), "{err}");
    assert!(err.contains("--allow-mass-destroy"), "{err}");

    // An explicit --max-destroy below the count is refused by its own rule.
    let mut cmd = cda_at(&handle, dir.path());
    let below = (destroyed - 1).to_string();
    cmd.args([
        "apply",
        "-f",
        file,
        "--auto-approve",
        "--max-destroy",
        &below,
    ]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("more than --max-destroy"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_explicit_max_destroy_covering_the_count_allows_it() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let destroyed = plan_json(&handle, dir.path(), file).await["mass_destroy"]["destroyed"]
        .as_u64()
        .unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    let exact = destroyed.to_string();
    cmd.args([
        "apply",
        "-f",
        file,
        "--auto-approve",
        "--max-destroy",
        &exact,
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(writes(&handle) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_mass_destroy_allows_it() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "apply",
        "-f",
        file,
        "--auto-approve",
        "--allow-mass-destroy",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Apply complete"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_carries_the_verdict_and_is_refused_the_same_way() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", file, "--out", "mass.plan"]);
    assert_code(&run(cmd).await, 0);
    let saved = std::fs::read(dir.path().join("mass.plan")).unwrap();
    let saved = plan::planfile::PlanFile::from_bytes(&saved)
        .unwrap()
        .to_json();
    assert!(saved.contains("\"mass_destroy\""), "{saved}");

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["show", "mass.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("WARNING: mass destroy."));

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "mass.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("refusing a mass destroy"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 0);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "mass.plan", "--allow-mass-destroy"]);
    assert_code(&run(cmd).await, 0);
    assert!(writes(&handle) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_file_from_before_the_guard_is_still_guarded() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", file, "--out", "mass.plan"]);
    assert_code(&run(cmd).await, 0);
    // Written as an older cda would: no verdict, sealed without it.
    let bytes = std::fs::read(dir.path().join("mass.plan")).unwrap();
    let mut old = plan::planfile::PlanFile::from_bytes(&bytes).unwrap();
    old.plan.mass_destroy = None;
    old.content_hash = old.compute_hash();
    let old_text = old.to_json();
    assert!(!old_text.contains("mass_destroy"));
    std::fs::write(dir.path().join("old.plan"), old_text).unwrap();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["show", "old.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("WARNING: mass destroy."));

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "old.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("refusing a mass destroy"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_shows_the_calls_and_says_apply_would_refuse() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let file = without_dr_gateway(dir.path());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", file, "--dry-run"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("Dry run:"), "{}", stdout(&out));
    assert!(stderr(&out).contains("this plan is refused (mass destroy)"));
    assert_eq!(writes(&handle), 0);
}
