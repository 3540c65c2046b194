//! One module per subcommand; each returns an exit [`Status`].

pub mod apply;
pub mod common;
pub mod completions;
pub mod emulator;
pub mod export;
pub mod plan;
pub mod show;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::exit::Status;
use crate::output::Output;

pub async fn dispatch(cli: Cli, output: Output) -> anyhow::Result<Status> {
    let global = &cli.global;
    match &cli.command {
        Command::Validate(args) => Ok(validate::run(args, output)),
        Command::Plan(args) => plan::run(args, global, output).await,
        Command::Apply(args) => apply::run(args, global, output).await,
        Command::Show(args) => show::run(args, output),
        Command::Export(args) => export::run(args, global).await,
        Command::Emulator(command) => emulator::run(command).await,
        Command::Completions(args) => Ok(completions::run(args)),
    }
}
