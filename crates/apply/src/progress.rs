//! Apply progress: a bar on a terminal, one plain line per event otherwise
//! (CI logs keep every line; a bar would be a mess of carriage returns).

use crate::executor::{ActionStatus, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plan::{Action, ChangeKind};

pub enum Reporter {
    Bar(ProgressBar),
    Lines,
}

impl Reporter {
    pub fn new(actions: usize, bars: bool) -> Reporter {
        if !bars {
            return Reporter::Lines;
        }
        let bar = ProgressBar::with_draw_target(Some(actions as u64), ProgressDrawTarget::stderr());
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
            Reporter::Lines => println!("{}: {}...", action.address, verbs(action.change).0),
        }
    }

    fn finished(&self, action: &Action, status: &ActionStatus) {
        let line = finished_line(action, status);
        match self {
            Reporter::Bar(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            Reporter::Lines => println!("{line}"),
        }
    }
}
