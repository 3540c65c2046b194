//! Request and response types, one pair per endpoint.
//!
//! Field spellings on the wire are REFERENCE's (`#[serde(rename)]`); decoding
//! accepts the documented variants (`SRID`/`SRId`/`srid`, `lineID`/`lineId`,
//! …) through aliases, tolerates numbers sent as strings and ignores unknown
//! fields. Requests serialise strictly: optional fields that are `None` are
//! left out.

use crate::de;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

// ---------------------------------------------------------------------------
// Shared building blocks

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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpInfo {
    #[serde(
        rename = "srcIp",
        alias = "srcIP",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub src_ip: Option<String>,
    #[serde(rename = "dstIp", alias = "dstIP", default)]
    pub dst_ip: String,
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `totalCount`, when the server sent it.
    pub total_count: Option<u64>,
    pub page_no: u32,
    pub page_size: u32,
}

/// What a successful write returns: enough to journal it. CDA mutations
/// return no object ids (REFERENCE §1.1), so there is nothing else to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WriteReceipt {
    pub endpoint: &'static str,
    pub request_id: String,
    /// `returnObj.traceId`/`traceID`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Gateways

/// `gateway/list` filters (pagination is added by the client).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayListRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "gatewayName", skip_serializing_if = "Option::is_none")]
    pub gateway_name: Option<String>,
    #[serde(rename = "projectID", skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Gateway name or ID (DOC only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

/// A gateway as listed by `gateway/list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Gateway {
    #[serde(rename = "gatewayName", default, deserialize_with = "de::opt_string")]
    pub gateway_name: Option<String>,
    /// Gateway ID (DOC) or name (GO).
    #[serde(rename = "vrfName", default, deserialize_with = "de::opt_string")]
    pub vrf_name: Option<String>,
    #[serde(rename = "displayName", default, deserialize_with = "de::opt_string")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub fuid: Option<String>,
    #[serde(rename = "accessPoint", default, deserialize_with = "de::opt_string")]
    pub access_point: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub account: Option<String>,
    #[serde(rename = "isSwConfig", default, deserialize_with = "de::opt_bool")]
    pub is_sw_config: Option<bool>,
    /// IDs of bound physical lines.
    #[serde(rename = "lineList", default, deserialize_with = "de::string_list")]
    pub line_list: Vec<String>,
    #[serde(rename = "resourcePool", default, deserialize_with = "de::opt_string")]
    pub resource_pool: Option<String>,
    #[serde(
        rename = "resourcePoolName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub resource_pool_name: Option<String>,
    #[serde(rename = "ipVersion", default, deserialize_with = "de::opt_string")]
    pub ip_version: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub hostname: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(
        rename = "projectIdEcs",
        alias = "projectIDEcs",
        alias = "projectIDcs",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub project_id_ecs: Option<String>,
    #[serde(rename = "lgcreateTime", default, deserialize_with = "de::opt_string")]
    pub create_time: Option<String>,
    /// Static routes embedded in the listing (DOC `srList`), merged like
    /// `static_route_list`. `None` when the server did not include them: call
    /// `static_route_list` for the gateway.
    #[serde(
        rename = "srList",
        default,
        deserialize_with = "crate::decode::opt_static_routes"
    )]
    pub sr_list: Option<Vec<StaticRoute>>,
    /// VPC attachments embedded in the listing (DOC `vpcList`). `None` when
    /// the server did not include them: call `vpc_list` for the gateway.
    #[serde(
        rename = "vpcList",
        default,
        deserialize_with = "crate::decode::opt_vpcs"
    )]
    pub vpc_list: Option<Vec<Vpc>>,
}

impl Gateway {
    /// The gateway key: `gatewayName`, else `vrfName`, else `displayName`.
    pub fn name(&self) -> Option<&str> {
        self.gateway_name
            .as_deref()
            .or(self.vrf_name.as_deref())
            .or(self.display_name.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayAddRequest {
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    pub account: String,
    /// Switch hostname (from the physical line).
    pub hostname: String,
    #[serde(rename = "resourcePool", skip_serializing_if = "Option::is_none")]
    pub resource_pool: Option<String>,
    #[serde(rename = "resourcePoolName", skip_serializing_if = "Option::is_none")]
    pub resource_pool_name: Option<String>,
    #[serde(rename = "isSwConfig", skip_serializing_if = "Option::is_none")]
    pub is_sw_config: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "accessPoint", skip_serializing_if = "Option::is_none")]
    pub access_point: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayDeleteRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayCountRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

/// `gateway/physical-line-list`, `vpc/list`, `vpc/count`,
/// `static-route/list`, `bgp-route/list`: everything scoped to one gateway.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GatewayScopedRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Physical lines

/// `physical-line/list` and `shared-physical-line/list` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhysicalLineListRequest {
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `PON` / `IPRAN`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub line_type: Option<String>,
    /// Circuit code (shared list only).
    #[serde(rename = "lineCode", skip_serializing_if = "Option::is_none")]
    pub line_code: Option<String>,
}

/// A physical line as listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PhysicalLine {
    #[serde(
        rename = "lineID",
        alias = "lineId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub line_id: Option<String>,
    #[serde(rename = "lineName", default, deserialize_with = "de::opt_string")]
    pub line_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub account: Option<String>,
    /// Gateway the line is bound to.
    #[serde(rename = "vrfName", default, deserialize_with = "de::opt_string")]
    pub vrf_name: Option<String>,
    #[serde(rename = "resourcePool", default, deserialize_with = "de::opt_string")]
    pub resource_pool: Option<String>,
    #[serde(
        rename = "resourcePoolName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub resource_pool_name: Option<String>,
    #[serde(rename = "ipVersion", default, deserialize_with = "de::opt_string")]
    pub ip_version: Option<String>,
    #[serde(
        rename = "localConnectIP",
        alias = "localConnectIp",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub local_connect_ip: Option<String>,
    #[serde(
        rename = "remoteConnectIP",
        alias = "remoteConnectIp",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub remote_connect_ip: Option<String>,
    #[serde(
        rename = "localConnectIPv6",
        alias = "localConnectIpv6",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub local_connect_ipv6: Option<String>,
    #[serde(
        rename = "remoteConnectIPv6",
        alias = "remoteConnectIpv6",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub remote_connect_ipv6: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub hostname: Option<String>,
    #[serde(rename = "portType", default, deserialize_with = "de::opt_string")]
    pub port_type: Option<String>,
    #[serde(rename = "portName", default, deserialize_with = "de::opt_string")]
    pub port_name: Option<String>,
    #[serde(rename = "portNameBus", default, deserialize_with = "de::opt_string")]
    pub port_name_bus: Option<String>,
    /// Mbps.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub bandwidth: Option<u64>,
    #[serde(rename = "deviceIp", default, deserialize_with = "de::opt_string")]
    pub device_ip: Option<String>,
    #[serde(rename = "lineType", default, deserialize_with = "de::opt_string")]
    pub line_type: Option<String>,
    /// 1 tagged, 0 untagged.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub tag: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub vlan: Option<u64>,
    /// 0 exclusive, 1 shared.
    #[serde(rename = "isShared", default, deserialize_with = "de::opt_u64")]
    pub is_shared: Option<u64>,
    #[serde(rename = "accessPoint", default, deserialize_with = "de::opt_string")]
    pub access_point: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    #[serde(
        rename = "linecode",
        alias = "lineCode",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub line_code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(
        rename = "regionID",
        alias = "regionId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub region_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub fuid: Option<String>,
}

impl PhysicalLine {
    /// `lineID`, else `fuid` (both documented as the line ID).
    pub fn id(&self) -> Option<&str> {
        self.line_id.as_deref().or(self.fuid.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhysicalLineAddRequest {
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(rename = "lineName")]
    pub line_name: String,
    pub account: String,
    #[serde(rename = "resourcePool", skip_serializing_if = "Option::is_none")]
    pub resource_pool: Option<String>,
    #[serde(rename = "resourcePoolName", skip_serializing_if = "Option::is_none")]
    pub resource_pool_name: Option<String>,
    #[serde(rename = "switchIp", skip_serializing_if = "Option::is_none")]
    pub switch_ip: Option<String>,
    pub hostname: String,
    /// `10G` / `1G`.
    #[serde(rename = "portType")]
    pub port_type: String,
    #[serde(rename = "portName")]
    pub port_name: String,
    /// 0 exclusive, 1 shared.
    #[serde(rename = "isShared")]
    pub is_shared: u8,
    /// `PON` / `IPRAN`.
    #[serde(rename = "lineType")]
    pub line_type: String,
    /// Mbps.
    pub bandwidth: u64,
    /// 0 untagged, 1 tagged.
    pub tag: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    #[serde(rename = "localConnectIP", skip_serializing_if = "Option::is_none")]
    pub local_connect_ip: Option<String>,
    #[serde(rename = "remoteConnectIP", skip_serializing_if = "Option::is_none")]
    pub remote_connect_ip: Option<String>,
    #[serde(rename = "localConnectIPv6", skip_serializing_if = "Option::is_none")]
    pub local_connect_ipv6: Option<String>,
    #[serde(rename = "remoteConnectIPv6", skip_serializing_if = "Option::is_none")]
    pub remote_connect_ipv6: Option<String>,
    #[serde(rename = "accessPoint", skip_serializing_if = "Option::is_none")]
    pub access_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(rename = "lineCode", skip_serializing_if = "Option::is_none")]
    pub line_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhysicalLineUpdateRequest {
    #[serde(rename = "lineID")]
    pub line_id: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<u64>,
    #[serde(rename = "lineName", skip_serializing_if = "Option::is_none")]
    pub line_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(rename = "lineCode", skip_serializing_if = "Option::is_none")]
    pub line_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhysicalLineDeleteRequest {
    #[serde(rename = "lineID")]
    pub line_id: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

/// `physical-line/count`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhysicalLineCountRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessPointListRequest {
    #[serde(rename = "lineName")]
    pub line_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

/// `physical-line/bind` and `physical-line/unbind`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LineBindingRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "lineID")]
    pub line_id: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

// ---------------------------------------------------------------------------
// VPC attachments

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcAddRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "vpcName", skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    /// Mbps.
    pub bandwidth: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `CNP` / `EMAZ`.
    #[serde(rename = "dcType", skip_serializing_if = "Option::is_none")]
    pub dc_type: Option<String>,
    #[serde(rename = "vpcNetworkSegment", skip_serializing_if = "Option::is_none")]
    pub vpc_network_segment: Option<String>,
    #[serde(
        rename = "vpcNetworkSegmentIPv6",
        skip_serializing_if = "Option::is_none"
    )]
    pub vpc_network_segment_ipv6: Option<String>,
    #[serde(rename = "vpcSubnet", skip_serializing_if = "Vec::is_empty")]
    pub vpc_subnet: Vec<String>,
    #[serde(rename = "vpcSubnetIPv6", skip_serializing_if = "Vec::is_empty")]
    pub vpc_subnet_ipv6: Vec<String>,
}

/// Subnets are full replacement lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcUpdateRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "ipVersion")]
    pub ip_version: String,
    pub bandwidth: u64,
    #[serde(rename = "vpcSubnet", skip_serializing_if = "Vec::is_empty")]
    pub vpc_subnet: Vec<String>,
    #[serde(rename = "vpcSubnetIPv6", skip_serializing_if = "Vec::is_empty")]
    pub vpc_subnet_ipv6: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcDeleteRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcInfoRequest {
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "gatewayName", skip_serializing_if = "Option::is_none")]
    pub gateway_name: Option<String>,
}

/// A VPC attached to a gateway (`vpc/list` item).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Vpc {
    #[serde(
        rename = "vpcID",
        alias = "vpcId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vpc_id: Option<String>,
    #[serde(rename = "vpcName", default, deserialize_with = "de::opt_string")]
    pub vpc_name: Option<String>,
    #[serde(
        rename = "vrfName",
        alias = "gatewayName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vrf_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub account: Option<String>,
    #[serde(rename = "dcType", default, deserialize_with = "de::opt_string")]
    pub dc_type: Option<String>,
    #[serde(rename = "vpcSubnet", default, deserialize_with = "de::string_list")]
    pub vpc_subnet: Vec<String>,
    #[serde(
        rename = "vpcSubnetIPv6",
        alias = "vpcSubnetIpv6",
        default,
        deserialize_with = "de::string_list"
    )]
    pub vpc_subnet_ipv6: Vec<String>,
    #[serde(
        rename = "vpcNetworkSegment",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vpc_network_segment: Option<String>,
    #[serde(
        rename = "vpcNetworkSegmentIPv6",
        alias = "vpcNetworkSegmentIpv6",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vpc_network_segment_ipv6: Option<String>,
    #[serde(rename = "resourcePool", default, deserialize_with = "de::opt_string")]
    pub resource_pool: Option<String>,
    #[serde(rename = "ipVersion", default, deserialize_with = "de::opt_string")]
    pub ip_version: Option<String>,
    /// Mbps (`virtualBandwidth` in GO).
    #[serde(alias = "virtualBandwidth", default, deserialize_with = "de::opt_u64")]
    pub bandwidth: Option<u64>,
    #[serde(
        rename = "ctUserId",
        alias = "ctUserID",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub ct_user_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Static routes

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

// ---------------------------------------------------------------------------
// BGP routes

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

// ---------------------------------------------------------------------------
// Switches

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SwitchListRequest {
    #[serde(rename = "resourcePool", skip_serializing_if = "Option::is_none")]
    pub resource_pool: Option<String>,
    #[serde(rename = "switchId", skip_serializing_if = "Option::is_none")]
    pub switch_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Switch {
    #[serde(
        rename = "switchID",
        alias = "switchId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub switch_id: Option<String>,
    #[serde(
        rename = "switchName",
        alias = "name",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub switch_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub factory: Option<String>,
    #[serde(rename = "resourcePool", default, deserialize_with = "de::opt_string")]
    pub resource_pool: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub hostname: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ip: Option<String>,
    #[serde(rename = "deviceModel", default, deserialize_with = "de::opt_string")]
    pub device_model: Option<String>,
    #[serde(rename = "accessPoint", default, deserialize_with = "de::opt_string")]
    pub access_point: Option<String>,
    #[serde(rename = "as", default, deserialize_with = "de::opt_u64")]
    pub as_number: Option<u64>,
    #[serde(rename = "resourceType", default, deserialize_with = "de::opt_string")]
    pub resource_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

// ---------------------------------------------------------------------------
// Health checks

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCheckAddRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "vpcName")]
    pub vpc_name: String,
    #[serde(rename = "vpcSubnet")]
    pub vpc_subnet: String,
    #[serde(rename = "vpcSubnetID")]
    pub vpc_subnet_id: String,
    #[serde(rename = "srcIP")]
    pub src_ip: String,
    #[serde(rename = "dstIP")]
    pub dst_ip: String,
    /// Seconds, 2–5.
    pub interval: u32,
    /// Packets, 5–10.
    pub ntimest: u32,
    #[serde(rename = "autoRouteSwitching")]
    pub auto_route_switching: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCheckUpdateRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    pub interval: u32,
    pub ntimest: u32,
    #[serde(rename = "autoRouteSwitching")]
    pub auto_route_switching: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCheckGetRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "vpcName", skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCheckStatusRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "resourcePool", skip_serializing_if = "Option::is_none")]
    pub resource_pool: Option<String>,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthCheckDeleteRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
}

/// Health-check settings (`health-check/get` → `returnObj.settingItem`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct HealthCheck {
    #[serde(
        rename = "srcIP",
        alias = "srcIp",
        default,
        deserialize_with = "de::string_or_empty"
    )]
    pub src_ip: String,
    #[serde(
        rename = "dstIP",
        alias = "dstIp",
        default,
        deserialize_with = "de::string_or_empty"
    )]
    pub dst_ip: String,
    #[serde(default, deserialize_with = "de::u32_or_zero")]
    pub interval: u32,
    #[serde(
        alias = "nTimest",
        alias = "ntimes",
        default,
        deserialize_with = "de::u32_or_zero"
    )]
    pub ntimest: u32,
    #[serde(
        rename = "autoRouteSwitching",
        default,
        deserialize_with = "de::bool_or_false"
    )]
    pub auto_route_switching: bool,
    #[serde(rename = "vpcSubnet", default, deserialize_with = "de::opt_string")]
    pub vpc_subnet: Option<String>,
}

/// One `health-check/status/get` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct HealthCheckStatus {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(
        rename = "vpcId",
        alias = "vpcID",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vpc_id: Option<String>,
    #[serde(
        rename = "vrfName",
        alias = "gatewayName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vrf_name: Option<String>,
}

// ---------------------------------------------------------------------------
// Link probes

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkProbeAddRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    /// Line ID (probe the customer side) or VPC ID (probe the cloud side).
    #[serde(rename = "serviceID")]
    pub service_id: String,
    #[serde(rename = "ipInfoList", skip_serializing_if = "Vec::is_empty")]
    pub ip_info_list: Vec<IpInfo>,
    /// Milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(
        rename = "numberPackagesPerShipment",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_packages_per_shipment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkProbeDeleteRequest {
    #[serde(rename = "ipInfoList")]
    pub ip_info_list: Vec<IpInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkProbeQueryRequest {
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
}

// ---------------------------------------------------------------------------
// Cross-account authorisation

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountAuthAddRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    pub account: String,
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "vpcName")]
    pub vpc_name: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "authAccountId")]
    pub auth_account_id: String,
    #[serde(rename = "authAccount")]
    pub auth_account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountAuthDeleteRequest {
    #[serde(rename = "vpcID")]
    pub vpc_id: String,
    #[serde(rename = "gatewayName")]
    pub gateway_name: String,
    #[serde(rename = "authAccountId")]
    pub auth_account_id: String,
}

/// `accountauth/list` filters (pagination is added by the client).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountAuthListRequest {
    #[serde(rename = "regionID")]
    pub region_id: String,
    #[serde(rename = "vpcID", skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Note the upper-case `ID` on this endpoint only.
    #[serde(rename = "authAccountID", skip_serializing_if = "Option::is_none")]
    pub auth_account_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AccountAuth {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub fuid: Option<String>,
    #[serde(
        rename = "accountId",
        alias = "accountID",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub account_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub account: Option<String>,
    #[serde(
        rename = "vpcID",
        alias = "vpcId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub vpc_id: Option<String>,
    #[serde(rename = "vpcName", default, deserialize_with = "de::opt_string")]
    pub vpc_name: Option<String>,
    /// Gateway the VPC is granted to.
    #[serde(
        rename = "gatewayName",
        alias = "vrfName",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub gateway_name: Option<String>,
    #[serde(
        rename = "authAccountId",
        alias = "authAccountID",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub auth_account_id: Option<String>,
    #[serde(rename = "authAccount", default, deserialize_with = "de::opt_string")]
    pub auth_account: Option<String>,
    #[serde(
        rename = "regionID",
        alias = "regionId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub region_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
}
