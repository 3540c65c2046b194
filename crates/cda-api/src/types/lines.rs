//! Physical lines (`physical-line/*`, `shared-physical-line/list`).

use crate::de;
use serde::{Deserialize, Serialize};

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

shared_parameters! {
    /// `shared-physical-line/list` filters (pagination is added by the
    /// client).
    SharedPhysicalLineListRequest(PhysicalLineListRequest)
}

shared_parameters! {
    /// `physical-line/bind`.
    PhysicalLineBindRequest(LineBindingRequest)
}

shared_parameters! {
    /// `physical-line/unbind`.
    PhysicalLineUnbindRequest(LineBindingRequest)
}
