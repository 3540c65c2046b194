//! Renderings of what was asked for beyond the file, on the estate
//! `examples/redundant-static.yaml` created: a change the API cannot make
//! left as is, `--replace` (a VPC re-attached, a static route re-created)
//! and a partial plan (`--target`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plan::action::Requested;
use plan::render::{human, json, markdown, HumanOptions};
use plan::{DesiredState, Inventory, Plan, PlanOptions};
use std::path::Path;

const PLAIN: HumanOptions = HumanOptions { color: false };
const VPC: &str = "vpc.gwbjprod01.vpc-8f3k2m1q";
const ROUTE: &str = "static_route.gwbjprod01.IPV4[10.30.0.0/16]";

fn example() -> DesiredState {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/redundant-static.yaml");
    plan::desired::load(&path).unwrap()
}

fn created(state: &DesiredState) -> Inventory {
    let plan = plan::plan(state, &Inventory::default(), &PlanOptions::default()).unwrap();
    plan::testing::created(&plan, "unused")
}

fn requested(targets: &[&str], replace: &[&str]) -> PlanOptions {
    PlanOptions {
        requested: Requested {
            targets: targets.iter().map(|s| s.to_string()).collect(),
            replace: replace.iter().map(|s| s.to_string()).collect(),
        },
        ..PlanOptions::default()
    }
}

/// The gateway's description and the VPC's name changed in the file; the
/// VPC and one route replaced on request.
fn replace_plan() -> Plan {
    let state = example();
    let live = created(&state);
    let mut edited = state.clone();
    edited.gateways[0].description = Some("Beijing production gateway, DR tested".into());
    edited.gateways[0].vpcs[0].name = Some("bj-prod-core-2".into());
    let left = plan::plan(&edited, &live, &PlanOptions::default()).unwrap();
    assert!(left.is_empty());
    assert_eq!(left.notes.len(), 2, "{:?}", left.notes);
    plan::plan(&edited, &live, &requested(&[], &[VPC, ROUTE])).unwrap()
}

/// Line bj-idc2-b's bandwidth raised and a second VPC added, planned for
/// the line only.
fn partial_plan() -> Plan {
    let state = example();
    let live = created(&state);
    let mut edited = state.clone();
    edited.physical_lines[1].bandwidth = 2000;
    let mut vpc = edited.gateways[0].vpcs[0].clone();
    vpc.id = "vpc-2b7x9k4p".into();
    vpc.health_check = None;
    edited.gateways[0].vpcs.push(vpc);
    let whole = plan::plan(&edited, &live, &PlanOptions::default()).unwrap();
    assert_eq!(whole.actions.len(), 2);
    plan::plan(
        &edited,
        &live,
        &requested(&["physical_line.bj-idc2-b"], &[]),
    )
    .unwrap()
}

#[test]
fn replace_as_requested_human() {
    insta::assert_snapshot!(human(&replace_plan(), &PLAIN));
}

#[test]
fn replace_as_requested_json() {
    let text = json(&replace_plan());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["replace"], serde_json::json!([VPC, ROUTE]));
    let flagged = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["replace_requested"] == true)
        .count();
    assert_eq!(flagged, 3, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn replace_as_requested_markdown() {
    insta::assert_snapshot!(markdown(&replace_plan()));
}

#[test]
fn partial_plan_human_and_markdown() {
    let plan = partial_plan();
    assert_eq!(plan.actions.len(), 1);
    insta::assert_snapshot!("partial_human", human(&plan, &PLAIN));
    insta::assert_snapshot!("partial_markdown", markdown(&plan));
    let doc: serde_json::Value = serde_json::from_str(&json(&plan)).unwrap();
    assert_eq!(
        doc["targets"],
        serde_json::json!(["physical_line.bj-idc2-b"])
    );
}
