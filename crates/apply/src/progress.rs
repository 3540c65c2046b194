//! Apply progress, in the form the [`Printer`] chose: a bar on a terminal,
//! one plain line per event otherwise.

use crate::executor::{ActionStatus, Progress};
use crate::interrupt::Signal;
use crate::printer::{Printer, ProgressMode};
use indicatif::{ProgressBar, ProgressStyle};
use plan::{Action, ChangeKind};
use std::io::Write as _;
use std::sync::Mutex;
use std::time::Duration;

pub enum Reporter {
    Bar {
        bar: ProgressBar,
        /// Addresses in flight with their verb, in start order: the bar
        /// names the oldest.
        in_flight: Mutex<Vec<(String, &'static str)>>,
    },
    Lines(Printer),
}

impl Reporter {
    pub fn new(actions: usize, printer: Printer) -> Reporter {
        if printer.progress() == ProgressMode::Lines {
            return Reporter::Lines(printer);
        }
        let bar = ProgressBar::with_draw_target(Some(actions as u64), printer.progress_target());
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        // Redrawn on a timer so the elapsed time moves while a slow call runs.
        bar.enable_steady_tick(Duration::from_millis(200));
        Reporter::Bar {
            bar,
            in_flight: Mutex::new(Vec::new()),
        }
    }

    pub fn finish(&self) {
        if let Reporter::Bar { bar, .. } = self {
            bar.finish_and_clear();
        }
    }

    /// A line for the user now: above the bar, or on stdout among the
    /// progress lines; `to_stderr` for notices that are not progress.
    fn say(&self, line: &str, to_stderr: bool) {
        match self {
            Reporter::Bar { bar, .. } => bar.println(line),
            // A closed stdout must not stop an apply halfway: the journal
            // records every call and the exit status still tells.
            Reporter::Lines(printer) if to_stderr => {
                let _ = writeln!(printer.stderr(), "{line}");
            }
            Reporter::Lines(printer) => {
                let _ = writeln!(printer.stdout(), "{line}");
            }
        }
    }

    fn show_in_flight(bar: &ProgressBar, in_flight: &[(String, &'static str)]) {
        bar.set_message(in_flight_message(in_flight));
    }
}

/// The bar's message: the oldest action in flight, and how many more.
fn in_flight_message(in_flight: &[(String, &'static str)]) -> String {
    match in_flight {
        [] => String::new(),
        [(address, verb)] => format!("{verb} {address}"),
        [(address, verb), rest @ ..] => {
            format!("{verb} {address} (+{} more in flight)", rest.len())
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

/// A duration as progress and summaries show it: `0.4s`, `12s`, `3m05s`.
/// Tests mask these (`tests/it/support`), so snapshots stay deterministic.
pub fn elapsed(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 10 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 60 {
        format!("{secs}s")
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

/// The line printed when an action finishes, with how long it ran.
pub fn finished_line(action: &Action, status: &ActionStatus, took: Option<Duration>) -> String {
    let took = took
        .map(|d| format!(" [{}]", elapsed(d)))
        .unwrap_or_default();
    match status {
        ActionStatus::Done => format!("{}: {}{took}", action.address, verbs(action.change).1),
        ActionStatus::Failed { error } => format!("{}: FAILED{took}: {error}", action.address),
        ActionStatus::Skipped { because } => {
            format!("{}: skipped ({because} did not complete)", action.address)
        }
        ActionStatus::NotStarted => format!("{}: not started (interrupted)", action.address),
        ActionStatus::Interrupted => format!(
            "{}: INTERRUPTED{took}: abandoned in flight, outcome unknown",
            action.address
        ),
    }
}

/// What a first signal prints: stopping, what still runs, how to stop at once.
pub fn stopping_notice(signal: Signal, finishing: &[&Action]) -> String {
    let mut out = format!(
        "\nInterrupted ({signal}): stopping. No new action starts; waiting for {} to finish",
        plural(finishing.len(), "action")
    );
    if finishing.is_empty() {
        out.push('.');
    } else {
        out.push_str(" (calls in flight, and the second half of any replace already begun):");
        for action in finishing {
            out.push_str(&format!("\n  {}", action.address));
        }
    }
    out.push_str(&format!(
        "\nSend {signal} again to stop at once (calls in flight are then journalled as interrupted)."
    ));
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl Progress for Reporter {
    fn started(&self, action: &Action) {
        let verb = verbs(action.change).0;
        match self {
            Reporter::Bar { bar, in_flight } => {
                let mut in_flight = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                in_flight.push((action.address.clone(), verb));
                Self::show_in_flight(bar, &in_flight);
            }
            Reporter::Lines(_) => self.say(&format!("{}: {verb}...", action.address), false),
        }
    }

    fn finished(&self, action: &Action, status: &ActionStatus, took: Option<Duration>) {
        let line = finished_line(action, status, took);
        if let Reporter::Bar { bar, in_flight } = self {
            let mut in_flight = in_flight.lock().unwrap_or_else(|p| p.into_inner());
            in_flight.retain(|(address, _)| address != &action.address);
            Self::show_in_flight(bar, &in_flight);
            bar.inc(1);
        }
        self.say(&line, false);
    }

    fn still_running(&self, action: &Action, took: Duration) {
        // The bar shows the elapsed time itself; a log needs a line.
        if let Reporter::Lines(_) = self {
            self.say(
                &format!(
                    "{}: still {}... [{} elapsed]",
                    action.address,
                    verbs(action.change).0,
                    elapsed(took)
                ),
                false,
            );
        }
    }

    fn stopping(&self, signal: Signal, finishing: &[&Action]) {
        self.say(&stopping_notice(signal, finishing), true);
    }

    fn aborting(&self, signal: Signal, in_flight: &[&Action]) {
        self.say(
            &format!(
                "\nInterrupted again ({signal}): stopping at once; {} abandoned in flight, journalled as interrupted.",
                plural(in_flight.len(), "action")
            ),
            true,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        let ms = Duration::from_millis;
        assert_eq!(elapsed(ms(0)), "0.0s");
        assert_eq!(elapsed(ms(420)), "0.4s");
        assert_eq!(elapsed(ms(9_960)), "10.0s");
        assert_eq!(elapsed(ms(12_700)), "12s");
        assert_eq!(elapsed(ms(185_000)), "3m05s");
    }

    #[test]
    fn the_bar_names_the_oldest_action_in_flight() {
        assert_eq!(in_flight_message(&[]), "");
        let one = [("vpc.gw.v1".to_owned(), "replacing")];
        assert_eq!(in_flight_message(&one), "replacing vpc.gw.v1");
        let three = [
            ("vpc.gw.v1".to_owned(), "replacing"),
            ("gateway.gw2".to_owned(), "creating"),
            ("gateway.gw3".to_owned(), "creating"),
        ];
        assert_eq!(
            in_flight_message(&three),
            "replacing vpc.gw.v1 (+2 more in flight)"
        );
    }
}
