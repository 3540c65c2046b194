//! One function per CDA endpoint: reads [`Params`], applies the business
//! rules of REFERENCE §2/§4 to one account's state, returns the `returnObj`.
//!
//! [`ENDPOINTS`] is the one place that maps a path to its handler; each
//! resource's handlers live in their own module, on top of the shared
//! request context ([`Ctx`]) and parameter readers.

mod account_auth;
mod bgp_routes;
mod context;
mod gateways;
mod health_checks;
mod lines;
mod link_probes;
mod params;
mod static_routes;
mod switches;
mod vpcs;

pub use context::Ctx;

use crate::wire::{ApiError, Params};

/// Whether an endpoint changes state (writes are POST only, committed,
/// persisted and recorded in the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What a committed write did, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub action: &'static str,
    pub kind: &'static str,
    /// Natural identity (name, `gateway/vpcID`, …).
    pub key: String,
    /// Generated ID, when the object has one.
    pub id: Option<String>,
}

/// A handler's success: the `returnObj` (JSON text) and, for writes, the
/// effect.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub return_obj: String,
    pub effect: Option<Effect>,
}

type Handler = fn(&mut Ctx, &Params) -> Result<Outcome, ApiError>;

/// One API.
pub struct Endpoint {
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

macro_rules! ep {
    ($path:literal, $access:ident, $handler:path) => {
        Endpoint {
            path: $path,
            access: Access::$access,
            handler: $handler,
        }
    };
}

/// Every endpoint of REFERENCE §3. Reads answer GET and POST; writes POST.
pub static ENDPOINTS: &[Endpoint] = &[
    ep!("/v4/cda/gateway/list", Read, gateways::list),
    ep!("/v4/cda/gateway/add", Write, gateways::add),
    ep!("/v4/cda/gateway/delete", Write, gateways::delete),
    ep!("/v4/cda/gateway/count", Read, gateways::count),
    ep!(
        "/v4/cda/gateway/physical-line-list",
        Read,
        gateways::line_list
    ),
    ep!("/v4/cda/physical-line/list", Read, lines::list),
    ep!(
        "/v4/cda/shared-physical-line/list",
        Read,
        lines::shared_list
    ),
    ep!("/v4/cda/physical-line/add", Write, lines::add),
    ep!("/v4/cda/physical-line/update", Write, lines::update),
    ep!("/v4/cda/physical-line/delete", Write, lines::delete),
    ep!("/v4/cda/physical-line/count", Read, lines::count),
    ep!(
        "/v4/cda/physical-line/access-point-list",
        Read,
        lines::access_point
    ),
    ep!("/v4/cda/physical-line/bind", Write, lines::bind),
    ep!("/v4/cda/physical-line/unbind", Write, lines::unbind),
    ep!("/v4/cda/vpc/add", Write, vpcs::add),
    ep!("/v4/cda/vpc/update", Write, vpcs::update),
    ep!("/v4/cda/vpc/delete", Write, vpcs::delete),
    ep!("/v4/cda/vpc/list", Read, vpcs::list),
    ep!("/v4/cda/vpc/count", Read, vpcs::count),
    ep!("/v4/cda/vpc/info", Read, vpcs::info),
    ep!("/v4/cda/static-route/add", Write, static_routes::add),
    ep!("/v4/cda/static-route/update", Write, static_routes::update),
    ep!("/v4/cda/static-route/delete", Write, static_routes::delete),
    ep!("/v4/cda/static-route/list", Read, static_routes::list),
    ep!("/v4/cda/bgp-route/add", Write, bgp_routes::add),
    ep!("/v4/cda/bgp-route/update", Write, bgp_routes::update),
    ep!("/v4/cda/bgp-route/delete", Write, bgp_routes::delete),
    ep!("/v4/cda/bgp-route/list", Read, bgp_routes::list),
    ep!("/v4/cda/switch/list", Read, switches::list),
    ep!("/v4/cda/switch/count", Read, switches::count),
    ep!("/v4/cda/switch/add", Write, switches::add),
    ep!("/v4/cda/switch/delete", Write, switches::delete),
    ep!("/v4/cda/switch/switch-ports", Read, switches::ports),
    ep!("/v4/cda/health-check/add", Write, health_checks::add),
    ep!("/v4/cda/health-check/update", Write, health_checks::update),
    ep!("/v4/cda/health-check/get", Read, health_checks::get),
    ep!(
        "/v4/cda/health-check/status/get",
        Read,
        health_checks::status
    ),
    ep!("/v4/vpn/config/delete", Write, health_checks::delete),
    ep!("/v4/cda/link-probe/add", Write, link_probes::add),
    ep!("/v4/cda/link-probe/delete", Write, link_probes::delete),
    ep!("/v4/cda/link-probe/query", Read, link_probes::query),
    ep!("/v4/cda/accountauth/add", Write, account_auth::add),
    ep!("/v4/cda/accountauth/delete", Write, account_auth::delete),
    ep!("/v4/cda/accountauth/list", Read, account_auth::list),
    ep!(
        "/v4/cda/accountauth/statistics",
        Read,
        account_auth::statistics
    ),
    ep!(
        "/v4/cda/accountauth/other/list",
        Read,
        account_auth::other_list
    ),
    ep!("/v4/cda/accountauth/own/list", Read, account_auth::own_list),
    ep!("/v4/cda/ec/info", Read, gateways::ec_info),
];

/// The endpoint serving `path`, if any.
pub fn find(path: &str) -> Option<&'static Endpoint> {
    let path = path.trim_end_matches('/');
    ENDPOINTS.iter().find(|e| e.path == path)
}
