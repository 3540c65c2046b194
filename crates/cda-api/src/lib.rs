//! EOP request signing and a typed async client for the CTyun Cloud
//! Dedicated Access (CDA) OpenAPI.
//!
//! * [`signing`] — pure signing functions (REFERENCE §5.1).
//! * [`endpoints`] — the one table of endpoints (method, path, placement).
//! * [`types`] — request/response types with REFERENCE's field spellings,
//!   one file per resource.
//! * [`ApiRequest`] — each request type tied to its endpoint and response
//!   type; [`Client::send`] sends any of them, [`AnyRequest`] holds any of
//!   them.
//! * [`Client`] — one async method per endpoint; reads retried, writes never;
//!   paginated lists walked in sequence or side by side.
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
mod request;
pub mod signing;
pub mod types;
pub mod wire;

pub use client::{
    Client, ClientConfig, Exchange, GatewayKey, GetParams, ParamPlacement, RateController,
    RateReport, RawResponse, WireOptions, DEFAULT_ENDPOINT, DEFAULT_PAGE_SIZE,
    DEFAULT_RATE_LIMIT_MAX, MAX_PAGES, MAX_RESPONSE_BYTES, REDACTED_ACCESS_KEY, REDACTED_ACCOUNT,
};
pub use credentials::Credentials;
pub use endpoints::Endpoint;
pub use error::Error;
pub use request::{AnyRequest, ApiRequest, Paged, PagedRequest};
pub use types::{Page, WriteReceipt};
pub use wire::{redact, wire_form, wire_preview, WirePreview};
