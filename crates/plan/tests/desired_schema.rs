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
        "docs/cda.schema.json is stale (or missing): regenerate it with\n\n    UPDATE_SCHEMA=1 cargo test -p cda-plan --test desired_schema\n\nand commit the result"
    );
}
