//! Identity sanity checks: do the live identities look like names, and does
//! the file match the live estate by name where it obviously should?
//!
//! The diff matches objects by name. When a server reports names in a shape
//! the client did not expect (an ID where the name should be), every live
//! object goes unmatched: the plan deletes the whole estate and creates it
//! again, and on the real service each deletion is an outage. The tell is
//! that the unmatched live objects look exactly like the objects the file
//! wants to create: same switch port and addresses, same VPC IDs, same
//! route destinations. [`check_identities`] finds those look-alikes and
//! identities that break the API's naming rules; the diff stops on
//! [`IdentityReport::blocks_plan`], and `cda doctor` runs the same check.

use crate::action::address;
use crate::inventory::{Inventory, LiveGateway, LiveLine};
use crate::model::{DesiredState, Gateway, PhysicalLine};
use ipnet::IpNet;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Prefixes of the IDs the API gives objects, which a name never has: a
/// value with one of them where a name is expected is an ID.
pub const ID_PREFIXES: &[(&str, &str)] = &[
    ("lg-", "a gateway ID"),
    ("pl-", "a physical line ID"),
    ("sr-", "a static route ID"),
    ("bgp-", "a BGP route ID"),
];

/// Why `name` is not a valid gateway name (2–20 ASCII letters and digits),
/// or `None` when it is one.
pub fn gateway_name_problem(name: &str) -> Option<String> {
    if let Some(what) = id_lookalike(name) {
        return Some(format!(
            "`{}` looks like {what}, not a name (gateway names are 2–20 letters and digits)",
            name.escape_debug()
        ));
    }
    let n = name.chars().count();
    if !(2..=20).contains(&n) || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "gateway name `{}` must be 2–20 letters and digits",
            name.escape_debug()
        ));
    }
    None
}

/// Why `name` is not a valid physical line name (2–63 characters, no
/// control characters), or `None`.
pub fn line_name_problem(name: &str) -> Option<String> {
    let n = name.chars().count();
    if !(2..=63).contains(&n) || name.chars().any(char::is_control) {
        return Some(format!(
            "line name `{}` must be 2–63 characters without control characters",
            name.escape_debug()
        ));
    }
    None
}

/// What kind of ID `value` looks like, if it starts with a known prefix.
pub fn id_lookalike(value: &str) -> Option<&'static str> {
    ID_PREFIXES
        .iter()
        .find(|(prefix, _)| {
            value.len() > prefix.len() && value.to_ascii_lowercase().starts_with(prefix)
        })
        .map(|(_, what)| *what)
}

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A live object's name breaks the API's naming rules: it was read
    /// from the wrong field.
    NotAName {
        /// The live object's address, as the plan would name it.
        address: String,
        problem: String,
    },
    /// A live object no declared object matches by name, which looks like
    /// a declared object the plan would create.
    LookAlike {
        live: String,
        declared: String,
        /// What they share, e.g. `VPC vpc-8f3k2`, `switch port sw1 GE1/0/1`.
        shared: Vec<String>,
        /// The live name also breaks the naming rules.
        live_name_invalid: bool,
    },
}

/// The result of [`check_identities`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityReport {
    pub findings: Vec<Finding>,
    /// Live gateways and lines read, the denominators of "a large share".
    pub live_gateways: usize,
    pub live_lines: usize,
}

/// The message a plan stops with; `cda doctor` may print it too.
pub const MISMATCH_MESSAGE: &str = "live objects look like the ones this file declares but do not match by name — the server may report names differently";

impl IdentityReport {
    fn look_alikes(&self, kind: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| matches!(f, Finding::LookAlike { live, .. } if live.starts_with(kind)))
            .collect()
    }

    /// Stop planning: a look-alike whose live name could not be a name, or
    /// look-alikes for at least 2 and at least half of the live objects of
    /// a kind. A single renamed object in a larger estate does not stop
    /// the plan (the blast-radius guard still weighs its deletion).
    pub fn blocks_plan(&self) -> bool {
        let invalid = self.findings.iter().any(|f| {
            matches!(
                f,
                Finding::LookAlike {
                    live_name_invalid: true,
                    ..
                }
            )
        });
        let large = |n: usize, of: usize| n >= 2 && n * 2 >= of;
        invalid
            || large(self.look_alikes("gateway.").len(), self.live_gateways)
            || large(self.look_alikes("physical_line.").len(), self.live_lines)
    }

    /// Declared addresses that live objects resemble, in order found.
    pub fn declared_lookalikes(&self) -> Vec<&str> {
        self.findings
            .iter()
            .filter_map(|f| match f {
                Finding::LookAlike { declared, .. } => Some(declared.as_str()),
                Finding::NotAName { .. } => None,
            })
            .collect()
    }

    /// One line per finding, for error messages and `cda doctor`.
    pub fn detail_lines(&self) -> Vec<String> {
        self.findings
            .iter()
            .map(|f| match f {
                Finding::NotAName { address, problem } => format!("{address}: {problem}"),
                Finding::LookAlike {
                    live,
                    declared,
                    shared,
                    ..
                } => format!(
                    "live {live} looks like {declared} in the file (same {})",
                    shared.join(", ")
                ),
            })
            .collect()
    }
}

impl std::fmt::Display for IdentityReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{MISMATCH_MESSAGE}")?;
        for line in self.detail_lines() {
            write!(f, "\n  - {line}")?;
        }
        write!(
            f,
            "\nNothing was planned. Check how the server reports names (`cda doctor`); \
             if the objects were really renamed, rename them back in the file or change them in smaller steps."
        )
    }
}

/// Checks the live identities against the naming rules and looks for live
/// objects unmatched by name that resemble objects the file would create.
/// Pure: `live` as refresh read it (any order).
pub fn check_identities(desired: &DesiredState, live: &Inventory) -> IdentityReport {
    let mut report = IdentityReport {
        findings: Vec::new(),
        live_gateways: live.gateways.len(),
        live_lines: live.lines.len(),
    };
    let mut invalid: HashSet<String> = HashSet::new();
    for gw in &live.gateways {
        if let Some(problem) = gateway_name_problem(&gw.name) {
            let at = address::gateway(&gw.name);
            invalid.insert(at.clone());
            report.findings.push(Finding::NotAName {
                address: at,
                problem,
            });
        }
    }
    for line in &live.lines {
        // Line names are free text, so only a name that is the line's own
        // ID gives a misreading away (a prefix alone could be a real name).
        let problem = line_name_problem(&line.name).or_else(|| {
            (line.name == line.id).then(|| {
                format!(
                    "`{}` is the line's ID, not its name",
                    line.name.escape_debug()
                )
            })
        });
        if let Some(problem) = problem {
            let at = address::physical_line(&line.name);
            invalid.insert(at.clone());
            report.findings.push(Finding::NotAName {
                address: at,
                problem,
            });
        }
    }
    let line_pairs = line_lookalikes(desired, live);
    for (l, d, shared) in &line_pairs {
        let at = address::physical_line(&l.name);
        report.findings.push(Finding::LookAlike {
            live_name_invalid: invalid.contains(&at),
            live: at,
            declared: address::physical_line(&d.name),
            shared: shared.clone(),
        });
    }
    for (l, d, shared) in gateway_lookalikes(desired, live, &line_pairs) {
        let at = address::gateway(&l.name);
        report.findings.push(Finding::LookAlike {
            live_name_invalid: invalid.contains(&at),
            live: at,
            declared: address::gateway(&d.name),
            shared,
        });
    }
    report
}

type LinePair<'a> = (&'a LiveLine, &'a PhysicalLine, Vec<String>);

/// Live lines matched neither by pinned ID nor by name, paired with a
/// declared line matched by neither that has the same switch port and the
/// same interconnect addresses.
fn line_lookalikes<'a>(desired: &'a DesiredState, live: &'a Inventory) -> Vec<LinePair<'a>> {
    let (declared_live, live_declared) = shared_names(
        desired.physical_lines.iter().map(|l| l.name.as_str()),
        live.lines.iter().map(|l| l.name.as_str()),
    );
    let pinned: HashSet<&str> = desired
        .physical_lines
        .iter()
        .filter_map(|l| l.id.as_deref())
        .collect();
    // Only a pinned ID needs the live IDs (few files pin any).
    let live_ids: HashSet<&str> = if pinned.is_empty() {
        HashSet::new()
    } else {
        live.lines.iter().map(|l| l.id.as_str()).collect()
    };
    let mut unmatched: Vec<&PhysicalLine> = desired
        .physical_lines
        .iter()
        .zip(&declared_live)
        .filter(|(d, named_live)| {
            !**named_live && d.id.as_deref().is_none_or(|id| !live_ids.contains(id))
        })
        .map(|(d, _)| d)
        .collect();
    let mut out = Vec::new();
    if unmatched.is_empty() {
        return out;
    }
    for (l, declared) in live.lines.iter().zip(live_declared) {
        if declared || pinned.contains(l.id.as_str()) {
            continue;
        }
        let Some(pos) = unmatched.iter().position(|d| same_line(d, l)) else {
            continue;
        };
        let d = unmatched.remove(pos);
        let mut shared = vec![format!("switch port {} {}", l.hostname, l.port)];
        for ip in [l.local_ip, l.remote_ip, l.local_ip_v6, l.remote_ip_v6]
            .into_iter()
            .flatten()
        {
            shared.push(format!("address {ip}"));
        }
        out.push((l, d, shared));
    }
    out
}

fn same_line(d: &PhysicalLine, l: &LiveLine) -> bool {
    d.switch.hostname == l.hostname
        && d.switch.port == l.port
        && (d.local_ip, d.remote_ip, d.local_ip_v6, d.remote_ip_v6)
            == (l.local_ip, l.remote_ip, l.local_ip_v6, l.remote_ip_v6)
        && [d.local_ip, d.remote_ip, d.local_ip_v6, d.remote_ip_v6]
            .iter()
            .any(Option::is_some)
}

type GatewayPair<'a> = (&'a LiveGateway, &'a Gateway, Vec<String>);

/// Live gateways no declared gateway names, paired with the declared
/// gateway no live gateway names that shares the most with it: VPC IDs,
/// static-route destinations, BGP networks, bound lines.
fn gateway_lookalikes<'a>(
    desired: &'a DesiredState,
    live: &'a Inventory,
    line_pairs: &[LinePair<'a>],
) -> Vec<GatewayPair<'a>> {
    let (declared_live, live_declared) = shared_names(
        desired.gateways.iter().map(|g| g.name.as_str()),
        live.gateways.iter().map(|g| g.name.as_str()),
    );
    let mut unmatched = unmarked(&desired.gateways, &declared_live);
    let undeclared = unmarked(&live.gateways, &live_declared);
    let mut out = Vec::new();
    if unmatched.is_empty() || undeclared.is_empty() {
        return out;
    }
    // Declared line name → the live line ID it is (by pin, name, or look-alike).
    let mut line_id: HashMap<&str, &str> = HashMap::new();
    for l in &live.lines {
        line_id.entry(l.name.as_str()).or_insert(l.id.as_str());
    }
    for d in &desired.physical_lines {
        if let Some(id) = &d.id {
            line_id.insert(d.name.as_str(), id.as_str());
        }
    }
    for (l, d, _) in line_pairs {
        line_id.insert(d.name.as_str(), l.id.as_str());
    }
    for l in undeclared {
        let best = unmatched
            .iter()
            .enumerate()
            .map(|(i, d)| (i, gateway_evidence(d, l, &line_id)))
            .filter(|(_, shared)| !shared.is_empty())
            .max_by_key(|(i, shared)| (shared.len(), std::cmp::Reverse(*i)));
        if let Some((i, shared)) = best {
            let d = unmatched.remove(i);
            out.push((l, d, shared));
        }
    }
    out
}

/// For two lists of names, whether each name of the first is in the second
/// and each of the second in the first. Walked side by side in name order
/// (already the order of a canonical state and a normalised inventory, so
/// the sorts find nothing to do) rather than looked up in a table of each.
fn shared_names<'x>(
    a: impl Iterator<Item = &'x str>,
    b: impl Iterator<Item = &'x str>,
) -> (Vec<bool>, Vec<bool>) {
    let by_name = |names: Vec<&'x str>| {
        let mut order: Vec<(&'x str, usize)> = names.into_iter().zip(0..).collect();
        order.sort_unstable();
        order
    };
    let (a, b) = (by_name(a.collect()), by_name(b.collect()));
    let (mut in_b, mut in_a) = (vec![false; a.len()], vec![false; b.len()]);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let name = a[i].0;
                while i < a.len() && a[i].0 == name {
                    in_b[a[i].1] = true;
                    i += 1;
                }
                while j < b.len() && b[j].0 == name {
                    in_a[b[j].1] = true;
                    j += 1;
                }
            }
        }
    }
    (in_b, in_a)
}

/// The items of `list` whose mark is false.
fn unmarked<'x, T>(list: &'x [T], marks: &[bool]) -> Vec<&'x T> {
    list.iter()
        .zip(marks)
        .filter(|(_, marked)| !**marked)
        .map(|(item, _)| item)
        .collect()
}

/// What a declared and a live gateway share (at most a few of each kind).
fn gateway_evidence(d: &Gateway, l: &LiveGateway, line_id: &HashMap<&str, &str>) -> Vec<String> {
    const EACH: usize = 3;
    let mut shared = Vec::new();
    let live_vpcs: HashSet<&str> = l.vpcs.iter().map(|v| v.id.as_str()).collect();
    shared.extend(
        d.vpcs
            .iter()
            .filter(|v| live_vpcs.contains(v.id.as_str()))
            .take(EACH)
            .map(|v| format!("VPC {}", v.id)),
    );
    let live_dst: BTreeSet<IpNet> = l
        .static_routes
        .iter()
        .flat_map(|r| r.dst.iter().map(IpNet::trunc))
        .collect();
    let dst: BTreeSet<IpNet> = d
        .static_routes
        .iter()
        .flat_map(|r| r.dst.iter().map(IpNet::trunc))
        .filter(|n| live_dst.contains(n))
        .collect();
    shared.extend(
        dst.iter()
            .take(EACH)
            .map(|n| format!("route destination {n}")),
    );
    let live_nets: BTreeSet<IpNet> = l
        .bgp_routes
        .iter()
        .flat_map(|r| r.networks.iter().map(IpNet::trunc))
        .collect();
    let nets: BTreeSet<IpNet> = d
        .bgp
        .iter()
        .flat_map(|r| r.networks.iter().map(IpNet::trunc))
        .filter(|n| live_nets.contains(n))
        .collect();
    shared.extend(nets.iter().take(EACH).map(|n| format!("BGP network {n}")));
    let live_lines: HashSet<&str> = l.line_ids.iter().map(String::as_str).collect();
    shared.extend(
        d.lines
            .iter()
            .filter(|name| {
                line_id
                    .get(name.as_str())
                    .is_some_and(|id| live_lines.contains(id))
            })
            .take(EACH)
            .map(|name| format!("bound line {name}")),
    );
    shared
}

#[cfg(test)]
mod tests;
