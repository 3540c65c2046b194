//! `cda completions bash|zsh|fish`.

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::exit::Status;
use crate::printer::Printer;
use clap::CommandFactory;
use std::io::Write as _;

pub fn run(args: &CompletionsArgs, printer: Printer) -> anyhow::Result<Status> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut cmd = Cli::command();
    // clap_complete panics when its writer fails, so the script is built in
    // memory and a closed stdout becomes an ordinary error.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "cda", &mut script);
    printer.stdout().write_all(&script)?;
    Ok(Status::Success)
}
