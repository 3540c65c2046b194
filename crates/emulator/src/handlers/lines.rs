//! Physical lines (`physical-line/*`), shared lines, access points, and
//! binding a line to a gateway.

use super::context::{err, read, wrote, Ctx};
use super::params::{
    check_ip, fresh_id, gateway_name, has_v4, has_v6, in_region, ip_version, opt, paged_typed,
    parse_ip_version, region_of_add, wanted_region, LINE_ID,
};
use super::Outcome;
use crate::store::{same_addr, Line};
use crate::wire::{ApiError, Code, Params};
use serde_json::json;

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let kind = p.str(&["type", "lineType"]);
    let region = wanted_region(p);
    let matching: Vec<&Line> = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.meta.visible(now))
        .filter(|l| in_region(&l.region_id, region.as_deref()))
        .filter(|l| kind.as_ref().is_none_or(|k| &l.line_type == k))
        .collect();
    let render = |l: &Line| l.wire(ctx.account);
    paged_typed(matching, render, "physicalLineList", p, ctx.max_page_size)
}

pub(super) fn shared_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let kind = p.str(&["type", "lineType"]);
    let code = p.str(&["lineCode", "linecode"]);
    let region = wanted_region(p);
    let matching: Vec<&Line> = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.is_shared == 1 && l.meta.visible(now))
        .filter(|l| in_region(&l.region_id, region.as_deref()))
        .filter(|l| kind.as_ref().is_none_or(|k| &l.line_type == k))
        .filter(|l| code.as_ref().is_none_or(|c| &l.line_code == c))
        .collect();
    let render = |l: &Line| l.wire(ctx.account);
    paged_typed(matching, render, "physicalLineList", p, ctx.max_page_size)
}

fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

fn check_line_name(name: &str) -> Result<(), ApiError> {
    let n = name.chars().count();
    if !(2..=63).contains(&n) || name.chars().any(is_chinese) {
        return Err(err(Code::LineInvalidName, name.to_string()));
    }
    Ok(())
}

fn check_bandwidth(bw: i64) -> Result<(), ApiError> {
    if !(1..=999_999_999).contains(&bw) {
        return Err(err(Code::LineInvalidBandwidth, bw.to_string()));
    }
    Ok(())
}

/// Checks that the interconnect addresses present match `version`.
fn check_interconnect(line: &Line) -> Result<(), ApiError> {
    let v4 = has_v4(&line.ip_version);
    let v6 = has_v6(&line.ip_version);
    for (field, value, want, is_v6) in [
        ("localConnectIP", &line.local_ip, v4, false),
        ("remoteConnectIP", &line.remote_ip, v4, false),
        ("localConnectIPv6", &line.local_ip_v6, v6, true),
        ("remoteConnectIPv6", &line.remote_ip_v6, v6, true),
    ] {
        match (want, value.is_empty()) {
            (true, true) => {
                return Err(err(
                    Code::LineInterconnectMismatch,
                    format!("{field} is required for {}", line.ip_version),
                ))
            }
            (false, false) => {
                return Err(err(
                    Code::LineInterconnectMismatch,
                    format!("{field} is not allowed for {}", line.ip_version),
                ))
            }
            (true, false) => {
                check_ip(field, value, is_v6)?;
            }
            (false, true) => {}
        }
    }
    Ok(())
}

fn check_tag_vlan(tag: i64, vlan: i64) -> Result<(), ApiError> {
    if !(0..=1).contains(&tag) {
        return Err(err(
            Code::InvalidParameter,
            format!("tag {tag} must be 0 or 1"),
        ));
    }
    if (tag == 1 || vlan != 0) && !(1..=4094).contains(&vlan) {
        return Err(err(Code::LineInvalidVlan, vlan.to_string()));
    }
    Ok(())
}

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let name = p.req_str(&["lineName"])?;
    check_line_name(&name)?;
    let hostname = p.req_str(&["hostname"])?;
    let port_type = p.req_str(&["portType"])?;
    if port_type != "1G" && port_type != "10G" {
        return Err(err(
            Code::InvalidParameter,
            format!("portType {port_type} must be 1G or 10G"),
        ));
    }
    let port_name = p.req_str(&["portName"])?;
    let line_type = p.req_str(&["lineType"])?;
    let bandwidth = p.req_int(&["bandwidth"])?;
    check_bandwidth(bandwidth)?;
    let vlan = p.int(&["vlan"])?.unwrap_or(0);
    let tag = p.int(&["tag"])?.unwrap_or(i64::from(vlan != 0));
    check_tag_vlan(tag, vlan)?;
    let is_shared = p.int(&["isShared"])?.unwrap_or(1);
    if !(0..=1).contains(&is_shared) {
        return Err(err(Code::InvalidParameter, "isShared must be 0 or 1"));
    }
    let region = region_of_add(p);
    let st = &*ctx.st;
    let id = fresh_id(ctx.ids, "pl-", |id| st.line(id).is_some());
    let line = Line {
        id: id.clone(),
        name: name.clone(),
        resource_pool: p.str(&["resourcePool"]).unwrap_or_else(|| region.clone()),
        resource_pool_name: opt(p, &["resourcePoolName"]),
        region_id: region,
        hostname,
        switch_ip: opt(p, &["switchIp", "switchIP"]),
        port_type,
        port_name,
        is_shared,
        line_type,
        bandwidth,
        tag,
        vlan,
        ip_version: ip_version(p)?.to_string(),
        local_ip: opt(p, &["localConnectIP"]),
        remote_ip: opt(p, &["remoteConnectIP"]),
        local_ip_v6: opt(p, &["localConnectIPv6"]),
        remote_ip_v6: opt(p, &["remoteConnectIPv6"]),
        access_point: opt(p, &["accessPoint"]),
        location: opt(p, &["location"]),
        line_code: opt(p, &["lineCode", "linecode"]),
        description: opt(p, &["description"]),
        gateway: None,
        meta: ctx.meta(),
    };
    check_interconnect(&line)?;
    ctx.st.lines.push(line);
    wrote(ctx, "create", "physicalLine", name, Some(id))
}

pub(super) fn update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(LINE_ID)?;
    let stamp = ctx.stamp();
    let Some(current) = ctx.st.line(&id).cloned() else {
        return Err(err(Code::LineNotFound, id));
    };
    let mut next = current.clone();
    if let Some(bw) = p.int(&["bandwidth"])? {
        check_bandwidth(bw)?;
        next.bandwidth = bw;
    }
    if let Some(name) = p.str(&["lineName"]) {
        check_line_name(&name)?;
        next.name = name;
    }
    // Fields a bound line must keep (PYH: only bandwidth and name change).
    let guarded: [(&str, &[&str]); 9] = [
        ("location", &["location"]),
        ("lineCode", &["lineCode", "linecode"]),
        ("description", &["description"]),
        ("ipVersion", &["ipVersion"]),
        ("localConnectIP", &["localConnectIP"]),
        ("remoteConnectIP", &["remoteConnectIP"]),
        ("localConnectIPv6", &["localConnectIPv6"]),
        ("remoteConnectIPv6", &["remoteConnectIPv6"]),
        ("lineType", &["lineType"]),
    ];
    for (field, names) in guarded {
        let Some(mut value) = p.str(names) else {
            continue;
        };
        if field == "ipVersion" {
            value = parse_ip_version(&value)?.to_string();
        }
        let slot = match field {
            "location" => &mut next.location,
            "lineCode" => &mut next.line_code,
            "description" => &mut next.description,
            "ipVersion" => &mut next.ip_version,
            "localConnectIP" => &mut next.local_ip,
            "remoteConnectIP" => &mut next.remote_ip,
            "localConnectIPv6" => &mut next.local_ip_v6,
            "remoteConnectIPv6" => &mut next.remote_ip_v6,
            _ => &mut next.line_type,
        };
        if *slot != value {
            if let Some(gw) = &current.gateway {
                return Err(err(
                    Code::LineBoundFieldImmutable,
                    format!("{field} of {id} (bound to {gw})"),
                ));
            }
            *slot = value;
        }
    }
    check_interconnect(&next)?;
    next.meta.updated = stamp;
    if let Some(line) = ctx.st.line_mut(&id) {
        *line = next.clone();
    }
    // Keep BGP peers' cached line names in step with a rename.
    for route in &mut ctx.st.bgp_routes {
        for peer in route.peers.iter_mut().chain(route.peers_v6.iter_mut()) {
            if peer.line_id == id {
                peer.line_name = next.name.clone();
            }
        }
    }
    wrote(ctx, "update", "physicalLine", next.name, Some(id))
}

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(LINE_ID)?;
    let Some(line) = ctx.st.line(&id) else {
        return Err(err(Code::LineNotFound, id));
    };
    if let Some(gw) = &line.gateway {
        return Err(err(Code::LineBound, format!("{id} is bound to {gw}")));
    }
    let name = line.name.clone();
    ctx.st.lines.retain(|l| l.id != id);
    wrote(ctx, "delete", "physicalLine", name, Some(id))
}

pub(super) fn count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let region = wanted_region(p);
    let count = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.meta.visible(now) && in_region(&l.region_id, region.as_deref()))
        .count();
    read(json!({ "count": count }))
}

pub(super) fn access_point(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let line = if let Some(name) = p.str(&["lineName"]) {
        ctx.st.lines.iter().find(|l| l.name == name)
    } else {
        let id = p.req_str(&["lineName", "lineID", "lineId"])?;
        ctx.st.line(&id)
    };
    let Some(line) = line else {
        return Err(err(Code::LineNotFound, opt(p, &["lineName", "lineID"])));
    };
    read(json!({ "accessPoint": line.access_point, "lineName": line.name, "lineID": line.id }))
}

pub(super) fn bind(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let id = p.req_str(LINE_ID)?;
    let Some(line) = ctx.st.line(&id) else {
        return Err(err(Code::LineNotFound, id));
    };
    if let Some(bound) = &line.gateway {
        return Err(err(
            Code::LineAlreadyBound,
            format!("{id} is bound to {bound}"),
        ));
    }
    let stamp = ctx.stamp();
    if let Some(line) = ctx.st.line_mut(&id) {
        line.gateway = Some(gw.clone());
        line.meta.updated = stamp.clone();
    }
    if let Some(g) = ctx.st.gateway_mut(&gw) {
        g.lines.push(id.clone());
        g.meta.updated = stamp;
    }
    wrote(ctx, "create", "binding", format!("{gw}/{id}"), None)
}

pub(super) fn unbind(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let id = p.req_str(LINE_ID)?;
    let Some(line) = ctx.st.line(&id) else {
        return Err(err(Code::LineNotFound, id));
    };
    if line.gateway.as_deref() != Some(gw.as_str()) {
        return Err(err(Code::LineNotBound, format!("{id} / {gw}")));
    }
    let (r4, r6) = (line.remote_ip.clone(), line.remote_ip_v6.clone());
    let uses =
        |ip: &str| (!r4.is_empty() && same_addr(ip, &r4)) || (!r6.is_empty() && same_addr(ip, &r6));
    let st = &*ctx.st;
    let static_use = st.static_routes.iter().find(|r| {
        r.gateway == gw
            && r.next_hop
                .iter()
                .chain(&r.next_hop_v6)
                .any(|h| uses(&h.remote_gateway_ip))
    });
    if let Some(route) = static_use {
        return Err(err(
            Code::LineInUseByRoute,
            format!("static route {}", route.id),
        ));
    }
    let bgp_use = st.bgp_routes.iter().find(|r| {
        r.gateway == gw
            && r.peers
                .iter()
                .chain(&r.peers_v6)
                .any(|peer| peer.line_id == id || uses(&peer.ip))
    });
    if let Some(route) = bgp_use {
        return Err(err(
            Code::LineInUseByRoute,
            format!("BGP route {}", route.id),
        ));
    }
    let stamp = ctx.stamp();
    if let Some(line) = ctx.st.line_mut(&id) {
        line.gateway = None;
        line.meta.updated = stamp.clone();
    }
    if let Some(g) = ctx.st.gateway_mut(&gw) {
        g.lines.retain(|l| l != &id);
        g.meta.updated = stamp;
    }
    wrote(ctx, "delete", "binding", format!("{gw}/{id}"), None)
}
