//! Apply progress, in the form the [`Printer`] chose: a bar on a terminal,
//! one plain line per event otherwise.

use crate::executor::{ActionStatus, Progress};
use crate::printer::{Printer, ProgressMode};
use indicatif::{ProgressBar, ProgressStyle};
use plan::{Action, ChangeKind};
use std::io::Write as _;

pub enum Reporter {
    Bar(ProgressBar),
    Lines(Printer),
}

impl Reporter {
    pub fn new(actions: usize, printer: Printer) -> Reporter {
        if printer.progress() == ProgressMode::Lines {
            return Reporter::Lines(printer);
        }
        let bar = ProgressBar::with_draw_target(Some(actions as u64), printer.progress_target());
        let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        Reporter::Bar(bar)
    }

    pub fn finish(&self) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn verbs(change: ChangeKind) -> (&'static str, &'static str) {
    match change {
        ChangeKind::Create => ("creating", "created"),
        ChangeKind::Update => ("updating", "updated"),
        ChangeKind::Replace => ("replacing", "replaced"),
        ChangeKind::Delete => ("deleting", "deleted"),
    }
}

/// The line printed when an action finishes.
pub fn finished_line(action: &Action, status: &ActionStatus) -> String {
    match status {
        ActionStatus::Done => format!("{}: {}", action.address, verbs(action.change).1),
        ActionStatus::Failed { error } => format!("{}: FAILED: {error}", action.address),
        ActionStatus::Skipped { because } => {
            format!("{}: skipped ({because} did not complete)", action.address)
        }
    }
}

impl Progress for Reporter {
    fn started(&self, action: &Action) {
        match self {
            Reporter::Bar(bar) => {
                bar.set_message(format!("{} {}", verbs(action.change).0, action.address))
            }
            Reporter::Lines(printer) => {
                // A closed stdout must not stop an apply halfway: the journal
                // records every call and the exit status still tells.
                let _ = writeln!(
                    printer.stdout(),
                    "{}: {}...",
                    action.address,
                    verbs(action.change).0
                );
            }
        }
    }

    fn finished(&self, action: &Action, status: &ActionStatus) {
        let line = finished_line(action, status);
        match self {
            Reporter::Bar(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            Reporter::Lines(printer) => {
                let _ = writeln!(printer.stdout(), "{line}");
            }
        }
    }
}
