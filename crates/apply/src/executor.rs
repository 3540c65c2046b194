//! The executor: walks a plan's action graph and makes its calls.
//!
//! The walk is generic over a [`Backend`] (the real one maps each
//! [`Operation`] to a `cda-api` call, see [`crate::calls`]), which keeps the
//! scheduling rules testable without a server:
//!
//! * at most `parallelism` actions run at once, and never two actions of the
//!   same gateway (the API serialises a gateway's configuration anyway, and
//!   concurrent writes to one gateway are where real services misbehave);
//! * an action starts when everything it depends on is done; when an action
//!   fails, every action that depends on it (transitively) is skipped, while
//!   independent branches carry on;
//! * a write whose outcome is unknown, or that failed transiently, is never
//!   blindly resent: the object is re-read first, and only an absent effect is
//!   retried, with backoff, a bounded number of times;
//! * every write is journalled (redacted) before the next one starts.

use crate::journal::{Entry, Journal, Outcome};
use plan::{Action, ActionId, Operation, Plan};
use serde_json::Value;
use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// How a failed call may be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The API refused the call; resending cannot help.
    Permanent,
    /// Connection errors, 5xx, throttling: the write may or may not have
    /// been processed.
    Transient,
    /// The request was sent and the response lost.
    UnknownOutcome,
}

/// A failed call.
#[derive(Debug, Clone)]
pub struct CallError {
    pub message: String,
    pub request_id: Option<String>,
    pub class: ErrorClass,
}

impl CallError {
    pub fn permanent(message: impl Into<String>) -> Self {
        CallError {
            message: message.into(),
            request_id: None,
            class: ErrorClass::Permanent,
        }
    }
}

/// A call ready to send: what the journal and `--dry-run` show, and the
/// backend's own request.
#[derive(Debug, Clone)]
pub struct Prepared<C> {
    pub method: &'static str,
    pub path: &'static str,
    /// The request parameters with secrets redacted.
    pub body: Value,
    pub call: C,
}

impl<C> Prepared<C> {
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Where operations go. Implemented over `cda-api` for real runs and by
/// fakes in tests.
pub trait Backend: Send + Sync + 'static {
    type Call: Send + Sync + 'static;
    /// Build the request: resolve line IDs and secret references.
    fn prepare(
        &self,
        op: &Operation,
    ) -> impl Future<Output = Result<Prepared<Self::Call>, CallError>> + Send;
    /// Send it. `Ok` carries the request id.
    fn send(
        &self,
        call: &Self::Call,
    ) -> impl Future<Output = Result<Option<String>, CallError>> + Send;
    /// Re-read the live estate: has `op` taken effect?
    fn applied(&self, op: &Operation) -> impl Future<Output = Result<bool, CallError>> + Send;
}

/// The one backoff schedule in apply: `first`, doubled at each step, at
/// most 64 × `first`. Used between a failed write and its re-read, and
/// between line listings that wait for a new line to show.
///
/// Written out rather than taken from `backon`: its exponential schedule
/// computes each delay in `f32` seconds (400.000006 ms where this gives
/// 400 ms), and neither wait is a plain retry of one future: a re-read or a
/// listing decides what comes next.
pub fn doubling_delay(first: Duration, step: u32) -> Duration {
    first.saturating_mul(1 << step.min(6))
}

/// Receives progress as actions start and finish.
pub trait Progress: Send + Sync {
    fn started(&self, action: &Action);
    fn finished(&self, action: &Action, status: &ActionStatus);
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Actions in flight at once (at least 1).
    pub parallelism: usize,
    /// Sends of one call, first one included, before giving up.
    pub max_attempts: u32,
    /// Wait before the first re-read; doubles for each further attempt.
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parallelism: 10,
            max_attempts: 4,
            backoff: Duration::from_millis(250),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionStatus {
    Done,
    Failed {
        error: String,
    },
    /// Not started because this dependency failed or was skipped.
    Skipped {
        because: String,
    },
}

/// What happened to one action.
#[derive(Debug, Clone)]
pub struct ActionReport {
    pub id: ActionId,
    pub address: String,
    pub status: ActionStatus,
    /// Request ids of the calls made, in order (including failed ones).
    pub request_ids: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// In plan order.
    pub actions: Vec<ActionReport>,
}

impl Summary {
    pub fn count(&self, pred: impl Fn(&ActionStatus) -> bool) -> usize {
        self.actions.iter().filter(|a| pred(&a.status)).count()
    }
    pub fn done(&self) -> usize {
        self.count(|s| matches!(s, ActionStatus::Done))
    }
    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, ActionStatus::Failed { .. }))
    }
    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, ActionStatus::Skipped { .. }))
    }
    pub fn success(&self) -> bool {
        self.failed() == 0 && self.skipped() == 0
    }
}

#[derive(Debug, Clone)]
enum State {
    Pending,
    Running,
    Finished(ActionStatus),
}

/// Run every action of `plan`. Never returns early: the summary accounts for
/// each action.
pub async fn execute<B: Backend>(
    plan: &Plan,
    backend: Arc<B>,
    journal: Option<Arc<Journal>>,
    progress: &dyn Progress,
    options: &Options,
) -> Summary {
    let n = plan.actions.len();
    let index: std::collections::HashMap<ActionId, usize> = plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let mut state = vec![State::Pending; n];
    let mut request_ids: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut busy_gateways: HashSet<String> = HashSet::new();
    let mut running: JoinSet<(ActionStatus, Vec<String>)> = JoinSet::new();
    // Task id → action index, so even a panicking task is accounted for.
    let mut tasks: std::collections::HashMap<tokio::task::Id, usize> =
        std::collections::HashMap::new();
    let parallelism = options.parallelism.max(1);

    loop {
        // Skip what can no longer run. Repeat to a fixpoint so a chain of
        // dependants is skipped whatever the order of `actions`.
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                if !matches!(state[i], State::Pending) {
                    continue;
                }
                let blocker = plan.actions[i].depends_on.iter().find_map(|dep| {
                    let Some(&d) = index.get(dep) else {
                        return Some(format!("unknown action #{dep}"));
                    };
                    match &state[d] {
                        State::Finished(
                            ActionStatus::Failed { .. } | ActionStatus::Skipped { .. },
                        ) => Some(plan.actions[d].address.clone()),
                        _ => None,
                    }
                });
                if let Some(because) = blocker {
                    let status = ActionStatus::Skipped { because };
                    progress.finished(&plan.actions[i], &status);
                    state[i] = State::Finished(status);
                    changed = true;
                }
            }
        }

        // Start whatever is ready, in plan order.
        for i in 0..n {
            if running.len() >= parallelism {
                break;
            }
            let action = &plan.actions[i];
            let ready = matches!(state[i], State::Pending)
                && action.depends_on.iter().all(|dep| {
                    index
                        .get(dep)
                        .is_some_and(|&d| matches!(state[d], State::Finished(ActionStatus::Done)))
                })
                && action
                    .gateway
                    .as_ref()
                    .is_none_or(|g| !busy_gateways.contains(g));
            if !ready {
                continue;
            }
            if let Some(g) = &action.gateway {
                busy_gateways.insert(g.clone());
            }
            state[i] = State::Running;
            progress.started(action);
            let backend = Arc::clone(&backend);
            let journal = journal.clone();
            let action = action.clone();
            let options = options.clone();
            let handle = running.spawn(async move {
                run_action(&*backend, journal.as_deref(), &action, &options).await
            });
            tasks.insert(handle.id(), i);
        }

        let (i, status, ids) = match running.join_next_with_id().await {
            None => break,
            Some(Ok((task, (status, ids)))) => (tasks.remove(&task), status, ids),
            Some(Err(join_error)) => {
                let error = format!("internal error: {join_error}");
                (
                    tasks.remove(&join_error.id()),
                    ActionStatus::Failed { error },
                    Vec::new(),
                )
            }
        };
        let Some(i) = i else { continue };
        if let Some(g) = &plan.actions[i].gateway {
            busy_gateways.remove(g);
        }
        progress.finished(&plan.actions[i], &status);
        request_ids[i] = ids;
        state[i] = State::Finished(status);
    }

    let actions = plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| ActionReport {
            id: a.id,
            address: a.address.clone(),
            status: match &state[i] {
                State::Finished(s) => s.clone(),
                // Unreachable unless `depends_on` has a cycle.
                State::Pending | State::Running => ActionStatus::Skipped {
                    because: "a dependency cycle".into(),
                },
            },
            request_ids: std::mem::take(&mut request_ids[i]),
        })
        .collect();
    Summary { actions }
}

/// Make an action's calls in order; the first failing call fails the action.
async fn run_action<B: Backend>(
    backend: &B,
    journal: Option<&Journal>,
    action: &Action,
    options: &Options,
) -> (ActionStatus, Vec<String>) {
    let mut ids = Vec::new();
    for op in &action.calls {
        if let Err(error) = run_call(backend, journal, &action.address, op, options, &mut ids).await
        {
            return (ActionStatus::Failed { error }, ids);
        }
    }
    (ActionStatus::Done, ids)
}

/// One call, with re-read before any retry.
async fn run_call<B: Backend>(
    backend: &B,
    journal: Option<&Journal>,
    address: &str,
    op: &Operation,
    options: &Options,
    ids: &mut Vec<String>,
) -> Result<(), String> {
    let prepared = backend.prepare(op).await.map_err(|e| e.message)?;
    let record = |outcome: Outcome,
                  request_id: Option<String>,
                  error: Option<String>|
     -> Result<(), String> {
        let Some(journal) = journal else {
            return Ok(());
        };
        let mut entry = Entry::new(
            address,
            &prepared.endpoint(),
            prepared.body.clone(),
            outcome,
        );
        entry.request_id = request_id;
        entry.error = error;
        // Without a journal entry there is no evidence of the call: stop.
        journal
            .record(&entry)
            .map_err(|e| format!("cannot write journal {}: {e}", journal.path().display()))
    };

    let mut attempt = 1;
    loop {
        record(Outcome::Sent, None, None)?;
        match backend.send(&prepared.call).await {
            Ok(request_id) => {
                ids.extend(request_id.clone());
                return record(Outcome::Ok, request_id, None);
            }
            Err(err) => {
                ids.extend(err.request_id.clone());
                // A permanent refusal on a first attempt is final. On a later
                // attempt it may be the API telling us the earlier, "lost"
                // attempt did succeed (name taken, already bound): re-read.
                if err.class == ErrorClass::Permanent && attempt == 1 {
                    record(
                        Outcome::Failed,
                        err.request_id.clone(),
                        Some(err.message.clone()),
                    )?;
                    return Err(err.message);
                }
                record(
                    Outcome::Unknown,
                    err.request_id.clone(),
                    Some(err.message.clone()),
                )?;
                let wait = doubling_delay(options.backoff, attempt - 1);
                tracing::warn!(
                    action = address,
                    attempt,
                    "write failed ({}); re-reading in {wait:?}",
                    err.message
                );
                tokio::time::sleep(wait).await;
                match backend.applied(op).await {
                    Ok(true) => return record(Outcome::Confirmed, err.request_id, None),
                    Ok(false)
                        if err.class != ErrorClass::Permanent && attempt < options.max_attempts =>
                    {
                        attempt += 1;
                    }
                    Ok(false) => return Err(err.message),
                    Err(read) => {
                        return Err(format!(
                            "{}; the re-read to check its effect failed too: {}",
                            err.message, read.message
                        ))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
    }

    #[derive(Default)]
    struct Fake {
        scripts: Mutex<HashMap<String, Script>>,
        live: Mutex<HashSet<String>>,
        sends: Mutex<Vec<String>>,
        in_flight: Mutex<(usize, HashMap<String, usize>)>,
        max_in_flight: Mutex<(usize, usize)>,
    }

    fn name_of(op: &Operation) -> String {
        match op {
            Operation::CreateGateway { name, .. } | Operation::DeleteGateway { name } => {
                name.clone()
            }
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
                None => {
                    self.live.lock().unwrap().insert(name);
                    Ok(request_id)
                }
            }
        }
        async fn applied(&self, op: &Operation) -> Result<bool, CallError> {
            Ok(self.live.lock().unwrap().contains(&name_of(op)))
        }
    }

    struct NoProgress;
    impl Progress for NoProgress {
        fn started(&self, _: &Action) {}
        fn finished(&self, _: &Action, _: &ActionStatus) {}
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
            fingerprints: Default::default(),
        }
    }

    fn options(parallelism: usize) -> Options {
        Options {
            parallelism,
            max_attempts: 3,
            backoff: Duration::from_millis(100),
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
}
