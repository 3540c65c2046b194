//! Static and BGP routes, nested or flattened one row per next hop or peer,
//! and the route and VPC lists embedded in a gateway item.

use super::shapes::groups;
use super::{decode_items, dedup_aliases, has_value, push_unique, DecodeResult};
use crate::types::{BgpPeer, BgpRoute, NextHop, StaticRoute};
use serde_json::Value;

/// Static routes from list items, nested or flattened (one row per next hop
/// carrying `remoteGatewayIp`/`priority`/`track`), merged by `SRID` in
/// first-seen order.
pub(crate) fn static_routes(items: Vec<Value>) -> DecodeResult<Vec<StaticRoute>> {
    let mut routes: Vec<StaticRoute> = Vec::new();
    for (i, mut row) in items.into_iter().enumerate() {
        dedup_aliases(&mut row, groups::STATIC_ROUTE);
        let mut route: StaticRoute =
            serde_json::from_value(row.clone()).map_err(|e| format!("item {i}: {e}"))?;
        if has_value(&row, "remoteGatewayIp") {
            let hop: NextHop = serde_json::from_value(row).map_err(|e| format!("item {i}: {e}"))?;
            if hop.remote_gateway_ip.contains(':') {
                route.next_hop_v6.push(hop);
            } else {
                route.next_hop.push(hop);
            }
        }
        let existing = routes
            .iter_mut()
            .find(|r| !route.srid.is_empty() && r.srid == route.srid);
        match existing {
            Some(r) => {
                push_unique(&mut r.dst_cidr, route.dst_cidr);
                push_unique(&mut r.dst_cidr_v6, route.dst_cidr_v6);
                push_unique(&mut r.next_hop, route.next_hop);
                push_unique(&mut r.next_hop_v6, route.next_hop_v6);
                r.gateway_name = r.gateway_name.take().or(route.gateway_name);
                r.ip_version = r.ip_version.take().or(route.ip_version);
            }
            None => routes.push(route),
        }
    }
    Ok(routes)
}

fn same_peer(a: &BgpPeer, b: &BgpPeer) -> bool {
    a.bgp_ip == b.bgp_ip && a.line_id == b.line_id && a.line_name == b.line_name
}

/// BGP routes from list items, nested (`BGPList`/`BGPIpv6List`) or flattened
/// (one row per peer carrying `BGPNeighbor`/`BGPIP`/`lineName`/`peerAS`/
/// `BGPKey`/`bfd`), merged by `BGPID` in first-seen order.
pub(crate) fn bgp_routes(items: Vec<Value>) -> DecodeResult<Vec<BgpRoute>> {
    let mut routes: Vec<BgpRoute> = Vec::new();
    for (i, mut row) in items.into_iter().enumerate() {
        dedup_aliases(&mut row, groups::BGP_ROUTE);
        let mut route: BgpRoute =
            serde_json::from_value(row.clone()).map_err(|e| format!("item {i}: {e}"))?;
        if has_value(&row, "BGPIP") || has_value(&row, "BGPNeighbor") {
            let mut peer: BgpPeer =
                serde_json::from_value(row).map_err(|e| format!("item {i}: {e}"))?;
            // In a flattened row the networks belong to the route, not the peer.
            peer.network_cidr.clear();
            peer.network_cidr_v6.clear();
            if peer.bgp_ip.contains(':') {
                route.bgp_ipv6_list.push(peer);
            } else {
                route.bgp_list.push(peer);
            }
        }
        let existing = routes
            .iter_mut()
            .find(|r| !route.bgpid.is_empty() && r.bgpid == route.bgpid);
        match existing {
            Some(r) => {
                push_unique(&mut r.network_cidr, route.network_cidr);
                push_unique(&mut r.network_cidr_v6, route.network_cidr_v6);
                for p in route.bgp_list {
                    if !r.bgp_list.iter().any(|q| same_peer(q, &p)) {
                        r.bgp_list.push(p);
                    }
                }
                for p in route.bgp_ipv6_list {
                    if !r.bgp_ipv6_list.iter().any(|q| same_peer(q, &p)) {
                        r.bgp_ipv6_list.push(p);
                    }
                }
                r.gateway_name = r.gateway_name.take().or(route.gateway_name);
                r.ip_version = r.ip_version.take().or(route.ip_version);
                r.multi_path = r.multi_path.or(route.multi_path);
                r.multi_path_num = r.multi_path_num.take().or(route.multi_path_num);
                r.multi_path_type = r.multi_path_type.take().or(route.multi_path_type);
                r.multi_path_ipv6 = r.multi_path_ipv6.or(route.multi_path_ipv6);
                r.multi_path_num_ipv6 = r.multi_path_num_ipv6.take().or(route.multi_path_num_ipv6);
            }
            None => routes.push(route),
        }
    }
    Ok(routes)
}

fn embedded_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Value>>, D::Error> {
    use serde::de::Error as _;
    use serde::Deserialize as _;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Array(items) => Ok(Some(items)),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Array(items)) => Ok(Some(items)),
            _ => Err(D::Error::custom("expected a list")),
        },
        other => Err(D::Error::custom(format!("expected a list, got {other}"))),
    }
}

/// A gateway item's embedded `srList`, decoded like `static-route/list`.
pub(crate) fn opt_static_routes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<StaticRoute>>, D::Error> {
    use serde::de::Error as _;
    embedded_list(d)?
        .map(|items| static_routes(items).map_err(D::Error::custom))
        .transpose()
}

/// A gateway item's embedded `vpcList`.
pub(crate) fn opt_vpcs<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<crate::types::Vpc>>, D::Error> {
    use serde::de::Error as _;
    embedded_list(d)?
        .map(|items| decode_items(items, groups::VPC).map_err(D::Error::custom))
        .transpose()
}
