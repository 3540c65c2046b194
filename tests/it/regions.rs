//! A file manages one region and never another's objects (issue #18),
//! against an account with objects in two regions
//! (`examples/emulator-seed-two-regions.yaml`), on the default emulator and
//! every server dialect. The `doc` dialect lists the gateways of every
//! region whatever `regionID` says, as the real service may: there only
//! refresh's own region filter keeps region nm8 out of a file for nm9.
//!
//! One module per dialect, so a dialect that fails names itself.

use crate::support::{assert_code, cda_at, repo_root, run, stderr, stdout};
use emulator::{Config, Dialect, Handle, SeedSource};
use std::collections::BTreeSet;
use std::path::Path;

const PRUNE_ALL: &str = "prune: [physical_lines, gateways, bindings, vpcs, health_checks, routes]";

/// Every object of region nm8, by plan address.
const NM8_OBJECTS: &[&str] = &[
    "physical_line.bj-idc-a",
    "physical_line.bj-idc-b",
    "physical_line.sh-dr-a",
    "physical_line.gz-lab-a",
    "gateway.gwprod01",
    "gateway.gwdr01",
    "binding.gwprod01.bj-idc-a",
    "binding.gwprod01.bj-idc-b",
    "binding.gwdr01.sh-dr-a",
    "vpc.gwprod01.vpc-prod7k2hd0",
    "vpc.gwprod01.vpc-shared3m8q",
    "vpc.gwdr01.vpc-dr5t1w9e",
    "health_check.gwprod01.vpc-prod7k2hd0",
    "static_route.gwprod01.IPV4[172.20.0.0/16,192.168.0.0/16]",
    "bgp_route.gwdr01.IPV4",
];

/// Every object of region nm9, by plan address.
const NM9_OBJECTS: &[&str] = &[
    "physical_line.sz-idc-a",
    "physical_line.sz-idc-b",
    "physical_line.sz-lab-a",
    "gateway.gwszprod01",
    "gateway.gwszdr01",
    "binding.gwszprod01.sz-idc-a",
    "binding.gwszdr01.sz-idc-b",
    "vpc.gwszprod01.vpc-sz4f8g2h1j",
    "health_check.gwszprod01.vpc-sz4f8g2h1j",
    "static_route.gwszprod01.IPV4[192.168.64.0/18]",
    "bgp_route.gwszdr01.IPV4",
];

/// Names that appear only in one region's objects.
const NM8_NAMES: &[&str] = &["gwprod01", "gwdr01", "bj-idc", "sh-dr-a", "gz-lab-a"];
const NM9_NAMES: &[&str] = &["gwszprod01", "gwszdr01", "sz-idc", "sz-lab-a"];

async fn spawn(dialect: Dialect) -> Handle {
    let config = Config::demo()
        .with_dialect(dialect, 0)
        .with_seed(SeedSource::File(
            repo_root().join("examples/emulator-seed-two-regions.yaml"),
        ));
    emulator::spawn(config).await.unwrap()
}

fn cda_for(handle: &Handle, dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = cda_at(handle, dir);
    cmd.args(args).args(["--rate-limit", "0"]);
    cmd
}

fn fixture(region: &str) -> String {
    repo_root()
        .join(format!("tests/fixtures/regions/{region}.yaml"))
        .to_string_lossy()
        .into_owned()
}

/// Each region's file, exactly as it is live, plans to no changes.
async fn each_region_file_plans_to_no_changes(dialect: Dialect) {
    let handle = spawn(dialect).await;
    let dir = tempfile::tempdir().unwrap();
    for region in ["nm8", "nm9"] {
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["plan", "-f", &fixture(region), "--detailed-exitcode", "-v"],
        ))
        .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dialect} {region}: a file for one region saw changes\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
        let log = stderr(&out);
        if dialect == Dialect::Doc {
            // Its gateway/list answers both regions: the other's 2 gateways
            // are left out by their rows' region, and counted.
            assert!(
                log.contains("ignored 2 objects of other regions"),
                "{dialect} {region}:\n{log}"
            );
        } else if dialect == Dialect::Reference {
            assert!(
                !log.contains("objects of other regions"),
                "{dialect} {region}:\n{log}"
            );
        }
    }
    handle.shutdown().await.unwrap();
}

/// An empty file with `prune` on every kind plans to delete exactly its own
/// region's objects, and a file for a region without objects to nothing.
async fn pruning_an_empty_file_deletes_only_its_region(dialect: Dialect) {
    let handle = spawn(dialect).await;
    let dir = tempfile::tempdir().unwrap();
    for (region, objects) in [("nm8", NM8_OBJECTS), ("nm9", NM9_OBJECTS), ("nm7", &[][..])] {
        let file = dir.path().join(format!("empty-{region}.yaml"));
        std::fs::write(&file, format!("region: {region}\n{PRUNE_ALL}\n")).unwrap();
        let out = run(cda_for(
            &handle,
            dir.path(),
            &[
                "plan",
                "-f",
                &file.to_string_lossy(),
                "--json",
                "--detailed-exitcode",
            ],
        ))
        .await;
        let expected_code = if objects.is_empty() { 0 } else { 2 };
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "{dialect} {region}\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
        let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let actions = plan["actions"].as_array().unwrap();
        assert!(
            actions.iter().all(|a| a["action"] == "delete"),
            "{dialect} {region}: {actions:#?}"
        );
        let deleted: BTreeSet<&str> = actions
            .iter()
            .map(|a| a["address"].as_str().unwrap())
            .collect();
        let expected: BTreeSet<&str> = objects.iter().copied().collect();
        assert_eq!(deleted, expected, "{dialect} {region}");
    }
    handle.shutdown().await.unwrap();
}

/// `export --region R` writes only R's objects and round-trips to no
/// changes; a region without objects is refused, naming those with some.
async fn each_region_exports_and_round_trips(dialect: Dialect) {
    let handle = spawn(dialect).await;
    let dir = tempfile::tempdir().unwrap();
    for (region, own, other) in [("nm8", NM8_NAMES, NM9_NAMES), ("nm9", NM9_NAMES, NM8_NAMES)] {
        let file = format!("exported-{region}.yaml");
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["export", "--region", region, "-o", &file],
        ))
        .await;
        assert_code(&out, 0);
        let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(text.contains(&format!("region: {region}")), "{text}");
        for name in own {
            assert!(
                text.contains(name),
                "{dialect} {region}: {name} missing\n{text}"
            );
        }
        for name in other {
            assert!(
                !text.contains(name),
                "{dialect} {region}: {name} exported\n{text}"
            );
        }
        let out = run(cda_for(
            &handle,
            dir.path(),
            &["plan", "-f", &file, "--detailed-exitcode"],
        ))
        .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dialect} {region}: export did not plan to no changes\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
    }
    let out = run(cda_for(
        &handle,
        dir.path(),
        &["export", "--region", "nm7", "-o", "nm7.yaml"],
    ))
    .await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("region nm7 has no physical lines or gateways")
            && err.contains("regions with objects in this account: nm8, nm9"),
        "{dialect}: {err}"
    );
    assert!(!dir.path().join("nm7.yaml").exists());
    handle.shutdown().await.unwrap();
}

macro_rules! per_dialect {
    ($($module:ident: $dialect:expr;)*) => {$(
        mod $module {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn each_region_file_plans_to_no_changes() {
                super::each_region_file_plans_to_no_changes($dialect).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn pruning_an_empty_file_deletes_only_its_region() {
                super::pruning_an_empty_file_deletes_only_its_region($dialect).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn each_region_exports_and_round_trips() {
                super::each_region_exports_and_round_trips($dialect).await;
            }
        }
    )*};
}

per_dialect! {
    reference: Dialect::Reference;
    go: Dialect::Go;
    py4: Dialect::Py4;
    doc: Dialect::Doc;
}

/// Issue #15's two symptoms on the default embedded emulator (one region,
/// nm8): a file for nm9 with `prune` plans nothing against nm8's objects,
/// `export --region nm9` refuses rather than relabel nm8's lines, and what an
/// nm9 file applies lands in nm9 only.
#[test]
fn a_file_for_another_region_leaves_the_default_estate_alone() {
    let dir = crate::support::scratch();
    let cda = |args: &[&str]| {
        let mut cmd = crate::support::cda();
        cmd.current_dir(dir.path())
            .args(args)
            .args(["--emulator", "--rate-limit", "0"]);
        cmd.output().unwrap()
    };
    let empty = dir.path().join("empty-nm9.yaml");
    std::fs::write(&empty, format!("region: nm9\n{PRUNE_ALL}\n")).unwrap();
    let out = cda(&["plan", "-f", "empty-nm9.yaml", "--detailed-exitcode"]);
    assert_code(&out, 0);

    let out = cda(&["export", "--region", "nm9"]);
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("regions with objects in this account: nm8"),
        "{}",
        stderr(&out)
    );

    let out = cda(&["apply", "-f", &fixture("nm9"), "--auto-approve"]);
    assert_code(&out, 0);
    for (region, own, other) in [("nm8", NM8_NAMES, NM9_NAMES), ("nm9", NM9_NAMES, NM8_NAMES)] {
        let out = cda(&["export", "--region", region]);
        assert_code(&out, 0);
        let text = stdout(&out);
        assert!(own.iter().all(|n| text.contains(n)), "{region}:\n{text}");
        assert!(!other.iter().any(|n| text.contains(n)), "{region}:\n{text}");
    }
    let out = cda(&["plan", "-f", &fixture("nm9"), "--detailed-exitcode"]);
    assert_code(&out, 0);
}
