#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Unit tests of the diff, by topic, over one small estate built here.

mod gateways_vpcs;
mod inventory;
mod lines;
mod requested;
mod routes;

use super::{plan, plan_normalised, PlanError, PlanOptions};
use crate::action::{Action, ChangeKind, Impact, LineRef, Operation, Plan, ResourceKind};
use crate::inventory::{Inventory, LiveBgpRoute, LiveGateway, LiveStaticRoute, ABSENT};
use crate::inventory::{LiveBgpPeer, LiveNextHop};
use crate::model::{BgpPeer, NextHop};
use crate::model::{
    BgpRoute, DesiredState, Gateway, HealthCheck, IpVersion, Kind, PhysicalLine, SecretRef,
    StaticRoute, VpcAttachment,
};
use ipnet::IpNet;
use std::collections::BTreeSet;

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn line(name: &str, n: u8) -> PhysicalLine {
    crate::testing::desired_line(name, n)
}

fn hop(line: &str, priority: u32) -> NextHop {
    NextHop {
        line: line.into(),
        priority,
        track: false,
        bfd: false,
    }
}

fn gateway(name: &str, lines: &[&str]) -> Gateway {
    Gateway {
        name: name.into(),
        hostname: None,
        access_point: None,
        description: None,
        lines: lines.iter().map(|s| s.to_string()).collect(),
        vpcs: vec![],
        static_routes: vec![],
        bgp: vec![],
        protect: false,
    }
}

fn route(dst: &[&str], hops: Vec<NextHop>) -> StaticRoute {
    StaticRoute {
        dst: dst.iter().map(|d| net(d)).collect(),
        next_hops: hops,
        protect: false,
    }
}

/// An IPv4 BGP route with one peer (AS 65001) on line `a`.
fn bgp_on_a(networks: Vec<IpNet>, key: Option<SecretRef>) -> BgpRoute {
    BgpRoute {
        ip_version: IpVersion::Ipv4,
        networks,
        peers: vec![BgpPeer {
            line: "a".into(),
            peer_as: 65001,
            neighbor: None,
            key,
            bfd: false,
        }],
        multipath: None,
        protect: false,
    }
}

fn vpc(id: &str) -> VpcAttachment {
    VpcAttachment {
        id: id.into(),
        name: None,
        bandwidth: 50,
        ip_version: IpVersion::Ipv4,
        network_segment: Some(net("192.168.0.0/16")),
        network_segment_v6: None,
        subnets: vec![net("192.168.10.0/24")],
        subnets_v6: vec![],
        dc_type: None,
        health_check: Some(HealthCheck {
            src_ip: "192.168.10.250".parse().unwrap(),
            dst_ip: "10.255.1.2".parse().unwrap(),
            interval: 2,
            packets: 5,
            auto_switch: true,
        }),
        protect: false,
    }
}

fn estate() -> DesiredState {
    let mut gw = gateway("gw1", &["a", "b"]);
    gw.vpcs.push(vpc("vpc-1"));
    gw.static_routes
        .push(route(&["10.10.0.0/16"], vec![hop("a", 10), hop("b", 20)]));
    gw.static_routes
        .push(route(&["10.20.0.0/16"], vec![hop("a", 10)]));
    DesiredState {
        region: "nm8".into(),
        account: None,
        prune: vec![
            Kind::Gateways,
            Kind::Bindings,
            Kind::Vpcs,
            Kind::HealthChecks,
            Kind::Routes,
            Kind::PhysicalLines,
        ],
        physical_lines: vec![line("a", 1), line("b", 2)],
        gateways: vec![gw],
    }
}

/// What the API would list after the desired state was applied.
fn live_of(d: &DesiredState) -> Inventory {
    let mut inv = Inventory::default();
    let gw_of = |name: &str| {
        d.gateways
            .iter()
            .find(|g| g.lines.iter().any(|l| l == name))
            .map(|g| g.name.clone())
    };
    for l in &d.physical_lines {
        inv.lines.push(crate::testing::live_line(
            l,
            l.id.clone().unwrap_or_else(|| format!("id-{}", l.name)),
            gw_of(&l.name),
        ));
    }
    let remote = |name: &str| {
        d.physical_lines
            .iter()
            .find(|l| l.name == name)
            .and_then(|l| l.remote_ip)
            .unwrap()
            .addr()
    };
    for g in &d.gateways {
        inv.gateways.push(LiveGateway {
            name: g.name.clone(),
            hostname: None,
            access_point: None,
            description: g.description.clone(),
            line_ids: g.lines.iter().map(|l| format!("id-{l}")).collect(),
            vpcs: g.vpcs.iter().map(crate::testing::live_vpc).collect(),
            static_routes: g
                .static_routes
                .iter()
                .enumerate()
                .map(|(i, r)| LiveStaticRoute {
                    id: format!("sr-{}-{i}", g.name),
                    ip_version: IpVersion::Ipv4,
                    dst: r.dst.clone(),
                    next_hops: r
                        .next_hops
                        .iter()
                        .map(|h| LiveNextHop {
                            remote_ip: remote(&h.line),
                            priority: h.priority,
                            track: h.track,
                            bfd: Some(h.bfd),
                        })
                        .collect(),
                    next_hops_v6: vec![],
                })
                .collect(),
            bgp_routes: g
                .bgp
                .iter()
                .map(|b| LiveBgpRoute {
                    id: format!("bgp-{}", g.name),
                    ip_version: b.ip_version,
                    networks: b.networks.clone(),
                    peers: b
                        .peers
                        .iter()
                        .map(|p| LiveBgpPeer {
                            neighbor: p.neighbor.clone().unwrap_or_else(|| p.line.clone()),
                            ip: remote(&p.line),
                            line_id: Some(format!("id-{}", p.line)),
                            line_name: Some(p.line.clone()),
                            peer_as: p.peer_as,
                            key_hash: p.key.as_ref().map(|_| crate::secret_hash("k1")),
                            bfd: p.bfd,
                        })
                        .collect(),
                    multipath: b.multipath,
                })
                .collect(),
        });
    }
    inv.normalise();
    inv
}

fn opts() -> PlanOptions {
    let mut o = PlanOptions::default();
    o.secret_hashes
        .insert(SecretRef::Env("K".into()), crate::secret_hash("k1"));
    o
}

fn find<'p>(p: &'p Plan, addr: &str, change: ChangeKind) -> &'p Action {
    p.actions
        .iter()
        .find(|a| a.address == addr && a.change == change)
        .unwrap_or_else(|| {
            panic!(
                "no {change:?} {addr} in {:#?}",
                p.actions
                    .iter()
                    .map(|a| (&a.address, a.change))
                    .collect::<Vec<_>>()
            )
        })
}

fn before(p: &Plan, first: &Action, second: &Action) -> bool {
    // `first` must be an ancestor of `second` in the graph.
    let mut stack = vec![second.id];
    let mut seen = BTreeSet::new();
    while let Some(n) = stack.pop() {
        if n == first.id {
            return true;
        }
        if seen.insert(n) {
            stack.extend(p.actions[n].depends_on.iter().copied());
        }
    }
    false
}
