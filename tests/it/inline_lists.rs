//! Refresh from the lists gateway rows carry (issue #17): against the `doc`
//! dialect, whose gateway rows carry `vpcList` and `srList` complete, a
//! plan makes no `vpc/list` and no `static-route/list` call; against
//! `doc-incomplete` (the same rows, abridged) it falls back to them for
//! every gateway; both plans are identical.

use crate::support::{assert_code, cda_at, repo_root, run, stdout};
use emulator::{Config, Dialect, FaultConfig, Handle, SeedSource};

async fn spawn(incomplete: bool) -> Handle {
    let mut config = Config::demo()
        .with_dialect(Dialect::Doc, 0)
        .with_faults(FaultConfig::default())
        .with_seed(SeedSource::File(
            repo_root().join("examples/emulator-seed.yaml"),
        ));
    config.dialect.incomplete_inline_lists = incomplete;
    emulator::spawn(config).await.unwrap()
}

/// Requests the emulator saw to `path`, whatever the method.
fn calls(handle: &Handle, path: &str) -> u64 {
    handle
        .app()
        .stats()
        .endpoints
        .iter()
        .filter(|(k, _)| k.ends_with(path))
        .map(|(_, s)| s.requests)
        .sum()
}

/// The quick start's plan as JSON, and the calls it took per endpoint.
async fn plan(incomplete: bool) -> (String, u64, u64, u64) {
    let handle = spawn(incomplete).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "--json", "--rate-limit", "0", "-f"])
        .arg(repo_root().join("examples/quickstart.yaml"))
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_A", "example-key-a")
        .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_B", "example-key-b");
    let out = run(cmd).await;
    assert_code(&out, 0);
    (
        stdout(&out),
        calls(&handle, "/v4/cda/gateway/list"),
        calls(&handle, "/v4/cda/vpc/list"),
        calls(&handle, "/v4/cda/static-route/list"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_from_inline_lists_is_the_plan_from_per_gateway_reads() {
    let (inline, gateway_pages, vpc_lists, route_lists) = plan(false).await;
    assert!(gateway_pages >= 1);
    assert_eq!(
        (vpc_lists, route_lists),
        (0, 0),
        "complete inline lists: no per-gateway VPC or static-route read"
    );
    let (per_gateway, _, vpc_lists, route_lists) = plan(true).await;
    assert!(
        vpc_lists > 0 && vpc_lists == route_lists,
        "incomplete inline lists: each gateway read ({vpc_lists} vpc/list, {route_lists} static-route/list)"
    );
    assert_eq!(inline, per_gateway);
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_says_whether_gateway_rows_carry_complete_lists() {
    for (incomplete, says) in [
        (false, "carry complete vpcList and srList: plans will need"),
        (true, "lack complete vpcList/srList"),
    ] {
        let handle = spawn(incomplete).await;
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = cda_at(&handle, dir.path());
        cmd.args(["doctor", "--rate-limit", "0"]);
        let out = run(cmd).await;
        assert_code(&out, 0);
        let report = stdout(&out);
        let line = report
            .lines()
            .find(|l| l.contains("inline lists"))
            .unwrap_or_default();
        assert!(line.contains(says), "{report}");
    }
}
