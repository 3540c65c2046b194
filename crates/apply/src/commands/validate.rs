//! `cda validate -f FILE`: no network, every diagnostic at once.

use crate::cli::ValidateArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use std::io::Write as _;

pub fn run(args: &ValidateArgs, printer: Printer) -> anyhow::Result<Status> {
    match common::load_desired(&args.file, printer) {
        Ok(_) => {
            writeln!(printer.stdout(), "{}: valid", args.file.display())?;
            Ok(Status::Success)
        }
        Err(status) => Ok(status),
    }
}
