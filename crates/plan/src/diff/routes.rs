//! Pass 2 for the routes of one gateway: what the static and BGP passes
//! share (which lines a route can use at any step), and the order between
//! the two kinds, which never coexist on a gateway.

use super::identity::{Fate, GwEntry, Identity, LineEntry};
use super::static_routes::live_static_hops;
use super::{PlanError, Planner};
use crate::inventory::LiveGateway;
use crate::model::{Gateway, IpVersion, Kind};
use ipnet::IpNet;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

/// One gateway as its route passes see it.
pub(super) struct RouteScope<'s> {
    pub gw: &'s str,
    pub desired: Option<&'s Gateway>,
    /// The entries of the desired gateway's `lines`, in their order.
    pub lines: Vec<usize>,
    pub live: Option<&'s LiveGateway>,
    /// The gateway is replaced or deleted: so is every route on it.
    pub gw_gone: bool,
    /// The attribute that forces the gateway's replace.
    pub forced_by: Option<String>,
    /// Remote interconnect address → line key, for lines bound live.
    pub table: HashMap<IpAddr, String>,
    /// Lines unbound from the gateway at some step.
    pub lost: BTreeSet<String>,
    /// Lines newly bound here that were bound nowhere before: their bind
    /// waits for nothing on this gateway, so a route can move onto them
    /// before its old line is unbound (make-before-break).
    pub early: BTreeSet<String>,
    pub gw_dep: Option<usize>,
    /// Routes the file does not declare are deleted (the gateway goes, or
    /// `routes` is pruned).
    pub may_delete: bool,
}

impl<'s> RouteScope<'s> {
    /// The declared gateway with the entries of its lines, as
    /// [`Identity::bound_line`] takes them.
    pub fn declared(&self) -> Option<(&'s Gateway, &[usize])> {
        self.desired.map(|gw| (gw, self.lines.as_slice()))
    }

    /// Bound before, never unbound: usable at any step.
    pub fn stable(&self, line: &Option<String>) -> bool {
        line.as_ref()
            .is_some_and(|l| !self.lost.contains(l) && self.table.values().any(|v| v == l))
    }

    /// Usable while the route's old lines are still bound.
    pub fn usable(&self, line: &Option<String>) -> bool {
        self.stable(line) || line.as_ref().is_some_and(|l| self.early.contains(l))
    }

    /// A route on these lines must move or go before an unbind.
    pub fn uses_lost(&self, lines: &BTreeSet<String>) -> bool {
        self.gw_gone || lines.iter().any(|x| self.lost.contains(x))
    }
}

/// Route actions of one gateway that the exclusivity of static and BGP
/// routes, and make-before-break, order against each other.
#[derive(Default)]
pub(super) struct RouteSteps {
    /// New destination sets (not re-creates), with their prefixes.
    pub static_creates: Vec<(usize, Vec<IpNet>)>,
    /// Deletes of undeclared static routes, with their prefixes.
    pub static_deletes: Vec<(usize, Vec<IpNet>)>,
    /// Every static route create, re-creates included.
    pub pending_static_creates: Vec<usize>,
    /// Deletes of undeclared BGP routes.
    pub bgp_deletes: Vec<usize>,
    /// Every BGP route create, re-creates included.
    pub bgp_creates: Vec<usize>,
}

/// The remote address of line `e` (named `line`) in each family `ipv`
/// covers, IPv4 first: what a next hop or BGP peer on it points at.
pub(super) fn remotes(
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

impl Identity<'_> {
    /// Does any live route of gateway `g` use line `key`?
    pub fn live_routes_use_line(&self, g: &GwEntry, key: &str) -> bool {
        let Some(gw) = g.live else {
            return false;
        };
        let table = self.live_ip_table(&g.live_lines);
        gw.static_routes.iter().any(|r| {
            live_static_hops(r, &table)
                .iter()
                .any(|h| h.line.as_deref() == Some(key))
        }) || gw
            .bgp_routes
            .iter()
            .any(|r| self.live_bgp_lines(r, &table).iter().any(|l| l == key))
    }
}

impl<'a> Planner<'a> {
    pub(super) fn route_actions(&mut self, gw_name: &str) -> Result<(), PlanError> {
        let Some(scope) = self.route_scope(gw_name) else {
            return Ok(());
        };
        let mut steps = RouteSteps::default();
        self.static_routes(&scope, &mut steps)?;
        self.bgp_routes(&scope, &mut steps)?;
        self.order_route_kinds(&steps);
        Ok(())
    }

    /// `None` for an unmanaged gateway: its routes are left alone.
    fn route_scope<'s>(&self, gw_name: &'s str) -> Option<RouteScope<'s>>
    where
        'a: 's,
    {
        let g = self.id.gws.get(gw_name)?;
        if g.fate == Fate::Unmanaged {
            return None;
        }
        let table = self.id.live_ip_table(&g.live_lines);
        let early: BTreeSet<String> = self
            .built
            .of(gw_name)
            .into_iter()
            .flat_map(|b| &b.binds)
            .map(|(l, _)| l)
            .filter(|l| self.id.line_entry(l).is_some_and(|e| e.live_gw.is_none()))
            .cloned()
            .collect();
        Some(RouteScope {
            gw: gw_name,
            desired: g.desired,
            lines: g.desired_lines.clone(),
            live: g.live,
            gw_gone: matches!(g.fate, Fate::Replace | Fate::Delete),
            forced_by: g.forced.clone(),
            table,
            lost: self.built.lost_lines(gw_name),
            early,
            gw_dep: self.built.gateway(gw_name),
            may_delete: g.fate == Fate::Delete || self.id.prune.contains(&Kind::Routes),
        })
    }

    fn order_route_kinds(&mut self, steps: &RouteSteps) {
        // Static and BGP never coexist on a gateway: creates of one kind wait
        // for every delete of the other.
        for c in &steps.pending_static_creates {
            for d in &steps.bgp_deletes {
                self.graph.edge(*c, *d);
            }
        }
        for c in &steps.bgp_creates {
            for (d, _) in &steps.static_deletes {
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
        for (d, old) in &steps.static_deletes {
            for (c, new) in &steps.static_creates {
                if !old.iter().any(|o| new.contains(o))
                    && old
                        .iter()
                        .any(|o| new.iter().any(|n| o.contains(n) || n.contains(o)))
                {
                    self.mbb.push((*d, *c));
                }
            }
        }
    }
}
