//! Response fields cda does not know, and fields it needs and did not get.
//!
//! "Known" is every spelling any source uses for a row of that endpoint
//! (DIALECTS.md §2, the union that cda-api's decoders accept); an unknown
//! field is harmless unless it carries something cda should compare, so it
//! is reported, not fatal. "Needed" are the fields without which cda cannot
//! tell one object from another (one spelling of each group must be there):
//! missing, cda cannot work with the answer.

use super::dialect::{rows, ENVELOPE_KEYS};
use serde_json::Value;
use std::collections::BTreeSet;

const GO_FLAT_GATEWAY_EXTRAS: &[&str] = &[
    "SRId",
    "SRID",
    "srid",
    "dstCidr",
    "dstCidrV6",
    "remoteGatewayIp",
    "priority",
    "track",
    "BGPId",
    "BGPID",
    "BGPNeighbor",
    "BGPIP",
    "lineName",
    "peerAS",
    "BGPKey",
    "bfd",
    "networkCidr",
    "networkCidrV6",
    "multiPath",
    "multiPathNumber",
    "multiPathType",
    "multiPathIpv6",
    "multiPathNumberIpv6",
    "cdaId",
    "cdaIdV6",
    "vpcId",
    "dcType",
    "azName",
    "azNameIpv6",
    "vpcSubnet",
    "vpcSubnetIpv6",
    "emazId",
    "emazIdV6",
    "virtualBandwidth",
    "vpcName",
    "guestGatewayList",
    "guestGatewayListIpv6",
    "vpcNetworkSegment",
    "vpcNetworkSegmentIpv6",
    "ctUserId",
];

const GATEWAY: &[&str] = &[
    "fuid",
    "vrfName",
    "gatewayName",
    "displayName",
    "accessPoint",
    "account",
    "isSwConfig",
    "lineList",
    "resourcePool",
    "resourcePoolName",
    "isAutomation",
    "projectIDcs",
    "projectIdEcs",
    "projectIDEcs",
    "lgcreateTime",
    "fuserLastUpdated",
    "fuserLastUpdate",
    "deleteTime",
    "ipVersion",
    "regionID",
    "hostname",
    "description",
    "srList",
    "vpcList",
];

const LINE: &[&str] = &[
    "lineId",
    "lineID",
    "fuid",
    "lineName",
    "account",
    "vrfName",
    "gatewayName",
    "regionID",
    "resourcePool",
    "resourcePoolName",
    "ipVersion",
    "localConnectIP",
    "remoteConnectIP",
    "localConnectIPv6",
    "remoteConnectIPv6",
    "hostname",
    "switchIp",
    "portType",
    "portName",
    "portNameBus",
    "bandwidth",
    "deviceIp",
    "lineType",
    "tag",
    "vlan",
    "isShared",
    "accessPoint",
    "location",
    "linecode",
    "lineCode",
    "description",
    "authorizedAccount",
    "projectIdEcs",
    "projectIDEcs",
    "layer",
    "lineCreateTime",
    "fuserLastUpdated",
    "deleteTime",
    "customerId",
];

const VPC: &[&str] = &[
    "cdaId",
    "cdaIdV6",
    "account",
    "vpcId",
    "vpcID",
    "vrfName",
    "gatewayName",
    "dcType",
    "azName",
    "azNameIpv6",
    "vpcSubnet",
    "vpcSubnetIpv6",
    "vpcSubnetIPv6",
    "resourcePool",
    "emazId",
    "emazIdV6",
    "ipVersion",
    "virtualBandwidth",
    "bandwidth",
    "vpcName",
    "guestGatewayList",
    "guestGatewayListIpv6",
    "vpcNetworkSegment",
    "vpcNetworkSegmentIpv6",
    "vpcNetworkSegmentIPv6",
    "ctUserId",
    "regionID",
];

const STATIC_ROUTE: &[&str] = &[
    "SRID",
    "SRId",
    "srid",
    "srId",
    "gatewayName",
    "vrfName",
    "ipVersion",
    "dstCidr",
    "dstCidrV6",
    "nextHop",
    "nextHopV6",
    "remoteGatewayIp",
    "priority",
    "track",
    "bfd",
];

const BGP_ROUTE: &[&str] = &[
    "BGPID",
    "BGPId",
    "bgpId",
    "bgpID",
    "gatewayName",
    "vrfName",
    "ipVersion",
    "networkCidr",
    "networkCidrV6",
    "BGPList",
    "BGPIpv6List",
    "multiPath",
    "multiPathNumber",
    "multiPathNum",
    "multiPathType",
    "multiPathIpv6",
    "multiPathNumberIpv6",
    "multiPathNumIpv6",
    "BGPNeighbor",
    "BGPIP",
    "lineName",
    "lineID",
    "lineId",
    "peerAS",
    "BGPKey",
    "bfd",
];

const HEALTH_CHECK: &[&str] = &[
    "result",
    "settingItem",
    "data",
    "error_msg",
    "errorMsg",
    "errorCode",
    "traceId",
    "traceID",
];

/// Row fields known for an endpoint, and the groups of which one spelling
/// must be present in every row.
fn schema(endpoint: &str) -> Option<(Vec<&'static str>, &'static [&'static [&'static str]])> {
    let (known, needed): (Vec<&'static str>, &'static [&'static [&'static str]]) = match endpoint {
        "gateway_list" => (
            GATEWAY
                .iter()
                .chain(GO_FLAT_GATEWAY_EXTRAS)
                .copied()
                .collect(),
            &[&["gatewayName", "displayName", "vrfName"]],
        ),
        "physical_line_list" | "gateway_physical_line_list" => {
            (LINE.to_vec(), &[&["lineID", "lineId"], &["lineName"]])
        }
        "vpc_list" => (
            VPC.to_vec(),
            &[&["vpcID", "vpcId"], &["bandwidth", "virtualBandwidth"]],
        ),
        "static_route_list" => (STATIC_ROUTE.to_vec(), &[&["SRID", "SRId", "srid", "srId"]]),
        "bgp_route_list" => (BGP_ROUTE.to_vec(), &[&["BGPID", "BGPId", "bgpId", "bgpID"]]),
        "health_check_get" => (HEALTH_CHECK.to_vec(), &[]),
        _ => return None,
    };
    Some((known, needed))
}

/// What one answer says about fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldReport {
    /// Fields cda does not know (`row.x` or `envelope.x`).
    pub unknown: BTreeSet<String>,
    /// Needed groups missing from some row, as `a|b`.
    pub missing: BTreeSet<String>,
}

/// Compares one successful answer of `endpoint` with what cda knows.
pub fn check(endpoint: &str, body: &Value) -> FieldReport {
    let mut report = FieldReport::default();
    let Some((known, needed)) = schema(endpoint) else {
        return report;
    };
    if let Some(top) = body.as_object() {
        // A flattened answer's row fields sit at the top level too.
        let flattened = !matches!(
            body.get("returnObj"),
            Some(Value::Object(_) | Value::Array(_))
        );
        for key in top.keys() {
            let is_row = flattened && known.contains(&key.as_str());
            if !ENVELOPE_KEYS.contains(&key.as_str()) && !is_row {
                report.unknown.insert(format!("envelope.{key}"));
            }
        }
    }
    let row_list = if endpoint == "health_check_get" {
        match body.get("returnObj") {
            Some(Value::Object(ro)) => vec![ro.clone()],
            _ => rows(body).1,
        }
    } else {
        rows(body).1
    };
    for row in &row_list {
        for key in row.keys() {
            if !known.contains(&key.as_str()) {
                report.unknown.insert(format!("row.{key}"));
            }
        }
        for group in needed {
            if !group.iter().any(|name| row.contains_key(*name)) {
                report.missing.insert(group.join("|"));
            }
        }
    }
    report
}

/// Which rows of a gateway or physical-line listing state their region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionFields {
    pub rows: usize,
    /// Rows with none of `regionID`, `regionId`, `resourcePool`: cda keeps
    /// them as the region it asked for (`plan::region`).
    pub without: usize,
    /// The regions the rows state.
    pub regions: BTreeSet<String>,
}

/// The region fields of one successful gateway or line listing; `None` for
/// other endpoints (children follow their gateway's region).
pub fn region_fields(endpoint: &str, body: &Value) -> Option<RegionFields> {
    if !matches!(endpoint, "gateway_list" | "physical_line_list") {
        return None;
    }
    let mut found = RegionFields::default();
    for row in &rows(body).1 {
        let field = |name: &str| row.get(name).and_then(Value::as_str);
        found.rows += 1;
        let stated = plan::region::stated_region(&[
            field("regionID"),
            field("regionId"),
            field("resourcePool"),
        ]);
        match stated {
            Some(region) => {
                found.regions.insert(region.to_owned());
            }
            None => found.without += 1,
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_without_a_region_field_are_counted() {
        let body = json!({"statusCode": 800, "returnObj": {"lineGatewayList": [
            {"vrfName": "a", "regionID": "nm8"}, {"vrfName": "b", "resourcePool": "nm9"},
            {"vrfName": "c", "resourcePool": ""}]}});
        let found = region_fields("gateway_list", &body).unwrap();
        assert_eq!((found.rows, found.without), (3, 1));
        assert_eq!(
            found.regions.iter().map(String::as_str).collect::<Vec<_>>(),
            ["nm8", "nm9"]
        );
        assert_eq!(region_fields("vpc_list", &body), None);
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let body = json!({"statusCode": 800, "shinyNew": 1, "returnObj": {"vpcList": [
            {"vpcID": "v", "bandwidth": 1, "vpcSubnet": ["a"], "colour": "red"},
            {"vpcName": "no id", "bandwidth": 1}]}});
        let r = check("vpc_list", &body);
        assert_eq!(
            r.unknown.iter().map(String::as_str).collect::<Vec<_>>(),
            ["envelope.shinyNew", "row.colour"]
        );
        assert_eq!(
            r.missing.iter().map(String::as_str).collect::<Vec<_>>(),
            ["vpcID|vpcId"]
        );
    }

    #[test]
    fn flattened_rows_are_not_unknown_envelope_fields() {
        let body = json!({"statusCode": 800, "errorDetail": {}, "SRID": "s",
            "remoteGatewayIp": "1.1.1.1", "dstCidr": []});
        assert_eq!(check("static_route_list", &body), FieldReport::default());
    }
}
