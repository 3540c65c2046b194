//! The state cda keeps in the directory it runs in, all under [`STATE_DIR`]
//! (listed for users in docs/cli.md, "Files"):
//!
//! - `apply.lock`: the pid of the running apply ([`crate::lock`]);
//! - `journal/<UTC time ms>-<pid>.jsonl`: one journal per apply run ([`crate::journal`]);
//! - [`EMULATOR_STATE_FILE`]: the embedded emulator's estate (`--emulator`).

/// The directory, relative to the current one.
pub const STATE_DIR: &str = ".cda";

/// The embedded emulator's state file inside [`STATE_DIR`].
pub const EMULATOR_STATE_FILE: &str = "emulator-state.json";
