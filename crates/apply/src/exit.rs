//! Exit codes are a contract with pipelines: keep them in one place.

use crate::interrupt::Signal;
use std::process::ExitCode;

/// What a command tells the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: done; with `plan --detailed-exitcode`, no changes.
    Success,
    /// 1: an error, a refusal, or an apply with failed actions.
    Failure,
    /// 2: `plan --detailed-exitcode` found changes.
    Changes,
    /// 3: a saved plan is stale (live objects changed) or expired.
    StalePlan,
    /// 130 (SIGINT) or 143 (SIGTERM): stopped by a signal, after finishing
    /// what was in flight (see `docs/cli.md`, "Interrupting").
    Interrupted(Signal),
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Failure => 1,
            Status::Changes => 2,
            Status::StalePlan => 3,
            Status::Interrupted(Signal::Int) => 130,
            Status::Interrupted(Signal::Term) => 143,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        ExitCode::from(s.code())
    }
}
