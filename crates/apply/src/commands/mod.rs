//! One module per subcommand; each returns an exit [`Status`].

pub mod completions;

use crate::cli::{Cli, Command};
use crate::exit::Status;
use crate::output::Output;

pub async fn dispatch(cli: Cli, output: Output) -> anyhow::Result<Status> {
    let _ = output;
    match cli.command {
        Command::Completions(args) => Ok(completions::run(&args)),
        _ => anyhow::bail!("not implemented yet"),
    }
}
