//! VPC attachments (`vpc/*`).

use super::GatewayScopedRequest;
use crate::de;
use serde::{Deserialize, Serialize};

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

shared_parameters! {
    /// `vpc/list`: the VPCs attached to one gateway.
    VpcListRequest(GatewayScopedRequest)
}

shared_parameters! {
    /// `vpc/count`.
    VpcCountRequest(GatewayScopedRequest)
}
