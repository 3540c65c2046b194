//! Gateways, VPC attachments and health checks; unmanaged and pruned objects.

use super::*;

#[test]
fn gateway_attribute_change_replaces_it_with_its_children() {
    let d = estate();
    let mut live = live_of(&d);
    live.gateways[0].access_point = Some("AP1".into());
    let mut d2 = d.clone();
    d2.gateways[0].access_point = Some("AP2".into());
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
fn unreadable_health_check_settings_are_not_compared_and_the_plan_says_so() {
    let d = estate();
    let mut live = live_of(&d);
    live.gateways[0].vpcs[0].health_check = Some(crate::inventory::LiveHealthCheck::unreadable());
    // Whatever the file says, no update and no re-create from unreadable values.
    let mut d2 = d.clone();
    d2.gateways[0].vpcs[0]
        .health_check
        .as_mut()
        .unwrap()
        .interval = 5;
    for desired in [&d, &d2] {
        let p = plan(desired, &live, &opts()).unwrap();
        assert!(p.actions.is_empty(), "{:?}", p.actions);
        assert_eq!(
            p.notes,
            vec!["health_check.gw1.vpc-1: the health check's settings are not readable through the API and are not compared"]
        );
        let shown = crate::render::human(&p, &crate::render::HumanOptions::default());
        assert!(shown.contains("No changes."), "{shown}");
        assert!(
            shown.contains("Note: health_check.gw1.vpc-1: the health check's settings are not readable through the API and are not compared."),
            "{shown}"
        );
        assert!(crate::render::json(&p).contains("not readable through the API"));
    }
    // A check the file drops is still deleted when health checks are pruned:
    // it exists, only its settings are unreadable.
    let mut d3 = d.clone();
    d3.gateways[0].vpcs[0].health_check = None;
    d3.prune.push(crate::model::Kind::HealthChecks);
    let p = plan(&d3, &live, &opts()).unwrap();
    find(&p, "health_check.gw1.vpc-1", ChangeKind::Delete);
}
