#![allow(clippy::unwrap_used)]

use super::*;
use crate::inventory::{LiveStaticRoute, LiveVpc};
use crate::model::{IpVersion, Kind, StaticRoute};
use crate::testing::live_line;

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn line(name: &str, n: u8) -> PhysicalLine {
    crate::testing::desired_line(name, n)
}

fn gateway(name: &str, n: u8) -> Gateway {
    Gateway {
        name: name.into(),
        hostname: None,
        access_point: None,
        description: None,
        lines: vec![format!("line{n}")],
        vpcs: vec![],
        static_routes: vec![StaticRoute {
            dst: vec![net(&format!("10.{n}.0.0/16"))],
            next_hops: vec![],
            protect: false,
        }],
        bgp: vec![],
        protect: false,
    }
}

fn live_gateway(name: &str, n: u8) -> LiveGateway {
    LiveGateway {
        name: name.into(),
        hostname: None,
        access_point: None,
        description: None,
        line_ids: vec![format!("pl-{n}")],
        vpcs: vec![LiveVpc {
            id: format!("vpc-{n}"),
            name: None,
            bandwidth: 50,
            ip_version: IpVersion::Ipv4,
            network_segment: None,
            network_segment_v6: None,
            subnets: vec![],
            subnets_v6: vec![],
            dc_type: None,
            health_check: None,
        }],
        static_routes: vec![LiveStaticRoute {
            id: format!("sr-{n}"),
            ip_version: IpVersion::Ipv4,
            dst: vec![net(&format!("10.{n}.0.0/16"))],
            next_hops: vec![],
            next_hops_v6: vec![],
        }],
        bgp_routes: vec![],
    }
}

/// Three gateways, each with one line; the live estate names them as
/// `live_name(n)` says.
fn estate(live_name: impl Fn(u8) -> String) -> (DesiredState, Inventory) {
    let desired = DesiredState {
        region: "nm8".into(),
        account: None,
        prune: vec![Kind::Gateways],
        physical_lines: (1..=3).map(|n| line(&format!("line{n}"), n)).collect(),
        gateways: (1..=3).map(|n| gateway(&format!("gw{n}"), n)).collect(),
    };
    let live = Inventory {
        lines: desired
            .physical_lines
            .iter()
            .zip(1u8..)
            .map(|(l, n)| live_line(l, format!("pl-{n}"), Some(live_name(n))))
            .collect(),
        gateways: (1..=3).map(|n| live_gateway(&live_name(n), n)).collect(),
    };
    (desired, live)
}

#[test]
fn matching_names_find_nothing() {
    let (desired, live) = estate(|n| format!("gw{n}"));
    let report = check_identities(&desired, &live);
    assert_eq!(report.findings, vec![]);
    assert!(!report.blocks_plan());
}

#[test]
fn gateway_ids_read_as_names_stop_the_plan() {
    let (desired, live) = estate(|n| format!("lg-0000{n}abc"));
    let report = check_identities(&desired, &live);
    assert!(report.blocks_plan());
    let text = report.to_string();
    assert!(text.starts_with(MISMATCH_MESSAGE), "{text}");
    assert!(
        text.contains("live gateway.lg-00001abc looks like gateway.gw1 in the file"),
        "{text}"
    );
    assert!(text.contains("VPC vpc-1") || text.contains("route destination 10.1.0.0/16"));
    assert!(text.contains("looks like a gateway ID"), "{text}");
    assert_eq!(
        report.declared_lookalikes(),
        vec!["gateway.gw1", "gateway.gw2", "gateway.gw3"]
    );
}

#[test]
fn every_kind_of_evidence_counts() {
    let (desired, live) = estate(|n| format!("other{n}"));
    let report = check_identities(&desired, &live);
    let Some(Finding::LookAlike { shared, .. }) = report
        .findings
        .iter()
        .find(|f| matches!(f, Finding::LookAlike { declared, .. } if declared == "gateway.gw1"))
    else {
        panic!("{:?}", report.findings)
    };
    assert_eq!(
        shared,
        &vec![
            "route destination 10.1.0.0/16".to_string(),
            "bound line line1".to_string()
        ]
    );
}

#[test]
fn valid_but_different_names_stop_only_for_a_large_share() {
    // All three renamed (valid names): a large share, stop.
    let (desired, live) = estate(|n| format!("other{n}"));
    assert!(check_identities(&desired, &live).blocks_plan());
    // One of three renamed: a rename, not a misreading.
    let (desired, live) = estate(|n| {
        if n == 1 {
            "other1".into()
        } else {
            format!("gw{n}")
        }
    });
    let report = check_identities(&desired, &live);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert!(!report.blocks_plan());
}

#[test]
fn one_misread_look_alike_is_enough() {
    let (desired, live) = estate(|n| {
        if n == 1 {
            "lg-1a2b3c".into()
        } else {
            format!("gw{n}")
        }
    });
    assert!(check_identities(&desired, &live).blocks_plan());
}

#[test]
fn unrelated_live_gateways_are_not_look_alikes() {
    let (desired, mut live) = estate(|n| format!("gw{n}"));
    live.gateways.push(live_gateway("legacy1", 9));
    live.gateways.push(live_gateway("legacy2", 8));
    let report = check_identities(&desired, &live);
    assert_eq!(report.findings, vec![]);
}

#[test]
fn lines_renamed_with_the_same_port_and_addresses_are_look_alikes() {
    let (mut desired, live) = estate(|n| format!("gw{n}"));
    for l in &mut desired.physical_lines {
        l.name = format!("{}-new", l.name);
    }
    for g in &mut desired.gateways {
        for l in &mut g.lines {
            l.push_str("-new");
        }
    }
    let report = check_identities(&desired, &live);
    assert!(report.blocks_plan());
    assert!(report.to_string().contains(
        "live physical_line.line1 looks like physical_line.line1-new in the file (same switch port sw1 GE1/0/1, address 10.255.1.1/30, address 10.255.1.2/30)"
    ), "{report}");
}

#[test]
fn a_pinned_line_is_matched_whatever_its_name() {
    let (mut desired, live) = estate(|n| format!("gw{n}"));
    for (l, n) in desired.physical_lines.iter_mut().zip(1..) {
        l.name = format!("{}-new", l.name);
        l.id = Some(format!("pl-{n}"));
    }
    for g in &mut desired.gateways {
        for l in &mut g.lines {
            l.push_str("-new");
        }
    }
    assert!(!check_identities(&desired, &live).blocks_plan());
}

#[test]
fn name_rules() {
    assert_eq!(gateway_name_problem("gwprod01"), None);
    assert!(gateway_name_problem("g").is_some());
    assert!(gateway_name_problem("gw_prod").is_some());
    assert!(gateway_name_problem("abcdefghijklmnopqrstu").is_some());
    assert!(gateway_name_problem("lg-8f3k2")
        .unwrap()
        .contains("looks like a gateway ID"));
    assert_eq!(line_name_problem("bj-idc-a"), None);
    assert!(line_name_problem("a").is_some());
    assert!(line_name_problem("a\nb").is_some());
    assert_eq!(id_lookalike("lg-"), None);
    assert_eq!(id_lookalike("LG-12"), Some("a gateway ID"));
}

#[test]
fn a_line_named_by_its_id_is_not_a_name() {
    let (desired, mut live) = estate(|n| format!("gw{n}"));
    live.lines[0].name = live.lines[0].id.clone();
    let report = check_identities(&desired, &live);
    assert!(report.findings.contains(&Finding::NotAName {
        address: "physical_line.pl-1".into(),
        problem: "`pl-1` is the line's ID, not its name".into()
    }));
}

#[test]
fn shared_names_marks_each_name_found_in_the_other_list_in_any_order() {
    let declared = ["b", "a", "c", "a"];
    let live = ["d", "a", "c", "c"];
    let (declared_live, live_declared) =
        shared_names(declared.iter().copied(), live.iter().copied());
    assert_eq!(declared_live, [false, true, true, true]);
    assert_eq!(live_declared, [false, true, true, true]);
    let (none, all_absent) = shared_names(["x"].into_iter(), std::iter::empty());
    assert_eq!((none, all_absent), (vec![false], vec![]));
}
