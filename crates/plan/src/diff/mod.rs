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
//! - Gateways have no update call: a difference replaces the gateway and
//!   everything under it. Attributes the list call may not report
//!   (hostname, description, access point) only count when both sides have
//!   a value; the same holds for VPC name and `dc_type` (`EMAZ` = `MAZ`).
//!   Which attribute changes in place, forces a replace or, carrying no
//!   forwarding meaning (gateway description, VPC name), is left as is with
//!   a note is one table, [`crate::attributes::RULES`].
//! - The file's order means nothing: the desired state is planned in its
//!   canonical order ([`DesiredState::canonical`]); a gateway without a
//!   `hostname` keeps a live one that is the switch of any of its lines.
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
//!
//! - `--replace` forces the replace of an object the plan would keep or
//!   update; `--target` keeps the actions the targets need (`target`).
//!
//! Where the passes live: `identity` (pass 1, with `compare`), one module
//! per resource kind for pass 2 (`lines`, `gateways`, `vpcs`, `routes`
//! with `static_routes` and `bgp`), `target` for the requested addresses,
//! `finish` for passes 3 and 4, and `error` for [`PlanError`] and where it
//! points in the file.

mod bgp;
mod compare;
mod error;
mod finish;
mod gateways;
mod graph;
mod identity;
mod impact;
mod lines;
mod routes;
mod static_routes;
mod target;
mod vpcs;

pub use error::PlanError;

use crate::action::{
    Action, AttributeChange, ChangeKind, Operation, Plan, Requested, ResourceKind, Unmanaged,
};
use crate::inventory::{Inventory, NormalisedInventory};
use crate::model::{DesiredState, SecretRef};
use graph::Graph;
use identity::Identity;
use impact::Effect;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Inputs to planning that the binary resolves (plan does no I/O).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// [`crate::secret_hash`] of every BGP key reference the file uses.
    pub secret_hashes: BTreeMap<SecretRef, String>,
    /// `--target` and `--replace` addresses, as the plan prints them.
    pub requested: Requested,
}

/// Plans the changes that take `live` to `desired`. `live` may be in any
/// order: it is checked, and normalised on a copy when it is not canonical
/// yet. Callers holding a [`NormalisedInventory`] use [`plan_normalised`],
/// which skips the check.
pub fn plan(
    desired: &DesiredState,
    live: &Inventory,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    // Refresh normalises already; copy only when the caller did not.
    if live.is_normalised() {
        return plan_canonical(desired, live, options);
    }
    plan_normalised(desired, &live.clone().into_normalised(), options)
}

/// Plans the changes that take `live` to `desired`, for an inventory that
/// is canonical by its type: no check, no copy.
pub fn plan_normalised(
    desired: &DesiredState,
    live: &NormalisedInventory,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    plan_canonical(desired, live, options)
}

/// `live` must be normalised: identity and fingerprints rely on it.
fn plan_canonical(
    desired: &DesiredState,
    live: &Inventory,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    // The file's order carries no meaning: plan from one canonical order.
    let desired = desired.canonical();
    let desired = desired.as_ref();
    // Before matching by name: a misread name would otherwise plan the
    // deletion of everything it could not match.
    let identities = crate::identity_check::check_identities(desired, live);
    if identities.blocks_plan() {
        return Err(PlanError::IdentityMismatch(Box::new(identities)));
    }
    Planner::new(Identity::new(desired, live, &options.requested)?, options).run()
}

/// Builds the action graph (pass 2) from what identity decided.
struct Planner<'a> {
    id: Identity<'a>,
    options: &'a PlanOptions,
    graph: Graph,
    nodes: Vec<Action>,
    effects: Vec<Effect>,
    unmanaged: Vec<Unmanaged>,
    /// See [`Plan::notes`].
    notes: Vec<String>,
    built: Built,
    /// Make-before-break preferences: (delete, create) edges added at the
    /// end where they close no cycle.
    mbb: Vec<(usize, usize)>,
}

/// Actions already built, by the object they change: later passes wait
/// for them.
#[derive(Default)]
struct Built {
    line: HashMap<String, usize>,
    unbind: HashMap<(String, String), usize>,
    /// What was built for each gateway, in one record: a pass reads a
    /// gateway's with one look-up, not one per table of the whole estate.
    gw: HashMap<String, GatewayBuilt>,
}

/// The actions of one gateway that other actions wait for.
#[derive(Default)]
struct GatewayBuilt {
    /// The action creating it (the create of a replace).
    create: Option<usize>,
    /// The action deleting it for good.
    delete: Option<usize>,
    /// The lines this plan binds here, each with its bind action, in plan
    /// order (a gateway has a few lines: a list beats a table).
    binds: Vec<(String, usize)>,
    /// The lines unbound from here, each with its unbind action.
    unbinds: Vec<(String, usize)>,
    /// Actions that stop a route using lines (deletes, interim updates),
    /// with the lines the route used before.
    route_break: Vec<(usize, BTreeSet<String>)>,
    /// Deletes of its children, which its own delete waits for.
    child_delete: Vec<usize>,
}

impl Built {
    fn of(&self, gw: &str) -> Option<&GatewayBuilt> {
        self.gw.get(gw)
    }

    fn at(&mut self, gw: &str) -> &mut GatewayBuilt {
        self.gw.entry(gw.to_owned()).or_default()
    }

    /// The action creating `gw`, if this plan creates it.
    fn gateway(&self, gw: &str) -> Option<usize> {
        self.of(gw)?.create
    }

    /// Lines unbound from `gw` at some point of the plan.
    fn lost_lines(&self, gw: &str) -> BTreeSet<String> {
        self.of(gw)
            .into_iter()
            .flat_map(|b| &b.unbinds)
            .map(|(l, _)| l.clone())
            .collect()
    }

    fn binds_for(&self, gw: &str, lines: impl IntoIterator<Item = String>) -> Vec<usize> {
        let Some(b) = self.of(gw) else {
            return Vec::new();
        };
        lines
            .into_iter()
            .filter_map(|l| b.binds.iter().find(|(x, _)| *x == l).map(|(_, n)| *n))
            .collect()
    }

    /// `node` stops a route of `gw` that used `lines`.
    fn route_break(&mut self, gw: &str, node: usize, lines: BTreeSet<String>) {
        self.at(gw).route_break.push((node, lines));
    }

    /// `node` deletes a child of `gw`.
    fn child_delete(&mut self, gw: &str, node: usize) {
        self.at(gw).child_delete.push(node);
    }
}

impl<'a> Planner<'a> {
    fn new(id: Identity<'a>, options: &'a PlanOptions) -> Self {
        Planner {
            id,
            options,
            graph: Graph::default(),
            nodes: Vec::new(),
            effects: Vec::new(),
            unmanaged: Vec::new(),
            notes: Vec::new(),
            built: Built::default(),
            mbb: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Plan, PlanError> {
        self.reserve();
        self.line_actions();
        self.gateway_actions()?;
        self.binding_actions()?;
        let names: Vec<&str> = self.id.gws.names().collect();
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
        let order = self.requested_scope(order)?;
        self.finish(order)
    }

    /// Sizes the node lists once: a large import is ~1 action per object.
    fn reserve(&mut self) {
        let estimate = self.id.lines.len() * 2
            + self
                .id
                .desired
                .gateways
                .iter()
                .map(|g| 2 + g.lines.len() + 2 * g.vpcs.len() + g.static_routes.len() + g.bgp.len())
                .sum::<usize>()
            + self
                .id
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
    }

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

    /// `node` waits for the binds of `lines` to `gw` that this plan makes.
    fn after_binds(&mut self, node: usize, gw: &str, lines: impl IntoIterator<Item = String>) {
        for b in self.built.binds_for(gw, lines) {
            self.graph.edge(node, b);
        }
    }

    fn note_unmanaged(&mut self, address: String, kind: ResourceKind) {
        self.unmanaged.push(Unmanaged { address, kind });
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

#[cfg(test)]
mod tests;
