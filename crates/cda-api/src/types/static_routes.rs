//! Static routes (`static-route/*`).

use super::GatewayScopedRequest;
use crate::de;
use serde::{Deserialize, Serialize};

/// A static-route next hop (`nextHop` / `nextHopV6` items).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextHop {
    /// The bound line's remote interconnect address.
    #[serde(rename = "remoteGatewayIp", alias = "remoteGatewayIP", default)]
    pub remote_gateway_ip: String,
    #[serde(default, deserialize_with = "de::u32_or_zero")]
    pub priority: u32,
    /// 0 off, 1 on.
    #[serde(
        default,
        deserialize_with = "de::opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub track: Option<u32>,
    #[serde(
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub bfd: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaticRouteAddRequest {
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    #[serde(rename = "dstCidr", skip_serializing_if = "Vec::is_empty")]
    pub dst_cidr: Vec<String>,
    #[serde(rename = "dstCidrV6", skip_serializing_if = "Vec::is_empty")]
    pub dst_cidr_v6: Vec<String>,
    #[serde(rename = "nextHop", skip_serializing_if = "Vec::is_empty")]
    pub next_hop: Vec<NextHop>,
    #[serde(rename = "nextHopV6", skip_serializing_if = "Vec::is_empty")]
    pub next_hop_v6: Vec<NextHop>,
}

/// Destinations and next hops are full replacement lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaticRouteUpdateRequest {
    #[serde(rename = "SRID")]
    pub srid: String,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "dstCidr", skip_serializing_if = "Vec::is_empty")]
    pub dst_cidr: Vec<String>,
    #[serde(rename = "dstCidrV6", skip_serializing_if = "Vec::is_empty")]
    pub dst_cidr_v6: Vec<String>,
    #[serde(rename = "nextHop", skip_serializing_if = "Vec::is_empty")]
    pub next_hop: Vec<NextHop>,
    #[serde(rename = "nextHopV6", skip_serializing_if = "Vec::is_empty")]
    pub next_hop_v6: Vec<NextHop>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaticRouteDeleteRequest {
    #[serde(rename = "SRID")]
    pub srid: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

/// A static route, with its next hops gathered (flattened one-row-per-hop
/// listings are merged by `SRID`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct StaticRoute {
    #[serde(
        rename = "SRID",
        alias = "SRId",
        alias = "srid",
        alias = "srId",
        default,
        deserialize_with = "de::string_or_empty"
    )]
    pub srid: String,
    #[serde(
        rename = "gatewayName",
        alias = "vrfName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub gateway_name: Option<String>,
    #[serde(rename = "ipVersion", default, deserialize_with = "de::opt_string")]
    pub ip_version: Option<String>,
    #[serde(rename = "dstCidr", default, deserialize_with = "de::string_list")]
    pub dst_cidr: Vec<String>,
    #[serde(
        rename = "dstCidrV6",
        alias = "dstCidrv6",
        default,
        deserialize_with = "de::string_list"
    )]
    pub dst_cidr_v6: Vec<String>,
    #[serde(rename = "nextHop", default, deserialize_with = "de::vec_or_null")]
    pub next_hop: Vec<NextHop>,
    #[serde(
        rename = "nextHopV6",
        alias = "nextHopv6",
        default,
        deserialize_with = "de::vec_or_null"
    )]
    pub next_hop_v6: Vec<NextHop>,
}

shared_parameters! {
    /// `static-route/list`: the static routes of one gateway.
    StaticRouteListRequest(GatewayScopedRequest)
}
