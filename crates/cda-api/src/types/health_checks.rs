//! Health checks (`health-check/*`).

use crate::de;
use serde::{Deserialize, Serialize};

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
    /// GO always sends it; refresh fills it from `vpc/list`.
    #[serde(rename = "vpcName", skip_serializing_if = "Option::is_none")]
    pub vpc_name: Option<String>,
    #[serde(rename = "regionID", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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
    /// The server says a check is set but its settings are in a form cda
    /// cannot read (`settingItem`/`data` is an undocumented string,
    /// DIALECTS §5 #13); the other fields are then empty.
    #[serde(skip)]
    pub unreadable: bool,
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
