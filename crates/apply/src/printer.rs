//! Where every line cda prints goes, decided once per run from the global
//! flags and the terminal: results (plans, JSON, summaries, progress lines)
//! on stdout, diagnostics, warnings, logs and progress bars on stderr.
//!
//! Commands write `writeln!(printer.stdout(), …)?` instead of `println!`, so
//! colour, prompts and progress bars cannot disagree about the terminal, and
//! a closed pipe is an error the command returns rather than a panic.

use crate::cli::ColorChoice;
use indicatif::ProgressDrawTarget;
use plan::render::HumanOptions;
use std::fmt;
use std::io::{self, IsTerminal, Write};

/// The output decisions of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Colour the renderings on stdout.
    stdout_color: bool,
    /// Colour diagnostics and logs on stderr.
    stderr_color: bool,
    /// stdin is a terminal: approval prompts are possible.
    interactive: bool,
    /// How apply reports progress.
    progress: ProgressMode,
}

/// How apply reports progress: a bar on a terminal, one plain line per event
/// otherwise (CI logs keep every line; a bar would be a mess of carriage
/// returns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar redrawn on stderr.
    Bar,
    /// One line per event on stdout.
    Lines,
}

impl Printer {
    /// Decide from `--color`, `NO_COLOR` and which streams are terminals.
    pub fn detect(choice: ColorChoice) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            stdout_color: color_enabled(choice, no_color, io::stdout().is_terminal()),
            stderr_color: color_enabled(choice, no_color, io::stderr().is_terminal()),
            interactive: io::stdin().is_terminal(),
            progress: if io::stderr().is_terminal() {
                ProgressMode::Bar
            } else {
                ProgressMode::Lines
            },
        }
    }

    /// Results: what a pipeline reads.
    pub fn stdout(self) -> Stdout {
        Stdout(())
    }

    /// Diagnostics, warnings, refusals and logs.
    pub fn stderr(self) -> Stderr {
        Stderr(())
    }

    /// How plans and drift reports are rendered on stdout: coloured or not.
    pub fn human_options(self) -> HumanOptions {
        HumanOptions {
            color: self.stdout_color,
        }
    }

    /// Whether diagnostics and logs on stderr carry colour.
    pub fn color_stderr(self) -> bool {
        self.stderr_color
    }

    /// Whether cda can ask for approval on stdin.
    pub fn interactive(self) -> bool {
        self.interactive
    }

    /// Bar or lines, from whether stderr is a terminal.
    pub fn progress(self) -> ProgressMode {
        self.progress
    }

    /// Where a progress bar is drawn.
    pub fn progress_target(self) -> ProgressDrawTarget {
        match self.progress {
            ProgressMode::Bar => ProgressDrawTarget::stderr(),
            ProgressMode::Lines => ProgressDrawTarget::hidden(),
        }
    }
}

/// `always`/`never` are explicit and win; `auto` colours a terminal unless
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn color_enabled(choice: ColorChoice, no_color: bool, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color,
    }
}

/// The process's stdout. Each `write!` takes the stream's lock once, as
/// `println!` does, so lines from concurrent actions do not interleave, and
/// is flushed before it returns, so a prompt without a newline shows at once
/// and a failure surfaces at the write that caused it rather than being lost
/// at exit. Errors (a closed pipe, a full disk) are returned naming the
/// stream: a truncated export or JSON plan must not exit 0.
#[derive(Debug)]
pub struct Stdout(());

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = io::stdout().lock();
        let written = out.write(buf).and_then(|n| out.flush().map(|()| n));
        written.map_err(|e| failed("stdout", e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let written = out.write_all(buf).and_then(|()| out.flush());
        written.map_err(|e| failed("stdout", e))
    }

    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let written = out.write_fmt(args).and_then(|()| out.flush());
        written.map_err(|e| failed("stdout", e))
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush().map_err(|e| failed("stdout", e))
    }
}

/// The process's stderr. A message that cannot be written there is dropped:
/// stderr is where failures are reported, so there is nowhere left to report
/// this one, and the exit status still says what happened.
#[derive(Debug)]
pub struct Stderr(());

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let _ = io::stderr().write_all(buf);
        Ok(())
    }

    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> io::Result<()> {
        let _ = io::stderr().write_fmt(args);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stderr().flush();
        Ok(())
    }
}

fn failed(stream: &str, e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe && stream == "stdout" {
        return io::Error::new(e.kind(), StdoutClosed);
    }
    io::Error::new(e.kind(), format!("writing to {stream}: {e}"))
}

/// The reader of stdout went away (`cda plan --json | head -1`). Not a
/// failure to report: whoever closed the pipe has what they wanted. A type of
/// its own so [`is_stdout_closed`] cannot mistake a broken connection to the
/// API for it.
#[derive(Debug)]
struct StdoutClosed;

impl fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("writing to stdout: the reader closed the pipe")
    }
}

impl std::error::Error for StdoutClosed {}

/// Whether a command failed only because stdout's reader went away: the run
/// then ends without a message, with status 1 all the same (the output was
/// cut short), as a tool killed by `SIGPIPE` would end without one.
pub fn is_stdout_closed(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|inner| inner.is::<StdoutClosed>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        assert!(color_enabled(ColorChoice::Auto, false, true));
        assert!(!color_enabled(ColorChoice::Auto, true, true));
        assert!(!color_enabled(ColorChoice::Auto, false, false));
        assert!(color_enabled(ColorChoice::Always, true, false));
        assert!(!color_enabled(ColorChoice::Never, false, true));
    }

    #[test]
    fn write_errors_name_the_stream_and_keep_their_kind() {
        let e = failed("stdout", io::Error::from(io::ErrorKind::BrokenPipe));
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        assert!(e.to_string().starts_with("writing to stdout: "), "{e}");
        let e = failed("stdout", io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert!(e.to_string().starts_with("writing to stdout: "), "{e}");
    }

    #[test]
    fn only_a_closed_stdout_is_quiet() {
        let closed = failed("stdout", io::Error::from(io::ErrorKind::BrokenPipe));
        let closed = anyhow::Error::new(closed).context("rendering the plan");
        assert!(is_stdout_closed(&closed));
        // A connection to the API that broke is a failure to report.
        let socket = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(!is_stdout_closed(&socket));
        let full = failed("stdout", io::Error::from(io::ErrorKind::StorageFull));
        assert!(!is_stdout_closed(&anyhow::Error::new(full)));
    }
}
