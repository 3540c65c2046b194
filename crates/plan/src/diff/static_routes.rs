//! Pass 2 for the static routes of one gateway. Identity is (gateway, ip
//! version, destination set); next hops change in place as a full list.

use super::compare::{attr, sorted};
use super::identity::{Identity, REPLACE_REQUESTED};
use super::routes::{remotes, RouteScope, RouteSteps};
use super::{new_action, PlanError, Planner};
use crate::action::{address, ChangeKind, NextHopBody, Operation, ResourceKind, StaticRouteBody};
use crate::inventory::{LiveNextHop, LiveStaticRoute};
use crate::model::{Gateway, IpVersion, StaticRoute};
use ipnet::IpNet;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

/// A static route's identity on one gateway: IP version and sorted destinations.
pub(super) type RouteKey = (IpVersion, Vec<IpNet>);

/// One next hop with the line it goes over.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Hop {
    pub line: Option<String>,
    pub v6: bool,
    pub body: NextHopBody,
    /// False for a live hop whose BFD the server does not show: `body.bfd`
    /// is then a placeholder, replaced by the declared value when compared
    /// ([`adopt_unshown_bfd`]).
    pub bfd_shown: bool,
}

/// A live hop whose BFD the server does not show takes the declared
/// hop's value (same family and address): what cannot be read is not
/// compared, so it neither plans an endless update nor hides another
/// change.
fn adopt_unshown_bfd(live: &mut [Hop], wanted: &[Hop]) {
    for hop in live.iter_mut().filter(|h| !h.bfd_shown) {
        if let Some(w) = wanted
            .iter()
            .find(|w| w.v6 == hop.v6 && w.body.remote_ip == hop.body.remote_ip)
        {
            hop.body.bfd = w.body.bfd;
        }
    }
}

/// A live static route with its next hops resolved to lines.
struct LiveRoute<'r> {
    route: &'r LiveStaticRoute,
    hops: Vec<Hop>,
    lines: BTreeSet<String>,
}

/// A declared static route with its next hops resolved.
struct WantedRoute<'k> {
    addr: String,
    key: &'k RouteKey,
    hops: Vec<Hop>,
    protect: bool,
}

pub(super) fn live_static_hops(r: &LiveStaticRoute, table: &HashMap<IpAddr, String>) -> Vec<Hop> {
    let conv = |h: &LiveNextHop, v6: bool| Hop {
        line: table.get(&h.remote_ip).cloned(),
        v6,
        body: NextHopBody {
            remote_ip: h.remote_ip,
            priority: h.priority,
            track: h.track,
            bfd: h.bfd.unwrap_or(false),
        },
        bfd_shown: h.bfd.is_some(),
    };
    r.next_hops
        .iter()
        .map(|h| conv(h, false))
        .chain(r.next_hops_v6.iter().map(|h| conv(h, true)))
        .collect()
}

fn hop_lines(hops: &[Hop]) -> impl Iterator<Item = String> + '_ {
    hops.iter().filter_map(|h| h.line.clone())
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
pub(super) fn static_paths(dst: &[IpNet], hops: &[Hop]) -> Vec<(IpNet, String)> {
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

/// Old routes to retarget in place onto a new destination set that shares
/// a prefix with them: the API holds a prefix once per gateway, so the two
/// cannot coexist. Rather than withdraw the shared prefixes (delete, then
/// create), `static-route/update` replaces destinations and next hops in
/// one call.
fn plan_retargets(
    s: &RouteScope,
    live: &BTreeMap<RouteKey, &LiveStaticRoute>,
    desired: &BTreeMap<RouteKey, &StaticRoute>,
) -> Vec<(RouteKey, RouteKey)> {
    let mut retargets: Vec<(RouteKey, RouteKey)> = Vec::new();
    if !s.may_delete || s.gw_gone {
        return retargets;
    }
    let mut taken: BTreeSet<RouteKey> = BTreeSet::new();
    for dk in desired.keys().filter(|k| !live.contains_key(*k)) {
        let old = live.iter().find(|(lk, l)| {
            lk.0 == dk.0
                && !desired.contains_key(*lk)
                && !taken.contains(*lk)
                && lk.1.iter().any(|p| dk.1.contains(p))
                && !live_static_hops(l, &s.table)
                    .iter()
                    .any(|h| h.line.as_ref().is_some_and(|x| s.lost.contains(x)))
        });
        if let Some((lk, _)) = old {
            taken.insert(lk.clone());
            retargets.push((lk.clone(), dk.clone()));
        }
    }
    retargets
}

/// An undeclared route outside `prune` stays; if it holds a prefix the
/// file routes elsewhere, the API would refuse the new route.
fn check_prefix_conflicts(
    s: &RouteScope,
    live: &BTreeMap<RouteKey, &LiveStaticRoute>,
    desired: &BTreeMap<RouteKey, &StaticRoute>,
) -> Result<(), PlanError> {
    if s.may_delete {
        return Ok(());
    }
    for dk in desired.keys().filter(|k| !live.contains_key(*k)) {
        if let Some(lk) = live
            .keys()
            .find(|lk| !desired.contains_key(*lk) && lk.1.iter().any(|p| dk.1.contains(p)))
        {
            return Err(PlanError::BlockedByUnmanaged {
                address: address::static_route(s.gw, dk.0, &dk.1),
                blocker: address::static_route(s.gw, lk.0, &lk.1),
            });
        }
    }
    Ok(())
}

impl Identity<'_> {
    pub fn desired_hops(
        &self,
        gw: (&Gateway, &[usize]),
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
                    bfd_shown: true,
                });
            }
        }
        Ok(hops)
    }
}

impl Planner<'_> {
    pub(super) fn static_routes(
        &mut self,
        s: &RouteScope,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let mut live_static: BTreeMap<RouteKey, &LiveStaticRoute> = BTreeMap::new();
        for r in s
            .live
            .map(|l| l.static_routes.as_slice())
            .unwrap_or_default()
        {
            live_static.insert((r.ip_version, r.dst.clone()), r);
        }
        let mut desired_static: BTreeMap<RouteKey, &StaticRoute> = BTreeMap::new();
        for r in s
            .desired
            .map(|d| d.static_routes.as_slice())
            .unwrap_or_default()
        {
            let dst = sorted(&r.dst);
            let k = (route_ip_version(&dst), dst);
            if desired_static.insert(k.clone(), r).is_some() {
                return Err(PlanError::Duplicate {
                    kind: "static route",
                    name: address::static_route(s.gw, k.0, &k.1),
                });
            }
        }
        let first_static_action = self.nodes.len();
        let retargets = plan_retargets(s, &live_static, &desired_static);
        check_prefix_conflicts(s, &live_static, &desired_static)?;
        let retargeted: BTreeSet<&RouteKey> = retargets.iter().flat_map(|(l, d)| [l, d]).collect();
        for (lk, dk) in &retargets {
            let (Some(l), Some(r), Some(gw)) =
                (live_static.get(lk), desired_static.get(dk), s.declared())
            else {
                continue;
            };
            let addr = address::static_route(s.gw, dk.0, &dk.1);
            let hops = self.id.desired_hops(gw, &addr, r, dk.0)?;
            let live_hops = live_static_hops(l, &s.table);
            let n = self.static_retarget(&addr, s.gw, l, &live_hops, dk, &hops);
            self.after_binds(n, s.gw, hop_lines(&hops));
        }
        let keys: BTreeSet<RouteKey> = live_static
            .keys()
            .chain(desired_static.keys())
            .filter(|k| !retargeted.contains(k))
            .cloned()
            .collect();
        for k in keys {
            let lr = live_static.get(&k).copied();
            let dr = desired_static.get(&k).copied();
            self.static_route_step(s, &k, lr, dr, steps)?;
        }
        self.hand_over_prefixes(first_static_action, &live_static);
        Ok(())
    }

    fn static_route_step(
        &mut self,
        s: &RouteScope,
        k: &RouteKey,
        lr: Option<&LiveStaticRoute>,
        dr: Option<&StaticRoute>,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let addr = address::static_route(s.gw, k.0, &k.1);
        let live = lr.map(|r| {
            let hops = live_static_hops(r, &s.table);
            let lines = hops.iter().filter_map(|h| h.line.clone()).collect();
            LiveRoute {
                route: r,
                hops,
                lines,
            }
        });
        let wanted = match (dr, s.declared()) {
            (Some(r), Some(gw)) => Some(WantedRoute {
                hops: self.id.desired_hops(gw, &addr, r, k.0)?,
                addr,
                key: k,
                protect: r.protect,
            }),
            _ => None,
        };
        match (live, wanted) {
            (Some(l), None) => self.undeclared_static(s, l, k, steps),
            (None, Some(w)) => {
                let n = self.static_create(&w.addr, s.gw, k, &w.hops);
                self.edge_opt(n, s.gw_dep);
                self.after_binds(n, s.gw, hop_lines(&w.hops));
                steps.pending_static_creates.push(n);
                steps.static_creates.push((n, k.1.clone()));
                Ok(())
            }
            (Some(mut l), Some(w)) => {
                adopt_unshown_bfd(&mut l.hops, &w.hops);
                if self.id.requested.replaces(&w.addr) {
                    if w.protect {
                        return Err(PlanError::protected(
                            w.addr.clone(),
                            REPLACE_REQUESTED.into(),
                            &[],
                        ));
                    }
                    self.static_delete_then_create(s, l, &w, steps);
                    return Ok(());
                }
                if s.uses_lost(&l.lines) {
                    return self.move_static_off_lost_lines(s, l, &w, steps);
                }
                let body = static_body(k.0, &k.1, &w.hops);
                if body == static_body(l.route.ip_version, &l.route.dst, &l.hops) {
                    return Ok(());
                }
                let n = self.static_update(&w.addr, s.gw, l.route, &l.hops, k, &w.hops);
                self.after_binds(n, s.gw, hop_lines(&w.hops));
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    /// A live route the file does not declare: deleted where routes may
    /// be, an error where it blocks a change, unmanaged otherwise.
    fn undeclared_static(
        &mut self,
        s: &RouteScope,
        l: LiveRoute,
        k: &RouteKey,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let addr = address::static_route(s.gw, k.0, &k.1);
        if s.may_delete {
            let n = self.static_delete(&addr, s.gw, l.route, &l.hops);
            self.built.route_break(s.gw, n, l.lines);
            self.built.child_delete(s.gw, n);
            steps.static_deletes.push((n, l.route.dst.clone()));
        } else if s.desired.is_some_and(|d| !d.bgp.is_empty()) || s.uses_lost(&l.lines) {
            return Err(PlanError::BlockedByUnmanaged {
                address: address::gateway(s.gw),
                blocker: addr,
            });
        } else {
            self.note_unmanaged(addr, ResourceKind::StaticRoute);
        }
        Ok(())
    }

    /// The route uses a line that is about to be unbound: move it onto
    /// lines that stay, or take it down until rebound.
    fn move_static_off_lost_lines(
        &mut self,
        s: &RouteScope,
        l: LiveRoute,
        w: &WantedRoute,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let (gw, k) = (s.gw, w.key);
        let mut interim: Vec<Hop> = if s.gw_gone {
            Vec::new()
        } else {
            w.hops
                .iter()
                .filter(|h| s.usable(&h.line))
                .cloned()
                .collect()
        };
        if !s.gw_gone {
            let desired_lines: BTreeSet<&String> =
                w.hops.iter().filter_map(|h| h.line.as_ref()).collect();
            for h in &l.hops {
                if s.stable(&h.line) && !h.line.as_ref().is_some_and(|x| desired_lines.contains(x))
                {
                    interim.push(h.clone());
                }
            }
        }
        if interim.is_empty() {
            if w.protect {
                let why = if s.gw_gone {
                    format!("gateway.{}", s.forced_by.clone().unwrap_or_default())
                } else {
                    format!(
                        "next_hops (lines {:?} are unbound)",
                        l.lines.intersection(&s.lost).collect::<Vec<_>>()
                    )
                };
                return Err(PlanError::protected(w.addr.clone(), why, &[]));
            }
            self.static_delete_then_create(s, l, w, steps);
        } else {
            let i = self.static_update(&w.addr, gw, l.route, &l.hops, k, &interim);
            self.after_binds(i, gw, hop_lines(&interim));
            self.built.route_break(gw, i, l.lines);
            if static_body(k.0, &k.1, &interim) != static_body(k.0, &k.1, &w.hops) {
                let f = self.static_update(&w.addr, gw, l.route, &interim, k, &w.hops);
                self.graph.edge(f, i);
                self.after_binds(f, gw, hop_lines(&w.hops));
            }
        }
        Ok(())
    }

    /// Takes the route down and creates it again (its prefixes are
    /// withdrawn in between: a prefix is held by one route at a time).
    fn static_delete_then_create(
        &mut self,
        s: &RouteScope,
        l: LiveRoute,
        w: &WantedRoute,
        steps: &mut RouteSteps,
    ) {
        let gw = s.gw;
        let d = self.static_delete(&w.addr, gw, l.route, &l.hops);
        self.built.route_break(gw, d, l.lines);
        self.built.child_delete(gw, d);
        let c = self.static_create(&w.addr, gw, w.key, &w.hops);
        self.graph.edge(c, d);
        self.edge_opt(c, s.gw_dep);
        self.after_binds(c, gw, hop_lines(&w.hops));
        steps.pending_static_creates.push(c);
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

    fn static_create(&mut self, addr: &str, gw: &str, k: &RouteKey, hops: &[Hop]) -> usize {
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
    /// (see [`plan_retargets`]).
    fn static_retarget(
        &mut self,
        addr: &str,
        gw: &str,
        l: &LiveStaticRoute,
        before: &[Hop],
        k: &RouteKey,
        after: &[Hop],
    ) -> usize {
        let body = static_body(k.0, &k.1, after);
        let mut attributes = vec![attr(ResourceKind::StaticRoute, "dst", &l.dst, &k.1)];
        let (was, now) = (hop_labels(before), hop_labels(after));
        if was != now {
            attributes.push(attr(ResourceKind::StaticRoute, "next_hops", &was, &now));
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
        k: &RouteKey,
        after: &[Hop],
    ) -> usize {
        let body = static_body(k.0, &k.1, after);
        let (was, now) = (hop_labels(before), hop_labels(after));
        let mut attributes = Vec::new();
        if was != now {
            attributes.push(attr(ResourceKind::StaticRoute, "next_hops", &was, &now));
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
}
