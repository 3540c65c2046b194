//! `cda validate -f FILE`: no network, every diagnostic at once.

use crate::cli::ValidateArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::output::Output;

pub fn run(args: &ValidateArgs, output: Output) -> Status {
    match common::load_desired(&args.file, output) {
        Ok(_) => {
            println!("{}: valid", args.file.display());
            Status::Success
        }
        Err(status) => status,
    }
}
