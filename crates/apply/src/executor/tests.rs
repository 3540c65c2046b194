use super::*;
use crate::interrupt::{Interrupts, Level, Signal};
use plan::action::{ChangeKind, ResourceKind};
use std::collections::HashMap;
use std::sync::Mutex;

/// What the fake does when asked to create gateway `name`.
#[derive(Clone, Copy)]
enum Script {
    /// Refused by the API.
    Refuse,
    /// Committed, but the response is lost (once).
    LoseResponse,
    /// Fails transiently without committing, `n` times.
    Transient(u32),
    /// Answers success but ignores the bandwidth it was sent.
    IgnoreBandwidth,
    /// Committed, but the next `n` re-reads do not list it yet.
    ShowsLate(u32),
}

#[derive(Default)]
struct Fake {
    scripts: Mutex<HashMap<String, Script>>,
    live: Mutex<HashSet<String>>,
    sends: Mutex<Vec<String>>,
    in_flight: Mutex<(usize, HashMap<String, usize>)>,
    max_in_flight: Mutex<(usize, usize)>,
    /// Post-write re-reads, by name.
    verifies: Mutex<Vec<String>>,
}

fn name_of(op: &Operation) -> String {
    match op {
        Operation::CreateGateway { name, .. } | Operation::DeleteGateway { name } => name.clone(),
        _ => unreachable!("the fake only knows gateways"),
    }
}

impl Backend for Fake {
    type Call = Operation;
    async fn prepare(&self, op: &Operation) -> Result<Prepared<Operation>, CallError> {
        Ok(Prepared {
            method: "POST",
            path: "/v4/cda/gateway/add",
            body: serde_json::json!({ "gatewayName": name_of(op) }),
            call: op.clone(),
        })
    }
    async fn send(&self, op: &Operation) -> Result<Option<String>, CallError> {
        let name = name_of(op);
        // The gateway key for concurrency tracking is the prefix before '-'.
        let gateway = name.split('-').next().unwrap_or_default().to_string();
        {
            let mut f = self.in_flight.lock().unwrap();
            f.0 += 1;
            let g = f.1.entry(gateway.clone()).or_default();
            *g += 1;
            let per_gateway = *g;
            let mut m = self.max_in_flight.lock().unwrap();
            m.0 = m.0.max(f.0);
            m.1 = m.1.max(per_gateway);
        }
        // Hold the "connection" open so that overlapping sends overlap.
        tokio::time::sleep(Duration::from_millis(10)).await;
        {
            let mut f = self.in_flight.lock().unwrap();
            f.0 -= 1;
            *f.1.entry(gateway).or_default() -= 1;
        }
        let n = self.sends.lock().unwrap().len();
        self.sends.lock().unwrap().push(name.clone());
        let request_id = Some(format!("req-{n}"));
        let script = self.scripts.lock().unwrap().get(&name).copied();
        match script {
            Some(Script::Refuse) => Err(CallError {
                message: "name taken".into(),
                request_id,
                class: ErrorClass::Permanent,
            }),
            Some(Script::LoseResponse) => {
                self.scripts.lock().unwrap().remove(&name);
                self.live.lock().unwrap().insert(name);
                Err(CallError {
                    message: "connection reset".into(),
                    request_id,
                    class: ErrorClass::UnknownOutcome,
                })
            }
            Some(Script::Transient(k)) => {
                if k <= 1 {
                    self.scripts.lock().unwrap().remove(&name);
                } else {
                    self.scripts
                        .lock()
                        .unwrap()
                        .insert(name, Script::Transient(k - 1));
                }
                Err(CallError {
                    message: "HTTP 503".into(),
                    request_id,
                    class: ErrorClass::Transient,
                })
            }
            Some(Script::IgnoreBandwidth | Script::ShowsLate(_)) | None => {
                self.live.lock().unwrap().insert(name);
                Ok(request_id)
            }
        }
    }
    async fn applied(&self, op: &Operation) -> Result<bool, CallError> {
        Ok(self.live.lock().unwrap().contains(&name_of(op)))
    }
    async fn not_applied(&self, op: &Operation) -> Result<Vec<String>, CallError> {
        let name = name_of(op);
        self.verifies.lock().unwrap().push(name.clone());
        let script = self.scripts.lock().unwrap().get(&name).copied();
        Ok(match script {
            Some(Script::IgnoreBandwidth) => vec!["bandwidth".into()],
            Some(Script::ShowsLate(n)) if n > 0 => {
                self.scripts
                    .lock()
                    .unwrap()
                    .insert(name, Script::ShowsLate(n - 1));
                vec!["gateway".into()]
            }
            _ => Vec::new(),
        })
    }
}

struct NoProgress;
impl Progress for NoProgress {
    fn started(&self, _: &Action) {}
    fn finished(&self, _: &Action, _: &ActionStatus, _: Option<Duration>) {}
}

/// An action creating gateway `name`, serialised on the gateway named by
/// the part of `name` before `-`.
fn create(id: ActionId, name: &str, depends_on: &[ActionId]) -> Action {
    Action {
        id,
        address: format!("gateway.{name}"),
        kind: ResourceKind::Gateway,
        change: ChangeKind::Create,
        gateway: Some(name.split('-').next().unwrap().to_string()),
        attributes: vec![],
        before: None,
        after: None,
        impact: vec![],
        depends_on: depends_on.to_vec(),
        calls: vec![Operation::CreateGateway {
            name: name.into(),
            hostname: "sw1".into(),
            access_point: None,
            description: None,
        }],
    }
}

fn plan_of(actions: Vec<Action>) -> Plan {
    Plan {
        format_version: plan::action::FORMAT_VERSION.into(),
        region: "nm8".into(),
        account: None,
        actions,
        unmanaged: vec![],
        notes: Vec::new(),
        fingerprints: Default::default(),
        mass_destroy: None,
        requested: Default::default(),
    }
}

fn options(parallelism: usize) -> Options {
    Options {
        parallelism,
        max_attempts: 3,
        backoff: Duration::from_millis(100),
        visibility_timeout: Duration::from_secs(2),
        ..Options::default()
    }
}

fn status<'a>(summary: &'a Summary, address: &str) -> &'a ActionStatus {
    &summary
        .actions
        .iter()
        .find(|a| a.address == address)
        .unwrap()
        .status
}

#[test]
fn backoff_doubles_up_to_64_times_the_first_wait() {
    let first = Duration::from_millis(200);
    let waits: Vec<u128> = (0..8)
        .map(|step| doubling_delay(first, step).as_millis())
        .collect();
    assert_eq!(waits, [200, 400, 800, 1600, 3200, 6400, 12800, 12800]);
}

#[tokio::test(start_paused = true)]
async fn parallelism_is_bounded() {
    let fake = Arc::new(Fake::default());
    let actions = (0..20).map(|i| create(i, &format!("g{i}"), &[])).collect();
    let summary = execute(
        &plan_of(actions),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(3),
    )
    .await;
    assert_eq!(summary.done(), 20);
    assert_eq!(fake.max_in_flight.lock().unwrap().0, 3);
}

#[tokio::test(start_paused = true)]
async fn writes_to_one_gateway_are_serialised() {
    let fake = Arc::new(Fake::default());
    let mut actions: Vec<Action> = (0..5).map(|i| create(i, &format!("a-{i}"), &[])).collect();
    actions.extend((5..10).map(|i| create(i, &format!("b-{i}"), &[])));
    let summary = execute(
        &plan_of(actions),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(10),
    )
    .await;
    assert_eq!(summary.done(), 10);
    let (total, per_gateway) = *fake.max_in_flight.lock().unwrap();
    assert_eq!(per_gateway, 1);
    // The two gateways did run side by side.
    assert_eq!(total, 2);
}

#[tokio::test(start_paused = true)]
async fn failure_skips_dependants_and_independent_branches_continue() {
    let fake = Arc::new(Fake::default());
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::Refuse);
    let actions = vec![
        create(0, "x", &[]),
        create(1, "y", &[0]),
        create(2, "z", &[1]),
        create(3, "w", &[]),
    ];
    let summary = execute(
        &plan_of(actions),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(10),
    )
    .await;
    assert_eq!(
        status(&summary, "gateway.x"),
        &ActionStatus::Failed {
            error: "name taken".into()
        }
    );
    assert_eq!(
        status(&summary, "gateway.y"),
        &ActionStatus::Skipped {
            because: "gateway.x".into()
        }
    );
    assert_eq!(
        status(&summary, "gateway.z"),
        &ActionStatus::Skipped {
            because: "gateway.y".into()
        }
    );
    assert_eq!(status(&summary, "gateway.w"), &ActionStatus::Done);
    assert_eq!(
        (summary.done(), summary.failed(), summary.skipped()),
        (1, 1, 2)
    );
    // A refusal is not retried; skipped actions send nothing.
    let mut sends = fake.sends.lock().unwrap().clone();
    sends.sort();
    assert_eq!(sends, vec!["w", "x"]);
    let x = summary
        .actions
        .iter()
        .find(|a| a.address == "gateway.x")
        .unwrap();
    assert_eq!(x.request_ids.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn lost_response_is_confirmed_by_a_reread_not_resent() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&dir.path().join("j.jsonl")).unwrap());
    let fake = Arc::new(Fake::default());
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::LoseResponse);
    let summary = execute(
        &plan_of(vec![create(0, "x", &[])]),
        Arc::clone(&fake),
        Some(journal),
        &NoProgress,
        &options(1),
    )
    .await;
    assert_eq!(summary.done(), 1);
    assert_eq!(fake.sends.lock().unwrap().len(), 1);
    let text = std::fs::read_to_string(dir.path().join("j.jsonl")).unwrap();
    let outcomes: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["outcome"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(outcomes, vec!["sent", "unknown", "confirmed"]);
}

#[tokio::test(start_paused = true)]
async fn transient_failure_without_effect_is_retried() {
    let fake = Arc::new(Fake::default());
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::Transient(1));
    let summary = execute(
        &plan_of(vec![create(0, "x", &[])]),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(1),
    )
    .await;
    assert_eq!(summary.done(), 1);
    assert_eq!(fake.sends.lock().unwrap().len(), 2);
    assert_eq!(summary.actions[0].request_ids, vec!["req-0", "req-1"]);
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded() {
    let fake = Arc::new(Fake::default());
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::Transient(100));
    let summary = execute(
        &plan_of(vec![create(0, "x", &[])]),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(1),
    )
    .await;
    assert_eq!(summary.failed(), 1);
    assert_eq!(fake.sends.lock().unwrap().len(), 3);
    assert!(!summary.success());
}

#[tokio::test(start_paused = true)]
async fn a_write_the_api_accepted_but_ignored_fails_by_name() {
    let fake = Arc::new(Fake::default());
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::IgnoreBandwidth);
    let actions = vec![
        create(0, "x", &[]),
        create(1, "y", &[0]),
        create(2, "w", &[]),
    ];
    let summary = execute(
        &plan_of(actions),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options(10),
    )
    .await;
    assert_eq!(
        status(&summary, "gateway.x"),
        &ActionStatus::Failed {
            error: "the API accepted the call but did not apply: bandwidth (not visible after 2 s)"
                .into()
        }
    );
    // Sent once, re-read with backoff (0.1, 0.2, 0.4, 0.8 s, then the 0.5 s
    // left) until the visibility timeout ran out; dependants wait.
    let sends = fake.sends.lock().unwrap().clone();
    assert_eq!(sends.iter().filter(|s| *s == "x").count(), 1);
    let verifies = fake.verifies.lock().unwrap().clone();
    assert_eq!(verifies.iter().filter(|s| *s == "x").count(), 6);
    assert!(!matches!(status(&summary, "gateway.y"), ActionStatus::Done));
    // Every accepted write is checked, and one that took is done.
    assert_eq!(status(&summary, "gateway.w"), &ActionStatus::Done);
    assert!(verifies.contains(&"w".to_string()));
}

#[tokio::test(start_paused = true)]
async fn a_write_listed_late_is_done_once_seen_and_journalled_confirmed() {
    let fake = Arc::new(Fake::default());
    // Not listed for the first 3 re-reads: 0.1 + 0.2 + 0.4 s of waiting.
    fake.scripts
        .lock()
        .unwrap()
        .insert("x".into(), Script::ShowsLate(3));
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(crate::journal::Journal::open(&dir.path().join("j.jsonl")).unwrap());
    let started = tokio::time::Instant::now();
    let summary = execute(
        &plan_of(vec![create(0, "x", &[]), create(1, "x-2", &[0])]),
        Arc::clone(&fake),
        Some(Arc::clone(&journal)),
        &NoProgress,
        &options(1),
    )
    .await;
    assert!(summary.success(), "{summary:?}");
    // Sent once, re-read until seen; the dependant started only after.
    let sends = fake.sends.lock().unwrap().clone();
    assert_eq!(sends, ["x", "x-2"]);
    let verifies = fake.verifies.lock().unwrap().clone();
    assert_eq!(verifies.iter().filter(|s| *s == "x").count(), 4);
    assert!(started.elapsed() >= Duration::from_millis(700));
    let text = std::fs::read_to_string(journal.path()).unwrap();
    let outcomes: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["action"] == "gateway.x")
        .map(|l| l["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(outcomes, ["sent", "ok", "confirmed"]);
    let sent: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(sent["operation"]["op"], "create_gateway", "{sent}");
    assert_eq!(sent["operation"]["name"], "x", "{sent}");
}

/// Progress that remembers what it was told, in order.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Progress for Recorder {
    fn started(&self, action: &Action) {
        self.0
            .lock()
            .unwrap()
            .push(format!("start {}", action.address));
    }
    fn finished(&self, action: &Action, status: &ActionStatus, took: Option<Duration>) {
        let took = took.map(|d| d.as_millis()).unwrap_or_default();
        self.0
            .lock()
            .unwrap()
            .push(format!("{:?} {} {took}ms", status, action.address));
    }
    fn still_running(&self, action: &Action, took: Duration) {
        self.0
            .lock()
            .unwrap()
            .push(format!("still {} {}ms", action.address, took.as_millis()));
    }
    fn stopping(&self, signal: Signal, finishing: &[&Action]) {
        let names: Vec<&str> = finishing.iter().map(|a| a.address.as_str()).collect();
        self.0
            .lock()
            .unwrap()
            .push(format!("stopping {signal} {names:?}"));
    }
    fn aborting(&self, signal: Signal, in_flight: &[&Action]) {
        let names: Vec<&str> = in_flight.iter().map(|a| a.address.as_str()).collect();
        self.0
            .lock()
            .unwrap()
            .push(format!("aborting {signal} {names:?}"));
    }
}

/// Raise `signal` on `interrupts` after `ms` (virtual) milliseconds.
fn raise_after(interrupts: &Interrupts, ms: u64, signal: Signal) {
    let interrupts = interrupts.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        interrupts.raise(signal);
    });
}

#[tokio::test(start_paused = true)]
async fn a_first_signal_lets_actions_in_flight_finish_and_starts_nothing_new() {
    let fake = Arc::new(Fake::default());
    let actions = (0..6).map(|i| create(i, &format!("g{i}"), &[])).collect();
    let options = options(2);
    raise_after(&options.interrupts, 5, Signal::Term);
    let progress = Recorder::default();
    let summary = execute(
        &plan_of(actions),
        Arc::clone(&fake),
        None,
        &progress,
        &options,
    )
    .await;
    // The two in flight (each call takes 10 ms) finished; nothing else ran.
    assert_eq!(fake.sends.lock().unwrap().clone(), ["g0", "g1"]);
    assert_eq!(
        (summary.done(), summary.not_started(), summary.failed()),
        (2, 4, 0)
    );
    assert_eq!(summary.interrupted, Level::Stop(Signal::Term));
    assert!(!summary.success());
    let events = progress.0.lock().unwrap().clone();
    assert!(
        events.contains(&r#"stopping SIGTERM ["gateway.g0", "gateway.g1"]"#.to_string()),
        "{events:?}"
    );
    // Done actions carry how long they ran; the others none.
    assert!(summary.actions[0].elapsed >= Some(Duration::from_millis(10)));
    assert_eq!(summary.actions[5].elapsed, None);
    assert!(summary.elapsed >= Duration::from_millis(10));
}

/// A delete, then a replace that waits for it, then the object created
/// again: the shape of a child under a replaced gateway.
fn replace_pair() -> Vec<Action> {
    let mut detach = create(0, "v-old", &[]);
    detach.address = "vpc.v.one".into();
    detach.kind = ResourceKind::Vpc;
    detach.change = ChangeKind::Delete;
    detach.calls = vec![Operation::DeleteGateway {
        name: "v-old".into(),
    }];
    let mut gateway = create(1, "v-gw", &[0]);
    gateway.change = ChangeKind::Replace;
    gateway.calls.insert(
        0,
        Operation::DeleteGateway {
            name: "v-gw".into(),
        },
    );
    let mut attach = create(2, "v-new", &[1]);
    attach.address = "vpc.v.one".into();
    attach.kind = ResourceKind::Vpc;
    vec![
        detach,
        gateway,
        attach,
        create(3, "u", &[]),
        create(4, "u-2", &[3]),
    ]
}

#[tokio::test(start_paused = true)]
async fn a_first_signal_finishes_a_replace_already_begun() {
    let fake = Arc::new(Fake::default());
    let options = options(1);
    // While the detach is in flight.
    raise_after(&options.interrupts, 5, Signal::Int);
    let progress = Recorder::default();
    let summary = execute(
        &plan_of(replace_pair()),
        Arc::clone(&fake),
        None,
        &progress,
        &options,
    )
    .await;
    assert_eq!(
        fake.sends.lock().unwrap().clone(),
        ["v-old", "v-gw", "v-gw", "v-new"]
    );
    let statuses: Vec<&ActionStatus> = summary.actions.iter().map(|a| &a.status).collect();
    use ActionStatus::{Done, NotStarted};
    assert_eq!(statuses, [&Done, &Done, &Done, &NotStarted, &NotStarted]);
    let events = progress.0.lock().unwrap().clone();
    assert!(
        events
            .contains(&r#"stopping SIGINT ["vpc.v.one", "gateway.v-gw", "vpc.v.one"]"#.to_string()),
        "{events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_signal_before_the_walk_starts_nothing() {
    let fake = Arc::new(Fake::default());
    let options = options(4);
    options.interrupts.raise(Signal::Int);
    let summary = execute(
        &plan_of(replace_pair()),
        Arc::clone(&fake),
        None,
        &NoProgress,
        &options,
    )
    .await;
    assert!(fake.sends.lock().unwrap().is_empty());
    assert_eq!(summary.not_started(), 5);
}

#[tokio::test(start_paused = true)]
async fn a_second_signal_abandons_calls_in_flight_and_journals_them_interrupted() {
    let fake = Arc::new(Fake::default());
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(crate::journal::Journal::open(&dir.path().join("j.jsonl")).unwrap());
    let options = options(1);
    raise_after(&options.interrupts, 3, Signal::Int);
    raise_after(&options.interrupts, 6, Signal::Int);
    let progress = Recorder::default();
    let summary = execute(
        &plan_of(replace_pair()),
        Arc::clone(&fake),
        Some(Arc::clone(&journal)),
        &progress,
        &options,
    )
    .await;
    // The detach's send (10 ms) never answered.
    assert!(fake.sends.lock().unwrap().is_empty());
    assert_eq!(summary.interrupted, Level::Abort(Signal::Int, Signal::Int));
    assert_eq!(
        summary.actions[0].status,
        ActionStatus::Interrupted,
        "{summary:?}"
    );
    assert_eq!(summary.not_started(), 4, "{summary:?}");
    let text = std::fs::read_to_string(journal.path()).unwrap();
    let outcomes: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|l| {
            format!(
                "{} {}",
                l["action"].as_str().unwrap(),
                l["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(outcomes, ["vpc.v.one sent", "vpc.v.one interrupted"]);
    let events = progress.0.lock().unwrap().clone();
    assert!(
        events.contains(&r#"aborting SIGINT ["vpc.v.one"]"#.to_string()),
        "{events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_action_still_running_is_reported_every_heartbeat() {
    let fake = Arc::new(Fake::default());
    // Not listed for 3 re-reads: 10 ms send + 100 + 200 + 400 ms of waiting.
    fake.scripts
        .lock()
        .unwrap()
        .insert("slow".into(), Script::ShowsLate(3));
    let options = Options {
        heartbeat: Duration::from_millis(300),
        ..options(2)
    };
    let progress = Recorder::default();
    let summary = execute(
        &plan_of(vec![create(0, "slow", &[]), create(1, "quick", &[])]),
        Arc::clone(&fake),
        None,
        &progress,
        &options,
    )
    .await;
    assert!(summary.success());
    let events = progress.0.lock().unwrap().clone();
    let beats: Vec<&String> = events.iter().filter(|e| e.starts_with("still")).collect();
    assert_eq!(
        beats,
        ["still gateway.slow 300ms", "still gateway.slow 600ms"],
        "{events:?}"
    );
    assert!(
        events.contains(&"Done gateway.slow 710ms".to_string()),
        "{events:?}"
    );
}
