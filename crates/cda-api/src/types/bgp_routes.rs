//! BGP routes (`bgp-route/*`).

use super::GatewayScopedRequest;
use crate::de;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

fn expose_opt_secret<S: Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    // Serialising a peer produces the wire body, which must carry the key;
    // anything logged goes through `wire::redact` first.
    match v {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// A BGP peer (`BGPList` / `BGPIpv6List` items).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BgpPeer {
    #[serde(
        rename = "BGPNeighbor",
        alias = "BGPNeighborIpv6",
        alias = "bgpNeighbor",
        default
    )]
    pub bgp_neighbor: String,
    /// The line's remote interconnect address.
    #[serde(
        rename = "BGPIP",
        alias = "BGPIPv6",
        alias = "BGPIp",
        alias = "bgpIp",
        default
    )]
    pub bgp_ip: String,
    #[serde(
        rename = "lineID",
        alias = "lineId",
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub line_id: Option<String>,
    #[serde(
        rename = "lineName",
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub line_name: Option<String>,
    /// Peer AS number, a string on the wire.
    #[serde(
        rename = "peerAS",
        alias = "peerAs",
        default,
        deserialize_with = "de::string_or_empty"
    )]
    pub peer_as: String,
    /// MD5 key. A secret: never shown by `Debug`; serialised only into the
    /// wire body.
    #[serde(
        rename = "BGPKey",
        alias = "bgpKey",
        default,
        deserialize_with = "de::opt_secret",
        serialize_with = "expose_opt_secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub bgp_key: Option<SecretString>,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub bfd: bool,
    #[serde(
        rename = "networkCidr",
        default,
        deserialize_with = "de::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub network_cidr: Vec<String>,
    #[serde(
        rename = "networkCidrV6",
        default,
        deserialize_with = "de::string_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub network_cidr_v6: Vec<String>,
}

/// Source/destination pair of a link probe.

#[derive(Debug, Clone, Default, Serialize)]
pub struct BgpRouteAddRequest {
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "networkCidr", skip_serializing_if = "Vec::is_empty")]
    pub network_cidr: Vec<String>,
    #[serde(rename = "networkCidrV6", skip_serializing_if = "Vec::is_empty")]
    pub network_cidr_v6: Vec<String>,
    #[serde(rename = "BGPList", skip_serializing_if = "Vec::is_empty")]
    pub bgp_list: Vec<BgpPeer>,
    #[serde(rename = "BGPIpv6List", skip_serializing_if = "Vec::is_empty")]
    pub bgp_ipv6_list: Vec<BgpPeer>,
    #[serde(rename = "multiPath", skip_serializing_if = "Option::is_none")]
    pub multi_path: Option<bool>,
    #[serde(rename = "multiPathNum", skip_serializing_if = "Option::is_none")]
    pub multi_path_num: Option<String>,
    /// `IBGP` / `EBGP`.
    #[serde(rename = "multiPathType", skip_serializing_if = "Option::is_none")]
    pub multi_path_type: Option<String>,
    #[serde(rename = "multiPathIpv6", skip_serializing_if = "Option::is_none")]
    pub multi_path_ipv6: Option<bool>,
    #[serde(rename = "multiPathNumIpv6", skip_serializing_if = "Option::is_none")]
    pub multi_path_num_ipv6: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BgpRouteUpdateRequest {
    #[serde(rename = "BGPID")]
    pub bgpid: String,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "networkCidr", skip_serializing_if = "Vec::is_empty")]
    pub network_cidr: Vec<String>,
    #[serde(rename = "networkCidrV6", skip_serializing_if = "Vec::is_empty")]
    pub network_cidr_v6: Vec<String>,
    #[serde(rename = "BGPList", skip_serializing_if = "Vec::is_empty")]
    pub bgp_list: Vec<BgpPeer>,
    #[serde(rename = "BGPIpv6List", skip_serializing_if = "Vec::is_empty")]
    pub bgp_ipv6_list: Vec<BgpPeer>,
    #[serde(rename = "multiPath", skip_serializing_if = "Option::is_none")]
    pub multi_path: Option<bool>,
    #[serde(rename = "multiPathNum", skip_serializing_if = "Option::is_none")]
    pub multi_path_num: Option<String>,
    #[serde(rename = "multiPathType", skip_serializing_if = "Option::is_none")]
    pub multi_path_type: Option<String>,
    #[serde(rename = "multiPathIpv6", skip_serializing_if = "Option::is_none")]
    pub multi_path_ipv6: Option<bool>,
    #[serde(rename = "multiPathNumIpv6", skip_serializing_if = "Option::is_none")]
    pub multi_path_num_ipv6: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BgpRouteDeleteRequest {
    #[serde(rename = "BGPID")]
    pub bgpid: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

/// A BGP route with its peers gathered (flattened one-row-per-peer listings
/// are merged by `BGPID`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BgpRoute {
    #[serde(
        rename = "BGPID",
        alias = "BGPId",
        alias = "bgpId",
        alias = "bgpid",
        default,
        deserialize_with = "de::string_or_empty"
    )]
    pub bgpid: String,
    #[serde(
        rename = "gatewayName",
        alias = "vrfName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub gateway_name: Option<String>,
    #[serde(rename = "ipVersion", default, deserialize_with = "de::opt_string")]
    pub ip_version: Option<String>,
    #[serde(rename = "networkCidr", default, deserialize_with = "de::string_list")]
    pub network_cidr: Vec<String>,
    #[serde(
        rename = "networkCidrV6",
        default,
        deserialize_with = "de::string_list"
    )]
    pub network_cidr_v6: Vec<String>,
    #[serde(
        rename = "BGPList",
        alias = "bgpList",
        default,
        deserialize_with = "de::vec_or_null"
    )]
    pub bgp_list: Vec<BgpPeer>,
    #[serde(
        rename = "BGPIpv6List",
        alias = "BGPIPv6List",
        alias = "bgpIpv6List",
        default,
        deserialize_with = "de::vec_or_null"
    )]
    pub bgp_ipv6_list: Vec<BgpPeer>,
    #[serde(rename = "multiPath", default, deserialize_with = "de::opt_bool")]
    pub multi_path: Option<bool>,
    #[serde(
        rename = "multiPathNum",
        alias = "multiPathNumber",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub multi_path_num: Option<String>,
    #[serde(rename = "multiPathType", default, deserialize_with = "de::opt_string")]
    pub multi_path_type: Option<String>,
    #[serde(rename = "multiPathIpv6", default, deserialize_with = "de::opt_bool")]
    pub multi_path_ipv6: Option<bool>,
    #[serde(
        rename = "multiPathNumIpv6",
        alias = "multiPathNumberIpv6",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub multi_path_num_ipv6: Option<String>,
}

shared_parameters! {
    /// `bgp-route/list`: the BGP routes of one gateway.
    BgpRouteListRequest(GatewayScopedRequest)
}
