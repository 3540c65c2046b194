//! Pass 2 for the BGP routes of one gateway. Identity is (gateway, ip
//! version); a route is updated in place, keys compared by hash.

use super::compare::{attr, sorted};
use super::identity::{Identity, REPLACE_REQUESTED};
use super::routes::{remotes, RouteScope, RouteSteps};
use super::{new_action, PlanError, Planner};
use crate::action::{
    address, AttributeChange, BgpPeerBody, BgpRouteBody, ChangeKind, Impact, LineRef, Operation,
    ResourceKind,
};
use crate::inventory::LiveBgpRoute;
use crate::model::{BgpRoute, Gateway, IpVersion, SecretRef};
use ipnet::IpNet;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

/// How a key reference is named in messages: `{ env: NAME }`.
pub(super) fn secret_label(r: &SecretRef) -> String {
    match r {
        SecretRef::Env(n) => format!("{{ env: {n} }}"),
        SecretRef::File(p) => format!("{{ file: {p} }}"),
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

/// A BGP route, desired or live, as the planner compares it.
#[derive(Debug, Clone)]
pub(super) struct BgpState {
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

    /// (prefix, line) paths: each network over each peer of its family.
    pub fn paths(&self) -> Vec<(IpNet, String)> {
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

/// A live route with its state as the planner compares it.
struct LiveBgp<'r> {
    route: &'r LiveBgpRoute,
    state: BgpState,
}

/// Per-peer attribute changes of an update, and the peers whose session
/// it resets.
fn peer_changes(before: &BgpState, after: &BgpState) -> (Vec<AttributeChange>, Vec<IpAddr>) {
    let mut attributes = Vec::new();
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
    (attributes, resets)
}

impl Identity<'_> {
    pub fn live_bgp_lines(&self, r: &LiveBgpRoute, table: &HashMap<IpAddr, String>) -> Vec<String> {
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

    pub fn live_bgp(&self, r: &LiveBgpRoute, table: &HashMap<IpAddr, String>) -> BgpState {
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
}

impl Planner<'_> {
    fn desired_bgp(&self, gw: (&Gateway, &[usize]), r: &BgpRoute) -> Result<BgpState, PlanError> {
        let addr = address::bgp_route(&gw.0.name, r.ip_version);
        let mut peers = Vec::new();
        for p in &r.peers {
            let e = self.id.bound_line(gw, &addr, &p.line)?;
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

    pub(super) fn bgp_routes(
        &mut self,
        s: &RouteScope,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let mut live_bgp: BTreeMap<IpVersion, &LiveBgpRoute> = BTreeMap::new();
        for r in s.live.map(|l| l.bgp_routes.as_slice()).unwrap_or_default() {
            live_bgp.insert(r.ip_version, r);
        }
        let mut desired_bgp: BTreeMap<IpVersion, &BgpRoute> = BTreeMap::new();
        for r in s.desired.map(|d| d.bgp.as_slice()).unwrap_or_default() {
            if desired_bgp.insert(r.ip_version, r).is_some() {
                return Err(PlanError::Duplicate {
                    kind: "BGP route",
                    name: address::bgp_route(s.gw, r.ip_version),
                });
            }
        }
        let versions: BTreeSet<IpVersion> =
            live_bgp.keys().chain(desired_bgp.keys()).copied().collect();
        for v in versions {
            let lr = live_bgp.get(&v).copied();
            let dr = desired_bgp.get(&v).copied();
            self.bgp_route_step(s, v, lr, dr, steps)?;
        }
        Ok(())
    }

    fn bgp_route_step(
        &mut self,
        s: &RouteScope,
        v: IpVersion,
        lr: Option<&LiveBgpRoute>,
        dr: Option<&BgpRoute>,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let addr = address::bgp_route(s.gw, v);
        let live = lr.map(|r| LiveBgp {
            route: r,
            state: self.id.live_bgp(r, &s.table),
        });
        let ds = match (dr, s.declared()) {
            (Some(r), Some(gw)) => Some(self.desired_bgp(gw, r)?),
            _ => None,
        };
        match (live, dr, ds) {
            (Some(l), None, _) => self.undeclared_bgp(s, addr, &l, steps),
            (None, Some(_), Some(ds)) => {
                let n = self.bgp_create(&addr, s.gw, &ds);
                self.edge_opt(n, s.gw_dep);
                self.after_binds(n, s.gw, ds.lines());
                steps.bgp_creates.push(n);
                Ok(())
            }
            (Some(l), Some(r), Some(ds)) => {
                if self.id.requested.replaces(&addr) {
                    if r.protect {
                        return Err(PlanError::protected(addr, REPLACE_REQUESTED.into(), &[]));
                    }
                    self.bgp_delete_then_create(s, &addr, &l, &ds, steps);
                    return Ok(());
                }
                if s.uses_lost(&l.state.lines()) {
                    return self.move_bgp_off_lost_lines(s, &addr, &l, r, &ds, steps);
                }
                if l.state.same(&ds) {
                    return Ok(());
                }
                let n = self.bgp_update(&addr, s.gw, l.route, &l.state, &ds);
                self.after_binds(n, s.gw, ds.lines());
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A live route the file does not declare: deleted where routes may
    /// be, an error where it blocks a change, unmanaged otherwise.
    fn undeclared_bgp(
        &mut self,
        s: &RouteScope,
        addr: String,
        live: &LiveBgp,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let (l, ls) = (live.route, &live.state);
        if s.may_delete {
            let n = self.bgp_delete(&addr, s.gw, l, ls);
            self.built.route_break(s.gw, n, ls.lines());
            self.built.child_delete(s.gw, n);
            steps.bgp_deletes.push(n);
        } else if s.desired.is_some_and(|d| !d.static_routes.is_empty()) || s.uses_lost(&ls.lines())
        {
            return Err(PlanError::BlockedByUnmanaged {
                address: address::gateway(s.gw),
                blocker: addr,
            });
        } else {
            self.note_unmanaged(addr, ResourceKind::BgpRoute);
        }
        Ok(())
    }

    /// The route has a peer on a line that is about to be unbound: keep
    /// the peers whose key we know (declared ones) on lines that stay, or
    /// take the route down until rebound.
    fn move_bgp_off_lost_lines(
        &mut self,
        s: &RouteScope,
        addr: &str,
        live: &LiveBgp,
        r: &BgpRoute,
        ds: &BgpState,
        steps: &mut RouteSteps,
    ) -> Result<(), PlanError> {
        let (gw, l, ls) = (s.gw, live.route, &live.state);
        let interim = if s.gw_gone {
            None
        } else {
            let peers: Vec<Peer> = ds
                .peers
                .iter()
                .filter(|p| s.usable(&p.line))
                .cloned()
                .collect();
            (!peers.is_empty()).then(|| BgpState {
                peers,
                ..ds.clone()
            })
        };
        let Some(interim) = interim else {
            if r.protect {
                let attribute = if s.gw_gone {
                    format!("gateway.{}", s.forced_by.clone().unwrap_or_default())
                } else {
                    "peers (their lines are unbound)".into()
                };
                return Err(PlanError::protected(addr.to_string(), attribute, &[]));
            }
            self.bgp_delete_then_create(s, addr, live, ds, steps);
            return Ok(());
        };
        let i = self.bgp_update(addr, gw, l, ls, &interim);
        self.after_binds(i, gw, interim.lines());
        self.built.route_break(gw, i, ls.lines());
        if !interim.same(ds) {
            let f = self.bgp_update(addr, gw, l, &interim, ds);
            self.graph.edge(f, i);
            self.after_binds(f, gw, ds.lines());
        }
        Ok(())
    }

    /// Takes the route down and creates it again: every session resets.
    fn bgp_delete_then_create(
        &mut self,
        s: &RouteScope,
        addr: &str,
        live: &LiveBgp,
        ds: &BgpState,
        steps: &mut RouteSteps,
    ) {
        let (gw, l, ls) = (s.gw, live.route, &live.state);
        let d = self.bgp_delete(addr, gw, l, ls);
        self.built.route_break(gw, d, ls.lines());
        self.built.child_delete(gw, d);
        let c = self.bgp_create(addr, gw, ds);
        self.graph.edge(c, d);
        self.edge_opt(c, s.gw_dep);
        self.after_binds(c, gw, ds.lines());
        steps.bgp_creates.push(c);
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
            attributes.push(attr(
                ResourceKind::BgpRoute,
                "networks",
                &before.networks,
                &after.networks,
            ));
        }
        if before.multipath != after.multipath {
            attributes.push(attr(
                ResourceKind::BgpRoute,
                "multipath",
                &before.multipath,
                &after.multipath,
            ));
        }
        let (peers, mut resets) = peer_changes(before, after);
        attributes.extend(peers);
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
