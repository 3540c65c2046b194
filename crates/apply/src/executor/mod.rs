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
//! * a write is done only once a re-read shows it (every attribute sent),
//!   waiting with backoff up to a visibility timeout: an apply that exits 0
//!   leaves nothing in flight;
//! * a create is sent only when a re-read just before it finds no object
//!   with its identity: one made since the plan (a second apply racing this
//!   one, a change by hand) fails the action as a conflict instead of
//!   being made twice;
//! * every write is journalled (redacted) before the next one starts;
//! * a first signal (SIGINT, SIGTERM) starts nothing new except what it takes
//!   to finish a replace already begun, and lets actions in flight finish; a
//!   second abandons them, journalled `interrupted`.

mod finish;
mod write;

pub use finish::{must_finish, Phase};
pub use write::{await_visible, doubling_delay, seconds, NotVisible};

use crate::interrupt::{Interrupts, Level, Signal};
use crate::journal::Journal;
use plan::{Action, ActionId, Operation, Plan};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;
use write::run_action;

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
    /// After a write the API accepted: re-read and name the attributes it
    /// sent that the live estate does not show (empty: all applied). The
    /// default trusts the answer; the real backend asks `plan::verify`.
    fn not_applied(
        &self,
        _op: &Operation,
    ) -> impl Future<Output = Result<Vec<String>, CallError>> + Send {
        async { Ok(Vec::new()) }
    }
    /// Just before a create: the live object that already has the identity
    /// `op` would create (made since the plan, by another apply or by hand),
    /// named; `None` when there is none. The default sees none; the real
    /// backend re-reads and asks `plan::verify::existing`.
    fn existing(
        &self,
        _op: &Operation,
    ) -> impl Future<Output = Result<Option<String>, CallError>> + Send {
        async { Ok(None) }
    }
}

/// Receives progress as actions start and finish.
pub trait Progress: Send + Sync {
    fn started(&self, action: &Action);
    /// `elapsed`: how long the action ran (`None` when it never started).
    fn finished(&self, action: &Action, status: &ActionStatus, elapsed: Option<Duration>);
    /// An action still running, every [`Options::heartbeat`].
    fn still_running(&self, _action: &Action, _elapsed: Duration) {}
    /// A first signal: nothing new starts but `finishing` (the actions in
    /// flight and the second halves of replaces already begun).
    fn stopping(&self, _signal: Signal, _finishing: &[&Action]) {}
    /// A second signal: the actions in `in_flight` are abandoned.
    fn aborting(&self, _signal: Signal, _in_flight: &[&Action]) {}
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Actions in flight at once (at least 1).
    pub parallelism: usize,
    /// Sends of one call, first one included, before giving up.
    pub max_attempts: u32,
    /// Wait before the first re-read; doubles for each further attempt.
    pub backoff: Duration,
    /// How long a change the API accepted may take to show in a re-read
    /// (lists lag on eventually consistent services) before its action
    /// fails as not applied.
    pub visibility_timeout: Duration,
    /// How often an action still running is reported
    /// ([`Progress::still_running`]).
    pub heartbeat: Duration,
    /// SIGINT and SIGTERM: the first stops the walk gracefully, the second
    /// at once.
    pub interrupts: Interrupts,
}

/// The default of [`Options::visibility_timeout`]: a minute.
pub const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(60);

/// The default of [`Options::heartbeat`], as Terraform's "Still creating...".
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);

impl Default for Options {
    fn default() -> Self {
        Options {
            parallelism: 10,
            max_attempts: 4,
            backoff: Duration::from_millis(250),
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
            heartbeat: DEFAULT_HEARTBEAT,
            interrupts: Interrupts::none(),
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
    /// Not started because a signal stopped the apply.
    NotStarted,
    /// Running when a second signal stopped the apply at once: its call in
    /// flight is journalled `interrupted`, its effect unknown.
    Interrupted,
}

/// What happened to one action.
#[derive(Debug, Clone)]
pub struct ActionReport {
    pub id: ActionId,
    pub address: String,
    pub status: ActionStatus,
    /// Request ids of the calls made, in order (including failed ones).
    pub request_ids: Vec<String>,
    /// How long it ran; `None` if it never started.
    pub elapsed: Option<Duration>,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// In plan order.
    pub actions: Vec<ActionReport>,
    /// `Running` unless a signal stopped the walk.
    pub interrupted: Level,
    /// Wall time of the whole walk.
    pub elapsed: Duration,
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
    /// Kept from starting by a signal.
    pub fn not_started(&self) -> usize {
        self.count(|s| matches!(s, ActionStatus::NotStarted))
    }
    /// Abandoned in flight by a second signal.
    pub fn interrupted(&self) -> usize {
        self.count(|s| matches!(s, ActionStatus::Interrupted))
    }
    pub fn success(&self) -> bool {
        self.interrupted == Level::Running
            && self
                .actions
                .iter()
                .all(|a| matches!(a.status, ActionStatus::Done))
    }
}

#[derive(Debug, Clone)]
enum State {
    Pending,
    Running(Instant),
    Finished(ActionStatus),
}

/// The walk's bookkeeping, one entry per action of the plan.
struct Walk<'p> {
    plan: &'p Plan,
    index: HashMap<ActionId, usize>,
    state: Vec<State>,
    request_ids: Vec<Vec<String>>,
    elapsed: Vec<Option<Duration>>,
    /// Heartbeats reported per running action.
    beats: Vec<u32>,
    busy_gateways: HashSet<String>,
    /// How far a signal has stopped the walk.
    level: Level,
}

/// Run every action of `plan`. Never returns early: the summary accounts for
/// each action. A first signal ([`Options::interrupts`]) starts nothing
/// new except the second halves of replaces already begun
/// ([`must_finish`]) and lets actions in flight finish; a second abandons
/// the actions in flight, journalling their calls `interrupted`.
pub async fn execute<B: Backend>(
    plan: &Plan,
    backend: Arc<B>,
    journal: Option<Arc<Journal>>,
    progress: &dyn Progress,
    options: &Options,
) -> Summary {
    let walk_started = Instant::now();
    let n = plan.actions.len();
    let mut walk = Walk {
        plan,
        index: plan
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect(),
        state: vec![State::Pending; n],
        request_ids: vec![Vec::new(); n],
        elapsed: vec![None; n],
        beats: vec![0; n],
        busy_gateways: HashSet::new(),
        level: Level::Running,
    };
    let mut running: JoinSet<(ActionStatus, Vec<String>)> = JoinSet::new();
    // Task id → action index, so even a panicking task is accounted for.
    let mut tasks: HashMap<tokio::task::Id, usize> = HashMap::new();
    let parallelism = options.parallelism.max(1);
    let mut signals = options.interrupts.watch();
    let heartbeat = options.heartbeat.max(Duration::from_millis(1));
    let mut beat = tokio::time::interval_at(Instant::now() + heartbeat, heartbeat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        // A signal that came before the walk (or between two of its steps)
        // counts before anything more starts.
        let level = *signals.borrow_and_update();
        if level != walk.level && walk.escalate(level, progress) {
            abandon(&mut walk, &mut running, &mut tasks, journal.as_deref()).await;
            break;
        }
        walk.skip_blocked(progress);

        // Start whatever is ready, in plan order.
        for i in 0..n {
            if running.len() >= parallelism {
                break;
            }
            if !walk.ready(i) {
                continue;
            }
            let action = &plan.actions[i];
            if let Some(g) = &action.gateway {
                walk.busy_gateways.insert(g.clone());
            }
            walk.state[i] = State::Running(Instant::now());
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
        if running.is_empty() {
            break;
        }

        tokio::select! {
            joined = running.join_next_with_id() => {
                let (i, status, ids) = match joined {
                    None => break,
                    Some(Ok((task, (status, ids)))) => (tasks.remove(&task), status, ids),
                    Some(Err(join_error)) => {
                        let error = format!("internal error: {join_error}");
                        (tasks.remove(&join_error.id()), ActionStatus::Failed { error }, Vec::new())
                    }
                };
                if let Some(i) = i {
                    walk.finish(i, status, ids, progress);
                }
            }
            // A closed channel cannot happen (the options hold the sender).
            Ok(()) = signals.changed() => {}
            _ = beat.tick() => walk.heartbeat(heartbeat, progress),
        }
    }

    let actions = plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| ActionReport {
            id: a.id,
            address: a.address.clone(),
            status: match &walk.state[i] {
                State::Finished(s) => s.clone(),
                // Unreachable unless `depends_on` has a cycle.
                State::Pending | State::Running(_) => ActionStatus::Skipped {
                    because: "a dependency cycle".into(),
                },
            },
            request_ids: std::mem::take(&mut walk.request_ids[i]),
            elapsed: walk.elapsed[i],
        })
        .collect();
    Summary {
        actions,
        interrupted: walk.level,
        elapsed: walk_started.elapsed(),
    }
}

/// After a second signal: abort the actions in flight, account for each,
/// and journal their calls in flight as `interrupted`.
async fn abandon(
    walk: &mut Walk<'_>,
    running: &mut JoinSet<(ActionStatus, Vec<String>)>,
    tasks: &mut HashMap<tokio::task::Id, usize>,
    journal: Option<&Journal>,
) {
    running.abort_all();
    // Aborted tasks stop at their next await; one may finish first, and
    // then it is reported as it finished. After this no task writes to the
    // journal, so the `interrupted` lines are the calls' last.
    while let Some(joined) = running.join_next_with_id().await {
        let (task, result) = match joined {
            Ok((task, (status, ids))) => (task, Some((status, ids))),
            Err(e) => (e.id(), None),
        };
        let Some(i) = tasks.remove(&task) else {
            continue;
        };
        let (status, ids) = result.unwrap_or((ActionStatus::Interrupted, Vec::new()));
        walk.record(i, status, ids);
    }
    if let (Some(journal), Some(signal)) = (journal, walk.level.signal()) {
        let why = format!("stopped in flight by a second signal (first {signal})");
        if let Err(e) = journal.interrupt_in_flight(&why) {
            tracing::warn!("cannot journal the calls in flight as interrupted: {e}");
        }
    }
    walk.not_started(|_| false);
}

impl Walk<'_> {
    fn dep_index(&self, dep: &ActionId) -> Option<usize> {
        self.index.get(dep).copied()
    }

    /// Whether action `i` can start now.
    fn ready(&self, i: usize) -> bool {
        let action = &self.plan.actions[i];
        matches!(self.state[i], State::Pending)
            && action.depends_on.iter().all(|dep| {
                self.dep_index(dep)
                    .is_some_and(|d| matches!(self.state[d], State::Finished(ActionStatus::Done)))
            })
            && action
                .gateway
                .as_ref()
                .is_none_or(|g| !self.busy_gateways.contains(g))
    }

    /// Skip what can no longer run. Repeat to a fixpoint so a chain of
    /// dependants is skipped whatever the order of `actions`.
    fn skip_blocked(&mut self, progress: &dyn Progress) {
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..self.state.len() {
                if !matches!(self.state[i], State::Pending) {
                    continue;
                }
                let blocker = self.plan.actions[i].depends_on.iter().find_map(|dep| {
                    let Some(d) = self.dep_index(dep) else {
                        return Some(format!("unknown action #{dep}"));
                    };
                    match &self.state[d] {
                        State::Finished(ActionStatus::Done)
                        | State::Pending
                        | State::Running(_) => None,
                        State::Finished(_) => Some(self.plan.actions[d].address.clone()),
                    }
                });
                if let Some(because) = blocker {
                    let status = ActionStatus::Skipped { because };
                    progress.finished(&self.plan.actions[i], &status, None);
                    self.state[i] = State::Finished(status);
                    changed = true;
                }
            }
        }
    }

    fn record(&mut self, i: usize, status: ActionStatus, ids: Vec<String>) {
        if let State::Running(started) = self.state[i] {
            self.elapsed[i] = Some(started.elapsed());
        }
        if let Some(g) = &self.plan.actions[i].gateway {
            self.busy_gateways.remove(g);
        }
        self.request_ids[i] = ids;
        self.state[i] = State::Finished(status);
    }

    fn finish(
        &mut self,
        i: usize,
        status: ActionStatus,
        ids: Vec<String>,
        progress: &dyn Progress,
    ) {
        self.record(i, status.clone(), ids);
        progress.finished(&self.plan.actions[i], &status, self.elapsed[i]);
    }

    /// Report every action running for another whole `heartbeat`.
    fn heartbeat(&mut self, heartbeat: Duration, progress: &dyn Progress) {
        for (i, state) in self.state.iter().enumerate() {
            if let State::Running(started) = state {
                let elapsed = started.elapsed();
                if elapsed >= heartbeat.saturating_mul(self.beats[i] + 1) {
                    self.beats[i] = (elapsed.as_nanos() / heartbeat.as_nanos().max(1))
                        .try_into()
                        .unwrap_or(u32::MAX);
                    progress.still_running(&self.plan.actions[i], elapsed);
                }
            }
        }
    }

    /// Mark pending actions for which `keep` is false as not started.
    fn not_started(&mut self, keep: impl Fn(usize) -> bool) {
        for i in 0..self.state.len() {
            if matches!(self.state[i], State::Pending) && !keep(i) {
                self.state[i] = State::Finished(ActionStatus::NotStarted);
            }
        }
    }

    /// Take in a higher interrupt level. Returns true when the walk must
    /// stop at once (a second signal).
    fn escalate(&mut self, level: Level, progress: &dyn Progress) -> bool {
        let first = self.level == Level::Running;
        self.level = level;
        match level {
            Level::Running => false,
            Level::Stop(signal) => {
                let states: Vec<Phase> = self.state.iter().map(Phase::of).collect();
                let keep = must_finish(self.plan, &states);
                self.not_started(|i| keep[i]);
                let finishing: Vec<&Action> = (0..self.state.len())
                    .filter(|&i| keep[i] || matches!(self.state[i], State::Running(_)))
                    .map(|i| &self.plan.actions[i])
                    .collect();
                progress.stopping(signal, &finishing);
                false
            }
            Level::Abort(first_signal, second) => {
                if first {
                    // Both signals came before the walk looked: report the
                    // first too.
                    progress.stopping(first_signal, &[]);
                }
                let in_flight: Vec<&Action> = (0..self.state.len())
                    .filter(|&i| matches!(self.state[i], State::Running(_)))
                    .map(|i| &self.plan.actions[i])
                    .collect();
                progress.aborting(second, &in_flight);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests;
