//! Lines and bindings: matching, in-place changes, replaces and moves.

use super::*;

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

/// Lines are matched by walking the sorted lists side by side: a pinned ID
/// claims its live line first, a declared name takes only the first live
/// line of that name, and live lines sharing a name stay apart.
#[test]
fn matching_by_name_takes_the_first_live_line_of_a_name_that_no_pin_took() {
    let mut d = estate();
    d.gateways.clear();
    d.prune.clear();
    let mut pinned = line("z", 3);
    pinned.id = Some("id-a".into());
    d.physical_lines = vec![line("a", 1), line("b", 2), pinned];
    let mut live = live_of(&DesiredState {
        physical_lines: vec![line("a", 1), line("b", 2), line("c", 4)],
        ..d.clone()
    });
    let mut twin = live.lines[0].clone();
    twin.id = "id-a2".into();
    live.lines.push(twin);
    live.normalise();
    let p = plan(&d, &live, &opts()).unwrap();
    // `z` took `id-a` by its pin, so `a` finds the first live `a` taken and
    // is created; the second live `a` and `c` are left alone.
    find(&p, "physical_line.a", ChangeKind::Create);
    find(&p, "physical_line.z", ChangeKind::Replace);
    let kept: Vec<&str> = p.unmanaged.iter().map(|u| u.address.as_str()).collect();
    assert_eq!(kept, ["physical_line.a#id-a2", "physical_line.c"]);
    assert!(
        p.actions.iter().all(|a| !a.address.ends_with(".b")),
        "{:#?}",
        p.actions
    );
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
            attribute: "remote_ip".into(),
            live: Some("`10.255.1.2/30`".into()),
            file: Some("`10.255.1.3/30`".into()),
        }
    );
    // Which attribute forces it, both values, and both ways out.
    assert_eq!(
        err.to_string(),
        "physical_line.a is protected, but `remote_ip` differs (live: `10.255.1.2/30`, file: \
         `10.255.1.3/30`) and cannot change in place, so it would be replaced; set `remote_ip` \
         back to `10.255.1.2/30`, or remove `protect: true` to let it be replaced"
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
