//! A faithful local emulator of the CTyun CDA OpenAPI (the LocalStack idea).
//!
//! It is a second, independent implementation of the wire format described
//! in REFERENCE.md: its own signature verification ([`sign`]), its own
//! envelope and parameters ([`wire`]), its own business rules
//! ([`handlers`]). It shares no types with `cda-api`, so a misspelt field
//! cannot pass on both sides at once.
//!
//! ```no_run
//! # async fn demo() -> Result<(), emulator::Error> {
//! let handle = emulator::spawn(emulator::Config::demo()).await?;
//! println!("{}", handle.base_url());
//! handle.shutdown().await?;
//! # Ok(()) }
//! ```

pub mod config;
pub mod dialect;
pub mod error;
pub mod faults;
pub mod handlers;
pub mod run;
pub mod seed;
pub mod server;
pub mod sign;
pub mod store;
pub mod wire;

pub use config::{
    parse_account, Account, Config, SeedSource, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY,
};
pub use dialect::{parse_dialect, Dialect, DialectSetting, Identity, Style};
pub use error::Error;
pub use faults::{FaultConfig, FaultKind, ScriptedFault};
pub use run::{banner, run, ServeOptions, DEFAULT_LISTEN};
pub use seed::{Seed, SeedAccount};
pub use server::{router, router_for, serve, serve_app, spawn, spawn_on, App, Handle, Stats};
pub use store::{HistoryEntry, Store};
