//! Smoke runs of the bench at the smallest sizes: the generator's files
//! agree with each other, and every bench path runs end to end. No timing
//! is asserted (the figures belong in docs/performance.md, not in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use apply::refresh::{self, Scope};
use bench::estate::Estate;
use bench::{apply_bench, cpu, plan_bench, sequential};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_desired_file_plans_to_zero_changes_against_its_seed() {
    let estate = Estate::new(2, emulator::DEMO_ACCOUNT);
    // Through the files, as `cda-bench gen` writes them.
    let dir = tempfile::tempdir().unwrap();
    let seed_path = dir.path().join("seed.json");
    std::fs::write(&seed_path, estate.seed_json().unwrap()).unwrap();
    let seed = emulator::Seed::load(&seed_path).unwrap();
    let handle = bench::start_emulator(Some(seed), bench::faults(0, None))
        .await
        .unwrap();
    let client = bench::client(&handle, None).unwrap();
    let scope = Scope {
        region: bench::estate::REGION.into(),
        account: Some(emulator::DEMO_ACCOUNT.into()),
        concurrency: 4,
        needs: std::sync::Arc::new(plan::reads::Needs::All),
    };
    let live = refresh::refresh(&client, &scope).await.unwrap();

    // The in-memory inventory the CPU benches diff against is exactly what
    // a refresh reads.
    assert_eq!(live, estate.inventory());
    assert_eq!(live.gateways.len(), 2);
    assert_eq!(live.lines.len(), 4);

    let desired = plan::desired::parse("desired.yaml", &estate.desired_yaml()).unwrap();
    let planned = plan::diff::plan(&desired, &live, &plan::PlanOptions::default()).unwrap();
    assert!(
        planned.actions.is_empty(),
        "{}",
        plan::render::human(&planned, &plan::render::HumanOptions { color: false })
    );

    // And against an empty estate the same file creates everything.
    let initial = plan::diff::plan(
        &desired,
        &plan::Inventory::default(),
        &plan::PlanOptions::default(),
    )
    .unwrap();
    assert!(initial.actions.len() >= estate.object_count());
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_bench_makes_only_list_calls_and_health_check_reads() {
    let f = plan_bench::run(3, 0, 4, emulator::DialectSetting::default())
        .await
        .unwrap();
    assert_eq!(f.actions, 0);
    assert_eq!(f.errors, 0);
    // One health-check read per VPC (the API has no list for them)…
    assert_eq!(f.health_check_reads, 6);
    // …and otherwise within the list target: no per-object reads.
    assert!(
        f.calls - f.health_check_reads <= f.list_target,
        "{:?}",
        f.calls_by_endpoint
    );
    // The gateway rows carry VPCs and static routes complete (issue #17)…
    let calls =
        |f: &plan_bench::PlanFigures, key: &str| f.calls_by_endpoint.get(key).copied().unwrap_or(0);
    assert_eq!(calls(&f, "GET /v4/cda/static-route/list"), 0);
    assert_eq!(calls(&f, "GET /v4/cda/vpc/list"), 0);
    assert_eq!(calls(&f, "GET /v4/cda/bgp-route/list"), 3);
    // …and where they are abridged, each gateway is read.
    let abridged = emulator::DialectSetting::parse("doc-incomplete", 0).unwrap();
    let f = plan_bench::run(3, 0, 4, abridged).await.unwrap();
    assert_eq!(f.actions, 0);
    assert_eq!(calls(&f, "GET /v4/cda/static-route/list"), 3);
    assert_eq!(calls(&f, "GET /v4/cda/vpc/list"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_refresh_reads_one_object_per_call() {
    let f = sequential::run(2, 0).await.unwrap();
    assert_eq!(f.objects, 2 * 15);
    assert_eq!(f.calls, f.objects);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_bench_creates_everything_once() {
    let f = apply_bench::run(6, 3, 0, None, true).await.unwrap();
    // Each create: the read that checks nothing of that identity exists
    // yet (issue #13), the create, and the re-read that verifies it took
    // (issue #12).
    assert_eq!((f.creates, f.done, f.calls, f.throttled), (6, 6, 18, 0));
}

#[test]
fn every_cpu_scenario_runs_at_a_tiny_scale() {
    for name in cpu::SCENARIOS {
        let f = cpu::run_one(name, 500).unwrap();
        assert_eq!(&f.scenario, name);
        assert!(f.items > 0, "{name}: {f:?}");
        assert!(f.peak_bytes > 0, "{name}: VmHWM not read");
    }
    assert!(cpu::run_one("no-such-scenario", 1).is_err());
}

#[test]
fn target_scenario_plans_zero_changes() {
    let f = cpu::run_one("target-1000-gateways", 100).unwrap();
    assert_eq!(f.items, 100);
    assert!(f.note.contains(" 0 actions"), "{}", f.note);
}

/// Refresh with the top-level lists spread over several pages, the server
/// clamping `pageSize` below what the client asks: every object once, each
/// page read once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_reads_every_page_once_when_the_server_clamps_page_size() {
    let estate = Estate::new(45, emulator::DEMO_ACCOUNT);
    let mut config =
        emulator::Config::demo().with_seed(emulator::SeedSource::Inline(estate.seed()));
    config.max_page_size = 20;
    let handle = emulator::spawn(config).await.unwrap();
    let client = bench::client(&handle, None).unwrap();
    let scope = Scope {
        region: bench::estate::REGION.into(),
        account: Some(emulator::DEMO_ACCOUNT.into()),
        concurrency: 6,
        needs: std::sync::Arc::new(plan::reads::Needs::All),
    };
    let live = refresh::refresh(&client, &scope).await.unwrap();
    assert_eq!(live, estate.inventory());
    let stats = handle.app().stats();
    // 45 gateways / 20 per page, 90 lines / 20 per page.
    assert_eq!(stats.endpoints["GET /v4/cda/gateway/list"].requests, 3);
    assert_eq!(
        stats.endpoints["GET /v4/cda/physical-line/list"].requests,
        5
    );
    assert_eq!(stats.errors, 0);
    handle.shutdown().await.unwrap();
}

/// The scale runner at a tiny size: every scenario runs, the unchanged
/// files plan to nothing, the edited ones to the edits, and the saved plan
/// reads back.
#[test]
fn scale_scenarios_run_at_a_tiny_size() {
    use bench::scale::{self, Scenario};
    let dir = tempfile::tempdir().unwrap();
    let mut actions = Vec::new();
    for scenario in [
        Scenario::Initial,
        Scenario::Unchanged,
        Scenario::Edited,
        Scenario::Validate,
    ] {
        let inputs = scale::write_inputs(dir.path(), 12, scenario).unwrap();
        let f = scale::run_one(&inputs, 12, scenario).unwrap();
        assert!(f.process.peak_bytes > 0 && f.desired_bytes > 0, "{f:?}");
        if scenario != Scenario::Validate {
            let saved =
                std::fs::read(inputs.join(format!("{}.plan.json", scenario.name()))).unwrap();
            assert_eq!(saved.len() as u64, f.plan_file_bytes);
            let back = plan::planfile::PlanFile::from_bytes(&saved).unwrap();
            assert_eq!(back.plan.actions.len(), f.actions);
        }
        actions.push(f.actions);
    }
    // 12 gateways × (3 lines, 3 bindings, gateway, VPC, health check) plus
    // 5 routes on 9 of them and a BGP route on 3; then none; then the 9
    // actions of the edits (`ScaleEstate`'s own test lists them).
    assert_eq!(actions, [12 * 9 + 9 * 5 + 3, 0, 9, 0]);
}
