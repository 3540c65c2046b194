//! Renderings of a [`Plan`]: human (terminal), JSON (policy engines),
//! Markdown (merge-request comments), drift (`plan --refresh-only`) and
//! graphs (DOT and Mermaid: the actions' order, the topology touched).
//!
//! Every renderer is a pure function from a plan to a `String`; the binary
//! decides where it goes and whether colour is allowed. Secrets never reach
//! the output: sensitive attributes print as `(sensitive)`, and whole-object
//! values are redacted again here ([`redact`]) so a renderer stays safe even
//! if a producer forgot to.

mod drift;
mod graph;
mod human;
mod json;
mod lines;
mod markdown;
mod value;

pub use drift::{drift, drift_json, drift_markdown};
pub use graph::{dependency_graph, topology_mermaid, GraphFormat};
pub use human::{human, write_human};
pub use json::json;
pub use markdown::{markdown, MARKDOWN_LIMIT};
pub use value::{redact, SENSITIVE};

use crate::action::{ChangeCounts, ChangeKind, Impact, Plan};
use ipnet::IpNet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Options of the human renderings ([`human`], [`drift`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// Emit ANSI colours. The binary sets this only on a terminal, without
    /// `NO_COLOR`, and as `--color` allows; renderers never guess.
    pub color: bool,
}

/// Counts of a plan's actions by change kind ([`Plan::counts`]), and its
/// traffic impact with causes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub counts: ChangeCounts,
    pub impact: ImpactCauses,
}

impl Summary {
    pub fn of(plan: &Plan) -> Summary {
        Summary {
            counts: plan.counts(),
            impact: ImpactCauses::of(plan),
        }
    }

    /// Total number of actions.
    pub fn total(&self) -> usize {
        let c = &self.counts;
        c.add + c.change + c.replace + c.destroy
    }

    /// `Plan: X to add, Y to change, Z to replace, W to destroy.`
    pub fn counts_line(&self) -> String {
        let c = &self.counts;
        format!(
            "Plan: {} to add, {} to change, {} to replace, {} to destroy.",
            c.add, c.change, c.replace, c.destroy
        )
    }
}

/// The traffic impact of a whole plan: every affected item once, sorted, with
/// the addresses of the actions that cause it. The keys are exactly
/// [`Plan::impact_summary`]'s lists; the causes are what renderers add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImpactCauses {
    /// Prefixes that lose every path at some step.
    pub prefixes_withdrawn: BTreeMap<IpNet, Vec<String>>,
    /// Prefixes that keep a path but lose at least one at some step.
    pub redundancy_reduced: BTreeMap<IpNet, Vec<String>>,
    /// BGP peers whose session is reset.
    pub bgp_sessions_reset: BTreeMap<IpAddr, Vec<String>>,
    /// Lines that stop carrying traffic.
    pub lines_down: BTreeMap<String, Vec<String>>,
}

impl ImpactCauses {
    pub fn of(plan: &Plan) -> ImpactCauses {
        let mut summary = ImpactCauses::default();
        for action in &plan.actions {
            let by = &action.address;
            for impact in &action.impact {
                match impact {
                    Impact::PrefixesWithdrawn { prefixes } => {
                        note(&mut summary.prefixes_withdrawn, prefixes, by)
                    }
                    Impact::RedundancyReduced { prefixes } => {
                        note(&mut summary.redundancy_reduced, prefixes, by)
                    }
                    Impact::BgpSessionReset { peers } => {
                        note(&mut summary.bgp_sessions_reset, peers, by)
                    }
                    Impact::LineDown { lines } => note(&mut summary.lines_down, lines, by),
                }
            }
        }
        summary
    }

    pub fn is_none(&self) -> bool {
        self.prefixes_withdrawn.is_empty()
            && self.redundancy_reduced.is_empty()
            && self.bgp_sessions_reset.is_empty()
            && self.lines_down.is_empty()
    }

    /// One line that leads every rendering, e.g.
    /// `Traffic impact: 2 prefixes withdrawn, 1 BGP session reset.`
    pub fn headline(&self) -> String {
        let mut parts = Vec::new();
        let mut push = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        push(
            self.prefixes_withdrawn.len(),
            "prefix withdrawn",
            "prefixes withdrawn",
        );
        push(
            self.redundancy_reduced.len(),
            "prefix with reduced redundancy",
            "prefixes with reduced redundancy",
        );
        push(
            self.bgp_sessions_reset.len(),
            "BGP session reset",
            "BGP sessions reset",
        );
        push(self.lines_down.len(), "line down", "lines down");
        if parts.is_empty() {
            "Traffic impact: none (no prefix loses a path, no BGP session is reset, no line goes down).".to_string()
        } else {
            format!("Traffic impact: {}.", parts.join(", "))
        }
    }

    /// One sentence per affected item, worst first, naming the actions
    /// responsible: `prefix 10.30.0.0/16 withdrawn (static_route.…)`.
    pub fn detail_lines(&self) -> Vec<(Severity, String)> {
        let mut out = Vec::new();
        for (prefix, by) in &self.prefixes_withdrawn {
            out.push((
                Severity::Outage,
                format!("prefix {prefix} withdrawn ({})", by.join(", ")),
            ));
        }
        for (line, by) in &self.lines_down {
            out.push((
                Severity::Outage,
                format!("line {line} down ({})", by.join(", ")),
            ));
        }
        for (peer, by) in &self.bgp_sessions_reset {
            out.push((
                Severity::Disruption,
                format!("BGP session with {peer} reset ({})", by.join(", ")),
            ));
        }
        for (prefix, by) in &self.redundancy_reduced {
            out.push((
                Severity::Disruption,
                format!("prefix {prefix} loses a path ({})", by.join(", ")),
            ));
        }
        out
    }
}

/// How bad an impact is, for colour and ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Traffic stops (prefix withdrawn, line down).
    Outage,
    /// Traffic keeps flowing but is disturbed (fewer paths, session reset).
    Disruption,
}

fn note<K: Ord + Clone>(map: &mut BTreeMap<K, Vec<String>>, items: &[K], by: &str) {
    // An action naming one item twice must still list the action once.
    let unique: BTreeSet<&K> = items.iter().collect();
    for item in unique {
        let causes = map.entry(item.clone()).or_default();
        if causes.last().map(String::as_str) != Some(by) {
            causes.push(by.to_string());
        }
    }
}

/// The traffic impact of one action in words; `none` when it has none.
pub fn impact_text(impacts: &[Impact]) -> String {
    if impacts.is_empty() {
        return "none".to_string();
    }
    impacts
        .iter()
        .map(|impact| match impact {
            Impact::PrefixesWithdrawn { prefixes } => {
                format!("prefixes withdrawn: {}", join(prefixes))
            }
            Impact::RedundancyReduced { prefixes } => {
                format!("redundancy reduced (lose a path): {}", join(prefixes))
            }
            Impact::BgpSessionReset { peers } => format!("BGP session reset: {}", join(peers)),
            Impact::LineDown { lines } => format!("line down: {}", join(lines)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The worst severity among an action's impacts.
pub fn impact_severity(impacts: &[Impact]) -> Option<Severity> {
    impacts
        .iter()
        .map(|impact| match impact {
            Impact::PrefixesWithdrawn { .. } | Impact::LineDown { .. } => Severity::Outage,
            Impact::RedundancyReduced { .. } | Impact::BgpSessionReset { .. } => {
                Severity::Disruption
            }
        })
        .min()
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Action id → address, built once per rendering so that listing
/// dependencies stays linear in the size of the plan.
/// Also knows which replaces were asked for (`--replace`).
pub(crate) struct Addresses<'a> {
    actions: &'a [crate::action::Action],
    ids: std::collections::HashMap<crate::action::ActionId, &'a str>,
    requested: &'a crate::action::Requested,
}

impl<'a> Addresses<'a> {
    pub fn of(plan: &'a Plan) -> Addresses<'a> {
        let numbered_by_position = plan.actions.iter().enumerate().all(|(i, a)| a.id == i);
        Addresses {
            actions: &plan.actions,
            ids: if numbered_by_position {
                std::collections::HashMap::new()
            } else {
                plan.actions
                    .iter()
                    .map(|a| (a.id, a.address.as_str()))
                    .collect()
            },
            requested: &plan.requested,
        }
    }

    /// The action is (half of) a replace that `--replace` asked for.
    pub fn replace_requested(&self, action: &crate::action::Action) -> bool {
        action.change != ChangeKind::Update && self.requested.replaces(&action.address)
    }

    /// Addresses of the actions `action` waits for; `#<id>` for an id the
    /// plan does not hold (a producer bug, shown rather than hidden).
    pub fn depends_on(&self, action: &crate::action::Action) -> Vec<String> {
        action
            .depends_on
            .iter()
            .map(|id| match self.address(*id) {
                Some(address) => address.to_string(),
                None => format!("#{id}"),
            })
            .collect()
    }

    /// A plan's action ids are its positions (`diff` numbers them so): the
    /// action is found there, and looked up by id only in a plan that is
    /// numbered otherwise.
    fn address(&self, id: crate::action::ActionId) -> Option<&'a str> {
        match self.actions.get(id) {
            Some(action) if action.id == id => Some(action.address.as_str()),
            _ => self.ids.get(&id).copied(),
        }
    }
}

/// What the action does, in words, for headers: `will be created`, ….
pub(crate) fn change_phrase(change: ChangeKind, kind: crate::action::ResourceKind) -> &'static str {
    use crate::action::ResourceKind;
    match (change, kind) {
        (ChangeKind::Create, ResourceKind::Binding) => "will be bound",
        (ChangeKind::Delete, ResourceKind::Binding) => "will be unbound",
        (ChangeKind::Create, _) => "will be created",
        (ChangeKind::Update, _) => "will be updated in place",
        (ChangeKind::Replace, _) => "must be replaced",
        (ChangeKind::Delete, _) => "will be destroyed",
    }
}

/// The header phrase of a replace `--replace` asked for: the replace
/// itself, or each half of one made of a delete and a create (routes).
pub(crate) fn requested_phrase(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Delete => "will be destroyed and created again, as requested",
        ChangeKind::Create => "will be created again, as requested",
        _ => "will be replaced, as requested",
    }
}

/// The warning a partial plan (`--target`) leads with.
pub fn partial_warning(plan: &Plan) -> Option<String> {
    let targets = &plan.requested.targets;
    (!targets.is_empty()).then(|| {
        format!(
            "Warning: partial plan (--target {}): it covers only these objects and what they need. Other differences between the file and the live estate are not shown and are left as they are; run a plan without --target to see them.",
            targets.join(", --target ")
        )
    })
}

/// The change's name in JSON and tables: `create`, `update`, ….
pub(crate) fn change_name(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Create => "create",
        ChangeKind::Update => "update",
        ChangeKind::Replace => "replace",
        ChangeKind::Delete => "delete",
    }
}

/// The Terraform-style marker of a change.
pub(crate) fn change_marker(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Create => "+",
        ChangeKind::Update => "~",
        ChangeKind::Replace => "-/+",
        ChangeKind::Delete => "-",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, ResourceKind};
    use crate::testing::plan_of as plan;

    fn action(address: &str, change: ChangeKind, impact: Vec<Impact>) -> Action {
        Action {
            id: 0,
            address: address.to_string(),
            kind: ResourceKind::StaticRoute,
            change,
            gateway: None,
            attributes: vec![],
            before: None,
            after: None,
            impact,
            depends_on: vec![],
            calls: vec![],
        }
    }

    #[test]
    fn summary_counts_each_change_kind() {
        let p = plan(vec![
            action("a", ChangeKind::Create, vec![]),
            action("b", ChangeKind::Create, vec![]),
            action("c", ChangeKind::Update, vec![]),
            action("d", ChangeKind::Replace, vec![]),
            action("e", ChangeKind::Delete, vec![]),
        ]);
        let s = Summary::of(&p);
        let c = s.counts;
        assert_eq!((c.add, c.change, c.replace, c.destroy), (2, 1, 1, 1));
        assert_eq!(
            s.counts_line(),
            "Plan: 2 to add, 1 to change, 1 to replace, 1 to destroy."
        );
    }

    #[test]
    fn impact_summary_dedupes_items_and_names_every_cause() {
        let p10: IpNet = "10.10.0.0/16".parse().unwrap();
        let p20: IpNet = "10.20.0.0/16".parse().unwrap();
        let p = plan(vec![
            action(
                "a",
                ChangeKind::Delete,
                vec![Impact::PrefixesWithdrawn {
                    prefixes: vec![p10, p10, p20],
                }],
            ),
            action(
                "b",
                ChangeKind::Update,
                vec![Impact::PrefixesWithdrawn {
                    prefixes: vec![p10],
                }],
            ),
        ]);
        let s = ImpactCauses::of(&p);
        assert_eq!(s.prefixes_withdrawn.len(), 2);
        assert_eq!(s.prefixes_withdrawn[&p10], vec!["a", "b"]);
        assert_eq!(s.headline(), "Traffic impact: 2 prefixes withdrawn.");
    }

    #[test]
    fn headline_says_none_when_nothing_is_touched() {
        let s = ImpactCauses::of(&plan(vec![action("a", ChangeKind::Create, vec![])]));
        assert!(s.is_none());
        assert!(s.headline().starts_with("Traffic impact: none"));
    }
}
