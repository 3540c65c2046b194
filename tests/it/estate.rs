//! An estate across several files (`-f` repeated, or a directory): one
//! desired state, clashes across files named at both places, against the
//! two-region account of `examples/emulator-seed-two-regions.yaml`.

use crate::support::postgres::Postgres;
use crate::support::{assert_code, cda, cda_at, repo_root, run, stderr, stdout, writes};
use apply::lock::shared::SharedLock;
use emulator::{Config, FaultConfig, FaultKind, Handle, ScriptedFault, SeedSource, DEMO_ACCOUNT};
use std::path::{Path, PathBuf};
use std::time::Duration;

async fn spawn() -> Handle {
    let config = Config::demo().with_seed(SeedSource::File(
        repo_root().join("examples/emulator-seed-two-regions.yaml"),
    ));
    emulator::spawn(config).await.unwrap()
}

fn fixture(region: &str) -> String {
    std::fs::read_to_string(repo_root().join(format!("tests/fixtures/regions/{region}.yaml")))
        .unwrap()
}

/// `tests/fixtures/regions/nm8.yaml` split in two files in `dir`: the lines
/// (with `prune`) and the gateways (without), which bind and route over the
/// other file's lines.
fn split_nm8(dir: &Path) -> (PathBuf, PathBuf) {
    let text = fixture("nm8");
    let at = text.find("\ngateways:").unwrap();
    let lines = dir.join("10-lines.yaml");
    let gateways = dir.join("20-gateways.yaml");
    std::fs::write(&lines, &text[..at]).unwrap();
    std::fs::write(&gateways, format!("region: nm8\n{}", &text[at..])).unwrap();
    (lines, gateways)
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn validate_reads_a_directory_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    split_nm8(dir.path());
    std::fs::write(dir.path().join("README.md"), "not read").unwrap();
    let out = cda()
        .current_dir(dir.path())
        .args(["validate", "-f", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "./10-lines.yaml: valid\n./20-gateways.yaml: valid\n"
    );
    // Alone, the gateways' file names lines it does not declare.
    let out = cda()
        .current_dir(dir.path())
        .args(["validate", "-f", "20-gateways.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no physical line named `bj-idc-a`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_name_declared_in_two_files_names_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let (lines, gateways) = split_nm8(dir.path());
    let copy = dir.path().join("30-copy.yaml");
    std::fs::copy(&gateways, &copy).unwrap();
    let out = cda()
        .current_dir(dir.path())
        .args([
            "validate",
            "-f",
            arg(&lines),
            "-f",
            arg(&gateways),
            "-f",
            arg(&copy),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let first = format!("{}:4:11", gateways.display());
    let again = format!(
        "{}:4:11: error: gateways[0].name: duplicate gateway name `gwprod01` (also {first})",
        copy.display()
    );
    assert!(err.contains(&again), "{err}");
    assert!(!err.contains(&format!("{first}: error")), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_of_one_region_plan_as_one() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let (lines, gateways) = split_nm8(dir.path());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", arg(&lines), "-f", arg(&gateways)])
        .args(["--detailed-exitcode", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    // Without the gateways' file, `prune` deletes them.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", arg(&lines), "--json", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let deletes = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["address"] == "gateway.gwprod01" && a["action"] == "delete")
        .count();
    assert_eq!(deletes, 1, "{plan:#}");
    handle.shutdown().await.unwrap();
}

/// `-v` reports the pace reads reached; with `--rate-limit-max` above
/// `--rate-limit`, against a server that never throttles, above the start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_reports_the_read_rate_reached() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nm8.yaml");
    std::fs::write(&file, fixture("nm8")).unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", arg(&file), "-v"]).args([
        "--rate-limit",
        "20",
        "--rate-limit-max",
        "40",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("reads paced at"))
        .unwrap_or_else(|| panic!("no rate line in\n{err}"));
    assert!(
        line.contains("(started at 20, peak ") && line.contains(", at most 40); 0 of "),
        "{line}"
    );
    let peak: f64 = line
        .split("peak ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|p| p.parse().ok())
        .unwrap();
    assert!((20.0..=40.0).contains(&peak), "{line}");
    handle.shutdown().await.unwrap();
}

/// Calls the emulator received to `path` so far.
fn calls_to(handle: &Handle, path: &str) -> u64 {
    handle
        .app()
        .stats()
        .endpoints
        .iter()
        .filter(|(k, _)| k.ends_with(path))
        .map(|(_, s)| s.requests)
        .sum()
}

/// A gateway the file neither declares nor prunes is not read further
/// (`--refresh-all` reads it), and a plan saved so applies without being
/// taken for stale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_of_gateways_left_alone_are_not_read() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let text = fixture("nm8").replace(
        "prune: [physical_lines, gateways, bindings, vpcs, health_checks, routes]",
        "prune: [vpcs, health_checks, routes]",
    );
    let cut = text.find("  - name: gwdr01").unwrap();
    let file = dir.path().join("prod-only.yaml");
    std::fs::write(&file, &text[..cut]).unwrap();

    let before = calls_to(&handle, "/bgp-route/list");
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", arg(&file), "-v", "--out", "saved.plan"])
        .args(["--detailed-exitcode", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("gateway.gwdr01"),
        "reported as unmanaged:\n{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("did not read the VPCs and routes of 1 gateways"),
        "{}",
        stderr(&out)
    );
    assert_eq!(calls_to(&handle, "/bgp-route/list") - before, 1);

    let before = calls_to(&handle, "/bgp-route/list");
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        arg(&file),
        "--refresh-all",
        "--rate-limit",
        "0",
    ]);
    assert_code(&run(cmd).await, 0);
    assert_eq!(calls_to(&handle, "/bgp-route/list") - before, 2);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "saved.plan", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("No changes."), "{}", stdout(&out));
    handle.shutdown().await.unwrap();
}

/// Files of two regions: one run plans each against its own inventory and
/// shows one plan grouped by region; exit codes cover both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_of_two_regions_plan_in_one_run() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let (lines, gateways) = split_nm8(dir.path());
    let nm9 = dir.path().join("30-nm9.yaml");
    std::fs::write(&nm9, fixture("nm9")).unwrap();

    // As live: no changes in either region.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", "."])
        .args(["--detailed-exitcode", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let text = stdout(&out);
    let (nm8_at, nm9_at) = (text.find("Region nm8:"), text.find("Region nm9:"));
    assert!(
        nm8_at.is_some() && nm9_at.is_some() && nm8_at < nm9_at,
        "{text}"
    );

    // Without nm9's gateways, `prune` deletes them, and only them.
    let text = fixture("nm9");
    let cut = text.find("\ngateways:").unwrap();
    std::fs::write(&nm9, &text[..cut]).unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        arg(&lines),
        "-f",
        arg(&gateways),
        "-f",
        arg(&nm9),
    ])
    .args(["--json", "--detailed-exitcode", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let regions = doc["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2, "{doc:#}");
    assert_eq!(regions[0]["region"], "nm8");
    assert!(regions[0]["actions"].as_array().unwrap().is_empty());
    assert_eq!(regions[1]["region"], "nm9");
    let deleted: Vec<&str> = regions[1]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "delete" && a["kind"] == "gateway")
        .map(|a| a["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        deleted,
        ["gateway.gwszdr01", "gateway.gwszprod01"],
        "{doc:#}"
    );
    handle.shutdown().await.unwrap();
}

/// Both fixtures with one change each: nm8's health check probes every 5
/// seconds, nm9's unbound lab line is gone (so pruned).
fn two_regions_changed(dir: &Path) {
    let nm8 = fixture("nm8").replace("interval: 3, packets: 5", "interval: 5, packets: 5");
    let text = fixture("nm9");
    let (lab, rest) = (
        text.find("  - name: sz-lab-a").unwrap(),
        text.find("\ngateways:").unwrap(),
    );
    let nm9 = format!("{}{}", &text[..lab], &text[rest + 1..]);
    assert_ne!(nm8, fixture("nm8"));
    std::fs::write(dir.join("nm8.yaml"), nm8).unwrap();
    std::fs::write(dir.join("nm9.yaml"), nm9).unwrap();
}

/// The journal's lines: `journal.jsonl` in `dir`.
fn journal_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Files of two regions: one plan, one approval, one apply, one journal
/// whose call lines say their region; the next plan has no changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_of_two_regions_apply_in_one_run() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", ".", "--auto-approve", "--rate-limit", "0"])
        .args(["--journal", "journal.jsonl"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let text = stdout(&out);
    let (nm8_at, nm9_at) = (text.find("Region nm8:\n"), text.find("Region nm9:\n"));
    assert!(
        nm8_at.is_some() && nm9_at.is_some() && nm8_at < nm9_at,
        "{text}"
    );
    assert!(
        text.contains("Apply complete: 2 done, 0 failed, 0 skipped in ")
            && text.contains("\nRegion nm8: 1 done, 0 failed, 0 skipped.\n  done     health_check.gwprod01.vpc-prod7k2hd0 ("),
        "{text}"
    );
    assert!(
        text.contains(
            "\nRegion nm9: 1 done, 0 failed, 0 skipped.\n  done     physical_line.sz-lab-a ("
        ),
        "{text}"
    );

    let lines = journal_lines(dir.path());
    let starts: Vec<&serde_json::Value> = lines.iter().filter(|l| l["record"] == "start").collect();
    assert_eq!(starts.len(), 1, "{lines:#?}");
    assert_eq!(starts[0]["regions"], serde_json::json!(["nm8", "nm9"]));
    let mut tagged: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["record"] == "call" && l["outcome"] == "sent")
        .map(|l| (l["region"].as_str().unwrap(), l["action"].as_str().unwrap()))
        .collect();
    tagged.dedup();
    assert_eq!(
        tagged,
        [
            ("nm8", "health_check.gwprod01.vpc-prod7k2hd0"),
            ("nm9", "physical_line.sz-lab-a")
        ]
    );
    let end = lines.last().unwrap();
    assert_eq!(end["record"], "end");
    assert_eq!(end["outcome"], "success");
    assert_eq!(end["counts"]["done"], 2);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        ".",
        "--detailed-exitcode",
        "--rate-limit",
        "0",
    ]);
    assert_code(&run(cmd).await, 0);
    handle.shutdown().await.unwrap();
}

/// With `--lock-url`, a run of two regions takes the shared lock of each,
/// in region order, before reading anything: while another runner holds
/// nm9's, the run is refused naming nm9, writes nothing and lets go of
/// nm8's; once both are free it applies both regions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_two_regions_takes_the_shared_lock_of_each() {
    let pg = Postgres::start();
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());
    let apply = || {
        let mut cmd = cda_at(&handle, dir.path());
        cmd.args(["apply", "-f", ".", "--auto-approve", "--rate-limit", "0"])
            .arg("--lock-url")
            .arg(pg.url());
        cmd
    };
    let lock = |region: &'static str| {
        let url = pg.url();
        async move {
            SharedLock::acquire(&url, region, DEMO_ACCOUNT, Duration::ZERO, |_| {})
                .await
                .unwrap()
        }
    };

    let nm9 = lock("nm9").await;
    let out = run(apply()).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("holds the lock for region nm9"), "{err}");
    assert_eq!(writes(&handle), 0);
    // nm8's lock, taken first, was released when nm9's could not be had.
    lock("nm8").await.release().await;
    nm9.release().await;

    let out = run(apply()).await;
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("Apply complete: 2 done, 0 failed, 0 skipped in "),
        "{text}"
    );
    handle.shutdown().await.unwrap();
}

/// A region whose write keeps failing is reported as such; the other
/// region is applied, and the exit status covers both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_region_is_reported_and_the_other_applied() {
    let faults = FaultConfig {
        script: vec![
            ScriptedFault {
                path: Some("/v4/cda/health-check/update".into()),
                method: Some("POST".into()),
                kind: FaultKind::Http503,
            };
            20
        ],
        ..FaultConfig::default()
    };
    let config = Config::demo()
        .with_seed(SeedSource::File(
            repo_root().join("examples/emulator-seed-two-regions.yaml"),
        ))
        .with_faults(faults);
    let handle = emulator::spawn(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", ".", "--auto-approve", "--rate-limit", "0"])
        .args(["--journal", "journal.jsonl"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("Apply finished with errors: 1 done, 1 failed, 0 skipped in ")
            && text.contains("\nRegion nm8: 0 done, 1 failed, 0 skipped.\n  failed   health_check.gwprod01.vpc-prod7k2hd0 ("),
        "{text}"
    );
    assert!(
        text.contains(
            "\nRegion nm9: 1 done, 0 failed, 0 skipped.\n  done     physical_line.sz-lab-a ("
        ),
        "{text}"
    );
    let end = journal_lines(dir.path()).pop().unwrap();
    assert_eq!(end["outcome"], "failed");

    // What is left is nm8's change alone.
    handle.app().set_faults(FaultConfig::default());
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", ".", "--json", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let counts: Vec<usize> = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actions"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, [1, 0], "{doc:#}");
    handle.shutdown().await.unwrap();
}

/// A plan of two regions saved, shown and applied: version 2, one document
/// per region, each with its origin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_of_two_regions_is_shown_and_applied() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", ".", "--out", "both.plan", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let bytes = std::fs::read(dir.path().join("both.plan")).unwrap();
    assert!(bytes.starts_with(plan::planfile::MAGIC));
    let saved = plan::planfile::load(&bytes).unwrap();
    let regions: Vec<&str> = saved
        .iter()
        .map(|r| r.origin.as_ref().unwrap().region.as_str())
        .collect();
    assert_eq!(regions, ["nm8", "nm9"]);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["show", "both.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("Region nm8:\n"), "{text}");
    assert!(text.contains("\nRegion nm9:\n"), "{text}");
    assert_eq!(text.matches("Planned against ").count(), 2, "{text}");
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["show", "both.plan", "--json"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["regions"][1]["origin"]["region"], "nm9", "{doc:#}");

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "both.plan", "--rate-limit", "0"])
        .args(["--journal", "journal.jsonl"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("Apply complete: 2 done, 0 failed, 0 skipped in "),
        "{}",
        stdout(&out)
    );
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        ".",
        "--detailed-exitcode",
        "--rate-limit",
        "0",
    ]);
    assert_code(&run(cmd).await, 0);
    handle.shutdown().await.unwrap();
}

/// `--target` over two regions: each address is looked up in every region
/// and plans only the region that has it; `REGION:` says which; an address
/// no region has is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_is_looked_up_in_every_region() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());
    let plan_json = |target: &str| {
        let mut cmd = cda_at(&handle, dir.path());
        cmd.args(["plan", "-f", ".", "--json", "--rate-limit", "0"])
            .args(["--target", target]);
        cmd
    };
    let actions = |doc: &serde_json::Value| -> Vec<String> {
        doc["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["address"].as_str().unwrap().to_owned())
            .collect()
    };

    let out = run(plan_json("physical_line.sz-lab-a")).await;
    assert_code(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["region"], "nm9", "{doc:#}");
    assert_eq!(actions(&doc), ["physical_line.sz-lab-a"]);

    let out = run(plan_json("nm8:health_check.gwprod01.vpc-prod7k2hd0")).await;
    assert_code(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["region"], "nm8", "{doc:#}");
    assert_eq!(actions(&doc), ["health_check.gwprod01.vpc-prod7k2hd0"]);

    let out = run(plan_json("gateway.nope")).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains(
            "--target gateway.nope: no object of that address in any region of the files (nm8, nm9)"
        ),
        "{}",
        stderr(&out)
    );
    let out = run(plan_json("nm7:gateway.gwprod01")).await;
    assert_code(&out, 1);
    assert!(stderr(&out).contains("no region nm7"), "{}", stderr(&out));

    // Applied: only nm9's line goes; nm8's change is still to make.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", ".", "--auto-approve", "--rate-limit", "0"])
        .args(["--target", "physical_line.sz-lab-a"]);
    assert_code(&run(cmd).await, 0);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", ".", "--json", "--rate-limit", "0"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(actions(&doc["regions"][0]).len(), 1, "{doc:#}");
    assert!(actions(&doc["regions"][1]).is_empty(), "{doc:#}");
    handle.shutdown().await.unwrap();
}

/// A killed two-region apply (its journal without end or `confirmed`
/// lines) is awaited one region at a time: a plan of nm9 alone ends the
/// journal for nm9 only, and a plan of both ends it for nm8 too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_of_two_regions_is_reconciled_per_region() {
    let handle = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    two_regions_changed(dir.path());
    let journal = dir.path().join(".cda/journal/20260101T000000.000Z-1.jsonl");
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", ".", "--auto-approve", "--rate-limit", "0"])
        .args(["--journal", journal.to_str().unwrap()]);
    assert_code(&run(cmd).await, 0);
    // As a kill would have left it: accepted writes never seen, no end.
    let text = std::fs::read_to_string(&journal).unwrap();
    let cut: String = text
        .lines()
        .filter(|l| !l.contains("\"record\":\"end\"") && !l.contains("\"outcome\":\"confirmed\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&journal, cut).unwrap();
    let ends = || -> Vec<serde_json::Value> {
        std::fs::read_to_string(&journal)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|l| l["record"] == "end")
            .collect()
    };

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", "nm9.yaml", "--rate-limit", "0"]);
    assert_code(&run(cmd).await, 0);
    let after_nm9 = ends();
    assert_eq!(after_nm9.len(), 1, "{after_nm9:#?}");
    assert_eq!(after_nm9[0]["region"], "nm9");
    assert_eq!(after_nm9[0]["outcome"], "reconciled");

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", ".", "--rate-limit", "0"]);
    assert_code(&run(cmd).await, 0);
    let regions: Vec<serde_json::Value> = ends().iter().map(|e| e["region"].clone()).collect();
    assert_eq!(
        regions,
        [serde_json::json!("nm9"), serde_json::json!("nm8")]
    );
    handle.shutdown().await.unwrap();
}
