//! Property tests of diff + ordering against an in-memory model of the CDA
//! API that enforces REFERENCE §2's rules (the same list the emulator
//! enforces, plus the stricter "no unbinding a line a route still uses").
//!
//! For random desired/live pairs: executing the plan's actions in any order
//! the dependency graph allows (each action's calls in order) never breaks a
//! rule, reaches the desired state, and re-planning from there is empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ipnet::IpNet;
use plan::action::{BgpRouteBody, LineRef, Operation, StaticRouteBody};
use plan::inventory::{LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveLine, LiveVpc};
use plan::model::*;
use plan::testing::{live_health_check, live_line, live_static_route, live_vpc};
use plan::{plan, Inventory, Plan, PlanError, PlanOptions};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

// ---------------------------------------------------------------------------
// A tiny deterministic generator (SplitMix64): one seed → one estate.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn subset<T: Clone>(&mut self, items: &[T], percent: u64) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect()
    }
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

const LINES: usize = 5;
const GATEWAYS: usize = 3;
const DSTS: [&str; 5] = [
    "10.1.0.0/16",
    "10.2.0.0/16",
    "10.3.0.0/16",
    "10.4.0.0/16",
    "172.16.0.0/12",
];
const DSTS_V6: [&str; 2] = ["2001:db8:1::/48", "2001:db8:2::/48"];
const ALL_KINDS: [Kind; 6] = [
    Kind::PhysicalLines,
    Kind::Gateways,
    Kind::Bindings,
    Kind::Vpcs,
    Kind::HealthChecks,
    Kind::Routes,
];

fn gen_line(i: usize, dual: bool, rng: &mut Rng) -> PhysicalLine {
    let alt = rng.chance(30);
    let o = if alt { 100 + i } else { i };
    PhysicalLine {
        name: format!("line{i}"),
        id: None,
        switch: SwitchPort {
            hostname: "sw1".into(),
            port: format!("GE1/0/{i}"),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: [100, 200][rng.below(2) as usize],
        vlan: if rng.chance(80) {
            Some(100 + i as u16 + 100 * rng.below(2) as u16)
        } else {
            None
        },
        ip_version: if dual {
            IpVersion::DualStack
        } else {
            IpVersion::Ipv4
        },
        local_ip: Some(net(&format!("10.255.{o}.1/30"))),
        remote_ip: Some(net(&format!("10.255.{o}.2/30"))),
        local_ip_v6: dual.then(|| net(&format!("fd00:{o}::1/126"))),
        remote_ip_v6: dual.then(|| net(&format!("fd00:{o}::2/126"))),
        access_point: None,
        shared: false,
        description: [None, Some("first".to_string()), Some("second".to_string())]
            [rng.below(3) as usize]
            .clone(),
        protect: false,
    }
}

fn gen_vpc(id: &str, lines: &[&PhysicalLine], rng: &mut Rng) -> VpcAttachment {
    let subnets = if rng.chance(50) {
        vec![net("192.168.10.0/24")]
    } else {
        vec![net("192.168.10.0/24"), net("192.168.20.0/24")]
    };
    let health_check = (rng.chance(60)).then(|| HealthCheck {
        src_ip: if rng.chance(70) {
            "192.168.10.250"
        } else {
            "192.168.10.251"
        }
        .parse()
        .unwrap(),
        dst_ip: lines
            .get(rng.below(lines.len().max(1) as u64) as usize)
            .and_then(|l| l.remote_ip)
            .map(|n| n.addr())
            .unwrap_or_else(|| "10.9.9.9".parse().unwrap()),
        interval: 2 + rng.below(4) as u8,
        packets: 5 + rng.below(6) as u8,
        auto_switch: rng.chance(50),
    });
    VpcAttachment {
        id: id.into(),
        name: None,
        bandwidth: [50, 80][rng.below(2) as usize],
        ip_version: IpVersion::Ipv4,
        network_segment: Some(net("192.168.0.0/16")),
        network_segment_v6: None,
        subnets,
        subnets_v6: vec![],
        dc_type: None,
        health_check,
        protect: false,
    }
}

fn gen_estate(seed: u64) -> DesiredState {
    let mut rng = Rng(seed);
    // Dual-stack estates also get IPv6 destinations (v6 next hops).
    let dual = rng.chance(40);
    let dsts: Vec<&str> = if dual {
        DSTS.iter().chain(&DSTS_V6).copied().collect()
    } else {
        DSTS.to_vec()
    };
    let mut lines: Vec<PhysicalLine> = Vec::new();
    for i in 0..LINES {
        if rng.chance(80) {
            lines.push(gen_line(i, dual, &mut rng));
        }
    }
    let mut gateways = Vec::new();
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        let g = rng.below(GATEWAYS as u64 + 1) as usize;
        if g < GATEWAYS {
            owner.insert(l.name.clone(), g);
        }
    }
    for g in 0..GATEWAYS {
        if !rng.chance(75) {
            continue;
        }
        let mine: Vec<&PhysicalLine> = lines
            .iter()
            .filter(|l| owner.get(&l.name) == Some(&g))
            .collect();
        let names: Vec<String> = mine.iter().map(|l| l.name.clone()).collect();
        let mut gw = Gateway {
            name: format!("gw{g}"),
            hostname: if names.is_empty() || rng.chance(30) {
                Some("sw1".into())
            } else {
                None
            },
            access_point: None,
            description: [None, Some("one".to_string()), Some("two".to_string())]
                [rng.below(3) as usize]
                .clone(),
            lines: names.clone(),
            vpcs: vec![],
            static_routes: vec![],
            bgp: vec![],
            protect: false,
        };
        for id in ["vpc-a", "vpc-b"] {
            if rng.chance(50) {
                gw.vpcs.push(gen_vpc(id, &mine, &mut rng));
            }
        }
        if !names.is_empty() {
            if rng.chance(70) {
                let mut seen = BTreeSet::new();
                // A prefix sits in at most one static route of a gateway.
                let mut used: BTreeSet<IpNet> = BTreeSet::new();
                for _ in 0..rng.below(4) {
                    let dst: Vec<IpNet> = rng
                        .subset(&dsts, 40)
                        .into_iter()
                        .map(net)
                        .filter(|n| !used.contains(n))
                        .collect();
                    let hops: Vec<NextHop> = rng
                        .subset(&names, 60)
                        .into_iter()
                        .map(|line| NextHop {
                            line,
                            priority: 10 * (1 + rng.below(3) as u32),
                            track: rng.chance(30),
                            bfd: rng.chance(30),
                        })
                        .collect();
                    if dst.is_empty() || hops.is_empty() || !seen.insert(dst.clone()) {
                        continue;
                    }
                    used.extend(dst.iter().copied());
                    gw.static_routes.push(StaticRoute {
                        dst,
                        next_hops: hops,
                        protect: false,
                    });
                }
            } else {
                let peers: Vec<BgpPeer> = rng
                    .subset(&names, 70)
                    .into_iter()
                    .map(|line| BgpPeer {
                        line,
                        peer_as: 65000 + rng.below(2) as u32,
                        neighbor: None,
                        key: [
                            None,
                            Some(SecretRef::Env("K1".into())),
                            Some(SecretRef::Env("K2".into())),
                        ][rng.below(3) as usize]
                            .clone(),
                        bfd: rng.chance(50),
                    })
                    .collect();
                if !peers.is_empty() {
                    gw.bgp.push(BgpRoute {
                        ip_version: IpVersion::Ipv4,
                        networks: rng.subset(&DSTS, 50).iter().map(|d| net(d)).collect(),
                        peers,
                        multipath: if rng.chance(30) { Some(2) } else { None },
                        protect: false,
                    });
                }
            }
        }
        gateways.push(gw);
    }
    let prune = if rng.chance(75) {
        ALL_KINDS.to_vec()
    } else {
        rng.subset(&ALL_KINDS, 50)
    };
    DesiredState {
        region: "nm8".into(),
        account: None,
        prune,
        physical_lines: lines,
        gateways,
    }
}

/// A small edit of `d`: the in-place updates, moves and switches a change
/// window actually contains, so most plans are not wholesale rebuilds.
fn mutate(d: &DesiredState, seed: u64) -> DesiredState {
    let mut rng = Rng(seed);
    let mut d = d.clone();
    for l in &mut d.physical_lines {
        if rng.chance(15) {
            l.bandwidth += 50;
        }
        if rng.chance(10) {
            l.description = Some(format!("edited{}", rng.below(3)));
        }
        if rng.chance(6) {
            l.vlan = Some(l.vlan.unwrap_or(7) % 4000 + 1);
        }
    }
    // Move a line between gateways.
    if d.gateways.len() >= 2 && rng.chance(20) {
        let from = rng.below(d.gateways.len() as u64) as usize;
        let to = (from + 1) % d.gateways.len();
        if let Some(line) = d.gateways[from].lines.pop() {
            let gw = &mut d.gateways[from];
            for r in &mut gw.static_routes {
                r.next_hops.retain(|h| h.line != line);
            }
            gw.static_routes.retain(|r| !r.next_hops.is_empty());
            for b in &mut gw.bgp {
                b.peers.retain(|p| p.line != line);
            }
            gw.bgp.retain(|b| !b.peers.is_empty());
            d.gateways[to].lines.push(line);
            if d.gateways[from].lines.is_empty() {
                // A gateway without lines needs its own hostname (validation).
                d.gateways[from].hostname = Some("sw1".into());
            }
        }
    }
    for gw in &mut d.gateways {
        if rng.chance(5) {
            gw.description = Some(format!("gw-edit{}", rng.below(2)));
        }
        for v in &mut gw.vpcs {
            if rng.chance(15) {
                if v.subnets.len() == 1 {
                    v.subnets.push(net("192.168.20.0/24"));
                } else {
                    v.subnets.truncate(1);
                }
            }
            if rng.chance(8) {
                v.bandwidth += 10;
            }
            if let Some(h) = &mut v.health_check {
                if rng.chance(15) {
                    h.interval = 2 + rng.below(4) as u8;
                    h.auto_switch = !h.auto_switch;
                }
                if rng.chance(8) {
                    h.src_ip = "192.168.10.252".parse().unwrap();
                }
            }
        }
        let names = gw.lines.clone();
        if names.is_empty() {
            continue;
        }
        let hops = |rng: &mut Rng| -> Vec<NextHop> {
            let mut h: Vec<NextHop> = rng
                .subset(&names, 60)
                .into_iter()
                .map(|line| NextHop {
                    line,
                    priority: 10 * (1 + rng.below(3) as u32),
                    track: false,
                    bfd: rng.chance(30),
                })
                .collect();
            if h.is_empty() {
                h.push(NextHop {
                    line: names[0].clone(),
                    priority: 10,
                    track: false,
                    bfd: false,
                });
            }
            h
        };
        let switch = rng.chance(10);
        if !gw.static_routes.is_empty() {
            for r in &mut gw.static_routes {
                if rng.chance(25) {
                    r.next_hops = hops(&mut rng);
                }
            }
            if rng.chance(15) {
                let extra = net(DSTS[rng.below(DSTS.len() as u64) as usize]);
                if !gw.static_routes.iter().any(|r| r.dst.contains(&extra)) {
                    gw.static_routes[0].dst.push(extra);
                }
            }
            if rng.chance(10) {
                gw.static_routes.pop();
            }
        }
        if let Some(b) = gw.bgp.first_mut() {
            for p in &mut b.peers {
                if rng.chance(15) {
                    p.key = [
                        None,
                        Some(SecretRef::Env("K1".into())),
                        Some(SecretRef::Env("K2".into())),
                    ][rng.below(3) as usize]
                        .clone();
                }
                if rng.chance(10) {
                    p.peer_as += 1;
                }
            }
            if rng.chance(15) {
                b.networks = rng.subset(&DSTS, 50).iter().map(|d| net(d)).collect();
            }
            if rng.chance(15) {
                let lines = rng.subset(&names, 70);
                b.peers
                    .retain(|p| lines.contains(&p.line) || lines.is_empty());
            }
        }
        // Ensure every kept route is unique and has hops, then maybe switch.
        let mut seen = BTreeSet::new();
        gw.static_routes.retain(|r| {
            seen.insert({
                let mut d = r.dst.clone();
                d.sort();
                d
            })
        });
        if switch {
            if gw.bgp.is_empty() {
                gw.static_routes.clear();
                let peers = hops(&mut rng)
                    .into_iter()
                    .map(|h| BgpPeer {
                        line: h.line,
                        peer_as: 65000,
                        neighbor: None,
                        key: None,
                        bfd: h.bfd,
                    })
                    .collect();
                gw.bgp.push(BgpRoute {
                    ip_version: IpVersion::Ipv4,
                    networks: vec![net(DSTS[0])],
                    peers,
                    multipath: None,
                    protect: false,
                });
            } else {
                gw.bgp.clear();
                gw.static_routes.push(StaticRoute {
                    dst: vec![net(DSTS[1])],
                    next_hops: hops(&mut rng),
                    protect: false,
                });
            }
        }
    }
    d.prune = if rng.chance(75) {
        ALL_KINDS.to_vec()
    } else {
        rng.subset(&ALL_KINDS, 50)
    };
    d
}

// ---------------------------------------------------------------------------
// The API model.

fn secrets() -> BTreeMap<SecretRef, String> {
    [
        (SecretRef::Env("K1".into()), "key-one".to_string()),
        (SecretRef::Env("K2".into()), "key-two".to_string()),
    ]
    .into()
}

fn options() -> PlanOptions {
    PlanOptions {
        secret_hashes: secrets()
            .into_iter()
            .map(|(k, v)| (k, plan::secret_hash(&v)))
            .collect(),
        ..PlanOptions::default()
    }
}

#[derive(Default, Clone)]
struct Api {
    lines: Vec<LiveLine>,
    gateways: Vec<LiveGateway>,
    next_id: u64,
}

type Rule = Result<(), String>;

fn fail<T>(msg: impl Into<String>) -> Result<T, String> {
    Err(msg.into())
}

impl Api {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }

    fn inventory(&self) -> Inventory {
        let mut inv = Inventory {
            lines: self.lines.clone(),
            gateways: self.gateways.clone(),
        };
        inv.normalise();
        inv
    }

    fn line(&self, r: &LineRef) -> Result<usize, String> {
        match &r.id {
            Some(id) => self
                .lines
                .iter()
                .position(|l| &l.id == id)
                .ok_or_else(|| format!("unknown line id {id}")),
            None => {
                let found: Vec<usize> = (0..self.lines.len())
                    .filter(|i| self.lines[*i].name == r.name)
                    .collect();
                match found[..] {
                    [i] => Ok(i),
                    _ => fail(format!(
                        "line name {} matches {} lines",
                        r.name,
                        found.len()
                    )),
                }
            }
        }
    }

    fn gw(&self, name: &str) -> Result<usize, String> {
        self.gateways
            .iter()
            .position(|g| g.name == name)
            .ok_or_else(|| format!("unknown gateway {name}"))
    }

    fn bound_remote(&self, gw: &str, ip: IpAddr) -> Option<&LiveLine> {
        self.lines.iter().find(|l| {
            l.gateway.as_deref() == Some(gw)
                && [l.remote_ip, l.remote_ip_v6]
                    .iter()
                    .flatten()
                    .any(|n| n.addr() == ip)
        })
    }

    fn check_static(&self, gw: &str, r: &StaticRouteBody) -> Rule {
        for h in r.next_hops_v4.iter().chain(&r.next_hops_v6) {
            if self.bound_remote(gw, h.remote_ip).is_none() {
                return fail(format!(
                    "next hop {} is not a bound line's remote IP on {gw}",
                    h.remote_ip
                ));
            }
        }
        Ok(())
    }

    /// The API holds a prefix in at most one static route per gateway (the
    /// emulator refuses a second with `CDA.StaticRoute.DuplicateDestination`).
    fn check_unique_destinations(
        &self,
        g: usize,
        updating: Option<&String>,
        r: &StaticRouteBody,
    ) -> Rule {
        let mine: Vec<&IpNet> = r.dst_v4.iter().chain(&r.dst_v6).collect();
        for other in &self.gateways[g].static_routes {
            if Some(&other.id) == updating {
                continue;
            }
            if let Some(dup) = other.dst.iter().find(|d| mine.contains(d)) {
                return fail(format!("{dup} is already routed by {}", other.id));
            }
        }
        Ok(())
    }

    fn bgp_route(&self, gw: &str, id: String, r: &BgpRouteBody) -> Result<LiveBgpRoute, String> {
        let mut peers = Vec::new();
        for p in r.peers_v4.iter().chain(&r.peers_v6) {
            let Some(line) = self.bound_remote(gw, p.ip) else {
                return fail(format!(
                    "BGP peer {} is not a bound line's remote IP on {gw}",
                    p.ip
                ));
            };
            let key_hash = match &p.key {
                None => None,
                Some(k) => Some(plan::secret_hash(
                    secrets().get(k).ok_or("unresolvable key")?,
                )),
            };
            peers.push(LiveBgpPeer {
                neighbor: p.neighbor.clone(),
                ip: p.ip,
                line_id: Some(line.id.clone()),
                line_name: Some(line.name.clone()),
                peer_as: p.peer_as,
                key_hash,
                bfd: p.bfd,
            });
        }
        Ok(LiveBgpRoute {
            id,
            ip_version: r.ip_version,
            networks: r
                .networks_v4
                .iter()
                .chain(&r.networks_v6)
                .copied()
                .collect(),
            peers,
            multipath: r.multipath,
        })
    }

    fn apply(&mut self, op: &Operation) -> Rule {
        match op {
            Operation::CreateLine { line } => {
                if self.lines.iter().any(|l| l.name == line.name) {
                    return fail(format!("line {} exists", line.name));
                }
                let id = line
                    .id
                    .clone()
                    .filter(|_| false)
                    .unwrap_or_else(|| self.id("line"));
                self.lines.push(live_line(line, id, None));
            }
            Operation::UpdateLine {
                line,
                name,
                bandwidth,
                description,
            } => {
                let i = self.line(line)?;
                let l = &mut self.lines[i];
                if l.gateway.is_some() && description.is_some() {
                    return fail("a bound line may change only bandwidth and name");
                }
                if let Some(n) = name {
                    l.name = n.clone();
                }
                if let Some(b) = bandwidth {
                    l.bandwidth = *b;
                }
                if let Some(d) = description {
                    l.description = Some(d.clone());
                }
            }
            Operation::DeleteLine { line } => {
                let i = self.line(line)?;
                if self.lines[i].gateway.is_some() {
                    return fail("a bound line cannot be deleted");
                }
                self.lines.remove(i);
            }
            Operation::CreateGateway {
                name,
                hostname,
                access_point,
                description,
            } => {
                if self.gw(name).is_ok() {
                    return fail(format!("gateway {name} exists"));
                }
                if hostname.is_empty() {
                    return fail("gateway hostname is required");
                }
                self.gateways.push(LiveGateway {
                    name: name.clone(),
                    hostname: None,
                    access_point: access_point.clone(),
                    description: description.clone(),
                    line_ids: vec![],
                    vpcs: vec![],
                    static_routes: vec![],
                    bgp_routes: vec![],
                });
            }
            Operation::DeleteGateway { name } => {
                let g = self.gw(name)?;
                let gw = &self.gateways[g];
                if !gw.line_ids.is_empty()
                    || self
                        .lines
                        .iter()
                        .any(|l| l.gateway.as_deref() == Some(name.as_str()))
                {
                    return fail(format!("gateway {name} still has bound lines"));
                }
                if !gw.vpcs.is_empty() || !gw.static_routes.is_empty() || !gw.bgp_routes.is_empty()
                {
                    return fail(format!("gateway {name} still has VPCs or routes"));
                }
                self.gateways.remove(g);
            }
            Operation::BindLine { gateway, line } => {
                let g = self.gw(gateway)?;
                let i = self.line(line)?;
                if self.lines[i].gateway.is_some() {
                    return fail(format!("line {} is already bound", self.lines[i].name));
                }
                self.lines[i].gateway = Some(gateway.clone());
                let id = self.lines[i].id.clone();
                self.gateways[g].line_ids.push(id);
            }
            Operation::UnbindLine { gateway, line } => {
                let g = self.gw(gateway)?;
                let i = self.line(line)?;
                let l = &self.lines[i];
                if l.gateway.as_deref() != Some(gateway.as_str()) {
                    return fail(format!("line {} is not bound to {gateway}", l.name));
                }
                let ips: Vec<IpAddr> = [l.remote_ip, l.remote_ip_v6]
                    .iter()
                    .flatten()
                    .map(|n| n.addr())
                    .collect();
                let gw = &self.gateways[g];
                let used = gw.static_routes.iter().any(|r| {
                    r.next_hops
                        .iter()
                        .chain(&r.next_hops_v6)
                        .any(|h| ips.contains(&h.remote_ip))
                }) || gw
                    .bgp_routes
                    .iter()
                    .any(|r| r.peers.iter().any(|p| ips.contains(&p.ip)));
                if used {
                    return fail(format!(
                        "line {} is still used by a route on {gateway}",
                        l.name
                    ));
                }
                let id = l.id.clone();
                self.lines[i].gateway = None;
                self.gateways[g].line_ids.retain(|x| *x != id);
            }
            Operation::AddVpc { gateway, vpc } => {
                let g = self.gw(gateway)?;
                if self.gateways[g].vpcs.iter().any(|v| v.id == vpc.id) {
                    return fail(format!("VPC {} already attached", vpc.id));
                }
                // The health check is a separate call (`AddHealthCheck`).
                self.gateways[g].vpcs.push(LiveVpc {
                    health_check: None,
                    ..live_vpc(vpc)
                });
            }
            Operation::UpdateVpc { gateway, vpc } => {
                let g = self.gw(gateway)?;
                let v = self.gateways[g]
                    .vpcs
                    .iter_mut()
                    .find(|v| v.id == vpc.id)
                    .ok_or("unknown VPC")?;
                if v.ip_version != vpc.ip_version
                    || v.bandwidth != vpc.bandwidth
                    || v.network_segment != vpc.network_segment
                {
                    return fail("VPC update changes subnets only");
                }
                v.subnets = vpc.subnets.clone();
                v.subnets_v6 = vpc.subnets_v6.clone();
            }
            Operation::DeleteVpc { gateway, vpc_id } => {
                let g = self.gw(gateway)?;
                let i = self.gateways[g]
                    .vpcs
                    .iter()
                    .position(|v| &v.id == vpc_id)
                    .ok_or("unknown VPC")?;
                if self.gateways[g].vpcs[i].health_check.is_some() {
                    return fail("VPC still has a health check");
                }
                self.gateways[g].vpcs.remove(i);
            }
            Operation::AddHealthCheck {
                gateway,
                vpc_id,
                subnet,
                check,
                ..
            } => {
                let g = self.gw(gateway)?;
                let v = self.gateways[g]
                    .vpcs
                    .iter_mut()
                    .find(|v| &v.id == vpc_id)
                    .ok_or("unknown VPC")?;
                if v.health_check.is_some() {
                    return fail("health check exists");
                }
                if !(2..=5).contains(&check.interval) || !(5..=10).contains(&check.packets) {
                    return fail("health check interval/packets out of range");
                }
                if !v.subnets.contains(subnet) && !v.subnets_v6.contains(subnet) {
                    return fail("health check subnet is not the VPC's");
                }
                v.health_check = Some(live_health_check(check));
            }
            Operation::UpdateHealthCheck {
                gateway,
                vpc_id,
                check,
            } => {
                let g = self.gw(gateway)?;
                let v = self.gateways[g]
                    .vpcs
                    .iter_mut()
                    .find(|v| &v.id == vpc_id)
                    .ok_or("unknown VPC")?;
                let h = v.health_check.as_mut().ok_or("unknown health check")?;
                if h.src_ip != check.src_ip || h.dst_ip != check.dst_ip {
                    return fail(
                        "health check update changes interval, packets and auto switching only",
                    );
                }
                h.interval = check.interval;
                h.packets = check.packets;
                h.auto_switch = check.auto_switch;
            }
            Operation::DeleteHealthCheck { gateway, vpc_id } => {
                let g = self.gw(gateway)?;
                let v = self.gateways[g]
                    .vpcs
                    .iter_mut()
                    .find(|v| &v.id == vpc_id)
                    .ok_or("unknown VPC")?;
                v.health_check.take().ok_or("unknown health check")?;
            }
            Operation::AddStaticRoute { gateway, route } => {
                let g = self.gw(gateway)?;
                if !self
                    .lines
                    .iter()
                    .any(|l| l.gateway.as_deref() == Some(gateway.as_str()))
                {
                    return fail("static route add needs a bound line");
                }
                if !self.gateways[g].bgp_routes.is_empty() {
                    return fail("static route add on a gateway with BGP");
                }
                self.check_static(gateway, route)?;
                self.check_unique_destinations(g, None, route)?;
                let id = self.id("sr");
                self.gateways[g]
                    .static_routes
                    .push(live_static_route(id, route));
            }
            Operation::UpdateStaticRoute { gateway, id, route } => {
                let g = self.gw(gateway)?;
                self.check_static(gateway, route)?;
                self.check_unique_destinations(g, Some(id), route)?;
                let r = self.gateways[g]
                    .static_routes
                    .iter_mut()
                    .find(|r| &r.id == id)
                    .ok_or("unknown static route")?;
                if r.ip_version != route.ip_version {
                    return fail("ipVersion cannot change on route update");
                }
                *r = live_static_route(id.clone(), route);
            }
            Operation::DeleteStaticRoute { gateway, id } => {
                let g = self.gw(gateway)?;
                let i = self.gateways[g]
                    .static_routes
                    .iter()
                    .position(|r| &r.id == id)
                    .ok_or("unknown static route")?;
                self.gateways[g].static_routes.remove(i);
            }
            Operation::AddBgpRoute { gateway, route } => {
                let g = self.gw(gateway)?;
                if !self.gateways[g].static_routes.is_empty() {
                    return fail("BGP add on a gateway with static routes");
                }
                if self.gateways[g]
                    .bgp_routes
                    .iter()
                    .any(|r| r.ip_version == route.ip_version)
                {
                    return fail("BGP route of this ip version exists");
                }
                let id = self.id("bgp");
                let r = self.bgp_route(gateway, id, route)?;
                self.gateways[g].bgp_routes.push(r);
            }
            Operation::UpdateBgpRoute { gateway, id, route } => {
                let g = self.gw(gateway)?;
                let new = self.bgp_route(gateway, id.clone(), route)?;
                let r = self.gateways[g]
                    .bgp_routes
                    .iter_mut()
                    .find(|r| &r.id == id)
                    .ok_or("unknown BGP route")?;
                if r.ip_version != route.ip_version {
                    return fail("ipVersion cannot change on route update");
                }
                *r = new;
            }
            Operation::DeleteBgpRoute { gateway, id } => {
                let g = self.gw(gateway)?;
                let i = self.gateways[g]
                    .bgp_routes
                    .iter()
                    .position(|r| &r.id == id)
                    .ok_or("unknown BGP route")?;
                self.gateways[g].bgp_routes.remove(i);
            }
        }
        Ok(())
    }
}

/// Runs the plan in a random order the graph allows: any such order is one
/// the parallel executor might pick.
fn execute(api: &mut Api, p: &Plan, seed: u64) -> Result<(), String> {
    let mut rng = Rng(seed);
    let mut done = vec![false; p.actions.len()];
    for (i, a) in p.actions.iter().enumerate() {
        assert_eq!(a.id, i, "ids are positions");
        assert!(
            a.depends_on.iter().all(|d| *d < i),
            "display order is topological"
        );
        let writes_gateway = !matches!(a.kind, plan::ResourceKind::PhysicalLine);
        assert_eq!(
            a.gateway.is_some(),
            writes_gateway,
            "{}: gateway set for gateway writes",
            a.address
        );
    }
    for _ in 0..p.actions.len() {
        let ready: Vec<usize> = (0..p.actions.len())
            .filter(|i| !done[*i] && p.actions[*i].depends_on.iter().all(|d| done[*d]))
            .collect();
        let pick = ready[rng.below(ready.len() as u64) as usize];
        for call in &p.actions[pick].calls {
            api.apply(call).map_err(|e| {
                format!(
                    "{} ({:?}): {e}\ncall: {call:?}",
                    p.actions[pick].address, p.actions[pick].change
                )
            })?;
        }
        done[pick] = true;
    }
    Ok(())
}

/// Plans `desired` against the model, executes, and checks convergence.
fn converge(
    api: &mut Api,
    desired: &DesiredState,
    seed: u64,
) -> Result<Option<Plan>, TestCaseError> {
    let p = match plan(desired, &api.inventory(), &options()) {
        Ok(p) => p,
        // A file that leaves blocking objects unmanaged is refused, which is
        // the right answer; nothing to execute.
        Err(PlanError::BlockedByUnmanaged { .. }) => return Ok(None),
        Err(e) => return Err(TestCaseError::fail(format!("plan failed: {e}"))),
    };
    if let Err(e) = execute(api, &p, seed) {
        return Err(TestCaseError::fail(format!(
            "rule violated: {e}\nplan: {:#?}",
            p.actions
                .iter()
                .map(|a| (&a.address, a.change, &a.depends_on))
                .collect::<Vec<_>>()
        )));
    }
    let again = plan(desired, &api.inventory(), &options())
        .map_err(|e| TestCaseError::fail(format!("re-plan failed: {e}")))?;
    prop_assert!(
        again.is_empty(),
        "re-plan not empty: {:#?}",
        again
            .actions
            .iter()
            .map(|a| (&a.address, a.change, &a.attributes))
            .collect::<Vec<_>>()
    );
    if desired.prune.len() == ALL_KINDS.len() {
        let names: BTreeSet<&str> = api.lines.iter().map(|l| l.name.as_str()).collect();
        let want: BTreeSet<&str> = desired
            .physical_lines
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        prop_assert_eq!(names, want);
        let gws: BTreeSet<&str> = api.gateways.iter().map(|g| g.name.as_str()).collect();
        let want: BTreeSet<&str> = desired.gateways.iter().map(|g| g.name.as_str()).collect();
        prop_assert_eq!(gws, want);
        for g in &desired.gateways {
            let live = api.gateways.iter().find(|x| x.name == g.name).unwrap();
            prop_assert_eq!(live.static_routes.len(), g.static_routes.len());
            prop_assert_eq!(live.bgp_routes.len(), g.bgp.len());
            prop_assert_eq!(live.vpcs.len(), g.vpcs.len());
            prop_assert_eq!(live.line_ids.len(), g.lines.len());
        }
    }
    Ok(Some(p))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn plans_follow_api_rules_and_converge(
        live_seed in any::<u64>(),
        want_seed in any::<u64>(),
        order_seed in any::<u64>(),
        edit in any::<bool>(),
    ) {
        let mut api = Api::default();
        let mut start = gen_estate(live_seed);
        start.prune = ALL_KINDS.to_vec();
        // Build the live estate by applying a plan from nothing.
        converge(&mut api, &start, order_seed)?;
        let target = if edit { mutate(&start, want_seed) } else { gen_estate(want_seed) };
        converge(&mut api, &target, order_seed.rotate_left(7))?;
    }
}

/// Cases the property test once found, replayed on every run whatever the
/// random seeds: each is a plan the API would have refused at some step.
#[test]
fn found_cases_stay_fixed() {
    let cases: [(u64, u64, u64, bool); 3] = [
        // A retargeted route took a prefix before the route holding it gave
        // it up.
        (
            17211991818223497158,
            9852824879596511754,
            5575088795518089948,
            false,
        ),
        // A new route shared a prefix with an old one it was created beside.
        (11986746248627916885, 9165657819137263328, 0, false),
        (4182593857106026232, 3919861407397244082, 0, false),
    ];
    for (live_seed, want_seed, order_seed, edit) in cases {
        let mut api = Api::default();
        let mut start = gen_estate(live_seed);
        start.prune = ALL_KINDS.to_vec();
        converge(&mut api, &start, order_seed).unwrap();
        let target = if edit {
            mutate(&start, want_seed)
        } else {
            gen_estate(want_seed)
        };
        converge(&mut api, &target, order_seed.rotate_left(7)).unwrap();
    }
}
