//! Saved plans (`plan --out` → `apply PLANFILE`): refused with exit 3 when
//! stale or expired, so the same plan applied twice is refused the second
//! time; drift reported by `--refresh-only`.

use crate::support::*;
use cda_api::types::{PhysicalLineListRequest, PhysicalLineUpdateRequest};
use cda_api::{Client, ClientConfig, Credentials};
use emulator::{FaultConfig, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};

const QUICKSTART: &str = "examples/quickstart.yaml";

fn client(handle: &emulator::Handle) -> Client {
    let mut creds = Credentials::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    creds.account = Some(DEMO_ACCOUNT.into());
    Client::new(ClientConfig::new(creds).with_endpoint(handle.base_url())).unwrap()
}

/// Change the bandwidth of the first listed line behind cda's back; returns
/// its name.
async fn change_a_line(handle: &emulator::Handle) -> String {
    let c = client(handle);
    let lines = c
        .physical_line_list_all(&PhysicalLineListRequest::default())
        .await
        .unwrap();
    let line = &lines[0];
    let update = PhysicalLineUpdateRequest {
        line_id: line.id().unwrap().to_owned(),
        bandwidth: Some(line.bandwidth.unwrap() + 1),
        ..Default::default()
    };
    c.physical_line_update(&update).await.unwrap();
    line.line_name.clone().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_saved_plan_applied_twice_is_refused() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--out", "change.plan"]);
    assert_code(&run(cmd).await, 0);
    assert_eq!(writes(&handle), 0);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    let after_first = writes(&handle);
    assert!(after_first > 0);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 3);
    assert!(
        stderr(&out).contains("changed since the plan"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        writes(&handle),
        after_first,
        "a refused plan wrote something"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_refused_when_the_live_estate_changed_since() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--out", "change.plan"]);
    assert_code(&run(cmd).await, 0);

    let name = change_a_line(&handle).await;
    let before = writes(&handle);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 3);
    assert!(
        stderr(&out).contains(&format!("physical_line.{name}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&handle), before);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_plan_is_refused() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--out",
        "change.plan",
        "--ttl",
        "0s",
    ]);
    assert_code(&run(cmd).await, 0);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 3);
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
    assert_eq!(writes(&handle), 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_only_reports_drift() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    assert_code(&run(cmd).await, 0);

    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--refresh-only",
        "--detailed-exitcode",
    ]);
    assert_code(&run(cmd).await, 0);

    let name = change_a_line(&handle).await;
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args([
        "plan",
        "-f",
        QUICKSTART,
        "--refresh-only",
        "--detailed-exitcode",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    let drift = stdout(&out);
    assert!(drift.contains(&name), "{drift}");
    insta::assert_snapshot!("drift_after_bandwidth_change", drift);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_makes_only_list_calls_and_one_health_check_read_per_vpc() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART]);
    assert_code(&run(cmd).await, 0);

    let store = handle.app().stats();
    let calls = |key: &str| store.endpoints.get(key).map_or(0, |s| s.requests);
    let seed = emulator::Seed::load(&repo_root().join("examples/emulator-seed.yaml")).unwrap();
    let gateways = seed.accounts[0].gateways.len() as u64;
    let vpcs: u64 = seed.accounts[0]
        .gateways
        .iter()
        .map(|g| g.vpcs.len() as u64)
        .sum();
    assert_eq!(calls("GET /v4/cda/gateway/list"), 1);
    assert_eq!(calls("GET /v4/cda/physical-line/list"), 1);
    // The gateway rows carry their VPCs and static routes complete
    // (`vpcList`, `srList`): no per-gateway read of either (issue #17).
    assert_eq!(calls("GET /v4/cda/vpc/list"), 0);
    assert_eq!(calls("GET /v4/cda/static-route/list"), 0);
    assert_eq!(calls("GET /v4/cda/bgp-route/list"), gateways);
    assert_eq!(calls("GET /v4/cda/health-check/get"), vpcs);
    assert_eq!(store.requests, 2 + gateways + vpcs, "{:?}", store.endpoints);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bgp_keys_are_sent_but_never_shown_and_compare_by_hash() {
    const KEY: &str = "md5-Qx7-very-secret";
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let quickstart = std::fs::read_to_string(dir.path().join(QUICKSTART)).unwrap();
    let with_key = quickstart.replace(
        "peer_as: 65010, bfd: true }",
        "peer_as: 65010, bfd: true, key: { env: CDA_TEST_BGP_KEY } }",
    );
    assert_ne!(
        with_key, quickstart,
        "the quick start's BGP peer changed shape"
    );
    std::fs::write(dir.path().join("keyed.yaml"), with_key).unwrap();

    let mut cmd = cda_at(&handle, dir.path());
    cmd.env("CDA_TEST_BGP_KEY", KEY).args([
        "plan",
        "-f",
        "keyed.yaml",
        "--out",
        "keyed.plan",
        "--json",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 0);
    assert!(
        stdout(&out).contains("bgp_route.gwdr01.IPV4"),
        "the key change is not planned"
    );
    let mut cmd = cda_at(&handle, dir.path());
    cmd.env("CDA_TEST_BGP_KEY", KEY)
        .args(["apply", "keyed.plan", "--journal", "j.jsonl", "-vv"]);
    let applied = run(cmd).await;
    assert_code(&applied, 0);

    // The emulator received the key. That nothing cda prints or writes
    // contains it (or the SK) is checked for the whole flow in
    // tests/it/security.rs.
    let state = serde_json::to_string(&handle.app().store()).unwrap();
    assert!(state.contains(KEY), "the key was not sent");
    // The live key is compared by hash: planning again finds nothing to do,
    // and a different key is a change.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.env("CDA_TEST_BGP_KEY", KEY)
        .args(["plan", "-f", "keyed.yaml", "--detailed-exitcode"]);
    assert_code(&run(cmd).await, 0);
    let mut cmd = cda_at(&handle, dir.path());
    cmd.env("CDA_TEST_BGP_KEY", "another-key").args([
        "plan",
        "-f",
        "keyed.yaml",
        "--detailed-exitcode",
    ]);
    let out = run(cmd).await;
    assert_code(&out, 2);
    assert!(stdout(&out).contains("(sensitive)"), "{}", stdout(&out));
    // Without the variable, planning stops with a clear error.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", "keyed.yaml"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("CDA_TEST_BGP_KEY"),
        "{}",
        stderr(&out)
    );
    handle.shutdown().await.unwrap();
}

/// A plan is true of the estate it read: applied with another endpoint or
/// another access key it is refused before any call, naming what differs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_is_refused_against_another_endpoint_or_key() {
    let made_on = spawn_seeded(FaultConfig::default()).await;
    let other = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&made_on, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--out", "change.plan"]);
    assert_code(&run(cmd).await, 0);
    let bytes = std::fs::read(dir.path().join("change.plan")).unwrap();
    let text = plan::planfile::PlanFile::from_bytes(&bytes)
        .unwrap()
        .to_json();
    assert!(!text.contains(DEMO_ACCESS_KEY) && !text.contains(DEMO_SECRET_KEY));
    let fingerprint = plan::planfile::access_key_fingerprint(DEMO_ACCESS_KEY);
    assert!(text.contains(&fingerprint), "{text}");

    // `show` says where it was made.
    let out = run({
        let mut cmd = cda();
        cmd.current_dir(dir.path()).args(["show", "change.plan"]);
        cmd
    })
    .await;
    assert_code(&out, 0);
    let shown = stdout(&out);
    let origin = format!(
        "Planned against {} in region nm8 with the access key whose fingerprint is {fingerprint}.",
        made_on.base_url()
    );
    assert!(shown.trim_end().ends_with(&origin), "{shown}");

    let mut cmd = cda_at(&other, dir.path());
    cmd.args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("was made against another API or account; nothing was applied"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "endpoint: planned against {}, now {}",
            made_on.base_url(),
            other.base_url()
        )),
        "{err}"
    );
    assert!(!err.contains("access key:"), "{err}");

    // Same endpoint, another key: refused before a call is signed with it.
    let mut cmd = cda_at(&made_on, dir.path());
    cmd.env("CTYUN_AK", "AKOTHER0000")
        .args(["apply", "change.plan"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "access key: planned with the key whose fingerprint is {fingerprint}, now {}",
            plan::planfile::access_key_fingerprint("AKOTHER0000")
        )),
        "{err}"
    );
    assert!(!err.contains("AKOTHER0000"), "{err}");
    assert_eq!(writes(&made_on) + writes(&other), 0);

    // Where it was made, it applies.
    let mut cmd = cda_at(&made_on, dir.path());
    cmd.args(["apply", "change.plan"]);
    assert_code(&run(cmd).await, 0);
    made_on.shutdown().await.unwrap();
    other.shutdown().await.unwrap();
}
