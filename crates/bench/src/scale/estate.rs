//! The estate of issue #16, generated: per gateway 3 physical lines (bound),
//! one VPC with a health check, and either 5 static routes over the three
//! lines (priorities 1–3) or, on every fourth gateway, one BGP route with a
//! peer per line.
//!
//! One [`ScaleEstate`] renders four views of the same objects, which must
//! agree (tested): the emulator seed, the desired-state YAML (which plans to
//! zero changes against it, or to a known set of edits), the API rows a
//! refresh reads (mapped without a server by [`apply::refresh::map_rows`])
//! and the inventory that mapping gives.
//!
//! Addressing (never colliding up to [`ScaleEstate::MAX_GATEWAYS`]):
//! * line `i = 3g + k`: the /30 at `10.128.0.0 + 4i`;
//! * VPC of gateway `g`: segment the /26 at `100.64.0.0 + 64g`, one /27;
//! * route `r` of gateway `g`: the /27 at `10.0.0.0 + 32 (5g + r)` (a BGP
//!   gateway announces its first two).

use emulator::seed::{
    SeedAccount, SeedBgpPeer, SeedBgpRoute, SeedGateway, SeedHealthCheck, SeedLine, SeedNextHop,
    SeedStaticRoute, SeedVpc,
};
use emulator::Seed;
use ipnet::{IpNet, Ipv4Net};
use plan::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc, NormalisedInventory,
};
use plan::model::{IpVersion, LineType, PortType};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

/// Lines per gateway, all bound, each a next hop of every static route.
pub const LINES: usize = 3;
/// Static routes of a gateway not on BGP.
pub const ROUTES: usize = 5;
/// Every `BGP_EVERY`-th gateway (the last of each group) runs BGP instead.
pub const BGP_EVERY: usize = 4;
/// Gateways per desired-state file: ~6.9 MB, under the loader's 10 MiB.
pub const GATEWAYS_PER_FILE: usize = 4_000;

const REGION: &str = crate::estate::REGION;
const LINE_BANDWIDTH: u64 = 1000;
const VPC_BANDWIDTH: u64 = 100;
const SWITCHES: usize = 4;
const PEER_AS: u32 = 65_010;

/// What the desired files ask beyond the live estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edits {
    /// The file equals the live estate.
    None,
    /// Every tenth gateway: its first static route drops its third next hop
    /// (an update), its VPC doubles its bandwidth (an update) and it gains
    /// a route (a create); every 40th BGP gateway drops a network.
    Some,
}

/// `gateways` gateways of the shape.
#[derive(Debug, Clone)]
pub struct ScaleEstate {
    pub gateways: usize,
    pub account: String,
}

fn v4(base: u32, offset: u32, prefix: u8) -> Ipv4Net {
    // Prefixes are constants ≤ 32, so this cannot fail; keep a total fallback.
    Ipv4Net::new(Ipv4Addr::from(base + offset), prefix).unwrap_or_default()
}

fn letter(k: usize) -> char {
    char::from(b'a' + (k % 26) as u8)
}

/// Whether gateway `g` runs BGP (and has no static routes).
pub fn on_bgp(g: usize) -> bool {
    g % BGP_EVERY == BGP_EVERY - 1
}

fn edited(g: usize) -> bool {
    g % 10 == 1
}

pub fn gateway_name(g: usize) -> String {
    format!("gw{g:05}")
}

pub fn line_name(g: usize, k: usize) -> String {
    format!("pl{g:05}{}", letter(k))
}

fn line_id(g: usize, k: usize) -> String {
    format!("pl-{g:05}{}", letter(k))
}

fn vpc_id(g: usize) -> String {
    format!("vpc-{g:05}")
}

fn vpc_name(g: usize) -> String {
    format!("v{g:05}")
}

fn route_id(g: usize, r: usize) -> String {
    format!("sr-{g:05}{r:02}")
}

fn bgp_id(g: usize) -> String {
    format!("bgp-{g:05}")
}

fn hostname(g: usize) -> String {
    format!("nm8-cda-sw{:02}", g % SWITCHES + 1)
}

fn port(g: usize, k: usize) -> String {
    format!(
        "TenGigabitEthernet{}/0/{}",
        g / 48 + 1,
        (g % 48) * LINES + k + 1
    )
}

/// `(local, remote)` interconnect /30 addresses of line `k` of gateway `g`.
fn line_ips(g: usize, k: usize) -> (Ipv4Net, Ipv4Net) {
    let i = (g * LINES + k) as u32;
    let base = u32::from(Ipv4Addr::new(10, 128, 0, 0)) + 4 * i;
    (v4(base, 1, 30), v4(base, 2, 30))
}

fn remote(g: usize, k: usize) -> Ipv4Addr {
    line_ips(g, k).1.addr()
}

/// `(segment, subnet, health-check source)` of gateway `g`'s VPC.
fn vpc_nets(g: usize) -> (Ipv4Net, Ipv4Net, Ipv4Addr) {
    let base = u32::from(Ipv4Addr::new(100, 64, 0, 0)) + 64 * g as u32;
    (v4(base, 0, 26), v4(base, 0, 27), Ipv4Addr::from(base + 30))
}

/// Route `r` of gateway `g`; `r == ROUTES` is the route an edit adds.
fn route_dst(g: usize, r: usize) -> Ipv4Net {
    let idx = (g * (ROUTES + 1) + r) as u32;
    v4(u32::from(Ipv4Addr::new(10, 0, 0, 0)), 32 * idx, 27)
}

fn bgp_networks(g: usize) -> [Ipv4Net; 2] {
    [route_dst(g, 0), route_dst(g, 1)]
}

impl ScaleEstate {
    /// 10.0.0.0/9 holds 262,144 route /27s, 6 per gateway.
    pub const MAX_GATEWAYS: usize = 40_000;

    pub fn new(gateways: usize, account: impl Into<String>) -> ScaleEstate {
        ScaleEstate {
            gateways: gateways.min(Self::MAX_GATEWAYS),
            account: account.into(),
        }
    }

    /// The live side, as an emulator seed.
    pub fn seed(&self) -> Seed {
        let mut lines = Vec::with_capacity(self.gateways * LINES);
        let mut gateways = Vec::with_capacity(self.gateways);
        for g in 0..self.gateways {
            for k in 0..LINES {
                let (local, remote) = line_ips(g, k);
                lines.push(SeedLine {
                    name: line_name(g, k),
                    id: Some(line_id(g, k)),
                    hostname: hostname(g),
                    port: port(g, k),
                    port_type: PortType::TenG.as_api().into(),
                    line_type: LineType::Pon.as_api().into(),
                    bandwidth: LINE_BANDWIDTH,
                    ip_version: IpVersion::Ipv4.as_api().into(),
                    local_ip: Some(local.to_string()),
                    remote_ip: Some(remote.to_string()),
                    ..SeedLine::default()
                });
            }
            let (segment, subnet, probe) = vpc_nets(g);
            let vpc = SeedVpc {
                id: vpc_id(g),
                name: Some(vpc_name(g)),
                ip_version: IpVersion::Ipv4.as_api().into(),
                bandwidth: VPC_BANDWIDTH,
                network_segment: Some(segment.to_string()),
                subnets: vec![subnet.to_string()],
                health_check: Some(SeedHealthCheck {
                    src_ip: probe.to_string(),
                    dst_ip: remote(g, 0).to_string(),
                    interval: 3,
                    packets: 5,
                    auto_switch: true,
                }),
                ..SeedVpc::default()
            };
            let (static_routes, bgp_routes) = if on_bgp(g) {
                let peers = (0..LINES)
                    .map(|k| SeedBgpPeer {
                        neighbor: line_name(g, k),
                        ip: remote(g, k).to_string(),
                        line: line_name(g, k),
                        peer_as: PEER_AS,
                        key: None,
                        bfd: true,
                    })
                    .collect();
                let route = SeedBgpRoute {
                    id: Some(bgp_id(g)),
                    ip_version: IpVersion::Ipv4.as_api().into(),
                    networks: bgp_networks(g).iter().map(ToString::to_string).collect(),
                    peers,
                    ..SeedBgpRoute::default()
                };
                (Vec::new(), vec![route])
            } else {
                let routes = (0..ROUTES)
                    .map(|r| SeedStaticRoute {
                        id: Some(route_id(g, r)),
                        ip_version: IpVersion::Ipv4.as_api().into(),
                        dst: vec![route_dst(g, r).to_string()],
                        next_hops: (0..LINES)
                            .map(|k| SeedNextHop {
                                ip: remote(g, k).to_string(),
                                priority: k as u32 + 1,
                                track: false,
                                bfd: false,
                            })
                            .collect(),
                        ..SeedStaticRoute::default()
                    })
                    .collect();
                (routes, Vec::new())
            };
            gateways.push(SeedGateway {
                name: gateway_name(g),
                hostname: Some(hostname(g)),
                lines: (0..LINES).map(|k| line_name(g, k)).collect(),
                vpcs: vec![vpc],
                static_routes,
                bgp_routes,
                ..SeedGateway::default()
            });
        }
        Seed {
            accounts: vec![SeedAccount {
                account: self.account.clone(),
                region: REGION.into(),
                lines,
                gateways,
                ..SeedAccount::default()
            }],
        }
    }

    /// The desired state in files of at most [`GATEWAYS_PER_FILE`] gateways
    /// (each with its own lines), as one would split a large estate.
    pub fn desired_files(&self, edits: Edits) -> Vec<String> {
        let mut files = Vec::new();
        let mut start = 0;
        while start < self.gateways {
            let end = (start + GATEWAYS_PER_FILE).min(self.gateways);
            files.push(self.desired_yaml(start..end, edits));
            start = end;
        }
        if files.is_empty() {
            files.push(self.desired_yaml(0..0, edits));
        }
        files
    }

    /// The desired-state file of gateways `range`, written as a person
    /// would (flow mappings for short items, `prune` on every kind).
    pub fn desired_yaml(&self, range: std::ops::Range<usize>, edits: Edits) -> String {
        let mut out = String::with_capacity(range.len() * 1_800 + 200);
        let _ = writeln!(
            out,
            "# Synthetic estate: {} gateways x (3 lines, 1 VPC with a health check, 5 static routes or BGP).",
            range.len()
        );
        let _ = writeln!(out, "region: {REGION}");
        out.push_str("prune: [physical_lines, gateways, bindings, vpcs, health_checks, routes]\n");
        out.push_str("\nphysical_lines:\n");
        for g in range.clone() {
            for k in 0..LINES {
                let (local, remote) = line_ips(g, k);
                let _ = write!(
                    out,
                    "  - name: {}\n    switch: {{ hostname: {}, port: {}, port_type: 10G }}\n    \
                     line_type: PON\n    bandwidth: {LINE_BANDWIDTH}\n    ip_version: IPV4\n    \
                     local_ip: {local}\n    remote_ip: {remote}\n",
                    line_name(g, k),
                    hostname(g),
                    port(g, k),
                );
            }
        }
        out.push_str("\ngateways:\n");
        for g in range {
            let edit = edits == Edits::Some && edited(g);
            let names: Vec<String> = (0..LINES).map(|k| line_name(g, k)).collect();
            let (segment, subnet, probe) = vpc_nets(g);
            let bandwidth = if edit {
                2 * VPC_BANDWIDTH
            } else {
                VPC_BANDWIDTH
            };
            let _ = write!(
                out,
                "  - name: {}\n    hostname: {}\n    lines: [{}]\n    vpcs:\n      \
                 - id: {}\n        name: {}\n        bandwidth: {bandwidth}\n        \
                 ip_version: IPV4\n        network_segment: {segment}\n        \
                 subnets: [{subnet}]\n        health_check: {{ src_ip: {probe}, dst_ip: {}, \
                 interval: 3, packets: 5, auto_switch: true }}\n",
                gateway_name(g),
                hostname(g),
                names.join(", "),
                vpc_id(g),
                vpc_name(g),
                remote(g, 0),
            );
            if on_bgp(g) {
                let networks = bgp_networks(g);
                let shown = if edits == Edits::Some && g % 40 == 3 {
                    &networks[..1]
                } else {
                    &networks[..]
                };
                let shown: Vec<String> = shown.iter().map(ToString::to_string).collect();
                let _ = writeln!(
                    out,
                    "    bgp:\n      - ip_version: IPV4\n        networks: [{}]\n        peers:",
                    shown.join(", ")
                );
                for name in &names {
                    let _ = writeln!(
                        out,
                        "          - {{ line: {name}, peer_as: {PEER_AS}, bfd: true }}"
                    );
                }
                continue;
            }
            out.push_str("    static_routes:\n");
            let routes = if edit { ROUTES + 1 } else { ROUTES };
            for r in 0..routes {
                let hops = if edit && r == 0 { LINES - 1 } else { LINES };
                let hops: Vec<String> = names[..hops]
                    .iter()
                    .enumerate()
                    .map(|(k, n)| format!("{{ line: {n}, priority: {} }}", k + 1))
                    .collect();
                let _ = writeln!(
                    out,
                    "      - {{ dst: [{}], next_hops: [{}] }}",
                    route_dst(g, r),
                    hops.join(", ")
                );
            }
        }
        out
    }

    /// The rows a refresh of the seeded emulator reads (its `reference`
    /// dialect's spelling), as one JSON document for
    /// [`apply::refresh::EstateRows`].
    pub fn rows_json(&self) -> Value {
        let mut lines = Vec::with_capacity(self.gateways * LINES);
        let mut gateways = Vec::with_capacity(self.gateways);
        for g in 0..self.gateways {
            let gateway = gateway_name(g);
            for k in 0..LINES {
                let (local, remote) = line_ips(g, k);
                lines.push(json!({
                    "lineID": line_id(g, k), "lineName": line_name(g, k), "vrfName": gateway,
                    "account": self.account, "regionID": REGION, "hostname": hostname(g),
                    "portName": port(g, k), "portType": "10GE", "lineType": "PON",
                    "bandwidth": LINE_BANDWIDTH, "tag": 0, "ipVersion": "IPV4",
                    "localConnectIP": local.to_string(), "remoteConnectIP": remote.to_string(),
                    "isShared": 0
                }));
            }
            let (segment, subnet, probe) = vpc_nets(g);
            let hops: Vec<Value> = (0..LINES)
                .map(|k| {
                    json!({"remoteGatewayIp": remote(g, k).to_string(), "priority": k + 1,
                           "track": 0, "bfd": false})
                })
                .collect();
            let static_routes: Vec<Value> = if on_bgp(g) {
                Vec::new()
            } else {
                (0..ROUTES)
                    .map(|r| {
                        json!({"SRID": route_id(g, r), "gatewayName": gateway, "ipVersion": "IPV4",
                               "dstCidr": [route_dst(g, r).to_string()], "nextHop": hops})
                    })
                    .collect()
            };
            let bgp_routes: Vec<Value> = if on_bgp(g) {
                let peers: Vec<Value> = (0..LINES)
                    .map(|k| {
                        json!({"BGPNeighbor": line_name(g, k), "BGPIP": remote(g, k).to_string(),
                               "lineID": line_id(g, k), "lineName": line_name(g, k),
                               "peerAS": PEER_AS.to_string(), "bfd": true})
                    })
                    .collect();
                let networks: Vec<String> =
                    bgp_networks(g).iter().map(ToString::to_string).collect();
                vec![
                    json!({"BGPID": bgp_id(g), "gatewayName": gateway, "ipVersion": "IPV4",
                            "networkCidr": networks, "multiPath": false, "BGPList": peers}),
                ]
            } else {
                Vec::new()
            };
            gateways.push(json!({
                "row": {
                    "gatewayName": gateway, "vrfName": gateway, "account": self.account,
                    "regionID": REGION, "ipVersion": "IPV4", "hostname": hostname(g),
                    "lineList": (0..LINES).map(|k| line_id(g, k)).collect::<Vec<_>>()
                },
                "vpcs": [{
                    "vpcID": vpc_id(g), "vpcName": vpc_name(g), "vrfName": gateway,
                    "ipVersion": "IPV4", "bandwidth": VPC_BANDWIDTH,
                    "vpcNetworkSegment": segment.to_string(), "vpcSubnet": [subnet.to_string()]
                }],
                "health_checks": [{
                    "srcIP": probe.to_string(), "dstIP": remote(g, 0).to_string(),
                    "interval": 3, "ntimest": 5, "autoRouteSwitching": true
                }],
                "static_routes": static_routes,
                "bgp_routes": bgp_routes,
            }));
        }
        json!({ "lines": lines, "gateways": gateways })
    }

    /// What a refresh of the seeded emulator returns.
    pub fn inventory(&self) -> NormalisedInventory {
        let mut lines = Vec::with_capacity(self.gateways * LINES);
        let mut gateways = Vec::with_capacity(self.gateways);
        for g in 0..self.gateways {
            let gateway = gateway_name(g);
            for k in 0..LINES {
                let (local, remote) = line_ips(g, k);
                lines.push(LiveLine {
                    id: line_id(g, k),
                    name: line_name(g, k),
                    gateway: Some(gateway.clone()),
                    hostname: hostname(g),
                    port: port(g, k),
                    port_type: Some(PortType::TenG),
                    line_type: Some(LineType::Pon),
                    bandwidth: LINE_BANDWIDTH,
                    vlan: None,
                    ip_version: IpVersion::Ipv4,
                    local_ip: Some(IpNet::V4(local)),
                    remote_ip: Some(IpNet::V4(remote)),
                    local_ip_v6: None,
                    remote_ip_v6: None,
                    access_point: None,
                    shared: false,
                    description: None,
                });
            }
            let (segment, subnet, probe) = vpc_nets(g);
            let vpc = LiveVpc {
                id: vpc_id(g),
                name: Some(vpc_name(g)),
                bandwidth: VPC_BANDWIDTH,
                ip_version: IpVersion::Ipv4,
                network_segment: Some(IpNet::V4(segment)),
                network_segment_v6: None,
                subnets: vec![IpNet::V4(subnet)],
                subnets_v6: Vec::new(),
                dc_type: None,
                health_check: Some(LiveHealthCheck {
                    src_ip: IpAddr::V4(probe),
                    dst_ip: IpAddr::V4(remote(g, 0)),
                    interval: 3,
                    packets: 5,
                    auto_switch: true,
                    unreadable: false,
                }),
            };
            let (static_routes, bgp_routes) = if on_bgp(g) {
                let peers = (0..LINES)
                    .map(|k| LiveBgpPeer {
                        neighbor: line_name(g, k),
                        ip: IpAddr::V4(remote(g, k)),
                        line_id: Some(line_id(g, k)),
                        line_name: Some(line_name(g, k)),
                        peer_as: PEER_AS,
                        key_hash: None,
                        bfd: true,
                    })
                    .collect();
                let route = LiveBgpRoute {
                    id: bgp_id(g),
                    ip_version: IpVersion::Ipv4,
                    networks: bgp_networks(g).iter().map(|n| IpNet::V4(*n)).collect(),
                    peers,
                    multipath: None,
                };
                (Vec::new(), vec![route])
            } else {
                let routes = (0..ROUTES)
                    .map(|r| LiveStaticRoute {
                        id: route_id(g, r),
                        ip_version: IpVersion::Ipv4,
                        dst: vec![IpNet::V4(route_dst(g, r))],
                        next_hops: (0..LINES)
                            .map(|k| LiveNextHop {
                                remote_ip: IpAddr::V4(remote(g, k)),
                                priority: k as u32 + 1,
                                track: false,
                                bfd: Some(false),
                            })
                            .collect(),
                        next_hops_v6: Vec::new(),
                    })
                    .collect();
                (routes, Vec::new())
            };
            gateways.push(LiveGateway {
                name: gateway,
                hostname: Some(hostname(g)),
                access_point: None,
                description: None,
                line_ids: (0..LINES).map(|k| line_id(g, k)).collect(),
                vpcs: vec![vpc],
                static_routes,
                bgp_routes,
            });
        }
        Inventory { lines, gateways }.into_normalised()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_do_not_collide_at_the_largest_size() {
        let last = ScaleEstate::MAX_GATEWAYS - 1;
        assert!(route_dst(last, ROUTES).broadcast() < Ipv4Addr::new(10, 128, 0, 0));
        let cgnat: Ipv4Net = "100.64.0.0/10".parse().unwrap();
        assert!(cgnat.contains(&vpc_nets(last).0));
        assert!(line_ips(last, LINES - 1).1.addr() < Ipv4Addr::new(11, 0, 0, 0));
        assert_ne!(route_dst(0, ROUTES), route_dst(1, 0));
    }

    #[test]
    fn the_rows_map_to_the_inventory() {
        let estate = ScaleEstate::new(8, emulator::DEMO_ACCOUNT);
        let rows: apply::refresh::EstateRows = serde_json::from_value(estate.rows_json()).unwrap();
        let mapped = apply::refresh::map_rows(&rows).unwrap();
        assert_eq!(mapped, estate.inventory());
    }

    #[test]
    fn the_files_plan_no_change_or_the_edits() {
        let estate = ScaleEstate::new(12, emulator::DEMO_ACCOUNT);
        let live = estate.inventory();
        let text = estate.desired_yaml(0..12, Edits::None);
        let state = plan::desired::parse("scale.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        let same = plan::plan_normalised(&state, &live, &plan::PlanOptions::default()).unwrap();
        assert!(same.actions.is_empty(), "{:?}", same.actions);

        let text = estate.desired_yaml(0..12, Edits::Some);
        let state = plan::desired::parse("scale.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        let edited = plan::plan_normalised(&state, &live, &plan::PlanOptions::default()).unwrap();
        // Gateways 1 and 11: the VPC updated (its health check removed
        // and added again around it); gateway 1 also a route updated and
        // one created (11 is on BGP); gateway 3 (BGP): a network dropped.
        let addresses: Vec<&str> = edited.actions.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(edited.actions.len(), 9, "{addresses:?}");
    }
}
