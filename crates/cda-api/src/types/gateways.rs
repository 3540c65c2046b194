//! Gateways (`gateway/*`).

use super::{StaticRoute, Vpc};
use crate::de;
use serde::{Deserialize, Serialize};

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
    /// Region (resource pool ID); refresh keeps only the file's region.
    #[serde(
        rename = "regionID",
        alias = "regionId",
        default,
        deserialize_with = "de::opt_string"
    )]
    pub region_id: Option<String>,
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
    /// The gateway's name: `gatewayName`, else `displayName`, else
    /// `vrfName`. A row with `displayName` and `vrfName` but no
    /// `gatewayName` (DOC) is named by `displayName`: there `vrfName` is
    /// the gateway's ID, which the client sends back as `vrfName`
    /// ([`crate::Client::learn_gateways`]).
    pub fn name(&self) -> Option<&str> {
        self.gateway_name
            .as_deref()
            .or(self.display_name.as_deref())
            .or(self.vrf_name.as_deref())
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

shared_parameters! {
    /// `gateway/physical-line-list`: the lines bound to one gateway.
    GatewayPhysicalLineListRequest(GatewayScopedRequest)
}
