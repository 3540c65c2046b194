#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::export::{bgp_key_env, desired_from_inventory, export, to_yaml, SCHEMA_PATH};
use plan::model::{DesiredState, SecretRef};
use render_fixtures::*;

#[test]
fn yaml_snapshot() {
    let state = desired_from_inventory(&inventory(), "nm8", Some("netops@example.com"));
    insta::assert_snapshot!(to_yaml(&state).unwrap());
}

#[test]
fn yaml_starts_with_the_schema_header_and_reparses_to_the_same_state() {
    let state = desired_from_inventory(&inventory(), "nm8", Some("netops@example.com"));
    let yaml = to_yaml(&state).unwrap();
    assert!(yaml.starts_with(&format!("# yaml-language-server: $schema={SCHEMA_PATH}\n")));
    let back: DesiredState = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(back, state);
}

#[test]
fn references_are_by_line_name() {
    let state = desired_from_inventory(&inventory(), "nm8", None);
    let gw1 = &state.gateways[0];
    assert_eq!(gw1.name, "gwprod01");
    assert_eq!(gw1.lines, vec!["bj-idc-a", "bj-idc-b"]);
    let hops: Vec<&str> = gw1.static_routes[0]
        .next_hops
        .iter()
        .map(|h| h.line.as_str())
        .collect();
    assert_eq!(hops, vec!["bj-idc-a", "bj-idc-b"]);
    assert!(gw1.static_routes[0].next_hops[1].track);
    let gw2 = &state.gateways[1];
    assert_eq!(gw2.lines, vec!["sh-idc-a"]);
    // The dual-stack route's v4 and v6 peers over one line become one peer.
    let peers = &gw2.bgp[0].peers;
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].line, "sh-idc-a");
    // The neighbour equals the line name, so it is left to the default.
    assert_eq!(peers[0].neighbor, None);
}

#[test]
fn bgp_keys_become_env_placeholders_and_never_leak() {
    let state = desired_from_inventory(&inventory(), "nm8", None);
    let key = state.gateways[1].bgp[0].peers[0].key.clone();
    assert_eq!(
        key,
        Some(SecretRef::Env("CDA_BGP_KEY_GWPROD02_SH_IDC_A".into()))
    );
    assert_eq!(
        bgp_key_env("gw-prod.02", "sh idc/a"),
        "CDA_BGP_KEY_GW_PROD_02_SH_IDC_A"
    );
    let yaml = to_yaml(&state).unwrap();
    assert!(!yaml.contains("sha256"));
    assert!(!yaml.contains(&OLD_KEY_HASH[7..]));
    assert!(yaml.contains("BGP keys are never exported"));
}

#[test]
fn lines_keep_their_id_and_prune_stays_empty() {
    let state = desired_from_inventory(&inventory(), "nm8", None);
    assert!(state.prune.is_empty());
    let names: Vec<&str> = state
        .physical_lines
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, vec!["1001", "bj-idc-a", "bj-idc-b", "sh-idc-a"]);
    assert!(state
        .physical_lines
        .iter()
        .all(|l| l.id.is_some() && !l.protect));
    // The numeric-looking name survives the YAML round trip as a string.
    let back: DesiredState = serde_saphyr::from_str(&to_yaml(&state).unwrap()).unwrap();
    assert_eq!(back.physical_lines[0].name, "1001");
}

#[test]
fn unresolvable_values_are_warned_about() {
    let mut live = inventory();
    live.lines[0].port_type = None;
    live.gateways[0].static_routes[0].next_hops[0].remote_ip = "192.0.2.1".parse().unwrap();
    let exported = export(&live, "nm8", None);
    assert_eq!(exported.warnings.len(), 2, "{:?}", exported.warnings);
    assert!(exported.warnings[0].contains("bj-idc-a"));
    assert!(exported.warnings[1].contains("192.0.2.1"));
    assert!(export(&inventory(), "nm8", None).warnings.is_empty());
}

#[test]
fn empty_inventory_exports_a_minimal_file() {
    let state = desired_from_inventory(&Default::default(), "nm8", None);
    let yaml = to_yaml(&state).unwrap();
    let back: DesiredState = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(back, state);
    assert!(yaml.contains("region: nm8"));
}

fn key_options(hash: &str) -> plan::PlanOptions {
    let mut options = plan::PlanOptions::default();
    options.secret_hashes.insert(
        SecretRef::Env("CDA_BGP_KEY_GWPROD02_SH_IDC_A".into()),
        hash.to_string(),
    );
    options
}

#[test]
fn export_then_plan_against_the_same_estate_is_empty() {
    let live = inventory();
    let state = desired_from_inventory(&live, "nm8", Some("netops@example.com"));
    let options = key_options(OLD_KEY_HASH);
    let direct = plan::plan(&state, &live, &options).unwrap();
    assert!(
        direct.actions.is_empty(),
        "{}",
        plan::render::human(&direct, &Default::default())
    );
    assert!(direct.unmanaged.is_empty());
    // The same through the YAML text a user would commit.
    let reparsed: DesiredState = serde_saphyr::from_str(&to_yaml(&state).unwrap()).unwrap();
    let via_yaml = plan::plan(&reparsed, &live, &options).unwrap();
    assert!(via_yaml.actions.is_empty());
}

#[test]
fn exported_key_placeholder_with_another_key_plans_a_sensitive_change() {
    let live = inventory();
    let state = desired_from_inventory(&live, "nm8", None);
    let plan = plan::plan(&state, &live, &key_options(NEW_KEY_HASH)).unwrap();
    assert_eq!(plan.actions.len(), 1);
    let action = &plan.actions[0];
    assert!(action.attributes.iter().any(|a| a.sensitive));
    let text = plan::render::human(&plan, &Default::default());
    assert!(text.contains("(sensitive)"));
    assert!(!text.contains("sha256"));
}

#[test]
fn empty_live_texts_are_not_exported_as_empty_strings() {
    let mut live = inventory();
    live.lines[0].description = Some(String::new());
    let state = desired_from_inventory(&live, "nm8", None);
    assert!(state
        .physical_lines
        .iter()
        .all(|l| l.description.as_deref() != Some("")));
    let plan = plan::plan(&state, &live, &key_options(OLD_KEY_HASH)).unwrap();
    assert!(plan.actions.is_empty());
}

#[test]
fn exported_yaml_passes_the_loader_and_validation() {
    let state = desired_from_inventory(&inventory(), "nm8", Some("netops@example.com"));
    let yaml = to_yaml(&state).unwrap();
    match plan::desired::parse("export.yaml", &yaml) {
        Ok(parsed) => assert_eq!(parsed, state),
        Err(diagnostics) => panic!("{diagnostics:?}\n{yaml}"),
    }
}

#[test]
fn a_gateway_id_read_as_its_name_is_refused_naming_the_object_and_rule() {
    let mut live = inventory();
    live.gateways[0].name = "lg-8f3k2a9".into();
    let state = desired_from_inventory(&live, "nm8", None);
    let err = to_yaml(&state).unwrap_err().to_string();
    assert!(err.contains("cannot export gateway `lg-8f3k2a9`"), "{err}");
    assert!(err.contains("looks like a gateway ID"), "{err}");
    assert!(err.contains("2–20 letters and digits"), "{err}");
}

#[test]
fn a_gateway_name_breaking_the_rules_is_refused() {
    let mut live = inventory();
    live.gateways[1].name = "gw_prod_02".into();
    let state = desired_from_inventory(&live, "nm8", None);
    let err = to_yaml(&state).unwrap_err().to_string();
    assert!(
        err.contains("gateway name `gw_prod_02` must be 2–20 letters and digits"),
        "{err}"
    );
}
