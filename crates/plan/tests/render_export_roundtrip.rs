//! Property: for any (valid) live estate, the exported file plans to zero
//! changes against that same estate, directly and through its YAML text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plan::export::{bgp_key_env, desired_from_inventory, to_yaml};
use plan::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc,
};
use plan::model::{DesiredState, IpVersion, LineType, PortType, SecretRef};
use plan::PlanOptions;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct LineSeed {
    gateway: Option<usize>,
    bandwidth: u64,
    vlan: Option<u16>,
    ten_g: bool,
    ipran: bool,
    shared: bool,
    description: Option<String>,
}

/// (priority, track, bfd) of one next hop.
type HopSeed = (u32, bool, bool);

#[derive(Debug, Clone)]
struct GatewaySeed {
    /// 0: nothing, 1: static routes, 2: BGP.
    mode: u8,
    /// (destination count, next hops) per static route.
    routes: Vec<(u8, Vec<HopSeed>)>,
    peers: Vec<(u32, bool, bool, bool)>,
    vpcs: Vec<(u64, u8, bool)>,
    description: Option<String>,
}

fn line_seed(gateways: usize) -> impl Strategy<Value = LineSeed> {
    (
        proptest::option::of(0..gateways.max(1)),
        1u64..100_000,
        proptest::option::of(1u16..4095),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of("[a-z][a-z ]{1,20}[a-z]"),
    )
        .prop_map(
            move |(gateway, bandwidth, vlan, ten_g, ipran, shared, description)| LineSeed {
                gateway: gateway.filter(|_| gateways > 0),
                bandwidth,
                vlan,
                ten_g,
                ipran,
                shared,
                description,
            },
        )
}

fn gateway_seed() -> impl Strategy<Value = GatewaySeed> {
    (
        0u8..3,
        proptest::collection::vec(
            (
                1u8..4,
                proptest::collection::vec((1u32..100, any::<bool>(), any::<bool>()), 1..4),
            ),
            0..3,
        ),
        proptest::collection::vec(
            (64512u32..65535, any::<bool>(), any::<bool>(), any::<bool>()),
            1..4,
        ),
        proptest::collection::vec((1u64..10_000, 1u8..4, any::<bool>()), 0..3),
        proptest::option::of("[a-z]{2,12}"),
    )
        .prop_map(|(mode, routes, peers, vpcs, description)| GatewaySeed {
            mode,
            routes,
            peers,
            vpcs,
            description,
        })
}

fn estate() -> impl Strategy<Value = (Inventory, PlanOptions)> {
    (0usize..4)
        .prop_flat_map(|gateways| {
            (
                proptest::collection::vec(line_seed(gateways), 0..7),
                proptest::collection::vec(gateway_seed(), gateways),
            )
        })
        .prop_map(|(lines, gateways)| build(&lines, &gateways))
}

fn build(line_seeds: &[LineSeed], gateway_seeds: &[GatewaySeed]) -> (Inventory, PlanOptions) {
    let gw_name = |j: usize| format!("gw{j}");
    let lines: Vec<LiveLine> = line_seeds
        .iter()
        .enumerate()
        .map(|(i, s)| LiveLine {
            id: format!("line-{i:03}"),
            name: format!("idc-{i}"),
            gateway: s.gateway.map(gw_name),
            hostname: "sw-01".into(),
            port: format!("GE1/0/{i}"),
            port_type: Some(if s.ten_g {
                PortType::TenG
            } else {
                PortType::OneG
            }),
            line_type: Some(if s.ipran {
                LineType::Ipran
            } else {
                LineType::Pon
            }),
            bandwidth: s.bandwidth,
            vlan: s.vlan,
            ip_version: IpVersion::Ipv4,
            local_ip: Some(format!("10.255.{i}.1/30").parse().unwrap()),
            remote_ip: Some(format!("10.255.{i}.2/30").parse().unwrap()),
            local_ip_v6: None,
            remote_ip_v6: None,
            access_point: None,
            shared: s.shared,
            description: s.description.clone(),
        })
        .collect();

    let mut options = PlanOptions::default();
    let gateways = gateway_seeds
        .iter()
        .enumerate()
        .map(|(j, seed)| {
            let bound: Vec<&LiveLine> = lines
                .iter()
                .filter(|l| l.gateway.as_deref() == Some(gw_name(j).as_str()))
                .collect();
            let mut static_routes = Vec::new();
            let mut bgp_routes = Vec::new();
            if seed.mode == 1 && !bound.is_empty() {
                for (k, (width, hops)) in seed.routes.iter().enumerate() {
                    let mut next_hops: Vec<LiveNextHop> = Vec::new();
                    for (h, (priority, track, bfd)) in hops.iter().enumerate() {
                        let line = bound[h % bound.len()];
                        let remote_ip = line.remote_ip.unwrap().addr();
                        if next_hops.iter().all(|n| n.remote_ip != remote_ip) {
                            next_hops.push(LiveNextHop {
                                remote_ip,
                                priority: *priority,
                                track: *track,
                                bfd: Some(*bfd),
                            });
                        }
                    }
                    static_routes.push(LiveStaticRoute {
                        id: format!("sr-{j}-{k}"),
                        ip_version: IpVersion::Ipv4,
                        dst: (0..*width)
                            .map(|d| {
                                format!("10.{j}.{}.0/24", k * 8 + d as usize)
                                    .parse()
                                    .unwrap()
                            })
                            .collect(),
                        next_hops,
                        next_hops_v6: vec![],
                    });
                }
            }
            if seed.mode == 2 && !bound.is_empty() {
                let mut peers = Vec::new();
                for (p, (peer_as, keyed, bfd, named)) in seed.peers.iter().enumerate() {
                    if p >= bound.len() {
                        break;
                    }
                    let line = bound[p];
                    let key_hash = keyed.then(|| plan::secret_hash(&format!("key-{j}-{p}")));
                    if let Some(hash) = &key_hash {
                        options.secret_hashes.insert(
                            SecretRef::Env(bgp_key_env(&gw_name(j), &line.name)),
                            hash.clone(),
                        );
                    }
                    peers.push(LiveBgpPeer {
                        neighbor: if *named {
                            format!("peer{p}")
                        } else {
                            line.name.clone()
                        },
                        ip: line.remote_ip.unwrap().addr(),
                        line_id: Some(line.id.clone()),
                        line_name: None,
                        peer_as: *peer_as,
                        key_hash,
                        bfd: *bfd,
                    });
                }
                bgp_routes.push(LiveBgpRoute {
                    id: format!("bgp-{j}"),
                    ip_version: IpVersion::Ipv4,
                    networks: vec![format!("172.{}.0.0/16", 16 + j).parse().unwrap()],
                    peers,
                    multipath: None,
                });
            }
            let vpcs =
                seed.vpcs
                    .iter()
                    .enumerate()
                    .map(|(k, (bandwidth, subnets, checked))| {
                        let subnets: Vec<ipnet::IpNet> = (0..*subnets)
                            .map(|s| {
                                format!("192.168.{}.0/24", j * 30 + k * 5 + s as usize)
                                    .parse()
                                    .unwrap()
                            })
                            .collect();
                        let health_check = (*checked && !subnets.is_empty() && !bound.is_empty())
                            .then(|| LiveHealthCheck {
                                unreadable: false,
                                src_ip: subnets[0].hosts().nth(9).unwrap(),
                                dst_ip: bound[0].remote_ip.unwrap().addr(),
                                interval: 3,
                                packets: 6,
                                auto_switch: true,
                            });
                        LiveVpc {
                            id: format!("vpc-{j}-{k}"),
                            name: Some(format!("vpc{k}")),
                            bandwidth: *bandwidth,
                            ip_version: IpVersion::Ipv4,
                            network_segment: Some("192.168.0.0/16".parse().unwrap()),
                            network_segment_v6: None,
                            subnets,
                            subnets_v6: vec![],
                            dc_type: None,
                            health_check,
                        }
                    })
                    .collect();
            LiveGateway {
                name: gw_name(j),
                hostname: Some("sw-01".into()),
                access_point: None,
                description: seed.description.clone(),
                line_ids: bound.iter().map(|l| l.id.clone()).collect(),
                vpcs,
                static_routes,
                bgp_routes,
            }
        })
        .collect();
    (Inventory { lines, gateways }, options)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exported_estate_plans_to_zero_changes((live, options) in estate()) {
        let state = desired_from_inventory(&live, "nm8", None);
        let direct = plan::plan(&state, &live, &options).unwrap();
        prop_assert!(
            direct.actions.is_empty(),
            "{}",
            plan::render::human(&direct, &Default::default())
        );
        let yaml = to_yaml(&state).unwrap();
        let reparsed: DesiredState = match plan::desired::parse("export.yaml", &yaml) {
            Ok(state) => state,
            Err(diagnostics) => panic!("{diagnostics:?}\n{yaml}"),
        };
        prop_assert_eq!(&reparsed, &state);
        let via_yaml = plan::plan(&reparsed, &live, &options).unwrap();
        prop_assert!(via_yaml.actions.is_empty());
    }
}
