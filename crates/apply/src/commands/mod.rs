//! One module per subcommand; each returns an exit [`Status`]. The
//! commands that write or run long (`plan`, `apply`, `emulator serve`)
//! catch SIGINT and SIGTERM to stop cleanly (see [`Interrupts`]).

pub mod apply;
pub mod common;
pub mod completions;
pub mod doctor;
pub mod earlier;
pub mod emulator;
pub mod export;
pub mod graph;
pub mod plan;
pub mod requested;
pub mod show;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::exit::Status;
use crate::interrupt::Interrupts;
use crate::printer::Printer;

pub async fn dispatch(cli: Cli, printer: Printer) -> anyhow::Result<Status> {
    let global = &cli.global;
    match &cli.command {
        Command::Validate(args) => validate::run(args, printer),
        Command::Plan(args) => plan::run(args, global, printer, &Interrupts::listen()?).await,
        Command::Apply(args) => apply::run(args, global, printer, &Interrupts::listen()?).await,
        Command::Show(args) => show::run(args, printer),
        Command::Export(args) => export::run(args, global, printer).await,
        Command::Graph(args) => graph::run(args, global, printer).await,
        Command::Doctor(args) => doctor::run(args, global, printer).await,
        Command::Emulator(command) => emulator::run(command, &Interrupts::listen()?).await,
        Command::Completions(args) => completions::run(args, printer),
    }
}
