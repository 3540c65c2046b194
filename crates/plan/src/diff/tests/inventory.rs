//! The live inventory: fingerprints and normal form.

use super::*;

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
fn normalised_inventory_is_canonical_and_plans_like_plan() {
    let d = estate();
    let a = live_of(&d);
    let mut shuffled = a.clone();
    shuffled.lines.reverse();
    shuffled.gateways[0].static_routes.reverse();
    let normalised = shuffled.clone().into_normalised();
    assert!(normalised.is_normalised());
    assert_eq!(*normalised, a);
    assert_eq!(
        crate::NormalisedInventory::from(shuffled.clone()),
        normalised
    );
    let mut d2 = d.clone();
    d2.physical_lines[0].bandwidth = 7;
    let typed = plan_normalised(&d2, &normalised, &opts()).unwrap();
    assert_eq!(typed, plan(&d2, &shuffled, &opts()).unwrap());
    assert_eq!(normalised.into_inner(), a);
}

#[test]
fn a_binding_is_addressed_by_its_line_name_or_by_an_unknown_id() {
    let d = estate();
    let mut live = live_of(&d);
    let gw = live.gateways[0].name.clone();
    let known = live.gateways[0].line_ids[0].clone();
    let name = live
        .lines
        .iter()
        .find(|l| l.id == known)
        .map(|l| l.name.clone())
        .unwrap();
    live.gateways[0].line_ids.push("id-gone".into());
    let bound = live.bound_lines(&live.line_positions());
    let at = bound.of(0);
    assert_eq!(at.len(), live.gateways[0].line_ids.len());
    assert_eq!(live.lines[at[0] as usize].id, known);
    assert_eq!(at.last(), Some(&crate::inventory::BoundLines::UNKNOWN));
    assert!(bound.of(live.gateways.len()).is_empty());
    let prints = live.fingerprints();
    assert!(prints.contains_key(&format!("binding.{gw}.{name}")));
    assert!(prints.contains_key(&format!("binding.{gw}.id-gone")));
    // The plan reads the same positions from matching lines: its map of
    // what it read is the inventory's own.
    let p = plan(&d, &live, &opts()).unwrap();
    for (address, print) in &prints {
        assert_eq!(p.fingerprints.get(address), Some(print), "{address}");
    }
}
