#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The example policy `policy/deny_line_delete.rego`, run for real.
//!
//! Neither `opa` nor `conftest` can be installed from the registries this
//! project builds from, so the rule is evaluated with regorus, a Rego
//! interpreter (crates.io), on JSON plans rendered by `plan::render::json`
//! from real diffs: the same file and the same input users give conftest.
//! The OPA-format unit tests in `policy/deny_line_delete_test.rego` run here
//! too, so `opa test policy/` and this test check the same cases.

use plan::model::{DesiredState, Kind};
use plan::testing::live_line;
use plan::{ChangeKind, Inventory, Plan, PlanOptions, ResourceKind};
use regorus::{Engine, Value};
use std::path::{Path, PathBuf};

fn policy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policy")
}

fn engine() -> Engine {
    let mut engine = Engine::new();
    engine
        .add_policy_from_file(policy_dir().join("deny_line_delete.rego"))
        .unwrap();
    engine
}

/// `data.main.deny` for this JSON document: the messages, sorted.
fn deny(json: &str) -> Vec<String> {
    let mut engine = engine();
    engine.set_input_json(json).unwrap();
    let value = engine.eval_rule("data.main.deny".to_owned()).unwrap();
    let mut messages: Vec<String> = value
        .as_set()
        .unwrap()
        .iter()
        .map(|m| m.as_string().unwrap().to_string())
        .collect();
    messages.sort();
    messages
}

fn deny_plan(plan: &Plan) -> Vec<String> {
    deny(&plan::render::json(plan))
}

/// Two lines, not bound to any gateway: enough to exercise line actions.
const TWO_LINES: &str = r#"
region: nm8
prune: [physical_lines]
physical_lines:
  - name: bj-idc-a
    switch: { hostname: nm8-cda-sw01, port: GE1/0/1, port_type: 10G }
    line_type: IPRAN
    bandwidth: 1000
    vlan: 1001
    ip_version: IPV4
    local_ip: 10.255.0.1/30
    remote_ip: 10.255.0.2/30
  - name: bj-idc-b
    switch: { hostname: nm8-cda-sw02, port: GE1/0/1, port_type: 10G }
    line_type: IPRAN
    bandwidth: 1000
    vlan: 1002
    ip_version: IPV4
    local_ip: 10.255.0.5/30
    remote_ip: 10.255.0.6/30
"#;

fn desired() -> DesiredState {
    plan::desired::parse("two-lines.yaml", TWO_LINES).unwrap()
}

/// The live estate exactly as `desired()` declares it.
fn live_as_declared() -> Inventory {
    let lines = desired()
        .physical_lines
        .iter()
        .enumerate()
        .map(|(i, l)| live_line(l, format!("line-{i:04}"), None))
        .collect();
    Inventory {
        lines,
        gateways: Vec::new(),
    }
}

fn plan_for(desired: &DesiredState, live: &Inventory) -> Plan {
    plan::plan(desired, live, &PlanOptions::default()).unwrap()
}

/// The plan has exactly one line action, of this kind.
fn assert_line_action(plan: &Plan, change: ChangeKind) {
    let line_actions: Vec<_> = plan
        .actions
        .iter()
        .filter(|a| a.kind == ResourceKind::PhysicalLine)
        .collect();
    assert_eq!(line_actions.len(), 1, "{:#?}", plan.actions);
    assert_eq!(line_actions[0].change, change);
}

#[test]
fn deleting_a_line_is_denied() {
    let mut desired = desired();
    desired.physical_lines.retain(|l| l.name == "bj-idc-a");
    assert!(desired.prune.contains(&Kind::PhysicalLines));
    let plan = plan_for(&desired, &live_as_declared());
    assert_line_action(&plan, ChangeKind::Delete);
    assert_eq!(
        deny_plan(&plan),
        vec!["physical_line.bj-idc-b would be deleted: physical lines are never deleted or replaced from a pipeline; raise a change ticket"]
    );
}

#[test]
fn replacing_a_line_is_denied() {
    let mut desired = desired();
    // The switch port cannot change in place: the line is replaced.
    desired.physical_lines[1].switch.port = "GE1/0/7".to_owned();
    let plan = plan_for(&desired, &live_as_declared());
    assert_line_action(&plan, ChangeKind::Replace);
    let messages = deny_plan(&plan);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("physical_line.bj-idc-b would be replaced"),
        "{messages:?}"
    );
}

#[test]
fn creating_lines_is_allowed() {
    let plan = plan_for(&desired(), &Inventory::default());
    assert!(plan
        .actions
        .iter()
        .all(|a| a.kind == ResourceKind::PhysicalLine && a.change == ChangeKind::Create));
    assert_eq!(plan.actions.len(), 2);
    assert_eq!(deny_plan(&plan), Vec::<String>::new());
}

#[test]
fn changing_a_line_in_place_is_allowed() {
    let mut desired = desired();
    desired.physical_lines[0].bandwidth = 2000;
    let plan = plan_for(&desired, &live_as_declared());
    assert_line_action(&plan, ChangeKind::Update);
    assert_eq!(deny_plan(&plan), Vec::<String>::new());
}

#[test]
fn an_empty_plan_is_allowed() {
    let plan = plan_for(&desired(), &live_as_declared());
    assert!(plan.actions.is_empty(), "{:#?}", plan.actions);
    assert_eq!(deny_plan(&plan), Vec::<String>::new());
}

#[test]
fn a_plan_of_another_format_version_fails_closed() {
    let plan = plan_for(&desired(), &live_as_declared());
    let mut doc: serde_json::Value = serde_json::from_str(&plan::render::json(&plan)).unwrap();
    doc["format_version"] = "2".into();
    let messages = deny(&doc.to_string());
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("unknown plan format_version"));
}

#[test]
fn a_document_that_is_not_a_plan_fails_closed() {
    // E.g. the desired-state file fed to conftest by mistake.
    let messages = deny(r#"{"region": "nm8", "physical_lines": [{"name": "bj-idc-a"}]}"#);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("format_version (missing)"),
        "{messages:?}"
    );
}

/// `opa test policy/` in Rust: every `test_*` rule of the test file holds.
#[test]
fn the_rego_unit_tests_pass() {
    let mut engine = engine();
    let package = engine
        .add_policy_from_file(policy_dir().join("deny_line_delete_test.rego"))
        .unwrap();
    assert_eq!(package, "data.main");
    engine.set_input(Value::new_object());
    let text = std::fs::read_to_string(policy_dir().join("deny_line_delete_test.rego")).unwrap();
    let tests: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("test_"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(tests.len() >= 8, "{tests:?}");
    for test in tests {
        let result = engine
            .eval_rule(format!("data.main.test_{test}"))
            .unwrap_or_else(|e| panic!("test_{test}: {e}"));
        assert_eq!(result, Value::from(true), "test_{test} failed");
    }
}
