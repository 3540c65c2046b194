//! BGP routes (`bgp-route/*`) and their peers.

use super::context::{err, read, wrote, Ctx};
use super::params::{
    check_ip, cidrs, fresh_id, gateway_name, has_v4, has_v6, ip_version, opt, unpaged, BGPID,
    LINE_ID,
};
use super::Outcome;
use crate::store::{same_addr, AccountState, BgpPeer, BgpRoute};
use crate::wire::{ApiError, Code, Params};

fn bgp_peers(
    st: &AccountState,
    gw: &str,
    p: &Params,
    names: &[&str],
    v6: bool,
) -> Result<Option<Vec<BgpPeer>>, ApiError> {
    let Some(items) = p.obj_list(names)? else {
        return Ok(None);
    };
    let bound = st.bound_lines(gw);
    items
        .iter()
        .map(|item| {
            let neighbor_names: &[&str] = if v6 {
                &["BGPNeighbor", "BGPNeighborIpv6"]
            } else {
                &["BGPNeighbor"]
            };
            let ip_names: &[&str] = if v6 {
                &["BGPIP", "BGPIPv6"]
            } else {
                &["BGPIP"]
            };
            let neighbor = item.req_str(neighbor_names)?;
            let ip = item.req_str(ip_names)?;
            check_ip("BGPIP", &ip, v6)?;
            let peer_as = item.req_str(&["peerAS", "peerAs"])?;
            if !peer_as.parse::<u32>().is_ok_and(|n| n > 0) {
                return Err(err(Code::InvalidParameter, format!("peerAS {peer_as}")));
            }
            let line = match item.str(LINE_ID) {
                Some(id) => bound.iter().find(|l| l.id == id),
                None => {
                    let name = item.req_str(&["lineID", "lineName"])?;
                    bound.iter().find(|l| l.name == name)
                }
            };
            let Some(line) = line else {
                let which = item
                    .str(&["lineID", "lineId", "lineName"])
                    .unwrap_or_default();
                return Err(err(
                    Code::BgpRouteInvalidPeer,
                    format!("line {which} is not bound to {gw}"),
                ));
            };
            let remote = if v6 {
                &line.remote_ip_v6
            } else {
                &line.remote_ip
            };
            if remote.is_empty() || !same_addr(remote, &ip) {
                return Err(err(
                    Code::BgpRouteInvalidPeer,
                    format!("BGPIP {ip} is not the remote IP of {}", line.id),
                ));
            }
            Ok(BgpPeer {
                neighbor,
                ip,
                line_id: line.id.clone(),
                line_name: line.name.clone(),
                peer_as,
                key: opt(item, &["BGPKey", "bgpKey"]),
                bfd: item.bool(&["bfd"])?.unwrap_or(false),
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn check_bgp(route: &BgpRoute) -> Result<(), ApiError> {
    let v = route.ip_version.as_str();
    for (wanted, peers, nets, fields) in [
        (
            has_v4(v),
            route.peers.is_empty(),
            route.network_cidr.is_empty(),
            "BGPList/networkCidr",
        ),
        (
            has_v6(v),
            route.peers_v6.is_empty(),
            route.network_cidr_v6.is_empty(),
            "BGPIpv6List/networkCidrV6",
        ),
    ] {
        if wanted {
            if peers {
                return Err(err(
                    Code::BgpRouteIpVersionMismatch,
                    format!("{fields} required for {v}"),
                ));
            }
        } else if !peers || !nets {
            return Err(err(
                Code::BgpRouteIpVersionMismatch,
                format!("{fields} not allowed for {v}"),
            ));
        }
    }
    Ok(())
}

fn multipath(p: &Params, route: &mut BgpRoute) -> Result<(), ApiError> {
    if let Some(b) = p.bool(&["multiPath"])? {
        route.multi_path = b;
    }
    if let Some(n) = p.str(&["multiPathNum", "multiPathNumber"]) {
        route.multi_path_num = n;
    }
    if let Some(t) = p.str(&["multiPathType"]) {
        let t = t.to_ascii_uppercase();
        if t != "IBGP" && t != "EBGP" {
            return Err(err(Code::InvalidParameter, format!("multiPathType {t}")));
        }
        route.multi_path_type = t;
    }
    if let Some(b) = p.bool(&["multiPathIpv6"])? {
        route.multi_path_ipv6 = b;
    }
    if let Some(n) = p.str(&["multiPathNumIpv6", "multiPathNumberIpv6"]) {
        route.multi_path_num_ipv6 = n;
    }
    Ok(())
}

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let version = ip_version(p)?;
    if ctx.st.bound_lines(&gw).is_empty() {
        return Err(err(Code::BgpRouteNoBoundLine, gw));
    }
    if let Some(sr) = ctx.st.static_routes.iter().find(|r| r.gateway == gw) {
        return Err(err(
            Code::BgpRouteStaticExists,
            format!("{gw} has {}", sr.id),
        ));
    }
    if let Some(b) = ctx
        .st
        .bgp_routes
        .iter()
        .find(|r| r.gateway == gw && r.ip_version == version)
    {
        return Err(err(Code::BgpRouteDuplicate, format!("{gw} has {}", b.id)));
    }
    let mut route = BgpRoute {
        gateway: gw.clone(),
        ip_version: version.to_string(),
        network_cidr: cidrs(p, &["networkCidr"], false)?.unwrap_or_default(),
        network_cidr_v6: cidrs(p, &["networkCidrV6"], true)?.unwrap_or_default(),
        peers: bgp_peers(ctx.st, &gw, p, &["BGPList"], false)?.unwrap_or_default(),
        peers_v6: bgp_peers(ctx.st, &gw, p, &["BGPIpv6List", "BGPIPv6List"], true)?
            .unwrap_or_default(),
        meta: ctx.meta(),
        ..Default::default()
    };
    multipath(p, &mut route)?;
    check_bgp(&route)?;
    let st = &*ctx.st;
    route.id = fresh_id(ctx.ids, "bgp-", |id| {
        st.bgp_routes.iter().any(|r| r.id == id)
    });
    let id = route.id.clone();
    ctx.st.bgp_routes.push(route);
    wrote(
        ctx,
        "create",
        "bgpRoute",
        format!("{gw}/{version}"),
        Some(id),
    )
}

pub(super) fn update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(BGPID)?;
    let Some(current) = ctx.st.bgp_routes.iter().find(|r| r.id == id).cloned() else {
        return Err(err(Code::BgpRouteNotFound, id));
    };
    let version = ip_version(p)?;
    if version != current.ip_version {
        return Err(err(
            Code::BgpRouteIpVersionImmutable,
            format!("{} → {version}", current.ip_version),
        ));
    }
    let gw = current.gateway.clone();
    let mut next = current;
    if let Some(n) = cidrs(p, &["networkCidr"], false)? {
        next.network_cidr = n;
    }
    if let Some(n) = cidrs(p, &["networkCidrV6"], true)? {
        next.network_cidr_v6 = n;
    }
    if let Some(peers) = bgp_peers(ctx.st, &gw, p, &["BGPList"], false)? {
        next.peers = peers;
    }
    if let Some(peers) = bgp_peers(ctx.st, &gw, p, &["BGPIpv6List", "BGPIPv6List"], true)? {
        next.peers_v6 = peers;
    }
    multipath(p, &mut next)?;
    check_bgp(&next)?;
    next.meta.updated = ctx.stamp();
    if let Some(r) = ctx.st.bgp_routes.iter_mut().find(|r| r.id == id) {
        *r = next;
    }
    wrote(
        ctx,
        "update",
        "bgpRoute",
        format!("{gw}/{version}"),
        Some(id),
    )
}

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(BGPID)?;
    let Some(route) = ctx.st.bgp_routes.iter().find(|r| r.id == id) else {
        return Err(err(Code::BgpRouteNotFound, id));
    };
    let key = format!("{}/{}", route.gateway, route.ip_version);
    ctx.st.bgp_routes.retain(|r| r.id != id);
    wrote(ctx, "delete", "bgpRoute", key, Some(id))
}

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let now = ctx.now_ms();
    let items = ctx
        .st
        .bgp_routes
        .iter()
        .filter(|r| r.gateway == gw && r.meta.visible(now))
        .map(BgpRoute::wire)
        .collect();
    read(unpaged(items, "bgpRouteList"))
}
