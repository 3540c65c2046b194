//! `cda show PLANFILE [--json]`: render a saved plan, no network.

use crate::cli::ShowArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use plan::render;
use std::io::Write as _;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<Status> {
    let mut plan = common::load_planfile(&args.planfile)?.plan;
    // A plan file written before the blast-radius guard carries no verdict:
    // show the warning `apply` would give it.
    if plan.mass_destroy.is_none() {
        plan.mass_destroy = plan::guard::assess(&plan);
    }
    if args.json {
        writeln!(printer.stdout(), "{}", render::json(&plan))?;
    } else {
        let human = render::human(&plan, &printer.human_options());
        write!(printer.stdout(), "{human}")?;
    }
    Ok(Status::Success)
}
