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

/// Read your own writes: re-read until every attribute `op` sent shows,
/// waiting with the usual backoff, for at most `options.visibility_timeout`
/// in all. The one post-write check: it verifies that the API took every
/// attribute (a server that answers 800 and ignores a field fails by name)
/// and waits out an API that lists a change late (eventual consistency), for
/// creates, updates and deletes alike. Also how the next run awaits the
/// writes a killed run journalled. `Err` carries the attributes (or the
/// object's kind) still not shown when the time ran out, or why the last
/// re-read failed.
pub async fn await_visible<B: Backend>(
    backend: &B,
    address: &str,
    op: &Operation,
    options: &Options,
) -> Result<(), NotVisible> {
    let deadline = tokio::time::Instant::now() + options.visibility_timeout;
    let mut step = 0;
    loop {
        // A re-read that fails is tried again too: it may be resolving a
        // line that is not listed yet either.
        let why = match backend.not_applied(op).await {
            Ok(missing) if missing.is_empty() => return Ok(()),
            Ok(missing) => NotVisible::Missing(missing),
            Err(e) => NotVisible::RereadFailed(e.message),
        };
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(why);
        }
        let wait = doubling_delay(options.backoff, step).min(deadline - now);
        step += 1;
        tracing::info!(
            action = address,
            "not visible yet ({why:?}); re-reading in {wait:?}"
        );
        tokio::time::sleep(wait).await;
    }
}

/// Why [`await_visible`] gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotVisible {
    /// What a re-read still did not show when the visibility timeout ran out.
    Missing(Vec<String>),
    /// The re-read failed.
    RereadFailed(String),
}

/// After a write the API accepted: the change must show in a re-read
/// before the action is done.
async fn confirm_applied<B: Backend>(
    backend: &B,
    address: &str,
    op: &Operation,
    options: &Options,
) -> Result<(), String> {
    await_visible(backend, address, op, options)
        .await
        .map_err(|e| match e {
            NotVisible::RereadFailed(message) => {
                format!("the API accepted the call, but the re-read to check it failed: {message}")
            }
            NotVisible::Missing(missing) => format!(
                "the API accepted the call but did not apply: {} (not visible after {})",
                missing.join(", "),
                seconds(options.visibility_timeout)
            ),
        })
}

/// `60 s`, `1.5 s`: a timeout as users set it.
pub fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// A create whose object now exists (made since the plan was read) is
/// not sent: a second line would be a second circuit order. Checked once,
/// before the first attempt; a resend after an unknown outcome re-reads
/// through [`Backend::applied`] instead.
async fn refuse_duplicate<B: Backend>(
    backend: &B,
    address: &str,
    op: &Operation,
) -> Result<(), String> {
    if !plan::verify::creates(op) {
        return Ok(());
    }
    match backend.existing(op).await {
        Ok(None) => Ok(()),
        Ok(Some(found)) => Err(format!(
            "conflict: {found} already exists; it was created after this plan read the \
             estate (another apply, or a change by hand), so it was not created again. \
             Run `cda plan` to see the estate as it is now"
        )),
        Err(e) => {
            tracing::warn!(
                action = address,
                "cannot check for a duplicate: {}",
                e.message
            );
            Err(format!(
                "not created: the re-read that checks nobody created it meanwhile failed: {}",
                e.message
            ))
        }
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
    refuse_duplicate(backend, address, op).await?;
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
        if outcome == Outcome::Sent {
            // What the next run awaits if this one dies before knowing.
            entry.operation = serde_json::to_value(op).ok();
        }
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
                record(Outcome::Ok, request_id.clone(), None)?;
                return match confirm_applied(backend, address, op, options).await {
                    // Seen: the next run need not await it.
                    Ok(()) => record(Outcome::Confirmed, request_id, None),
                    Err(error) => {
                        record(Outcome::Failed, request_id, Some(error.clone()))?;
                        Err(error)
                    }
                };
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
                    Ok(false) if err.class == ErrorClass::Permanent => {
                        // A resend refused (name taken, already bound): the
                        // "lost" attempt most likely took and is not listed
                        // yet. Wait for it as for any accepted write.
                        return match await_visible(backend, address, op, options).await {
                            Ok(()) => record(Outcome::Confirmed, err.request_id, None),
                            Err(_) => Err(err.message),
                        };
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
