//! Link probes (`link-probe/*`).

use serde::{Deserialize, Serialize};

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
