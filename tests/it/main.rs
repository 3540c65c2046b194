//! The `cda` binary's flows end to end, compiled as one test binary (one link
//! step, as uv does): one module per flow, the shared helpers in `support`.
//! Data the flows read stays beside this folder: `tests/fixtures/` and the
//! bad-input corpus `tests/bad-inputs/`.
//!
//! Each test runs the binary as a child process with its own environment and
//! current directory, and spawns its own emulator on 127.0.0.1:0, so tests of
//! different modules can run at once in this one process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod bad_inputs;
mod blast_guard;
mod broken_pipe;
mod cli_offline;
mod client_vs_emulator;
mod crashes;
mod dialects;
mod doc_snapshots;
mod docs_stand_alone;
mod doctor;
mod e2e_faults;
mod e2e_quickstart;
mod e2e_saved_plan;
mod estate;
mod examples_plan;
mod faults;
mod first_hour;
mod getting_started;
mod give_up;
mod graph;
mod inline_lists;
mod interrupt;
mod races;
mod regions;
mod rename_proxy;
mod security;
mod targeting;
