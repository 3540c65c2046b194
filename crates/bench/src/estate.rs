//! Synthetic estates: N gateways, each with 2 physical lines (bound), 2 VPC
//! attachments and 10 static routes over both lines.
//!
//! One [`Estate`] renders three views of the same objects, which must agree:
//! the emulator seed (the live side), the desired-state YAML (which must plan
//! to zero changes against that seed) and the [`Inventory`] a refresh of the
//! seeded emulator returns (so CPU benches can diff without a server).
//!
//! Addressing never collides, up to [`Estate::MAX_GATEWAYS`]:
//! * line `i = 2g + k`: the /30 at `10.128.0.0 + 4i` (`.1` CTyun side,
//!   `.2` customer side = next hop);
//! * VPC `v = 2g + k`: segment the /26 at `100.64.0.0 + 64v`, one /27 subnet;
//! * route `r` of gateway `g`: the /27 at `10.0.0.0 + 32 (10g + r)`.

use emulator::seed::{SeedAccount, SeedGateway, SeedLine, SeedNextHop, SeedStaticRoute, SeedVpc};
use emulator::Seed;
use ipnet::{IpNet, Ipv4Net};
use plan::inventory::{
    Inventory, LiveGateway, LiveLine, LiveNextHop, LiveStaticRoute, LiveVpc, NormalisedInventory,
};
use plan::model::{IpVersion, LineType, PortType};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

/// Lines per gateway.
pub const LINES_PER_GATEWAY: usize = 2;
/// VPC attachments per gateway.
pub const VPCS_PER_GATEWAY: usize = 2;
/// Static routes per gateway.
pub const ROUTES_PER_GATEWAY: usize = 10;

/// The region every synthetic object lives in.
pub const REGION: &str = "nm8";
const LINE_BANDWIDTH: u64 = 1000;
const VPC_BANDWIDTH: u64 = 100;
const SWITCHES: usize = 4;

/// A synthetic estate of `gateways` gateways for `account`.
#[derive(Debug, Clone)]
pub struct Estate {
    pub gateways: usize,
    pub account: String,
}

fn v4(base: u32, offset: u32, prefix: u8) -> Ipv4Net {
    // Prefixes are constants ≤ 32, so this cannot fail; keep a total fallback.
    Ipv4Net::new(Ipv4Addr::from(base + offset), prefix).unwrap_or_default()
}

impl Estate {
    /// Address plan limits: 10.0.0.0/9 holds 262,144 route /27s.
    pub const MAX_GATEWAYS: usize = 26_000;

    pub fn new(gateways: usize, account: impl Into<String>) -> Estate {
        Estate {
            gateways: gateways.min(Self::MAX_GATEWAYS),
            account: account.into(),
        }
    }

    pub fn gateway_name(g: usize) -> String {
        format!("gw{g:05}")
    }

    pub fn line_name(g: usize, k: usize) -> String {
        format!("pl{g:05}{}", line_letter(k))
    }

    pub fn line_id(g: usize, k: usize) -> String {
        format!("pl-{g:05}{}", line_letter(k))
    }

    pub fn vpc_id(g: usize, k: usize) -> String {
        format!("vpc-{g:05}{}", line_letter(k))
    }

    pub fn route_id(g: usize, r: usize) -> String {
        format!("sr-{g:05}{r:02}")
    }

    fn switch_hostname(g: usize) -> String {
        format!("nm8-cda-sw{:02}", g % SWITCHES + 1)
    }

    fn port(g: usize, k: usize) -> String {
        format!(
            "TenGigabitEthernet{}/0/{}",
            g / 48 + 1,
            (g % 48) * 2 + k + 1
        )
    }

    /// `(local, remote)` interconnect /30 addresses of line `k` of gateway `g`.
    pub fn line_ips(g: usize, k: usize) -> (Ipv4Net, Ipv4Net) {
        let i = (g * LINES_PER_GATEWAY + k) as u32;
        let base = u32::from(Ipv4Addr::new(10, 128, 0, 0)) + 4 * i;
        (v4(base, 1, 30), v4(base, 2, 30))
    }

    /// `(segment, subnet)` of VPC `k` of gateway `g`.
    pub fn vpc_nets(g: usize, k: usize) -> (Ipv4Net, Ipv4Net) {
        let v = (g * VPCS_PER_GATEWAY + k) as u32;
        let base = u32::from(Ipv4Addr::new(100, 64, 0, 0)) + 64 * v;
        (v4(base, 0, 26), v4(base, 0, 27))
    }

    pub fn route_dst(g: usize, r: usize) -> Ipv4Net {
        let idx = (g * ROUTES_PER_GATEWAY + r) as u32;
        v4(u32::from(Ipv4Addr::new(10, 0, 0, 0)), 32 * idx, 27)
    }

    /// Objects the estate holds: gateways, lines, VPCs, routes.
    pub fn object_count(&self) -> usize {
        self.gateways * (1 + LINES_PER_GATEWAY + VPCS_PER_GATEWAY + ROUTES_PER_GATEWAY)
    }

    /// Static routes in the estate.
    pub fn route_count(&self) -> usize {
        self.gateways * ROUTES_PER_GATEWAY
    }

    /// The live side, as an emulator seed.
    pub fn seed(&self) -> Seed {
        let mut lines = Vec::with_capacity(self.gateways * LINES_PER_GATEWAY);
        let mut gateways = Vec::with_capacity(self.gateways);
        for g in 0..self.gateways {
            for k in 0..LINES_PER_GATEWAY {
                let (local, remote) = Self::line_ips(g, k);
                lines.push(SeedLine {
                    name: Self::line_name(g, k),
                    id: Some(Self::line_id(g, k)),
                    hostname: Self::switch_hostname(g),
                    port: Self::port(g, k),
                    port_type: PortType::TenG.as_api().into(),
                    line_type: LineType::Pon.as_api().into(),
                    bandwidth: LINE_BANDWIDTH,
                    ip_version: IpVersion::Ipv4.as_api().into(),
                    local_ip: Some(local.to_string()),
                    remote_ip: Some(remote.to_string()),
                    ..SeedLine::default()
                });
            }
            let vpcs = (0..VPCS_PER_GATEWAY)
                .map(|k| {
                    let (segment, subnet) = Self::vpc_nets(g, k);
                    SeedVpc {
                        id: Self::vpc_id(g, k),
                        name: Some(format!("v{g:05}{}", line_letter(k))),
                        ip_version: IpVersion::Ipv4.as_api().into(),
                        bandwidth: VPC_BANDWIDTH,
                        network_segment: Some(segment.to_string()),
                        subnets: vec![subnet.to_string()],
                        ..SeedVpc::default()
                    }
                })
                .collect();
            let static_routes = (0..ROUTES_PER_GATEWAY)
                .map(|r| SeedStaticRoute {
                    id: Some(Self::route_id(g, r)),
                    ip_version: IpVersion::Ipv4.as_api().into(),
                    dst: vec![Self::route_dst(g, r).to_string()],
                    next_hops: (0..LINES_PER_GATEWAY)
                        .map(|k| SeedNextHop {
                            ip: Self::line_ips(g, k).1.addr().to_string(),
                            priority: k as u32 + 1,
                            track: false,
                            bfd: false,
                        })
                        .collect(),
                    ..SeedStaticRoute::default()
                })
                .collect();
            gateways.push(SeedGateway {
                name: Self::gateway_name(g),
                hostname: Some(Self::switch_hostname(g)),
                lines: (0..LINES_PER_GATEWAY)
                    .map(|k| Self::line_name(g, k))
                    .collect(),
                vpcs,
                static_routes,
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

    /// The seed as JSON text (the emulator accepts JSON seed files).
    pub fn seed_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.seed())
    }

    /// The desired-state file that plans to zero changes against [`Self::seed`].
    pub fn desired_yaml(&self) -> String {
        self.desired_yaml_range(0, self.gateways)
    }

    /// The desired-state file of gateways `start .. start + count` only (and
    /// their lines): a slice of [`Self::desired_yaml`].
    pub fn desired_yaml_range(&self, start: usize, count: usize) -> String {
        let range = start.min(self.gateways)..(start + count).min(self.gateways);
        // Written by hand, like a person would, so the loader's real path
        // (spans, validation) is what the bench measures.
        let mut out = String::with_capacity(self.gateways * 2_600);
        let _ = writeln!(
            out,
            "# Synthetic estate: {} gateways x (2 lines, 2 VPCs, 10 static routes).",
            range.len()
        );
        let _ = writeln!(out, "region: {REGION}");
        out.push_str("prune: [physical_lines, gateways, bindings, vpcs, health_checks, routes]\n");
        out.push_str("\nphysical_lines:\n");
        for g in range.clone() {
            for k in 0..LINES_PER_GATEWAY {
                let (local, remote) = Self::line_ips(g, k);
                let _ = write!(
                    out,
                    "  - name: {}\n    switch: {{ hostname: {}, port: {}, port_type: 10G }}\n    \
                     line_type: PON\n    bandwidth: {LINE_BANDWIDTH}\n    ip_version: IPV4\n    \
                     local_ip: {local}\n    remote_ip: {remote}\n",
                    Self::line_name(g, k),
                    Self::switch_hostname(g),
                    Self::port(g, k),
                );
            }
        }
        out.push_str("\ngateways:\n");
        for g in range.clone() {
            let names: Vec<String> = (0..LINES_PER_GATEWAY)
                .map(|k| Self::line_name(g, k))
                .collect();
            let _ = write!(
                out,
                "  - name: {}\n    hostname: {}\n    lines: [{}]\n    vpcs:\n",
                Self::gateway_name(g),
                Self::switch_hostname(g),
                names.join(", ")
            );
            for k in 0..VPCS_PER_GATEWAY {
                let (segment, subnet) = Self::vpc_nets(g, k);
                let _ = writeln!(
                    out,
                    "      - {{ id: {}, name: v{g:05}{}, bandwidth: {VPC_BANDWIDTH}, ip_version: IPV4, \
                     network_segment: {segment}, subnets: [{subnet}] }}",
                    Self::vpc_id(g, k),
                    line_letter(k),
                );
            }
            out.push_str("    static_routes:\n");
            for r in 0..ROUTES_PER_GATEWAY {
                let hops: Vec<String> = names
                    .iter()
                    .enumerate()
                    .map(|(k, n)| format!("{{ line: {n}, priority: {} }}", k + 1))
                    .collect();
                let _ = writeln!(
                    out,
                    "      - {{ dst: [{}], next_hops: [{}] }}",
                    Self::route_dst(g, r),
                    hops.join(", ")
                );
            }
        }
        out
    }

    /// What a refresh of the seeded emulator returns.
    pub fn inventory(&self) -> NormalisedInventory {
        let mut lines = Vec::with_capacity(self.gateways * LINES_PER_GATEWAY);
        let mut gateways = Vec::with_capacity(self.gateways);
        for g in 0..self.gateways {
            let gateway = Self::gateway_name(g);
            for k in 0..LINES_PER_GATEWAY {
                let (local, remote) = Self::line_ips(g, k);
                lines.push(LiveLine {
                    id: Self::line_id(g, k),
                    name: Self::line_name(g, k),
                    gateway: Some(gateway.clone()),
                    hostname: Self::switch_hostname(g),
                    port: Self::port(g, k),
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
            let vpcs = (0..VPCS_PER_GATEWAY)
                .map(|k| {
                    let (segment, subnet) = Self::vpc_nets(g, k);
                    LiveVpc {
                        id: Self::vpc_id(g, k),
                        name: Some(format!("v{g:05}{}", line_letter(k))),
                        bandwidth: VPC_BANDWIDTH,
                        ip_version: IpVersion::Ipv4,
                        network_segment: Some(IpNet::V4(segment)),
                        network_segment_v6: None,
                        subnets: vec![IpNet::V4(subnet)],
                        subnets_v6: Vec::new(),
                        dc_type: None,
                        health_check: None,
                    }
                })
                .collect();
            let static_routes = (0..ROUTES_PER_GATEWAY)
                .map(|r| LiveStaticRoute {
                    id: Self::route_id(g, r),
                    ip_version: IpVersion::Ipv4,
                    dst: vec![IpNet::V4(Self::route_dst(g, r))],
                    next_hops: (0..LINES_PER_GATEWAY)
                        .map(|k| LiveNextHop {
                            remote_ip: IpAddr::V4(Self::line_ips(g, k).1.addr()),
                            priority: k as u32 + 1,
                            track: false,
                            bfd: Some(false),
                        })
                        .collect(),
                    next_hops_v6: Vec::new(),
                })
                .collect();
            gateways.push(LiveGateway {
                name: gateway,
                hostname: Some(Self::switch_hostname(g)),
                access_point: None,
                description: None,
                line_ids: (0..LINES_PER_GATEWAY)
                    .map(|k| Self::line_id(g, k))
                    .collect(),
                vpcs,
                static_routes,
                bgp_routes: Vec::new(),
            });
        }
        Inventory { lines, gateways }.into_normalised()
    }
}

fn line_letter(k: usize) -> char {
    char::from(b'a' + (k % 26) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_do_not_collide_at_the_largest_size() {
        let last = Estate::MAX_GATEWAYS - 1;
        // Routes stay below the lines' 10.128.0.0/9.
        let top_route = Estate::route_dst(last, ROUTES_PER_GATEWAY - 1);
        assert!(top_route.broadcast() < Ipv4Addr::new(10, 128, 0, 0));
        // VPC segments stay inside 100.64.0.0/10.
        let (segment, _) = Estate::vpc_nets(last, VPCS_PER_GATEWAY - 1);
        let cgnat: Ipv4Net = "100.64.0.0/10".parse().unwrap();
        assert!(cgnat.contains(&segment));
        // Consecutive lines get consecutive /30s.
        assert_ne!(Estate::line_ips(0, 1), Estate::line_ips(1, 0));
        assert_eq!(Estate::line_ips(1, 0).0.to_string(), "10.128.0.9/30");
    }

    #[test]
    fn desired_file_parses_with_every_object() {
        let estate = Estate::new(3, emulator::DEMO_ACCOUNT);
        let state = plan::desired::parse("synthetic.yaml", &estate.desired_yaml())
            .unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(state.gateways.len(), 3);
        assert_eq!(state.physical_lines.len(), 6);
        let routes: usize = state.gateways.iter().map(|g| g.static_routes.len()).sum();
        assert_eq!(routes, estate.route_count());
        assert_eq!(estate.object_count(), 3 * 15);
    }

    #[test]
    fn seed_json_round_trips_through_the_emulator_loader() {
        let estate = Estate::new(2, emulator::DEMO_ACCOUNT);
        let text = estate.seed_json().unwrap();
        let parsed = Seed::parse(&text, "synthetic").unwrap();
        assert_eq!(parsed, estate.seed());
    }
}
