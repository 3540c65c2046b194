//! The VPCs and static routes a gateway row carries (`vpcList`, `srList`:
//! DOC gateway/list, DIALECTS §2.3). Where every inline row carries every
//! field the plan compares, refresh takes them from there and skips the
//! gateway's `vpc/list` and `static-route/list`: two calls per gateway
//! fewer (issue #17). Anything missing, and the gateway is read the usual
//! way; the reason is logged at debug.
//!
//! Only what can be seen missing counts: a field the client decodes to a
//! default when absent (a next hop's `priority`), or an optional one whose
//! absence reads as empty (a VPC's `dcType`, often null on real rows), is
//! not checked: servers that send the lists at all send them.

use cda_api::types as api;

/// The first field the plan compares that `route` lacks.
fn static_route_gap(route: &api::StaticRoute) -> Option<&'static str> {
    if route.srid.trim().is_empty() {
        return Some("SRID");
    }
    if route
        .ip_version
        .as_deref()
        .is_none_or(|v| v.trim().is_empty())
    {
        return Some("ipVersion");
    }
    if route.dst_cidr.is_empty() && route.dst_cidr_v6.is_empty() {
        return Some("dstCidr");
    }
    if route.next_hop.is_empty() && route.next_hop_v6.is_empty() {
        return Some("nextHop");
    }
    route
        .next_hop
        .iter()
        .chain(&route.next_hop_v6)
        .find_map(|hop| {
            if hop.remote_gateway_ip.trim().is_empty() {
                Some("nextHop.remoteGatewayIp")
            } else if hop.track.is_none() {
                Some("nextHop.track")
            } else if hop.bfd.is_none() {
                Some("nextHop.bfd")
            } else {
                None
            }
        })
}

/// The first field the plan compares that `vpc` lacks.
fn vpc_gap(vpc: &api::Vpc) -> Option<&'static str> {
    let missing = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if missing(&vpc.vpc_id) {
        return Some("vpcID");
    }
    if vpc.vpc_name.is_none() {
        return Some("vpcName");
    }
    if vpc.bandwidth.is_none() {
        return Some("bandwidth");
    }
    let Some(version) = vpc.ip_version.as_deref().filter(|v| !v.trim().is_empty()) else {
        return Some("ipVersion");
    };
    let v4 = !version.eq_ignore_ascii_case("ipv6");
    let v6 = !version.eq_ignore_ascii_case("ipv4");
    if v4 && (missing(&vpc.vpc_network_segment) || vpc.vpc_subnet.is_empty()) {
        return Some("vpcNetworkSegment/vpcSubnet");
    }
    if v6 && (missing(&vpc.vpc_network_segment_ipv6) || vpc.vpc_subnet_ipv6.is_empty()) {
        return Some("vpcNetworkSegmentIPv6/vpcSubnetIPv6");
    }
    None
}

/// Why `gateway`'s row cannot stand in for its `vpc/list` and
/// `static-route/list`, or `None` when it can.
pub(crate) fn gap(gateway: &api::Gateway) -> Option<String> {
    let (Some(vpcs), Some(routes)) = (&gateway.vpc_list, &gateway.sr_list) else {
        return Some("the row has no vpcList and srList".to_owned());
    };
    if let Some((vpc, field)) = vpcs.iter().find_map(|v| vpc_gap(v).map(|f| (v, f))) {
        return Some(format!(
            "vpcList item {} has no {field}",
            vpc.vpc_id.as_deref().unwrap_or("?")
        ));
    }
    if let Some((route, field)) = routes
        .iter()
        .find_map(|r| static_route_gap(r).map(|f| (r, f)))
    {
        return Some(format!("srList item {:?} has no {field}", route.srid));
    }
    None
}

/// The gateway's VPCs and static routes from its row, when complete.
pub(crate) fn lists(gateway: &api::Gateway) -> Option<(Vec<api::Vpc>, Vec<api::StaticRoute>)> {
    match gap(gateway) {
        Some(_) => None,
        None => Some((
            gateway.vpc_list.clone().unwrap_or_default(),
            gateway.sr_list.clone().unwrap_or_default(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gateway(row: serde_json::Value) -> api::Gateway {
        serde_json::from_value(row).unwrap()
    }

    fn complete() -> serde_json::Value {
        json!({
            "gatewayName": "gw1",
            "vpcList": [{"vpcID": "vpc-1", "vpcName": "app", "dcType": "MAZ", "bandwidth": 100,
                "ipVersion": "IPV4", "vpcNetworkSegment": "10.0.0.0/16", "vpcSubnet": ["10.0.1.0/24"]}],
            "srList": [{"SRID": "sr-1", "ipVersion": "IPV4", "dstCidr": ["10.9.0.0/16"],
                "nextHop": [{"remoteGatewayIp": "192.0.2.1", "priority": 1, "track": 0, "bfd": false}]}]
        })
    }

    #[test]
    fn complete_rows_stand_in_for_the_reads() {
        let g = gateway(complete());
        assert_eq!(gap(&g), None);
        let (vpcs, routes) = lists(&g).unwrap();
        assert_eq!((vpcs.len(), routes.len()), (1, 1));
        let mut empty = complete();
        empty["vpcList"] = json!([]);
        empty["srList"] = json!([]);
        assert_eq!(
            gap(&gateway(empty)),
            None,
            "no VPCs and no routes is complete"
        );
    }

    #[test]
    fn a_missing_field_or_list_falls_back() {
        let mut row = complete();
        row.as_object_mut().unwrap().remove("srList");
        assert!(lists(&gateway(row)).is_none());
        let mut row = complete();
        row["vpcList"][0]
            .as_object_mut()
            .unwrap()
            .remove("bandwidth");
        assert_eq!(
            gap(&gateway(row)).unwrap(),
            "vpcList item vpc-1 has no bandwidth"
        );
        let mut row = complete();
        row["srList"][0]["nextHop"][0]
            .as_object_mut()
            .unwrap()
            .remove("bfd");
        assert_eq!(
            gap(&gateway(row)).unwrap(),
            "srList item \"sr-1\" has no nextHop.bfd"
        );
    }
}
