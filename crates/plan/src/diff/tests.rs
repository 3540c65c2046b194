#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::inventory::{LiveBgpPeer, LiveNextHop};
use crate::model::{BgpPeer, LineType, NextHop, PortType, SwitchPort};

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn line(name: &str, n: u8) -> PhysicalLine {
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
        local_ip: Some(net(&format!("10.255.{n}.1/30"))),
        remote_ip: Some(net(&format!("10.255.{n}.2/30"))),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
        protect: false,
    }
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
                            bfd: h.bfd,
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

#[test]
fn identical_estate_plans_nothing() {
    let d = estate();
    let p = plan(&d, &live_of(&d), &opts()).unwrap();
    assert!(p.is_empty(), "{:#?}", p.actions);
    assert!(p.impact_summary().is_none());
}

#[test]
fn creation_order_follows_the_dependency_chain() {
    let d = estate();
    let p = plan(&d, &Inventory::default(), &opts()).unwrap();
    let line = find(&p, "physical_line.a", ChangeKind::Create);
    let gw = find(&p, "gateway.gw1", ChangeKind::Create);
    let bind = find(&p, "binding.gw1.a", ChangeKind::Create);
    let vpc = find(&p, "vpc.gw1.vpc-1", ChangeKind::Create);
    let hc = find(&p, "health_check.gw1.vpc-1", ChangeKind::Create);
    let sr = find(
        &p,
        "static_route.gw1.IPV4[10.20.0.0/16]",
        ChangeKind::Create,
    );
    assert!(
        before(&p, line, bind)
            && before(&p, gw, bind)
            && before(&p, bind, vpc)
            && before(&p, vpc, hc)
    );
    assert!(before(&p, bind, sr));
    assert_eq!(sr.gateway.as_deref(), Some("gw1"));
    assert_eq!(line.gateway, None);
    // Display order is topological.
    for a in &p.actions {
        assert!(a.depends_on.iter().all(|d| *d < a.id));
    }
    assert!(p.fingerprints.values().all(|v| v == ABSENT));
    assert!(p.impact_summary().is_none());
}

#[test]
fn pinned_id_adopts_a_line_and_renames_it_in_place() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[0].name = "a-new".into();
    d2.physical_lines[0].id = Some("id-a".into());
    for gw in &mut d2.gateways {
        gw.lines = vec!["a-new".into(), "b".into()];
        for r in &mut gw.static_routes {
            for h in &mut r.next_hops {
                if h.line == "a" {
                    h.line = "a-new".into();
                }
            }
        }
    }
    let p = plan(&d2, &live, &opts()).unwrap();
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    let a = find(&p, "physical_line.a-new", ChangeKind::Update);
    assert_eq!(
        a.calls,
        vec![Operation::UpdateLine {
            line: LineRef {
                name: "a".into(),
                id: Some("id-a".into())
            },
            name: Some("a-new".into()),
            bandwidth: None,
            description: None
        }]
    );
    assert!(a.impact.is_empty());
}

#[test]
fn bound_line_bandwidth_changes_in_place() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[0].bandwidth = 1000;
    let p = plan(&d2, &live, &opts()).unwrap();
    assert_eq!(p.actions.len(), 1);
    let a = find(&p, "physical_line.a", ChangeKind::Update);
    assert_eq!(a.attributes[0].name, "bandwidth");
    assert!(!a.attributes[0].forces_replace);
}

#[test]
fn bound_line_vlan_change_moves_routes_off_then_replaces_and_rebinds() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[0].vlan = Some(7);
    let p = plan(&d2, &live, &opts()).unwrap();
    let replace = find(&p, "physical_line.a", ChangeKind::Replace);
    assert_eq!(
        replace
            .attributes
            .iter()
            .find(|c| c.forces_replace)
            .unwrap()
            .name,
        "vlan"
    );
    let unbind = find(&p, "binding.gw1.a", ChangeKind::Delete);
    let bind = find(&p, "binding.gw1.a", ChangeKind::Create);
    assert!(before(&p, unbind, replace) && before(&p, replace, bind));
    assert_eq!(
        unbind.impact,
        vec![Impact::LineDown {
            lines: vec!["a".into()]
        }]
    );
    // 10.10/16 keeps its path over b: interim update before the unbind,
    // final update after the bind.
    let updates: Vec<&Action> = p
        .actions
        .iter()
        .filter(|a| a.address == "static_route.gw1.IPV4[10.10.0.0/16]")
        .collect();
    assert_eq!(updates.len(), 2);
    assert!(before(&p, updates[0], unbind) && before(&p, bind, updates[1]));
    assert_eq!(
        updates[0].impact,
        vec![Impact::RedundancyReduced {
            prefixes: vec![net("10.10.0.0/16")]
        }]
    );
    // 10.20/16 only has line a: deleted before, re-created after.
    let del = find(
        &p,
        "static_route.gw1.IPV4[10.20.0.0/16]",
        ChangeKind::Delete,
    );
    let add = find(
        &p,
        "static_route.gw1.IPV4[10.20.0.0/16]",
        ChangeKind::Create,
    );
    assert!(before(&p, del, unbind) && before(&p, bind, add));
    assert_eq!(
        del.impact,
        vec![Impact::PrefixesWithdrawn {
            prefixes: vec![net("10.20.0.0/16")]
        }]
    );
    let s = p.impact_summary();
    assert_eq!(s.prefixes_withdrawn, vec![net("10.20.0.0/16")]);
    assert_eq!(s.lines_down, vec!["a".to_string()]);
}

#[test]
fn protected_line_that_needs_replacing_fails_naming_the_attribute() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[0].protect = true;
    d2.physical_lines[0].remote_ip = Some(net("10.255.1.3/30"));
    let err = plan(&d2, &live, &opts()).unwrap_err();
    assert_eq!(
        err,
        PlanError::Protected {
            address: "physical_line.a".into(),
            attribute: "remote_ip".into()
        }
    );
}

#[test]
fn protected_route_under_a_replaced_gateway_fails() {
    let d = estate();
    let live = {
        let mut l = live_of(&d);
        l.gateways[0].description = Some("old".into());
        l
    };
    let mut d2 = d.clone();
    d2.gateways[0].description = Some("new".into());
    d2.gateways[0].static_routes[0].protect = true;
    let err = plan(&d2, &live, &opts()).unwrap_err();
    assert_eq!(
        err,
        PlanError::Protected {
            address: "static_route.gw1.IPV4[10.10.0.0/16]".into(),
            attribute: "gateway.description".into()
        }
    );
}

#[test]
fn gateway_attribute_change_replaces_it_with_its_children() {
    let d = estate();
    let mut live = live_of(&d);
    live.gateways[0].description = Some("old".into());
    let mut d2 = d.clone();
    d2.gateways[0].description = Some("new".into());
    let p = plan(&d2, &live, &opts()).unwrap();
    let gw = find(&p, "gateway.gw1", ChangeKind::Replace);
    assert!(matches!(gw.calls[0], Operation::DeleteGateway { .. }));
    for addr in [
        "static_route.gw1.IPV4[10.10.0.0/16]",
        "vpc.gw1.vpc-1",
        "health_check.gw1.vpc-1",
        "binding.gw1.a",
    ] {
        let del = find(&p, addr, ChangeKind::Delete);
        let add = find(&p, addr, ChangeKind::Create);
        assert!(before(&p, del, gw) && before(&p, gw, add), "{addr}");
    }
}

#[test]
fn vpc_subnets_update_in_place_other_attributes_replace() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].vpcs[0].subnets.push(net("192.168.20.0/24"));
    let p = plan(&d2, &live, &opts()).unwrap();
    assert_eq!(p.actions.len(), 1);
    let a = find(&p, "vpc.gw1.vpc-1", ChangeKind::Update);
    assert!(
        matches!(&a.calls[0], Operation::UpdateVpc { vpc, .. } if vpc.bandwidth == 50 && vpc.subnets.len() == 2)
    );

    let mut d3 = d.clone();
    d3.gateways[0].vpcs[0].bandwidth = 80;
    let p = plan(&d3, &live, &opts()).unwrap();
    let r = find(&p, "vpc.gw1.vpc-1", ChangeKind::Replace);
    let hc_del = find(&p, "health_check.gw1.vpc-1", ChangeKind::Delete);
    let hc_add = find(&p, "health_check.gw1.vpc-1", ChangeKind::Create);
    assert!(before(&p, hc_del, r) && before(&p, r, hc_add));
    assert_eq!(
        r.impact,
        vec![Impact::PrefixesWithdrawn {
            prefixes: vec![net("192.168.10.0/24")]
        }]
    );
}

#[test]
fn health_check_timers_update_in_place_and_addresses_replace() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].vpcs[0]
        .health_check
        .as_mut()
        .unwrap()
        .interval = 5;
    let p = plan(&d2, &live, &opts()).unwrap();
    assert!(matches!(
        find(&p, "health_check.gw1.vpc-1", ChangeKind::Update).calls[0],
        Operation::UpdateHealthCheck { .. }
    ));
    let mut d3 = d.clone();
    d3.gateways[0].vpcs[0].health_check.as_mut().unwrap().src_ip =
        "192.168.10.251".parse().unwrap();
    let p = plan(&d3, &live, &opts()).unwrap();
    let a = find(&p, "health_check.gw1.vpc-1", ChangeKind::Replace);
    assert!(matches!(
        a.calls[..],
        [
            Operation::DeleteHealthCheck { .. },
            Operation::AddHealthCheck { .. }
        ]
    ));
}

#[test]
fn unmanaged_objects_are_reported_and_pruned_kinds_are_deleted_in_reverse_order() {
    let d = estate();
    let mut extra = d.clone();
    let mut gw2 = gateway("gw2", &["c"]);
    gw2.static_routes
        .push(route(&["10.30.0.0/16"], vec![hop("c", 1)]));
    extra.physical_lines.push(line("c", 3));
    extra.gateways.push(gw2);
    let live = live_of(&extra);

    let mut keep = d.clone();
    keep.prune.clear();
    let p = plan(&keep, &live, &opts()).unwrap();
    assert!(p.is_empty());
    let unmanaged: Vec<&str> = p.unmanaged.iter().map(|u| u.address.as_str()).collect();
    assert_eq!(unmanaged, vec!["gateway.gw2", "physical_line.c"]);

    let p = plan(&d, &live, &opts()).unwrap();
    let route = find(
        &p,
        "static_route.gw2.IPV4[10.30.0.0/16]",
        ChangeKind::Delete,
    );
    let unbind = find(&p, "binding.gw2.c", ChangeKind::Delete);
    let gw = find(&p, "gateway.gw2", ChangeKind::Delete);
    let line = find(&p, "physical_line.c", ChangeKind::Delete);
    assert!(before(&p, route, unbind) && before(&p, unbind, gw) && before(&p, unbind, line));
    assert_eq!(
        route.impact,
        vec![Impact::PrefixesWithdrawn {
            prefixes: vec![net("10.30.0.0/16")]
        }]
    );
    assert!(p.unmanaged.is_empty());
}

#[test]
fn switching_static_to_bgp_deletes_static_routes_first() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].static_routes.clear();
    d2.gateways[0].bgp.push(bgp_on_a(
        vec![net("10.10.0.0/16")],
        Some(SecretRef::Env("K".into())),
    ));
    let p = plan(&d2, &live, &opts()).unwrap();
    let bgp = find(&p, "bgp_route.gw1.IPV4", ChangeKind::Create);
    for a in p
        .actions
        .iter()
        .filter(|a| a.kind == ResourceKind::StaticRoute)
    {
        assert_eq!(a.change, ChangeKind::Delete);
        assert!(before(&p, a, bgp));
    }
    // And back again: BGP deleted before static routes are added.
    let p = plan(&d, &live_of(&d2), &opts()).unwrap();
    let del = find(&p, "bgp_route.gw1.IPV4", ChangeKind::Delete);
    let add = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/16]",
        ChangeKind::Create,
    );
    assert!(before(&p, del, add));
    // The plan file carries the reference, never the key.
    let text = serde_json::to_string(&plan(&d2, &live, &opts()).unwrap()).unwrap();
    assert!(!text.contains("k1"));
}

#[test]
fn new_destination_set_sharing_a_prefix_retargets_the_old_route() {
    let d = estate();
    let live = live_of(&d);
    let old_id = live.gateways[0]
        .static_routes
        .iter()
        .find(|r| r.dst == vec![net("10.10.0.0/16")])
        .map(|r| r.id.clone())
        .unwrap();
    let mut d2 = d.clone();
    d2.gateways[0].static_routes[0]
        .dst
        .push(net("10.11.0.0/16"));
    let p = plan(&d2, &live, &opts()).unwrap();
    // The API holds 10.10.0.0/16 once per gateway: no create beside the old
    // route, no delete that withdraws it, but one update of the old SRID.
    let up = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/16,10.11.0.0/16]",
        ChangeKind::Update,
    );
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    match &up.calls[..] {
        [Operation::UpdateStaticRoute { id, route, .. }] => {
            assert_eq!(id, &old_id);
            assert_eq!(route.dst_v4, vec![net("10.10.0.0/16"), net("10.11.0.0/16")]);
        }
        other => panic!("unexpected calls {other:?}"),
    }
    assert!(up.impact.is_empty(), "{:?}", up.impact);
    assert!(up.attributes.iter().any(|a| a.name == "dst"));
}

#[test]
fn new_destination_set_without_a_shared_prefix_is_made_before_the_old_one_is_broken() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].static_routes[0].dst = vec![net("10.10.0.0/17"), net("10.10.128.0/17")];
    let p = plan(&d2, &live, &opts()).unwrap();
    let add = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/17,10.10.128.0/17]",
        ChangeKind::Create,
    );
    let del = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/16]",
        ChangeKind::Delete,
    );
    assert!(before(&p, add, del));
}

#[test]
fn next_hop_change_updates_in_place_and_reports_lost_paths() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].static_routes[0].next_hops.pop();
    let p = plan(&d2, &live, &opts()).unwrap();
    let a = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/16]",
        ChangeKind::Update,
    );
    assert!(
        matches!(&a.calls[0], Operation::UpdateStaticRoute { id, route, .. } if id == "sr-gw1-0" && route.next_hops_v4.len() == 1)
    );
    assert_eq!(
        a.impact,
        vec![Impact::RedundancyReduced {
            prefixes: vec![net("10.10.0.0/16")]
        }]
    );
}

#[test]
fn bgp_key_change_is_sensitive_and_resets_the_session() {
    let mut d = estate();
    d.gateways[0].static_routes.clear();
    d.gateways[0].bgp.push(bgp_on_a(
        vec![net("10.10.0.0/16")],
        Some(SecretRef::Env("K".into())),
    ));
    let live = live_of(&d);
    assert!(plan(&d, &live, &opts()).unwrap().is_empty());
    let mut o = opts();
    o.secret_hashes
        .insert(SecretRef::Env("K".into()), crate::secret_hash("rotated"));
    let p = plan(&d, &live, &o).unwrap();
    let a = find(&p, "bgp_route.gw1.IPV4", ChangeKind::Update);
    let key = a
        .attributes
        .iter()
        .find(|c| c.name == "peers[a].key")
        .unwrap();
    assert!(key.sensitive && key.before.is_none() && key.after.is_none());
    assert_eq!(
        a.impact,
        vec![Impact::BgpSessionReset {
            peers: vec!["10.255.1.2".parse().unwrap()]
        }]
    );
    let err = plan(&d, &live, &PlanOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::UnresolvedSecret { .. }));
}

#[test]
fn fingerprints_detect_a_changed_live_estate() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines.push(line("c", 3));
    let p = plan(&d2, &live, &opts()).unwrap();
    assert_eq!(
        p.fingerprints.get("physical_line.c").map(String::as_str),
        Some(ABSENT)
    );
    assert!(crate::planfile::stale(&p, &live).is_empty());
    let mut changed = live.clone();
    changed.lines[1].bandwidth = 5;
    changed.gateways[0].static_routes.pop();
    assert_eq!(
        crate::planfile::stale(&p, &changed),
        vec![
            "physical_line.b".to_string(),
            "static_route.gw1.IPV4[10.20.0.0/16]".to_string()
        ]
    );
    // Something the plan meant to create appeared meanwhile, and an object
    // the plan never saw appeared: both make the plan stale.
    let mut appeared = live.clone();
    let mut c = appeared.lines[0].clone();
    c.id = "id-c".into();
    c.name = "c".into();
    appeared.lines.push(c.clone());
    c.id = "id-z".into();
    c.name = "z".into();
    appeared.lines.push(c);
    assert_eq!(
        crate::planfile::stale(&p, &appeared),
        vec!["physical_line.c".to_string(), "physical_line.z".to_string()]
    );
}

#[test]
fn normalise_makes_equal_estates_equal() {
    let d = estate();
    let a = live_of(&d);
    let mut b = a.clone();
    b.lines.reverse();
    b.gateways[0].static_routes.reverse();
    b.gateways[0].vpcs[0].subnets = vec![net("192.168.10.7/24")];
    b.normalise();
    assert_eq!(a, b);
    assert_eq!(a.fingerprints(), b.fingerprints());
}

#[test]
fn is_normalised_agrees_with_normalise() {
    let d = estate();
    let a = live_of(&d);
    assert!(a.is_normalised());
    let mut b = a.clone();
    b.gateways[0].static_routes.reverse();
    assert!(!b.is_normalised());
    b.normalise();
    assert!(b.is_normalised());
    let mut c = a.clone();
    c.gateways[0].vpcs[0].subnets = vec![net("192.168.10.7/24")];
    assert!(!c.is_normalised());
    // Planning an unnormalised copy gives the same plan.
    let mut d2 = d.clone();
    d2.physical_lines[0].bandwidth = 7;
    let mut shuffled = a.clone();
    shuffled.lines.reverse();
    assert_eq!(
        plan(&d2, &a, &opts()).unwrap(),
        plan(&d2, &shuffled, &opts()).unwrap()
    );
}

#[test]
fn moving_a_line_unbinds_it_before_binding_it_elsewhere() {
    let mut d = estate();
    d.gateways[0].static_routes[0]
        .next_hops
        .retain(|h| h.line == "a");
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways[0].lines = vec!["a".into()];
    let mut gw2 = gateway("gw2", &["b"]);
    gw2.hostname = Some("sw1".into());
    d2.gateways.push(gw2);
    let p = plan(&d2, &live, &opts()).unwrap();
    let unbind = find(&p, "binding.gw1.b", ChangeKind::Delete);
    let bind = find(&p, "binding.gw2.b", ChangeKind::Create);
    let gw = find(&p, "gateway.gw2", ChangeKind::Create);
    assert!(before(&p, unbind, bind) && before(&p, gw, bind));
    // b carried no route on gw1, so nothing goes down.
    assert!(unbind.impact.is_empty());
}

#[test]
fn description_of_a_bound_line_needs_an_unbind_and_says_so() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[1].description = Some("new text".into());
    let p = plan(&d2, &live, &opts()).unwrap();
    let update = find(&p, "physical_line.b", ChangeKind::Update);
    let unbind = find(&p, "binding.gw1.b", ChangeKind::Delete);
    let bind = find(&p, "binding.gw1.b", ChangeKind::Create);
    assert!(before(&p, unbind, update) && before(&p, update, bind));
    assert_eq!(
        unbind.impact,
        vec![Impact::LineDown {
            lines: vec!["b".into()]
        }]
    );
    assert!(
        matches!(&update.calls[0], Operation::UpdateLine { description: Some(t), .. } if t == "new text")
    );
}

#[test]
fn undeclared_lines_and_blocking_unmanaged_routes_are_errors() {
    let mut d = estate();
    d.gateways[0].lines.push("ghost".into());
    assert_eq!(
        plan(&d, &Inventory::default(), &opts()).unwrap_err(),
        PlanError::UnknownLine {
            address: "gateway.gw1".into(),
            line: "ghost".into()
        }
    );
    // An unmanaged static route stops the switch to BGP.
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.prune.clear();
    d2.gateways[0].static_routes.clear();
    d2.gateways[0].bgp.push(bgp_on_a(vec![], None));
    assert!(matches!(
        plan(&d2, &live, &opts()).unwrap_err(),
        PlanError::BlockedByUnmanaged { .. }
    ));
}

#[test]
fn routes_move_to_a_new_line_before_the_old_one_is_unbound() {
    let d = estate();
    let live = live_of(&d);
    // Line a leaves the estate; new line c takes over its routes.
    let mut d2 = d.clone();
    d2.physical_lines.retain(|l| l.name != "a");
    d2.physical_lines.push(line("c", 3));
    d2.gateways[0].lines = vec!["b".into(), "c".into()];
    d2.gateways[0].vpcs[0].health_check.as_mut().unwrap().dst_ip = "10.255.3.2".parse().unwrap();
    for r in &mut d2.gateways[0].static_routes {
        for h in &mut r.next_hops {
            if h.line == "a" {
                h.line = "c".into();
            }
        }
    }
    let p = plan(&d2, &live, &opts()).unwrap();
    let bind = find(&p, "binding.gw1.c", ChangeKind::Create);
    let unbind = find(&p, "binding.gw1.a", ChangeKind::Delete);
    let moved = find(
        &p,
        "static_route.gw1.IPV4[10.20.0.0/16]",
        ChangeKind::Update,
    );
    assert!(before(&p, bind, moved) && before(&p, moved, unbind));
    // Never without a path: the move is a swap, not a withdrawal.
    assert!(
        p.impact_summary().prefixes_withdrawn.is_empty(),
        "{:?}",
        p.impact_summary()
    );
    // The old line still goes down, but it no longer carries a prefix.
    assert_eq!(
        unbind.impact,
        vec![Impact::LineDown {
            lines: vec!["a".into()]
        }]
    );
}
