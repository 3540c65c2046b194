//! Before `plan` and `apply` plan: honour a killed apply's intent. Every
//! write an earlier run journalled as `sent`, `ok` or `unknown` and never
//! saw take effect is awaited with the executor's own post-write check
//! ([`executor::await_visible`]) up to the visibility timeout, so a list
//! that lags does not make the plan create it again. What never shows is
//! named in a warning, and only then may the plan propose it again.

use crate::calls::ApiBackend;
use crate::cli::GlobalArgs;
use crate::executor::{self, NotVisible};
use crate::journal::earlier::{self, InFlight, Unfinished};
use crate::journal::{endpoint_for_journal, Journal};
use crate::paths::STATE_DIR;
use crate::printer::Printer;
use crate::session::Session;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// What runs against this endpoint are journalled under.
pub fn journal_endpoint(global: &GlobalArgs) -> String {
    if global.emulator {
        "embedded emulator".to_owned()
    } else {
        endpoint_for_journal(&global.endpoint)
    }
}

/// Who reads the earlier journals.
pub struct Reader<'a> {
    /// The reading run's id, recorded in the journals it marks.
    pub run: &'a str,
    /// An apply takes over every journal it read (its own plan re-proposes
    /// what never showed); `plan` marks only those it saw through.
    pub takes_over: bool,
    pub visibility_timeout: Duration,
}

/// Await the writes earlier unfinished runs left in flight in `region`.
pub async fn await_earlier_runs(
    session: &Session,
    global: &GlobalArgs,
    region: &str,
    account: Option<&str>,
    reader: &Reader<'_>,
    printer: Printer,
) -> std::io::Result<()> {
    let dir = Journal::dir(Path::new(STATE_DIR));
    let runs = earlier::unfinished(&dir, &journal_endpoint(global), region);
    if runs.is_empty() {
        return Ok(());
    }
    let backend = Arc::new(ApiBackend::new(
        Arc::clone(&session.client),
        region.to_owned(),
        // The file's (or plan's) account, else the credentials' one.
        account
            .map(str::to_owned)
            .or_else(|| session.account.clone()),
        false,
    ));
    let options = executor::Options {
        visibility_timeout: reader.visibility_timeout,
        ..Default::default()
    };
    for run in &runs {
        let unseen = await_run(run, &backend, &options, printer).await?;
        if unseen == 0 || reader.takes_over {
            if let Err(e) = run.mark_reconciled(reader.run) {
                writeln!(
                    printer.stderr(),
                    "warning: cannot mark the journal {} as reconciled: {e}",
                    run.path.display()
                )?;
            }
        }
    }
    Ok(())
}

/// Await one run's writes at once; returns how many never showed.
async fn await_run(
    run: &Unfinished,
    backend: &Arc<ApiBackend>,
    options: &executor::Options,
    printer: Printer,
) -> std::io::Result<usize> {
    if run.in_flight.is_empty() {
        return Ok(0);
    }
    writeln!(
        printer.stderr(),
        "The apply {} did not finish ({}): waiting for {} write{} it left in flight to show.",
        run.run,
        run.path.display(),
        run.in_flight.len(),
        if run.in_flight.len() == 1 { "" } else { "s" }
    )?;
    let mut waits = JoinSet::new();
    for write in run.in_flight.iter().cloned() {
        let backend = Arc::clone(backend);
        let options = options.clone();
        waits.spawn(async move {
            let seen =
                executor::await_visible(&*backend, &write.action, &write.operation, &options).await;
            (write, seen)
        });
    }
    let mut unseen: Vec<(InFlight, NotVisible)> = Vec::new();
    let mut panicked = 0;
    let mut err = printer.stderr();
    while let Some(joined) = waits.join_next().await {
        match joined {
            Ok((_, Ok(()))) => {}
            Ok((write, Err(why))) => unseen.push((write, why)),
            // Counted as unseen: the journal stays unreconciled for `plan`.
            Err(e) => {
                writeln!(
                    err,
                    "warning: awaiting a write of the apply {} failed: {e}",
                    run.run
                )?;
                panicked += 1;
            }
        }
    }
    unseen.sort_by(|a, b| a.0.action.cmp(&b.0.action));
    for (write, why) in &unseen {
        let why = match why {
            NotVisible::Missing(missing) => format!(
                "not visible after {} ({})",
                executor::seconds(options.visibility_timeout),
                missing.join(", ")
            ),
            NotVisible::RereadFailed(e) => format!("the re-read failed: {e}"),
        };
        writeln!(
            err,
            "warning: {}: journalled `{}` by the unfinished apply {} but {why}; the plan proposes it again if it is still needed",
            write.action, write.outcome, run.run
        )?;
    }
    Ok(unseen.len() + panicked)
}
