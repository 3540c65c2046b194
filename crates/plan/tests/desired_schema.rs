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

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed schema as a Draft 7 validator, the draft it declares
/// (the one editors' YAML language servers use for it).
fn committed_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(committed_path()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "the validator below assumes Draft 7"
    );
    jsonschema::draft7::new(&schema).unwrap()
}

/// A YAML file as the JSON value a language server checks.
fn yaml_as_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every desired-state file that `cda plan` accepts: the examples (not the
/// emulator seeds, another format) and the valid fixtures.
fn valid_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures/regions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".yaml") && !name.starts_with("emulator-seed") {
                files.push(path);
            }
        }
    }
    files.push(root.join("crates/plan/tests/fixtures/desired_ok.yaml"));
    files.sort();
    files
}

#[test]
fn every_example_and_valid_fixture_validates_against_the_schema() {
    let validator = committed_validator();
    let files = valid_files();
    assert!(files.len() >= 7, "{files:?}");
    let mut failures = Vec::new();
    for path in &files {
        // The file must also be one cda accepts, or it proves nothing here.
        plan::desired::load(path).unwrap_or_else(|_| panic!("{} is invalid", path.display()));
        let instance = yaml_as_json(path);
        for error in validator.iter_errors(&instance) {
            failures.push(format!(
                "{}: {} at {}",
                path.display(),
                error,
                error.instance_path()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn both_address_families_validate_and_garbage_does_not() {
    let validator = committed_validator();
    let with_dst = |dst: &str| {
        serde_json::json!({
            "region": "nm8",
            "gateways": [{
                "name": "gw01",
                "static_routes": [{
                    "dst": [dst],
                    "next_hops": [{ "line": "a", "priority": 10 }]
                }]
            }]
        })
    };
    for ok in ["10.0.0.0/8", "0.0.0.0/0", "fd00::/32", "::/0"] {
        let errors: Vec<String> = validator
            .iter_errors(&with_dst(ok))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{ok}: {errors:?}");
    }
    for bad in ["10.0.0.0", "ten.ten.0.0/16", "10.0.0.0/33", "fd00::/129"] {
        assert!(!validator.is_valid(&with_dst(bad)), "{bad} validated");
    }
}

#[test]
fn files_with_a_shape_error_fail_schema_validation() {
    let validator = committed_validator();
    // Bad inputs whose problem is one the schema can see (field, type,
    // enum, range); the rest need cda's cross-field rules.
    for name in [
        "unknown-field-top-level.yaml",
        "unknown-field-nested.yaml",
        "unknown-enum-line-type.yaml",
        "missing-required-region.yaml",
        "missing-required-switch.yaml",
        "vlan-4095.yaml",
        "vlan-zero.yaml",
        "bandwidth-zero.yaml",
        "name-too-short.yaml",
        "gateway-name-not-alphanumeric.yaml",
        "wrong-type-lines-not-list.yaml",
        "wrong-type-quoted-number.yaml",
        "cidr-prefix-too-long.yaml",
        "cidr-missing-prefix.yaml",
        "health-check-interval-out-of-range.yaml",
    ] {
        let instance = yaml_as_json(&repo_root().join("tests/bad-inputs").join(name));
        assert!(!validator.is_valid(&instance), "{name} validated");
    }
}
