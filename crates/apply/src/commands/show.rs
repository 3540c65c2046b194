//! `cda show PLANFILE [--json]`: render a saved plan, no network.

use crate::cli::ShowArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::output::Output;
use plan::render::{self, HumanOptions};

pub fn run(args: &ShowArgs, output: Output) -> anyhow::Result<Status> {
    let saved = common::load_planfile(&args.planfile)?;
    if args.json {
        println!("{}", render::json(&saved.plan));
    } else {
        print!(
            "{}",
            render::human(
                &saved.plan,
                &HumanOptions {
                    color: output.color
                }
            )
        );
    }
    Ok(Status::Success)
}
