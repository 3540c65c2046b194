//! Attribute comparison: which attributes of a matched object differ, and
//! whether any of them has no update call (forces a replace).

use super::identity::LineEntry;
use crate::action::{AttributeChange, ResourceKind};
use crate::attributes::{forces_replace, on_change, OnChange};
use crate::inventory::{LiveGateway, LiveHealthCheck, LiveLine, LiveVpc};
use crate::model::{Gateway, HealthCheck, PhysicalLine, VpcAttachment};
use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;

/// A changed attribute of a `kind`; whether it forces a replace comes from
/// the one table of [`crate::attributes`].
pub(super) fn attr<T: Serialize + ?Sized>(
    kind: ResourceKind,
    name: &str,
    before: &T,
    after: &T,
) -> AttributeChange {
    change(kind, name, json(before), json(after))
}

fn change(
    kind: ResourceKind,
    name: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> AttributeChange {
    AttributeChange {
        name: name.to_string(),
        before,
        after,
        sensitive: false,
        forces_replace: forces_replace(kind, name),
    }
}

/// Splits off the changes the API cannot make and that carry no
/// forwarding meaning ([`OnChange::LeftAsIs`]): they are reported, not
/// acted on, unless the object is replaced anyway.
pub(super) fn left_as_is(
    kind: ResourceKind,
    changes: &mut Vec<AttributeChange>,
) -> Vec<AttributeChange> {
    let (left, rest) = std::mem::take(changes)
        .into_iter()
        .partition(|c| on_change(kind, &c.name) == OnChange::LeftAsIs);
    *changes = rest;
    left
}

/// The note for changes left as is: what differs, and how to apply it.
pub(super) fn left_as_is_note(address: &str, changes: &[AttributeChange]) -> String {
    let shown: Vec<String> = changes
        .iter()
        .map(|c| {
            let value = |v: &Option<Value>| v.as_ref().map_or("null".to_string(), Value::to_string);
            format!("`{}` ({} → {})", c.name, value(&c.before), value(&c.after))
        })
        .collect();
    format!(
        "{address}: {} cannot be changed through the API; left as is (`--replace {address}` re-creates it with the new value)",
        shown.join(", ")
    )
}

pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// Optional attributes the API may not report: only a value on both sides
/// can differ.
fn both_differ<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

/// A gateway has no update call: every difference forces a replace, but
/// for those [`left_as_is`] takes out. `hostname` is the one it would be
/// created with.
pub(super) fn compare_gateway(
    gw: &Gateway,
    l: &LiveGateway,
    hostname: &Option<String>,
) -> Vec<AttributeChange> {
    let mut changes = Vec::new();
    if both_differ(&l.hostname, hostname) {
        changes.push(attr(
            ResourceKind::Gateway,
            "hostname",
            &l.hostname,
            hostname,
        ));
    }
    if both_differ(&l.access_point, &gw.access_point) {
        changes.push(attr(
            ResourceKind::Gateway,
            "access_point",
            &l.access_point,
            &gw.access_point,
        ));
    }
    if both_differ(&l.description, &gw.description) {
        changes.push(attr(
            ResourceKind::Gateway,
            "description",
            &l.description,
            &gw.description,
        ));
    }
    changes
}

pub(super) fn compare_line(d: &PhysicalLine, l: &LiveLine, e: &mut LineEntry) {
    let mut changes = Vec::new();
    if d.name != l.name {
        changes.push(attr(ResourceKind::PhysicalLine, "name", &l.name, &d.name));
    }
    if d.bandwidth != l.bandwidth {
        changes.push(attr(
            ResourceKind::PhysicalLine,
            "bandwidth",
            &l.bandwidth,
            &d.bandwidth,
        ));
    }
    if d.description.is_some() && d.description != l.description {
        changes.push(attr(
            ResourceKind::PhysicalLine,
            "description",
            &l.description,
            &d.description,
        ));
        e.description_change = true;
    }
    // No update call carries these: they are fixed once the line exists.
    let mut forced = |name: &str, before: Option<Value>, after: Option<Value>| {
        changes.push(change(ResourceKind::PhysicalLine, name, before, after));
    };
    if d.switch.hostname != l.hostname {
        forced(
            "switch.hostname",
            json(&l.hostname),
            json(&d.switch.hostname),
        );
    }
    if d.switch.port != l.port {
        forced("switch.port", json(&l.port), json(&d.switch.port));
    }
    if l.port_type.is_some_and(|p| p != d.switch.port_type) {
        forced(
            "switch.port_type",
            json(&l.port_type),
            json(&d.switch.port_type),
        );
    }
    if l.line_type.is_some_and(|t| t != d.line_type) {
        forced("line_type", json(&l.line_type), json(&d.line_type));
    }
    if d.vlan != l.vlan {
        forced("vlan", json(&l.vlan), json(&d.vlan));
    }
    if d.ip_version != l.ip_version {
        forced("ip_version", json(&l.ip_version), json(&d.ip_version));
    }
    for (name, a, b) in [
        ("local_ip", d.local_ip, l.local_ip),
        ("remote_ip", d.remote_ip, l.remote_ip),
        ("local_ip_v6", d.local_ip_v6, l.local_ip_v6),
        ("remote_ip_v6", d.remote_ip_v6, l.remote_ip_v6),
    ] {
        if a != b {
            forced(name, json(&b), json(&a));
        }
    }
    if both_differ(&d.access_point, &l.access_point) {
        forced("access_point", json(&l.access_point), json(&d.access_point));
    }
    if d.shared != l.shared {
        forced("shared", json(&l.shared), json(&d.shared));
    }
    e.forced = changes
        .iter()
        .find(|c| c.forces_replace)
        .map(|c| c.name.clone());
    e.changes = changes;
}

fn dc_type_eq(a: &str, b: &str) -> bool {
    // vpc/add takes EMAZ where vpc/list reports MAZ (REFERENCE §1.3).
    let norm = |s: &str| {
        if s.eq_ignore_ascii_case("EMAZ") {
            "MAZ".to_string()
        } else {
            s.to_ascii_uppercase()
        }
    };
    norm(a) == norm(b)
}

/// The VPC's changes and the first one forcing a replace.
pub(super) fn compare_vpc(
    d: &VpcAttachment,
    l: &LiveVpc,
) -> (Vec<AttributeChange>, Option<String>) {
    let mut changes = Vec::new();
    if both_differ(&l.name, &d.name) {
        changes.push(attr(ResourceKind::Vpc, "name", &l.name, &d.name));
    }
    if d.bandwidth != l.bandwidth {
        changes.push(attr(
            ResourceKind::Vpc,
            "bandwidth",
            &l.bandwidth,
            &d.bandwidth,
        ));
    }
    if d.ip_version != l.ip_version {
        changes.push(attr(
            ResourceKind::Vpc,
            "ip_version",
            &l.ip_version,
            &d.ip_version,
        ));
    }
    if d.network_segment.is_some() && d.network_segment.map(|n| n.trunc()) != l.network_segment {
        changes.push(attr(
            ResourceKind::Vpc,
            "network_segment",
            &l.network_segment,
            &d.network_segment,
        ));
    }
    if d.network_segment_v6.is_some()
        && d.network_segment_v6.map(|n| n.trunc()) != l.network_segment_v6
    {
        changes.push(attr(
            ResourceKind::Vpc,
            "network_segment_v6",
            &l.network_segment_v6,
            &d.network_segment_v6,
        ));
    }
    if let (Some(a), Some(b)) = (&d.dc_type, &l.dc_type) {
        if !dc_type_eq(a, b) {
            changes.push(attr(ResourceKind::Vpc, "dc_type", &l.dc_type, &d.dc_type));
        }
    }
    if sorted(&d.subnets) != l.subnets {
        changes.push(attr(
            ResourceKind::Vpc,
            "subnets",
            &l.subnets,
            &sorted(&d.subnets),
        ));
    }
    if sorted(&d.subnets_v6) != l.subnets_v6 {
        changes.push(attr(
            ResourceKind::Vpc,
            "subnets_v6",
            &l.subnets_v6,
            &sorted(&d.subnets_v6),
        ));
    }
    let forced = changes
        .iter()
        .find(|c| c.forces_replace)
        .map(|c| c.name.clone());
    (changes, forced)
}

/// The health check's changes, and whether its identity (source or
/// destination, which replace it) changed.
pub(super) fn compare_health_check(
    l: &LiveHealthCheck,
    d: &HealthCheck,
) -> (Vec<AttributeChange>, bool) {
    let mut changes = Vec::new();
    for (name, b, a) in [
        ("src_ip", json(&l.src_ip), json(&d.src_ip)),
        ("dst_ip", json(&l.dst_ip), json(&d.dst_ip)),
        ("interval", json(&l.interval), json(&d.interval)),
        ("packets", json(&l.packets), json(&d.packets)),
        ("auto_switch", json(&l.auto_switch), json(&d.auto_switch)),
    ] {
        if b != a {
            changes.push(change(ResourceKind::HealthCheck, name, b, a));
        }
    }
    let identity_changed = changes.iter().any(|c| c.forces_replace);
    (changes, identity_changed)
}

/// Network addresses, sorted and unique: how the inventory lists them.
pub(super) fn sorted(list: &[IpNet]) -> Vec<IpNet> {
    let mut v: Vec<IpNet> = list.iter().map(|n| n.trunc()).collect();
    v.sort();
    v.dedup();
    v
}
