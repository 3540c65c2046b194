//! The JSON Schema of the desired-state file, generated from
//! [`crate::model::DesiredState`] and committed as `docs/cda.schema.json`
//! so editors complete and check the YAML
//! (`# yaml-language-server: $schema=…`).
//!
//! The schema checks shape, types, enums and single-field ranges; the
//! rules across fields and objects (bound lines, IP families, subnets)
//! are checked by [`crate::desired::parse`] only.

use crate::model::DesiredState;
use schemars::schema::{RootSchema, Schema};

/// The schema, pretty-printed with a trailing newline. Stable: the same
/// model always gives the same bytes (schemars orders properties).
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(DesiredState);
    let_both_ip_families_match(&mut schema);
    mark_replacements(&mut schema);
    // Serialising a schema (plain maps, strings and numbers) cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// An IPv6 network: at least one colon (so no IPv4 network matches), then
/// a prefix length of 0–128.
const IPV6_NETWORK: &str =
    r"^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\/(?:[0-9]|[1-9][0-9]|1[0-1][0-9]|12[0-8])$";

/// `ipnet` describes a network as a `oneOf` of an IPv4 and an IPv6 pattern,
/// but its IPv6 pattern (hex digits, colons and dots) also matches every
/// IPv4 network, so under `oneOf` every IPv4 address matched two branches
/// and failed, and `10.0.0.0/33` passed as IPv6. The IPv6 branch now needs
/// a colon, and the branches are an `anyOf`: either family is fine.
fn let_both_ip_families_match(schema: &mut RootSchema) {
    let Some(Schema::Object(ipnet)) = schema.definitions.get_mut("IpNet") else {
        return;
    };
    let Some(subschemas) = ipnet.subschemas.as_mut() else {
        return;
    };
    let Some(mut branches) = subschemas.one_of.take() else {
        return;
    };
    for branch in &mut branches {
        let Schema::Object(branch) = branch else {
            continue;
        };
        let is_v6 = branch
            .metadata
            .as_ref()
            .is_some_and(|m| m.title.as_deref() == Some("IPv6 network"));
        if let (true, Some(string)) = (is_v6, branch.string.as_mut()) {
            string.pattern = Some(IPV6_NETWORK.to_owned());
        }
    }
    subschemas.any_of = Some(branches);
}

/// Appends to the description of every attribute that forces a
/// replacement, or that is left as is, what a change of it does: from
/// [`crate::attributes::RULES`], the table the diff uses.
fn mark_replacements(schema: &mut RootSchema) {
    for rule in crate::attributes::RULES {
        let Some(note) = crate::attributes::schema_note(rule) else {
            continue;
        };
        let (definition, property) = crate::attributes::schema_property(rule);
        if let Some(Schema::Object(field)) = property_schema(schema, definition, property) {
            let metadata = field.metadata();
            metadata.description = Some(match metadata.description.take() {
                Some(text) => format!("{text} {note}"),
                None => note,
            });
        }
    }
}

fn property_schema<'s>(
    schema: &'s mut RootSchema,
    definition: &str,
    property: &str,
) -> Option<&'s mut Schema> {
    let Some(Schema::Object(object)) = schema.definitions.get_mut(definition) else {
        return None;
    };
    object.object.as_mut()?.properties.get_mut(property)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{schema_note, schema_property, RULES};

    #[test]
    fn every_attribute_that_is_not_changed_in_place_is_marked_in_the_schema() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap_or_default();
        for rule in RULES {
            let (definition, property) = schema_property(rule);
            let field = &schema["definitions"][definition]["properties"][property];
            assert!(
                field.is_object(),
                "{definition}.{property} is not in the schema"
            );
            let description = field["description"].as_str().unwrap_or_default();
            match schema_note(rule) {
                Some(note) => assert!(description.ends_with(&note), "{definition}.{property}"),
                None => assert!(!description.contains("replace"), "{definition}.{property}"),
            }
        }
    }
}
