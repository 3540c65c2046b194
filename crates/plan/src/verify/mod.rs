//! "Did this write take effect?", as a pure function of what a re-read
//! found. When a write's outcome is unknown (a timeout, a lost answer),
//! the executor must not simply send it again: it re-reads the one object
//! the call touches and asks here.
//!
//! The caller does the I/O: [`reread`] says what to read, the caller maps
//! the rows with refresh's mappers into the inventory's `Live*` types and
//! passes them as an [`Observed`] to [`took_effect`]. Comparing mapped
//! values rather than raw API rows means the numeric `ipVersion` codes,
//! blank fields and CIDR spellings are read once, the way refresh reads
//! them.
//!
//! What counts as "took effect" is deliberately narrow, the fields the call
//! is about: a line's name and bandwidth, a binding's gateway, a VPC's IPv4
//! subnets, a health check's timers, a static route's destinations and
//! (address, priority) of its next hops, a BGP route's (address, AS) of its
//! peers. Keys are not compared: the re-read never sees them in clear, and
//! the plan only ever holds references.

mod exists;

pub use exists::{creates, existing};

use crate::action::{LineRef, Operation};
use crate::inventory::{LiveBgpRoute, LiveHealthCheck, LiveLine, LiveStaticRoute, LiveVpc};
use ipnet::IpNet;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// What to re-read to tell whether an operation took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread<'a> {
    /// `physical-line/list`, every page. `line`, when given, is the line
    /// to resolve to its `lineID` first (the plan may not know it yet).
    Lines { line: Option<&'a LineRef> },
    /// `gateway/list`, every page.
    Gateways,
    /// `vpc/list` of the gateway.
    Vpcs { gateway: &'a str },
    /// `health-check/get` of one VPC attachment.
    HealthCheck { gateway: &'a str, vpc_id: &'a str },
    /// `static-route/list` of the gateway.
    StaticRoutes { gateway: &'a str },
    /// `bgp-route/list` of the gateway.
    BgpRoutes { gateway: &'a str },
}

/// What the re-read found, mapped with refresh's mappers.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// The listed lines, and the `lineID` the operation's line resolved to
    /// (`None` only for a line create, which has none yet).
    Lines {
        lines: Vec<LiveLine>,
        line_id: Option<String>,
    },
    /// Names of the listed gateways.
    Gateways {
        names: Vec<String>,
    },
    Vpcs(Vec<LiveVpc>),
    /// `None` when the attachment has no health check set.
    HealthCheck(Option<LiveHealthCheck>),
    StaticRoutes(Vec<LiveStaticRoute>),
    BgpRoutes(Vec<LiveBgpRoute>),
}

/// The observation is not the re-read [`reread`] asked for: a bug in the
/// caller, never an answer (guessing "not applied" would send the write
/// again).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot tell whether {operation} took effect from {observed}")]
pub struct WrongObservation {
    pub operation: &'static str,
    pub observed: &'static str,
}

/// What to re-read for `op`.
pub fn reread(op: &Operation) -> Reread<'_> {
    match op {
        Operation::CreateLine { .. } => Reread::Lines { line: None },
        Operation::UpdateLine { line, .. }
        | Operation::DeleteLine { line }
        | Operation::BindLine { line, .. }
        | Operation::UnbindLine { line, .. } => Reread::Lines { line: Some(line) },
        Operation::CreateGateway { .. } | Operation::DeleteGateway { .. } => Reread::Gateways,
        Operation::AddVpc { gateway, .. }
        | Operation::UpdateVpc { gateway, .. }
        | Operation::DeleteVpc { gateway, .. } => Reread::Vpcs { gateway },
        Operation::AddHealthCheck {
            gateway, vpc_id, ..
        }
        | Operation::UpdateHealthCheck {
            gateway, vpc_id, ..
        }
        | Operation::DeleteHealthCheck { gateway, vpc_id } => {
            Reread::HealthCheck { gateway, vpc_id }
        }
        Operation::AddStaticRoute { gateway, .. }
        | Operation::UpdateStaticRoute { gateway, .. }
        | Operation::DeleteStaticRoute { gateway, .. } => Reread::StaticRoutes { gateway },
        Operation::AddBgpRoute { gateway, .. }
        | Operation::UpdateBgpRoute { gateway, .. }
        | Operation::DeleteBgpRoute { gateway, .. } => Reread::BgpRoutes { gateway },
    }
}

/// Whether `op` took effect, judged from the re-read [`reread`] asked for.
pub fn took_effect(op: &Operation, observed: &Observed) -> Result<bool, WrongObservation> {
    let wrong = || WrongObservation {
        operation: operation_name(op),
        observed: observed_name(observed),
    };
    Ok(match (op, observed) {
        (Operation::CreateLine { line }, Observed::Lines { lines, .. }) => {
            lines.iter().any(|l| l.name == line.name)
        }
        (op, Observed::Lines { lines, line_id }) => {
            let id = line_id.as_deref().ok_or_else(wrong)?;
            line_took_effect(op, lines, id).ok_or_else(wrong)?
        }
        (
            Operation::CreateGateway { name, .. } | Operation::DeleteGateway { name },
            Observed::Gateways { names },
        ) => names.contains(name) == matches!(op, Operation::CreateGateway { .. }),
        (_, Observed::Vpcs(vpcs)) => vpc_took_effect(op, vpcs).ok_or_else(wrong)?,
        (_, Observed::HealthCheck(check)) => {
            check_took_effect(op, check.as_ref()).ok_or_else(wrong)?
        }
        (_, Observed::StaticRoutes(routes)) => {
            static_route_took_effect(op, routes).ok_or_else(wrong)?
        }
        (_, Observed::BgpRoutes(routes)) => bgp_route_took_effect(op, routes).ok_or_else(wrong)?,
        _ => return Err(wrong()),
    })
}

/// The attributes `op` sent that the re-read does not show: empty when the
/// write took effect. A server may answer 800 and ignore a field (PY4's
/// physical-line/update takes no `bandwidth`): the executor asks this after
/// every write and fails the action naming what was not applied. Where the
/// re-read can only tell "there or not", the object's kind is named.
pub fn not_applied(
    op: &Operation,
    observed: &Observed,
) -> Result<Vec<&'static str>, WrongObservation> {
    let wrong = || WrongObservation {
        operation: operation_name(op),
        observed: observed_name(observed),
    };
    let mut missing = Vec::new();
    match (op, observed) {
        (
            Operation::UpdateLine {
                name,
                bandwidth,
                description,
                ..
            },
            Observed::Lines { lines, line_id },
        ) => {
            let id = line_id.as_deref().ok_or_else(wrong)?;
            let Some(l) = lines.iter().find(|l| l.id == id) else {
                return Ok(vec!["physical_line"]);
            };
            if name.as_ref().is_some_and(|n| &l.name != n) {
                missing.push("name");
            }
            if bandwidth.is_some_and(|b| l.bandwidth != b) {
                missing.push("bandwidth");
            }
            if description.is_some() && l.description.as_deref() != description.as_deref() {
                missing.push("description");
            }
        }
        (Operation::UpdateVpc { vpc, .. }, Observed::Vpcs(vpcs)) => {
            let Some(v) = vpcs.iter().find(|v| v.id == vpc.id) else {
                return Ok(vec!["vpc"]);
            };
            let set = |nets: &[IpNet]| nets.iter().map(|n| n.trunc()).collect::<BTreeSet<_>>();
            if set(&v.subnets) != set(&vpc.subnets) {
                missing.push("subnets");
            }
            if set(&v.subnets_v6) != set(&vpc.subnets_v6) {
                missing.push("subnets_v6");
            }
            if v.bandwidth != vpc.bandwidth {
                missing.push("bandwidth");
            }
        }
        (
            Operation::AddHealthCheck { check, .. } | Operation::UpdateHealthCheck { check, .. },
            Observed::HealthCheck(live),
        ) => match live {
            None => missing.push("health_check"),
            // Settings the API does not return readably cannot be checked.
            Some(h) if h.unreadable => {}
            Some(h) => {
                if h.interval != check.interval {
                    missing.push("interval");
                }
                if h.packets != check.packets {
                    missing.push("packets");
                }
                if h.auto_switch != check.auto_switch {
                    missing.push("auto_switch");
                }
            }
        },
        _ => {
            if !took_effect(op, observed)? {
                missing.push(object_kind(op));
            }
        }
    }
    Ok(missing)
}

/// What an operation creates, changes or deletes, for [`not_applied`].
fn object_kind(op: &Operation) -> &'static str {
    match op {
        Operation::CreateLine { .. }
        | Operation::UpdateLine { .. }
        | Operation::DeleteLine { .. } => "physical_line",
        Operation::CreateGateway { .. } | Operation::DeleteGateway { .. } => "gateway",
        Operation::BindLine { .. } | Operation::UnbindLine { .. } => "binding",
        Operation::AddVpc { .. } | Operation::UpdateVpc { .. } | Operation::DeleteVpc { .. } => {
            "vpc"
        }
        Operation::AddHealthCheck { .. }
        | Operation::UpdateHealthCheck { .. }
        | Operation::DeleteHealthCheck { .. } => "health_check",
        Operation::AddStaticRoute { .. } | Operation::UpdateStaticRoute { .. } => {
            "destinations and next hops"
        }
        Operation::DeleteStaticRoute { .. } => "static_route",
        Operation::AddBgpRoute { .. } | Operation::UpdateBgpRoute { .. } => "peers",
        Operation::DeleteBgpRoute { .. } => "bgp_route",
    }
}

/// `None` when `op` is not a line operation.
fn line_took_effect(op: &Operation, lines: &[LiveLine], id: &str) -> Option<bool> {
    let line = || lines.iter().filter(move |l| l.id == id);
    Some(match op {
        Operation::UpdateLine {
            name, bandwidth, ..
        } => line().any(|l| {
            name.as_ref().is_none_or(|n| &l.name == n) && bandwidth.is_none_or(|b| l.bandwidth == b)
        }),
        Operation::DeleteLine { .. } => line().next().is_none(),
        Operation::BindLine { gateway, .. } | Operation::UnbindLine { gateway, .. } => {
            let bound = line().any(|l| l.gateway.as_deref() == Some(gateway.as_str()));
            bound == matches!(op, Operation::BindLine { .. })
        }
        _ => return None,
    })
}

fn vpc_took_effect(op: &Operation, vpcs: &[LiveVpc]) -> Option<bool> {
    Some(match op {
        Operation::AddVpc { vpc, .. } => vpcs.iter().any(|v| v.id == vpc.id),
        Operation::UpdateVpc { vpc, .. } => {
            let want: BTreeSet<IpNet> = vpc.subnets.iter().map(|n| n.trunc()).collect();
            vpcs.iter().any(|v| {
                v.id == vpc.id
                    && v.subnets.iter().map(|n| n.trunc()).collect::<BTreeSet<_>>() == want
            })
        }
        Operation::DeleteVpc { vpc_id, .. } => !vpcs.iter().any(|v| &v.id == vpc_id),
        _ => return None,
    })
}

fn check_took_effect(op: &Operation, live: Option<&LiveHealthCheck>) -> Option<bool> {
    Some(match op {
        Operation::AddHealthCheck { check, .. } | Operation::UpdateHealthCheck { check, .. } => {
            // Unreadable settings: that the check exists is all a re-read shows.
            live.is_some_and(|h| {
                h.unreadable
                    || h.interval == check.interval
                        && h.packets == check.packets
                        && h.auto_switch == check.auto_switch
            })
        }
        Operation::DeleteHealthCheck { .. } => live.is_none(),
        _ => return None,
    })
}

fn static_route_took_effect(op: &Operation, routes: &[LiveStaticRoute]) -> Option<bool> {
    let (route, id) = match op {
        Operation::AddStaticRoute { route, .. } => (route, None),
        Operation::UpdateStaticRoute { route, id, .. } => (route, Some(id)),
        Operation::DeleteStaticRoute { id, .. } => {
            return Some(!routes.iter().any(|r| &r.id == id))
        }
        _ => return None,
    };
    let want: BTreeSet<IpNet> = route
        .dst_v4
        .iter()
        .chain(&route.dst_v6)
        .map(|n| n.trunc())
        .collect();
    let want_hops: BTreeSet<(IpAddr, u32)> = route
        .next_hops_v4
        .iter()
        .chain(&route.next_hops_v6)
        .map(|h| (h.remote_ip, h.priority))
        .collect();
    Some(routes.iter().any(|r| {
        let dst: BTreeSet<IpNet> = r.dst.iter().map(|n| n.trunc()).collect();
        let hops: BTreeSet<(IpAddr, u32)> = r
            .next_hops
            .iter()
            .chain(&r.next_hops_v6)
            .map(|h| (h.remote_ip, h.priority))
            .collect();
        id.is_none_or(|id| &r.id == id) && dst == want && hops == want_hops
    }))
}

fn bgp_route_took_effect(op: &Operation, routes: &[LiveBgpRoute]) -> Option<bool> {
    let (route, id) = match op {
        Operation::AddBgpRoute { route, .. } => (route, None),
        Operation::UpdateBgpRoute { route, id, .. } => (route, Some(id)),
        Operation::DeleteBgpRoute { id, .. } => return Some(!routes.iter().any(|r| &r.id == id)),
        _ => return None,
    };
    let want: BTreeSet<(IpAddr, u32)> = route
        .peers_v4
        .iter()
        .chain(&route.peers_v6)
        .map(|p| (p.ip, p.peer_as))
        .collect();
    Some(routes.iter().any(|r| {
        // A new route is known by its IP version; an updated one by its id.
        let same_route = match id {
            Some(id) => &r.id == id,
            None => r.ip_version == route.ip_version,
        };
        let peers: BTreeSet<(IpAddr, u32)> = r.peers.iter().map(|p| (p.ip, p.peer_as)).collect();
        same_route && peers == want
    }))
}

/// The operation as the plan file tags it (`create_line`, …).
fn operation_name(op: &Operation) -> &'static str {
    match op {
        Operation::CreateLine { .. } => "create_line",
        Operation::UpdateLine { .. } => "update_line",
        Operation::DeleteLine { .. } => "delete_line",
        Operation::CreateGateway { .. } => "create_gateway",
        Operation::DeleteGateway { .. } => "delete_gateway",
        Operation::BindLine { .. } => "bind_line",
        Operation::UnbindLine { .. } => "unbind_line",
        Operation::AddVpc { .. } => "add_vpc",
        Operation::UpdateVpc { .. } => "update_vpc",
        Operation::DeleteVpc { .. } => "delete_vpc",
        Operation::AddHealthCheck { .. } => "add_health_check",
        Operation::UpdateHealthCheck { .. } => "update_health_check",
        Operation::DeleteHealthCheck { .. } => "delete_health_check",
        Operation::AddStaticRoute { .. } => "add_static_route",
        Operation::UpdateStaticRoute { .. } => "update_static_route",
        Operation::DeleteStaticRoute { .. } => "delete_static_route",
        Operation::AddBgpRoute { .. } => "add_bgp_route",
        Operation::UpdateBgpRoute { .. } => "update_bgp_route",
        Operation::DeleteBgpRoute { .. } => "delete_bgp_route",
    }
}

fn observed_name(observed: &Observed) -> &'static str {
    match observed {
        Observed::Lines { line_id: None, .. } => "a line list without the line's id",
        Observed::Lines { .. } => "a line list",
        Observed::Gateways { .. } => "a gateway list",
        Observed::Vpcs(_) => "a VPC list",
        Observed::HealthCheck(_) => "a health check",
        Observed::StaticRoutes(_) => "a static route list",
        Observed::BgpRoutes(_) => "a BGP route list",
    }
}

#[cfg(test)]
mod tests;
