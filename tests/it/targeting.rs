//! `--target` and `--replace` against an emulator seeded like the quick
//! start: a partial plan saved, shown and applied; a typo answered with the
//! closest addresses; a VPC re-attached on request.

use crate::support::*;

const QUICKSTART: &str = "examples/quickstart.yaml";
const NEW_BINDING: &str = "binding.gwprod01.bj-idc-c";
const VPC: &str = "vpc.gwprod01.vpc-prod7k2hd0";

fn calls(handle: &emulator::Handle, endpoint: &str) -> u64 {
    handle
        .app()
        .stats()
        .endpoints
        .get(endpoint)
        .map_or(0, |s| s.requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_plan_is_saved_shown_and_applied_alone() {
    let handle = spawn_seeded(emulator::FaultConfig::default()).await;
    let dir = scratch();
    let d = dir.path();
    let mut cmd = cda_at(&handle, d);
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--detailed-exitcode",
        "--out",
        "partial.json",
    ])
    .args(["--target", NEW_BINDING]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    let text = stdout(&out);
    assert!(
        text.contains("Warning: partial plan (--target binding.gwprod01.bj-idc-c)"),
        "{text}"
    );
    assert!(
        text.contains("Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy."),
        "{text}"
    );

    let mut cmd = cda_at(&handle, d);
    cmd.args(["show", "partial.json"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(stdout(&out).contains("--target binding.gwprod01.bj-idc-c"));

    let mut cmd = cda_at(&handle, d);
    cmd.args(["apply", "partial.json"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(
        stderr(&out).contains("Warning: partial plan"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 2);

    // The rest of the file is still to do, the targeted part is done.
    let mut cmd = cda_at(&handle, d);
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    assert!(
        !stdout(&out).contains("bj-idc-c will be"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("partial plan"));
    // And the targeted part alone has no change left.
    let mut cmd = cda_at(&handle, d);
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--detailed-exitcode",
        "--target",
        NEW_BINDING,
    ]);
    assert_code(&run(cmd).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_address_is_refused_with_the_closest_ones() {
    let handle = spawn_seeded(emulator::FaultConfig::default()).await;
    let dir = scratch();
    for flag in ["--target", "--replace"] {
        let mut cmd = cda_at(&handle, dir.path());
        cmd.args(["plan", "-f", QUICKSTART, flag, "vpc.gwprod01.vpc-prod7k2hd"]);
        let out = run(cmd).await;
        assert_code(&out, 1);
        assert!(
            stderr(&out).contains(&format!(
                "{flag} vpc.gwprod01.vpc-prod7k2hd: no such object in the file or the live estate; did you mean `{VPC}`"
            )),
            "{}",
            stderr(&out)
        );
    }
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--replace",
        "binding.gwprod01.bj-idc-a",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("a binding has no replace of its own"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_re_attaches_a_vpc_that_nothing_changes() {
    let handle = spawn_seeded(emulator::FaultConfig::default()).await;
    let dir = scratch();
    let d = dir.path();
    let mut cmd = cda_at(&handle, d);
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    assert_code(&run(cmd).await, 0);

    let mut cmd = cda_at(&handle, d);
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--detailed-exitcode",
        "--json",
        "--replace",
        VPC,
    ]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let vpc = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["address"] == VPC)
        .unwrap();
    assert_eq!(vpc["action"], "replace");
    assert_eq!(vpc["replace_requested"], true);
    assert_eq!(vpc["impact"][0]["type"], "prefixes_withdrawn");

    let (deletes, adds) = (
        calls(&handle, "POST /v4/cda/vpc/delete"),
        calls(&handle, "POST /v4/cda/vpc/add"),
    );
    let mut cmd = cda_at(&handle, d);
    cmd.args([
        "apply",
        "-f",
        QUICKSTART,
        "--auto-approve",
        "--replace",
        VPC,
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains(&format!("# {VPC} will be replaced, as requested")),
        "{}",
        stdout(&out)
    );
    assert_eq!(calls(&handle, "POST /v4/cda/vpc/delete"), deletes + 1);
    assert_eq!(calls(&handle, "POST /v4/cda/vpc/add"), adds + 1);

    let mut cmd = cda_at(&handle, d);
    cmd.args(["plan", "-f", QUICKSTART, "--detailed-exitcode"]);
    assert_code(&run(cmd).await, 0);
}
