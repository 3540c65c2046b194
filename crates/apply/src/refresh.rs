//! Refresh: read the live estate through `cda-api` into a [`plan::Inventory`].
//!
//! As few calls as the API allows: the gateway and physical-line lists (all
//! pages), then for each gateway its VPC, static-route and BGP-route lists,
//! and one health-check read per VPC (the API has no health-check list). No
//! other per-object reads.
//!
//! `Scope::concurrency` bounds the calls in flight, whatever they are: every
//! call takes a permit, so the pipe stays full (measured in
//! docs/performance.md: with a permit per gateway, a gateway's health-check
//! reads waited for its lists and the pages of the top-level lists were
//! walked one after another). Pages after the first are fetched at once
//! once the first page gives `totalCount`
//! ([`Client::all_pages_concurrently`]).
//!
//! Secrets never enter the inventory: a live BGP key is hashed with
//! [`plan::secret_hash`] as soon as it is decoded and the plaintext dropped.

use cda_api::types as api;
use cda_api::Client;
use ipnet::IpNet;
use plan::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc,
};
use plan::model::{IpVersion, LineType, PortType};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Where to read.
#[derive(Debug, Clone)]
pub struct Scope {
    pub region: String,
    pub account: Option<String>,
    /// API calls in flight at once (at least 1).
    pub concurrency: usize,
}

/// A live value we could not map; refresh stops rather than plan against a
/// misread estate.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Api(#[from] cda_api::Error),
    #[error("{object}: cannot read {field} {value:?} from the API")]
    Unreadable {
        object: String,
        field: &'static str,
        value: String,
    },
    #[error("refresh task failed: {0}")]
    Task(String),
}

fn unreadable(object: &str, field: &'static str, value: &str) -> RefreshError {
    RefreshError::Unreadable {
        object: object.to_owned(),
        field,
        value: value.to_owned(),
    }
}

/// Read everything in scope.
pub async fn refresh(client: &Arc<Client>, scope: &Scope) -> Result<Inventory, RefreshError> {
    let permits = Arc::new(Semaphore::new(scope.concurrency.max(1)));
    let line_req = api::PhysicalLineListRequest {
        region_id: Some(scope.region.clone()),
        account: scope.account.clone(),
        ..Default::default()
    };
    let gateway_req = api::GatewayListRequest {
        account: scope.account.clone(),
        region_id: Some(scope.region.clone()),
        ..Default::default()
    };
    let (lines, gateways) = tokio::try_join!(
        client.all_pages_concurrently(&line_req, &permits),
        client.all_pages_concurrently(&gateway_req, &permits)
    )?;

    let lines: Vec<LiveLine> = lines
        .iter()
        .filter_map(|l| map_line(l).transpose())
        .collect::<Result<_, _>>()?;
    let line_ids: Arc<HashMap<String, String>> = Arc::new(
        lines
            .iter()
            .map(|l| (l.name.clone(), l.id.clone()))
            .collect(),
    );

    let mut tasks = JoinSet::new();
    for (order, gateway) in gateways.into_iter().enumerate() {
        let Some(name) = gateway.name().map(str::to_owned) else {
            continue;
        };
        let client = Arc::clone(client);
        let scope = scope.clone();
        let permits = Arc::clone(&permits);
        let line_ids = Arc::clone(&line_ids);
        tasks.spawn(async move {
            let live = read_gateway(&client, &permits, &scope, &name, &gateway, &line_ids).await?;
            Ok::<_, RefreshError>((order, live))
        });
    }
    let mut gateways = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        gateways.push(joined.map_err(|e| RefreshError::Task(e.to_string()))??);
    }
    gateways.sort_by_key(|(order, _)| *order);

    let mut inventory = Inventory {
        lines,
        gateways: gateways.into_iter().map(|(_, g)| g).collect(),
    };
    inventory.normalise();
    Ok(inventory)
}

/// Run one API call under a permit.
async fn limited<T>(
    permits: &Semaphore,
    call: impl std::future::Future<Output = Result<T, cda_api::Error>>,
) -> Result<T, RefreshError> {
    let _permit = permits
        .acquire()
        .await
        .map_err(|e| RefreshError::Task(e.to_string()))?;
    Ok(call.await?)
}

async fn read_gateway(
    client: &Client,
    permits: &Arc<Semaphore>,
    scope: &Scope,
    name: &str,
    gateway: &api::Gateway,
    line_ids: &HashMap<String, String>,
) -> Result<LiveGateway, RefreshError> {
    let req = api::GatewayScopedRequest {
        gateway_name: name.to_owned(),
        account: scope.account.clone(),
        region_id: Some(scope.region.clone()),
    };
    let (vpcs, static_routes, bgp_routes) = tokio::try_join!(
        limited(permits, client.vpc_list(&req)),
        limited(permits, client.static_route_list(&req)),
        limited(permits, client.bgp_route_list(&req))
    )?;

    let mut live_vpcs = Vec::with_capacity(vpcs.len());
    for vpc in &vpcs {
        if let Some(live) = map_vpc(name, vpc)? {
            live_vpcs.push(live);
        }
    }
    // The health-check reads of a gateway's VPCs go out together.
    let mut checks = JoinSet::new();
    for (i, live) in live_vpcs.iter().enumerate() {
        let hc_req = api::HealthCheckGetRequest {
            gateway_name: name.to_owned(),
            vpc_id: live.id.clone(),
            vpc_name: live.name.clone(),
        };
        let client = client.clone();
        let permits = Arc::clone(permits);
        checks.spawn(async move { (i, limited(&permits, client.health_check_get(&hc_req)).await) });
    }
    while let Some(joined) = checks.join_next().await {
        let (i, check) = joined.map_err(|e| RefreshError::Task(e.to_string()))?;
        if let Some(check) = check? {
            let live = &mut live_vpcs[i];
            live.health_check =
                map_health_check(&format!("health_check.{name}.{}", live.id), &check)?;
        }
    }

    let mut line_list = gateway.line_list.clone();
    line_list.sort();
    Ok(LiveGateway {
        name: name.to_owned(),
        hostname: gateway.hostname.clone().filter(|s| !s.is_empty()),
        access_point: gateway.access_point.clone().filter(|s| !s.is_empty()),
        description: gateway.description.clone().filter(|s| !s.is_empty()),
        line_ids: line_list,
        vpcs: live_vpcs,
        static_routes: static_routes
            .iter()
            .map(|r| map_static_route(name, r))
            .collect::<Result<_, _>>()?,
        bgp_routes: bgp_routes
            .iter()
            .map(|r| map_bgp_route(name, r, line_ids))
            .collect::<Result<_, _>>()?,
    })
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn ip_version(object: &str, v: &Option<String>) -> Result<IpVersion, RefreshError> {
    match non_empty(v).map(str::to_ascii_uppercase).as_deref() {
        None | Some("IPV4") | Some("0") => Ok(IpVersion::Ipv4),
        Some("IPV6") | Some("2") => Ok(IpVersion::Ipv6),
        Some("DUALSTACK") | Some("1") => Ok(IpVersion::DualStack),
        Some(other) => Err(unreadable(object, "ipVersion", other)),
    }
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

/// `None` for a listing row without id or name (nothing we could manage).
fn map_line(line: &api::PhysicalLine) -> Result<Option<LiveLine>, RefreshError> {
    let (Some(id), Some(name)) = (line.id(), non_empty(&line.line_name)) else {
        return Ok(None);
    };
    let object = format!("physical_line.{name}");
    let port_type = match non_empty(&line.port_type)
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("1G") | Some("GE") => Some(PortType::OneG),
        Some("10G") | Some("10GE") => Some(PortType::TenG),
        _ => None,
    };
    let line_type = match non_empty(&line.line_type)
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("PON") => Some(LineType::Pon),
        Some("IPRAN") => Some(LineType::Ipran),
        _ => None,
    };
    let vlan = match (line.tag, line.vlan) {
        (Some(0), _) | (_, None) | (_, Some(0)) => None,
        (_, Some(v)) => {
            Some(u16::try_from(v).map_err(|_| unreadable(&object, "vlan", &v.to_string()))?)
        }
    };
    Ok(Some(LiveLine {
        id: id.to_owned(),
        name: name.to_owned(),
        gateway: non_empty(&line.vrf_name).map(str::to_owned),
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

fn map_vpc(gateway: &str, vpc: &api::Vpc) -> Result<Option<LiveVpc>, RefreshError> {
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
fn map_health_check(
    object: &str,
    check: &api::HealthCheck,
) -> Result<Option<LiveHealthCheck>, RefreshError> {
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
    }))
}

fn map_next_hops(object: &str, hops: &[api::NextHop]) -> Result<Vec<LiveNextHop>, RefreshError> {
    hops.iter()
        .map(|h| {
            Ok(LiveNextHop {
                remote_ip: ip_addr(object, "remoteGatewayIp", &h.remote_gateway_ip)?,
                priority: h.priority,
                track: h.track.unwrap_or(0) != 0,
                bfd: h.bfd.unwrap_or(false),
            })
        })
        .collect()
}

fn map_static_route(
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

fn map_bgp_route(
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn line_is_mapped_with_vlan_addresses_and_binding() {
        let line: api::PhysicalLine = decode(json!({
            "lineID": "pl-1", "lineName": "bj-idc-a", "vrfName": "gwprod01", "hostname": "sw-bj-01",
            "portName": "GE1/0/1", "portType": "10G", "lineType": "IPRAN", "bandwidth": "1000",
            "tag": 1, "vlan": 1001, "ipVersion": "IPV4",
            "localConnectIP": "10.255.0.1/30", "remoteConnectIP": "10.255.0.2", "isShared": 0
        }));
        let live = map_line(&line).unwrap().unwrap();
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
        let live = map_line(&untagged).unwrap().unwrap();
        assert_eq!(live.vlan, None);
        assert_eq!(live.gateway, None);

        let nameless: api::PhysicalLine = decode(json!({"lineID": "pl-3"}));
        assert!(map_line(&nameless).unwrap().is_none());
    }

    #[test]
    fn unknown_ip_version_stops_refresh() {
        let line: api::PhysicalLine =
            decode(json!({"lineID": "pl-1", "lineName": "a1", "ipVersion": "IPV5"}));
        let err = map_line(&line).unwrap_err().to_string();
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
        assert!(live.next_hops[0].track && live.next_hops[0].bfd);
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
        let live = map_health_check("hc", &set).unwrap().unwrap();
        assert_eq!(
            (live.interval, live.packets, live.auto_switch),
            (2, 5, true)
        );
    }
}
