//! The one table of CDA endpoints: name, HTTP method, path, where the
//! parameters travel, and whether the call changes state.
//!
//! A finding about the real service (a different path, a GET that must carry
//! a JSON body) is a one-line change here; nothing else in the crate repeats
//! a path or a method.

use serde::Serialize;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an endpoint's parameters travel (REFERENCE §1.2: the official docs
/// put GET parameters in the query string; POST bodies are JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Canonical query string, empty body.
    Query,
    /// Compact JSON body, empty query string.
    JsonBody,
}

/// Whether a call only reads (safe to retry) or changes state (never retried
/// inside the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Read,
    Write,
}

/// One CDA API endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Endpoint {
    /// Stable snake_case name (matches the client method), used in errors,
    /// spans and journals.
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub placement: Placement,
    pub kind: Kind,
}

impl Endpoint {
    pub fn is_write(&self) -> bool {
        self.kind == Kind::Write
    }
}

macro_rules! endpoints {
    ($( $(#[$doc:meta])* $konst:ident = $name:literal, $method:ident, $path:literal, $placement:ident, $kind:ident; )*) => {
        $(
            $(#[$doc])*
            pub const $konst: Endpoint = Endpoint {
                name: $name,
                method: Method::$method,
                path: $path,
                placement: Placement::$placement,
                kind: Kind::$kind,
            };
        )*
        /// Every endpoint, in REFERENCE §3 order.
        pub const ALL: &[Endpoint] = &[$($konst),*];
    };
}

endpoints! {
    // Gateways
    GATEWAY_LIST = "gateway_list", Get, "/v4/cda/gateway/list", Query, Read;
    GATEWAY_ADD = "gateway_add", Post, "/v4/cda/gateway/add", JsonBody, Write;
    GATEWAY_DELETE = "gateway_delete", Post, "/v4/cda/gateway/delete", JsonBody, Write;
    GATEWAY_COUNT = "gateway_count", Get, "/v4/cda/gateway/count", Query, Read;
    GATEWAY_PHYSICAL_LINE_LIST = "gateway_physical_line_list", Get, "/v4/cda/gateway/physical-line-list", Query, Read;
    // Physical lines
    PHYSICAL_LINE_LIST = "physical_line_list", Get, "/v4/cda/physical-line/list", Query, Read;
    SHARED_PHYSICAL_LINE_LIST = "shared_physical_line_list", Get, "/v4/cda/shared-physical-line/list", Query, Read;
    PHYSICAL_LINE_ADD = "physical_line_add", Post, "/v4/cda/physical-line/add", JsonBody, Write;
    PHYSICAL_LINE_UPDATE = "physical_line_update", Post, "/v4/cda/physical-line/update", JsonBody, Write;
    PHYSICAL_LINE_DELETE = "physical_line_delete", Post, "/v4/cda/physical-line/delete", JsonBody, Write;
    PHYSICAL_LINE_COUNT = "physical_line_count", Get, "/v4/cda/physical-line/count", Query, Read;
    PHYSICAL_LINE_ACCESS_POINT_LIST = "physical_line_access_point_list", Get, "/v4/cda/physical-line/access-point-list", Query, Read;
    PHYSICAL_LINE_BIND = "physical_line_bind", Post, "/v4/cda/physical-line/bind", JsonBody, Write;
    PHYSICAL_LINE_UNBIND = "physical_line_unbind", Post, "/v4/cda/physical-line/unbind", JsonBody, Write;
    // VPC attachments
    VPC_ADD = "vpc_add", Post, "/v4/cda/vpc/add", JsonBody, Write;
    VPC_UPDATE = "vpc_update", Post, "/v4/cda/vpc/update", JsonBody, Write;
    VPC_DELETE = "vpc_delete", Post, "/v4/cda/vpc/delete", JsonBody, Write;
    VPC_LIST = "vpc_list", Get, "/v4/cda/vpc/list", Query, Read;
    VPC_COUNT = "vpc_count", Get, "/v4/cda/vpc/count", Query, Read;
    VPC_INFO = "vpc_info", Get, "/v4/cda/vpc/info", Query, Read;
    // Static routes
    STATIC_ROUTE_ADD = "static_route_add", Post, "/v4/cda/static-route/add", JsonBody, Write;
    STATIC_ROUTE_UPDATE = "static_route_update", Post, "/v4/cda/static-route/update", JsonBody, Write;
    STATIC_ROUTE_DELETE = "static_route_delete", Post, "/v4/cda/static-route/delete", JsonBody, Write;
    STATIC_ROUTE_LIST = "static_route_list", Get, "/v4/cda/static-route/list", Query, Read;
    // BGP routes
    BGP_ROUTE_ADD = "bgp_route_add", Post, "/v4/cda/bgp-route/add", JsonBody, Write;
    BGP_ROUTE_UPDATE = "bgp_route_update", Post, "/v4/cda/bgp-route/update", JsonBody, Write;
    BGP_ROUTE_DELETE = "bgp_route_delete", Post, "/v4/cda/bgp-route/delete", JsonBody, Write;
    BGP_ROUTE_LIST = "bgp_route_list", Get, "/v4/cda/bgp-route/list", Query, Read;
    // Switches (PYH sends switch/list as POST; GO, PY4 and 3P use GET)
    SWITCH_LIST = "switch_list", Get, "/v4/cda/switch/list", Query, Read;
    // Health checks
    HEALTH_CHECK_ADD = "health_check_add", Post, "/v4/cda/health-check/add", JsonBody, Write;
    HEALTH_CHECK_UPDATE = "health_check_update", Post, "/v4/cda/health-check/update", JsonBody, Write;
    HEALTH_CHECK_GET = "health_check_get", Get, "/v4/cda/health-check/get", Query, Read;
    HEALTH_CHECK_STATUS = "health_check_status", Get, "/v4/cda/health-check/status/get", Query, Read;
    /// The only documented path (GO); REFERENCE §7 #20 doubts it. Correct it
    /// here when the real path is known.
    HEALTH_CHECK_DELETE = "health_check_delete", Post, "/v4/vpn/config/delete", JsonBody, Write;
    // Link probes
    LINK_PROBE_ADD = "link_probe_add", Post, "/v4/cda/link-probe/add", JsonBody, Write;
    LINK_PROBE_DELETE = "link_probe_delete", Post, "/v4/cda/link-probe/delete", JsonBody, Write;
    LINK_PROBE_QUERY = "link_probe_query", Get, "/v4/cda/link-probe/query", Query, Read;
    // Cross-account VPC authorisation
    ACCOUNT_AUTH_ADD = "account_auth_add", Post, "/v4/cda/accountauth/add", JsonBody, Write;
    ACCOUNT_AUTH_DELETE = "account_auth_delete", Post, "/v4/cda/accountauth/delete", JsonBody, Write;
    ACCOUNT_AUTH_LIST = "account_auth_list", Get, "/v4/cda/accountauth/list", Query, Read;
}

/// Endpoints that identify a gateway (DIALECTS §4.1): they carry the
/// gateway key, `gatewayName` and/or `vrfName`. `gateway/add` names a new
/// gateway and `gateway/list` only filters by name, so neither is here.
pub const GATEWAY_SCOPED: &[&str] = &[
    "gateway_delete",
    "gateway_physical_line_list",
    "physical_line_bind",
    "physical_line_unbind",
    "vpc_add",
    "vpc_update",
    "vpc_delete",
    "vpc_list",
    "vpc_count",
    "vpc_info",
    "static_route_add",
    "static_route_list",
    "bgp_route_add",
    "bgp_route_list",
    "health_check_add",
    "health_check_update",
    "health_check_get",
    "health_check_status",
    "health_check_delete",
    "link_probe_add",
    "link_probe_query",
];

/// Whether `endpoint` identifies a gateway (see [`GATEWAY_SCOPED`]).
pub fn is_gateway_scoped(endpoint: &Endpoint) -> bool {
    GATEWAY_SCOPED.contains(&endpoint.name)
}

/// Request fields the sources spell differently, sent under both spellings
/// with the same value (DIALECTS §4.3): `(endpoint, field, also sent as)`.
/// Applied to the top level of the request only when the field is present.
pub const ALSO_SENT_AS: &[(&str, &str, &str)] = &[
    // GO update and PY4 send BGPID; GO delete and PYH update send BGPId.
    ("bgp_route_update", "BGPID", "BGPId"),
    ("bgp_route_delete", "BGPID", "BGPId"),
    // GO/PY4 SRID, PYH SRId.
    ("static_route_update", "SRID", "SRId"),
    ("static_route_delete", "SRID", "SRId"),
    // GO/PY4 requests multiPathNum; PYH requests and GO rows multiPathNumber.
    ("bgp_route_add", "multiPathNum", "multiPathNumber"),
    ("bgp_route_update", "multiPathNum", "multiPathNumber"),
    ("bgp_route_add", "multiPathNumIpv6", "multiPathNumberIpv6"),
    (
        "bgp_route_update",
        "multiPathNumIpv6",
        "multiPathNumberIpv6",
    ),
    // PY4 physical-line/update knows only lineID, lineName and note (备注).
    ("physical_line_update", "description", "note"),
];

/// Looks an endpoint up by its name.
pub fn by_name(name: &str) -> Option<&'static Endpoint> {
    ALL.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_paths_are_unique_and_consistent() {
        let names: HashSet<_> = ALL.iter().map(|e| e.name).collect();
        let paths: HashSet<_> = ALL.iter().map(|e| e.path).collect();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(paths.len(), ALL.len());
        for e in ALL {
            // GETs read through the query string; POSTs write JSON bodies.
            match e.method {
                Method::Get => {
                    assert_eq!(e.placement, Placement::Query, "{}", e.name);
                    assert_eq!(e.kind, Kind::Read, "{}", e.name);
                }
                Method::Post => {
                    assert_eq!(e.placement, Placement::JsonBody, "{}", e.name);
                    assert_eq!(e.kind, Kind::Write, "{}", e.name);
                }
            }
            assert!(e.path.starts_with("/v4/"), "{}", e.name);
        }
        assert_eq!(ALL.len(), 40);
        for name in GATEWAY_SCOPED {
            assert!(by_name(name).is_some(), "{name}");
        }
        for (name, _, _) in ALSO_SENT_AS {
            assert!(by_name(name).is_some(), "{name}");
        }
        assert_eq!(
            by_name("health_check_delete").map(|e| e.path),
            Some("/v4/vpn/config/delete")
        );
    }
}
