//! Hand-built plans and inventories shared by the rendering and export tests:
//! one of each change kind with traffic impact, a BGP key change, unmanaged
//! objects, an empty plan.
#![allow(dead_code)]

use plan::action::{
    Action, AttributeChange, BgpPeerBody, BgpRouteBody, ChangeKind, Impact, LineRef, Operation,
    Plan, ResourceKind, Unmanaged,
};
use plan::inventory::{
    Inventory, LiveBgpPeer, LiveBgpRoute, LiveGateway, LiveHealthCheck, LiveLine, LiveNextHop,
    LiveStaticRoute, LiveVpc,
};
use plan::model::{IpVersion, LineType, PhysicalLine, PortType, SecretRef, SwitchPort};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Two hashes standing for live and desired BGP keys. No rendering may
/// print them (nor any `sha256:` value).
pub const OLD_KEY_HASH: &str =
    "sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
pub const NEW_KEY_HASH: &str =
    "sha256:a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3";

pub fn net(s: &str) -> ipnet::IpNet {
    s.parse().unwrap()
}

fn attr(name: &str, before: Option<Value>, after: Option<Value>) -> AttributeChange {
    AttributeChange {
        name: name.to_string(),
        before,
        after,
        sensitive: false,
        forces_replace: false,
    }
}

fn action(id: usize, address: &str, kind: ResourceKind, change: ChangeKind) -> Action {
    Action {
        id,
        address: address.to_string(),
        kind,
        change,
        gateway: None,
        attributes: vec![],
        before: None,
        after: None,
        impact: vec![],
        depends_on: vec![],
        calls: vec![],
    }
}

pub fn empty_plan() -> Plan {
    Plan {
        format_version: "1".into(),
        region: "nm8".into(),
        account: Some("netops@example.com".into()),
        actions: vec![],
        unmanaged: vec![],
        notes: Vec::new(),
        fingerprints: BTreeMap::new(),
        mass_destroy: None,
        requested: Default::default(),
    }
}

fn new_line() -> PhysicalLine {
    PhysicalLine {
        name: "bj-idc-c".into(),
        id: None,
        switch: SwitchPort {
            hostname: "sw-bj-02".into(),
            port: "GE1/0/3".into(),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: 1000,
        vlan: Some(1003),
        ip_version: IpVersion::Ipv4,
        local_ip: Some(net("10.255.0.9/30")),
        remote_ip: Some(net("10.255.0.10/30")),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: Some("Beijing IDC, third line".into()),
        protect: false,
    }
}

/// A plan with every change kind, traffic impact, a sensitive BGP key change
/// and unmanaged objects.
pub fn representative_plan() -> Plan {
    let line_ref = |name: &str, id: Option<&str>| LineRef {
        name: name.into(),
        id: id.map(Into::into),
    };

    // 0: create a line (attributes derived from `after`).
    let mut create_line = action(
        0,
        "physical_line.bj-idc-c",
        ResourceKind::PhysicalLine,
        ChangeKind::Create,
    );
    create_line.after = Some(serde_json::to_value(new_line()).unwrap());
    create_line.calls = vec![Operation::CreateLine { line: new_line() }];

    // 1: bind it.
    let mut bind = action(
        1,
        "binding.gwprod01.bj-idc-c",
        ResourceKind::Binding,
        ChangeKind::Create,
    );
    bind.gateway = Some("gwprod01".into());
    bind.depends_on = vec![0];
    bind.calls = vec![Operation::BindLine {
        gateway: "gwprod01".into(),
        line: line_ref("bj-idc-c", None),
    }];

    // 2: VPC in place: bandwidth and one more subnet.
    let mut vpc = action(
        2,
        "vpc.gwprod01.vpc-8f3k2",
        ResourceKind::Vpc,
        ChangeKind::Update,
    );
    vpc.gateway = Some("gwprod01".into());
    vpc.attributes = vec![
        attr("bandwidth", Some(json!(500)), Some(json!(1000))),
        attr(
            "subnets",
            Some(json!(["192.168.10.0/24", "192.168.20.0/24"])),
            Some(json!([
                "192.168.10.0/24",
                "192.168.20.0/24",
                "192.168.30.0/24"
            ])),
        ),
        attr("name", Some(json!("prod")), Some(json!("prod"))),
    ];

    // 3: static route: next hop over bj-idc-b swapped for bj-idc-c, make
    // before break, but priorities change so redundancy dips.
    let mut route = action(
        3,
        "static_route.gwprod01.IPV4[10.10.0.0/16,10.20.0.0/16]",
        ResourceKind::StaticRoute,
        ChangeKind::Update,
    );
    route.gateway = Some("gwprod01".into());
    route.depends_on = vec![1];
    route.attributes = vec![attr(
        "next_hops",
        Some(json!([
            { "line": "bj-idc-a", "priority": 10, "bfd": true, "track": false },
            { "line": "bj-idc-b", "priority": 20, "bfd": false, "track": false }
        ])),
        Some(json!([
            { "line": "bj-idc-a", "priority": 10, "bfd": true, "track": false },
            { "line": "bj-idc-c", "priority": 20, "bfd": false, "track": false }
        ])),
    )];
    route.impact = vec![Impact::RedundancyReduced {
        prefixes: vec![net("10.10.0.0/16"), net("10.20.0.0/16")],
    }];

    // 4: a line whose port moves must be replaced.
    let mut replace = action(
        4,
        "physical_line.sh-idc-a",
        ResourceKind::PhysicalLine,
        ChangeKind::Replace,
    );
    let mut port = attr(
        "switch",
        Some(json!({ "hostname": "sw-sh-01", "port": "GE1/0/1", "port_type": "10G" })),
        Some(json!({ "hostname": "sw-sh-01", "port": "GE1/0/7", "port_type": "10G" })),
    );
    port.forces_replace = true;
    replace.attributes = vec![
        port,
        attr(
            "description",
            Some(json!(
                "Shanghai IDC primary line, installed 2023, contract SH-0042, rack A3"
            )),
            Some(json!(
                "Shanghai IDC primary line, installed 2023, contract SH-0042, rack B7 (moved)"
            )),
        ),
    ];
    replace.impact = vec![
        Impact::LineDown {
            lines: vec!["sh-idc-a".into()],
        },
        Impact::BgpSessionReset {
            peers: vec!["10.255.1.2".parse().unwrap()],
        },
    ];
    replace.calls = vec![
        Operation::UnbindLine {
            gateway: "gwprod02".into(),
            line: line_ref("sh-idc-a", Some("line-7")),
        },
        Operation::DeleteLine {
            line: line_ref("sh-idc-a", Some("line-7")),
        },
        Operation::CreateLine { line: new_line() },
        Operation::BindLine {
            gateway: "gwprod02".into(),
            line: line_ref("sh-idc-a", None),
        },
    ];

    // 5: the BGP key of a peer rotates: sensitive, session reset.
    let mut bgp = action(
        5,
        "bgp_route.gwprod02.IPV4",
        ResourceKind::BgpRoute,
        ChangeKind::Update,
    );
    bgp.gateway = Some("gwprod02".into());
    bgp.depends_on = vec![4];
    let mut key = attr(
        "peers[sh-idc-a].key",
        Some(json!(OLD_KEY_HASH)),
        Some(json!(NEW_KEY_HASH)),
    );
    key.sensitive = true;
    bgp.attributes = vec![key];
    bgp.before = Some(
        json!({ "ip_version": "IPV4", "peers": [{ "line": "sh-idc-a", "peer_as": 65001, "key_hash": OLD_KEY_HASH }] }),
    );
    bgp.after = Some(
        json!({ "ip_version": "IPV4", "peers": [{ "line": "sh-idc-a", "peer_as": 65001, "key_hash": NEW_KEY_HASH }] }),
    );
    bgp.impact = vec![Impact::BgpSessionReset {
        peers: vec!["10.255.1.2".parse().unwrap()],
    }];
    bgp.calls = vec![Operation::UpdateBgpRoute {
        gateway: "gwprod02".into(),
        id: "bgp-1".into(),
        route: BgpRouteBody {
            ip_version: IpVersion::Ipv4,
            networks_v4: vec![net("172.16.0.0/12")],
            networks_v6: vec![],
            peers_v4: vec![BgpPeerBody {
                neighbor: "sh-idc-a".into(),
                ip: "10.255.1.2".parse().unwrap(),
                line: line_ref("sh-idc-a", None),
                peer_as: 65001,
                key: Some(SecretRef::Env("CDA_BGP_KEY_GWPROD02_SH_IDC_A".into())),
                bfd: false,
            }],
            peers_v6: vec![],
            multipath: None,
        },
    }];

    // 6: a route the file no longer declares: its prefix is withdrawn.
    let mut delete = action(
        6,
        "static_route.gwprod01.IPV4[10.30.0.0/16]",
        ResourceKind::StaticRoute,
        ChangeKind::Delete,
    );
    delete.gateway = Some("gwprod01".into());
    delete.before = Some(json!({
        "ip_version": "IPV4",
        "dst": ["10.30.0.0/16"],
        "next_hops": [{ "line": "bj-idc-b", "priority": 10, "bfd": false, "track": false }]
    }));
    delete.impact = vec![Impact::PrefixesWithdrawn {
        prefixes: vec![net("10.30.0.0/16")],
    }];
    delete.calls = vec![Operation::DeleteStaticRoute {
        gateway: "gwprod01".into(),
        id: "sr-3".into(),
    }];

    Plan {
        actions: vec![create_line, bind, vpc, route, replace, bgp, delete],
        unmanaged: vec![
            Unmanaged {
                address: "gateway.gwlab".into(),
                kind: ResourceKind::Gateway,
            },
            Unmanaged {
                address: "vpc.gwprod03.vpc-legacy".into(),
                kind: ResourceKind::Vpc,
            },
        ],
        ..empty_plan()
    }
}

/// A plan that only sets a BGP key where there was none.
pub fn key_added_plan() -> Plan {
    let mut bgp = action(
        0,
        "bgp_route.gwprod02.IPV4",
        ResourceKind::BgpRoute,
        ChangeKind::Update,
    );
    bgp.gateway = Some("gwprod02".into());
    bgp.attributes = vec![AttributeChange {
        name: "peers[sh-idc-a].key".into(),
        before: None,
        after: Some(json!(NEW_KEY_HASH)),
        sensitive: true,
        forces_replace: false,
    }];
    bgp.impact = vec![Impact::BgpSessionReset {
        peers: vec!["10.255.1.2".parse().unwrap()],
    }];
    Plan {
        actions: vec![bgp],
        account: None,
        ..empty_plan()
    }
}

/// `n` static-route creates on `n / 50` gateways: a plan far past the
/// Markdown limit.
pub fn huge_plan(n: usize) -> Plan {
    let actions = (0..n)
        .map(|i| {
            let gw = format!("gw{:04}", i / 50);
            let dst = format!("10.{}.{}.0/24", i / 256, i % 256);
            let mut a = action(
                i,
                &format!("static_route.{gw}.IPV4[{dst}]"),
                ResourceKind::StaticRoute,
                if i % 10 == 0 {
                    ChangeKind::Delete
                } else {
                    ChangeKind::Create
                },
            );
            let body = json!({
                "ip_version": "IPV4",
                "dst": [dst],
                "next_hops": [{ "line": format!("{gw}-a"), "priority": 10, "bfd": true, "track": false }]
            });
            if i % 10 == 0 {
                a.before = Some(body);
                a.impact = vec![Impact::PrefixesWithdrawn {
                    prefixes: vec![net(&dst)],
                }];
            } else {
                a.after = Some(body);
            }
            a.gateway = Some(gw);
            a
        })
        .collect();
    Plan {
        actions,
        ..empty_plan()
    }
}

/// A live estate: two gateways, one static (with a VPC and health check),
/// one BGP with a keyed dual-stack peer, and an unbound line.
pub fn inventory() -> Inventory {
    let line = |id: &str, name: &str, gw: Option<&str>, local: &str, remote: &str| LiveLine {
        id: id.into(),
        name: name.into(),
        gateway: gw.map(Into::into),
        hostname: "sw-bj-01".into(),
        port: format!("GE1/0/{}", &id[5..]),
        port_type: Some(PortType::TenG),
        line_type: Some(LineType::Ipran),
        bandwidth: 1000,
        vlan: Some(1000 + id[5..].parse::<u16>().unwrap()),
        ip_version: IpVersion::Ipv4,
        local_ip: Some(net(local)),
        remote_ip: Some(net(remote)),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
    };
    let mut sh = line(
        "line-7",
        "sh-idc-a",
        Some("gwprod02"),
        "10.255.1.1/30",
        "10.255.1.2/30",
    );
    sh.ip_version = IpVersion::DualStack;
    sh.local_ip_v6 = Some(net("fd00:1::1/126"));
    sh.remote_ip_v6 = Some(net("fd00:1::2/126"));
    sh.description = Some("Shanghai: primary".into());
    sh.hostname = "sw-sh-01".into();
    let mut spare = line("line-9", "1001", None, "10.255.2.1/30", "10.255.2.2/30");
    spare.vlan = None;
    spare.line_type = Some(LineType::Pon);
    spare.port_type = Some(PortType::OneG);
    spare.shared = true;

    Inventory {
        lines: vec![
            line(
                "line-1",
                "bj-idc-a",
                Some("gwprod01"),
                "10.255.0.1/30",
                "10.255.0.2/30",
            ),
            line(
                "line-2",
                "bj-idc-b",
                Some("gwprod01"),
                "10.255.0.5/30",
                "10.255.0.6/30",
            ),
            sh,
            spare,
        ],
        gateways: vec![
            LiveGateway {
                name: "gwprod01".into(),
                hostname: Some("sw-bj-01".into()),
                access_point: None,
                description: Some("prod".into()),
                line_ids: vec!["line-1".into(), "line-2".into()],
                vpcs: vec![LiveVpc {
                    id: "vpc-8f3k2".into(),
                    name: Some("prod".into()),
                    bandwidth: 500,
                    ip_version: IpVersion::Ipv4,
                    network_segment: Some(net("192.168.0.0/16")),
                    network_segment_v6: None,
                    subnets: vec![net("192.168.10.0/24"), net("192.168.20.0/24")],
                    subnets_v6: vec![],
                    dc_type: Some("CNP".into()),
                    health_check: Some(LiveHealthCheck {
                        unreadable: false,
                        src_ip: "192.168.10.250".parse().unwrap(),
                        dst_ip: "10.255.0.2".parse().unwrap(),
                        interval: 2,
                        packets: 5,
                        auto_switch: true,
                    }),
                }],
                static_routes: vec![LiveStaticRoute {
                    id: "sr-1".into(),
                    ip_version: IpVersion::Ipv4,
                    dst: vec![net("10.10.0.0/16"), net("10.20.0.0/16")],
                    next_hops: vec![
                        LiveNextHop {
                            remote_ip: "10.255.0.2".parse().unwrap(),
                            priority: 10,
                            track: false,
                            bfd: Some(true),
                        },
                        LiveNextHop {
                            remote_ip: "10.255.0.6".parse().unwrap(),
                            priority: 20,
                            track: true,
                            bfd: Some(false),
                        },
                    ],
                    next_hops_v6: vec![],
                }],
                bgp_routes: vec![],
            },
            LiveGateway {
                name: "gwprod02".into(),
                hostname: None,
                access_point: Some("AP1".into()),
                description: None,
                line_ids: vec!["line-7".into()],
                vpcs: vec![],
                static_routes: vec![],
                bgp_routes: vec![LiveBgpRoute {
                    id: "bgp-1".into(),
                    ip_version: IpVersion::DualStack,
                    networks: vec![net("172.16.0.0/12"), net("fd10::/48")],
                    peers: vec![
                        LiveBgpPeer {
                            neighbor: "sh-idc-a".into(),
                            ip: "10.255.1.2".parse().unwrap(),
                            line_id: Some("line-7".into()),
                            line_name: None,
                            peer_as: 65001,
                            key_hash: Some(OLD_KEY_HASH.into()),
                            bfd: true,
                        },
                        LiveBgpPeer {
                            neighbor: "sh-idc-a".into(),
                            ip: "fd00:1::2".parse().unwrap(),
                            line_id: None,
                            line_name: Some("sh-idc-a".into()),
                            peer_as: 65001,
                            key_hash: Some(OLD_KEY_HASH.into()),
                            bfd: true,
                        },
                    ],
                    multipath: Some(2),
                }],
            },
        ],
    }
}
