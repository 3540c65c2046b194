//! Rules that span fields and objects: names, uniqueness, IP families,
//! interconnect subnets, references from routes to bound lines, and the
//! API's static-or-BGP rule. Runs on the (possibly partial) model.

use super::convert::Conv;
use super::fields::{did_you_mean, join};
use crate::model::{DesiredState, Gateway, IpVersion, PhysicalLine, VpcAttachment};
use ipnet::IpNet;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::net::IpAddr;

/// Chinese characters and Chinese punctuation, which the API refuses in
/// names and descriptions.
fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation (、。「」…)
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}' // CJK compatibility forms
        | '\u{FF00}'..='\u{FFEF}' // full-width forms (，：；！？)
        | '\u{20000}'..='\u{2FA1F}') // extensions B and later
}

/// A gateway may bind only lines the file declares, even one that exists
/// already: that one is adopted by declaring it with its live `id`.
fn declare_line(line: &str) -> String {
    format!(
        "declare `{line}` under `physical_lines`; if it exists already, give its live `id:` there to adopt it (`cda export` writes it)"
    )
}

fn family(net: &IpNet) -> &'static str {
    match net {
        IpNet::V4(_) => "IPv4",
        IpNet::V6(_) => "IPv6",
    }
}

impl Conv<'_> {
    fn err(&mut self, path: &str, label: &str, message: String, help: Option<String>) {
        let loc = self.loc(path);
        self.c.error(loc, path, label, message, help);
    }

    /// `elsewhere`: the lines other files of the same region declare, which
    /// this file's gateways may bind and route over (an estate split across
    /// files); duplicates across files are the estate loader's to report.
    pub(crate) fn validate(&mut self, s: &DesiredState, region: Option<&RegionLines<'_>>) {
        let lines = KnownLines {
            own: s
                .physical_lines
                .iter()
                .map(|l| (l.name.as_str(), l))
                .collect(),
            region,
        };
        self.validate_lines(s);
        self.validate_gateways(s, &lines);
    }

    fn text_rule(&mut self, path: &str, value: &str, what: &str, min: usize, max: usize) {
        let n = value.chars().count();
        if n < min || n > max {
            self.err(
                path,
                "wrong length",
                format!("{what} must be {min}–{max} characters long, found {n}"),
                None,
            );
        }
        if value.chars().any(is_chinese) {
            self.err(
                path,
                "Chinese characters",
                format!("{what} must not contain Chinese characters or Chinese punctuation"),
                None,
            );
        }
        if value.chars().any(char::is_control) {
            self.err(
                path,
                "control character",
                format!("{what} must not contain control characters"),
                None,
            );
        }
    }

    fn access_point(&mut self, path: &str, ap: Option<&String>) {
        if let Some(ap) = ap {
            if ap != "AP1" && ap != "AP2" {
                self.err(
                    path,
                    "unknown access point",
                    format!("unknown access point `{ap}`, expected AP1 or AP2"),
                    None,
                );
            }
        }
    }

    fn validate_lines(&mut self, s: &DesiredState) {
        // Where a name or ID was first seen, by index: a path is only
        // written out for a problem.
        let mut names: HashMap<&str, usize> = HashMap::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, l) in s.physical_lines.iter().enumerate() {
            let path = self.src("physical_lines", i);
            let p = |f: &str| join(&path, f);
            self.text_rule(&p("name"), &l.name, "a line name", 2, 63);
            if let Some(first) = first_seen(&mut names, &l.name, i) {
                let first = self.src("physical_lines", first);
                self.err(
                    &p("name"),
                    "duplicate name",
                    format!("duplicate line name `{}` (also {first})", l.name),
                    None,
                );
            }
            if let Some(id) = &l.id {
                if let Some(first) = first_seen(&mut ids, id, i) {
                    let first = self.src("physical_lines", first);
                    self.err(
                        &p("id"),
                        "duplicate id",
                        format!("line id `{id}` is already pinned by {first}"),
                        None,
                    );
                }
            }
            if let Some(d) = &l.description {
                self.text_rule(&p("description"), d, "a description", 2, 200);
            }
            self.access_point(&p("access_point"), l.access_point.as_ref());
            if !self.broken_lines.contains(&l.name) {
                self.interconnect(&path, l, false);
                self.interconnect(&path, l, true);
            }
        }
    }

    /// The interconnect pair of one family: present exactly when the line's
    /// `ip_version` has that family, of that family, in one subnet, distinct.
    fn interconnect(&mut self, path: &str, l: &PhysicalLine, v6: bool) {
        let (fam, wanted, local_f, remote_f, local, remote) = if v6 {
            (
                "IPv6",
                l.ip_version.has_v6(),
                "local_ip_v6",
                "remote_ip_v6",
                l.local_ip_v6,
                l.remote_ip_v6,
            )
        } else {
            (
                "IPv4",
                l.ip_version.has_v4(),
                "local_ip",
                "remote_ip",
                l.local_ip,
                l.remote_ip,
            )
        };
        let v = l.ip_version.as_api();
        let mut ok = true;
        for (field, value) in [(local_f, local), (remote_f, remote)] {
            let p = join(path, field);
            match value {
                None if wanted && !self.failed_under(&p) => {
                    ok = false;
                    self.err(
                        &p,
                        "missing field",
                        format!("`{field}` is required when ip_version is {v}"),
                        None,
                    );
                }
                Some(_) if !wanted => {
                    ok = false;
                    self.err(
                        &p,
                        "not allowed",
                        format!("`{field}` is an {fam} field but ip_version is {v}"),
                        Some(format!(
                            "remove it, or set ip_version to {}",
                            if v6 {
                                "DUALSTACK or IPV6"
                            } else {
                                "DUALSTACK or IPV4"
                            }
                        )),
                    );
                }
                Some(net) if (family(&net) == "IPv6") != v6 => {
                    ok = false;
                    self.err(
                        &p,
                        "wrong family",
                        format!(
                            "`{field}` must be an {fam} address, found {} `{net}`",
                            family(&net)
                        ),
                        None,
                    );
                }
                _ => {}
            }
        }
        if !ok {
            // Routes over this line would only repeat the problem.
            self.broken_lines.insert(l.name.clone());
        }
        if let (true, Some(a), Some(b)) = (ok, local, remote) {
            let rp = join(path, remote_f);
            if a.prefix_len() != b.prefix_len() || a.trunc() != b.trunc() {
                self.err(
                    &rp,
                    "other subnet",
                    format!("`{remote_f}` {b} is not in the same subnet as `{local_f}` {a}"),
                    Some(format!(
                        "both ends of the interconnect sit in {}",
                        a.trunc()
                    )),
                );
            } else if a.addr() == b.addr() {
                self.err(
                    &rp,
                    "same address",
                    format!("`{remote_f}` and `{local_f}` must be different addresses"),
                    None,
                );
            }
        }
    }

    fn validate_gateways(&mut self, s: &DesiredState, lines: &KnownLines<'_>) {
        let mut names: HashMap<&str, usize> = HashMap::new();
        // line name → its first binding (gateway index, index in its
        // `lines`) and that gateway's name
        let mut bound: HashMap<&str, ((usize, usize), &str)> = HashMap::new();
        for (gi, g) in s.gateways.iter().enumerate() {
            let path = self.src("gateways", gi);
            let p = |f: &str| join(&path, f);
            let name_ok = g.name.chars().count() >= 2
                && g.name.chars().count() <= 20
                && g.name.chars().all(|c| c.is_ascii_alphanumeric());
            if !name_ok {
                self.err(
                    &p("name"),
                    "invalid name",
                    format!(
                        "gateway name `{}` must be 2–20 letters and digits",
                        g.name.escape_debug()
                    ),
                    None,
                );
            }
            if let Some(first) = first_seen(&mut names, &g.name, gi) {
                let first = self.src("gateways", first);
                self.err(
                    &p("name"),
                    "duplicate name",
                    format!("duplicate gateway name `{}` (also {first})", g.name),
                    None,
                );
            }
            if let Some(d) = &g.description {
                self.text_rule(&p("description"), d, "a description", 2, 200);
            }
            self.access_point(&p("access_point"), g.access_point.as_ref());
            for (li, line) in g.lines.iter().enumerate() {
                let lp = self.src(&format!("{path}.lines"), li);
                if lines.get(line).is_none() {
                    self.unknown_line(&lp, line, s);
                    continue;
                }
                match bound.get(line.as_str()).copied() {
                    Some((first, gw)) if gw == g.name => {
                        let first = self.binding_path(first);
                        let msg = format!("line `{line}` is listed twice (also {first})");
                        self.err(&lp, "duplicate", msg, None);
                    }
                    Some((first, gw)) => {
                        let first = self.binding_path(first);
                        let msg = format!(
                            "line `{line}` is already bound to gateway `{gw}` ({first}); a line is bound to one gateway at most"
                        );
                        self.err(&lp, "bound twice", msg, None);
                    }
                    None => {
                        bound.insert(line, ((gi, li), &g.name));
                    }
                }
            }
            self.validate_vpcs(&path, g);
            if !g.static_routes.is_empty() && !g.bgp.is_empty() {
                self.err(
                    &p("bgp"),
                    "static routes and BGP",
                    format!("gateway `{}` has both static routes and BGP; the API allows one or the other", g.name),
                    None,
                );
            }
            let here: HashSet<&str> = g.lines.iter().map(String::as_str).collect();
            self.validate_static_routes((&path, g, &here), lines);
            self.validate_bgp((&path, g, &here), lines);
        }
    }

    /// Path of item `li` of gateway `gi`'s `lines`.
    fn binding_path(&self, (gi, li): (usize, usize)) -> String {
        self.src(&format!("{}.lines", self.src("gateways", gi)), li)
    }

    fn unknown_line(&mut self, path: &str, line: &str, s: &DesiredState) {
        let help = self.help_wanted().then(|| {
            match did_you_mean(line, s.physical_lines.iter().map(|l| l.name.as_str())) {
                Some(m) => format!("did you mean `{m}`?"),
                None => declare_line(line),
            }
        });
        self.err(
            path,
            "unknown line",
            format!("no physical line named `{line}`"),
            help,
        );
    }

    fn validate_vpcs(&mut self, gpath: &str, g: &Gateway) {
        let mut ids: HashMap<&str, String> = HashMap::new();
        for (vi, v) in g.vpcs.iter().enumerate() {
            let path = self.src(&format!("{gpath}.vpcs"), vi);
            if let Some(first) = first_seen(&mut ids, &v.id, path.clone()) {
                self.err(
                    &join(&path, "id"),
                    "duplicate VPC",
                    format!(
                        "VPC `{}` is attached twice to gateway `{}` (also {first})",
                        v.id, g.name
                    ),
                    None,
                );
            }
            self.vpc_family(&path, v, false);
            self.vpc_family(&path, v, true);
            if let Some(hc) = &v.health_check {
                let hp = join(&path, "health_check");
                let subnets = match hc.src_ip {
                    IpAddr::V4(_) => &v.subnets,
                    IpAddr::V6(_) => &v.subnets_v6,
                };
                let subnets_path = join(
                    &path,
                    if hc.src_ip.is_ipv4() {
                        "subnets"
                    } else {
                        "subnets_v6"
                    },
                );
                if !subnets.iter().any(|s| s.contains(&hc.src_ip))
                    && !self.failed_under(&subnets_path)
                {
                    let listed: Vec<String> = subnets.iter().map(ToString::to_string).collect();
                    let help = if listed.is_empty() {
                        "the VPC declares no subnet of that family".to_owned()
                    } else {
                        format!("the VPC's subnets: {}", listed.join(", "))
                    };
                    self.err(
                        &join(&hp, "src_ip"),
                        "outside the VPC",
                        format!(
                            "src_ip {} is not inside any of the VPC's subnets",
                            hc.src_ip
                        ),
                        Some(help),
                    );
                }
                if hc.src_ip.is_ipv4() != hc.dst_ip.is_ipv4() {
                    self.err(
                        &join(&hp, "dst_ip"),
                        "other family",
                        "dst_ip and src_ip must be of the same IP family".to_owned(),
                        None,
                    );
                }
            }
        }
    }

    /// Subnets and network segment of one family: of that family, present
    /// only when `ip_version` has it (subnets required then), subnets inside
    /// the segment, no duplicates.
    fn vpc_family(&mut self, path: &str, v: &VpcAttachment, v6: bool) {
        let (fam, wanted, seg_f, sub_f, seg, subs) = if v6 {
            (
                "IPv6",
                v.ip_version.has_v6(),
                "network_segment_v6",
                "subnets_v6",
                v.network_segment_v6,
                &v.subnets_v6,
            )
        } else {
            (
                "IPv4",
                v.ip_version.has_v4(),
                "network_segment",
                "subnets",
                v.network_segment,
                &v.subnets,
            )
        };
        let ver = v.ip_version.as_api();
        if !wanted {
            if seg.is_some() {
                let msg = format!("`{seg_f}` is an {fam} field but ip_version is {ver}");
                self.err(&join(path, seg_f), "not allowed", msg, None);
            }
            if !subs.is_empty() {
                let msg = format!("`{sub_f}` is an {fam} field but ip_version is {ver}");
                self.err(&join(path, sub_f), "not allowed", msg, None);
            }
            return;
        }
        if subs.is_empty() && !self.failed_under(&join(path, sub_f)) {
            self.err(
                &join(path, sub_f),
                "missing subnets",
                format!("`{sub_f}` must list at least one subnet when ip_version is {ver}"),
                None,
            );
        }
        if let Some(seg) = seg {
            if (family(&seg) == "IPv6") != v6 {
                let msg = format!("`{seg_f}` must be an {fam} network, found {seg}");
                self.err(&join(path, seg_f), "wrong family", msg, None);
            }
        }
        let mut seen: HashMap<IpNet, usize> = HashMap::new();
        for (i, s) in subs.iter().enumerate() {
            let sp = self.src(&format!("{path}.{sub_f}"), i);
            if (family(s) == "IPv6") != v6 {
                let msg = format!("`{sub_f}` holds {fam} subnets, found {} {s}", family(s));
                self.err(&sp, "wrong family", msg, None);
                continue;
            }
            if first_seen(&mut seen, *s, i).is_some() {
                self.err(
                    &sp,
                    "duplicate",
                    format!("subnet {s} is listed twice"),
                    None,
                );
            }
            if let Some(seg) = seg {
                if !seg.contains(s) && family(&seg) == family(s) {
                    let msg = format!("subnet {s} is not inside the VPC's network segment {seg}");
                    self.err(&sp, "outside the segment", msg, None);
                }
            }
        }
    }

    /// A route over `line` of gateway `g` needs the line bound there and a
    /// remote IP of every family the route carries.
    fn route_line(
        &mut self,
        path: &str,
        (gpath, g, here): (&str, &Gateway, &HashSet<&str>),
        line: &str,
        lines: &KnownLines<'_>,
        (v4, v6): (bool, bool),
    ) {
        let Some(l) = lines.get(line) else {
            // Not the name itself: it can be bound here yet undeclared.
            let help = self
                .help_wanted()
                .then(|| {
                    let bound = g.lines.iter().map(String::as_str).filter(|b| *b != line);
                    did_you_mean(line, bound)
                })
                .flatten()
                .map(|m| format!("did you mean `{m}`?"));
            self.err(
                path,
                "unknown line",
                format!("no physical line named `{line}`"),
                help,
            );
            return;
        };
        if !here.contains(line) {
            if self.failed_under(&join(gpath, "lines")) {
                return;
            }
            self.err(
                path,
                "not bound here",
                format!("line `{line}` is not bound to gateway `{}`", g.name),
                Some(format!("add `{line}` to the gateway's `lines`")),
            );
            return;
        }
        if self.broken_lines.contains(line) {
            return;
        }
        if v4 && l.remote_ip.is_none() {
            self.err(
                path,
                "no IPv4 remote IP",
                format!("line `{line}` has no `remote_ip`, needed for IPv4 routes over it"),
                None,
            );
        }
        if v6 && l.remote_ip_v6.is_none() {
            self.err(
                path,
                "no IPv6 remote IP",
                format!("line `{line}` has no `remote_ip_v6`, needed for IPv6 routes over it"),
                None,
            );
        }
    }

    fn validate_static_routes(
        &mut self,
        (gpath, g, here): (&str, &Gateway, &HashSet<&str>),
        lines: &KnownLines<'_>,
    ) {
        let mut sets: HashMap<(IpVersion, BTreeSet<IpNet>), String> = HashMap::new();
        // The API holds a prefix in at most one static route per gateway.
        let mut routed: HashMap<IpNet, String> = HashMap::new();
        for (ri, r) in g.static_routes.iter().enumerate() {
            let path = self.src(&format!("{gpath}.static_routes"), ri);
            if r.dst.is_empty() && !self.failed_under(&join(&path, "dst")) {
                self.err(
                    &join(&path, "dst"),
                    "empty",
                    "`dst` must list at least one destination".to_owned(),
                    None,
                );
            }
            if r.next_hops.is_empty() && !self.failed_under(&join(&path, "next_hops")) {
                self.err(
                    &join(&path, "next_hops"),
                    "empty",
                    "`next_hops` must list at least one next hop".to_owned(),
                    None,
                );
            }
            let mut seen: HashMap<IpNet, usize> = HashMap::new();
            for (di, d) in r.dst.iter().enumerate() {
                if first_seen(&mut seen, *d, di).is_some() {
                    let dp = self.src(&format!("{path}.dst"), di);
                    self.err(
                        &dp,
                        "duplicate",
                        format!("destination {d} is listed twice"),
                        None,
                    );
                }
            }
            if !r.dst.is_empty() {
                let set: BTreeSet<IpNet> = r.dst.iter().copied().collect();
                if let Some(first) = sets.get(&(r.ip_version(), set.clone())) {
                    self.err(
                        &join(&path, "dst"),
                        "duplicate route",
                        format!(
                            "{first} has the same destinations; a static route is identified by gateway, IP version and destination set"
                        ),
                        Some("merge the next hops into one route".to_owned()),
                    );
                } else {
                    sets.insert((r.ip_version(), set), path.clone());
                    for (di, d) in r.dst.iter().enumerate() {
                        match routed.get(d) {
                            Some(first) if *first != path => {
                                let dp = self.src(&format!("{path}.dst"), di);
                                self.err(
                                    &dp,
                                    "duplicate destination",
                                    format!(
                                        "destination {d} is already routed by {first}; a prefix can be in only one static route of a gateway"
                                    ),
                                    Some("move the next hops into the route that already has this prefix".to_owned()),
                                );
                            }
                            Some(_) => {}
                            None => {
                                routed.insert(*d, path.clone());
                            }
                        }
                    }
                }
            }
            let v4 = r.dst.iter().any(|d| matches!(d, IpNet::V4(_)));
            let v6 = r.dst.iter().any(|d| matches!(d, IpNet::V6(_)));
            let mut hop_lines: HashMap<&str, String> = HashMap::new();
            for (hi, h) in r.next_hops.iter().enumerate() {
                let hp = join(&self.src(&format!("{path}.next_hops"), hi), "line");
                if let Some(first) = first_seen(&mut hop_lines, &h.line, hp.clone()) {
                    self.err(
                        &hp,
                        "duplicate",
                        format!("line `{}` is already the next hop at {first}", h.line),
                        None,
                    );
                    continue;
                }
                self.route_line(&hp, (gpath, g, here), &h.line, lines, (v4, v6));
            }
        }
    }

    fn validate_bgp(
        &mut self,
        (gpath, g, here): (&str, &Gateway, &HashSet<&str>),
        lines: &KnownLines<'_>,
    ) {
        let mut versions: HashMap<IpVersion, String> = HashMap::new();
        for (bi, b) in g.bgp.iter().enumerate() {
            let path = self.src(&format!("{gpath}.bgp"), bi);
            if let Some(first) = first_seen(&mut versions, b.ip_version, path.clone()) {
                self.err(
                    &join(&path, "ip_version"),
                    "duplicate",
                    format!(
                        "gateway `{}` already has a {} BGP route ({first}); one per IP version",
                        g.name,
                        b.ip_version.as_api()
                    ),
                    None,
                );
            }
            for (ni, n) in b.networks.iter().enumerate() {
                let ok = match n {
                    IpNet::V4(_) => b.ip_version.has_v4(),
                    IpNet::V6(_) => b.ip_version.has_v6(),
                };
                if !ok {
                    self.err(
                        &self.src(&format!("{path}.networks"), ni),
                        "wrong family",
                        format!(
                            "{} network {n} in a BGP route with ip_version {}",
                            family(n),
                            b.ip_version.as_api()
                        ),
                        None,
                    );
                }
            }
            if b.peers.is_empty() && !self.failed_under(&join(&path, "peers")) {
                self.err(
                    &join(&path, "peers"),
                    "empty",
                    "`peers` must list at least one peer".to_owned(),
                    None,
                );
            }
            let mut peer_lines: HashMap<&str, String> = HashMap::new();
            for (pi, peer) in b.peers.iter().enumerate() {
                let pp = join(&self.src(&format!("{path}.peers"), pi), "line");
                if let Some(first) = first_seen(&mut peer_lines, &peer.line, pp.clone()) {
                    self.err(
                        &pp,
                        "duplicate",
                        format!("line `{}` already carries the peer at {first}", peer.line),
                        None,
                    );
                    continue;
                }
                let families = (b.ip_version.has_v4(), b.ip_version.has_v6());
                self.route_line(&pp, (gpath, g, here), &peer.line, lines, families);
            }
        }
    }
}

/// Records `value` under `key` unless the key was seen before, and then
/// returns the first value: duplicates always name the first occurrence.
/// Every line the files of a region declare, by name; for a name declared
/// in several files (reported as a clash), the last.
pub(crate) type RegionLines<'s> = HashMap<&'s str, &'s PhysicalLine>;

/// The lines a file's gateways and routes may name: its own, else those
/// another file of its region declares (an estate split across files).
pub(crate) struct KnownLines<'s> {
    own: HashMap<&'s str, &'s PhysicalLine>,
    region: Option<&'s RegionLines<'s>>,
}

impl<'s> KnownLines<'s> {
    fn get(&self, name: &str) -> Option<&'s PhysicalLine> {
        self.own
            .get(name)
            .or_else(|| self.region?.get(name))
            .copied()
    }
}

fn first_seen<K: Eq + Hash, V: Clone>(seen: &mut HashMap<K, V>, key: K, value: V) -> Option<V> {
    match seen.entry(key) {
        Entry::Occupied(first) => Some(first.get().clone()),
        Entry::Vacant(slot) => {
            slot.insert(value);
            None
        }
    }
}
