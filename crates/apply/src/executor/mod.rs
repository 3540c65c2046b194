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
//! * every write is journalled (redacted) before the next one starts.

mod write;

pub use write::{await_visible, doubling_delay, seconds, NotVisible};

use crate::journal::Journal;
use plan::{Action, ActionId, Operation, Plan};
use serde_json::Value;
use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
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
    /// How long a change the API accepted may take to show in a re-read
    /// (lists lag on eventually consistent services) before its action
    /// fails as not applied.
    pub visibility_timeout: Duration,
}

/// The default of [`Options::visibility_timeout`]: a minute.
pub const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for Options {
    fn default() -> Self {
        Options {
            parallelism: 10,
            max_attempts: 4,
            backoff: Duration::from_millis(250),
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
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

#[cfg(test)]
mod tests;
