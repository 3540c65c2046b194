//! Walks the node tree and builds [`crate::model::DesiredState`], reporting
//! every shape problem (unknown or duplicate keys, wrong types, missing
//! fields, ranges, malformed addresses) with its place, and carrying on.
//!
//! An object whose required fields cannot be read is dropped from the
//! partial model; everything else is kept so the cross-object rules in
//! `validate.rs` still run and report their findings in the same pass.

use super::diagnostics::Collector;
use super::node::{Loc, Node, Value};
use crate::model::{
    BgpPeer, BgpRoute, DesiredState, Gateway, HealthCheck, IpVersion, Kind, LineType, NextHop,
    PhysicalLine, PortType, SecretRef, StaticRoute, SwitchPort, VpcAttachment,
};
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

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

const KINDS: &[(&str, Kind)] = &[
    ("physical_lines", Kind::PhysicalLines),
    ("gateways", Kind::Gateways),
    ("bindings", Kind::Bindings),
    ("vpcs", Kind::Vpcs),
    ("health_checks", Kind::HealthChecks),
    ("routes", Kind::Routes),
];
const IP_VERSIONS: &[(&str, IpVersion)] = &[
    ("IPV4", IpVersion::Ipv4),
    ("IPV6", IpVersion::Ipv6),
    ("DUALSTACK", IpVersion::DualStack),
];
const LINE_TYPES: &[(&str, LineType)] = &[("PON", LineType::Pon), ("IPRAN", LineType::Ipran)];
const PORT_TYPES: &[(&str, PortType)] = &[("1G", PortType::OneG), ("10G", PortType::TenG)];

/// Bandwidth range the API states for lines (Mbps); used for VPCs too.
pub(crate) const BANDWIDTH_MAX: u64 = 999_999_999;

/// Path of a field inside an object.
pub(crate) fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn item(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
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

/// A mapping whose keys have been checked against the allowed fields.
struct Obj<'n> {
    loc: Loc,
    path: String,
    what: &'static str,
    fields: Vec<(&'static str, &'n Node)>,
}

impl<'n> Obj<'n> {
    fn p(&self, field: &str) -> String {
        join(&self.path, field)
    }

    /// The field's node; `None` when absent or null.
    fn get(&self, field: &str) -> Option<&'n Node> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, n)| *n)
            .filter(|n| n.value != Value::Null)
    }

    /// The field's node, reporting it as missing when absent or null.
    fn req(&self, cv: &mut Conv<'_>, field: &str) -> Option<&'n Node> {
        let n = self.get(field);
        if n.is_none() {
            let present = self.fields.iter().find(|(f, _)| *f == field);
            let (loc, label) = match present {
                Some((_, n)) => (n.loc, "no value"),
                None => (self.loc, "missing field"),
            };
            cv.fail(
                loc,
                &self.p(field),
                label,
                format!("missing required field `{field}` in {}", self.what),
                None,
            );
        }
        n
    }
}

fn placeholder_switch() -> SwitchPort {
    SwitchPort {
        hostname: String::new(),
        port: String::new(),
        port_type: PortType::OneG,
        ip: None,
    }
}

/// Conversion state: the problem collector and the location of every path.
pub(crate) struct Conv<'t> {
    pub(crate) c: Collector<'t>,
    /// The file's node tree, where locations are looked up.
    root: &'t Node,
    /// Names of lines whose IP version could not be read: the rules about
    /// IP families skip them rather than report follow-on problems.
    pub(crate) broken_lines: HashSet<String>,
    /// (list path, index in the model) → index in the file, for lists
    /// where an unreadable item was left out of the partial model.
    shifted: HashMap<(String, usize), usize>,
    /// Paths where reading failed, and all their ancestors: rules about
    /// what is there (emptiness, presence, bindings) stay quiet below them
    /// instead of piling up. A set, so a hostile file with a million
    /// failures does not make each look-up slow.
    failed: HashSet<String>,
}

impl<'t> Conv<'t> {
    pub(crate) fn new(c: Collector<'t>, root: &'t Node) -> Self {
        Conv {
            c,
            root,
            broken_lines: HashSet::new(),
            shifted: HashMap::new(),
            failed: HashSet::new(),
        }
    }

    /// Whether a problem reported now is still kept, so an expensive hint
    /// is worth computing.
    pub(crate) fn help_wanted(&self) -> bool {
        !self.c.is_full()
    }

    /// Location of `path`, or of its nearest parent written in the file.
    pub(crate) fn loc(&self, path: &str) -> Loc {
        self.root.lookup(path).0.loc
    }

    /// Reports a value that could not be read (it is left out of the
    /// partial model); a value kept despite its problem (out of range, host
    /// bits) is reported with `self.c.error` instead.
    pub(crate) fn fail(
        &mut self,
        loc: Loc,
        path: &str,
        label: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut p = path;
        while self.failed.insert(p.to_owned()) {
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.c.error(loc, path, label, message, help);
    }

    /// Whether reading failed at `path` or anywhere inside it.
    pub(crate) fn failed_under(&self, path: &str) -> bool {
        self.failed.contains(path)
    }

    /// Path in the file of item `idx` (in the model) of the list at `list`.
    pub(crate) fn src(&self, list: &str, idx: usize) -> String {
        let i = if self.shifted.is_empty() {
            idx
        } else {
            self.shifted
                .get(&(list.to_owned(), idx))
                .copied()
                .unwrap_or(idx)
        };
        item(list, i)
    }

    fn type_error(&mut self, n: &Node, path: &str, expected: &str) {
        let found = n.value.kind_name();
        self.fail(
            n.loc,
            path,
            &format!("expected {expected}"),
            format!("expected {expected}, found {found}"),
            None,
        );
    }

    fn object<'n>(
        &mut self,
        n: &'n Node,
        path: &str,
        what: &'static str,
        allowed: &[&'static str],
    ) -> Option<Obj<'n>> {
        let Value::Map(pairs) = &n.value else {
            self.type_error(n, path, &format!("a mapping ({what})"));
            return None;
        };
        let mut fields: Vec<(&'static str, &'n Node)> = Vec::new();
        let mut first_seen: HashMap<String, Loc> = HashMap::new();
        for (k, v) in pairs {
            let Some(key) = self.key_text(k) else {
                self.fail(
                    k.loc,
                    path,
                    "not a field name",
                    format!(
                        "keys of {what} must be field names, found {}",
                        k.value.kind_name()
                    ),
                    None,
                );
                continue;
            };
            if let Some(first) = first_seen.get(&key) {
                let msg = format!("duplicate key `{key}` (first given on line {})", first.line);
                self.c
                    .error(k.loc, &join(path, &key), "duplicate key", msg, None);
                continue;
            }
            first_seen.insert(key.clone(), k.loc);
            match allowed.iter().find(|a| **a == key) {
                Some(a) => {
                    fields.push((a, v));
                }
                None => {
                    let help = match did_you_mean(&key, allowed.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("expected one of: {}", allowed.join(", ")),
                    };
                    self.fail(
                        k.loc,
                        &join(path, &key),
                        "unknown field",
                        format!("unknown field `{key}` in {what}"),
                        Some(help),
                    );
                }
            }
        }
        Some(Obj {
            loc: n.loc,
            path: path.to_owned(),
            what,
            fields,
        })
    }

    /// The text of a key: strings as they are, plain numbers and booleans as
    /// written (`1G:` is a string, `10:` is not).
    fn key_text(&self, k: &Node) -> Option<String> {
        match &k.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(self.raw(k)),
            _ => None,
        }
    }

    /// The source text of a plain scalar (where it is defined).
    fn raw(&self, n: &Node) -> String {
        let text = self.c.text();
        let r = self.c.index().byte_range(text, n.def);
        text.get(r).unwrap_or("").to_owned()
    }

    /// A string. Unquoted numbers and booleans are taken as written
    /// (`name: 2024` is the name "2024").
    fn string(&mut self, n: &Node, path: &str) -> Option<String> {
        match &n.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(self.raw(n)),
            _ => {
                self.type_error(n, path, "a string");
                None
            }
        }
    }

    fn nonempty_string(&mut self, n: &Node, path: &str) -> Option<String> {
        let s = self.string(n, path)?;
        if s.trim().is_empty() {
            self.c
                .error(n.loc, path, "empty", "must not be empty".to_owned(), None);
        }
        Some(s)
    }

    fn int(&mut self, n: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        match &n.value {
            Value::Int(i) => {
                let field = path.rsplit('.').next().unwrap_or(path);
                if *i < i128::from(min) || *i > i128::from(max) {
                    self.c.error(
                        n.loc,
                        path,
                        "out of range",
                        format!("`{field}` must be between {min} and {max}, found {i}"),
                        None,
                    );
                }
                u64::try_from(*i).ok()
            }
            // An integer too long for the parser arrives as a float; say
            // it is out of range rather than "a decimal number".
            #[allow(clippy::cast_precision_loss)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() > max as f64 => {
                let field = path.rsplit('.').next().unwrap_or(path);
                self.fail(
                    n.loc,
                    path,
                    "out of range",
                    format!("`{field}` must be between {min} and {max}, found a larger integer"),
                    None,
                );
                None
            }
            Value::Str(s) if s.trim().parse::<i128>().is_ok() => {
                self.fail(
                    n.loc,
                    path,
                    "expected an integer",
                    "expected an integer, found a string".to_owned(),
                    Some("remove the quotes".to_owned()),
                );
                None
            }
            _ => {
                self.type_error(n, path, "an integer");
                None
            }
        }
    }

    fn int_as<T: TryFrom<u64>>(&mut self, n: &Node, path: &str, min: u64, max: u64) -> Option<T> {
        // The range check has reported any value that does not fit.
        self.int(n, path, min, max)
            .and_then(|v| T::try_from(v).ok())
    }

    fn boolean(&mut self, n: &Node, path: &str) -> Option<bool> {
        match &n.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.type_error(n, path, "`true` or `false`");
                None
            }
        }
    }

    fn opt_bool(&mut self, o: &Obj<'_>, field: &str) -> bool {
        o.get(field)
            .and_then(|n| self.boolean(n, &o.p(field)))
            .unwrap_or(false)
    }

    fn choice<T: Copy>(
        &mut self,
        n: &Node,
        path: &str,
        options: &[(&'static str, T)],
    ) -> Option<T> {
        let Value::Str(s) = &n.value else {
            let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
            self.type_error(n, path, &format!("one of {}", names.join(", ")));
            return None;
        };
        if let Some((_, v)) = options.iter().find(|(name, _)| name == s) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
        let help = did_you_mean(s, names.iter().copied()).map(|m| format!("did you mean `{m}`?"));
        self.fail(
            n.loc,
            path,
            "unknown value",
            format!("unknown value `{s}`, expected one of {}", names.join(", ")),
            help,
        );
        None
    }

    fn ip_addr(&mut self, n: &Node, path: &str) -> Option<IpAddr> {
        let s = self.string(n, path)?;
        match s.trim().parse::<IpAddr>() {
            Ok(a) => Some(a),
            Err(_) => {
                let help = s
                    .split_once('/')
                    .filter(|(a, _)| a.parse::<IpAddr>().is_ok())
                    .map(|(a, _)| format!("write the address without a prefix length: `{a}`"));
                self.fail(
                    n.loc,
                    path,
                    "not an IP address",
                    format!("`{s}` is not an IP address"),
                    help,
                );
                None
            }
        }
    }

    fn parse_cidr(&mut self, n: &Node, path: &str, example: &str) -> Option<IpNet> {
        let s = self.string(n, path)?;
        match s.trim().parse::<IpNet>() {
            Ok(net) => Some(net),
            Err(_) => {
                let help = if s.trim().parse::<IpAddr>().is_ok() {
                    Some("add the prefix length, e.g. `/32` for one IPv4 host or `/128` for one IPv6 host".to_owned())
                } else {
                    None
                };
                self.fail(
                    n.loc,
                    path,
                    "not a CIDR",
                    format!("`{s}` is not an address with prefix length (e.g. `{example}`)"),
                    help,
                );
                None
            }
        }
    }

    /// A destination, subnet or network: a CIDR with no host bits set.
    fn network(&mut self, n: &Node, path: &str) -> Option<IpNet> {
        let net = self.parse_cidr(n, path, "10.10.0.0/16")?;
        if net.trunc() != net {
            self.c.error(
                n.loc,
                path,
                "host bits set",
                format!("`{net}` is not a network address: host bits are set"),
                Some(format!("did you mean `{}`?", net.trunc())),
            );
        }
        Some(net)
    }

    /// An interconnect IP: a host address with the prefix length of the
    /// interconnect subnet (not its network or broadcast address).
    fn interface(&mut self, n: &Node, path: &str) -> Option<IpNet> {
        let net = self.parse_cidr(n, path, "10.255.0.1/30")?;
        let bad = match net {
            // /31 and /32 have no network or broadcast address (RFC 3021).
            IpNet::V4(v4) if v4.prefix_len() <= 30 => {
                if v4.addr() == v4.network() {
                    Some("the network address of its subnet")
                } else if v4.addr() == v4.broadcast() {
                    Some("the broadcast address of its subnet")
                } else {
                    None
                }
            }
            // The all-zero host is the subnet-router anycast address.
            IpNet::V6(v6) if v6.prefix_len() <= 126 && v6.addr() == v6.network() => {
                Some("the subnet-router anycast (all-zero host) address of its subnet")
            }
            _ => None,
        };
        if let Some(what) = bad {
            self.c.error(
                n.loc,
                path,
                "not a host address",
                format!("`{net}` is {what}, not a host address"),
                None,
            );
        }
        Some(net)
    }

    /// A list; null counts as empty.
    fn list<T>(
        &mut self,
        n: Option<&Node>,
        path: &str,
        mut f: impl FnMut(&mut Self, &Node, &str) -> Option<T>,
    ) -> Vec<T> {
        let Some(n) = n else { return Vec::new() };
        match &n.value {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    let p = item(path, i);
                    if let Some(v) = f(self, it, &p) {
                        if out.len() != i {
                            self.shifted.insert((path.to_owned(), out.len()), i);
                        }
                        out.push(v);
                    }
                }
                out
            }
            _ => {
                self.type_error(n, path, "a list");
                Vec::new()
            }
        }
    }

    fn opt<T>(
        &mut self,
        o: &Obj<'_>,
        field: &str,
        f: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        o.get(field).and_then(|n| f(self, n, &o.p(field)))
    }

    fn req<T>(
        &mut self,
        o: &Obj<'_>,
        field: &str,
        f: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        o.req(self, field).and_then(|n| f(self, n, &o.p(field)))
    }

    // ---------------------------------------------------------------- model

    pub(crate) fn desired_state(&mut self, root: &Node) -> DesiredState {
        let mut state = DesiredState {
            region: String::new(),
            account: None,
            prune: Vec::new(),
            physical_lines: Vec::new(),
            gateways: Vec::new(),
        };
        if root.value == Value::Null {
            self.fail(
                root.loc,
                "",
                "empty",
                "the file is empty; it needs at least `region`".to_owned(),
                None,
            );
            return state;
        }
        let Some(o) = self.object(root, "", "the desired state", TOP_FIELDS) else {
            return state;
        };
        state.region = self
            .req(&o, "region", Self::nonempty_string)
            .unwrap_or_default();
        state.account = self.opt(&o, "account", Self::nonempty_string);
        state.prune = self.list(o.get("prune"), "prune", |cv, n, p| cv.choice(n, p, KINDS));
        state.physical_lines = self.list(o.get("physical_lines"), "physical_lines", Self::line);
        state.gateways = self.list(o.get("gateways"), "gateways", Self::gateway);
        state
    }

    fn line(&mut self, n: &Node, path: &str) -> Option<PhysicalLine> {
        let o = self.object(n, path, "a physical line", LINE_FIELDS)?;
        let name = self.req(&o, "name", Self::nonempty_string);
        let id = self.opt(&o, "id", Self::nonempty_string);
        let switch = self.req(&o, "switch", Self::switch);
        let line_type = self.req(&o, "line_type", |cv, n, p| cv.choice(n, p, LINE_TYPES));
        let bandwidth = self.req(&o, "bandwidth", |cv, n, p| cv.int(n, p, 1, BANDWIDTH_MAX));
        let vlan = self.opt(&o, "vlan", |cv, n, p| cv.int_as::<u16>(n, p, 1, 4094));
        let ip_version = self.req(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS));
        let local_ip = self.opt(&o, "local_ip", Self::interface);
        let remote_ip = self.opt(&o, "remote_ip", Self::interface);
        let local_ip_v6 = self.opt(&o, "local_ip_v6", Self::interface);
        let remote_ip_v6 = self.opt(&o, "remote_ip_v6", Self::interface);
        let access_point = self.opt(&o, "access_point", Self::string);
        let shared = self.opt_bool(&o, "shared");
        let description = self.opt(&o, "description", Self::string);
        let protect = self.opt_bool(&o, "protect");
        // Only the name is needed to keep the line in the partial model; a
        // problem elsewhere is reported and a placeholder stands in (the
        // partial model is never returned, since a problem was reported).
        // Without a readable IP version, the family rules skip the line.
        let name = name?;
        if ip_version.is_none() {
            self.broken_lines.insert(name.clone());
        }
        Some(PhysicalLine {
            name,
            id,
            switch: switch.unwrap_or_else(placeholder_switch),
            line_type: line_type.unwrap_or(LineType::Pon),
            bandwidth: bandwidth.unwrap_or(0),
            vlan,
            ip_version: ip_version.unwrap_or(IpVersion::Ipv4),
            local_ip,
            remote_ip,
            local_ip_v6,
            remote_ip_v6,
            access_point,
            shared,
            description,
            protect,
        })
    }

    fn switch(&mut self, n: &Node, path: &str) -> Option<SwitchPort> {
        let o = self.object(n, path, "a switch port", SWITCH_FIELDS)?;
        let hostname = self.req(&o, "hostname", Self::nonempty_string);
        let port = self.req(&o, "port", Self::nonempty_string);
        let port_type = self.req(&o, "port_type", |cv, n, p| cv.choice(n, p, PORT_TYPES));
        let ip = self.opt(&o, "ip", Self::ip_addr);
        Some(SwitchPort {
            hostname: hostname?,
            port: port?,
            port_type: port_type?,
            ip,
        })
    }

    fn gateway(&mut self, n: &Node, path: &str) -> Option<Gateway> {
        let o = self.object(n, path, "a gateway", GATEWAY_FIELDS)?;
        let name = self.req(&o, "name", Self::nonempty_string);
        let hostname = self.opt(&o, "hostname", Self::nonempty_string);
        let access_point = self.opt(&o, "access_point", Self::string);
        let description = self.opt(&o, "description", Self::string);
        let lines = self.list(o.get("lines"), &o.p("lines"), Self::nonempty_string);
        let vpcs = self.list(o.get("vpcs"), &o.p("vpcs"), Self::vpc);
        let static_routes = self.list(
            o.get("static_routes"),
            &o.p("static_routes"),
            Self::static_route,
        );
        let bgp = self.list(o.get("bgp"), &o.p("bgp"), Self::bgp);
        let protect = self.opt_bool(&o, "protect");
        Some(Gateway {
            name: name?,
            hostname,
            access_point,
            description,
            lines,
            vpcs,
            static_routes,
            bgp,
            protect,
        })
    }

    fn vpc(&mut self, n: &Node, path: &str) -> Option<VpcAttachment> {
        let o = self.object(n, path, "a VPC attachment", VPC_FIELDS)?;
        let id = self.req(&o, "id", Self::nonempty_string);
        let name = self.opt(&o, "name", Self::string);
        let bandwidth = self.req(&o, "bandwidth", |cv, n, p| cv.int(n, p, 1, BANDWIDTH_MAX));
        let ip_version = self
            .opt(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS))
            .unwrap_or(IpVersion::Ipv4);
        let network_segment = self.opt(&o, "network_segment", Self::network);
        let network_segment_v6 = self.opt(&o, "network_segment_v6", Self::network);
        let subnets = self.list(o.get("subnets"), &o.p("subnets"), Self::network);
        let subnets_v6 = self.list(o.get("subnets_v6"), &o.p("subnets_v6"), Self::network);
        let dc_type = self.opt(&o, "dc_type", Self::nonempty_string);
        let health_check = self.opt(&o, "health_check", Self::health_check);
        let protect = self.opt_bool(&o, "protect");
        Some(VpcAttachment {
            id: id?,
            name,
            bandwidth: bandwidth.unwrap_or(0),
            ip_version,
            network_segment,
            network_segment_v6,
            subnets,
            subnets_v6,
            dc_type,
            health_check,
            protect,
        })
    }

    fn health_check(&mut self, n: &Node, path: &str) -> Option<HealthCheck> {
        let o = self.object(n, path, "a health check", HEALTH_CHECK_FIELDS)?;
        let src_ip = self.req(&o, "src_ip", Self::ip_addr);
        let dst_ip = self.req(&o, "dst_ip", Self::ip_addr);
        let interval = self.req(&o, "interval", |cv, n, p| cv.int_as::<u8>(n, p, 2, 5));
        let packets = self.req(&o, "packets", |cv, n, p| cv.int_as::<u8>(n, p, 5, 10));
        let auto_switch = self.opt_bool(&o, "auto_switch");
        Some(HealthCheck {
            src_ip: src_ip?,
            dst_ip: dst_ip?,
            interval: interval.unwrap_or(0),
            packets: packets.unwrap_or(0),
            auto_switch,
        })
    }

    fn static_route(&mut self, n: &Node, path: &str) -> Option<StaticRoute> {
        let o = self.object(n, path, "a static route", STATIC_ROUTE_FIELDS)?;
        let dst = o
            .req(self, "dst")
            .map(|d| self.list(Some(d), &o.p("dst"), Self::network));
        let next_hops = o
            .req(self, "next_hops")
            .map(|d| self.list(Some(d), &o.p("next_hops"), Self::next_hop));
        let protect = self.opt_bool(&o, "protect");
        Some(StaticRoute {
            dst: dst?,
            next_hops: next_hops?,
            protect,
        })
    }

    fn next_hop(&mut self, n: &Node, path: &str) -> Option<NextHop> {
        let o = self.object(n, path, "a next hop", NEXT_HOP_FIELDS)?;
        let line = self.req(&o, "line", Self::nonempty_string);
        let priority = self.req(&o, "priority", |cv, n, p| {
            cv.int_as::<u32>(n, p, 0, u64::from(u32::MAX))
        });
        let track = self.opt_bool(&o, "track");
        let bfd = self.opt_bool(&o, "bfd");
        Some(NextHop {
            line: line?,
            priority: priority.unwrap_or(0),
            track,
            bfd,
        })
    }

    fn bgp(&mut self, n: &Node, path: &str) -> Option<BgpRoute> {
        let o = self.object(n, path, "a BGP route", BGP_FIELDS)?;
        let ip_version = self
            .opt(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS))
            .unwrap_or(IpVersion::Ipv4);
        let networks = self.list(o.get("networks"), &o.p("networks"), Self::network);
        let peers = o
            .req(self, "peers")
            .map(|d| self.list(Some(d), &o.p("peers"), Self::peer));
        let multipath = self.opt(&o, "multipath", |cv, n, p| {
            cv.int_as::<u8>(n, p, 1, u64::from(u8::MAX))
        });
        let protect = self.opt_bool(&o, "protect");
        Some(BgpRoute {
            ip_version,
            networks,
            peers: peers?,
            multipath,
            protect,
        })
    }

    fn peer(&mut self, n: &Node, path: &str) -> Option<BgpPeer> {
        // Mask the key before anything else can report on it.
        if let Value::Map(pairs) = &n.value {
            for (k, v) in pairs {
                if k.value == Value::Str("key".to_owned()) {
                    self.redact_literal_key(v);
                }
            }
        }
        let o = self.object(n, path, "a BGP peer", PEER_FIELDS)?;
        let line = self.req(&o, "line", Self::nonempty_string);
        let peer_as = self.req(&o, "peer_as", |cv, n, p| {
            cv.int_as::<u32>(n, p, 1, u64::from(u32::MAX))
        });
        let neighbor = self.opt(&o, "neighbor", Self::nonempty_string);
        let key = self.opt(&o, "key", Self::secret_ref);
        let bfd = self.opt_bool(&o, "bfd");
        Some(BgpPeer {
            line: line?,
            peer_as: peer_as.unwrap_or(0),
            neighbor,
            key,
            bfd,
        })
    }

    /// Masks every scalar of a `key:` value except the names under a
    /// well-formed `env:`/`file:` reference, so no snippet shows a secret.
    fn redact_literal_key(&mut self, n: &Node) {
        match &n.value {
            Value::Map(pairs) => {
                for (k, v) in pairs {
                    let is_ref = matches!(&k.value, Value::Str(s) if SECRET_REF_FIELDS.contains(&s.as_str()));
                    if !is_ref || !matches!(v.value, Value::Str(_)) {
                        self.redact_all(v);
                    }
                }
            }
            _ => self.redact_all(n),
        }
    }

    fn redact_all(&mut self, n: &Node) {
        match &n.value {
            Value::Seq(items) => items.iter().for_each(|i| self.redact_all(i)),
            Value::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                self.redact_all(k);
                self.redact_all(v);
            }),
            _ => {
                self.c.redact(n.loc);
                self.c.redact(n.def);
            }
        }
    }

    fn secret_ref(&mut self, n: &Node, path: &str) -> Option<SecretRef> {
        if !matches!(n.value, Value::Map(_)) {
            // Deliberately not echoing the value: it is probably the key.
            self.fail(
                n.loc,
                path,
                "literal secret (not shown)",
                "BGP keys must not be written in the file; reference them instead".to_owned(),
                Some("use `{ env: NAME }` (an environment variable) or `{ file: PATH }` (a file outside git)".to_owned()),
            );
            return None;
        }
        let o = self.object(n, path, "a BGP key reference", SECRET_REF_FIELDS)?;
        let env = self.opt(&o, "env", Self::nonempty_string);
        let file = self.opt(&o, "file", Self::nonempty_string);
        match (env, file) {
            (Some(_), Some(_)) => {
                self.fail(
                    o.loc,
                    path,
                    "both given",
                    "a BGP key reference has either `env` or `file`, not both".to_owned(),
                    None,
                );
                None
            }
            (None, None) => {
                self.fail(
                    o.loc,
                    path,
                    "no reference",
                    "a BGP key reference needs `env: NAME` or `file: PATH`".to_owned(),
                    None,
                );
                None
            }
            (Some(env), None) => {
                let valid = env
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    let at = o.get("env").map_or(o.loc, |n| n.loc);
                    self.fail(
                        at,
                        &o.p("env"),
                        "not a variable name",
                        "an environment variable name has letters, digits and `_`, and does not start with a digit".to_owned(),
                        None,
                    );
                }
                Some(SecretRef::Env(env))
            }
            (None, Some(file)) => Some(SecretRef::File(file)),
        }
    }
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
