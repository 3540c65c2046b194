//! `cda apply`: from a file (plan, show, approve) or from a saved plan
//! (re-read, refuse if stale), then execute with journal and lock.

use crate::calls::ApiBackend;
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::commands::common;
use crate::commands::earlier;
use crate::executor::{self, Backend, Summary};
use crate::exit::Status;
use crate::interrupt::{Interrupts, Level};
use crate::journal::{self, Counts, Journal, RunStart};
use crate::lock::shared::SharedLock;
use crate::lock::Lock;
use crate::paths::STATE_DIR;
use crate::printer::Printer;
use crate::progress::Reporter;
use crate::session::Session;
use anyhow::Context as _;
use plan::guard::Decision;
use plan::planfile::{Origin, PlanFile};
use plan::render;
use plan::Plan;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod summary;

pub async fn run(
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
    interrupts: &Interrupts,
) -> anyhow::Result<Status> {
    // A dry run sends no write, so it does not need the lock. Held until
    // this returns, whatever the way out (a signal included).
    let _lock = if args.dry_run {
        None
    } else {
        Some(take_directory_lock(args, printer).await?)
    };
    let run_id = journal::new_run_id();
    // Until the first write, a signal simply ends the run: reads and the
    // approval prompt are abandoned, nothing was sent (a shared lock taken
    // meanwhile is released with its connection).
    let ready = tokio::select! {
        biased;
        signal = interrupts.stopped() => {
            writeln!(
                printer.stderr(),
                "\nInterrupted ({signal}) before any change: nothing was applied."
            )?;
            return Ok(signal.status());
        }
        ready = prepare(args, global, printer, &run_id) => ready?,
    };
    let ready = match ready {
        (None, Some(ready)) => ready,
        (ended, ready) => {
            if let Some(ready) = ready {
                ready.close().await;
            }
            return Ok(ended.unwrap_or(Status::Failure));
        }
    };
    let status = execute(
        args,
        global,
        printer,
        interrupts,
        &run_id,
        &ready.plans,
        &ready.session,
    )
    .await;
    // The shared locks are held from before the estate is read until the
    // summary is printed: another runner's plan is made from what this
    // one left.
    ready.close().await;
    status
}

/// Everything before the first write: plan (or check the saved plan),
/// guards, dry run, approval. Returns the exit status of a run that ends
/// here (no changes, refused, a dry run, not approved), if it does, and
/// what it read, to execute or to close.
async fn prepare(
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
    run_id: &str,
) -> anyhow::Result<(Option<Status>, Option<Ready>)> {
    let reader = earlier::Reader {
        run: run_id,
        // The lock is ours: no other apply is running, and this one's plan
        // re-proposes whatever an earlier one left unseen.
        takes_over: !args.dry_run,
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
    };

    let ready = match (args.file.as_slice(), &args.planfile) {
        ([], Some(path)) => from_saved(path, args, global, printer, &reader).await?,
        ([], None) => {
            anyhow::bail!("give a desired-state file (-f FILE) or a saved plan (PLANFILE)")
        }
        (files, _) => from_file(files, args, global, printer, &reader).await?,
    };
    let ready = match ready {
        Ok(ready) => ready,
        Err(status) => return Ok((Some(status), None)),
    };
    let (plans, session, from_file) = (&ready.plans, &ready.session, ready.from_file);

    if plans.iter().all(Plan::is_empty) {
        writeln!(printer.stdout(), "No changes. Nothing to apply.")?;
        return Ok((Some(Status::Success), Some(ready)));
    }

    if let Some(max) = args.max_destroy {
        let destroys: usize = plans.iter().map(Plan::destroy_count).sum();
        if destroys > max {
            writeln!(
                printer.stderr(),
                "error: the plan deletes or replaces {destroys} objects, more than --max-destroy {max}; nothing was applied"
            )?;
            return Ok((Some(Status::Failure), Some(ready)));
        }
    }

    let decision = guard_decision(plans, args);
    if decision == Decision::Refuse {
        if args.dry_run {
            // A dry run sends no write: show it, and say what apply would do.
            writeln!(
                printer.stderr(),
                "warning: without --dry-run this plan is refused (mass destroy); see the warning at the top of the plan"
            )?;
        } else {
            refuse_mass_destroy(printer, plans)?;
            return Ok((Some(Status::Failure), Some(ready)));
        }
    }

    if args.dry_run {
        for plan in plans {
            if plans.len() > 1 {
                writeln!(printer.stdout(), "\nRegion {}:", plan.region)?;
            }
            let backend = region_backend(session, plan, true);
            print_dry_run(printer, plan, &backend).await?;
        }
        return Ok((Some(Status::Success), Some(ready)));
    }

    if from_file && !args.auto_approve {
        if !printer.interactive() {
            writeln!(
                printer.stderr(),
                "error: stdin is not a terminal, so cda cannot ask for approval; \
                 pass --auto-approve to apply without asking. Nothing was applied."
            )?;
            return Ok((Some(Status::Failure), Some(ready)));
        }
        if !approved(printer, decision).await? {
            writeln!(printer.stderr(), "Apply cancelled. Nothing was applied.")?;
            return Ok((Some(Status::Failure), Some(ready)));
        }
    }

    Ok((None, Some(ready)))
}

/// Execute the approved plans with journal and progress, one region after
/// another (each in its plan's order), under one journal; print one
/// summary. A region's failure does not stop the next one (they share no
/// object); a signal does: the regions after it are not started.
async fn execute(
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
    interrupts: &Interrupts,
    run_id: &str,
    plans: &[Plan],
    session: &Session,
) -> anyhow::Result<Status> {
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| Journal::default_path(Path::new(STATE_DIR), run_id));
    let regions: Vec<String> = plans.iter().map(|p| p.region.clone()).collect();
    let start = RunStart {
        command: "apply".into(),
        file: match &args.planfile {
            Some(planfile) => Some(planfile.display().to_string()),
            None => Some(common::display_files(&args.file)),
        },
        endpoint: earlier::journal_endpoint(global),
        region: String::new(),
        regions: Vec::new(),
    }
    .regions(&regions);
    let journal = Arc::new(
        Journal::start(&journal_path, run_id, &start)
            .with_context(|| format!("opening the journal {}", journal_path.display()))?,
    );
    let reporter = Reporter::new(plans.iter().map(|p| p.actions.len()).sum(), printer);
    let options = executor::Options {
        parallelism: usize::from(args.parallelism),
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
        heartbeat: heartbeat(),
        interrupts: interrupts.clone(),
        ..Default::default()
    };
    let mut summaries = Vec::with_capacity(plans.len());
    for plan in plans {
        let level = interrupts.level();
        if level != Level::Running {
            summaries.push(summary::not_started(plan, level));
            continue;
        }
        // Of several regions, each call line says which.
        let tagged = if plans.len() > 1 {
            Arc::new(journal.for_region(&plan.region))
        } else {
            Arc::clone(&journal)
        };
        let backend = Arc::new(region_backend(session, plan, false));
        summaries.push(executor::execute(plan, backend, Some(tagged), &reporter, &options).await);
    }
    reporter.finish();
    let summary = summary::total(&summaries);
    let counts = Counts {
        done: summary.done(),
        failed: summary.failed(),
        skipped: summary.skipped(),
        not_started: summary.not_started(),
    };
    let ended = match summary.interrupted {
        Level::Running if summary.success() => Some("success"),
        Level::Running => Some("failed"),
        // Every call has its outcome: the next run need not read this one.
        Level::Stop(_) => Some("interrupted"),
        // Calls were abandoned in flight: no end line, so the next run
        // awaits them (journalled `interrupted`) before it plans.
        Level::Abort(..) => None,
    };
    if let Some(outcome) = ended {
        if let Err(e) = journal.finish(outcome, counts) {
            // Without its end line the next run re-reads this journal:
            // slower, never wrong.
            writeln!(
                printer.stderr(),
                "warning: cannot end the journal {}: {e}",
                journal.path().display()
            )?;
        }
    }
    let by_region: Vec<(&str, &Summary)> =
        regions.iter().map(String::as_str).zip(&summaries).collect();
    if let Err(e) = summary::print(printer, &summary, &by_region, journal.path()) {
        // The calls are made: their outcome, not a closed stdout, decides
        // the exit status, and the journal holds every call.
        writeln!(
            printer.stderr(),
            "warning: the apply summary was not shown ({e}); the journal {} records every call",
            journal.path().display()
        )?;
    }
    Ok(match summary.interrupted.signal() {
        Some(signal) => signal.status(),
        None if summary.success() => Status::Success,
        None => Status::Failure,
    })
}

/// The backend of one region's plan: the plan's account, else the
/// credentials' one.
fn region_backend(session: &Session, plan: &Plan, dry_run: bool) -> ApiBackend {
    ApiBackend::new(
        Arc::clone(&session.client),
        plan.region.clone(),
        plan.account.clone().or_else(|| session.account.clone()),
        dry_run,
    )
}

async fn release(shared: Vec<SharedLock>) {
    for lock in shared {
        lock.release().await;
    }
}

/// How often a log shows an action still running: 10 s, or
/// `CDA_PROGRESS_INTERVAL_MS` (internal: lets tests see heartbeats without
/// waiting 10 s).
fn heartbeat() -> Duration {
    std::env::var("CDA_PROGRESS_INTERVAL_MS")
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(executor::DEFAULT_HEARTBEAT, Duration::from_millis)
}

/// The plans to execute (one per region, in region order), the session
/// they were read with, and the shared locks (`--lock-url`, one per region)
/// held since before the read.
struct Ready {
    plans: Vec<Plan>,
    session: Session,
    shared: Vec<SharedLock>,
    /// Planned from a desired-state file just now (so approval is asked).
    from_file: bool,
}

impl Ready {
    /// Release the session and the shared locks.
    async fn close(self) {
        self.session.close().await;
        release(self.shared).await;
    }
}

/// This directory's lock, waiting up to `--lock-timeout` for it.
async fn take_directory_lock(args: &ApplyArgs, printer: Printer) -> anyhow::Result<Lock> {
    let (lock, warning) = Lock::acquire_within(Path::new(STATE_DIR), args.lock_timeout, |held| {
        let _ = writeln!(
            printer.stderr(),
            "{held}; waiting up to {} for it (--lock-timeout)",
            executor::seconds(args.lock_timeout)
        );
    })
    .await?;
    if let Some(w) = warning {
        writeln!(printer.stderr(), "warning: {w}")?;
    }
    Ok(lock)
}

/// `apply -f FILE…`: plan each region the files name now, and show the
/// plans (grouped by region, as `plan` does). `Err` is the exit status of
/// files that do not load.
async fn from_file(
    files: &[PathBuf],
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
    reader: &earlier::Reader<'_>,
) -> anyhow::Result<Result<Ready, Status>> {
    let regions = match common::load_desired(files, printer) {
        Ok(loaded) => loaded,
        Err(status) => return Ok(Err(status)),
    };
    let requested = args.requested.requested();
    let session = Session::connect(global).await?;
    let wanted: Vec<(&str, Option<&str>)> = regions
        .iter()
        .map(|f| (f.state.region.as_str(), f.state.account.as_deref()))
        .collect();
    let shared = take_shared_locks(args, printer, &session, &wanted).await?;
    for (region, account) in wanted {
        earlier::await_earlier_runs(&session, global, region, account, reader, printer).await?;
    }
    let session = Arc::new(session);
    let (plans, _) = common::make_plans(&session, regions, args.refresh_all, &requested).await?;
    // Every region's task has ended, so the session is ours again.
    let session = Arc::into_inner(session)
        .ok_or_else(|| anyhow::anyhow!("a region's refresh still holds the session"))?;
    let human = printer.human_options();
    let shown = common::grouped(&plans, |p| render::human(p, &human));
    write!(printer.stdout(), "{shown}")?;
    Ok(Ok(Ready {
        plans,
        session,
        shared,
        from_file: true,
    }))
}

/// `apply PLANFILE`: the saved plan, refused (`Err`, with the exit
/// status) when it is a YAML file, expired, made against another API or
/// account, or stale.
async fn from_saved(
    path: &Path,
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
    reader: &earlier::Reader<'_>,
) -> anyhow::Result<Result<Ready, Status>> {
    if is_desired_state(path) {
        writeln!(
            printer.stderr(),
            "error: {0} is not a saved plan; to apply a desired-state file use `-f {0}` \
             (`cda apply -f {0}`). Nothing was applied.",
            path.display()
        )?;
        return Ok(Err(Status::Failure));
    }
    let saved = common::load_planfile(path)?;
    let now = chrono::Utc::now();
    if let Some(expired) = saved.iter().find(|one| one.is_expired(now)) {
        let at = expired
            .expires_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        writeln!(
            printer.stderr(),
            "error: the saved plan {} expired at {at}; nothing was applied. Run `cda plan` again.",
            path.display()
        )?;
        return Ok(Err(Status::StalePlan));
    }
    let session = Session::connect(global).await?;
    // Every region's plan was made here, or none is applied.
    for one in &saved {
        let now = common::origin(&session, global, &one.plan.region);
        if !same_origin(printer, path, one, &now)? {
            session.close().await;
            return Ok(Err(Status::Failure));
        }
    }
    let wanted: Vec<(&str, Option<&str>)> = saved
        .iter()
        .map(|one| (one.plan.region.as_str(), one.plan.account.as_deref()))
        .collect();
    let shared = take_shared_locks(args, printer, &session, &wanted).await?;
    let mut changed = Vec::new();
    for one in &saved {
        let (region, account) = (&one.plan.region, one.plan.account.as_deref());
        earlier::await_earlier_runs(&session, global, region, account, reader, printer).await?;
        // What the plan read, so an object it did not need is not new.
        let needs = plan::reads::Needs::of_saved_plan(&one.plan);
        let scope = common::scope(&session, region, account, needs);
        let inventory = common::read_estate(&session, &scope).await?;
        for address in plan::planfile::stale(&one.plan, &inventory) {
            changed.push(if saved.len() > 1 {
                format!("{address} (region {region})")
            } else {
                address
            });
        }
    }
    if !changed.is_empty() {
        let mut err = printer.stderr();
        writeln!(
            err,
            "error: the live estate changed since the plan {} was made; nothing was applied. Changed:",
            path.display()
        )?;
        for address in &changed {
            writeln!(err, "  - {address}")?;
        }
        writeln!(err, "Run `cda plan` again.")?;
        release(shared).await;
        return Ok(Err(Status::StalePlan));
    }
    for one in &saved {
        if let Some(warning) = render::partial_warning(&one.plan) {
            writeln!(printer.stderr(), "{warning}")?;
        }
    }
    Ok(Ok(Ready {
        plans: saved.into_iter().map(|one| one.plan).collect(),
        session,
        shared,
        from_file: false,
    }))
}

/// With `--lock-url`: the lock every runner shares, for each region and
/// account (the access key's fingerprint when no account is known), taken
/// before the estate is read, in region order (so two runs of overlapping
/// regions cannot each hold one the other waits for). Dry runs send no
/// write and take none.
async fn take_shared_locks(
    args: &ApplyArgs,
    printer: Printer,
    session: &Session,
    regions: &[(&str, Option<&str>)],
) -> anyhow::Result<Vec<SharedLock>> {
    let Some(url) = args.lock_url.as_deref().filter(|u| !u.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    if args.dry_run {
        return Ok(Vec::new());
    }
    let mut sorted = regions.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut locks = Vec::with_capacity(sorted.len());
    for (region, account) in sorted {
        let account = account
            .map(str::to_owned)
            .or_else(|| session.account.clone())
            .unwrap_or_else(|| {
                plan::planfile::access_key_fingerprint(
                    &session.client.config().credentials.access_key,
                )
            });
        let timeout = args.lock_timeout;
        let taken = SharedLock::acquire(url, region, &account, timeout, |holder| {
            let _ = writeln!(
                printer.stderr(),
                "The shared lock for region {region} is held by {holder}; waiting up to {} for it (--lock-timeout)",
                executor::seconds(timeout)
            );
        })
        .await;
        match taken {
            Ok(lock) => locks.push(lock),
            Err(e) => {
                release(locks).await;
                return Err(e.into());
            }
        }
    }
    Ok(locks)
}

/// A YAML file given where a saved plan goes (Terraform's `apply FILE`
/// habit): by its name, or by content that is not the plan file's JSON.
fn is_desired_state(path: &Path) -> bool {
    let yaml_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    yaml_name
        || std::fs::read(path).is_ok_and(|bytes| {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
            let first = text
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'));
            // A YAML mapping's first key; a plan file starts with `{`.
            first
                .and_then(|l| l.split_once(':'))
                .is_some_and(|(key, _)| {
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        })
}

/// Whether a saved plan was made against the API it is being applied to;
/// says what differs when not. A plan file older than the record is
/// applied with a warning.
fn same_origin(printer: Printer, path: &Path, saved: &PlanFile, now: &Origin) -> io::Result<bool> {
    let Some(made) = &saved.origin else {
        writeln!(
            printer.stderr(),
            "warning: the saved plan {} does not record the endpoint and access key it was made with \
             (written by an older cda); applying it to {} in {} as is",
            path.display(),
            now.endpoint,
            now.region
        )?;
        return Ok(true);
    };
    let differences = made.differences(now);
    if differences.is_empty() {
        return Ok(true);
    }
    let mut err = printer.stderr();
    writeln!(
        err,
        "error: the saved plan {} was made against another API or account; nothing was applied. Differs:",
        path.display()
    )?;
    for line in &differences {
        writeln!(err, "  - {line}")?;
    }
    writeln!(
        err,
        "Run `cda plan` with the endpoint and credentials it is meant for."
    )?;
    Ok(false)
}

/// The blast-radius guard's verdict for this plan and these flags. The
/// verdict is recomputed when the plan carries none (a plan file written
/// before the guard), so no plan escapes it.
fn mass_destroy(plan: &Plan) -> Option<plan::guard::MassDestroy> {
    plan.mass_destroy
        .clone()
        .or_else(|| plan::guard::assess(plan))
}

/// The guard's verdict over every region's plan: refused if one region's
/// is; else the approval types the count of objects destroyed in the
/// regions where it trips, all together.
fn guard_decision(plans: &[Plan], args: &ApplyArgs) -> Decision {
    let mut typed = None;
    for plan in plans {
        let found = mass_destroy(plan);
        match plan::guard::decide(found.as_ref(), args.max_destroy, args.allow_mass_destroy) {
            Decision::Refuse => return Decision::Refuse,
            Decision::ProceedTypingCount(n) => typed = Some(typed.unwrap_or(0) + n),
            Decision::Proceed => {}
        }
    }
    typed.map_or(Decision::Proceed, Decision::ProceedTypingCount)
}

fn refuse_mass_destroy(printer: Printer, plans: &[Plan]) -> io::Result<()> {
    let mut err = printer.stderr();
    writeln!(err, "error: refusing a mass destroy; nothing was applied.")?;
    for plan in plans {
        if let Some(m) = mass_destroy(plan) {
            if plans.len() > 1 {
                writeln!(err, "  Region {}:", plan.region)?;
            }
            for line in m.message_lines() {
                writeln!(err, "  {line}")?;
            }
        }
    }
    Ok(())
}

async fn approved(printer: Printer, decision: Decision) -> anyhow::Result<bool> {
    // The printer flushes, so the prompt shows before we wait for the
    // answer. Read off the runtime, so a signal can end the wait.
    let answer = tokio::task::spawn_blocking(move || {
        ask_approval(&mut io::stdin().lock(), &mut printer.stdout(), decision)
    });
    Ok(answer.await.context("reading the approval")??)
}

/// Asks for approval on `input`: `yes`, or the number of objects destroyed
/// when the plan trips the blast-radius guard (so approving a mass deletion
/// takes reading the number). Apart from stdin, so it is tested without a
/// terminal.
fn ask_approval(
    input: &mut impl BufRead,
    prompt: &mut impl Write,
    decision: Decision,
) -> io::Result<bool> {
    match decision {
        Decision::ProceedTypingCount(n) => write!(
            prompt,
            "\nThis plan deletes or replaces {n} objects (a mass destroy, see the warning above).\n\
             Do you want to apply these changes? Type the number of objects it destroys to confirm; only '{n}' will be accepted.\n  Enter a value: "
        )?,
        Decision::Proceed | Decision::Refuse => write!(
            prompt,
            "\nDo you want to apply these changes? Only 'yes' will be accepted.\n  Enter a value: "
        )?,
    }
    prompt.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(plan::guard::approves(&answer, decision))
}

async fn print_dry_run(printer: Printer, plan: &Plan, backend: &ApiBackend) -> anyhow::Result<()> {
    let total: usize = plan.actions.iter().map(|a| a.calls.len()).sum();
    writeln!(
        printer.stdout(),
        "\nDry run: {total} call{} in this order; nothing is sent.\n",
        if total == 1 { "" } else { "s" }
    )?;
    let mut n = 0;
    for action in &plan.actions {
        for op in &action.calls {
            n += 1;
            let prepared = backend
                .prepare(op)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", action.address, e.message))?;
            let mut out = printer.stdout();
            writeln!(
                out,
                "{n:>3}. {} {}    # {}",
                prepared.method, prepared.path, action.address
            )?;
            writeln!(out, "     {}", serde_json::to_string(&prepared.body)?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(answer: &str, decision: Decision) -> (bool, String) {
        let mut input = io::Cursor::new(answer.as_bytes().to_vec());
        let mut prompt = Vec::new();
        let ok = ask_approval(&mut input, &mut prompt, decision).unwrap_or(false);
        (ok, String::from_utf8_lossy(&prompt).into_owned())
    }

    #[test]
    fn an_ordinary_plan_is_approved_with_yes() {
        let (ok, prompt) = ask("yes\n", Decision::Proceed);
        assert!(ok);
        assert!(prompt.contains("Only 'yes' will be accepted."), "{prompt}");
        assert!(!ask("y\n", Decision::Proceed).0);
        assert!(!ask("", Decision::Proceed).0);
    }

    #[test]
    fn a_mass_destroy_is_approved_only_by_typing_the_count() {
        let typed = Decision::ProceedTypingCount(57);
        let (ok, prompt) = ask("57\n", typed);
        assert!(ok);
        assert!(
            prompt.contains("deletes or replaces 57 objects"),
            "{prompt}"
        );
        assert!(prompt.contains("only '57' will be accepted"), "{prompt}");
        assert!(!ask("yes\n", typed).0);
        assert!(!ask("56\n", typed).0);
        assert!(!ask("\n", typed).0);
    }
}
