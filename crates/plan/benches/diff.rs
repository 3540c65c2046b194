//! Diff + order of 100,000 static routes across 2,000 gateways.
//!
//! `cargo bench -p plan --bench diff` runs every scenario in its own
//! child process so that each peak-memory figure (VmHWM) is its own; pass
//! `--scenario NAME` to run one. Targets (issue 4): < 1 s, < 300 MB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ipnet::IpNet;
use plan::inventory::{LiveGateway, LiveNextHop, LiveStaticRoute};
use plan::model::*;
use plan::testing::live_line;
use plan::{plan, Inventory, PlanOptions};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

const GATEWAYS: usize = 2_000;
const ROUTES_PER_GATEWAY: usize = 50;

fn line(g: usize, k: usize) -> PhysicalLine {
    // Two lines per gateway, each its own /30 in 100.64.0.0/10.
    let n = (g * 2 + k) as u32;
    let base = Ipv4Addr::from(0x6440_0000u32 + n * 4);
    let local = Ipv4Addr::from(u32::from(base) + 1);
    let remote = Ipv4Addr::from(u32::from(base) + 2);
    PhysicalLine {
        name: format!("gw{g}-line{k}"),
        id: None,
        switch: SwitchPort {
            hostname: "sw1".into(),
            port: format!("GE{g}/0/{k}"),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: 1000,
        vlan: Some(100 + k as u16),
        ip_version: IpVersion::Ipv4,
        local_ip: Some(IpNet::new(IpAddr::V4(local), 30).unwrap()),
        remote_ip: Some(IpNet::new(IpAddr::V4(remote), 30).unwrap()),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
        protect: false,
    }
}

fn dst(g: usize, r: usize, j: usize) -> IpNet {
    // Distinct /24s in 10.0.0.0/8: (g, r, j) → unique index.
    let idx = ((g * ROUTES_PER_GATEWAY + r) * 2 + j) as u32;
    IpNet::new(IpAddr::V4(Ipv4Addr::from(0x0A00_0000u32 + (idx << 8))), 24).unwrap()
}

fn desired() -> DesiredState {
    let mut lines = Vec::new();
    let mut gateways = Vec::new();
    for g in 0..GATEWAYS {
        lines.push(line(g, 0));
        lines.push(line(g, 1));
        let names = vec![format!("gw{g}-line0"), format!("gw{g}-line1")];
        let static_routes = (0..ROUTES_PER_GATEWAY)
            .map(|r| StaticRoute {
                dst: vec![dst(g, r, 0), dst(g, r, 1)],
                next_hops: vec![
                    NextHop {
                        line: names[0].clone(),
                        priority: 10,
                        track: false,
                        bfd: true,
                    },
                    NextHop {
                        line: names[1].clone(),
                        priority: 20,
                        track: false,
                        bfd: false,
                    },
                ],
                protect: false,
            })
            .collect();
        gateways.push(Gateway {
            name: format!("gw{g}"),
            hostname: None,
            access_point: None,
            description: None,
            lines: names,
            vpcs: vec![],
            static_routes,
            bgp: vec![],
            protect: false,
        });
    }
    DesiredState {
        region: "nm8".into(),
        account: None,
        prune: vec![Kind::Routes, Kind::Bindings],
        physical_lines: lines,
        gateways,
    }
}

/// The live estate the API would list once `d` is applied.
fn live_of(d: &DesiredState) -> Inventory {
    let mut inv = Inventory::default();
    for (i, l) in d.physical_lines.iter().enumerate() {
        let g = i / 2;
        inv.lines
            .push(live_line(l, format!("line-{i}"), Some(format!("gw{g}"))));
    }
    for (g, gw) in d.gateways.iter().enumerate() {
        let remote = |k: usize| d.physical_lines[g * 2 + k].remote_ip.unwrap().addr();
        inv.gateways.push(LiveGateway {
            name: gw.name.clone(),
            hostname: None,
            access_point: None,
            description: None,
            line_ids: vec![format!("line-{}", g * 2), format!("line-{}", g * 2 + 1)],
            vpcs: vec![],
            static_routes: gw
                .static_routes
                .iter()
                .enumerate()
                .map(|(r, route)| LiveStaticRoute {
                    id: format!("sr-{g}-{r}"),
                    ip_version: IpVersion::Ipv4,
                    dst: route.dst.clone(),
                    next_hops: route
                        .next_hops
                        .iter()
                        .map(|h| LiveNextHop {
                            remote_ip: remote(usize::from(h.line.ends_with('1'))),
                            priority: h.priority,
                            track: h.track,
                            bfd: Some(h.bfd),
                        })
                        .collect(),
                    next_hops_v6: vec![],
                })
                .collect(),
            bgp_routes: vec![],
        });
    }
    // Refresh hands the planner a normalised inventory.
    inv.normalise();
    inv
}

/// 10% of routes lose a next hop (in place), 2% get a new destination set
/// (make-before-break create + delete).
fn edited(d: &DesiredState) -> DesiredState {
    let mut d = d.clone();
    for (g, gw) in d.gateways.iter_mut().enumerate() {
        for (r, route) in gw.static_routes.iter_mut().enumerate() {
            let n = g * ROUTES_PER_GATEWAY + r;
            match n % 50 {
                0 | 10 | 20 | 30 | 40 => {
                    route.next_hops.pop();
                }
                1 => {
                    let extra = Ipv4Addr::new(172, 16, (n % 256) as u8, 0);
                    route.dst.push(IpNet::new(IpAddr::V4(extra), 24).unwrap());
                }
                _ => {}
            }
        }
    }
    d
}

fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// User + system CPU seconds of this process (clock ticks of 1/100 s): the
/// machine is shared, so wall time alone overstates the cost.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the command name: state is field 3, utime 14, stime 15.
    let tick = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(14) + tick(15)) / 100.0
}

fn run(scenario: &str) {
    let d = desired();
    let (want, live) = match scenario {
        "initial" => (d, Inventory::default()),
        "unchanged" => {
            let live = live_of(&d);
            (d, live)
        }
        "edited" => {
            let live = live_of(&d);
            (edited(&d), live)
        }
        other => panic!("unknown scenario {other}"),
    };
    let inputs_mb = peak_mb();
    let cpu = cpu_seconds();
    let start = Instant::now();
    let p = plan(&want, &live, &PlanOptions::default()).expect("plan");
    let elapsed = start.elapsed();
    let cpu = cpu_seconds() - cpu;
    let counts = p.counts();
    let summary = p.impact_summary();
    println!(
        "{scenario:>9}: wall {:>7.1} ms  cpu {:>6.0} ms  peak {:>6.1} MB (inputs {:>5.1} MB)  actions {:>6} (+{} ~{} -/+{} -{})  withdrawn {} reduced {}",
        elapsed.as_secs_f64() * 1000.0,
        cpu * 1000.0,
        peak_mb(),
        inputs_mb,
        p.actions.len(),
        counts.add,
        counts.change,
        counts.replace,
        counts.destroy,
        summary.prefixes_withdrawn.len(),
        summary.redundancy_reduced.len(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--scenario") {
        run(args.get(i + 1).map(String::as_str).unwrap_or("initial"));
        return;
    }
    println!(
        "diff + order: {} static routes across {GATEWAYS} gateways ({} lines)",
        GATEWAYS * ROUTES_PER_GATEWAY,
        GATEWAYS * 2
    );
    let exe = std::env::current_exe().expect("current exe");
    for scenario in ["initial", "unchanged", "edited"] {
        let status = std::process::Command::new(&exe)
            .args(["--scenario", scenario])
            .status()
            .expect("spawn");
        assert!(status.success(), "{scenario} failed");
    }
}
