//! `docs/cda.schema.json` must be what the model generates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/cda.schema.json")
}

#[test]
fn schema_committed_is_current() {
    let generated = plan::schema::json_schema();
    let path = committed_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/cda.schema.json is stale (or missing): regenerate it with\n\n    UPDATE_SCHEMA=1 cargo test -p plan --test desired_schema\n\nand commit the result"
    );
}

/// Every property name of every object in the schema.
fn property_names(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            m.values().for_each(|x| property_names(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| property_names(x, out)),
        _ => {}
    }
}

#[test]
fn every_field_is_documented() {
    let schema: serde_json::Value = serde_json::from_str(&plan::schema::json_schema()).unwrap();
    let mut names = Vec::new();
    property_names(&schema, &mut names);
    names.sort();
    names.dedup();
    assert!(names.len() > 40, "{names:?}");
    let doc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/desired-state.md");
    let doc = std::fs::read_to_string(doc_path).unwrap();
    // Documented means: in a table row of the page, as `name`.
    let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !rows.iter().any(|r| r.starts_with(&format!("| `{n}`"))))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/desired-state.md lacks a table row for: {missing:?}"
    );
}

#[test]
fn schema_is_stable() {
    assert_eq!(plan::schema::json_schema(), plan::schema::json_schema());
}

#[test]
fn schema_describes_the_file() {
    let schema: serde_json::Value = serde_json::from_str(&plan::schema::json_schema()).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["region"]));
    assert_eq!(schema["additionalProperties"], false);
    let vlan = &schema["definitions"]["PhysicalLine"]["properties"]["vlan"];
    assert_eq!(
        (vlan["minimum"].as_f64(), vlan["maximum"].as_f64()),
        (Some(1.0), Some(4094.0))
    );
    let name = &schema["definitions"]["Gateway"]["properties"]["name"];
    assert_eq!(name["pattern"], "^[A-Za-z0-9]{2,20}$");
}
