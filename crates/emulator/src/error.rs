//! The emulator library's error type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("state file {path} is not a valid emulator state: {source}")]
    StateFile {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("seed {origin}: {message}")]
    Seed { origin: String, message: String },
    // The spec itself is never echoed: it contains the secret key.
    #[error("invalid --account value: {reason}")]
    AccountSpec { reason: String },
    #[error("invalid configuration: {0}")]
    Config(String),
}
