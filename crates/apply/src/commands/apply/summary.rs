//! The summary an apply ends with: counts, wall time, one line per action
//! in plan order (with how long it ran and its request ids), the journal.
//! Of several regions: the counts of all, then each region's counts and
//! actions.

use crate::executor::{ActionReport, ActionStatus, Summary};
use crate::interrupt::Level;
use crate::printer::Printer;
use crate::progress::elapsed;
use plan::Plan;
use std::io::{self, Write};
use std::path::Path;

/// A region a signal kept from starting: every action not started.
pub(super) fn not_started(plan: &Plan, level: Level) -> Summary {
    Summary {
        actions: plan
            .actions
            .iter()
            .map(|a| ActionReport {
                id: a.id,
                address: a.address.clone(),
                status: ActionStatus::NotStarted,
                request_ids: Vec::new(),
                elapsed: None,
            })
            .collect(),
        interrupted: level,
        elapsed: std::time::Duration::ZERO,
    }
}

/// The regions' summaries as one: every action, the furthest a signal
/// went (the last region's: a signal only escalates), the wall time of all.
pub(super) fn total(regions: &[Summary]) -> Summary {
    Summary {
        actions: regions.iter().flat_map(|s| s.actions.clone()).collect(),
        interrupted: regions.last().map(|s| s.interrupted).unwrap_or_default(),
        elapsed: regions.iter().map(|s| s.elapsed).sum(),
    }
}

/// `summary` is the total; `regions` each region's, in order.
pub(super) fn print(
    printer: Printer,
    summary: &Summary,
    regions: &[(&str, &Summary)],
    journal: &Path,
) -> io::Result<()> {
    let mut out = printer.stdout();
    writeln!(out, "\n{}", headline(summary))?;
    for (region, one) in regions {
        if regions.len() > 1 {
            writeln!(out, "Region {region}: {}.", counts(one))?;
        }
        print_actions(&mut out, one)?;
    }
    writeln!(out, "Journal: {}", journal.display())?;
    match summary.interrupted {
        Level::Running if summary.success() => {}
        Level::Running => writeln!(
            out,
            "Run `cda apply` again once the cause is fixed: the new plan contains only what is left."
        )?,
        Level::Stop(_) => writeln!(
            out,
            "Every call made has its outcome in the journal. Run `cda apply` again to finish: the new plan contains only what is left."
        )?,
        Level::Abort(..) => writeln!(
            out,
            "Calls abandoned in flight are journalled as interrupted; the next `cda plan` or `cda apply` waits for them to show before it plans."
        )?,
    }
    Ok(())
}

/// One region's counts: `1 done, 0 failed, 0 skipped`, and what a signal
/// left when it did.
fn counts(summary: &Summary) -> String {
    let mut counts = format!(
        "{} done, {} failed, {} skipped",
        summary.done(),
        summary.failed(),
        summary.skipped()
    );
    if summary.interrupted() > 0 {
        counts.push_str(&format!(", {} interrupted", summary.interrupted()));
    }
    if summary.not_started() > 0 {
        counts.push_str(&format!(", {} not started", summary.not_started()));
    }
    counts
}

fn print_actions(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    for report in &summary.actions {
        let took = report
            .elapsed
            .map(|d| format!(" ({})", elapsed(d)))
            .unwrap_or_default();
        let ids = if report.request_ids.is_empty() {
            String::new()
        } else {
            format!(" [request {}]", report.request_ids.join(", "))
        };
        let address = &report.address;
        match &report.status {
            ActionStatus::Done => writeln!(out, "  done     {address}{took}{ids}")?,
            ActionStatus::Failed { error } => {
                writeln!(out, "  failed   {address}{took}{ids}: {error}")?
            }
            ActionStatus::Skipped { because } => {
                writeln!(out, "  skipped  {address} ({because} did not complete)")?
            }
            ActionStatus::NotStarted => writeln!(out, "  not started  {address}")?,
            ActionStatus::Interrupted => writeln!(
                out,
                "  interrupted  {address}{took}{ids}: abandoned in flight, outcome unknown"
            )?,
        }
    }
    Ok(())
}

/// `Apply complete: 9 done, 0 failed, 0 skipped in 2.3s.`, or why it ended
/// early.
fn headline(summary: &Summary) -> String {
    let (done, failed, skipped) = (summary.done(), summary.failed(), summary.skipped());
    let wall = elapsed(summary.elapsed);
    let counts = format!("{done} done, {failed} failed, {skipped} skipped");
    match summary.interrupted {
        Level::Running if summary.success() => format!("Apply complete: {counts} in {wall}."),
        Level::Running => format!("Apply finished with errors: {counts} in {wall}."),
        Level::Stop(signal) => format!(
            "Apply interrupted ({signal}) after {wall}: {counts}, {} not started.",
            summary.not_started()
        ),
        Level::Abort(first, second) => format!(
            "Apply stopped at once ({first}, then {second}) after {wall}: {counts}, {} interrupted, {} not started.",
            summary.interrupted(),
            summary.not_started()
        ),
    }
}
