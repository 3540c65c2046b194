//! Cross-account VPC authorisation (`accountauth/*`).

use crate::de;
use serde::{Deserialize, Serialize};

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
