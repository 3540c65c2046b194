//! `cda show PLANFILE [--json]`: render a saved plan, no network.

use crate::cli::ShowArgs;
use crate::exit::Status;
use crate::output::Output;
use anyhow::Context as _;
use plan::render::{self, HumanOptions};

pub fn run(args: &ShowArgs, output: Output) -> anyhow::Result<Status> {
    let saved = plan::planfile::PlanFile::load(&args.planfile)
        .with_context(|| format!("reading the plan file {}", args.planfile.display()))?;
    if args.json {
        println!("{}", render::json(&saved.plan));
    } else {
        print!("{}", render::human(&saved.plan, &HumanOptions { color: output.color }));
    }
    Ok(Status::Success)
}
