//! `cda plan -f FILE…`: refresh, diff, render; optionally save, JSON, Markdown.
//! Files naming several regions plan each against its own inventory, at
//! once through one client (one pace), shown grouped by region.

use crate::cli::{GlobalArgs, PlanArgs};
use crate::commands::{common, earlier};
use crate::exit::Status;
use crate::interrupt::Interrupts;
use crate::journal;
use crate::printer::Printer;
use crate::session::Session;
use anyhow::Context as _;
use plan::{render, Plan};
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(
    args: &PlanArgs,
    global: &GlobalArgs,
    printer: Printer,
    interrupts: &Interrupts,
) -> anyhow::Result<Status> {
    // A signal abandons the reads; the files are written whole, after the
    // last read, or not at all.
    let (status, session) = tokio::select! {
        biased;
        signal = interrupts.stopped() => {
            writeln!(
                printer.stderr(),
                "\nInterrupted ({signal}) while planning: no plan file was written."
            )?;
            return Ok(signal.status());
        }
        planned = plan(args, global, printer) => planned?,
    };
    close(session).await;
    Ok(status)
}

/// Plan, print and save; returns the status and the session to close.
async fn plan(
    args: &PlanArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<(Status, Option<Session>)> {
    let regions = match common::load_desired(&args.file, printer) {
        Ok(loaded) => loaded,
        Err(status) => return Ok((status, None)),
    };
    if regions.len() > 1 && args.out.is_some() {
        let names: Vec<&str> = regions.iter().map(|r| r.state.region.as_str()).collect();
        writeln!(
            printer.stderr(),
            "error: the files name {} regions ({}); a saved plan holds one region: save one plan per region (`-f` the files of one region)",
            names.len(),
            names.join(", ")
        )?;
        return Ok((Status::Failure, None));
    }
    let requested = args.requested.requested();
    if regions.len() > 1 && !requested.is_empty() {
        writeln!(
            printer.stderr(),
            "error: the files name {} regions; --target and --replace take the files of one region at a time",
            regions.len()
        )?;
        return Ok((Status::Failure, None));
    }
    let session = Session::connect(global).await?;
    let run = journal::new_run_id();
    let reader = earlier::Reader {
        run: &run,
        takes_over: false,
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
    };
    for file in &regions {
        earlier::await_earlier_runs(
            &session,
            global,
            &file.state.region,
            file.state.account.as_deref(),
            &reader,
            printer,
        )
        .await?;
    }
    let session = Arc::new(session);
    let (plans, regions) =
        common::make_plans(&session, regions, args.refresh_all, &requested).await?;
    let session = Arc::into_inner(session);
    let no_changes = plans.iter().all(Plan::is_empty);
    let human = printer.human_options();

    if args.refresh_only {
        // Drift: what the live estate has that the file does not say.
        if args.json {
            writeln!(printer.stdout(), "{}", by_region(&plans, render::json)?)?;
        } else {
            write!(
                printer.stdout(),
                "{}",
                grouped(&plans, |p| render::drift(p, &human))
            )?;
        }
        if let Some(path) = &args.markdown {
            common::write_whole(path, grouped(&plans, render::markdown).as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        return Ok((changes_status(args.detailed_exitcode, no_changes), session));
    }

    if args.json {
        writeln!(printer.stdout(), "{}", by_region(&plans, render::json)?)?;
    } else {
        write!(
            printer.stdout(),
            "{}",
            grouped(&plans, |p| render::human(p, &human))
        )?;
    }
    if let Some(path) = &args.markdown {
        common::write_whole(path, grouped(&plans, render::markdown).as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let (Some(path), [plan], [file], Some(session)) =
        (&args.out, &plans[..], &regions[..], &session)
    {
        let ttl = args
            .ttl
            .map(|d| chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX));
        let saved = plan::planfile::PlanFile::new(
            plan.clone(),
            file.content_hash.clone(),
            chrono::Utc::now(),
            ttl,
        )
        .with_origin(common::origin(session, global, &plan.region));
        common::write_whole(path, &saved.to_bytes())
            .with_context(|| format!("saving the plan to {}", path.display()))?;
        if !args.json {
            writeln!(
                printer.stdout(),
                "\nSaved the plan to {}. Apply it with: cda apply {}",
                path.display(),
                path.display()
            )?;
        }
    }
    Ok((changes_status(args.detailed_exitcode, no_changes), session))
}

async fn close(session: Option<Session>) {
    if let Some(session) = session {
        session.close().await;
    }
}

/// One region's rendering as it is; several, each under a `Region R:`
/// heading, in region order, so an address names one object.
fn grouped(plans: &[Plan], render: impl Fn(&Plan) -> String) -> String {
    match plans {
        [plan] => render(plan),
        _ => plans
            .iter()
            .map(|p| format!("Region {}:\n\n{}", p.region, render(p)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// One region's JSON document as it is; several as `{"regions": [...]}`,
/// one document each, in region order.
fn by_region(plans: &[Plan], render: impl Fn(&Plan) -> String) -> anyhow::Result<String> {
    match plans {
        [plan] => Ok(render(plan)),
        _ => {
            let docs = plans
                .iter()
                .map(|p| serde_json::from_str::<serde_json::Value>(&render(p)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::json!({ "regions": docs }).to_string())
        }
    }
}

fn changes_status(detailed: bool, empty: bool) -> Status {
    match (detailed, empty) {
        (true, false) => Status::Changes,
        _ => Status::Success,
    }
}
