//! A plan: actions, the API calls each one makes, their dependency edges and
//! their traffic impact. Produced by `diff`, consumed by the renderers and by
//! the executor in `apply`.
//!
//! Operations carry plan-level data, not `cda-api` request types: `plan` knows
//! nothing of the wire, and `apply` maps each [`Operation`] to one client call.

use crate::model::{HealthCheck, IpVersion, PhysicalLine, SecretRef, VpcAttachment};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Version of the plan's JSON rendering and of the plan file.
pub const FORMAT_VERSION: &str = "1";

/// The ordered set of changes that takes the live estate to the desired one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    pub region: String,
    pub account: Option<String>,
    /// Actions in a topological order of `depends_on` (the display order).
    pub actions: Vec<Action>,
    /// Live objects of kinds outside `prune` that the file does not declare.
    pub unmanaged: Vec<Unmanaged>,
    /// What the plan could not compare and why (e.g. a health check whose
    /// settings the API does not return in a readable form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Address → fingerprint of every live object the plan read, including
    /// `"absent"` for addresses the plan creates. A saved plan is refused
    /// when a re-read gives a different map for these addresses.
    pub fingerprints: BTreeMap<String, String>,
    /// The blast-radius guard's verdict ([`crate::guard::assess`]) when the
    /// plan trips it. Absent otherwise, and in plan files written before
    /// the guard: `apply` recomputes it from the actions either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mass_destroy: Option<crate::guard::MassDestroy>,
    /// What was asked for beyond the file: `--target` (a partial plan) and
    /// `--replace`. Absent when nothing was.
    #[serde(default, skip_serializing_if = "Requested::is_empty")]
    pub requested: Requested,
}

/// Addresses given on the command line, as the plan prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requested {
    /// `--target`: the plan is limited to these objects and what they
    /// need, so it is partial.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// `--replace`: these objects are replaced even where nothing in the
    /// file forces it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<String>,
}

impl Requested {
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty() && self.replace.is_empty()
    }

    /// The plan covers only some objects (`--target`).
    pub fn is_partial(&self) -> bool {
        !self.targets.is_empty()
    }

    /// Was a replace of `address` asked for?
    pub fn replaces(&self, address: &str) -> bool {
        self.replace.iter().any(|a| a == address)
    }
}

/// Index of an action in [`Plan::actions`].
pub type ActionId = usize;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    /// Stable, human-readable identity, e.g. `physical_line.bj-idc-a`,
    /// `binding.gwprod01.bj-idc-a`, `vpc.gwprod01.vpc-8f3k2`,
    /// `static_route.gwprod01.IPV4[10.10.0.0/16,10.20.0.0/16]`,
    /// `bgp_route.gwprod01.IPV4`.
    pub address: String,
    pub kind: ResourceKind,
    pub change: ChangeKind,
    /// Gateway whose writes this action makes (writes to one gateway are
    /// serialised by the executor); `None` for lines.
    pub gateway: Option<String>,
    /// Per-attribute before/after; secrets appear as `(sensitive)` only.
    pub attributes: Vec<AttributeChange>,
    /// Whole object before and after, secrets redacted.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// What this step does to traffic; empty means none (metadata only).
    pub impact: Vec<Impact>,
    /// Actions that must finish before this one starts.
    pub depends_on: Vec<ActionId>,
    /// API calls, executed in this order.
    pub calls: Vec<Operation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    PhysicalLine,
    Gateway,
    Binding,
    Vpc,
    HealthCheck,
    StaticRoute,
    BgpRoute,
}

impl ResourceKind {
    /// Where addresses of this kind sort among the others' ([`address`]
    /// starts each with its kind): `bgp_route` < `binding` < `gateway` <
    /// `health_check` < `physical_line` < `static_route` < `vpc`.
    pub fn address_rank(self) -> usize {
        match self {
            ResourceKind::BgpRoute => 0,
            ResourceKind::Binding => 1,
            ResourceKind::Gateway => 2,
            ResourceKind::HealthCheck => 3,
            ResourceKind::PhysicalLine => 4,
            ResourceKind::StaticRoute => 5,
            ResourceKind::Vpc => 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Update,
    Replace,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub name: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// Render as `(sensitive)`; the values above are then hashes or null.
    pub sensitive: bool,
    /// This attribute cannot change in place.
    pub forces_replace: bool,
}

/// What an action does to traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Impact {
    /// These prefixes keep at least one path but lose at least one.
    RedundancyReduced { prefixes: Vec<IpNet> },
    /// These prefixes lose every path.
    PrefixesWithdrawn { prefixes: Vec<IpNet> },
    /// These BGP sessions (peer addresses) are reset.
    BgpSessionReset { peers: Vec<IpAddr> },
    /// These lines stop carrying traffic (unbound or deleted).
    LineDown { lines: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unmanaged {
    pub address: String,
    pub kind: ResourceKind,
}

/// A line as an operation refers to it: by name, with the `lineID` when the
/// line already existed at plan time. Lines created by this plan get their ID
/// from a list call after creation (the API returns none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRef {
    pub name: String,
    pub id: Option<String>,
}

/// One API call. `apply` maps each variant to one `cda-api` method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    CreateLine {
        line: PhysicalLine,
    },
    UpdateLine {
        line: LineRef,
        name: Option<String>,
        bandwidth: Option<u64>,
        description: Option<String>,
    },
    DeleteLine {
        line: LineRef,
    },
    CreateGateway {
        name: String,
        hostname: String,
        access_point: Option<String>,
        description: Option<String>,
    },
    DeleteGateway {
        name: String,
    },
    BindLine {
        gateway: String,
        line: LineRef,
    },
    UnbindLine {
        gateway: String,
        line: LineRef,
    },
    /// `vpc.health_check` is ignored here; health checks are their own calls.
    AddVpc {
        gateway: String,
        vpc: VpcAttachment,
    },
    UpdateVpc {
        gateway: String,
        vpc: VpcAttachment,
    },
    DeleteVpc {
        gateway: String,
        vpc_id: String,
    },
    AddHealthCheck {
        gateway: String,
        vpc_id: String,
        vpc_name: Option<String>,
        subnet: IpNet,
        check: HealthCheck,
    },
    UpdateHealthCheck {
        gateway: String,
        vpc_id: String,
        check: HealthCheck,
    },
    DeleteHealthCheck {
        gateway: String,
        vpc_id: String,
    },
    AddStaticRoute {
        gateway: String,
        route: StaticRouteBody,
    },
    UpdateStaticRoute {
        gateway: String,
        id: String,
        route: StaticRouteBody,
    },
    DeleteStaticRoute {
        gateway: String,
        id: String,
    },
    AddBgpRoute {
        gateway: String,
        route: BgpRouteBody,
    },
    UpdateBgpRoute {
        gateway: String,
        id: String,
        route: BgpRouteBody,
    },
    DeleteBgpRoute {
        gateway: String,
        id: String,
    },
}

/// A static route as sent on add/update (full lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaticRouteBody {
    pub ip_version: IpVersion,
    pub dst_v4: Vec<IpNet>,
    pub dst_v6: Vec<IpNet>,
    pub next_hops_v4: Vec<NextHopBody>,
    pub next_hops_v6: Vec<NextHopBody>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextHopBody {
    /// The line's remote interconnect address.
    pub remote_ip: IpAddr,
    pub priority: u32,
    pub track: bool,
    pub bfd: bool,
}

/// A BGP route as sent on add/update (full lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BgpRouteBody {
    pub ip_version: IpVersion,
    pub networks_v4: Vec<IpNet>,
    pub networks_v6: Vec<IpNet>,
    pub peers_v4: Vec<BgpPeerBody>,
    pub peers_v6: Vec<BgpPeerBody>,
    pub multipath: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgpPeerBody {
    pub neighbor: String,
    /// The line's remote interconnect address.
    pub ip: IpAddr,
    pub line: LineRef,
    pub peer_as: u32,
    /// The executor resolves the reference at call time; the plan never
    /// holds the key itself.
    pub key: Option<SecretRef>,
    pub bfd: bool,
}

/// The address scheme shared by actions, fingerprints and unmanaged objects.
pub mod address {
    use crate::model::IpVersion;
    use ipnet::IpNet;

    pub fn physical_line(name: &str) -> String {
        format!("physical_line.{name}")
    }
    pub fn gateway(name: &str) -> String {
        format!("gateway.{name}")
    }
    pub fn binding(gateway: &str, line: &str) -> String {
        format!("binding.{gateway}.{line}")
    }
    pub fn vpc(gateway: &str, vpc_id: &str) -> String {
        format!("vpc.{gateway}.{vpc_id}")
    }
    pub fn health_check(gateway: &str, vpc_id: &str) -> String {
        format!("health_check.{gateway}.{vpc_id}")
    }
    /// `dst` is sorted and deduplicated here, so callers may pass any order.
    pub fn static_route(gateway: &str, ip_version: IpVersion, dst: &[IpNet]) -> String {
        use std::fmt::Write;
        let mut sorted: Vec<&IpNet> = dst.iter().collect();
        sorted.sort();
        sorted.dedup();
        let mut out = String::with_capacity(24 + gateway.len() + 20 * sorted.len());
        out.push_str("static_route.");
        out.push_str(gateway);
        out.push('.');
        out.push_str(ip_version.as_api());
        out.push('[');
        for (i, net) in sorted.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{net}");
        }
        out.push(']');
        out
    }
    pub fn bgp_route(gateway: &str, ip_version: IpVersion) -> String {
        format!("bgp_route.{gateway}.{}", ip_version.as_api())
    }
}

/// What a whole plan does to traffic, for renderers to lead with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactSummary {
    /// Prefixes that lose every path at some step (sorted, unique).
    pub prefixes_withdrawn: Vec<IpNet>,
    /// Prefixes that lose a path but keep one at some step.
    pub redundancy_reduced: Vec<IpNet>,
    /// BGP peers whose session is reset.
    pub bgp_sessions_reset: Vec<IpAddr>,
    /// Lines that stop carrying traffic.
    pub lines_down: Vec<String>,
    /// Actions with at least one impact.
    pub disruptive_actions: usize,
}

impl ImpactSummary {
    /// True when no action touches traffic.
    pub fn is_none(&self) -> bool {
        self.disruptive_actions == 0
    }
}

/// Action counts by change, for the `Plan: X to add, …` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
}

impl Plan {
    /// No action: the live estate already matches the file.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    pub fn counts(&self) -> ChangeCounts {
        let mut counts = ChangeCounts::default();
        for action in &self.actions {
            match action.change {
                ChangeKind::Create => counts.add += 1,
                ChangeKind::Update => counts.change += 1,
                ChangeKind::Replace => counts.replace += 1,
                ChangeKind::Delete => counts.destroy += 1,
            }
        }
        counts
    }

    /// Actions that delete or replace something: what `--max-destroy`
    /// limits. Unlike [`ChangeCounts::destroy`], replaces count too.
    pub fn destroy_count(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| matches!(a.change, ChangeKind::Delete | ChangeKind::Replace))
            .count()
    }

    /// Union of every action's impact.
    pub fn impact_summary(&self) -> ImpactSummary {
        use std::collections::BTreeSet;
        let mut withdrawn = BTreeSet::new();
        let mut reduced = BTreeSet::new();
        let mut resets = BTreeSet::new();
        let mut down = BTreeSet::new();
        let mut disruptive = 0;
        for action in &self.actions {
            if !action.impact.is_empty() {
                disruptive += 1;
            }
            for impact in &action.impact {
                match impact {
                    Impact::PrefixesWithdrawn { prefixes } => {
                        withdrawn.extend(prefixes.iter().copied())
                    }
                    Impact::RedundancyReduced { prefixes } => {
                        reduced.extend(prefixes.iter().copied())
                    }
                    Impact::BgpSessionReset { peers } => resets.extend(peers.iter().copied()),
                    Impact::LineDown { lines } => down.extend(lines.iter().cloned()),
                }
            }
        }
        ImpactSummary {
            prefixes_withdrawn: withdrawn.into_iter().collect(),
            redundancy_reduced: reduced.into_iter().collect(),
            bgp_sessions_reset: resets.into_iter().collect(),
            lines_down: down.into_iter().collect(),
            disruptive_actions: disruptive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(change: ChangeKind) -> Action {
        Action {
            id: 0,
            address: "gateway.gw1".into(),
            kind: ResourceKind::Gateway,
            change,
            gateway: Some("gw1".into()),
            attributes: Vec::new(),
            before: None,
            after: None,
            impact: Vec::new(),
            depends_on: Vec::new(),
            calls: Vec::new(),
        }
    }

    #[test]
    fn destroy_count_counts_deletes_and_replaces() {
        let mut plan = Plan {
            format_version: FORMAT_VERSION.into(),
            region: "nm8".into(),
            account: None,
            actions: Vec::new(),
            unmanaged: Vec::new(),
            notes: Vec::new(),
            fingerprints: BTreeMap::new(),
            mass_destroy: None,
            requested: Default::default(),
        };
        assert_eq!(plan.destroy_count(), 0);
        for change in [
            ChangeKind::Create,
            ChangeKind::Update,
            ChangeKind::Replace,
            ChangeKind::Delete,
            ChangeKind::Delete,
        ] {
            plan.actions.push(action(change));
        }
        assert_eq!(plan.destroy_count(), 3);
        assert_eq!(plan.counts().destroy, 2);
    }

    #[test]
    fn address_rank_is_the_order_addresses_of_each_kind_sort_in() {
        use crate::model::IpVersion;
        let addresses = [
            (ResourceKind::PhysicalLine, address::physical_line("a")),
            (ResourceKind::Gateway, address::gateway("a")),
            (ResourceKind::Binding, address::binding("a", "b")),
            (ResourceKind::Vpc, address::vpc("a", "v")),
            (ResourceKind::HealthCheck, address::health_check("a", "v")),
            (
                ResourceKind::StaticRoute,
                address::static_route("a", IpVersion::Ipv4, &[]),
            ),
            (
                ResourceKind::BgpRoute,
                address::bgp_route("a", IpVersion::Ipv4),
            ),
        ];
        let mut by_rank = addresses.clone();
        by_rank.sort_by_key(|(kind, _)| kind.address_rank());
        let mut by_text = addresses;
        by_text.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(by_rank, by_text);
    }
}
