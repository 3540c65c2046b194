//! Switches (`switch/list`).

use crate::de;
use serde::{Deserialize, Serialize};

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
