//! The loader's vocabulary: the fields each object accepts, the spellings
//! of each enum in the file, and field paths (`gateways[0].lines[1]`) as
//! problems and the source map name them.

use crate::model::{IpVersion, Kind, LineType, PortType};

pub(crate) const TOP_FIELDS: &[&str] =
    &["region", "account", "prune", "physical_lines", "gateways"];
pub(crate) const LINE_FIELDS: &[&str] = &[
    "name",
    "id",
    "switch",
    "line_type",
    "bandwidth",
    "vlan",
    "ip_version",
    "local_ip",
    "remote_ip",
    "local_ip_v6",
    "remote_ip_v6",
    "access_point",
    "shared",
    "description",
    "protect",
];
pub(crate) const SWITCH_FIELDS: &[&str] = &["hostname", "port", "port_type", "ip"];
pub(crate) const GATEWAY_FIELDS: &[&str] = &[
    "name",
    "hostname",
    "access_point",
    "description",
    "lines",
    "vpcs",
    "static_routes",
    "bgp",
    "protect",
];
pub(crate) const VPC_FIELDS: &[&str] = &[
    "id",
    "name",
    "bandwidth",
    "ip_version",
    "network_segment",
    "network_segment_v6",
    "subnets",
    "subnets_v6",
    "dc_type",
    "health_check",
    "protect",
];
pub(crate) const HEALTH_CHECK_FIELDS: &[&str] =
    &["src_ip", "dst_ip", "interval", "packets", "auto_switch"];
pub(crate) const STATIC_ROUTE_FIELDS: &[&str] = &["dst", "next_hops", "protect"];
pub(crate) const NEXT_HOP_FIELDS: &[&str] = &["line", "priority", "track", "bfd"];
pub(crate) const BGP_FIELDS: &[&str] = &["ip_version", "networks", "peers", "multipath", "protect"];
pub(crate) const PEER_FIELDS: &[&str] = &["line", "peer_as", "neighbor", "key", "bfd"];
pub(crate) const SECRET_REF_FIELDS: &[&str] = &["env", "file"];

pub(crate) const KINDS: &[(&str, Kind)] = &[
    ("physical_lines", Kind::PhysicalLines),
    ("gateways", Kind::Gateways),
    ("bindings", Kind::Bindings),
    ("vpcs", Kind::Vpcs),
    ("health_checks", Kind::HealthChecks),
    ("routes", Kind::Routes),
];
/// The file spells enums as the API does.
pub(crate) const IP_VERSIONS: &[(&str, IpVersion)] = &[
    (IpVersion::Ipv4.as_api(), IpVersion::Ipv4),
    (IpVersion::Ipv6.as_api(), IpVersion::Ipv6),
    (IpVersion::DualStack.as_api(), IpVersion::DualStack),
];
pub(crate) const LINE_TYPES: &[(&str, LineType)] = &[
    (LineType::Pon.as_api(), LineType::Pon),
    (LineType::Ipran.as_api(), LineType::Ipran),
];
pub(crate) const PORT_TYPES: &[(&str, PortType)] = &[
    (PortType::OneG.as_api(), PortType::OneG),
    (PortType::TenG.as_api(), PortType::TenG),
];

/// Bandwidth range the API states for lines (Mbps); used for VPCs too.
pub(crate) const BANDWIDTH_MAX: u64 = 999_999_999;

/// Path of a field inside an object. Built by hand, not with `format!`:
/// every field read builds one, and the formatting machinery was a tenth
/// of a large file's conversion.
pub(crate) fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        return field.to_owned();
    }
    let mut p = String::with_capacity(path.len() + 1 + field.len());
    p.push_str(path);
    p.push('.');
    p.push_str(field);
    p
}

/// Path of item `i` of a list.
pub(crate) fn item(path: &str, i: usize) -> String {
    let mut p = String::with_capacity(path.len() + 8);
    p.push_str(path);
    p.push('[');
    push_decimal(&mut p, i);
    p.push(']');
    p
}

fn push_decimal(p: &mut String, mut i: usize) {
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    loop {
        n -= 1;
        // `i % 10` is below 10.
        digits[n] = b'0' + (i % 10) as u8;
        i /= 10;
        if i == 0 {
            break;
        }
    }
    p.extend(digits[n..].iter().map(|d| char::from(*d)));
}

/// The objects enclosing the object at `path`, nearest first, from the list
/// or field name of each step (`gateways[0].vpcs[1]`, a VPC attachment, is
/// inside a gateway), then the file's top level.
fn enclosing(path: &str) -> impl Iterator<Item = (&'static str, &'static [&'static str])> + '_ {
    let steps: Vec<&str> = path
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    // The last step is the object itself.
    steps
        .into_iter()
        .rev()
        .skip(1)
        .filter_map(|step| {
            Some(match step {
                "physical_lines" => ("the physical line", LINE_FIELDS),
                "switch" => ("the switch port", SWITCH_FIELDS),
                "gateways" => ("the gateway", GATEWAY_FIELDS),
                "vpcs" => ("the VPC attachment", VPC_FIELDS),
                "health_check" => ("the health check", HEALTH_CHECK_FIELDS),
                "static_routes" => ("the static route", STATIC_ROUTE_FIELDS),
                "next_hops" => ("the next hop", NEXT_HOP_FIELDS),
                "bgp" => ("the BGP route", BGP_FIELDS),
                "peers" => ("the BGP peer", PEER_FIELDS),
                _ => return None,
            })
        })
        .chain(std::iter::once(("the top level of the file", TOP_FIELDS)))
}

/// For a key unknown in the object at `path` (`what`) that an enclosing
/// object accepts: say where it belongs, since a block indented one level
/// too deep (`static_routes` under a VPC) is the likely mistake.
pub(crate) fn belongs_elsewhere(key: &str, path: &str, what: &str) -> Option<String> {
    let (owner, _) = enclosing(path).find(|(_, fields)| fields.contains(&key))?;
    Some(format!(
        "`{key}` belongs to {owner}, not to {what}: indent it at the level of {owner}'s other fields"
    ))
}

/// The closest of `candidates` to `word`, if close enough to be a typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    // Typos are short; similarity of long strings costs length squared.
    const LONGEST: usize = 64;
    if word.len() > LONGEST {
        return None;
    }
    let lower = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates.into_iter().filter(|c| c.len() <= LONGEST) {
        let score = if c.to_lowercase() == lower {
            2.0
        } else {
            strsim::jaro_winkler(&lower, &c.to_lowercase())
        };
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The fields the loader accepts are exactly the model's (as the
    /// generated schema lists them), so a field added to the model cannot
    /// be forgotten here.
    #[test]
    fn field_lists_match_the_model() {
        let schema: serde_json::Value =
            serde_json::from_str(&crate::schema::json_schema()).unwrap();
        let props = |def: Option<&str>| -> Vec<String> {
            let obj = match def {
                None => &schema,
                Some(d) => &schema["definitions"][d],
            };
            let mut v: Vec<String> = obj["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            v.sort();
            v
        };
        let sorted = |f: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = f.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(props(None), sorted(TOP_FIELDS));
        assert_eq!(props(Some("PhysicalLine")), sorted(LINE_FIELDS));
        assert_eq!(props(Some("SwitchPort")), sorted(SWITCH_FIELDS));
        assert_eq!(props(Some("Gateway")), sorted(GATEWAY_FIELDS));
        assert_eq!(props(Some("VpcAttachment")), sorted(VPC_FIELDS));
        assert_eq!(props(Some("HealthCheck")), sorted(HEALTH_CHECK_FIELDS));
        assert_eq!(props(Some("StaticRoute")), sorted(STATIC_ROUTE_FIELDS));
        assert_eq!(props(Some("NextHop")), sorted(NEXT_HOP_FIELDS));
        assert_eq!(props(Some("BgpRoute")), sorted(BGP_FIELDS));
        assert_eq!(props(Some("BgpPeer")), sorted(PEER_FIELDS));
    }

    /// Enum spellings match the model's serde names.
    #[test]
    fn enum_spellings_match_serde() {
        for (name, v) in KINDS {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
        for (name, v) in IP_VERSIONS {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
        for (name, v) in LINE_TYPES {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
        for (name, v) in PORT_TYPES {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
    }

    #[test]
    fn a_key_of_an_enclosing_object_is_said_to_belong_there() {
        let help = belongs_elsewhere("static_routes", "gateways[0].vpcs[1]", "a VPC attachment");
        assert_eq!(
            help.as_deref(),
            Some("`static_routes` belongs to the gateway, not to a VPC attachment: indent it at the level of the gateway's other fields")
        );
        let help = belongs_elsewhere("gateways", "physical_lines[2]", "a physical line");
        assert!(help.unwrap().contains("the top level of the file"));
        // Nowhere above: no claim.
        assert_eq!(
            belongs_elsewhere("next_hops", "gateways[0].vpcs[1]", "a VPC attachment"),
            None
        );
        assert_eq!(belongs_elsewhere("bogus", "gateways[0]", "a gateway"), None);
    }

    #[test]
    fn paths_name_fields_and_items() {
        assert_eq!(join("", "region"), "region");
        assert_eq!(join("gateways[3]", "name"), "gateways[3].name");
        assert_eq!(item("gateways", 0), "gateways[0]");
        assert_eq!(item("g[1].lines", 1907), "g[1].lines[1907]");
        assert_eq!(item("x", usize::MAX), format!("x[{}]", usize::MAX));
    }

    #[test]
    fn did_you_mean_prefers_close_and_case_insensitive_matches() {
        assert_eq!(
            did_you_mean("bandwith", LINE_FIELDS.iter().copied()),
            Some("bandwidth")
        );
        assert_eq!(
            did_you_mean("Name", LINE_FIELDS.iter().copied()),
            Some("name")
        );
        assert_eq!(did_you_mean("zzzz", LINE_FIELDS.iter().copied()), None);
    }
}
