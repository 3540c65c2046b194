//! Static and BGP routes: in-place changes, retargets, make-before-break,
//! moves off lines that are unbound.

use super::*;

#[test]
fn protected_route_under_a_replaced_gateway_fails() {
    let d = estate();
    let live = {
        let mut l = live_of(&d);
        l.gateways[0].access_point = Some("AP1".into());
        l
    };
    let mut d2 = d.clone();
    d2.gateways[0].access_point = Some("AP2".into());
    d2.gateways[0].static_routes[0].protect = true;
    let err = plan(&d2, &live, &opts()).unwrap_err();
    assert_eq!(
        err,
        PlanError::Protected {
            address: "static_route.gw1.IPV4[10.10.0.0/16]".into(),
            attribute: "gateway.access_point".into(),
            live: None,
            file: None,
        }
    );
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

/// The live estate with every static next hop's BFD unshown (GO's rows).
fn without_bfd(mut live: Inventory) -> Inventory {
    for r in &mut live.gateways[0].static_routes {
        for h in &mut r.next_hops {
            h.bfd = None;
        }
    }
    live
}

#[test]
fn unshown_bfd_is_not_compared_but_other_hop_changes_are() {
    let mut d = estate();
    for h in &mut d.gateways[0].static_routes[0].next_hops {
        h.bfd = true;
    }
    let live = without_bfd(live_of(&d));
    let p = plan(&d, &live, &opts()).unwrap();
    assert!(
        p.actions
            .iter()
            .all(|a| a.kind != ResourceKind::StaticRoute),
        "{:#?}",
        p.actions
    );
    // A priority change still plans an update, which carries the BFD the
    // file declares.
    let mut d2 = d.clone();
    d2.gateways[0].static_routes[0].next_hops[0].priority += 100;
    let p = plan(&d2, &live, &opts()).unwrap();
    let up = find(
        &p,
        "static_route.gw1.IPV4[10.10.0.0/16]",
        ChangeKind::Update,
    );
    let Some(Operation::UpdateStaticRoute { route, .. }) = up.calls.first() else {
        panic!("{up:#?}");
    };
    assert!(route.next_hops_v4.iter().all(|h| h.bfd));
}
