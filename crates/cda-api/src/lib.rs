//! EOP request signing and a typed async client for the CTyun Cloud
//! Dedicated Access (CDA) OpenAPI.
//!
//! * [`signing`] — pure signing functions (REFERENCE §5.1).
//! * [`endpoints`] — the one table of endpoints (method, path, placement).
//! * [`types`] — request/response types with REFERENCE's field spellings.
//! * [`Client`] — one async method per endpoint; reads retried, writes never.
//! * [`wire_preview`] / [`redact`] — the exact request without sending it,
//!   and secret masking for display and logs.
//!
//! Knows nothing about desired state or plans.

mod client;
pub mod credentials;
mod de;
mod decode;
pub mod endpoints;
pub mod error;
pub mod signing;
pub mod types;
pub mod wire;

pub use client::{
    Client, ClientConfig, RawResponse, DEFAULT_ENDPOINT, DEFAULT_PAGE_SIZE, MAX_RESPONSE_BYTES,
};
pub use credentials::Credentials;
pub use endpoints::Endpoint;
pub use error::Error;
pub use types::{Page, WriteReceipt};
pub use wire::{redact, wire_preview, WirePreview};
