//! Diff: desired state + live inventory → an ordered, traffic-aware [`Plan`].
//!
//! The work is done in four passes:
//! 1. identity — match every desired object to its live counterpart
//!    (PRODUCT §5) and decide its fate (create, keep, update, replace, delete,
//!    unmanaged) following the API's rules (REFERENCE §2);
//! 2. actions — one node per step, each with the API calls it makes, and the
//!    edges the API's preconditions require;
//! 3. order — make-before-break edges where they cannot close a cycle, then a
//!    deterministic topological order;
//! 4. impact — replay the order over a forwarding table.
//!
//! Rules worth knowing (REFERENCE §2 unless stated):
//! - Lines: matched by pinned `id` first, then by name. Name and bandwidth
//!   change in place. Description changes in place only while unbound, so a
//!   bound line is unbound, updated and rebound (shown as `line_down`).
//!   Switch, port, VLAN, type, IP version and interconnect addresses have no
//!   update field: replace = unbind, delete, create, bind.
//! - Gateways have no update call: any difference replaces the gateway and
//!   everything under it. Attributes the list call may not report
//!   (hostname, description, access point) only count when both sides have
//!   a value; the same holds for VPC name and `dc_type` (`EMAZ` = `MAZ`).
//! - VPCs: subnets in place (`vpc/update` resends ip version and bandwidth
//!   unchanged); anything else replaces. Health checks: interval, packets,
//!   auto switching in place; source/destination replace.
//! - Static routes: identity (gateway, ip version, destination set); next
//!   hops change in place as a full list. BGP: identity (gateway, ip
//!   version), updated in place; keys compared by hash.
//! - Before a line is unbound from a gateway, every route there that uses it
//!   is moved onto lines that stay (interim update, then the final update
//!   after the rebind) or, when no line stays, deleted and re-created.
//! - Static and BGP never coexist on a gateway: creates of one wait for all
//!   deletes of the other. A new destination set sharing a prefix with an
//!   old one that goes away retargets the old route in place (one update
//!   call; the API holds a prefix once per gateway, so the two cannot
//!   coexist). Otherwise a new set overlapping an old one is created before
//!   the old one is deleted, unless that would need a cycle; where a shared
//!   prefix cannot be retargeted, the old route is deleted first.
//! - Unmanaged objects that block a required change (an undeclared route
//!   using a line that must be unbound, children of a gateway that must be
//!   replaced) fail the plan with [`PlanError::BlockedByUnmanaged`].

mod graph;
mod impact;

/// A static route's identity on one gateway: IP version and sorted destinations.
type RouteKey = (IpVersion, Vec<IpNet>);

use crate::action::{
    address, Action, AttributeChange, BgpPeerBody, BgpRouteBody, ChangeKind, Impact, LineRef,
    NextHopBody, Operation, Plan, ResourceKind, StaticRouteBody, Unmanaged, FORMAT_VERSION,
};
use crate::inventory::{
    Inventory, LiveBgpRoute, LiveGateway, LiveLine, LiveStaticRoute, LiveVpc, ABSENT,
};
use crate::model::{
    BgpRoute, DesiredState, Gateway, HealthCheck, IpVersion, Kind, PhysicalLine, SecretRef,
    StaticRoute, VpcAttachment,
};
use graph::Graph;
use impact::{Effect, Simulator};
use ipnet::IpNet;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

/// Inputs to planning that the binary resolves (plan does no I/O).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// [`crate::secret_hash`] of every BGP key reference the file uses.
    pub secret_hashes: BTreeMap<SecretRef, String>,
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{address}: BGP key reference {reference} was not resolved")]
    UnresolvedSecret { address: String, reference: String },
    #[error("{address} is protected, but changing `{attribute}` would delete or replace it")]
    Protected { address: String, attribute: String },
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
}

/// Plans the changes that take `live` to `desired`.
pub fn plan(
    desired: &DesiredState,
    live: &Inventory,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    // Refresh normalises already; copy only when the caller did not.
    let owned;
    let live = if live.is_normalised() {
        live
    } else {
        let mut copy = live.clone();
        copy.normalise();
        owned = copy;
        &owned
    };
    Planner::new(desired, live, options)?.run()
}

// ---------------------------------------------------------------------------
// Identity

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Create,
    Keep,
    Replace,
    Delete,
    Unmanaged,
}

#[derive(Debug)]
struct LineEntry<'a> {
    /// Address name: the desired name, or the live name when undeclared.
    key: String,
    desired: Option<&'a PhysicalLine>,
    live: Option<&'a LiveLine>,
    fate: Fate,
    live_gw: Option<String>,
    target_gw: Option<String>,
    changes: Vec<AttributeChange>,
    /// First attribute forcing a replace.
    forced: Option<String>,
    description_change: bool,
}

impl LineEntry<'_> {
    /// Must be unbound even if it stays on the same gateway.
    fn churns(&self) -> bool {
        self.fate == Fate::Replace || (self.description_change && self.live_gw.is_some())
    }

    fn line_ref(&self) -> LineRef {
        let id = match self.fate {
            Fate::Create | Fate::Replace => None,
            _ => self.live.map(|l| l.id.clone()),
        };
        LineRef {
            name: self.key.clone(),
            id,
        }
    }

    fn remote(&self, v6: bool) -> Option<IpAddr> {
        let net = match (self.desired, self.live) {
            (Some(d), _) => {
                if v6 {
                    d.remote_ip_v6
                } else {
                    d.remote_ip
                }
            }
            (None, Some(l)) => {
                if v6 {
                    l.remote_ip_v6
                } else {
                    l.remote_ip
                }
            }
            _ => None,
        };
        net.map(|n| n.addr())
    }
}

#[derive(Debug)]
struct GwEntry<'a> {
    desired: Option<&'a Gateway>,
    live: Option<&'a LiveGateway>,
    fate: Fate,
    changes: Vec<AttributeChange>,
    forced: Option<String>,
}

struct Planner<'a> {
    desired: &'a DesiredState,
    live: &'a Inventory,
    options: &'a PlanOptions,
    lines: Vec<LineEntry<'a>>,
    line_by_key: HashMap<String, usize>,
    line_by_id: HashMap<&'a str, usize>,
    gws: BTreeMap<String, GwEntry<'a>>,
    gw_ids: HashMap<String, u32>,
    prune: BTreeSet<Kind>,

    graph: Graph,
    nodes: Vec<Action>,
    effects: Vec<Effect>,
    unmanaged: Vec<Unmanaged>,
    line_node: HashMap<String, usize>,
    gw_node: HashMap<String, usize>,
    gw_delete_node: HashMap<String, usize>,
    unbind_node: HashMap<(String, String), usize>,
    bind_node: HashMap<(String, String), usize>,
    /// The same bind actions by gateway: a VPC waits for its gateway's
    /// binds, and scanning `bind_node` per VPC is quadratic in a big import.
    binds_by_gateway: HashMap<String, Vec<usize>>,
    /// Switch hostname of each declared line, for gateways that take theirs
    /// from their first line.
    line_hostname: HashMap<&'a str, &'a str>,
    /// Per gateway: actions that stop a route using lines (deletes, interim
    /// updates), with the lines the route used before.
    route_break: HashMap<String, Vec<(usize, BTreeSet<String>)>>,
    child_delete: HashMap<String, Vec<usize>>,
    mbb: Vec<(usize, usize)>,
}

fn attr<T: Serialize + ?Sized>(
    name: &str,
    before: &T,
    after: &T,
    forces_replace: bool,
) -> AttributeChange {
    AttributeChange {
        name: name.to_string(),
        before: serde_json::to_value(before).ok(),
        after: serde_json::to_value(after).ok(),
        sensitive: false,
        forces_replace,
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// Optional attributes the API may not report: only a value on both sides
/// can differ.
fn both_differ<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

fn secret_label(r: &SecretRef) -> String {
    match r {
        SecretRef::Env(n) => format!("{{ env: {n} }}"),
        SecretRef::File(p) => format!("{{ file: {p} }}"),
    }
}

impl<'a> Planner<'a> {
    fn new(
        desired: &'a DesiredState,
        live: &'a Inventory,
        options: &'a PlanOptions,
    ) -> Result<Self, PlanError> {
        let mut p = Planner {
            desired,
            live,
            options,
            lines: Vec::new(),
            line_by_key: HashMap::new(),
            line_by_id: HashMap::new(),
            gws: BTreeMap::new(),
            gw_ids: HashMap::new(),
            prune: desired.prune.iter().copied().collect(),
            graph: Graph::default(),
            nodes: Vec::new(),
            effects: Vec::new(),
            unmanaged: Vec::new(),
            line_node: HashMap::new(),
            gw_node: HashMap::new(),
            gw_delete_node: HashMap::new(),
            unbind_node: HashMap::new(),
            bind_node: HashMap::new(),
            binds_by_gateway: HashMap::new(),
            line_hostname: desired
                .physical_lines
                .iter()
                .map(|l| (l.name.as_str(), l.switch.hostname.as_str()))
                .collect(),
            route_break: HashMap::new(),
            child_delete: HashMap::new(),
            mbb: Vec::new(),
        };
        p.match_gateways()?;
        p.gw_ids = p
            .gws
            .keys()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        p.match_lines()?;
        p.assign_bindings()?;
        Ok(p)
    }

    fn match_gateways(&mut self) -> Result<(), PlanError> {
        let live_by_name: HashMap<&str, &LiveGateway> = self
            .live
            .gateways
            .iter()
            .map(|g| (g.name.as_str(), g))
            .collect();
        for gw in &self.desired.gateways {
            if self.gws.contains_key(&gw.name) {
                return Err(PlanError::Duplicate {
                    kind: "gateway",
                    name: gw.name.clone(),
                });
            }
            let live = live_by_name.get(gw.name.as_str()).copied();
            let mut entry = GwEntry {
                desired: Some(gw),
                live,
                fate: Fate::Create,
                changes: Vec::new(),
                forced: None,
            };
            if let Some(l) = live {
                // No gateway update call exists: any difference replaces it.
                let hostname = gw.hostname.clone().or_else(|| self.first_line_hostname(gw));
                if both_differ(&l.hostname, &hostname) {
                    entry
                        .changes
                        .push(attr("hostname", &l.hostname, &hostname, true));
                }
                if both_differ(&l.access_point, &gw.access_point) {
                    entry.changes.push(attr(
                        "access_point",
                        &l.access_point,
                        &gw.access_point,
                        true,
                    ));
                }
                if both_differ(&l.description, &gw.description) {
                    entry
                        .changes
                        .push(attr("description", &l.description, &gw.description, true));
                }
                entry.forced = entry.changes.first().map(|c| c.name.clone());
                entry.fate = if entry.forced.is_some() {
                    Fate::Replace
                } else {
                    Fate::Keep
                };
                if entry.fate == Fate::Replace && gw.protect {
                    return Err(PlanError::Protected {
                        address: address::gateway(&gw.name),
                        attribute: entry.forced.clone().unwrap_or_default(),
                    });
                }
            }
            self.gws.insert(gw.name.clone(), entry);
        }
        for l in &self.live.gateways {
            if self.gws.contains_key(&l.name) {
                continue;
            }
            let fate = if self.prune.contains(&Kind::Gateways) {
                Fate::Delete
            } else {
                Fate::Unmanaged
            };
            self.gws.insert(
                l.name.clone(),
                GwEntry {
                    desired: None,
                    live: Some(l),
                    fate,
                    changes: Vec::new(),
                    forced: None,
                },
            );
        }
        Ok(())
    }

    fn first_line_hostname(&self, gw: &Gateway) -> Option<String> {
        let first = gw.lines.first()?;
        self.line_hostname
            .get(first.as_str())
            .map(|h| (*h).to_owned())
    }

    fn match_lines(&mut self) -> Result<(), PlanError> {
        let mut live_gw_of: HashMap<&str, String> = HashMap::new();
        for gw in &self.live.gateways {
            for id in &gw.line_ids {
                live_gw_of.insert(id.as_str(), gw.name.clone());
            }
        }
        for l in &self.live.lines {
            if let Some(g) = &l.gateway {
                live_gw_of.entry(l.id.as_str()).or_insert_with(|| g.clone());
            }
        }
        let live_by_id: HashMap<&str, &LiveLine> =
            self.live.lines.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut live_by_name: HashMap<&str, &LiveLine> = HashMap::new();
        for l in &self.live.lines {
            live_by_name.entry(l.name.as_str()).or_insert(l);
        }
        let mut claimed: BTreeSet<&str> = BTreeSet::new();
        // Pinned lines claim their live line first, so a pinned id wins over
        // another declared line of the same live name.
        let mut matched: Vec<Option<&LiveLine>> = Vec::new();
        for d in &self.desired.physical_lines {
            let m = d.id.as_deref().and_then(|id| live_by_id.get(id).copied());
            if let Some(l) = m {
                claimed.insert(l.id.as_str());
            }
            matched.push(m);
        }
        for (i, d) in self.desired.physical_lines.iter().enumerate() {
            if matched[i].is_none() {
                if let Some(l) = live_by_name
                    .get(d.name.as_str())
                    .copied()
                    .filter(|l| !claimed.contains(l.id.as_str()))
                {
                    claimed.insert(l.id.as_str());
                    matched[i] = Some(l);
                }
            }
        }
        for (d, live) in self.desired.physical_lines.iter().zip(matched) {
            if self.line_by_key.contains_key(&d.name) {
                return Err(PlanError::Duplicate {
                    kind: "physical line",
                    name: d.name.clone(),
                });
            }
            let mut entry = LineEntry {
                key: d.name.clone(),
                desired: Some(d),
                live,
                fate: Fate::Create,
                live_gw: live.and_then(|l| live_gw_of.get(l.id.as_str()).cloned()),
                target_gw: None,
                changes: Vec::new(),
                forced: None,
                description_change: false,
            };
            if let Some(l) = live {
                compare_line(d, l, &mut entry);
                entry.fate = if entry.forced.is_some() {
                    Fate::Replace
                } else {
                    Fate::Keep
                };
                if entry.fate == Fate::Replace && d.protect {
                    return Err(PlanError::Protected {
                        address: address::physical_line(&d.name),
                        attribute: entry.forced.clone().unwrap_or_default(),
                    });
                }
            }
            self.push_line(entry);
        }
        for l in &self.live.lines {
            if claimed.contains(l.id.as_str()) {
                continue;
            }
            let fate = if self.prune.contains(&Kind::PhysicalLines) {
                Fate::Delete
            } else {
                Fate::Unmanaged
            };
            let mut key = l.name.clone();
            if self.line_by_key.contains_key(&key) {
                // Two live lines share a name: keep addresses unique.
                key = format!("{}#{}", l.name, l.id);
            }
            self.push_line(LineEntry {
                key,
                desired: None,
                live: Some(l),
                fate,
                live_gw: live_gw_of.get(l.id.as_str()).cloned(),
                target_gw: None,
                changes: Vec::new(),
                forced: None,
                description_change: false,
            });
        }
        Ok(())
    }

    fn push_line(&mut self, entry: LineEntry<'a>) {
        let i = self.lines.len();
        self.line_by_key.insert(entry.key.clone(), i);
        if let Some(l) = entry.live {
            self.line_by_id.insert(l.id.as_str(), i);
        }
        self.lines.push(entry);
    }

    fn assign_bindings(&mut self) -> Result<(), PlanError> {
        let mut desired_gw: HashMap<String, String> = HashMap::new();
        for gw in &self.desired.gateways {
            for name in &gw.lines {
                if self
                    .line_by_key
                    .get(name)
                    .is_none_or(|i| self.lines[*i].desired.is_none())
                {
                    return Err(PlanError::UnknownLine {
                        address: address::gateway(&gw.name),
                        line: name.clone(),
                    });
                }
                if let Some(other) = desired_gw.insert(name.clone(), gw.name.clone()) {
                    if other != gw.name {
                        return Err(PlanError::LineBoundTwice {
                            line: name.clone(),
                            gateways: vec![other, gw.name.clone()],
                        });
                    }
                }
            }
        }
        for i in 0..self.lines.len() {
            let e = &self.lines[i];
            let target = if let Some(g) = desired_gw.get(&e.key) {
                Some(g.clone())
            } else if e.fate == Fate::Delete {
                None
            } else if let Some(x) = &e.live_gw {
                match self.gws.get(x).map(|g| g.fate) {
                    Some(Fate::Delete) | None => None,
                    Some(Fate::Unmanaged) => Some(x.clone()),
                    // Bound to a declared gateway that does not list it.
                    Some(_) if self.prune.contains(&Kind::Bindings) => None,
                    Some(_) => Some(x.clone()),
                }
            } else {
                None
            };
            self.lines[i].target_gw = target;
        }
        Ok(())
    }

    fn gw_fate(&self, name: &str) -> Fate {
        self.gws
            .get(name)
            .map(|g| g.fate)
            .unwrap_or(Fate::Unmanaged)
    }

    /// Is the line unbound from its live gateway during the plan?
    fn unbinds(&self, e: &LineEntry) -> bool {
        match &e.live_gw {
            None => false,
            Some(x) => {
                e.target_gw.as_ref() != Some(x)
                    || e.churns()
                    || matches!(self.gw_fate(x), Fate::Replace | Fate::Delete)
            }
        }
    }

    fn key_of_line_id(&self, id: &str) -> Option<&str> {
        self.line_by_id.get(id).map(|i| self.lines[*i].key.as_str())
    }

    // -----------------------------------------------------------------------
    // Actions

    fn push(&mut self, action: Action, effect: Effect) -> usize {
        let n = self.graph.add_node();
        self.nodes.push(action);
        self.effects.push(effect);
        n
    }

    fn edge_opt(&mut self, node: usize, dep: Option<usize>) {
        if let Some(d) = dep {
            self.graph.edge(node, d);
        }
    }

    fn run(mut self) -> Result<Plan, PlanError> {
        // Size the node lists once: a large import is ~1 action per object.
        let estimate = self.lines.len() * 2
            + self
                .desired
                .gateways
                .iter()
                .map(|g| 2 + g.lines.len() + 2 * g.vpcs.len() + g.static_routes.len() + g.bgp.len())
                .sum::<usize>()
            + self
                .live
                .gateways
                .iter()
                .map(|g| {
                    g.line_ids.len() + 2 * g.vpcs.len() + g.static_routes.len() + g.bgp_routes.len()
                })
                .sum::<usize>()
                / 8;
        self.nodes.reserve(estimate);
        self.effects.reserve(estimate);
        self.graph.deps.reserve(estimate);
        self.line_actions();
        self.gateway_actions()?;
        self.binding_actions()?;
        let names: Vec<String> = self.gws.keys().cloned().collect();
        for name in &names {
            self.vpc_actions(name)?;
        }
        for name in &names {
            self.route_actions(name)?;
        }
        self.gateway_deletes();
        self.deferred_edges();
        for (delete, create) in std::mem::take(&mut self.mbb) {
            self.graph.edge_if_acyclic(delete, create);
        }
        let order = self.graph.topological_order()?;
        self.finish(order)
    }

    fn line_actions(&mut self) {
        for i in 0..self.lines.len() {
            let e = &self.lines[i];
            let addr = address::physical_line(&e.key);
            let action = match (e.fate, e.desired, e.live) {
                (Fate::Create, Some(d), _) => Some(new_action(
                    addr,
                    ResourceKind::PhysicalLine,
                    ChangeKind::Create,
                    None,
                    Vec::new(),
                    None,
                    json(d),
                    vec![Operation::CreateLine { line: d.clone() }],
                )),
                (Fate::Replace, Some(d), Some(l)) => Some(new_action(
                    addr,
                    ResourceKind::PhysicalLine,
                    ChangeKind::Replace,
                    None,
                    e.changes.clone(),
                    json(l),
                    json(d),
                    vec![
                        Operation::DeleteLine {
                            line: LineRef {
                                name: l.name.clone(),
                                id: Some(l.id.clone()),
                            },
                        },
                        Operation::CreateLine { line: d.clone() },
                    ],
                )),
                (Fate::Keep, Some(d), Some(l)) if !e.changes.is_empty() => {
                    let name = (d.name != l.name).then(|| d.name.clone());
                    let bandwidth = (d.bandwidth != l.bandwidth).then_some(d.bandwidth);
                    let description = if e.description_change {
                        d.description.clone()
                    } else {
                        None
                    };
                    Some(new_action(
                        addr,
                        ResourceKind::PhysicalLine,
                        ChangeKind::Update,
                        None,
                        e.changes.clone(),
                        json(l),
                        json(d),
                        vec![Operation::UpdateLine {
                            line: LineRef {
                                name: l.name.clone(),
                                id: Some(l.id.clone()),
                            },
                            name,
                            bandwidth,
                            description,
                        }],
                    ))
                }
                (Fate::Delete, _, Some(l)) => Some(new_action(
                    addr,
                    ResourceKind::PhysicalLine,
                    ChangeKind::Delete,
                    None,
                    Vec::new(),
                    json(l),
                    None,
                    vec![Operation::DeleteLine {
                        line: LineRef {
                            name: l.name.clone(),
                            id: Some(l.id.clone()),
                        },
                    }],
                )),
                (Fate::Unmanaged, _, _) => {
                    self.unmanaged.push(Unmanaged {
                        address: addr,
                        kind: ResourceKind::PhysicalLine,
                    });
                    None
                }
                _ => None,
            };
            if let Some(a) = action {
                let key = self.lines[i].key.clone();
                let n = self.push(a, Effect::None);
                self.line_node.insert(key, n);
            }
        }
    }

    fn gateway_actions(&mut self) -> Result<(), PlanError> {
        let names: Vec<String> = self.gws.keys().cloned().collect();
        for name in names {
            let Some(g) = self.gws.get(&name) else {
                continue;
            };
            let addr = address::gateway(&name);
            match (g.fate, g.desired) {
                (Fate::Create | Fate::Replace, Some(d)) => {
                    let hostname = d
                        .hostname
                        .clone()
                        .or_else(|| self.first_line_hostname(d))
                        .or_else(|| g.live.and_then(|l| l.hostname.clone()))
                        .ok_or_else(|| PlanError::NoHostname {
                            address: addr.clone(),
                        })?;
                    let create = Operation::CreateGateway {
                        name: name.clone(),
                        hostname,
                        access_point: d.access_point.clone(),
                        description: d.description.clone(),
                    };
                    let after = json(&gateway_summary(d));
                    let action = if g.fate == Fate::Create {
                        new_action(
                            addr,
                            ResourceKind::Gateway,
                            ChangeKind::Create,
                            Some(name.clone()),
                            Vec::new(),
                            None,
                            after,
                            vec![create],
                        )
                    } else {
                        new_action(
                            addr,
                            ResourceKind::Gateway,
                            ChangeKind::Replace,
                            Some(name.clone()),
                            g.changes.clone(),
                            g.live.and_then(|l| json(&live_gateway_summary(l))),
                            after,
                            vec![Operation::DeleteGateway { name: name.clone() }, create],
                        )
                    };
                    let n = self.push(action, Effect::None);
                    self.gw_node.insert(name, n);
                }
                (Fate::Unmanaged, _) => {
                    self.unmanaged.push(Unmanaged {
                        address: addr,
                        kind: ResourceKind::Gateway,
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn binding_actions(&mut self) -> Result<(), PlanError> {
        // Unbinds first (build order is the display tie-break).
        for i in 0..self.lines.len() {
            if !self.unbinds(&self.lines[i]) {
                continue;
            }
            let e = &self.lines[i];
            let (Some(x), Some(l)) = (e.live_gw.clone(), e.live) else {
                continue;
            };
            let key = e.key.clone();
            if self.gw_fate(&x) == Fate::Unmanaged {
                // Leaving an unmanaged gateway is fine unless its routes use the line.
                if let Some(gw) = self.gws.get(&x).and_then(|g| g.live) {
                    if self.live_routes_use_line(gw, &key) {
                        return Err(PlanError::BlockedByUnmanaged {
                            address: address::binding(&x, &key),
                            blocker: format!("routes of gateway `{x}` using it"),
                        });
                    }
                }
            }
            let carried = self
                .gws
                .get(&x)
                .and_then(|g| g.live)
                .is_some_and(|g| self.live_routes_use_line(g, &key));
            let mut action = new_action(
                address::binding(&x, &key),
                ResourceKind::Binding,
                ChangeKind::Delete,
                Some(x.clone()),
                Vec::new(),
                json(&serde_json::json!({"gateway": x, "line": key})),
                None,
                vec![Operation::UnbindLine {
                    gateway: x.clone(),
                    line: LineRef {
                        name: l.name.clone(),
                        id: Some(l.id.clone()),
                    },
                }],
            );
            if carried {
                action.impact.push(Impact::LineDown {
                    lines: vec![key.clone()],
                });
            }
            let n = self.push(action, self.binding_effect(&x, &key, false));
            self.unbind_node.insert((x, key), n);
        }
        for i in 0..self.lines.len() {
            let e = &self.lines[i];
            let Some(y) = e.target_gw.clone() else {
                continue;
            };
            if e.live_gw.as_ref() == Some(&y) && !self.unbinds(e) {
                if e.desired.is_none() || self.gws.get(&y).is_none_or(|g| g.desired.is_none()) {
                    if self.gw_fate(&y) != Fate::Unmanaged {
                        self.unmanaged.push(Unmanaged {
                            address: address::binding(&y, &e.key),
                            kind: ResourceKind::Binding,
                        });
                    }
                } else if !self
                    .gws
                    .get(&y)
                    .and_then(|g| g.desired)
                    .is_some_and(|g| g.lines.contains(&e.key))
                {
                    self.unmanaged.push(Unmanaged {
                        address: address::binding(&y, &e.key),
                        kind: ResourceKind::Binding,
                    });
                }
                continue;
            }
            let key = e.key.clone();
            let line_ref = e.line_ref();
            let live_gw = e.live_gw.clone();
            let action = new_action(
                address::binding(&y, &key),
                ResourceKind::Binding,
                ChangeKind::Create,
                Some(y.clone()),
                Vec::new(),
                None,
                json(&serde_json::json!({"gateway": y, "line": key})),
                vec![Operation::BindLine {
                    gateway: y.clone(),
                    line: line_ref,
                }],
            );
            let n = self.push(action, self.binding_effect(&y, &key, true));
            let gw_dep = self.gw_node.get(&y).copied();
            self.edge_opt(n, gw_dep);
            let line_dep = self.line_node.get(&key).copied();
            self.edge_opt(n, line_dep);
            if let Some(x) = live_gw {
                let unbind = self.unbind_node.get(&(x, key.clone())).copied();
                self.edge_opt(n, unbind);
            }
            self.binds_by_gateway.entry(y.clone()).or_default().push(n);
            self.bind_node.insert((y, key), n);
        }
        Ok(())
    }

    fn live_routes_use_line(&self, gw: &LiveGateway, key: &str) -> bool {
        let table = self.live_ip_table(gw);
        gw.static_routes.iter().any(|r| {
            live_static_hops(r, &table)
                .iter()
                .any(|h| h.line.as_deref() == Some(key))
        }) || gw
            .bgp_routes
            .iter()
            .any(|r| self.live_bgp_lines(r, &table).iter().any(|l| l == key))
    }

    /// Remote interconnect address → line key, for lines bound to `gw` live.
    fn live_ip_table(&self, gw: &LiveGateway) -> HashMap<IpAddr, String> {
        let mut table = HashMap::new();
        for id in &gw.line_ids {
            if let Some(i) = self.line_by_id.get(id.as_str()) {
                let e = &self.lines[*i];
                if let Some(l) = e.live {
                    for ip in [l.remote_ip, l.remote_ip_v6].into_iter().flatten() {
                        table.insert(ip.addr(), e.key.clone());
                    }
                }
            }
        }
        table
    }

    fn live_bgp_lines(&self, r: &LiveBgpRoute, table: &HashMap<IpAddr, String>) -> Vec<String> {
        r.peers
            .iter()
            .filter_map(|p| {
                p.line_id
                    .as_deref()
                    .and_then(|id| self.key_of_line_id(id))
                    .map(str::to_string)
                    .or_else(|| table.get(&p.ip).cloned())
            })
            .collect()
    }

    fn vpc_actions(&mut self, gw_name: &str) -> Result<(), PlanError> {
        let Some(g) = self.gws.get(gw_name) else {
            return Ok(());
        };
        let (fate, desired, live) = (g.fate, g.desired, g.live);
        if fate == Fate::Unmanaged {
            return Ok(());
        }
        let forced_by = g.forced.clone();
        let live_vpcs: BTreeMap<&str, &LiveVpc> = live
            .map(|l| l.vpcs.iter().map(|v| (v.id.as_str(), v)).collect())
            .unwrap_or_default();
        let mut desired_vpcs: BTreeMap<&str, &VpcAttachment> = BTreeMap::new();
        if let Some(d) = desired {
            for v in &d.vpcs {
                if desired_vpcs.insert(v.id.as_str(), v).is_some() {
                    return Err(PlanError::Duplicate {
                        kind: "VPC attachment",
                        name: format!("{gw_name}.{}", v.id),
                    });
                }
            }
        }
        let gw_gone = matches!(fate, Fate::Replace | Fate::Delete);
        let ids: BTreeSet<&str> = live_vpcs
            .keys()
            .chain(desired_vpcs.keys())
            .copied()
            .collect();
        for id in ids {
            let vaddr = address::vpc(gw_name, id);
            let haddr = address::health_check(gw_name, id);
            let lv = live_vpcs.get(id).copied();
            let dv = desired_vpcs.get(id).copied();
            // Decide the VPC's fate.
            let (vfate, changes, forced) = match (lv, dv) {
                (Some(l), Some(d)) => {
                    let (changes, forced) = compare_vpc(d, l);
                    if gw_gone {
                        (
                            Fate::Replace,
                            changes,
                            forced_by.clone().map(|a| format!("gateway.{a}")),
                        )
                    } else if forced.is_some() {
                        (Fate::Replace, changes, forced)
                    } else {
                        (Fate::Keep, changes, None)
                    }
                }
                (Some(_), None) => {
                    if fate == Fate::Delete || self.prune.contains(&Kind::Vpcs) {
                        (Fate::Delete, Vec::new(), None)
                    } else if gw_gone {
                        return Err(PlanError::BlockedByUnmanaged {
                            address: address::gateway(gw_name),
                            blocker: vaddr,
                        });
                    } else {
                        (Fate::Unmanaged, Vec::new(), None)
                    }
                }
                (None, Some(_)) => (Fate::Create, Vec::new(), None),
                (None, None) => continue,
            };
            if vfate == Fate::Replace && dv.is_some_and(|d| d.protect) {
                return Err(PlanError::Protected {
                    address: vaddr,
                    attribute: forced.unwrap_or_default(),
                });
            }
            // Health check of this attachment.
            let lh = lv.and_then(|l| l.health_check.as_ref());
            let dh = dv.and_then(|d| d.health_check.as_ref());
            let vpc_goes = matches!(vfate, Fate::Replace | Fate::Delete);
            let mut hc_delete = None;
            let mut hc_after_vpc: Option<(ChangeKind, Vec<AttributeChange>)> = None;
            match (lh, dh) {
                (Some(l), Some(d)) => {
                    let identity_changed = l.src_ip != d.src_ip || l.dst_ip != d.dst_ip;
                    let mut changes = Vec::new();
                    for (name, b, a, forces) in [
                        ("src_ip", json(&l.src_ip), json(&d.src_ip), true),
                        ("dst_ip", json(&l.dst_ip), json(&d.dst_ip), true),
                        ("interval", json(&l.interval), json(&d.interval), false),
                        ("packets", json(&l.packets), json(&d.packets), false),
                        (
                            "auto_switch",
                            json(&l.auto_switch),
                            json(&d.auto_switch),
                            false,
                        ),
                    ] {
                        if b != a {
                            changes.push(AttributeChange {
                                name: name.into(),
                                before: b,
                                after: a,
                                sensitive: false,
                                forces_replace: forces,
                            });
                        }
                    }
                    if vpc_goes || identity_changed {
                        if dv.is_some_and(|d| d.protect) {
                            return Err(PlanError::Protected {
                                address: haddr,
                                attribute: if identity_changed {
                                    "src_ip/dst_ip".into()
                                } else {
                                    forced.clone().unwrap_or_default()
                                },
                            });
                        }
                        if vpc_goes {
                            hc_delete = Some(self.push_hc_delete(gw_name, id, l));
                            hc_after_vpc = Some((ChangeKind::Create, Vec::new()));
                        } else {
                            hc_after_vpc = Some((ChangeKind::Replace, changes));
                        }
                    } else if !changes.is_empty() {
                        hc_after_vpc = Some((ChangeKind::Update, changes));
                    }
                }
                (Some(l), None) => {
                    if vpc_goes || self.prune.contains(&Kind::HealthChecks) {
                        hc_delete = Some(self.push_hc_delete(gw_name, id, l));
                    } else if vfate != Fate::Unmanaged {
                        self.unmanaged.push(Unmanaged {
                            address: haddr.clone(),
                            kind: ResourceKind::HealthCheck,
                        });
                    }
                }
                (None, Some(_)) => hc_after_vpc = Some((ChangeKind::Create, Vec::new())),
                (None, None) => {}
            }
            // The VPC itself.
            let gw_dep = self.gw_node.get(gw_name).copied();
            let binds: Vec<usize> = self
                .binds_by_gateway
                .get(gw_name)
                .cloned()
                .unwrap_or_default();
            // Under a replaced gateway the old attachment must go before the
            // gateway and the new one come after it: two actions.
            let vfate = if vfate == Fate::Replace && gw_gone {
                if let Some(l) = lv {
                    let n = self.push_vpc_delete(gw_name, id, l);
                    self.edge_opt(n, hc_delete);
                }
                Fate::Create
            } else {
                vfate
            };
            let vpc_node = match vfate {
                Fate::Create | Fate::Replace => {
                    let Some(d) = dv else { continue };
                    let mut calls = Vec::new();
                    let mut impact = Vec::new();
                    if vfate == Fate::Replace {
                        calls.push(Operation::DeleteVpc {
                            gateway: gw_name.to_string(),
                            vpc_id: id.to_string(),
                        });
                        if let Some(l) = lv {
                            let gone: Vec<IpNet> =
                                l.subnets.iter().chain(&l.subnets_v6).copied().collect();
                            if !gone.is_empty() {
                                impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
                            }
                        }
                    }
                    calls.push(Operation::AddVpc {
                        gateway: gw_name.to_string(),
                        vpc: strip_check(d),
                    });
                    let change = if vfate == Fate::Create {
                        ChangeKind::Create
                    } else {
                        ChangeKind::Replace
                    };
                    let mut a = new_action(
                        vaddr.clone(),
                        ResourceKind::Vpc,
                        change,
                        Some(gw_name.to_string()),
                        changes,
                        lv.and_then(|l| json(&strip_live_check(l))),
                        json(&strip_check(d)),
                        calls,
                    );
                    a.impact = impact;
                    let n = self.push(a, Effect::None);
                    self.edge_opt(n, gw_dep);
                    for b in &binds {
                        self.graph.edge(n, *b);
                    }
                    self.edge_opt(n, hc_delete);
                    Some(n)
                }
                Fate::Keep if !changes.is_empty() => {
                    let (Some(l), Some(d)) = (lv, dv) else {
                        continue;
                    };
                    let gone: Vec<IpNet> = l
                        .subnets
                        .iter()
                        .chain(&l.subnets_v6)
                        .filter(|s| !d.subnets.contains(s) && !d.subnets_v6.contains(s))
                        .copied()
                        .collect();
                    let mut a = new_action(
                        vaddr.clone(),
                        ResourceKind::Vpc,
                        ChangeKind::Update,
                        Some(gw_name.to_string()),
                        changes,
                        json(&strip_live_check(l)),
                        json(&strip_check(d)),
                        vec![Operation::UpdateVpc {
                            gateway: gw_name.to_string(),
                            vpc: strip_check(d),
                        }],
                    );
                    if !gone.is_empty() {
                        a.impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
                    }
                    let n = self.push(a, Effect::None);
                    Some(n)
                }
                Fate::Delete => {
                    let Some(l) = lv else { continue };
                    let n = self.push_vpc_delete(gw_name, id, l);
                    self.edge_opt(n, hc_delete);
                    None
                }
                Fate::Unmanaged => {
                    self.unmanaged.push(Unmanaged {
                        address: vaddr.clone(),
                        kind: ResourceKind::Vpc,
                    });
                    if lh.is_some() {
                        self.unmanaged.push(Unmanaged {
                            address: haddr.clone(),
                            kind: ResourceKind::HealthCheck,
                        });
                    }
                    None
                }
                Fate::Keep => None,
            };
            if let Some((change, hchanges)) = hc_after_vpc {
                let (Some(d), Some(check)) = (dv, dh) else {
                    continue;
                };
                let subnet = check_subnet(d, check).ok_or_else(|| PlanError::NoSubnet {
                    address: haddr.clone(),
                })?;
                let add = Operation::AddHealthCheck {
                    gateway: gw_name.to_string(),
                    vpc_id: id.to_string(),
                    vpc_name: d.name.clone(),
                    subnet,
                    check: check.clone(),
                };
                let calls = match change {
                    ChangeKind::Create => vec![add],
                    ChangeKind::Replace => vec![
                        Operation::DeleteHealthCheck {
                            gateway: gw_name.to_string(),
                            vpc_id: id.to_string(),
                        },
                        add,
                    ],
                    _ => vec![Operation::UpdateHealthCheck {
                        gateway: gw_name.to_string(),
                        vpc_id: id.to_string(),
                        check: check.clone(),
                    }],
                };
                let before = if change == ChangeKind::Create {
                    None
                } else {
                    lh.and_then(json)
                };
                let a = new_action(
                    haddr,
                    ResourceKind::HealthCheck,
                    change,
                    Some(gw_name.to_string()),
                    hchanges,
                    before,
                    json(check),
                    calls,
                );
                let n = self.push(a, Effect::None);
                self.edge_opt(n, vpc_node);
                self.edge_opt(n, gw_dep);
            }
        }
        Ok(())
    }

    fn push_vpc_delete(&mut self, gw: &str, vpc_id: &str, l: &LiveVpc) -> usize {
        let gone: Vec<IpNet> = l.subnets.iter().chain(&l.subnets_v6).copied().collect();
        let mut a = new_action(
            address::vpc(gw, vpc_id),
            ResourceKind::Vpc,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            json(&strip_live_check(l)),
            None,
            vec![Operation::DeleteVpc {
                gateway: gw.to_string(),
                vpc_id: vpc_id.to_string(),
            }],
        );
        if !gone.is_empty() {
            a.impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
        }
        let n = self.push(a, Effect::None);
        self.child_delete.entry(gw.to_string()).or_default().push(n);
        n
    }

    fn push_hc_delete(
        &mut self,
        gw: &str,
        vpc_id: &str,
        live: &crate::inventory::LiveHealthCheck,
    ) -> usize {
        let a = new_action(
            address::health_check(gw, vpc_id),
            ResourceKind::HealthCheck,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            json(live),
            None,
            vec![Operation::DeleteHealthCheck {
                gateway: gw.to_string(),
                vpc_id: vpc_id.to_string(),
            }],
        );
        let n = self.push(a, Effect::None);
        self.child_delete.entry(gw.to_string()).or_default().push(n);
        n
    }

    fn gateway_deletes(&mut self) {
        let names: Vec<String> = self
            .gws
            .iter()
            .filter(|(_, g)| g.fate == Fate::Delete)
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            let live = self.gws.get(&name).and_then(|g| g.live);
            let a = new_action(
                address::gateway(&name),
                ResourceKind::Gateway,
                ChangeKind::Delete,
                Some(name.clone()),
                Vec::new(),
                live.and_then(|l| json(&live_gateway_summary(l))),
                None,
                vec![Operation::DeleteGateway { name: name.clone() }],
            );
            let n = self.push(a, Effect::None);
            self.gw_delete_node.insert(name, n);
        }
    }

    /// Edges whose targets are built after their sources.
    fn deferred_edges(&mut self) {
        // Line replace/delete/update-while-bound wait for the unbind.
        for e in &self.lines {
            if let (Some(n), Some(x)) = (self.line_node.get(&e.key), &e.live_gw) {
                if let Some(u) = self.unbind_node.get(&(x.clone(), e.key.clone())) {
                    self.graph.edge(*n, *u);
                }
            }
        }
        // Unbinds wait for every route that stops using the line.
        for ((gw, key), u) in &self.unbind_node {
            let gone = matches!(self.gw_fate(gw), Fate::Replace | Fate::Delete);
            if let Some(breaks) = self.route_break.get(gw) {
                for (n, lines) in breaks {
                    if gone || lines.contains(key) {
                        self.graph.edge(*u, *n);
                    }
                }
            }
        }
        // A gateway goes only when everything under it has gone.
        for (gw, g) in &self.gws {
            let node = match g.fate {
                Fate::Replace => self.gw_node.get(gw),
                Fate::Delete => self.gw_delete_node.get(gw),
                _ => None,
            };
            let Some(&node) = node else { continue };
            for ((ugw, _), u) in &self.unbind_node {
                if ugw == gw {
                    self.graph.edge(node, *u);
                }
            }
            for c in self.child_delete.get(gw).into_iter().flatten() {
                self.graph.edge(node, *c);
            }
        }
    }

    /// The forwarding table before the plan, from live routes and
    /// bindings, for the gateways the plan touches.
    fn simulator(&self, touched: &BTreeSet<u32>) -> Simulator {
        let mut sim = Simulator::default();
        for gw in &self.live.gateways {
            let Some(g) = self
                .gw_ids
                .get(&gw.name)
                .copied()
                .filter(|g| touched.contains(g))
            else {
                continue;
            };
            for id in &gw.line_ids {
                if let Some(i) = self.line_by_id.get(id.as_str()) {
                    sim.bind(g, *i as u32);
                }
            }
            let table = self.live_ip_table(gw);
            for r in &gw.static_routes {
                for (p, l) in self.path_ids(static_paths(&r.dst, &live_static_hops(r, &table))) {
                    sim.add_path(g, p, l);
                }
            }
            for r in &gw.bgp_routes {
                for (p, l) in self.path_ids(self.live_bgp(r, &table).paths()) {
                    sim.add_path(g, p, l);
                }
            }
        }
        sim
    }

    fn path_ids(&self, paths: Vec<(IpNet, String)>) -> Vec<(IpNet, u32)> {
        paths
            .into_iter()
            .filter_map(|(p, l)| self.line_by_key.get(&l).map(|i| (p, *i as u32)))
            .collect()
    }

    fn gw_id(&self, gw: &str) -> u32 {
        // Every gateway the planner writes to is in `gws`; `u32::MAX` is an
        // unused id for anything else, which the replay then ignores.
        self.gw_ids.get(gw).copied().unwrap_or(u32::MAX)
    }

    fn route_effect(
        &self,
        gw: &str,
        remove: Vec<(IpNet, String)>,
        add: Vec<(IpNet, String)>,
    ) -> Effect {
        Effect::Routes {
            gateway: self.gw_id(gw),
            remove: self.path_ids(remove),
            add: self.path_ids(add),
        }
    }

    /// Like `route_effect` for static routes, without building line names.
    fn static_effect(
        &self,
        gw: &str,
        remove: (&[IpNet], &[Hop]),
        add: (&[IpNet], &[Hop]),
    ) -> Effect {
        let ids = |(dst, hops): (&[IpNet], &[Hop])| -> Vec<(IpNet, u32)> {
            let mut out = Vec::with_capacity(dst.len() * hops.len());
            for p in dst {
                let v6 = matches!(p, IpNet::V6(_));
                for h in hops.iter().filter(|h| h.v6 == v6) {
                    if let Some(i) = h.line.as_ref().and_then(|l| self.line_by_key.get(l)) {
                        out.push((*p, *i as u32));
                    }
                }
            }
            out
        };
        Effect::Routes {
            gateway: self.gw_id(gw),
            remove: ids(remove),
            add: ids(add),
        }
    }

    fn binding_effect(&self, gw: &str, line: &str, bound: bool) -> Effect {
        match self.line_by_key.get(line) {
            Some(i) => Effect::Binding {
                gateway: self.gw_id(gw),
                line: *i as u32,
                bound,
            },
            None => Effect::None,
        }
    }

    fn finish(mut self, order: Vec<usize>) -> Result<Plan, PlanError> {
        // Impact: replay the effects in display order.
        let mut effects = std::mem::take(&mut self.effects);
        {
            let touched: BTreeSet<u32> = effects
                .iter()
                .filter_map(|e| match e {
                    Effect::None => None,
                    Effect::Routes { gateway, .. } | Effect::Binding { gateway, .. } => {
                        Some(*gateway)
                    }
                })
                .collect();
            let mut sim = self.simulator(&touched);
            for &old in &order {
                let effect = std::mem::take(&mut effects[old]);
                let mut impact = sim.apply(&effect);
                let action = &mut self.nodes[old];
                impact.append(&mut action.impact);
                action.impact = impact;
            }
        }
        drop(effects);
        let Planner {
            live,
            desired,
            graph,
            nodes: mut actions,
            mut unmanaged,
            ..
        } = self;
        let mut new_id = vec![0usize; actions.len()];
        for (pos, old) in order.iter().enumerate() {
            new_id[*old] = pos;
        }
        for (old, action) in actions.iter_mut().enumerate() {
            action.id = new_id[old];
            let mut deps: Vec<usize> = graph.deps[old].iter().map(|d| new_id[*d]).collect();
            deps.sort_unstable();
            action.depends_on = deps;
        }
        drop(graph);
        // Permute into display order in place (no second copy of the plan).
        for i in 0..actions.len() {
            while new_id[i] != i {
                let j = new_id[i];
                actions.swap(i, j);
                new_id.swap(i, j);
            }
        }
        let mut fingerprints = live.fingerprints();
        for a in &actions {
            if !fingerprints.contains_key(&a.address) {
                fingerprints.insert(a.address.clone(), ABSENT.to_string());
            }
        }
        unmanaged.sort_by(|a, b| a.address.cmp(&b.address));
        unmanaged.dedup();
        Ok(Plan {
            format_version: FORMAT_VERSION.to_string(),
            region: desired.region.clone(),
            account: desired.account.clone(),
            actions,
            unmanaged,
            fingerprints,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn new_action(
    address: String,
    kind: ResourceKind,
    change: ChangeKind,
    gateway: Option<String>,
    attributes: Vec<AttributeChange>,
    before: Option<Value>,
    after: Option<Value>,
    calls: Vec<Operation>,
) -> Action {
    Action {
        id: 0,
        address,
        kind,
        change,
        gateway,
        attributes,
        before,
        after,
        impact: Vec::new(),
        depends_on: Vec::new(),
        calls,
    }
}

fn compare_line(d: &PhysicalLine, l: &LiveLine, e: &mut LineEntry) {
    let mut changes = Vec::new();
    if d.name != l.name {
        changes.push(attr("name", &l.name, &d.name, false));
    }
    if d.bandwidth != l.bandwidth {
        changes.push(attr("bandwidth", &l.bandwidth, &d.bandwidth, false));
    }
    if d.description.is_some() && d.description != l.description {
        changes.push(attr("description", &l.description, &d.description, false));
        e.description_change = true;
    }
    // No update call carries these: they are fixed once the line exists.
    let mut forced = |name: &str, before: Option<Value>, after: Option<Value>| {
        changes.push(AttributeChange {
            name: name.into(),
            before,
            after,
            sensitive: false,
            forces_replace: true,
        });
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

fn compare_vpc(d: &VpcAttachment, l: &LiveVpc) -> (Vec<AttributeChange>, Option<String>) {
    let mut changes = Vec::new();
    if both_differ(&l.name, &d.name) {
        changes.push(attr("name", &l.name, &d.name, true));
    }
    if d.bandwidth != l.bandwidth {
        changes.push(attr("bandwidth", &l.bandwidth, &d.bandwidth, true));
    }
    if d.ip_version != l.ip_version {
        changes.push(attr("ip_version", &l.ip_version, &d.ip_version, true));
    }
    if d.network_segment.is_some() && d.network_segment.map(|n| n.trunc()) != l.network_segment {
        changes.push(attr(
            "network_segment",
            &l.network_segment,
            &d.network_segment,
            true,
        ));
    }
    if d.network_segment_v6.is_some()
        && d.network_segment_v6.map(|n| n.trunc()) != l.network_segment_v6
    {
        changes.push(attr(
            "network_segment_v6",
            &l.network_segment_v6,
            &d.network_segment_v6,
            true,
        ));
    }
    if let (Some(a), Some(b)) = (&d.dc_type, &l.dc_type) {
        if !dc_type_eq(a, b) {
            changes.push(attr("dc_type", &l.dc_type, &d.dc_type, true));
        }
    }
    if sorted(&d.subnets) != l.subnets {
        changes.push(attr("subnets", &l.subnets, &sorted(&d.subnets), false));
    }
    if sorted(&d.subnets_v6) != l.subnets_v6 {
        changes.push(attr(
            "subnets_v6",
            &l.subnets_v6,
            &sorted(&d.subnets_v6),
            false,
        ));
    }
    let forced = changes
        .iter()
        .find(|c| c.forces_replace)
        .map(|c| c.name.clone());
    (changes, forced)
}

fn sorted(list: &[IpNet]) -> Vec<IpNet> {
    let mut v: Vec<IpNet> = list.iter().map(|n| n.trunc()).collect();
    v.sort();
    v.dedup();
    v
}

fn strip_check(v: &VpcAttachment) -> VpcAttachment {
    let mut v = v.clone();
    v.health_check = None;
    v.subnets = sorted(&v.subnets);
    v.subnets_v6 = sorted(&v.subnets_v6);
    v
}

fn strip_live_check(v: &LiveVpc) -> LiveVpc {
    let mut v = v.clone();
    v.health_check = None;
    v
}

/// The subnet sent with a new health check: the one holding `src_ip`.
fn check_subnet(v: &VpcAttachment, check: &HealthCheck) -> Option<IpNet> {
    let all = || v.subnets.iter().chain(&v.subnets_v6);
    all()
        .find(|s| s.contains(&check.src_ip))
        .or_else(|| all().next())
        .copied()
}

#[derive(Serialize)]
struct GatewaySummary<'a> {
    name: &'a str,
    hostname: &'a Option<String>,
    access_point: &'a Option<String>,
    description: &'a Option<String>,
}

fn gateway_summary(g: &Gateway) -> GatewaySummary<'_> {
    GatewaySummary {
        name: &g.name,
        hostname: &g.hostname,
        access_point: &g.access_point,
        description: &g.description,
    }
}

fn live_gateway_summary(g: &LiveGateway) -> GatewaySummary<'_> {
    GatewaySummary {
        name: &g.name,
        hostname: &g.hostname,
        access_point: &g.access_point,
        description: &g.description,
    }
}

// ---------------------------------------------------------------------------
// Routes

/// One next hop with the line it goes over.
#[derive(Debug, Clone, PartialEq)]
struct Hop {
    line: Option<String>,
    v6: bool,
    body: NextHopBody,
}

fn live_static_hops(r: &LiveStaticRoute, table: &HashMap<IpAddr, String>) -> Vec<Hop> {
    let conv = |h: &crate::inventory::LiveNextHop, v6: bool| Hop {
        line: table.get(&h.remote_ip).cloned(),
        v6,
        body: NextHopBody {
            remote_ip: h.remote_ip,
            priority: h.priority,
            track: h.track,
            bfd: h.bfd,
        },
    };
    r.next_hops
        .iter()
        .map(|h| conv(h, false))
        .chain(r.next_hops_v6.iter().map(|h| conv(h, true)))
        .collect()
}

fn static_body(ip_version: IpVersion, dst: &[IpNet], hops: &[Hop]) -> StaticRouteBody {
    let mut dst_v4: Vec<IpNet> = dst
        .iter()
        .filter(|n| matches!(n, IpNet::V4(_)))
        .copied()
        .collect();
    let mut dst_v6: Vec<IpNet> = dst
        .iter()
        .filter(|n| matches!(n, IpNet::V6(_)))
        .copied()
        .collect();
    dst_v4.sort();
    dst_v6.sort();
    let pick = |v6: bool| {
        let mut v: Vec<NextHopBody> = hops
            .iter()
            .filter(|h| h.v6 == v6)
            .map(|h| h.body.clone())
            .collect();
        v.sort_by(|a, b| {
            (a.priority, a.remote_ip, a.track, a.bfd).cmp(&(
                b.priority,
                b.remote_ip,
                b.track,
                b.bfd,
            ))
        });
        v
    };
    StaticRouteBody {
        ip_version,
        dst_v4,
        dst_v6,
        next_hops_v4: pick(false),
        next_hops_v6: pick(true),
    }
}

/// A next hop as shown to people: `line via 10.255.0.2 priority 10 bfd`.
/// Routes are shown with hops as labels rather than objects: a plan can
/// hold 100,000 routes, and one JSON object per hop would triple its size;
/// the structured bodies are in the action's calls.
fn hop_labels(hops: &[Hop]) -> Vec<String> {
    let mut sorted: Vec<&Hop> = hops.iter().collect();
    sorted.sort_by_key(|h| (h.v6, h.body.priority, h.body.remote_ip));
    sorted
        .into_iter()
        .map(|h| {
            let mut label = match &h.line {
                Some(line) => format!(
                    "{line} via {} priority {}",
                    h.body.remote_ip, h.body.priority
                ),
                None => format!("{} priority {}", h.body.remote_ip, h.body.priority),
            };
            if h.body.track {
                label.push_str(" track");
            }
            if h.body.bfd {
                label.push_str(" bfd");
            }
            label
        })
        .collect()
}

fn route_display(ip_version: IpVersion, dst: &[IpNet], hops: &[Hop]) -> Value {
    let mut dst: Vec<IpNet> = dst.to_vec();
    dst.sort();
    let dst: Vec<String> = dst.iter().map(ToString::to_string).collect();
    serde_json::json!({ "ip_version": ip_version.as_api(), "dst": dst, "next_hops": hop_labels(hops) })
}

/// Adds the API's `SRID` to a shown route that exists.
fn with_id(mut shown: Value, id: &str) -> Value {
    if let Value::Object(map) = &mut shown {
        map.insert("id".into(), Value::String(id.to_string()));
    }
    shown
}

/// (prefix, line) paths of a route: v4 prefixes over v4 hops, v6 over v6.
fn static_paths(dst: &[IpNet], hops: &[Hop]) -> Vec<(IpNet, String)> {
    let mut out = Vec::new();
    for p in dst {
        let v6 = matches!(p, IpNet::V6(_));
        for h in hops.iter().filter(|h| h.v6 == v6) {
            if let Some(l) = &h.line {
                out.push((*p, l.clone()));
            }
        }
    }
    out
}

fn route_ip_version(dst: &[IpNet]) -> IpVersion {
    let v4 = dst.iter().any(|n| matches!(n, IpNet::V4(_)));
    let v6 = dst.iter().any(|n| matches!(n, IpNet::V6(_)));
    match (v4, v6) {
        (true, true) => IpVersion::DualStack,
        (false, true) => IpVersion::Ipv6,
        _ => IpVersion::Ipv4,
    }
}

/// A BGP peer with what the API compares.
#[derive(Debug, Clone, PartialEq)]
struct Peer {
    line: Option<String>,
    v6: bool,
    body: BgpPeerBody,
    key_hash: Option<String>,
}

impl Peer {
    fn session(&self) -> (&str, IpAddr, u32, bool, &Option<String>) {
        (
            &self.body.neighbor,
            self.body.ip,
            self.body.peer_as,
            self.body.bfd,
            &self.key_hash,
        )
    }
}

#[derive(Debug, Clone)]
struct BgpState {
    ip_version: IpVersion,
    networks: Vec<IpNet>,
    peers: Vec<Peer>,
    multipath: Option<u8>,
}

impl BgpState {
    fn same(&self, other: &BgpState) -> bool {
        let key = |s: &BgpState| {
            let mut p: Vec<_> = s.peers.iter().map(|p| (p.v6, p.session())).collect();
            p.sort();
            (
                s.ip_version,
                s.networks.clone(),
                s.multipath,
                format!("{p:?}"),
            )
        };
        key(self) == key(other)
    }

    fn body(&self) -> BgpRouteBody {
        let nets = |v6: bool| {
            self.networks
                .iter()
                .filter(|n| matches!(n, IpNet::V6(_)) == v6)
                .copied()
                .collect()
        };
        let peers = |v6: bool| {
            let mut v: Vec<BgpPeerBody> = self
                .peers
                .iter()
                .filter(|p| p.v6 == v6)
                .map(|p| p.body.clone())
                .collect();
            v.sort_by(|a, b| (a.ip, &a.neighbor).cmp(&(b.ip, &b.neighbor)));
            v
        };
        BgpRouteBody {
            ip_version: self.ip_version,
            networks_v4: nets(false),
            networks_v6: nets(true),
            peers_v4: peers(false),
            peers_v6: peers(true),
            multipath: self.multipath,
        }
    }

    fn paths(&self) -> Vec<(IpNet, String)> {
        let mut out = Vec::new();
        for n in &self.networks {
            let v6 = matches!(n, IpNet::V6(_));
            for p in self.peers.iter().filter(|p| p.v6 == v6) {
                if let Some(l) = &p.line {
                    out.push((*n, l.clone()));
                }
            }
        }
        out
    }

    fn lines(&self) -> BTreeSet<String> {
        self.peers.iter().filter_map(|p| p.line.clone()).collect()
    }

    /// JSON for display, keys shown only as references or `(sensitive)`.
    fn display(&self) -> Value {
        let peers: Vec<Value> = self
            .peers
            .iter()
            .map(|p| {
                serde_json::json!({
                    "line": p.line, "neighbor": p.body.neighbor, "ip": p.body.ip, "peer_as": p.body.peer_as,
                    "bfd": p.body.bfd, "key": p.key_hash.as_ref().map(|_| "(sensitive)"),
                })
            })
            .collect();
        serde_json::json!({
            "ip_version": self.ip_version, "networks": self.networks, "peers": peers, "multipath": self.multipath,
        })
    }
}

/// The remote address of line `e` (named `line`) in each family `ipv`
/// covers, IPv4 first: what a next hop or BGP peer on it points at.
fn remotes(
    e: &LineEntry<'_>,
    addr: &str,
    line: &str,
    ipv: IpVersion,
) -> Result<Vec<(bool, IpAddr)>, PlanError> {
    let mut out = Vec::with_capacity(2);
    for (v6, wanted) in [(false, ipv.has_v4()), (true, ipv.has_v6())] {
        if !wanted {
            continue;
        }
        let ip = e.remote(v6).ok_or_else(|| PlanError::MissingAddress {
            address: addr.to_string(),
            line: line.to_string(),
            family: if v6 { "IPv6" } else { "IPv4" },
        })?;
        out.push((v6, ip));
    }
    Ok(out)
}

impl<'a> Planner<'a> {
    fn line_entry(&self, key: &str) -> Option<&LineEntry<'a>> {
        self.line_by_key.get(key).map(|i| &self.lines[*i])
    }

    /// The line a next hop or BGP peer of `gw` names: it must be bound to
    /// the gateway and known (declared or live).
    fn bound_line(
        &self,
        gw: &Gateway,
        addr: &str,
        line: &str,
    ) -> Result<&LineEntry<'a>, PlanError> {
        if !gw.lines.iter().any(|l| l == line) {
            return Err(PlanError::LineNotBound {
                address: addr.to_string(),
                line: line.to_string(),
                gateway: gw.name.clone(),
            });
        }
        self.line_entry(line).ok_or_else(|| PlanError::UnknownLine {
            address: addr.to_string(),
            line: line.to_string(),
        })
    }

    fn desired_hops(
        &self,
        gw: &Gateway,
        addr: &str,
        r: &StaticRoute,
        ipv: IpVersion,
    ) -> Result<Vec<Hop>, PlanError> {
        let mut hops = Vec::new();
        for nh in &r.next_hops {
            let e = self.bound_line(gw, addr, &nh.line)?;
            for (v6, ip) in remotes(e, addr, &nh.line, ipv)? {
                hops.push(Hop {
                    line: Some(nh.line.clone()),
                    v6,
                    body: NextHopBody {
                        remote_ip: ip,
                        priority: nh.priority,
                        track: nh.track,
                        bfd: nh.bfd,
                    },
                });
            }
        }
        Ok(hops)
    }

    fn desired_bgp(&self, gw: &Gateway, r: &BgpRoute) -> Result<BgpState, PlanError> {
        let addr = address::bgp_route(&gw.name, r.ip_version);
        let mut peers = Vec::new();
        for p in &r.peers {
            let e = self.bound_line(gw, &addr, &p.line)?;
            let key_hash = match &p.key {
                None => None,
                Some(k) => Some(self.options.secret_hashes.get(k).cloned().ok_or_else(|| {
                    PlanError::UnresolvedSecret {
                        address: addr.clone(),
                        reference: secret_label(k),
                    }
                })?),
            };
            for (v6, ip) in remotes(e, &addr, &p.line, r.ip_version)? {
                peers.push(Peer {
                    line: Some(p.line.clone()),
                    v6,
                    body: BgpPeerBody {
                        neighbor: p.neighbor.clone().unwrap_or_else(|| p.line.clone()),
                        ip,
                        line: e.line_ref(),
                        peer_as: p.peer_as,
                        key: p.key.clone(),
                        bfd: p.bfd,
                    },
                    key_hash: key_hash.clone(),
                });
            }
        }
        Ok(BgpState {
            ip_version: r.ip_version,
            networks: sorted(&r.networks),
            peers,
            multipath: r.multipath,
        })
    }

    fn live_bgp(&self, r: &LiveBgpRoute, table: &HashMap<IpAddr, String>) -> BgpState {
        let peers = r
            .peers
            .iter()
            .map(|p| {
                let line = p
                    .line_id
                    .as_deref()
                    .and_then(|id| self.key_of_line_id(id))
                    .map(str::to_string)
                    .or_else(|| table.get(&p.ip).cloned());
                Peer {
                    line: line.clone(),
                    v6: p.ip.is_ipv6(),
                    body: BgpPeerBody {
                        neighbor: p.neighbor.clone(),
                        ip: p.ip,
                        line: LineRef {
                            name: line.or_else(|| p.line_name.clone()).unwrap_or_default(),
                            id: p.line_id.clone(),
                        },
                        peer_as: p.peer_as,
                        key: None,
                        bfd: p.bfd,
                    },
                    key_hash: p.key_hash.clone(),
                }
            })
            .collect();
        BgpState {
            ip_version: r.ip_version,
            networks: r.networks.clone(),
            peers,
            multipath: r.multipath,
        }
    }

    /// Lines unbound from `gw` at some point of the plan.
    fn lost_lines(&self, gw: &str) -> BTreeSet<String> {
        self.unbind_node
            .keys()
            .filter(|(g, _)| g == gw)
            .map(|(_, l)| l.clone())
            .collect()
    }

    fn binds_for(&self, gw: &str, lines: impl IntoIterator<Item = String>) -> Vec<usize> {
        lines
            .into_iter()
            .filter_map(|l| self.bind_node.get(&(gw.to_string(), l)).copied())
            .collect()
    }

    fn route_actions(&mut self, gw_name: &str) -> Result<(), PlanError> {
        let Some(g) = self.gws.get(gw_name) else {
            return Ok(());
        };
        let (fate, desired, live) = (g.fate, g.desired, g.live);
        if fate == Fate::Unmanaged {
            return Ok(());
        }
        let gw_gone = matches!(fate, Fate::Replace | Fate::Delete);
        let forced_by = g.forced.clone();
        let table = live.map(|l| self.live_ip_table(l)).unwrap_or_default();
        let lost = self.lost_lines(gw_name);
        let stable = |line: &Option<String>| -> bool {
            // Bound before, never unbound: usable at any step.
            line.as_ref()
                .is_some_and(|l| !lost.contains(l) && table.values().any(|v| v == l))
        };
        // Lines newly bound here that were bound nowhere before: their bind
        // waits for nothing on this gateway, so a route can move onto them
        // before its old line is unbound (make-before-break).
        let early: BTreeSet<String> = self
            .bind_node
            .keys()
            .filter(|(g, l)| {
                g == gw_name && self.line_entry(l).is_some_and(|e| e.live_gw.is_none())
            })
            .map(|(_, l)| l.clone())
            .collect();
        let usable = |line: &Option<String>| -> bool {
            stable(line) || line.as_ref().is_some_and(|l| early.contains(l))
        };
        let gw_dep = self.gw_node.get(gw_name).copied();

        // ---- static routes
        let mut live_static: BTreeMap<(IpVersion, Vec<IpNet>), &LiveStaticRoute> = BTreeMap::new();
        for r in live.map(|l| l.static_routes.as_slice()).unwrap_or_default() {
            live_static.insert((r.ip_version, r.dst.clone()), r);
        }
        let mut desired_static: BTreeMap<(IpVersion, Vec<IpNet>), &StaticRoute> = BTreeMap::new();
        for r in desired
            .map(|d| d.static_routes.as_slice())
            .unwrap_or_default()
        {
            let dst = sorted(&r.dst);
            let k = (route_ip_version(&dst), dst);
            if desired_static.insert(k.clone(), r).is_some() {
                return Err(PlanError::Duplicate {
                    kind: "static route",
                    name: address::static_route(gw_name, k.0, &k.1),
                });
            }
        }
        let desired_has_bgp = desired.is_some_and(|d| !d.bgp.is_empty());
        let desired_has_static = !desired_static.is_empty();
        let mut static_creates: Vec<(usize, Vec<IpNet>)> = Vec::new();
        let mut static_deletes: Vec<(usize, Vec<IpNet>)> = Vec::new();
        let mut bgp_deletes: Vec<usize> = Vec::new();
        let mut pending_static_creates: Vec<usize> = Vec::new();

        // A new destination set sharing a prefix with an old one that goes
        // away: the API holds a prefix once per gateway, so the two cannot
        // coexist. Rather than withdraw the shared prefixes (delete, then
        // create), the old route is retargeted in place: `static-route/update`
        // replaces destinations and next hops in one call.
        let first_static_action = self.nodes.len();
        let may_delete_routes = fate == Fate::Delete || self.prune.contains(&Kind::Routes);
        let mut retargets: Vec<(RouteKey, RouteKey)> = Vec::new();
        if may_delete_routes && !gw_gone {
            let mut taken: BTreeSet<RouteKey> = BTreeSet::new();
            for dk in desired_static
                .keys()
                .filter(|k| !live_static.contains_key(*k))
            {
                let old = live_static.iter().find(|(lk, l)| {
                    lk.0 == dk.0
                        && !desired_static.contains_key(*lk)
                        && !taken.contains(*lk)
                        && lk.1.iter().any(|p| dk.1.contains(p))
                        && !live_static_hops(l, &table)
                            .iter()
                            .any(|h| h.line.as_ref().is_some_and(|x| lost.contains(x)))
                });
                if let Some((lk, _)) = old {
                    taken.insert(lk.clone());
                    retargets.push((lk.clone(), dk.clone()));
                }
            }
        }
        // An undeclared route outside `prune` stays; if it holds a prefix the
        // file routes elsewhere, the API would refuse the new route.
        if !may_delete_routes {
            for dk in desired_static
                .keys()
                .filter(|k| !live_static.contains_key(*k))
            {
                if let Some(lk) = live_static.keys().find(|lk| {
                    !desired_static.contains_key(*lk) && lk.1.iter().any(|p| dk.1.contains(p))
                }) {
                    return Err(PlanError::BlockedByUnmanaged {
                        address: address::static_route(gw_name, dk.0, &dk.1),
                        blocker: address::static_route(gw_name, lk.0, &lk.1),
                    });
                }
            }
        }
        let retargeted: BTreeSet<&RouteKey> = retargets.iter().flat_map(|(l, d)| [l, d]).collect();
        for (lk, dk) in &retargets {
            let (Some(l), Some(r), Some(gw)) =
                (live_static.get(lk), desired_static.get(dk), desired)
            else {
                continue;
            };
            let addr = address::static_route(gw_name, dk.0, &dk.1);
            let hops = self.desired_hops(gw, &addr, r, dk.0)?;
            let live_hops = live_static_hops(l, &table);
            let n = self.static_retarget(&addr, gw_name, l, &live_hops, dk, &hops);
            for b in self.binds_for(gw_name, hops.iter().filter_map(|h| h.line.clone())) {
                self.graph.edge(n, b);
            }
        }

        let keys: BTreeSet<(IpVersion, Vec<IpNet>)> = live_static
            .keys()
            .chain(desired_static.keys())
            .filter(|k| !retargeted.contains(k))
            .cloned()
            .collect();
        for k in keys {
            let addr = address::static_route(gw_name, k.0, &k.1);
            let lr = live_static.get(&k).copied();
            let dr = desired_static.get(&k).copied();
            let live_hops = lr.map(|r| live_static_hops(r, &table)).unwrap_or_default();
            let live_lines: BTreeSet<String> =
                live_hops.iter().filter_map(|h| h.line.clone()).collect();
            let live_body = lr.map(|r| static_body(r.ip_version, &r.dst, &live_hops));
            let desired_hops = match (dr, desired) {
                (Some(r), Some(gw)) => Some(self.desired_hops(gw, &addr, r, k.0)?),
                _ => None,
            };
            let protect = dr.is_some_and(|r| r.protect);
            match (lr, dr, desired_hops) {
                (Some(l), None, _) => {
                    if fate == Fate::Delete || self.prune.contains(&Kind::Routes) {
                        let n = self.static_delete(&addr, gw_name, l, &live_hops);
                        self.route_break
                            .entry(gw_name.to_string())
                            .or_default()
                            .push((n, live_lines));
                        self.child_delete
                            .entry(gw_name.to_string())
                            .or_default()
                            .push(n);
                        static_deletes.push((n, l.dst.clone()));
                    } else if gw_gone
                        || desired_has_bgp
                        || live_lines.iter().any(|l| lost.contains(l))
                    {
                        return Err(PlanError::BlockedByUnmanaged {
                            address: address::gateway(gw_name),
                            blocker: addr,
                        });
                    } else {
                        self.unmanaged.push(Unmanaged {
                            address: addr,
                            kind: ResourceKind::StaticRoute,
                        });
                    }
                }
                (None, Some(_), Some(hops)) => {
                    let n = self.static_create(&addr, gw_name, &k, &hops);
                    self.edge_opt(n, gw_dep);
                    for b in self.binds_for(gw_name, hops.iter().filter_map(|h| h.line.clone())) {
                        self.graph.edge(n, b);
                    }
                    pending_static_creates.push(n);
                    static_creates.push((n, k.1.clone()));
                }
                (Some(l), Some(_), Some(hops)) => {
                    let body = static_body(k.0, &k.1, &hops);
                    let uses_lost = gw_gone || live_lines.iter().any(|x| lost.contains(x));
                    if !uses_lost {
                        if Some(&body) == live_body.as_ref() {
                            continue;
                        }
                        let n = self.static_update(&addr, gw_name, l, &live_hops, &k, &hops);
                        for b in self.binds_for(gw_name, hops.iter().filter_map(|h| h.line.clone()))
                        {
                            self.graph.edge(n, b);
                        }
                        continue;
                    }
                    // The route uses a line that is about to be unbound: move
                    // it onto lines that stay, or take it down until rebound.
                    let mut interim: Vec<Hop> = if gw_gone {
                        Vec::new()
                    } else {
                        hops.iter().filter(|h| usable(&h.line)).cloned().collect()
                    };
                    if !gw_gone {
                        let desired_lines: BTreeSet<&String> =
                            hops.iter().filter_map(|h| h.line.as_ref()).collect();
                        for h in &live_hops {
                            if stable(&h.line)
                                && !h.line.as_ref().is_some_and(|x| desired_lines.contains(x))
                            {
                                interim.push(h.clone());
                            }
                        }
                    }
                    if interim.is_empty() {
                        if protect {
                            let why = if gw_gone {
                                format!("gateway.{}", forced_by.clone().unwrap_or_default())
                            } else {
                                format!(
                                    "next_hops (lines {:?} are unbound)",
                                    live_lines.intersection(&lost).collect::<Vec<_>>()
                                )
                            };
                            return Err(PlanError::Protected {
                                address: addr,
                                attribute: why,
                            });
                        }
                        let d = self.static_delete(&addr, gw_name, l, &live_hops);
                        self.route_break
                            .entry(gw_name.to_string())
                            .or_default()
                            .push((d, live_lines));
                        self.child_delete
                            .entry(gw_name.to_string())
                            .or_default()
                            .push(d);
                        let c = self.static_create(&addr, gw_name, &k, &hops);
                        self.graph.edge(c, d);
                        self.edge_opt(c, gw_dep);
                        for b in self.binds_for(gw_name, hops.iter().filter_map(|h| h.line.clone()))
                        {
                            self.graph.edge(c, b);
                        }
                        pending_static_creates.push(c);
                    } else {
                        let i = self.static_update(&addr, gw_name, l, &live_hops, &k, &interim);
                        for b in
                            self.binds_for(gw_name, interim.iter().filter_map(|h| h.line.clone()))
                        {
                            self.graph.edge(i, b);
                        }
                        self.route_break
                            .entry(gw_name.to_string())
                            .or_default()
                            .push((i, live_lines));
                        if static_body(k.0, &k.1, &interim) != body {
                            let f = self.static_update(&addr, gw_name, l, &interim, &k, &hops);
                            self.graph.edge(f, i);
                            for b in
                                self.binds_for(gw_name, hops.iter().filter_map(|h| h.line.clone()))
                            {
                                self.graph.edge(f, b);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.hand_over_prefixes(first_static_action, &live_static);

        // ---- BGP routes
        let mut live_bgp: BTreeMap<IpVersion, &LiveBgpRoute> = BTreeMap::new();
        for r in live.map(|l| l.bgp_routes.as_slice()).unwrap_or_default() {
            live_bgp.insert(r.ip_version, r);
        }
        let mut desired_bgp: BTreeMap<IpVersion, &BgpRoute> = BTreeMap::new();
        for r in desired.map(|d| d.bgp.as_slice()).unwrap_or_default() {
            if desired_bgp.insert(r.ip_version, r).is_some() {
                return Err(PlanError::Duplicate {
                    kind: "BGP route",
                    name: address::bgp_route(gw_name, r.ip_version),
                });
            }
        }
        let mut bgp_creates: Vec<usize> = Vec::new();
        let versions: BTreeSet<IpVersion> =
            live_bgp.keys().chain(desired_bgp.keys()).copied().collect();
        for v in versions {
            let addr = address::bgp_route(gw_name, v);
            let lr = live_bgp.get(&v).copied();
            let dr = desired_bgp.get(&v).copied();
            let ls = lr.map(|r| self.live_bgp(r, &table));
            let ds = match (dr, desired) {
                (Some(r), Some(gw)) => Some(self.desired_bgp(gw, r)?),
                _ => None,
            };
            match (lr, ls, dr, ds) {
                (Some(l), Some(ls), None, _) => {
                    if fate == Fate::Delete || self.prune.contains(&Kind::Routes) {
                        let n = self.bgp_delete(&addr, gw_name, l, &ls);
                        self.route_break
                            .entry(gw_name.to_string())
                            .or_default()
                            .push((n, ls.lines()));
                        self.child_delete
                            .entry(gw_name.to_string())
                            .or_default()
                            .push(n);
                        bgp_deletes.push(n);
                    } else if gw_gone
                        || desired_has_static
                        || ls.lines().iter().any(|x| lost.contains(x))
                    {
                        return Err(PlanError::BlockedByUnmanaged {
                            address: address::gateway(gw_name),
                            blocker: addr,
                        });
                    } else {
                        self.unmanaged.push(Unmanaged {
                            address: addr,
                            kind: ResourceKind::BgpRoute,
                        });
                    }
                }
                (None, None, Some(_), Some(ds)) => {
                    let n = self.bgp_create(&addr, gw_name, &ds);
                    self.edge_opt(n, gw_dep);
                    for b in self.binds_for(gw_name, ds.lines()) {
                        self.graph.edge(n, b);
                    }
                    bgp_creates.push(n);
                }
                (Some(l), Some(ls), Some(r), Some(ds)) => {
                    let uses_lost = gw_gone || ls.lines().iter().any(|x| lost.contains(x));
                    if !uses_lost {
                        if ls.same(&ds) {
                            continue;
                        }
                        let n = self.bgp_update(&addr, gw_name, l, &ls, &ds);
                        for b in self.binds_for(gw_name, ds.lines()) {
                            self.graph.edge(n, b);
                        }
                        continue;
                    }
                    // Peers whose key we know (declared ones) on lines that stay.
                    let interim = if gw_gone {
                        None
                    } else {
                        let peers: Vec<Peer> = ds
                            .peers
                            .iter()
                            .filter(|p| usable(&p.line))
                            .cloned()
                            .collect();
                        (!peers.is_empty()).then(|| BgpState {
                            peers,
                            ..ds.clone()
                        })
                    };
                    match interim {
                        None => {
                            if r.protect {
                                return Err(PlanError::Protected {
                                    address: addr,
                                    attribute: if gw_gone {
                                        format!("gateway.{}", forced_by.clone().unwrap_or_default())
                                    } else {
                                        "peers (their lines are unbound)".into()
                                    },
                                });
                            }
                            let d = self.bgp_delete(&addr, gw_name, l, &ls);
                            self.route_break
                                .entry(gw_name.to_string())
                                .or_default()
                                .push((d, ls.lines()));
                            self.child_delete
                                .entry(gw_name.to_string())
                                .or_default()
                                .push(d);
                            let c = self.bgp_create(&addr, gw_name, &ds);
                            self.graph.edge(c, d);
                            self.edge_opt(c, gw_dep);
                            for b in self.binds_for(gw_name, ds.lines()) {
                                self.graph.edge(c, b);
                            }
                            bgp_creates.push(c);
                        }
                        Some(interim) => {
                            let i = self.bgp_update(&addr, gw_name, l, &ls, &interim);
                            for b in self.binds_for(gw_name, interim.lines()) {
                                self.graph.edge(i, b);
                            }
                            self.route_break
                                .entry(gw_name.to_string())
                                .or_default()
                                .push((i, ls.lines()));
                            if !interim.same(&ds) {
                                let f = self.bgp_update(&addr, gw_name, l, &interim, &ds);
                                self.graph.edge(f, i);
                                for b in self.binds_for(gw_name, ds.lines()) {
                                    self.graph.edge(f, b);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }

        // Static and BGP never coexist on a gateway: creates of one kind wait
        // for every delete of the other.
        for c in &pending_static_creates {
            for d in &bgp_deletes {
                self.graph.edge(*c, *d);
            }
        }
        for c in &bgp_creates {
            for (d, _) in &static_deletes {
                self.graph.edge(*c, *d);
            }
        }
        // Make-before-break: a new destination set goes in before an
        // overlapping old one comes out. Two routes of one gateway cannot
        // hold the very same prefix at once (the API refuses the second), so
        // where the sets share a prefix the old route must go first: the
        // delete's impact then says which prefixes are withdrawn meanwhile.
        // (Sets sharing an identical prefix are ordered by
        // `hand_over_prefixes` instead: the old route gives it up first.)
        for (d, old) in &static_deletes {
            for (c, new) in &static_creates {
                if !old.iter().any(|o| new.contains(o))
                    && old
                        .iter()
                        .any(|o| new.iter().any(|n| o.contains(n) || n.contains(o)))
                {
                    self.mbb.push((*d, *c));
                }
            }
        }
        Ok(())
    }

    /// The API holds a prefix in one static route per gateway at a time, so
    /// a call that gives a route a prefix it did not have waits for every
    /// call that takes that prefix from another route of the gateway
    /// (delete, or an update that drops it). Read from the calls themselves,
    /// so creates, deletes, retargets and interim updates are all covered.
    fn hand_over_prefixes(&mut self, first: usize, live: &BTreeMap<RouteKey, &LiveStaticRoute>) {
        let held: HashMap<&str, &[IpNet]> = live
            .values()
            .map(|r| (r.id.as_str(), r.dst.as_slice()))
            .collect();
        let mut gains: Vec<(usize, Vec<IpNet>)> = Vec::new();
        let mut losses: Vec<(usize, Vec<IpNet>)> = Vec::new();
        for n in first..self.nodes.len() {
            for call in &self.nodes[n].calls {
                let (before, after): (&[IpNet], Vec<IpNet>) = match call {
                    Operation::AddStaticRoute { route, .. } => (
                        &[],
                        route.dst_v4.iter().chain(&route.dst_v6).copied().collect(),
                    ),
                    Operation::DeleteStaticRoute { id, .. } => (
                        held.get(id.as_str()).copied().unwrap_or_default(),
                        Vec::new(),
                    ),
                    Operation::UpdateStaticRoute { id, route, .. } => (
                        held.get(id.as_str()).copied().unwrap_or_default(),
                        route.dst_v4.iter().chain(&route.dst_v6).copied().collect(),
                    ),
                    _ => continue,
                };
                let gained: Vec<IpNet> = after
                    .iter()
                    .filter(|p| !before.contains(p))
                    .copied()
                    .collect();
                let lost: Vec<IpNet> = before
                    .iter()
                    .filter(|p| !after.contains(p))
                    .copied()
                    .collect();
                if !gained.is_empty() {
                    gains.push((n, gained));
                }
                if !lost.is_empty() {
                    losses.push((n, lost));
                }
            }
        }
        for (taker, gained) in &gains {
            for (giver, lost) in &losses {
                if taker != giver && gained.iter().any(|p| lost.contains(p)) {
                    // A swap between two routes would close a cycle; the
                    // first edge wins and the topological order stays valid.
                    self.graph.edge_if_acyclic(*taker, *giver);
                }
            }
        }
    }

    fn static_delete(&mut self, addr: &str, gw: &str, l: &LiveStaticRoute, hops: &[Hop]) -> usize {
        let a = new_action(
            addr.to_string(),
            ResourceKind::StaticRoute,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            Some(with_id(route_display(l.ip_version, &l.dst, hops), &l.id)),
            None,
            vec![Operation::DeleteStaticRoute {
                gateway: gw.to_string(),
                id: l.id.clone(),
            }],
        );
        self.push(a, self.static_effect(gw, (&l.dst, hops), (&[], &[])))
    }

    fn static_create(
        &mut self,
        addr: &str,
        gw: &str,
        k: &(IpVersion, Vec<IpNet>),
        hops: &[Hop],
    ) -> usize {
        let body = static_body(k.0, &k.1, hops);
        let a = new_action(
            addr.to_string(),
            ResourceKind::StaticRoute,
            ChangeKind::Create,
            Some(gw.to_string()),
            Vec::new(),
            None,
            Some(route_display(k.0, &k.1, hops)),
            vec![Operation::AddStaticRoute {
                gateway: gw.to_string(),
                route: body,
            }],
        );
        self.push(a, self.static_effect(gw, (&[], &[]), (&k.1, hops)))
    }

    /// An old route moved onto a new destination set in one update call
    /// (see the retarget note in the static-route pass).
    fn static_retarget(
        &mut self,
        addr: &str,
        gw: &str,
        l: &LiveStaticRoute,
        before: &[Hop],
        k: &(IpVersion, Vec<IpNet>),
        after: &[Hop],
    ) -> usize {
        let body = static_body(k.0, &k.1, after);
        let mut attributes = vec![attr("dst", &l.dst, &k.1, false)];
        let (was, now) = (hop_labels(before), hop_labels(after));
        if was != now {
            attributes.push(attr("next_hops", &was, &now, false));
        }
        let a = new_action(
            addr.to_string(),
            ResourceKind::StaticRoute,
            ChangeKind::Update,
            Some(gw.to_string()),
            attributes,
            Some(with_id(route_display(l.ip_version, &l.dst, before), &l.id)),
            Some(with_id(route_display(k.0, &k.1, after), &l.id)),
            vec![Operation::UpdateStaticRoute {
                gateway: gw.to_string(),
                id: l.id.clone(),
                route: body,
            }],
        );
        self.push(a, self.static_effect(gw, (&l.dst, before), (&k.1, after)))
    }

    fn static_update(
        &mut self,
        addr: &str,
        gw: &str,
        l: &LiveStaticRoute,
        before: &[Hop],
        k: &(IpVersion, Vec<IpNet>),
        after: &[Hop],
    ) -> usize {
        let body = static_body(k.0, &k.1, after);
        let (was, now) = (hop_labels(before), hop_labels(after));
        let mut attributes = Vec::new();
        if was != now {
            attributes.push(attr("next_hops", &was, &now, false));
        }
        let a = new_action(
            addr.to_string(),
            ResourceKind::StaticRoute,
            ChangeKind::Update,
            Some(gw.to_string()),
            attributes,
            Some(with_id(route_display(k.0, &k.1, before), &l.id)),
            Some(with_id(route_display(k.0, &k.1, after), &l.id)),
            vec![Operation::UpdateStaticRoute {
                gateway: gw.to_string(),
                id: l.id.clone(),
                route: body,
            }],
        );
        self.push(a, self.static_effect(gw, (&k.1, before), (&k.1, after)))
    }

    fn bgp_delete(&mut self, addr: &str, gw: &str, l: &LiveBgpRoute, ls: &BgpState) -> usize {
        let a = new_action(
            addr.to_string(),
            ResourceKind::BgpRoute,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            Some(ls.display()),
            None,
            vec![Operation::DeleteBgpRoute {
                gateway: gw.to_string(),
                id: l.id.clone(),
            }],
        );
        self.push(a, self.route_effect(gw, ls.paths(), Vec::new()))
    }

    fn bgp_create(&mut self, addr: &str, gw: &str, ds: &BgpState) -> usize {
        let a = new_action(
            addr.to_string(),
            ResourceKind::BgpRoute,
            ChangeKind::Create,
            Some(gw.to_string()),
            Vec::new(),
            None,
            Some(ds.display()),
            vec![Operation::AddBgpRoute {
                gateway: gw.to_string(),
                route: ds.body(),
            }],
        );
        self.push(a, self.route_effect(gw, Vec::new(), ds.paths()))
    }

    fn bgp_update(
        &mut self,
        addr: &str,
        gw: &str,
        l: &LiveBgpRoute,
        before: &BgpState,
        after: &BgpState,
    ) -> usize {
        let mut attributes = Vec::new();
        if before.networks != after.networks {
            attributes.push(attr("networks", &before.networks, &after.networks, false));
        }
        if before.multipath != after.multipath {
            attributes.push(attr(
                "multipath",
                &before.multipath,
                &after.multipath,
                false,
            ));
        }
        let mut resets = Vec::new();
        let find = |s: &BgpState, line: &Option<String>, v6: bool| {
            s.peers
                .iter()
                .find(|p| p.line == *line && p.v6 == v6)
                .cloned()
        };
        let mut seen = BTreeSet::new();
        for p in before.peers.iter().chain(&after.peers) {
            if !seen.insert((p.line.clone(), p.v6, p.body.ip)) {
                continue;
            }
            let name = format!(
                "peers[{}]",
                p.line.clone().unwrap_or_else(|| p.body.ip.to_string())
            );
            let (b, a) = (find(before, &p.line, p.v6), find(after, &p.line, p.v6));
            match (&b, &a) {
                (Some(b), Some(a)) => {
                    let (bs, as_) = (b.session(), a.session());
                    if (bs.0, bs.1, bs.2, bs.3) != (as_.0, as_.1, as_.2, as_.3) {
                        let show = |p: &Peer| serde_json::json!({"neighbor": p.body.neighbor, "ip": p.body.ip, "peer_as": p.body.peer_as, "bfd": p.body.bfd});
                        attributes.push(AttributeChange {
                            name: name.clone(),
                            before: Some(show(b)),
                            after: Some(show(a)),
                            sensitive: false,
                            forces_replace: false,
                        });
                    }
                    if b.key_hash != a.key_hash {
                        attributes.push(AttributeChange {
                            name: format!("{name}.key"),
                            before: None,
                            after: None,
                            sensitive: true,
                            forces_replace: false,
                        });
                    }
                    if bs != as_ {
                        resets.push(a.body.ip);
                        if b.body.ip != a.body.ip {
                            resets.push(b.body.ip);
                        }
                    }
                }
                (Some(b), None) => {
                    attributes.push(AttributeChange {
                        name,
                        before: Some(serde_json::json!(b.body.ip)),
                        after: None,
                        sensitive: false,
                        forces_replace: false,
                    });
                }
                (None, Some(a)) => {
                    attributes.push(AttributeChange {
                        name,
                        before: None,
                        after: Some(serde_json::json!(a.body.ip)),
                        sensitive: false,
                        forces_replace: false,
                    });
                }
                (None, None) => {}
            }
        }
        let mut action = new_action(
            addr.to_string(),
            ResourceKind::BgpRoute,
            ChangeKind::Update,
            Some(gw.to_string()),
            attributes,
            Some(before.display()),
            Some(after.display()),
            vec![Operation::UpdateBgpRoute {
                gateway: gw.to_string(),
                id: l.id.clone(),
                route: after.body(),
            }],
        );
        if !resets.is_empty() {
            resets.sort();
            resets.dedup();
            action
                .impact
                .push(Impact::BgpSessionReset { peers: resets });
        }
        self.push(action, self.route_effect(gw, before.paths(), after.paths()))
    }
}

#[cfg(test)]
mod tests;
