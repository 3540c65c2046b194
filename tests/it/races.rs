//! Two applies of one file at once: a create whose object appeared since
//! the plan is refused as a conflict (nothing made twice), and the lock
//! shared by every runner (`--lock-url`, a real PostgreSQL server)
//! serialises two applies from two directories.

use crate::support::postgres::Postgres;
use crate::support::*;
use apply::calls::ApiBackend;
use apply::executor::{self, ActionStatus, Progress};
use apply::lock::shared::SharedLock;
use cda_api::types::PhysicalLineListRequest;
use cda_api::{Client, ClientConfig, Credentials};
use emulator::{FaultConfig, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};
use plan::Action;
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUICKSTART: &str = "examples/quickstart.yaml";
/// The line the quick start creates.
const NEW_LINE: &str = "bj-idc-c";

fn client(handle: &emulator::Handle) -> Arc<Client> {
    let mut creds = Credentials::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    creds.account = Some(DEMO_ACCOUNT.into());
    let config = ClientConfig::new(creds).with_endpoint(handle.base_url());
    Arc::new(Client::new(config).unwrap())
}

async fn lines_named(handle: &emulator::Handle, name: &str) -> usize {
    client(handle)
        .physical_line_list_all(&PhysicalLineListRequest::default())
        .await
        .unwrap()
        .iter()
        .filter(|l| l.line_name.as_deref() == Some(name))
        .count()
}

struct Quiet;

impl Progress for Quiet {
    fn started(&self, _: &Action) {}
    fn finished(&self, _: &Action, _: &ActionStatus, _: Option<std::time::Duration>) {}
}

async fn execute(handle: &emulator::Handle, plan: &plan::Plan) -> executor::Summary {
    let backend = ApiBackend::new(client(handle), plan.region.clone(), None, false);
    let options = executor::Options {
        backoff: Duration::from_millis(5),
        visibility_timeout: Duration::from_secs(5),
        ..Default::default()
    };
    executor::execute(plan, Arc::new(backend), None, &Quiet, &options).await
}

/// The plan of a second runner: made before the first runner created the
/// line, executed after. Its create is refused and names the line found;
/// what depends on it is skipped; the rest is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_created_since_the_plan_is_not_created_twice() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART, "--out", "change.plan"]);
    assert_code(&run(cmd).await, 0);
    let bytes = std::fs::read(dir.path().join("change.plan")).unwrap();
    let plan = plan::planfile::PlanFile::from_bytes(&bytes).unwrap().plan;

    // The first runner: the same create, made first.
    let address = format!("physical_line.{NEW_LINE}");
    let mut first = plan.clone();
    first.actions.retain(|a| a.address == address);
    assert_eq!(first.actions.len(), 1, "{:?}", plan.actions);
    first.actions[0].depends_on.clear();
    assert!(execute(&handle, &first).await.success());
    assert_eq!(lines_named(&handle, NEW_LINE).await, 1);

    let summary = execute(&handle, &plan).await;
    let report = summary
        .actions
        .iter()
        .find(|a| a.address == address)
        .unwrap();
    let ActionStatus::Failed { error } = &report.status else {
        panic!("the create was not refused: {:?}", report.status);
    };
    assert!(
        error.starts_with(&format!("conflict: {address} (lineID ")),
        "{error}"
    );
    assert!(error.contains("not created again"), "{error}");
    assert!(report.request_ids.is_empty(), "a call was sent: {report:?}");
    assert_eq!(lines_named(&handle, NEW_LINE).await, 1);
    // Only what needs that line waits; the rest of the plan is applied.
    assert!(summary.done() > 0 && summary.skipped() > 0, "{summary:?}");
    handle.shutdown().await.unwrap();
}

/// One apply of the quick start, from `dir`, with the shared lock.
fn locked_apply(
    handle: &emulator::Handle,
    dir: &std::path::Path,
    pg: &Postgres,
    more: &[&str],
) -> assert_cmd::Command {
    let mut cmd = cda_at(handle, dir);
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve", "--lock-url"])
        .arg(pg.url())
        .args(more);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_lock_serialises_two_applies_from_two_directories() {
    let pg = Postgres::start();
    let handle = spawn_seeded(FaultConfig {
        latency_ms: 3,
        ..FaultConfig::default()
    })
    .await;
    let (a, b) = (scratch(), scratch());

    // Held by someone else: refused at once without --lock-timeout, after
    // the timeout with it, naming the holder each time; nothing written.
    let other = SharedLock::acquire(&pg.url(), "nm8", DEMO_ACCOUNT, Duration::ZERO, |_| {})
        .await
        .unwrap();
    let out = run(locked_apply(&handle, a.path(), &pg, &[])).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("another cda apply holds the lock for region nm8")
            && err.contains("cda apply pid"),
        "{err}"
    );
    let started = Instant::now();
    let out = run(locked_apply(
        &handle,
        a.path(),
        &pg,
        &["--lock-timeout", "1s"],
    ))
    .await;
    assert_code(&out, 1);
    assert!(started.elapsed() >= Duration::from_secs(1));
    let err = stderr(&out);
    assert!(err.contains("waiting up to 1 s"), "{err}");
    assert!(err.contains("still after waiting 1 s"), "{err}");
    assert_eq!(writes(&handle), 0);
    other.release().await;

    // The race: both start at once; one applies, the other waits, then
    // plans from what the first left and finds nothing to do.
    let (one, two) = tokio::join!(
        run(locked_apply(
            &handle,
            a.path(),
            &pg,
            &["--lock-timeout", "60s"]
        )),
        run(locked_apply(
            &handle,
            b.path(),
            &pg,
            &["--lock-timeout", "60s"]
        )),
    );
    assert_code(&one, 0);
    assert_code(&two, 0);
    let outputs = [stdout(&one), stdout(&two)];
    let applied = outputs
        .iter()
        .filter(|o| o.contains("Apply complete"))
        .count();
    let unchanged = outputs.iter().filter(|o| o.contains("No changes")).count();
    assert_eq!((applied, unchanged), (1, 1), "{outputs:#?}");
    assert_eq!(lines_named(&handle, NEW_LINE).await, 1);
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_lock_url_the_directory_lock_works_as_before() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = scratch();
    let state = dir.path().join(".cda");
    std::fs::create_dir_all(&state).unwrap();
    // A live holder: this test process.
    std::fs::write(
        state.join("apply.lock"),
        format!("{}\n", std::process::id()),
    )
    .unwrap();
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("another cda apply is running in this directory"),
        "{err}"
    );
    assert!(!err.contains("waiting"), "{err}");
    assert_eq!(writes(&handle), 0);
    handle.shutdown().await.unwrap();
}
