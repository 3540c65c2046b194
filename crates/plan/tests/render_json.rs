#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::render::json;
use render_fixtures::*;
use serde_json::Value;

fn parsed(plan: &plan::Plan) -> Value {
    serde_json::from_str(&json(plan)).unwrap()
}

#[test]
fn representative() {
    insta::assert_snapshot!(json(&representative_plan()));
}

#[test]
fn empty() {
    let v = parsed(&empty_plan());
    assert_eq!(v["format_version"], "1");
    assert_eq!(v["summary"]["changes"], false);
    assert_eq!(v["summary"]["impact"]["none"], true);
    assert_eq!(v["actions"], serde_json::json!([]));
    insta::assert_snapshot!(json(&empty_plan()));
}

#[test]
fn summary_counts_and_impact() {
    let v = parsed(&representative_plan());
    let s = &v["summary"];
    assert_eq!(
        (&s["add"], &s["change"], &s["replace"], &s["destroy"]),
        (&2.into(), &3.into(), &1.into(), &1.into())
    );
    assert_eq!(
        s["impact"]["prefixes_withdrawn"],
        serde_json::json!(["10.30.0.0/16"])
    );
    assert_eq!(
        s["impact"]["redundancy_reduced"],
        serde_json::json!(["10.10.0.0/16", "10.20.0.0/16"])
    );
    assert_eq!(
        s["impact"]["bgp_sessions_reset"],
        serde_json::json!(["10.255.1.2"])
    );
    assert_eq!(s["impact"]["lines_down"], serde_json::json!(["sh-idc-a"]));
}

#[test]
fn actions_carry_addresses_dependencies_and_impact() {
    let v = parsed(&representative_plan());
    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 7);
    let bind = &actions[1];
    assert_eq!(bind["address"], "binding.gwprod01.bj-idc-c");
    assert_eq!(bind["kind"], "binding");
    assert_eq!(bind["action"], "create");
    assert_eq!(
        bind["depends_on"],
        serde_json::json!(["physical_line.bj-idc-c"])
    );
    assert_eq!(bind["calls"], serde_json::json!(["bind_line"]));
    let delete = &actions[6];
    assert_eq!(delete["action"], "delete");
    assert_eq!(delete["after"], Value::Null);
    assert_eq!(delete["before"]["dst"], serde_json::json!(["10.30.0.0/16"]));
    assert_eq!(
        delete["impact"],
        serde_json::json!([{ "type": "prefixes_withdrawn", "prefixes": ["10.30.0.0/16"] }])
    );
    let replace = &actions[4];
    assert_eq!(replace["action"], "replace");
    assert_eq!(replace["attributes"][0]["forces_replace"], true);
}

#[test]
fn secrets_are_redacted_everywhere() {
    for plan in [representative_plan(), key_added_plan()] {
        let text = json(&plan);
        assert!(!text.contains("sha256"), "{text}");
        assert!(!text.contains(&OLD_KEY_HASH[7..]));
    }
    let v = parsed(&representative_plan());
    let bgp = &v["actions"][5];
    assert_eq!(bgp["attributes"][0]["sensitive"], true);
    assert_eq!(bgp["attributes"][0]["before"], "(sensitive)");
    assert_eq!(bgp["attributes"][0]["after"], "(sensitive)");
    assert_eq!(bgp["before"]["peers"][0]["key_hash"], "(sensitive)");
    // An absent key stays null, so a policy can tell "added" from "changed".
    let added = parsed(&key_added_plan());
    assert_eq!(added["actions"][0]["attributes"][0]["before"], Value::Null);
    assert_eq!(added["actions"][0]["attributes"][0]["after"], "(sensitive)");
}

#[test]
fn output_is_stable() {
    assert_eq!(json(&representative_plan()), json(&representative_plan()));
}

#[test]
fn summary_agrees_with_the_plan_own_counts_and_impact() {
    for plan in [
        representative_plan(),
        key_added_plan(),
        empty_plan(),
        huge_plan(300),
    ] {
        let v = parsed(&plan);
        let counts = plan.counts();
        assert_eq!(v["summary"]["add"], counts.add);
        assert_eq!(v["summary"]["destroy"], counts.destroy);
        let impact = plan.impact_summary();
        let strings = |items: Vec<String>| serde_json::json!(items);
        assert_eq!(
            v["summary"]["impact"]["prefixes_withdrawn"],
            strings(
                impact
                    .prefixes_withdrawn
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            )
        );
        assert_eq!(
            v["summary"]["impact"]["bgp_sessions_reset"],
            strings(
                impact
                    .bgp_sessions_reset
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            )
        );
        assert_eq!(v["summary"]["impact"]["none"], impact.is_none());
    }
}
