//! The `cda` command line: argument parsing, refresh (API → inventory), the
//! executor, journal, lock and the embedded emulator. Planning logic lives in
//! the `plan` crate; wire details in `cda-api`.

pub mod calls;
pub mod cli;
pub mod commands;
pub mod executor;
pub mod exit;
pub mod interrupt;
pub mod journal;
pub mod lock;
pub mod paths;
pub mod printer;
pub mod progress;
pub mod refresh;
pub mod session;

use clap::Parser;
use printer::Printer;
use std::io::Write as _;
use std::process::ExitCode;

/// Parse the command line, run one command, and turn the result into an exit
/// code. Every error is printed here, once.
pub fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some((given, wanted)) = cli::terraform_spelling(&args) {
        let _ = writeln!(
            Printer::detect(cli::ColorChoice::Auto).stderr(),
            "error: unexpected argument '{given}': did you mean `{wanted}`? \
             (cda's long options take two dashes; Terraform's take one)"
        );
        return exit::Status::Failure.into();
    }
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap's own usage-error code is 2, which pipelines read as
            // "plan has changes"; a usage error is an error: 1.
            return if e.use_stderr() {
                exit::Status::Failure
            } else {
                exit::Status::Success
            }
            .into();
        }
    };
    let printer = Printer::detect(cli.global.color);
    init_tracing(cli.global.verbose, printer);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(
                printer.stderr(),
                "error: cannot start the async runtime: {e}"
            );
            return exit::Status::Failure.into();
        }
    };
    let status = runtime.block_on(commands::dispatch(cli, printer));
    // An approval prompt abandoned by a signal leaves a thread blocked on
    // stdin: do not wait for it.
    runtime.shutdown_background();
    match status {
        Ok(status) => status.into(),
        Err(e) if printer::is_stdout_closed(&e) => exit::Status::Failure.into(),
        Err(e) => {
            let _ = writeln!(printer.stderr(), "error: {e:#}");
            exit::Status::Failure.into()
        }
    }
}

/// Logs go to stderr so stdout stays machine-readable (`--json`).
fn init_tracing(verbose: u8, printer: Printer) {
    use tracing_subscriber::EnvFilter;
    let filter = match verbose {
        0 => EnvFilter::try_from_env("CDA_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        // Our crates only: hyper and friends are noise until -vvv.
        1 => EnvFilter::new("warn,apply=info,cda_api=info,plan=info,emulator=info"),
        2 => EnvFilter::new("warn,apply=debug,cda_api=debug,plan=debug,emulator=debug"),
        _ => EnvFilter::new("trace"),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || printer.stderr())
        .with_ansi(printer.color_stderr())
        .with_target(verbose >= 2)
        .try_init();
}
