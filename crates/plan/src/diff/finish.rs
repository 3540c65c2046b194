//! Passes 3 and 4: the edges whose targets are built after their sources,
//! then the display order, the impact replay and the plan itself.

use super::identity::Fate;
use super::impact::{Effect, Simulator};
use super::static_routes::{live_static_hops, static_paths, Hop};
use super::{PlanError, Planner};
use crate::action::{Action, Plan, ResourceKind, FORMAT_VERSION};
use crate::inventory::ABSENT;
use ipnet::IpNet;
use std::collections::BTreeSet;

impl Planner<'_> {
    /// Edges whose targets are built after their sources.
    pub(super) fn deferred_edges(&mut self) {
        // Line replace/delete/update-while-bound wait for the unbind.
        for e in &self.id.lines {
            if let (Some(n), Some(x)) = (self.built.line.get(&e.key), &e.live_gw) {
                if let Some(u) = self.built.unbind.get(&(x.clone(), e.key.clone())) {
                    self.graph.edge(*n, *u);
                }
            }
        }
        // Unbinds wait for every route that stops using the line.
        for ((gw, key), u) in &self.built.unbind {
            let gone = matches!(self.id.gw_fate(gw), Fate::Replace | Fate::Delete);
            if let Some(b) = self.built.of(gw) {
                for (n, lines) in &b.route_break {
                    if gone || lines.contains(key) {
                        self.graph.edge(*u, *n);
                    }
                }
            }
        }
        // A gateway goes only when everything under it has gone.
        for (gw, g) in self.id.gws.iter() {
            let Some(b) = self.built.of(gw) else { continue };
            let node = match g.fate {
                Fate::Replace => b.create,
                Fate::Delete => b.delete,
                _ => None,
            };
            let Some(node) = node else { continue };
            for (_, u) in &b.unbinds {
                self.graph.edge(node, *u);
            }
            for c in &b.child_delete {
                self.graph.edge(node, *c);
            }
        }
    }

    /// The forwarding table before the plan, from live routes and
    /// bindings, for the gateways the plan touches.
    fn simulator(&self, touched: &BTreeSet<u32>) -> Simulator {
        let mut sim = Simulator::default();
        // The live gateways of each touched name (sorted by name: found by
        // halving, not by asking every gateway of the estate).
        let live = &self.id.live.gateways;
        let touched_live = touched
            .iter()
            .filter_map(|g| self.id.gws.name_of(*g))
            .flat_map(|name| {
                let from = live.partition_point(|gw| gw.name.as_str() < name);
                let same = live[from..].iter().take_while(move |gw| gw.name == name);
                (from..).zip(same)
            });
        for (at, gw) in touched_live {
            let Some(g) = self.id.gws.id(&gw.name) else {
                continue;
            };
            let lines = self.id.lines_of_live_gateway(at);
            for i in &lines {
                sim.bind(g, *i as u32);
            }
            let table = self.id.live_ip_table(&lines);
            for r in &gw.static_routes {
                let paths = static_paths(&r.dst, &live_static_hops(r, &table));
                for (p, l) in self.path_ids(g, paths) {
                    sim.add_path(g, p, l);
                }
            }
            for r in &gw.bgp_routes {
                for (p, l) in self.path_ids(g, self.id.live_bgp(r, &table).paths()) {
                    sim.add_path(g, p, l);
                }
            }
        }
        sim
    }

    /// The paths of gateway `gw` (its id) with each line by its entry.
    fn path_ids(&self, gw: u32, paths: Vec<(IpNet, String)>) -> Vec<(IpNet, u32)> {
        paths
            .into_iter()
            .filter_map(|(p, l)| self.id.line_seen_from(gw, &l).map(|i| (p, i as u32)))
            .collect()
    }

    fn gw_id(&self, gw: &str) -> u32 {
        // Every gateway the planner writes to is in `gws`; `u32::MAX` is an
        // unused id for anything else, which the replay then ignores.
        self.id.gws.id(gw).unwrap_or(u32::MAX)
    }

    pub(super) fn route_effect(
        &self,
        gw: &str,
        remove: Vec<(IpNet, String)>,
        add: Vec<(IpNet, String)>,
    ) -> Effect {
        let gateway = self.gw_id(gw);
        Effect::Routes {
            gateway,
            remove: self.path_ids(gateway, remove),
            add: self.path_ids(gateway, add),
        }
    }

    /// Like `route_effect` for static routes, without building line names.
    pub(super) fn static_effect(
        &self,
        gw: &str,
        remove: (&[IpNet], &[Hop]),
        add: (&[IpNet], &[Hop]),
    ) -> Effect {
        let gateway = self.gw_id(gw);
        let ids = |(dst, hops): (&[IpNet], &[Hop])| -> Vec<(IpNet, u32)> {
            let mut out = Vec::with_capacity(dst.len() * hops.len());
            for p in dst {
                let v6 = matches!(p, IpNet::V6(_));
                for h in hops.iter().filter(|h| h.v6 == v6) {
                    if let Some(i) = h
                        .line
                        .as_ref()
                        .and_then(|l| self.id.line_seen_from(gateway, l))
                    {
                        out.push((*p, i as u32));
                    }
                }
            }
            out
        };
        Effect::Routes {
            gateway,
            remove: ids(remove),
            add: ids(add),
        }
    }

    pub(super) fn binding_effect(&self, gw: &str, line: &str, bound: bool) -> Effect {
        let gateway = self.gw_id(gw);
        match self.id.line_seen_from(gateway, line) {
            Some(i) => Effect::Binding {
                gateway,
                line: i as u32,
                bound,
            },
            None => Effect::None,
        }
    }

    /// Impact: replay the effects in display order.
    fn replay_impact(&mut self, order: &[usize]) {
        let mut effects = std::mem::take(&mut self.effects);
        let touched: BTreeSet<u32> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::None => None,
                Effect::Routes { gateway, .. } | Effect::Binding { gateway, .. } => Some(*gateway),
            })
            .collect();
        let mut sim = self.simulator(&touched);
        for &old in order {
            let effect = std::mem::take(&mut effects[old]);
            let mut impact = sim.apply(&effect);
            let action = &mut self.nodes[old];
            impact.append(&mut action.impact);
            action.impact = impact;
        }
    }

    pub(super) fn finish(mut self, order: Vec<usize>) -> Result<Plan, PlanError> {
        self.replay_impact(&order);
        let requested = self.id.requested.clone();
        let Planner {
            id,
            graph,
            nodes: mut actions,
            mut unmanaged,
            notes,
            ..
        } = self;
        // `order` holds every action, or those a `--target` needs (which
        // include everything they depend on).
        const LEFT_OUT: usize = usize::MAX;
        let mut new_id = vec![LEFT_OUT; actions.len()];
        for (pos, old) in order.iter().enumerate() {
            new_id[*old] = pos;
        }
        for (old, action) in actions.iter_mut().enumerate() {
            action.id = new_id[old];
            let mut deps: Vec<usize> = graph.deps[old]
                .iter()
                .map(|d| new_id[*d])
                .filter(|d| *d != LEFT_OUT)
                .collect();
            deps.sort_unstable();
            action.depends_on = deps;
        }
        drop(graph);
        if order.len() < actions.len() {
            let mut slots: Vec<Option<Action>> = actions.into_iter().map(Some).collect();
            actions = order.iter().filter_map(|old| slots[*old].take()).collect();
        } else {
            // Permute into display order in place (no second copy of the plan).
            for i in 0..actions.len() {
                while new_id[i] != i {
                    let j = new_id[i];
                    actions.swap(i, j);
                    new_id.swap(i, j);
                }
            }
        }
        let live = id.live.fingerprints_with(&id.bound);
        // Addresses the plan creates are recorded as absent.
        let mut absent: Vec<(ResourceKind, String)> = actions
            .iter()
            .filter(|a| !live.contains_key(&a.address))
            .map(|a| (a.kind, a.address.clone()))
            .collect();
        // Grouped by kind in the order their addresses sort in: within a
        // kind the actions were built in nearly sorted order, so the map is
        // then built from long sorted runs, not a sort of every address.
        absent.sort_by_key(|(kind, _)| kind.address_rank());
        let absent = absent
            .into_iter()
            .map(|(_, address)| (address, ABSENT.to_string()));
        // A few among many live objects are inserted (a rebuild would move
        // every live entry for them); many, as in an initial plan with one
        // per action, are merged at once.
        let fingerprints = if absent.len() <= live.len() / 8 {
            let mut live = live;
            live.extend(absent);
            live
        } else {
            live.into_iter().chain(absent).collect()
        };
        unmanaged.sort_by(|a, b| a.address.cmp(&b.address));
        unmanaged.dedup();
        let mut plan = Plan {
            format_version: FORMAT_VERSION.to_string(),
            region: id.desired.region.clone(),
            account: id.desired.account.clone(),
            actions,
            unmanaged,
            notes,
            fingerprints,
            mass_destroy: None,
            requested,
        };
        plan.mass_destroy = crate::guard::assess(&plan);
        Ok(plan)
    }
}
