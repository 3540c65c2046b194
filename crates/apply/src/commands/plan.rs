//! `cda plan -f FILE`: refresh, diff, render; optionally save, JSON, Markdown.

use crate::cli::{GlobalArgs, PlanArgs};
use crate::commands::{common, earlier};
use crate::exit::Status;
use crate::journal;
use crate::printer::Printer;
use crate::session::Session;
use anyhow::Context as _;
use plan::render;
use std::io::Write as _;
use std::time::Duration;

pub async fn run(args: &PlanArgs, global: &GlobalArgs, printer: Printer) -> anyhow::Result<Status> {
    let file = match common::load_one_region(&args.file, printer) {
        Ok(loaded) => loaded,
        Err(status) => return Ok(status),
    };
    let session = Session::connect(global).await?;
    let run = journal::new_run_id();
    let reader = earlier::Reader {
        run: &run,
        takes_over: false,
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
    };
    earlier::await_earlier_runs(
        &session,
        global,
        &file.state.region,
        file.state.account.as_deref(),
        &reader,
        printer,
    )
    .await?;
    let (plan, _inventory) = common::make_plan(&session, &file, args.refresh_all).await?;
    let human = printer.human_options();

    if args.refresh_only {
        // Drift: what the live estate has that the file does not say.
        if args.json {
            writeln!(printer.stdout(), "{}", render::json(&plan))?;
        } else {
            write!(printer.stdout(), "{}", render::drift(&plan, &human))?;
        }
        if let Some(path) = &args.markdown {
            std::fs::write(path, render::markdown(&plan))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        return Ok(changes_status(args.detailed_exitcode, plan.is_empty()));
    }

    if args.json {
        writeln!(printer.stdout(), "{}", render::json(&plan))?;
    } else {
        write!(printer.stdout(), "{}", render::human(&plan, &human))?;
    }
    if let Some(path) = &args.markdown {
        std::fs::write(path, render::markdown(&plan))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.out {
        let ttl = args
            .ttl
            .map(|d| chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX));
        let saved = plan::planfile::PlanFile::new(
            plan.clone(),
            file.content_hash.clone(),
            chrono::Utc::now(),
            ttl,
        )
        .with_origin(common::origin(&session, global, &plan.region));
        std::fs::write(path, saved.to_json())
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
    session.close().await;
    Ok(changes_status(args.detailed_exitcode, plan.is_empty()))
}

fn changes_status(detailed: bool, empty: bool) -> Status {
    match (detailed, empty) {
        (true, false) => Status::Changes,
        _ => Status::Success,
    }
}
