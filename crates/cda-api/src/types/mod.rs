//! Request and response types, one request type per endpoint, grouped by
//! resource.
//!
//! Field spellings on the wire are REFERENCE's (`#[serde(rename)]`); decoding
//! accepts the documented variants (`SRID`/`SRId`/`srid`, `lineID`/`lineId`,
//! …) through aliases, tolerates numbers sent as strings and ignores unknown
//! fields. Requests serialise strictly: optional fields that are `None` are
//! left out.
//!
//! Where several endpoints take the same parameters (everything scoped to
//! one gateway, line binding and unbinding), each endpoint still has its own
//! request type, a transparent wrapper around the shared one, so a request
//! type alone says where it goes (see [`crate::ApiRequest`]).

/// Declares an endpoint's own request type around parameters it shares with
/// other endpoints. It serialises exactly as the shared type.
macro_rules! shared_parameters {
    ($(#[$doc:meta])* $name:ident($shared:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $shared);

        impl From<$shared> for $name {
            fn from(parameters: $shared) -> Self {
                $name(parameters)
            }
        }
    };
}

mod account_auth;
mod bgp_routes;
mod gateways;
mod health_checks;
mod lines;
mod link_probes;
mod results;
mod static_routes;
mod switches;
mod vpcs;

pub use account_auth::*;
pub use bgp_routes::*;
pub use gateways::*;
pub use health_checks::*;
pub use lines::*;
pub use link_probes::*;
pub use results::*;
pub use static_routes::*;
pub use switches::*;
pub use vpcs::*;
