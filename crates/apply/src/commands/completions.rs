//! `cda completions bash|zsh|fish`.

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::exit::Status;
use clap::CommandFactory;

pub fn run(args: &CompletionsArgs) -> Status {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "cda", &mut std::io::stdout());
    Status::Success
}
