//! `cda apply`: from a file (plan, show, approve) or from a saved plan
//! (re-read, refuse if stale), then execute with journal and lock.

use crate::calls::ApiBackend;
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::commands::common;
use crate::commands::earlier;
use crate::executor::{self, ActionStatus, Backend, Summary};
use crate::exit::Status;
use crate::journal::{self, Counts, Journal, RunStart};
use crate::lock::Lock;
use crate::paths::STATE_DIR;
use crate::printer::Printer;
use crate::progress::Reporter;
use crate::session::Session;
use anyhow::Context as _;
use plan::guard::Decision;
use plan::render;
use plan::Plan;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(
    args: &ApplyArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<Status> {
    // A dry run sends no write, so it does not need the lock.
    let _lock = if args.dry_run {
        None
    } else {
        let (lock, warning) = Lock::acquire(Path::new(STATE_DIR))?;
        if let Some(w) = warning {
            writeln!(printer.stderr(), "warning: {w}")?;
        }
        Some(lock)
    };
    let run_id = journal::new_run_id();
    let reader = earlier::Reader {
        run: &run_id,
        // The lock is ours: no other apply is running, and this one's plan
        // re-proposes whatever an earlier one left unseen.
        takes_over: !args.dry_run,
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
    };

    let (plan, session, from_file) = if !args.file.is_empty() {
        let file = match common::load_one_region(&args.file, printer) {
            Ok(loaded) => loaded,
            Err(status) => return Ok(status),
        };
        let session = Session::connect(global).await?;
        earlier::await_earlier_runs(
            &session,
            global,
            &file.state.region,
            file.state.account.as_deref(),
            &reader,
            printer,
        )
        .await?;
        let (plan, _) = common::make_plan(&session, &file).await?;
        let human = render::human(&plan, &printer.human_options());
        write!(printer.stdout(), "{human}")?;
        (plan, session, true)
    } else if let Some(path) = &args.planfile {
        let saved = common::load_planfile(path)?;
        if saved.is_expired(chrono::Utc::now()) {
            let at = saved.expires_at.map(|t| t.to_rfc3339()).unwrap_or_default();
            writeln!(
                printer.stderr(),
                "error: the saved plan {} expired at {at}; nothing was applied. Run `cda plan` again.",
                path.display()
            )?;
            return Ok(Status::StalePlan);
        }
        let session = Session::connect(global).await?;
        earlier::await_earlier_runs(
            &session,
            global,
            &saved.plan.region,
            saved.plan.account.as_deref(),
            &reader,
            printer,
        )
        .await?;
        let scope = common::scope(&session, &saved.plan.region, saved.plan.account.as_deref());
        let inventory = common::read_estate(&session, &scope).await?;
        let changed = plan::planfile::stale(&saved.plan, &inventory);
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
            return Ok(Status::StalePlan);
        }
        (saved.plan, session, false)
    } else {
        anyhow::bail!("give a desired-state file (-f FILE) or a saved plan (PLANFILE)");
    };

    if plan.is_empty() {
        writeln!(printer.stdout(), "No changes. Nothing to apply.")?;
        session.close().await;
        return Ok(Status::Success);
    }

    if let Some(max) = args.max_destroy {
        let destroys = plan.destroy_count();
        if destroys > max {
            writeln!(
                printer.stderr(),
                "error: the plan deletes or replaces {destroys} objects, more than --max-destroy {max}; nothing was applied"
            )?;
            return Ok(Status::Failure);
        }
    }

    let decision = guard_decision(&plan, args);
    if decision == Decision::Refuse {
        if args.dry_run {
            // A dry run sends no write: show it, and say what apply would do.
            writeln!(
                printer.stderr(),
                "warning: without --dry-run this plan is refused (mass destroy); see the warning at the top of the plan"
            )?;
        } else {
            refuse_mass_destroy(printer, &plan)?;
            session.close().await;
            return Ok(Status::Failure);
        }
    }

    let account = plan.account.clone().or_else(|| session.account.clone());
    if args.dry_run {
        let backend = ApiBackend::new(
            Arc::clone(&session.client),
            plan.region.clone(),
            account,
            true,
        );
        print_dry_run(printer, &plan, &backend).await?;
        session.close().await;
        return Ok(Status::Success);
    }

    if from_file && !args.auto_approve {
        if !printer.interactive() {
            writeln!(
                printer.stderr(),
                "error: stdin is not a terminal, so cda cannot ask for approval; \
                 pass --auto-approve to apply without asking. Nothing was applied."
            )?;
            return Ok(Status::Failure);
        }
        if !approved(printer, decision)? {
            writeln!(printer.stderr(), "Apply cancelled. Nothing was applied.")?;
            return Ok(Status::Failure);
        }
    }

    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| Journal::default_path(Path::new(STATE_DIR), &run_id));
    let start = RunStart {
        command: "apply".into(),
        file: match &args.planfile {
            Some(planfile) => Some(planfile.display().to_string()),
            None => Some(common::display_files(&args.file)),
        },
        endpoint: earlier::journal_endpoint(global),
        region: plan.region.clone(),
    };
    let journal = Arc::new(
        Journal::start(&journal_path, &run_id, &start)
            .with_context(|| format!("opening the journal {}", journal_path.display()))?,
    );
    let backend = Arc::new(ApiBackend::new(
        Arc::clone(&session.client),
        plan.region.clone(),
        account,
        false,
    ));
    let reporter = Reporter::new(plan.actions.len(), printer);
    let options = executor::Options {
        parallelism: usize::from(args.parallelism),
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
        ..Default::default()
    };
    let summary = executor::execute(
        &plan,
        backend,
        Some(Arc::clone(&journal)),
        &reporter,
        &options,
    )
    .await;
    reporter.finish();
    let counts = Counts {
        done: summary.done(),
        failed: summary.failed(),
        skipped: summary.skipped(),
    };
    let outcome = if summary.success() {
        "success"
    } else {
        "failed"
    };
    if let Err(e) = journal.finish(outcome, counts) {
        // Without its end line the next run re-reads this journal: slower,
        // never wrong.
        writeln!(
            printer.stderr(),
            "warning: cannot end the journal {}: {e}",
            journal.path().display()
        )?;
    }
    if let Err(e) = print_summary(printer, &summary, journal.path()) {
        // The calls are made: their outcome, not a closed stdout, decides
        // the exit status, and the journal holds every call.
        writeln!(
            printer.stderr(),
            "warning: the apply summary was not shown ({e}); the journal {} records every call",
            journal.path().display()
        )?;
    }
    session.close().await;
    Ok(if summary.success() {
        Status::Success
    } else {
        Status::Failure
    })
}

/// The blast-radius guard's verdict for this plan and these flags. The
/// verdict is recomputed when the plan carries none (a plan file written
/// before the guard), so no plan escapes it.
fn guard_decision(plan: &Plan, args: &ApplyArgs) -> Decision {
    let found = plan
        .mass_destroy
        .clone()
        .or_else(|| plan::guard::assess(plan));
    plan::guard::decide(found.as_ref(), args.max_destroy, args.allow_mass_destroy)
}

fn refuse_mass_destroy(printer: Printer, plan: &Plan) -> io::Result<()> {
    let found = plan
        .mass_destroy
        .clone()
        .or_else(|| plan::guard::assess(plan));
    let mut err = printer.stderr();
    writeln!(err, "error: refusing a mass destroy; nothing was applied.")?;
    if let Some(m) = found {
        for line in m.message_lines() {
            writeln!(err, "  {line}")?;
        }
    }
    Ok(())
}

fn approved(printer: Printer, decision: Decision) -> anyhow::Result<bool> {
    // The printer flushes, so the prompt shows before we wait for the answer.
    Ok(ask_approval(
        &mut io::stdin().lock(),
        &mut printer.stdout(),
        decision,
    )?)
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

fn print_summary(printer: Printer, summary: &Summary, journal: &Path) -> io::Result<()> {
    let mut out = printer.stdout();
    let (done, failed, skipped) = (summary.done(), summary.failed(), summary.skipped());
    if summary.success() {
        writeln!(out, "\nApply complete: {done} done, 0 failed, 0 skipped.")?;
    } else {
        writeln!(
            out,
            "\nApply finished with errors: {done} done, {failed} failed, {skipped} skipped."
        )?;
    }
    for report in &summary.actions {
        let ids = if report.request_ids.is_empty() {
            String::new()
        } else {
            format!(" [request {}]", report.request_ids.join(", "))
        };
        match &report.status {
            ActionStatus::Done => writeln!(out, "  done     {}{ids}", report.address)?,
            ActionStatus::Failed { error } => {
                writeln!(out, "  failed   {}{ids}: {error}", report.address)?
            }
            ActionStatus::Skipped { because } => writeln!(
                out,
                "  skipped  {} ({because} did not complete)",
                report.address
            )?,
        }
    }
    writeln!(out, "Journal: {}", journal.display())?;
    if !summary.success() {
        writeln!(
            out,
            "Run `cda apply` again once the cause is fixed: the new plan contains only what is left."
        )?;
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
