//! The JSON Schema of the desired-state file, generated from
//! [`crate::model::DesiredState`] and committed as `docs/cda.schema.json`
//! so editors complete and check the YAML
//! (`# yaml-language-server: $schema=…`).
//!
//! The schema checks shape, types, enums and single-field ranges; the
//! rules across fields and objects (bound lines, IP families, subnets)
//! are checked by [`crate::desired::parse`] only.

use crate::model::DesiredState;

/// The schema, pretty-printed with a trailing newline. Stable: the same
/// model always gives the same bytes (schemars orders properties).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(DesiredState);
    // Serialising a schema (plain maps, strings and numbers) cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
