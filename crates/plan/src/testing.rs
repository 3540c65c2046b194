//! Test support shared by the crate's unit tests, integration tests and
//! benches: the live objects the API would list once a desired object is
//! applied. Only built for tests (`cfg(test)`) or with the `testing` feature
//! (enabled by the crate's own dev-dependency), so it is no public API.

use crate::action::{BgpRouteBody, NextHopBody, Operation, Plan, StaticRouteBody};
use crate::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc,
};
use crate::model::{
    HealthCheck, IpVersion, LineType, PhysicalLine, PortType, SwitchPort, VpcAttachment,
};

/// A plan of region nm8 holding `actions` and nothing else.
pub fn plan_of(actions: Vec<crate::action::Action>) -> Plan {
    Plan {
        format_version: "1".into(),
        region: "nm8".into(),
        account: None,
        actions,
        unmanaged: vec![],
        notes: vec![],
        fingerprints: std::collections::BTreeMap::new(),
        mass_destroy: None,
        requested: Default::default(),
    }
}

/// Desired IPv4 line number `n` on switch `sw1`: port `GE1/0/n`, VLAN
/// `1000 + n`, interconnect `10.255.n.1/30` ↔ `10.255.n.2/30`, 100 Mbps.
pub fn desired_line(name: &str, n: u8) -> PhysicalLine {
    let net = |text: String| text.parse().ok();
    PhysicalLine {
        name: name.into(),
        id: None,
        switch: SwitchPort {
            hostname: "sw1".into(),
            port: format!("GE1/0/{n}"),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: 100,
        vlan: Some(1000 + u16::from(n)),
        ip_version: IpVersion::Ipv4,
        local_ip: net(format!("10.255.{n}.1/30")),
        remote_ip: net(format!("10.255.{n}.2/30")),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
        protect: false,
    }
}

/// The line the API would list once `line` is applied, under this `id` and
/// bound to this `gateway` (ids and bindings are the caller's choice).
pub fn live_line(line: &PhysicalLine, id: String, gateway: Option<String>) -> LiveLine {
    LiveLine {
        id,
        name: line.name.clone(),
        gateway,
        hostname: line.switch.hostname.clone(),
        port: line.switch.port.clone(),
        port_type: Some(line.switch.port_type),
        line_type: Some(line.line_type),
        bandwidth: line.bandwidth,
        vlan: line.vlan,
        ip_version: line.ip_version,
        local_ip: line.local_ip,
        remote_ip: line.remote_ip,
        local_ip_v6: line.local_ip_v6,
        remote_ip_v6: line.remote_ip_v6,
        access_point: line.access_point.clone(),
        shared: line.shared,
        description: line.description.clone(),
    }
}

/// The VPC attachment (and its health check) the API would list once `vpc`
/// is applied.
pub fn live_vpc(vpc: &VpcAttachment) -> LiveVpc {
    LiveVpc {
        id: vpc.id.clone(),
        name: vpc.name.clone(),
        bandwidth: vpc.bandwidth,
        ip_version: vpc.ip_version,
        network_segment: vpc.network_segment,
        network_segment_v6: vpc.network_segment_v6,
        subnets: vpc.subnets.clone(),
        subnets_v6: vpc.subnets_v6.clone(),
        dc_type: vpc.dc_type.clone(),
        health_check: vpc.health_check.as_ref().map(live_health_check),
    }
}

/// The health check the API would list once `check` is applied.
pub fn live_health_check(check: &HealthCheck) -> LiveHealthCheck {
    LiveHealthCheck {
        unreadable: false,
        src_ip: check.src_ip,
        dst_ip: check.dst_ip,
        interval: check.interval,
        packets: check.packets,
        auto_switch: check.auto_switch,
    }
}

/// What the API would list after executing `plan`, a plan of creates only
/// (planned from an empty estate): line ids are `id-<name>`, route ids
/// count up, and every BGP key has the hash `key_hash`. Other calls are
/// ignored.
pub fn created(plan: &Plan, key_hash: &str) -> Inventory {
    let mut inv = Inventory::default();
    let line_id = |name: &str| format!("id-{name}");
    for op in plan.actions.iter().flat_map(|a| &a.calls) {
        let next_id = inv.gateways.iter().map(route_count).sum::<usize>() + 1;
        match op {
            Operation::CreateLine { line } => {
                inv.lines.push(live_line(line, line_id(&line.name), None));
            }
            Operation::CreateGateway {
                name,
                hostname,
                access_point,
                description,
            } => inv.gateways.push(LiveGateway {
                name: name.clone(),
                hostname: Some(hostname.clone()),
                access_point: access_point.clone(),
                description: description.clone(),
                line_ids: Vec::new(),
                vpcs: Vec::new(),
                static_routes: Vec::new(),
                bgp_routes: Vec::new(),
            }),
            Operation::BindLine { gateway, line } => {
                if let Some(l) = inv.lines.iter_mut().find(|l| l.name == line.name) {
                    l.gateway = Some(gateway.clone());
                }
                if let Some(g) = gateway_mut(&mut inv, gateway) {
                    g.line_ids.push(line_id(&line.name));
                }
            }
            Operation::AddVpc { gateway, vpc } => {
                if let Some(g) = gateway_mut(&mut inv, gateway) {
                    let mut live = live_vpc(vpc);
                    live.health_check = None;
                    g.vpcs.push(live);
                }
            }
            Operation::AddHealthCheck {
                gateway,
                vpc_id,
                check,
                ..
            } => {
                let vpc = gateway_mut(&mut inv, gateway)
                    .and_then(|g| g.vpcs.iter_mut().find(|v| &v.id == vpc_id));
                if let Some(v) = vpc {
                    v.health_check = Some(live_health_check(check));
                }
            }
            Operation::AddStaticRoute { gateway, route } => {
                if let Some(g) = gateway_mut(&mut inv, gateway) {
                    g.static_routes
                        .push(live_static_route(format!("sr-{next_id}"), route));
                }
            }
            Operation::AddBgpRoute { gateway, route } => {
                if let Some(g) = gateway_mut(&mut inv, gateway) {
                    g.bgp_routes
                        .push(live_bgp_route(format!("bgp-{next_id}"), route, key_hash));
                }
            }
            _ => {}
        }
    }
    inv.normalise();
    inv
}

fn gateway_mut<'i>(inv: &'i mut Inventory, name: &str) -> Option<&'i mut LiveGateway> {
    inv.gateways.iter_mut().find(|g| g.name == name)
}

fn route_count(g: &LiveGateway) -> usize {
    g.static_routes.len() + g.bgp_routes.len()
}

/// The static route the API lists once `route` is added, under `id`.
pub fn live_static_route(id: String, route: &StaticRouteBody) -> LiveStaticRoute {
    let hop = |h: &NextHopBody| LiveNextHop {
        remote_ip: h.remote_ip,
        priority: h.priority,
        track: h.track,
        bfd: Some(h.bfd),
    };
    LiveStaticRoute {
        id,
        ip_version: route.ip_version,
        dst: route.dst_v4.iter().chain(&route.dst_v6).copied().collect(),
        next_hops: route.next_hops_v4.iter().map(hop).collect(),
        next_hops_v6: route.next_hops_v6.iter().map(hop).collect(),
    }
}

fn live_bgp_route(id: String, route: &BgpRouteBody, key_hash: &str) -> LiveBgpRoute {
    LiveBgpRoute {
        id,
        ip_version: route.ip_version,
        networks: route
            .networks_v4
            .iter()
            .chain(&route.networks_v6)
            .copied()
            .collect(),
        peers: route
            .peers_v4
            .iter()
            .chain(&route.peers_v6)
            .map(|p| LiveBgpPeer {
                neighbor: p.neighbor.clone(),
                ip: p.ip,
                line_id: Some(format!("id-{}", p.line.name)),
                line_name: Some(p.line.name.clone()),
                peer_as: p.peer_as,
                key_hash: p.key.as_ref().map(|_| key_hash.to_owned()),
                bfd: p.bfd,
            })
            .collect(),
        multipath: route.multipath,
    }
}
