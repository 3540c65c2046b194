//! Static routes (`static-route/*`).

use super::context::{err, read, wrote, Ctx};
use super::params::{
    check_cidr, check_ip, cidrs, fresh_id, gateway_name, has_v4, has_v6, ip_version, unpaged, SRID,
};
use super::Outcome;
use crate::store::{same_addr, AccountState, NextHop, StaticRoute};
use crate::wire::{ApiError, Code, Params};
use ipnet::IpNet;

fn next_hops(p: &Params, names: &[&str]) -> Result<Option<Vec<NextHop>>, ApiError> {
    let Some(items) = p.obj_list(names)? else {
        return Ok(None);
    };
    items
        .iter()
        .map(|h| {
            let track = h.int(&["track"])?.unwrap_or(0);
            if !(0..=1).contains(&track) {
                return Err(err(
                    Code::InvalidParameter,
                    format!("track {track} must be 0 or 1"),
                ));
            }
            Ok(NextHop {
                remote_gateway_ip: h.req_str(&["remoteGatewayIp", "remoteGatewayIP"])?,
                priority: h.req_int(&["priority"])?,
                track,
                bfd: h.bool(&["bfd"])?.unwrap_or(false),
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The static-route rules shared by add and update.
fn check_static(st: &AccountState, route: &StaticRoute) -> Result<(), ApiError> {
    let v = route.ip_version.as_str();
    let pairs = [
        (
            has_v4(v),
            route.dst_cidr.is_empty(),
            route.next_hop.is_empty(),
            "dstCidr/nextHop",
        ),
        (
            has_v6(v),
            route.dst_cidr_v6.is_empty(),
            route.next_hop_v6.is_empty(),
            "dstCidrV6/nextHopV6",
        ),
    ];
    for (wanted, no_dst, no_hop, fields) in pairs {
        if wanted {
            if no_dst || no_hop {
                return Err(err(
                    Code::StaticRouteIpVersionMismatch,
                    format!("{fields} required for {v}"),
                ));
            }
        } else if !no_dst || !no_hop {
            return Err(err(
                Code::StaticRouteIpVersionMismatch,
                format!("{fields} not allowed for {v}"),
            ));
        }
    }
    for c in &route.dst_cidr {
        check_cidr("dstCidr", c, false)?;
    }
    for c in &route.dst_cidr_v6 {
        check_cidr("dstCidrV6", c, true)?;
    }
    let bound = st.bound_lines(&route.gateway);
    for hop in &route.next_hop {
        check_ip("remoteGatewayIp", &hop.remote_gateway_ip, false)?;
        if !bound
            .iter()
            .any(|l| !l.remote_ip.is_empty() && same_addr(&l.remote_ip, &hop.remote_gateway_ip))
        {
            return Err(err(
                Code::StaticRouteInvalidNextHop,
                hop.remote_gateway_ip.clone(),
            ));
        }
    }
    for hop in &route.next_hop_v6 {
        check_ip("remoteGatewayIp", &hop.remote_gateway_ip, true)?;
        if !bound.iter().any(|l| {
            !l.remote_ip_v6.is_empty() && same_addr(&l.remote_ip_v6, &hop.remote_gateway_ip)
        }) {
            return Err(err(
                Code::StaticRouteInvalidNextHop,
                hop.remote_gateway_ip.clone(),
            ));
        }
    }
    let mine: Vec<IpNet> = route
        .dst_cidr
        .iter()
        .chain(&route.dst_cidr_v6)
        .filter_map(|c| c.parse::<IpNet>().ok())
        .map(|n| n.trunc())
        .collect();
    for other in st
        .static_routes
        .iter()
        .filter(|r| r.gateway == route.gateway && r.id != route.id)
    {
        for c in other.dst_cidr.iter().chain(&other.dst_cidr_v6) {
            if c.parse::<IpNet>().is_ok_and(|n| mine.contains(&n.trunc())) {
                return Err(err(
                    Code::StaticRouteDuplicateDestination,
                    format!("{c} is already routed by {}", other.id),
                ));
            }
        }
    }
    Ok(())
}

fn route_key(gw: &str, version: &str, dst: &[String], dst6: &[String]) -> String {
    let mut all: Vec<&String> = dst.iter().chain(dst6).collect();
    all.sort();
    let joined: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    format!("{gw}/{version}/{}", joined.join(","))
}

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let version = ip_version(p)?;
    if ctx.st.bound_lines(&gw).is_empty() {
        return Err(err(Code::StaticRouteNoBoundLine, gw));
    }
    if let Some(bgp) = ctx.st.bgp_routes.iter().find(|r| r.gateway == gw) {
        return Err(err(
            Code::StaticRouteBgpExists,
            format!("{gw} has {}", bgp.id),
        ));
    }
    let mut route = StaticRoute {
        id: String::new(),
        gateway: gw.clone(),
        ip_version: version.to_string(),
        dst_cidr: cidrs(p, &["dstCidr"], false)?.unwrap_or_default(),
        dst_cidr_v6: cidrs(p, &["dstCidrV6", "dstCidrv6"], true)?.unwrap_or_default(),
        next_hop: next_hops(p, &["nextHop"])?.unwrap_or_default(),
        next_hop_v6: next_hops(p, &["nextHopV6", "nextHopv6"])?.unwrap_or_default(),
        meta: ctx.meta(),
    };
    check_static(ctx.st, &route)?;
    let st = &*ctx.st;
    route.id = fresh_id(ctx.ids, "sr-", |id| {
        st.static_routes.iter().any(|r| r.id == id)
    });
    let id = route.id.clone();
    let key = route_key(&gw, version, &route.dst_cidr, &route.dst_cidr_v6);
    ctx.st.static_routes.push(route);
    wrote(ctx, "create", "staticRoute", key, Some(id))
}

pub(super) fn update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(SRID)?;
    let Some(current) = ctx.st.static_routes.iter().find(|r| r.id == id).cloned() else {
        return Err(err(Code::StaticRouteNotFound, id));
    };
    let version = ip_version(p)?;
    if version != current.ip_version {
        return Err(err(
            Code::StaticRouteIpVersionImmutable,
            format!("{} → {version}", current.ip_version),
        ));
    }
    let mut next = current.clone();
    if let Some(d) = cidrs(p, &["dstCidr"], false)? {
        next.dst_cidr = d;
    }
    if let Some(d) = cidrs(p, &["dstCidrV6", "dstCidrv6"], true)? {
        next.dst_cidr_v6 = d;
    }
    if let Some(h) = next_hops(p, &["nextHop"])? {
        next.next_hop = h;
    }
    if let Some(h) = next_hops(p, &["nextHopV6", "nextHopv6"])? {
        next.next_hop_v6 = h;
    }
    check_static(ctx.st, &next)?;
    next.meta.updated = ctx.stamp();
    let key = route_key(&next.gateway, version, &next.dst_cidr, &next.dst_cidr_v6);
    if let Some(r) = ctx.st.static_routes.iter_mut().find(|r| r.id == id) {
        *r = next;
    }
    wrote(ctx, "update", "staticRoute", key, Some(id))
}

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(SRID)?;
    let Some(route) = ctx.st.static_routes.iter().find(|r| r.id == id) else {
        return Err(err(Code::StaticRouteNotFound, id));
    };
    let key = route_key(
        &route.gateway,
        &route.ip_version,
        &route.dst_cidr,
        &route.dst_cidr_v6,
    );
    ctx.st.static_routes.retain(|r| r.id != id);
    wrote(ctx, "delete", "staticRoute", key, Some(id))
}

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let now = ctx.now_ms();
    let items = ctx
        .st
        .static_routes
        .iter()
        .filter(|r| r.gateway == gw && r.meta.visible(now))
        .map(StaticRoute::wire)
        .collect();
    read(unpaged(items, "staticRouteList"))
}
