//! One API row → its `Live*` value, for refresh and for apply's re-read
//! after a write. A value that cannot be read is an error naming the object
//! and field: planning against a misread estate is worse than stopping.
//! Enum spellings (`ipVersion` codes, `GE`/`10GE`, …) are read by
//! [`plan::model::wire`].

use super::{unreadable, RefreshError};
use cda_api::types as api;
use ipnet::IpNet;
use plan::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc, NormalisedInventory,
};
use plan::model::{IpVersion, LineType, PortType};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::net::IpAddr;

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A row without `ipVersion` is IPv4, the API's default.
fn ip_version(object: &str, v: &Option<String>) -> Result<IpVersion, RefreshError> {
    let Some(text) = non_empty(v) else {
        return Ok(IpVersion::Ipv4);
    };
    // The error shows the value upper-cased, as it always has.
    IpVersion::from_api(text)
        .ok_or_else(|| unreadable(object, "ipVersion", &text.to_ascii_uppercase()))
}

/// Interconnect addresses come with a prefix length (`10.255.0.1/30`); a bare
/// address is read as a host route so it still compares.
fn ip_net(
    object: &str,
    field: &'static str,
    v: &Option<String>,
) -> Result<Option<IpNet>, RefreshError> {
    let Some(text) = non_empty(v) else {
        return Ok(None);
    };
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(Some(net));
    }
    text.parse::<IpAddr>()
        .map(|a| Some(IpNet::from(a)))
        .map_err(|_| unreadable(object, field, text))
}

fn cidrs(object: &str, field: &'static str, list: &[String]) -> Result<Vec<IpNet>, RefreshError> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .map(|n| n.trunc())
                .map_err(|_| unreadable(object, field, s))
        })
        .collect()
}

fn ip_addr(object: &str, field: &'static str, text: &str) -> Result<IpAddr, RefreshError> {
    let t = text.trim();
    // Tolerate an address sent with its prefix length.
    let bare = t.split('/').next().unwrap_or(t);
    bare.parse().map_err(|_| unreadable(object, field, t))
}

/// The region a line row states (`regionID`/`regionId`, else
/// `resourcePool`); `None` when it states none.
pub(crate) fn line_region(line: &api::PhysicalLine) -> Option<String> {
    plan::region::stated_region(&[line.region_id.as_deref(), line.resource_pool.as_deref()])
        .map(str::to_owned)
}

/// The region a gateway row states, as [`line_region`].
pub(crate) fn gateway_region(gateway: &api::Gateway) -> Option<String> {
    plan::region::stated_region(&[
        gateway.region_id.as_deref(),
        gateway.resource_pool.as_deref(),
    ])
    .map(str::to_owned)
}

/// `None` for a listing row without id or name (nothing we could manage).
/// `gateway_named_by` turns the row's `vrfName` into the bound gateway's
/// name: on some servers it is the gateway's ID (DIALECTS §4.1), and only
/// the gateway rows say which gateway that is
/// ([`cda_api::Client::gateway_named_by`]).
pub(crate) fn map_line(
    line: &api::PhysicalLine,
    gateway_named_by: &dyn Fn(&str) -> String,
) -> Result<Option<LiveLine>, RefreshError> {
    let (Some(id), Some(name)) = (line.id(), non_empty(&line.line_name)) else {
        return Ok(None);
    };
    let object = format!("physical_line.{name}");
    // A type the model does not know is left out rather than refused: the
    // diff compares these only where the API reports one it knows.
    let port_type = non_empty(&line.port_type).and_then(PortType::from_api);
    let line_type = non_empty(&line.line_type).and_then(LineType::from_api);
    let vlan = match (line.tag, line.vlan) {
        (Some(0), _) | (_, None) | (_, Some(0)) => None,
        (_, Some(v)) => {
            Some(u16::try_from(v).map_err(|_| unreadable(&object, "vlan", &v.to_string()))?)
        }
    };
    Ok(Some(LiveLine {
        id: id.to_owned(),
        name: name.to_owned(),
        gateway: non_empty(&line.vrf_name).map(gateway_named_by),
        hostname: non_empty(&line.hostname).unwrap_or_default().to_owned(),
        port: non_empty(&line.port_name).unwrap_or_default().to_owned(),
        port_type,
        line_type,
        bandwidth: line.bandwidth.unwrap_or(0),
        vlan,
        ip_version: ip_version(&object, &line.ip_version)?,
        local_ip: ip_net(&object, "localConnectIP", &line.local_connect_ip)?,
        remote_ip: ip_net(&object, "remoteConnectIP", &line.remote_connect_ip)?,
        local_ip_v6: ip_net(&object, "localConnectIPv6", &line.local_connect_ipv6)?,
        remote_ip_v6: ip_net(&object, "remoteConnectIPv6", &line.remote_connect_ipv6)?,
        access_point: non_empty(&line.access_point).map(str::to_owned),
        shared: line.is_shared == Some(1),
        description: non_empty(&line.description).map(str::to_owned),
    }))
}

pub(crate) fn map_vpc(gateway: &str, vpc: &api::Vpc) -> Result<Option<LiveVpc>, RefreshError> {
    let Some(id) = non_empty(&vpc.vpc_id) else {
        return Ok(None);
    };
    let object = format!("vpc.{gateway}.{id}");
    Ok(Some(LiveVpc {
        id: id.to_owned(),
        name: non_empty(&vpc.vpc_name).map(str::to_owned),
        bandwidth: vpc.bandwidth.unwrap_or(0),
        ip_version: ip_version(&object, &vpc.ip_version)?,
        network_segment: ip_net(&object, "vpcNetworkSegment", &vpc.vpc_network_segment)?,
        network_segment_v6: ip_net(
            &object,
            "vpcNetworkSegmentIPv6",
            &vpc.vpc_network_segment_ipv6,
        )?,
        subnets: cidrs(&object, "vpcSubnet", &vpc.vpc_subnet)?,
        subnets_v6: cidrs(&object, "vpcSubnetIPv6", &vpc.vpc_subnet_ipv6)?,
        dc_type: non_empty(&vpc.dc_type).map(str::to_owned),
        health_check: None,
    }))
}

/// `None` when the API answers with an empty setting (no health check).
pub(crate) fn map_health_check(
    object: &str,
    check: &api::HealthCheck,
) -> Result<Option<LiveHealthCheck>, RefreshError> {
    if check.unreadable {
        return Ok(Some(LiveHealthCheck::unreadable()));
    }
    if check.src_ip.trim().is_empty() && check.dst_ip.trim().is_empty() {
        return Ok(None);
    }
    let small = |field: &'static str, v: u32| {
        u8::try_from(v).map_err(|_| unreadable(object, field, &v.to_string()))
    };
    Ok(Some(LiveHealthCheck {
        src_ip: ip_addr(object, "srcIP", &check.src_ip)?,
        dst_ip: ip_addr(object, "dstIP", &check.dst_ip)?,
        interval: small("interval", check.interval)?,
        packets: small("ntimest", check.ntimest)?,
        auto_switch: check.auto_route_switching,
        unreadable: false,
    }))
}

fn map_next_hops(object: &str, hops: &[api::NextHop]) -> Result<Vec<LiveNextHop>, RefreshError> {
    hops.iter()
        .map(|h| {
            Ok(LiveNextHop {
                remote_ip: ip_addr(object, "remoteGatewayIp", &h.remote_gateway_ip)?,
                priority: h.priority,
                track: h.track.unwrap_or(0) != 0,
                // Absent from GO's rows: left unknown, not read as off.
                bfd: h.bfd,
            })
        })
        .collect()
}

pub(crate) fn map_static_route(
    gateway: &str,
    route: &api::StaticRoute,
) -> Result<LiveStaticRoute, RefreshError> {
    let object = format!("static_route.{gateway}.{}", route.srid);
    let mut dst = cidrs(&object, "dstCidr", &route.dst_cidr)?;
    dst.extend(cidrs(&object, "dstCidrV6", &route.dst_cidr_v6)?);
    Ok(LiveStaticRoute {
        id: route.srid.clone(),
        ip_version: ip_version(&object, &route.ip_version)?,
        dst,
        next_hops: map_next_hops(&object, &route.next_hop)?,
        next_hops_v6: map_next_hops(&object, &route.next_hop_v6)?,
    })
}

pub(crate) fn map_bgp_route(
    gateway: &str,
    route: &api::BgpRoute,
    line_ids: &HashMap<String, String>,
) -> Result<LiveBgpRoute, RefreshError> {
    let object = format!("bgp_route.{gateway}.{}", route.bgpid);
    let mut networks = cidrs(&object, "networkCidr", &route.network_cidr)?;
    networks.extend(cidrs(&object, "networkCidrV6", &route.network_cidr_v6)?);
    let mut peers = Vec::new();
    for peer in route.bgp_list.iter().chain(&route.bgp_ipv6_list) {
        let line_name = non_empty(&peer.line_name).map(str::to_owned);
        let line_id = non_empty(&peer.line_id)
            .map(str::to_owned)
            .or_else(|| line_name.as_ref().and_then(|n| line_ids.get(n).cloned()));
        peers.push(LiveBgpPeer {
            neighbor: peer.bgp_neighbor.clone(),
            ip: ip_addr(&object, "BGPIP", &peer.bgp_ip)?,
            line_id,
            line_name,
            peer_as: peer
                .peer_as
                .trim()
                .parse()
                .map_err(|_| unreadable(&object, "peerAS", &peer.peer_as))?,
            // Hash now; the plaintext goes out of scope with `route`.
            key_hash: peer
                .bgp_key
                .as_ref()
                .map(|k| k.expose_secret())
                .filter(|k| !k.is_empty())
                .map(plan::secret_hash),
            bfd: peer.bfd,
        });
    }
    let multipath = match (route.multi_path, non_empty(&route.multi_path_num)) {
        (Some(true), Some(n)) => Some(
            n.parse()
                .map_err(|_| unreadable(&object, "multiPathNum", n))?,
        ),
        _ => None,
    };
    Ok(LiveBgpRoute {
        id: route.bgpid.clone(),
        ip_version: ip_version(&object, &route.ip_version)?,
        networks,
        peers,
        multipath,
    })
}

/// One gateway's rows as refresh reads them: its listing row, its child
/// lists and one health-check answer per VPC row (`None`: not read).
#[derive(Debug, Default, serde::Deserialize)]
pub struct GatewayRows {
    pub row: api::Gateway,
    #[serde(default)]
    pub vpcs: Vec<api::Vpc>,
    #[serde(default)]
    pub health_checks: Vec<Option<api::HealthCheck>>,
    #[serde(default)]
    pub static_routes: Vec<api::StaticRoute>,
    #[serde(default)]
    pub bgp_routes: Vec<api::BgpRoute>,
}

/// Every row of an estate, already read: what the bench maps without a
/// server, with the same row mappers a refresh uses.
#[derive(Debug, Default, serde::Deserialize)]
pub struct EstateRows {
    #[serde(default)]
    pub lines: Vec<api::PhysicalLine>,
    #[serde(default)]
    pub gateways: Vec<GatewayRows>,
}

/// The inventory `rows` describe, as a refresh that read them builds it
/// (gateway rows naming themselves by `vrfName`).
pub fn map_rows(rows: &EstateRows) -> Result<NormalisedInventory, RefreshError> {
    let lines: Vec<LiveLine> = rows
        .lines
        .iter()
        .filter_map(|l| map_line(l, &str::to_owned).transpose())
        .collect::<Result<_, _>>()?;
    let line_ids: HashMap<String, String> = lines
        .iter()
        .map(|l| (l.name.clone(), l.id.clone()))
        .collect();
    let mut gateways = Vec::with_capacity(rows.gateways.len());
    for g in &rows.gateways {
        let Some(name) = g.row.name() else {
            continue;
        };
        let mut vpcs = Vec::with_capacity(g.vpcs.len());
        for (i, vpc) in g.vpcs.iter().enumerate() {
            let Some(mut live) = map_vpc(name, vpc)? else {
                continue;
            };
            if let Some(Some(check)) = g.health_checks.get(i) {
                live.health_check =
                    map_health_check(&format!("health_check.{name}.{}", live.id), check)?;
            }
            vpcs.push(live);
        }
        let mut line_list = g.row.line_list.clone();
        line_list.sort();
        gateways.push(LiveGateway {
            name: name.to_owned(),
            hostname: g.row.hostname.clone().filter(|s| !s.is_empty()),
            access_point: g.row.access_point.clone().filter(|s| !s.is_empty()),
            description: g.row.description.clone().filter(|s| !s.is_empty()),
            line_ids: line_list,
            vpcs,
            static_routes: g
                .static_routes
                .iter()
                .map(|r| map_static_route(name, r))
                .collect::<Result<_, _>>()?,
            bgp_routes: g
                .bgp_routes
                .iter()
                .map(|r| map_bgp_route(name, r, &line_ids))
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(Inventory { lines, gateways }.into_normalised())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_lines_gateway_given_by_id_is_named_through_the_gateway_rows() {
        let line: api::PhysicalLine = decode(json!({
            "lineID": "pl-1", "lineName": "bj-idc-a", "vrfName": "cdagw-7f3a", "ipVersion": "IPV4"
        }));
        let by_id = |vrf: &str| {
            if vrf == "cdagw-7f3a" {
                "gwprod01".to_owned()
            } else {
                vrf.to_owned()
            }
        };
        let live = map_line(&line, &by_id).unwrap().unwrap();
        assert_eq!(live.gateway.as_deref(), Some("gwprod01"));
    }

    #[test]
    fn line_is_mapped_with_vlan_addresses_and_binding() {
        let line: api::PhysicalLine = decode(json!({
            "lineID": "pl-1", "lineName": "bj-idc-a", "vrfName": "gwprod01", "hostname": "sw-bj-01",
            "portName": "GE1/0/1", "portType": "10G", "lineType": "IPRAN", "bandwidth": "1000",
            "tag": 1, "vlan": 1001, "ipVersion": "IPV4",
            "localConnectIP": "10.255.0.1/30", "remoteConnectIP": "10.255.0.2", "isShared": 0
        }));
        let live = map_line(&line, &str::to_owned).unwrap().unwrap();
        assert_eq!(live.id, "pl-1");
        assert_eq!(live.gateway.as_deref(), Some("gwprod01"));
        assert_eq!(live.port_type, Some(PortType::TenG));
        assert_eq!(live.line_type, Some(LineType::Ipran));
        assert_eq!(live.bandwidth, 1000);
        assert_eq!(live.vlan, Some(1001));
        assert_eq!(live.local_ip, Some("10.255.0.1/30".parse().unwrap()));
        // A bare address is read as a host prefix.
        assert_eq!(live.remote_ip, Some("10.255.0.2/32".parse().unwrap()));
        assert!(!live.shared);

        let untagged: api::PhysicalLine =
            decode(json!({"lineID": "pl-2", "lineName": "x2", "tag": 0, "vlan": 5, "vrfName": ""}));
        let live = map_line(&untagged, &str::to_owned).unwrap().unwrap();
        assert_eq!(live.vlan, None);
        assert_eq!(live.gateway, None);

        let nameless: api::PhysicalLine = decode(json!({"lineID": "pl-3"}));
        assert!(map_line(&nameless, &str::to_owned).unwrap().is_none());
    }

    #[test]
    fn rows_state_their_region_by_any_spelling() {
        let line: api::PhysicalLine =
            decode(json!({"lineId": "pl-1", "regionId": "nm9", "resourcePool": "nm8"}));
        assert_eq!(line_region(&line).as_deref(), Some("nm9"));
        let line: api::PhysicalLine = decode(json!({"lineID": "pl-1", "resourcePool": "nm8"}));
        assert_eq!(line_region(&line).as_deref(), Some("nm8"));
        let gateway: api::Gateway =
            decode(json!({"vrfName": "g", "regionID": "nm9", "resourcePool": ""}));
        assert_eq!(gateway_region(&gateway).as_deref(), Some("nm9"));
        let gateway: api::Gateway = decode(json!({"vrfName": "g", "resourcePool": "nm8"}));
        assert_eq!(gateway_region(&gateway).as_deref(), Some("nm8"));
        let gateway: api::Gateway = decode(json!({"vrfName": "g"}));
        assert_eq!(gateway_region(&gateway), None);
    }

    #[test]
    fn unknown_ip_version_stops_refresh() {
        let line: api::PhysicalLine =
            decode(json!({"lineID": "pl-1", "lineName": "a1", "ipVersion": "IPV5"}));
        let err = map_line(&line, &str::to_owned).unwrap_err().to_string();
        assert!(
            err.contains("physical_line.a1") && err.contains("IPV5"),
            "{err}"
        );
    }

    #[test]
    fn bgp_keys_are_hashed_and_line_names_resolved() {
        let route: api::BgpRoute = decode(json!({
            "BGPID": "bgp-1", "ipVersion": "IPV4", "networkCidr": ["10.30.0.0/16"],
            "multiPath": true, "multiPathNum": "2",
            "BGPList": [{"BGPNeighbor": "n1", "BGPIP": "10.255.0.2", "lineName": "bj-idc-a",
                         "peerAS": "65001", "BGPKey": "hunter2-plaintext", "bfd": true}]
        }));
        let ids = HashMap::from([("bj-idc-a".to_string(), "pl-1".to_string())]);
        let live = map_bgp_route("gw1", &route, &ids).unwrap();
        let peer = &live.peers[0];
        assert_eq!(peer.line_id.as_deref(), Some("pl-1"));
        assert_eq!(peer.peer_as, 65001);
        assert_eq!(
            peer.key_hash.as_deref(),
            Some(plan::secret_hash("hunter2-plaintext").as_str())
        );
        assert_eq!(live.multipath, Some(2));
        assert!(!format!("{live:?}").contains("hunter2"));
        assert!(!serde_json::to_string(&live).unwrap().contains("hunter2"));
    }

    #[test]
    fn static_route_merges_families() {
        let route: api::StaticRoute = decode(json!({
            "SRID": "sr-1", "ipVersion": "DUALSTACK", "dstCidr": ["10.10.0.0/16"], "dstCidrV6": ["2001:db8::/32"],
            "nextHop": [{"remoteGatewayIp": "10.255.0.2", "priority": 10, "track": 1, "bfd": true}],
            "nextHopV6": [{"remoteGatewayIp": "2001:db8:ffff::2", "priority": 20}]
        }));
        let live = map_static_route("gw1", &route).unwrap();
        assert_eq!(live.ip_version, IpVersion::DualStack);
        assert_eq!(live.dst.len(), 2);
        assert!(live.next_hops[0].track && live.next_hops[0].bfd == Some(true));
        assert_eq!(live.next_hops_v6[0].priority, 20);
        assert!(!live.next_hops_v6[0].track);
    }

    #[test]
    fn empty_health_check_setting_means_none() {
        let empty: api::HealthCheck = decode(json!({}));
        assert!(map_health_check("hc", &empty).unwrap().is_none());
        let set: api::HealthCheck = decode(
            json!({"srcIP": "192.168.10.250", "dstIP": "10.255.0.2", "interval": 2, "ntimest": 5,
                          "autoRouteSwitching": true}),
        );
        let opaque = api::HealthCheck {
            unreadable: true,
            ..Default::default()
        };
        let live = map_health_check("hc", &opaque).unwrap().unwrap();
        assert!(live.unreadable, "exists, settings unreadable, no error");
        let live = map_health_check("hc", &set).unwrap().unwrap();
        assert_eq!(
            (live.interval, live.packets, live.auto_switch),
            (2, 5, true)
        );
    }
}
