//! What the API cannot change and that carries no forwarding meaning is
//! left as is; `--replace` and `--target` addresses.

use super::*;
use crate::action::Requested;

fn with(replace: &[&str], targets: &[&str]) -> PlanOptions {
    let mut o = opts();
    o.requested = Requested {
        targets: targets.iter().map(|s| s.to_string()).collect(),
        replace: replace.iter().map(|s| s.to_string()).collect(),
    };
    o
}

fn addresses(p: &Plan) -> Vec<(&str, ChangeKind)> {
    p.actions
        .iter()
        .map(|a| (a.address.as_str(), a.change))
        .collect()
}

/// The estate, live with a gateway description and VPC name that the
/// file changes.
fn renamed() -> (DesiredState, Inventory) {
    let d = estate();
    let mut live = live_of(&d);
    live.gateways[0].description = Some("old text".into());
    live.gateways[0].vpcs[0].name = Some("old-name".into());
    let mut d2 = d;
    d2.gateways[0].description = Some("new text".into());
    d2.gateways[0].vpcs[0].name = Some("new-name".into());
    (d2, live)
}

#[test]
fn a_gateway_description_and_a_vpc_name_are_left_as_is_and_noted() {
    let (d, live) = renamed();
    let p = plan(&d, &live, &opts()).unwrap();
    assert!(p.is_empty(), "{:?}", addresses(&p));
    assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
    assert!(p.notes[0].starts_with("gateway.gw1: `description` (\"old text\" → \"new text\") cannot be changed through the API; left as is (`--replace gateway.gw1`"), "{}", p.notes[0]);
    assert!(
        p.notes[1].starts_with("vpc.gw1.vpc-1: `name`"),
        "{}",
        p.notes[1]
    );
}

#[test]
fn a_left_as_is_change_beside_an_in_place_one_updates_only_the_other() {
    let (mut d, live) = renamed();
    d.gateways[0].vpcs[0].subnets.push(net("192.168.20.0/24"));
    let p = plan(&d, &live, &opts()).unwrap();
    assert_eq!(addresses(&p), vec![("vpc.gw1.vpc-1", ChangeKind::Update)]);
    let names: Vec<&str> = p.actions[0]
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, vec!["subnets"]);
    assert!(p
        .notes
        .iter()
        .any(|n| n.starts_with("vpc.gw1.vpc-1: `name`")));
}

#[test]
fn replace_applies_a_left_as_is_change() {
    let (d, live) = renamed();
    let p = plan(&d, &live, &with(&["gateway.gw1"], &[])).unwrap();
    let gw = find(&p, "gateway.gw1", ChangeKind::Replace);
    assert_eq!(gw.attributes[0].name, "description");
    assert!(!gw.attributes[0].forces_replace);
    // Its children come back after it, the VPC with its new name.
    let vpc = find(&p, "vpc.gw1.vpc-1", ChangeKind::Create);
    assert!(before(&p, gw, vpc));
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    assert_eq!(p.requested.replace, vec!["gateway.gw1"]);
}

#[test]
fn replace_re_attaches_an_unchanged_vpc_and_says_what_it_withdraws() {
    let d = estate();
    let live = live_of(&d);
    let p = plan(&d, &live, &with(&["vpc.gw1.vpc-1"], &[])).unwrap();
    let vpc = find(&p, "vpc.gw1.vpc-1", ChangeKind::Replace);
    assert!(matches!(vpc.calls[0], Operation::DeleteVpc { .. }));
    assert!(matches!(vpc.calls[1], Operation::AddVpc { .. }));
    assert!(vpc.impact.contains(&Impact::PrefixesWithdrawn {
        prefixes: vec![net("192.168.10.0/24")]
    }));
    // Its health check goes before and comes back after.
    let del = find(&p, "health_check.gw1.vpc-1", ChangeKind::Delete);
    let add = find(&p, "health_check.gw1.vpc-1", ChangeKind::Create);
    assert!(before(&p, del, vpc) && before(&p, vpc, add));
}

#[test]
fn replace_re_creates_routes_lines_and_health_checks() {
    let d = estate();
    let live = live_of(&d);
    let route = "static_route.gw1.IPV4[10.20.0.0/16]";
    let p = plan(&d, &live, &with(&[route], &[])).unwrap();
    let del = find(&p, route, ChangeKind::Delete);
    let add = find(&p, route, ChangeKind::Create);
    assert!(before(&p, del, add));
    assert!(del.impact.contains(&Impact::PrefixesWithdrawn {
        prefixes: vec![net("10.20.0.0/16")]
    }));

    let p = plan(&d, &live, &with(&["health_check.gw1.vpc-1"], &[])).unwrap();
    assert_eq!(
        addresses(&p),
        vec![("health_check.gw1.vpc-1", ChangeKind::Replace)]
    );

    let p = plan(&d, &live, &with(&["physical_line.b"], &[])).unwrap();
    let line = find(&p, "physical_line.b", ChangeKind::Replace);
    let unbind = find(&p, "binding.gw1.b", ChangeKind::Delete);
    let bind = find(&p, "binding.gw1.b", ChangeKind::Create);
    assert!(before(&p, unbind, line) && before(&p, line, bind));
}

#[test]
fn replace_re_creates_a_bgp_route_and_resets_its_sessions() {
    let mut d = estate();
    d.gateways[0].static_routes.clear();
    d.gateways[0]
        .bgp
        .push(bgp_on_a(vec![net("10.10.0.0/16")], None));
    let live = live_of(&d);
    assert!(plan(&d, &live, &opts()).unwrap().is_empty());
    let p = plan(&d, &live, &with(&["bgp_route.gw1.IPV4"], &[])).unwrap();
    let del = find(&p, "bgp_route.gw1.IPV4", ChangeKind::Delete);
    let add = find(&p, "bgp_route.gw1.IPV4", ChangeKind::Create);
    assert!(before(&p, del, add));
    assert!(!del.impact.is_empty(), "{:?}", del.impact);
}

#[test]
fn replace_refuses_what_it_cannot_replace_and_suggests_close_addresses() {
    let d = estate();
    let live = live_of(&d);
    let err = plan(&d, &live, &with(&["binding.gw1.a"], &[])).unwrap_err();
    assert!(matches!(err, PlanError::NotReplaceable { .. }), "{err}");
    let err = plan(&d, &live, &with(&["vpc.gw1.vpc-2"], &[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--replace vpc.gw1.vpc-2: no such object in the file or the live estate; did you mean `vpc.gw1.vpc-1`?"
    );
    let mut protected = d.clone();
    protected.gateways[0].vpcs[0].protect = true;
    let err = plan(&protected, &live, &with(&["vpc.gw1.vpc-1"], &[])).unwrap_err();
    assert_eq!(
        err,
        PlanError::Protected {
            address: "vpc.gw1.vpc-1".into(),
            attribute: "--replace".into(),
            live: None,
            file: None,
        }
    );
}

#[test]
fn a_target_keeps_the_line_its_binding_needs_and_nothing_else() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines.push(line("c", 3));
    d2.gateways[0].lines.push("c".into());
    d2.gateways[0].vpcs.push(vpc("vpc-2"));
    let full = plan(&d2, &live, &opts()).unwrap();
    assert!(full.actions.len() > 2);
    let p = plan(&d2, &live, &with(&[], &["binding.gw1.c"])).unwrap();
    assert_eq!(
        addresses(&p),
        vec![
            ("physical_line.c", ChangeKind::Create),
            ("binding.gw1.c", ChangeKind::Create)
        ]
    );
    assert_eq!(p.actions[1].depends_on, vec![0]);
    assert!(p.requested.is_partial());
    // The saved plan still fingerprints the whole live estate it read.
    for (address, fingerprint) in &live.fingerprints() {
        assert_eq!(p.fingerprints.get(address), Some(fingerprint), "{address}");
    }
}

#[test]
fn a_targeted_gateway_delete_takes_its_children_first() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.gateways.clear();
    let p = plan(&d2, &live, &with(&[], &["gateway.gw1"])).unwrap();
    let gw = find(&p, "gateway.gw1", ChangeKind::Delete);
    for (addr, _) in addresses(&p) {
        if addr != "gateway.gw1" {
            let child = find(&p, addr, ChangeKind::Delete);
            assert!(before(&p, child, gw), "{addr}");
        }
    }
    assert_eq!(
        p.actions.len(),
        plan(&d2, &live, &opts()).unwrap().actions.len()
    );
}

#[test]
fn a_targeted_line_replace_keeps_both_halves_of_its_rebinding() {
    let d = estate();
    let live = live_of(&d);
    let mut d2 = d.clone();
    d2.physical_lines[1].vlan = Some(2000);
    let p = plan(&d2, &live, &with(&[], &["physical_line.b"])).unwrap();
    find(&p, "physical_line.b", ChangeKind::Replace);
    find(&p, "binding.gw1.b", ChangeKind::Delete);
    find(&p, "binding.gw1.b", ChangeKind::Create);
    // The route moved off the line for the while comes back onto it.
    let route = "static_route.gw1.IPV4[10.10.0.0/16]";
    let moves: Vec<&Action> = p.actions.iter().filter(|a| a.address == route).collect();
    assert_eq!(moves.len(), 2, "{:?}", addresses(&p));
}

#[test]
fn an_unknown_target_is_an_error_with_suggestions() {
    let d = estate();
    let live = live_of(&d);
    let err = plan(&d, &live, &with(&[], &["gateway.gw2"])).unwrap_err();
    match err {
        PlanError::UnknownAddress {
            flag, suggestions, ..
        } => {
            assert_eq!(flag, "--target");
            assert_eq!(suggestions[0], "gateway.gw1");
        }
        other => panic!("{other}"),
    }
    // A target with nothing to do is no error: the plan is empty.
    let p = plan(&d, &live, &with(&[], &["vpc.gw1.vpc-1"])).unwrap();
    assert!(p.is_empty());
}
