//! One action's writes: journal each, send it, and when it fails re-read
//! before any retry, waiting a little longer each time.

use super::{ActionStatus, Backend, ErrorClass, Options};
use crate::journal::{Entry, Journal, Outcome};
use plan::{Action, Operation};
use std::time::Duration;

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

/// Make an action's calls in order; the first failing call fails the action.
pub(super) async fn run_action<B: Backend>(
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

/// After a write the API accepted: every attribute sent must show in a
/// re-read. A server that answers 800 and ignores a field fails the action
/// by name, never "done". The re-read is repeated with the usual backoff
/// before deciding, in case the server applies writes a moment later.
async fn confirm_applied<B: Backend>(
    backend: &B,
    address: &str,
    op: &Operation,
    options: &Options,
) -> Result<(), String> {
    let mut step = 0;
    loop {
        let missing = backend.not_applied(op).await.map_err(|e| {
            format!(
                "the API accepted the call, but the re-read to check it failed: {}",
                e.message
            )
        })?;
        if missing.is_empty() {
            return Ok(());
        }
        step += 1;
        if step >= options.max_attempts.max(1) {
            return Err(format!(
                "the API accepted the call but did not apply: {}",
                missing.join(", ")
            ));
        }
        let wait = doubling_delay(options.backoff, step - 1);
        tracing::info!(
            action = address,
            "not applied yet ({}); re-reading in {wait:?}",
            missing.join(", ")
        );
        tokio::time::sleep(wait).await;
    }
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
                record(Outcome::Ok, request_id, None)?;
                return confirm_applied(backend, address, op, options).await;
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
