//! Renderings of plans made by `plan::plan` from a desired state and a live
//! inventory (not hand-built): every change kind, traffic impact, a BGP key
//! rotation, unmanaged objects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::export::desired_from_inventory;
use plan::inventory::{LiveGateway, LiveNextHop, LiveStaticRoute};
use plan::model::{IpVersion, Kind, NextHop, PhysicalLine, SecretRef};
use plan::render::{drift, human, json, markdown, HumanOptions};
use plan::{Inventory, Plan, PlanOptions};
use render_fixtures::*;

const PLAIN: HumanOptions = HumanOptions { color: false };

/// Live: the fixture estate plus a route to 10.30.0.0/16 and a lab gateway
/// the file does not declare. Desired: the export of the fixture estate,
/// changed by hand as an engineer would.
fn diffed_plan() -> Plan {
    let mut live: Inventory = inventory();
    live.gateways[0].static_routes.push(LiveStaticRoute {
        id: "sr-3".into(),
        ip_version: IpVersion::Ipv4,
        dst: vec![net("10.30.0.0/16")],
        next_hops: vec![LiveNextHop {
            remote_ip: "10.255.0.6".parse().unwrap(),
            priority: 10,
            track: false,
            bfd: Some(false),
        }],
        next_hops_v6: vec![],
    });
    live.gateways.push(LiveGateway {
        name: "gwlab".into(),
        hostname: Some("sw-lab-01".into()),
        access_point: None,
        description: None,
        line_ids: vec![],
        vpcs: vec![],
        static_routes: vec![],
        bgp_routes: vec![],
    });

    let mut desired = desired_from_inventory(&inventory(), "nm8", Some("netops@example.com"));
    desired.prune = vec![Kind::Routes];
    // A new line, bound to gwprod01, replacing bj-idc-b as second next hop.
    let mut line: PhysicalLine = desired.physical_lines[1].clone();
    line.name = "bj-idc-c".into();
    line.id = None;
    line.switch.port = "GE1/0/3".into();
    line.vlan = Some(1003);
    line.local_ip = Some(net("10.255.0.9/30"));
    line.remote_ip = Some(net("10.255.0.10/30"));
    desired.physical_lines.push(line);
    let gw1 = &mut desired.gateways[0];
    gw1.lines.push("bj-idc-c".into());
    gw1.static_routes[0].next_hops[1] = NextHop {
        line: "bj-idc-c".into(),
        priority: 20,
        track: false,
        bfd: false,
    };
    // The VPC gets more bandwidth and a subnet.
    gw1.vpcs[0].bandwidth = 1000;
    gw1.vpcs[0].subnets.push(net("192.168.30.0/24"));
    // bj-idc-a gets more bandwidth (in place).
    desired.physical_lines[1].bandwidth = 2000;
    // sh-idc-a moves port: the line must be replaced.
    desired.physical_lines[3].switch.port = "GE1/0/8".into();

    let mut options = PlanOptions::default();
    // The BGP key is rotated.
    options.secret_hashes.insert(
        SecretRef::Env("CDA_BGP_KEY_GWPROD02_SH_IDC_A".into()),
        NEW_KEY_HASH.into(),
    );
    plan::plan(&desired, &live, &options).unwrap()
}

#[test]
fn human_rendering() {
    let plan = diffed_plan();
    let text = human(&plan, &PLAIN);
    assert!(!text.contains("sha256"));
    assert!(text.contains("Plan: "));
    insta::assert_snapshot!(text);
}

#[test]
fn json_rendering() {
    let text = json(&diffed_plan());
    assert!(!text.contains("sha256"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format_version"], "1");
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_rendering() {
    let text = markdown(&diffed_plan());
    assert!(!text.contains("sha256"));
    insta::assert_snapshot!(text);
}

#[test]
fn drift_rendering() {
    let text = drift(&diffed_plan(), &PLAIN);
    assert!(text.starts_with("Refresh-only report."));
    assert!(text.contains("Drift detected:"));
    insta::assert_snapshot!(text);
}

#[test]
fn plan_lists_the_lab_gateway_as_unmanaged() {
    let plan = diffed_plan();
    assert!(plan.unmanaged.iter().any(|u| u.address == "gateway.gwlab"));
    assert!(human(&plan, &PLAIN).contains("  * gateway.gwlab"));
}
