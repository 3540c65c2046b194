//! What changing each attribute of the desired state does, in one table:
//! the diff asks it whether a difference forces a replace, and the
//! reference (`docs/desired-state.md`) and the JSON Schema's descriptions
//! are generated from it, so the three cannot drift apart.

use crate::action::ResourceKind;

/// What a change of one attribute does to its live object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnChange {
    /// An update call changes it in place.
    InPlace,
    /// No update call carries it: the object is replaced (deleted and
    /// created again), which interrupts what it carries.
    Replace,
    /// No update call carries it and it carries no forwarding meaning:
    /// a change is reported and left as is, and applied only by a replace
    /// the user asks for (`--replace ADDRESS`).
    LeftAsIs,
}

/// One attribute of one kind of object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeRule {
    pub kind: ResourceKind,
    /// The field as written in the file (`switch.port` for a nested one).
    pub attribute: &'static str,
    pub on_change: OnChange,
}

const fn rule(kind: ResourceKind, attribute: &'static str, on_change: OnChange) -> AttributeRule {
    AttributeRule {
        kind,
        attribute,
        on_change,
    }
}

use OnChange::{InPlace, LeftAsIs, Replace};
use ResourceKind::{BgpRoute, Gateway, HealthCheck, PhysicalLine, StaticRoute, Vpc};

/// Every attribute the diff compares, with what changing it does
/// (the API's update calls: physical-line, vpc, health-check, static-route
/// and bgp-route update; gateways have none).
pub const RULES: &[AttributeRule] = &[
    rule(PhysicalLine, "name", InPlace),
    rule(PhysicalLine, "bandwidth", InPlace),
    // In place, but only while unbound: a bound line is unbound around it.
    rule(PhysicalLine, "description", InPlace),
    rule(PhysicalLine, "switch.hostname", Replace),
    rule(PhysicalLine, "switch.port", Replace),
    rule(PhysicalLine, "switch.port_type", Replace),
    rule(PhysicalLine, "line_type", Replace),
    rule(PhysicalLine, "vlan", Replace),
    rule(PhysicalLine, "ip_version", Replace),
    rule(PhysicalLine, "local_ip", Replace),
    rule(PhysicalLine, "remote_ip", Replace),
    rule(PhysicalLine, "local_ip_v6", Replace),
    rule(PhysicalLine, "remote_ip_v6", Replace),
    rule(PhysicalLine, "access_point", Replace),
    rule(PhysicalLine, "shared", Replace),
    rule(Gateway, "hostname", Replace),
    rule(Gateway, "access_point", Replace),
    rule(Gateway, "description", LeftAsIs),
    rule(Vpc, "name", LeftAsIs),
    rule(Vpc, "bandwidth", Replace),
    rule(Vpc, "ip_version", Replace),
    rule(Vpc, "network_segment", Replace),
    rule(Vpc, "network_segment_v6", Replace),
    rule(Vpc, "dc_type", Replace),
    rule(Vpc, "subnets", InPlace),
    rule(Vpc, "subnets_v6", InPlace),
    rule(HealthCheck, "src_ip", Replace),
    rule(HealthCheck, "dst_ip", Replace),
    rule(HealthCheck, "interval", InPlace),
    rule(HealthCheck, "packets", InPlace),
    rule(HealthCheck, "auto_switch", InPlace),
    // A new destination set is another route, except when it takes over a
    // prefix of a route that goes: that one is retargeted in place.
    rule(StaticRoute, "dst", InPlace),
    rule(StaticRoute, "next_hops", InPlace),
    rule(BgpRoute, "networks", InPlace),
    rule(BgpRoute, "peers", InPlace),
    rule(BgpRoute, "multipath", InPlace),
];

/// What changing `attribute` of a `kind` does. An attribute missing from
/// the table is treated as forcing a replace (the cautious reading), and
/// a unit test keeps the diff's attributes in the table.
pub fn on_change(kind: ResourceKind, attribute: &str) -> OnChange {
    RULES
        .iter()
        .find(|r| r.kind == kind && r.attribute == attribute)
        .map_or(Replace, |r| r.on_change)
}

/// Does a change of this attribute force a replace by itself?
pub fn forces_replace(kind: ResourceKind, attribute: &str) -> bool {
    on_change(kind, attribute) == Replace
}

/// The object's name in the reference's prose.
fn noun(kind: ResourceKind) -> &'static str {
    match kind {
        PhysicalLine => "line",
        Gateway => "gateway",
        ResourceKind::Binding => "binding",
        Vpc => "VPC attachment",
        HealthCheck => "health check",
        StaticRoute => "static route",
        BgpRoute => "BGP route",
    }
}

/// The section heading of the object in `docs/desired-state.md`.
fn section(kind: ResourceKind) -> &'static str {
    match kind {
        PhysicalLine => "[Physical lines](#physical-lines)",
        Gateway => "[Gateways](#gateways)",
        ResourceKind::Binding => "Bindings",
        Vpc => "[VPC attachments](#vpc-attachments)",
        HealthCheck => "[Health check](#health-check)",
        StaticRoute => "[Static routes](#static-routes)",
        BgpRoute => "[BGP routes](#bgp-routes)",
    }
}

/// The sentence appended to a field's description in the JSON Schema, or
/// `None` when the field changes in place.
pub fn schema_note(rule: &AttributeRule) -> Option<String> {
    let noun = noun(rule.kind);
    match rule.on_change {
        InPlace => None,
        Replace => Some(format!(
            "Forces replacement: changing it replaces the {noun} (no update call carries it)."
        )),
        LeftAsIs => Some(format!(
            "Cannot be changed through the API: a change is reported and left as is; `--replace` re-creates the {noun} with it."
        )),
    }
}

/// The JSON Schema definition and property of a rule's attribute.
pub fn schema_property(rule: &AttributeRule) -> (&'static str, &'static str) {
    let definition = match rule.kind {
        PhysicalLine if rule.attribute.starts_with("switch.") => "SwitchPort",
        PhysicalLine => "PhysicalLine",
        Gateway => "Gateway",
        ResourceKind::Binding => "Gateway",
        Vpc => "VpcAttachment",
        HealthCheck => "HealthCheck",
        StaticRoute => "StaticRoute",
        BgpRoute => "BgpRoute",
    };
    let property = rule.attribute.rsplit('.').next().unwrap_or(rule.attribute);
    (definition, property)
}

/// The generated section of `docs/desired-state.md` between
/// [`DOC_BEGIN`] and [`DOC_END`]: per object, what changes in place,
/// what forces a replacement and what is left as is.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "| Object | Changed in place | Forces replacement | Cannot be changed, left as is |\n|---|---|---|---|\n",
    );
    let mut kinds: Vec<ResourceKind> = RULES.iter().map(|r| r.kind).collect();
    kinds.dedup();
    for kind in kinds {
        let list = |on: OnChange| {
            let names: Vec<String> = RULES
                .iter()
                .filter(|r| r.kind == kind && r.on_change == on)
                .map(|r| format!("`{}`", r.attribute))
                .collect();
            if names.is_empty() {
                "—".to_string()
            } else {
                names.join(", ")
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            section(kind),
            list(InPlace),
            list(Replace),
            list(LeftAsIs)
        ));
    }
    out
}

/// Markers around the generated section in `docs/desired-state.md`.
pub const DOC_BEGIN: &str =
    "<!-- BEGIN generated from plan/src/attributes.rs: UPDATE_DOCS=1 cargo test -p plan --test attribute_docs -->";
pub const DOC_END: &str = "<!-- END generated -->";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_is_listed_once() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i]
                    .iter()
                    .any(|o| o.kind == r.kind && o.attribute == r.attribute),
                "{:?} {} twice",
                r.kind,
                r.attribute
            );
        }
    }

    #[test]
    fn unknown_attributes_are_read_as_forcing_a_replace() {
        assert!(forces_replace(Gateway, "hostname"));
        assert!(!forces_replace(Gateway, "description"));
        assert_eq!(on_change(Vpc, "name"), LeftAsIs);
        assert!(!forces_replace(Vpc, "subnets"));
        assert!(forces_replace(Vpc, "no_such_field"));
    }
}
