//! Why no plan could be made, and where in the desired-state file the
//! object it names is written.
//!
//! Errors name objects by address (`static_route.gw1.IPV4[10.0.0.0/8]`);
//! [`PlanError::field_path`] finds the declaration behind an address in the
//! [`DesiredState`], and the loader's [`SourceMap`] turns that field path
//! into `file:line:col`. The plain `Display` stays the message alone.

use super::bgp::secret_label;
use crate::action::{address, AttributeChange};
use crate::desired::{Diagnostics, SourceLocation, SourceMap};
use crate::identity_check::IdentityReport;
use crate::model::DesiredState;

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{address}: BGP key reference {reference} was not resolved")]
    UnresolvedSecret { address: String, reference: String },
    #[error("{}", protected_message(.address, .attribute, .live.as_deref(), .file.as_deref()))]
    Protected {
        address: String,
        /// The attribute that forces the replacement (or why the object goes).
        attribute: String,
        /// Its live value and the file's, when it is one attribute that
        /// differs (`None` when the object goes for another reason).
        live: Option<String>,
        file: Option<String>,
    },
    #[error("{address}: line `{line}` is not declared in physical_lines")]
    UnknownLine { address: String, line: String },
    #[error("{address}: line `{line}` is not bound to gateway `{gateway}`")]
    LineNotBound {
        address: String,
        line: String,
        gateway: String,
    },
    #[error("line `{line}` is bound to more than one gateway: {gateways:?}")]
    LineBoundTwice { line: String, gateways: Vec<String> },
    #[error("duplicate {kind} `{name}`")]
    Duplicate { kind: &'static str, name: String },
    #[error("{address}: line `{line}` has no {family} remote interconnect address")]
    MissingAddress {
        address: String,
        line: String,
        family: &'static str,
    },
    #[error("{address}: the health check's VPC has no subnet to send")]
    NoSubnet { address: String },
    #[error("{address} cannot be changed without touching unmanaged {blocker}; declare it or add its kind to `prune`")]
    BlockedByUnmanaged { address: String, blocker: String },
    #[error(
        "{address}: no switch hostname to create the gateway with (set `hostname` or bind a line)"
    )]
    NoHostname { address: String },
    #[error("internal error: the action graph has a cycle")]
    Cycle,
    /// A `--target` or `--replace` address that names no object of the
    /// file or the live estate.
    #[error(
        "{flag} {address}: no such object in the file or the live estate{}",
        did_you_mean(suggestions)
    )]
    UnknownAddress {
        flag: &'static str,
        address: String,
        suggestions: Vec<String>,
    },
    #[error("--replace {address}: {reason}")]
    NotReplaceable { address: String, reason: String },
    /// Live objects unmatched by name look like declared ones
    /// ([`crate::identity_check`]): planning would delete and re-create them.
    #[error("{0}")]
    IdentityMismatch(Box<IdentityReport>),
}

/// `; did you mean `a` or `b`?`, or nothing without suggestions.
fn did_you_mean(suggestions: &[String]) -> String {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => format!("; did you mean {last}?"),
        Some((last, rest)) => format!("; did you mean {} or {last}?", rest.join(", ")),
    }
}

/// What to do is the reader's choice, so the message offers both ways out:
/// keep the live value, or let the object be replaced.
fn protected_message(
    address: &str,
    attribute: &str,
    live: Option<&str>,
    file: Option<&str>,
) -> String {
    match (live, file) {
        (Some(live), Some(file)) => format!(
            "{address} is protected, but `{attribute}` differs (live: {live}, file: {file}) and cannot change in place, so it would be replaced; set `{attribute}` back to {live}, or remove `protect: true` to let it be replaced"
        ),
        _ => format!("{address} is protected, but changing `{attribute}` would delete or replace it"),
    }
}

/// An attribute value as the messages quote it: strings without JSON quotes.
fn quoted(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "(none)".to_owned(),
        Some(serde_json::Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

impl PlanError {
    /// A protected object that would be deleted or replaced because of
    /// `attribute`; its live and desired values come from `changes` when
    /// one of them is that attribute.
    pub(crate) fn protected(
        address: String,
        attribute: String,
        changes: &[AttributeChange],
    ) -> Self {
        let change = changes.iter().find(|c| c.name == attribute && !c.sensitive);
        PlanError::Protected {
            address,
            attribute,
            live: change.map(|c| quoted(c.before.as_ref())),
            file: change.map(|c| quoted(c.after.as_ref())),
        }
    }

    /// The field path in the desired-state file (as [`SourceMap::location`]
    /// takes it, e.g. `gateways[0].static_routes[1].next_hops[0].line`) of
    /// what this error is about, as precisely as the error says: the
    /// attribute or line reference at fault, else the declared object. An
    /// attribute path may name a field the file leaves out (a default);
    /// [`PlanError::locate`] then falls back to the object. `None` when the
    /// error names nothing the file declares (an undeclared object, or
    /// [`PlanError::Cycle`]). `desired` must be the state the plan was
    /// made from.
    pub fn field_path(&self, desired: &DesiredState) -> Option<String> {
        self.candidate_paths(desired).into_iter().next()
    }

    /// Where in the file this error points, through the loader's source
    /// map (from [`crate::desired::parse_with_source_map`] or
    /// [`crate::desired::load_with_source_map`] of the same file).
    pub fn locate(&self, desired: &DesiredState, sources: &SourceMap) -> Option<SourceLocation> {
        self.candidate_paths(desired)
            .iter()
            .find_map(|p| sources.location(p))
    }

    /// `file:line:col: message`, or the message alone when the error
    /// cannot be located in the file.
    pub fn located(&self, desired: &DesiredState, sources: &SourceMap) -> String {
        let found = self
            .candidate_paths(desired)
            .into_iter()
            .find_map(|p| sources.location(&p).map(|at| (p, at)));
        match found {
            Some((path, at)) => {
                let file = sources.file_of(&path);
                format!("{file}:{}:{}: {self}", at.line, at.column)
            }
            None => self.to_string(),
        }
    }

    /// The error as a file diagnostic with its snippet (render it like the
    /// loader's diagnostics, e.g. with miette); `None` when it cannot be
    /// located in the file.
    pub fn diagnostics(&self, desired: &DesiredState, sources: &SourceMap) -> Option<Diagnostics> {
        let path = self
            .candidate_paths(desired)
            .into_iter()
            .find(|p| sources.location(p).is_some())?;
        Some(sources.diagnostics([(path.as_str(), self.to_string())]))
    }

    /// Field paths to try, most precise first; each exists in `desired`,
    /// though an attribute may not be written in the file.
    fn candidate_paths(&self, desired: &DesiredState) -> Vec<String> {
        let objects = Objects(desired);
        match self {
            PlanError::UnresolvedSecret { address, reference } => {
                let Some((gi, bi)) = objects.bgp_route(address, 0) else {
                    return Vec::new();
                };
                let route = &desired.gateways[gi].bgp[bi];
                let object = format!("gateways[{gi}].bgp[{bi}]");
                let peer = route
                    .peers
                    .iter()
                    .position(|p| p.key.as_ref().map(secret_label).as_ref() == Some(reference));
                let mut out: Vec<String> = peer
                    .map(|p| format!("{object}.peers[{p}].key"))
                    .into_iter()
                    .collect();
                out.push(object);
                out
            }
            PlanError::Protected {
                address, attribute, ..
            } => {
                let Some(object) = objects.path(address, 0) else {
                    return Vec::new();
                };
                vec![format!("{object}.{attribute}"), object]
            }
            PlanError::UnknownLine { address, line }
            | PlanError::LineNotBound { address, line, .. }
            | PlanError::MissingAddress { address, line, .. } => {
                objects.line_reference(address, line)
            }
            PlanError::LineBoundTwice { line, gateways } => gateways
                .last()
                .map(|gw| objects.line_reference(&address::gateway(gw), line))
                .unwrap_or_default(),
            PlanError::Duplicate { kind, name } => {
                let address = match *kind {
                    "gateway" => address::gateway(name),
                    "physical line" => address::physical_line(name),
                    "VPC attachment" => format!("vpc.{name}"),
                    _ => name.clone(),
                };
                // The second declaration is the duplicate.
                objects.path(&address, 1).into_iter().collect()
            }
            PlanError::NoSubnet { address } | PlanError::NoHostname { address } => {
                objects.path(address, 0).into_iter().collect()
            }
            PlanError::BlockedByUnmanaged { address, .. } => objects.blocked(address),
            PlanError::Cycle
            | PlanError::UnknownAddress { .. }
            | PlanError::NotReplaceable { .. } => Vec::new(),
            PlanError::IdentityMismatch(report) => report
                .declared_lookalikes()
                .first()
                .and_then(|a| objects.path(a, 0))
                .into_iter()
                .collect(),
        }
    }
}

/// The declared objects of a desired state, found by address.
struct Objects<'d>(&'d DesiredState);

impl Objects<'_> {
    /// Field path of the `nth` declaration with this address (0: first).
    fn path(&self, address: &str, nth: usize) -> Option<String> {
        let d = self.0;
        let (kind, _) = address.split_once('.')?;
        match kind {
            "physical_line" => d
                .physical_lines
                .iter()
                .enumerate()
                .filter(|(_, l)| address::physical_line(&l.name) == address)
                .nth(nth)
                .map(|(i, _)| format!("physical_lines[{i}]")),
            "gateway" => d
                .gateways
                .iter()
                .enumerate()
                .filter(|(_, g)| address::gateway(&g.name) == address)
                .nth(nth)
                .map(|(i, _)| format!("gateways[{i}]")),
            "vpc" | "health_check" => {
                let (gi, vi) = self.vpc(address, nth)?;
                let vpc = format!("gateways[{gi}].vpcs[{vi}]");
                Some(if kind == "vpc" {
                    vpc
                } else {
                    format!("{vpc}.health_check")
                })
            }
            "static_route" => self
                .static_route(address, nth)
                .map(|(gi, ri)| format!("gateways[{gi}].static_routes[{ri}]")),
            "bgp_route" => self
                .bgp_route(address, nth)
                .map(|(gi, bi)| format!("gateways[{gi}].bgp[{bi}]")),
            _ => None,
        }
    }

    fn nth_in_gateways(
        &self,
        nth: usize,
        found: impl Fn(&crate::model::Gateway) -> Vec<usize>,
    ) -> Option<(usize, usize)> {
        self.0
            .gateways
            .iter()
            .enumerate()
            .flat_map(|(gi, g)| found(g).into_iter().map(move |i| (gi, i)))
            .nth(nth)
    }

    fn vpc(&self, address: &str, nth: usize) -> Option<(usize, usize)> {
        let vpc_address = match address.strip_prefix("health_check.") {
            Some(rest) => format!("vpc.{rest}"),
            None => address.to_owned(),
        };
        self.nth_in_gateways(nth, |g| {
            (0..g.vpcs.len())
                .filter(|&i| address::vpc(&g.name, &g.vpcs[i].id) == vpc_address)
                .collect()
        })
    }

    fn static_route(&self, address: &str, nth: usize) -> Option<(usize, usize)> {
        self.nth_in_gateways(nth, |g| {
            (0..g.static_routes.len())
                .filter(|&i| {
                    let r = &g.static_routes[i];
                    let dst: Vec<_> = r.dst.iter().map(|n| n.trunc()).collect();
                    address::static_route(&g.name, r.ip_version(), &dst) == address
                })
                .collect()
        })
    }

    fn bgp_route(&self, address: &str, nth: usize) -> Option<(usize, usize)> {
        self.nth_in_gateways(nth, |g| {
            (0..g.bgp.len())
                .filter(|&i| address::bgp_route(&g.name, g.bgp[i].ip_version) == address)
                .collect()
        })
    }

    /// Where the object at `address` names `line`: a gateway's `lines`
    /// entry, a next hop's or a BGP peer's `line`; else the object.
    fn line_reference(&self, address: &str, line: &str) -> Vec<String> {
        let d = self.0;
        let Some(object) = self.path(address, 0) else {
            return Vec::new();
        };
        let position = if address.starts_with("gateway.") {
            self.gateway(address)
                .and_then(|gi| d.gateways[gi].lines.iter().position(|l| l == line))
                .map(|j| format!("{object}.lines[{j}]"))
        } else if let Some((gi, ri)) = self.static_route(address, 0) {
            d.gateways[gi].static_routes[ri]
                .next_hops
                .iter()
                .position(|h| h.line == line)
                .map(|h| format!("{object}.next_hops[{h}].line"))
        } else if let Some((gi, bi)) = self.bgp_route(address, 0) {
            d.gateways[gi].bgp[bi]
                .peers
                .iter()
                .position(|p| p.line == line)
                .map(|p| format!("{object}.peers[{p}].line"))
        } else {
            None
        };
        position.into_iter().chain([object]).collect()
    }

    fn gateway(&self, address: &str) -> Option<usize> {
        self.0
            .gateways
            .iter()
            .position(|g| address::gateway(&g.name) == address)
    }

    /// A change blocked by an unmanaged object: the declared object, or
    /// for a line leaving an unmanaged gateway, where the file binds it
    /// elsewhere (else its declaration).
    fn blocked(&self, address: &str) -> Vec<String> {
        let Some(rest) = address.strip_prefix("binding.") else {
            return self.path(address, 0).into_iter().collect();
        };
        // Gateway names have no dots; the rest is the line's name.
        let Some((_, line)) = rest.split_once('.') else {
            return Vec::new();
        };
        let d = self.0;
        let bound = d.gateways.iter().enumerate().find_map(|(gi, g)| {
            let j = g.lines.iter().position(|l| l == line)?;
            Some(format!("gateways[{gi}].lines[{j}]"))
        });
        let declared = self.path(&address::physical_line(line), 0);
        bound.into_iter().chain(declared).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::desired::parse_with_source_map;

    const FILE: &str = "\
region: nm8
physical_lines:
  - name: a1
    switch: { hostname: sw1, port: GE1/0/1, port_type: 10G }
    line_type: IPRAN
    bandwidth: 100
    vlan: 1001
    ip_version: IPV4
    local_ip: 10.255.1.1/30
    remote_ip: 10.255.1.2/30
    protect: true
  - name: a2
    switch: { hostname: sw1, port: GE1/0/2, port_type: 10G }
    line_type: IPRAN
    bandwidth: 100
    ip_version: IPV4
    local_ip: 10.255.2.1/30
    remote_ip: 10.255.2.2/30
gateways:
  - name: gw1
    lines: [a1]
    vpcs:
      - id: vpc-1
        bandwidth: 50
        subnets: [192.168.10.0/24]
        health_check: { src_ip: 192.168.10.250, dst_ip: 10.255.1.2, interval: 2, packets: 5 }
    static_routes:
      - dst: [10.10.0.0/16]
        next_hops: [{ line: a1, priority: 10 }]
  - name: gw2
    lines: [a2]
    bgp:
      - peers: [{ line: a2, peer_as: 65001, key: { env: BGP_KEY } }]
";

    fn parsed() -> (DesiredState, SourceMap) {
        parse_with_source_map("estate.yaml", FILE).unwrap()
    }

    fn at(e: &PlanError) -> Option<(usize, usize)> {
        let (d, map) = parsed();
        e.locate(&d, &map).map(|l| (l.line, l.column))
    }

    #[test]
    fn protected_points_at_the_forcing_attribute_or_the_object() {
        let e = PlanError::Protected {
            address: "physical_line.a1".into(),
            attribute: "vlan".into(),
            live: None,
            file: None,
        };
        assert_eq!(at(&e), Some((7, 11)));
        let (d, map) = parsed();
        assert_eq!(e.field_path(&d).as_deref(), Some("physical_lines[0].vlan"));
        assert_eq!(
            e.located(&d, &map),
            format!("estate.yaml:7:11: {e}"),
            "file:line:col: then the message shown today"
        );
        // An attribute the file does not write: the object itself.
        let e = PlanError::Protected {
            address: "physical_line.a1".into(),
            attribute: "switch.ip".into(),
            live: None,
            file: None,
        };
        assert_eq!(at(&e), Some((3, 5)));
        let e = PlanError::Protected {
            address: "health_check.gw1.vpc-1".into(),
            attribute: "src_ip/dst_ip".into(),
            live: None,
            file: None,
        };
        assert_eq!(at(&e), Some((26, 23)));
    }

    #[test]
    fn line_errors_point_at_the_reference() {
        let route = "static_route.gw1.IPV4[10.10.0.0/16]".to_string();
        let e = PlanError::LineNotBound {
            address: route.clone(),
            line: "a1".into(),
            gateway: "gw1".into(),
        };
        assert_eq!(at(&e), Some((29, 29)));
        let e = PlanError::MissingAddress {
            address: "bgp_route.gw2.IPV4".into(),
            line: "a2".into(),
            family: "IPv6",
        };
        assert_eq!(at(&e), Some((33, 25)));
        let e = PlanError::UnknownLine {
            address: "gateway.gw1".into(),
            line: "a1".into(),
        };
        assert_eq!(at(&e), Some((21, 13)));
        // The second gateway listing the line.
        let e = PlanError::LineBoundTwice {
            line: "a2".into(),
            gateways: vec!["gw1".into(), "gw2".into()],
        };
        assert_eq!(at(&e), Some((31, 13)));
        // A line the gateway does not list: the gateway.
        let e = PlanError::LineBoundTwice {
            line: "a1".into(),
            gateways: vec!["gw1".into(), "gw2".into()],
        };
        assert_eq!(at(&e), Some((30, 5)));
    }

    #[test]
    fn other_errors_point_at_their_object() {
        let e = PlanError::UnresolvedSecret {
            address: "bgp_route.gw2.IPV4".into(),
            reference: "{ env: BGP_KEY }".into(),
        };
        assert_eq!(at(&e), Some((33, 50)));
        let e = PlanError::NoHostname {
            address: "gateway.gw2".into(),
        };
        assert_eq!(at(&e), Some((30, 5)));
        let e = PlanError::NoSubnet {
            address: "health_check.gw1.vpc-1".into(),
        };
        assert_eq!(at(&e), Some((26, 23)));
        let e = PlanError::BlockedByUnmanaged {
            address: "binding.gwold.a1".into(),
            blocker: "routes of gateway `gwold` using it".into(),
        };
        assert_eq!(at(&e), Some((21, 13)));
        let e = PlanError::BlockedByUnmanaged {
            address: "static_route.gw1.IPV4[10.10.0.0/16]".into(),
            blocker: "static_route.gw1.IPV4[10.0.0.0/8]".into(),
        };
        assert_eq!(at(&e), Some((28, 9)));
    }

    #[test]
    fn duplicates_point_at_the_second_declaration() {
        // The loader refuses duplicates itself; a state built in code may
        // still hold them.
        let (mut d, _) = parsed();
        let mut twin = d.gateways[0].clone();
        twin.vpcs.clear();
        d.gateways.push(twin);
        let e = PlanError::Duplicate {
            kind: "gateway",
            name: "gw1".into(),
        };
        assert_eq!(e.field_path(&d).as_deref(), Some("gateways[2]"));
        let e = PlanError::Duplicate {
            kind: "static route",
            name: "static_route.gw1.IPV4[10.10.0.0/16]".into(),
        };
        assert_eq!(
            e.field_path(&d).as_deref(),
            Some("gateways[2].static_routes[0]")
        );
        let vpc = d.gateways[0].vpcs[0].clone();
        d.gateways[0].vpcs.push(vpc);
        let e = PlanError::Duplicate {
            kind: "VPC attachment",
            name: "gw1.vpc-1".into(),
        };
        assert_eq!(e.field_path(&d).as_deref(), Some("gateways[0].vpcs[1]"));
    }

    #[test]
    fn errors_naming_nothing_declared_are_not_located() {
        let (d, map) = parsed();
        for e in [
            PlanError::Cycle,
            PlanError::NoHostname {
                address: "gateway.elsewhere".into(),
            },
            PlanError::Protected {
                address: "vpc.gw1.vpc-9".into(),
                attribute: "name".into(),
                live: None,
                file: None,
            },
        ] {
            assert_eq!(e.locate(&d, &map), None, "{e}");
            assert_eq!(e.located(&d, &map), e.to_string());
            assert!(e.diagnostics(&d, &map).is_none());
        }
    }

    #[test]
    fn diagnostics_render_like_the_loaders() {
        let (d, map) = parsed();
        let e = PlanError::Protected {
            address: "physical_line.a1".into(),
            attribute: "vlan".into(),
            live: None,
            file: None,
        };
        let diagnostics = e.diagnostics(&d, &map).unwrap();
        assert_eq!(
            diagnostics.to_string(),
            format!("estate.yaml:7:11: error: physical_lines[0].vlan: {e}")
        );
    }
}
