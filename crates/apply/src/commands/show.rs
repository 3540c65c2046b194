//! `cda show PLANFILE [--json]`: render a saved plan, no network.

use crate::cli::ShowArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use plan::render;
use std::io::Write as _;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<Status> {
    let saved = common::load_planfile(&args.planfile)?;
    if args.json {
        writeln!(printer.stdout(), "{}", render::json(&saved.plan))?;
    } else {
        let human = render::human(&saved.plan, &printer.human_options());
        write!(printer.stdout(), "{human}")?;
    }
    Ok(Status::Success)
}
