//! One function per CDA endpoint: reads [`Params`], applies the business
//! rules of REFERENCE §2/§4 to one account's state, returns the `returnObj`.

use crate::store::{
    addr_of, same_addr, AccountAuth, AccountState, BgpPeer, BgpRoute, Gateway, HealthCheck, IdGen,
    Line, LinkProbe, Meta, NextHop, StaticRoute, Switch, Vpc,
};
use crate::wire::{result_object, ApiError, Code, Params};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use ipnet::IpNet;
use serde_json::{json, Value};
use std::net::IpAddr;

/// Whether an endpoint changes state (writes are POST only, committed,
/// persisted and recorded in the history).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What a committed write did, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub action: &'static str,
    pub kind: &'static str,
    /// Natural identity (name, `gateway/vpcID`, …).
    pub key: String,
    /// Generated ID, when the object has one.
    pub id: Option<String>,
}

/// A handler's success: the `returnObj` (JSON text) and, for writes, the
/// effect.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub return_obj: String,
    pub effect: Option<Effect>,
}

/// Everything a handler may touch.
pub struct Ctx<'a> {
    pub account: &'a str,
    pub st: &'a mut AccountState,
    pub ids: &'a mut IdGen,
    pub now: DateTime<Utc>,
    /// Created objects become visible in lists this many ms after creation.
    pub visible_delay_ms: i64,
    pub max_page_size: i64,
    pub trace_id: String,
    /// Authorizations other accounts granted to this one (only filled for
    /// `accountauth/own/list`), as (granting account, authorization).
    pub granted_to_me: Vec<(String, AccountAuth)>,
}

impl Ctx<'_> {
    fn now_ms(&self) -> i64 {
        self.now.timestamp_millis()
    }
    fn stamp(&self) -> String {
        (self.now + ChronoDuration::hours(8))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
    fn meta(&self) -> Meta {
        Meta {
            created: self.stamp(),
            updated: self.stamp(),
            visible_at_ms: if self.visible_delay_ms > 0 {
                self.now_ms() + self.visible_delay_ms
            } else {
                0
            },
        }
    }
    fn written(&self) -> Value {
        result_object(&self.trace_id)
    }
}

type Handler = fn(&mut Ctx, &Params) -> Result<Outcome, ApiError>;

/// One API.
pub struct Endpoint {
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

macro_rules! ep {
    ($path:literal, $access:ident, $handler:ident) => {
        Endpoint {
            path: $path,
            access: Access::$access,
            handler: $handler,
        }
    };
}

/// Every endpoint of REFERENCE §3. Reads answer GET and POST; writes POST.
pub static ENDPOINTS: &[Endpoint] = &[
    ep!("/v4/cda/gateway/list", Read, gateway_list),
    ep!("/v4/cda/gateway/add", Write, gateway_add),
    ep!("/v4/cda/gateway/delete", Write, gateway_delete),
    ep!("/v4/cda/gateway/count", Read, gateway_count),
    ep!(
        "/v4/cda/gateway/physical-line-list",
        Read,
        gateway_line_list
    ),
    ep!("/v4/cda/physical-line/list", Read, line_list),
    ep!("/v4/cda/shared-physical-line/list", Read, shared_line_list),
    ep!("/v4/cda/physical-line/add", Write, line_add),
    ep!("/v4/cda/physical-line/update", Write, line_update),
    ep!("/v4/cda/physical-line/delete", Write, line_delete),
    ep!("/v4/cda/physical-line/count", Read, line_count),
    ep!(
        "/v4/cda/physical-line/access-point-list",
        Read,
        line_access_point
    ),
    ep!("/v4/cda/physical-line/bind", Write, line_bind),
    ep!("/v4/cda/physical-line/unbind", Write, line_unbind),
    ep!("/v4/cda/vpc/add", Write, vpc_add),
    ep!("/v4/cda/vpc/update", Write, vpc_update),
    ep!("/v4/cda/vpc/delete", Write, vpc_delete),
    ep!("/v4/cda/vpc/list", Read, vpc_list),
    ep!("/v4/cda/vpc/count", Read, vpc_count),
    ep!("/v4/cda/vpc/info", Read, vpc_info),
    ep!("/v4/cda/static-route/add", Write, static_add),
    ep!("/v4/cda/static-route/update", Write, static_update),
    ep!("/v4/cda/static-route/delete", Write, static_delete),
    ep!("/v4/cda/static-route/list", Read, static_list),
    ep!("/v4/cda/bgp-route/add", Write, bgp_add),
    ep!("/v4/cda/bgp-route/update", Write, bgp_update),
    ep!("/v4/cda/bgp-route/delete", Write, bgp_delete),
    ep!("/v4/cda/bgp-route/list", Read, bgp_list),
    ep!("/v4/cda/switch/list", Read, switch_list),
    ep!("/v4/cda/switch/count", Read, switch_count),
    ep!("/v4/cda/switch/add", Write, switch_add),
    ep!("/v4/cda/switch/delete", Write, switch_delete),
    ep!("/v4/cda/switch/switch-ports", Read, switch_ports),
    ep!("/v4/cda/health-check/add", Write, hc_add),
    ep!("/v4/cda/health-check/update", Write, hc_update),
    ep!("/v4/cda/health-check/get", Read, hc_get),
    ep!("/v4/cda/health-check/status/get", Read, hc_status),
    ep!("/v4/vpn/config/delete", Write, hc_delete),
    ep!("/v4/cda/link-probe/add", Write, probe_add),
    ep!("/v4/cda/link-probe/delete", Write, probe_delete),
    ep!("/v4/cda/link-probe/query", Read, probe_query),
    ep!("/v4/cda/accountauth/add", Write, auth_add),
    ep!("/v4/cda/accountauth/delete", Write, auth_delete),
    ep!("/v4/cda/accountauth/list", Read, auth_list),
    ep!("/v4/cda/accountauth/statistics", Read, auth_statistics),
    ep!("/v4/cda/accountauth/other/list", Read, auth_other_list),
    ep!("/v4/cda/accountauth/own/list", Read, auth_own_list),
    ep!("/v4/cda/ec/info", Read, ec_info),
];

/// The endpoint serving `path`, if any.
pub fn find(path: &str) -> Option<&'static Endpoint> {
    let path = path.trim_end_matches('/');
    ENDPOINTS.iter().find(|e| e.path == path)
}

// ---------------------------------------------------------------- helpers

const GATEWAY: &[&str] = &["gatewayName", "vrfName"];
const SRID: &[&str] = &["SRID", "SRId", "srid", "srId"];
const BGPID: &[&str] = &["BGPID", "BGPId", "bgpId", "bgpID"];
const LINE_ID: &[&str] = &["lineID", "lineId"];
const VPC_ID: &[&str] = &["vpcID", "vpcId"];

fn err(code: Code, detail: impl Into<String>) -> ApiError {
    ApiError::new(code, detail)
}

fn read(return_obj: Value) -> Result<Outcome, ApiError> {
    Ok(Outcome {
        return_obj: return_obj.to_string(),
        effect: None,
    })
}

fn wrote(
    ctx: &Ctx,
    action: &'static str,
    kind: &'static str,
    key: String,
    id: Option<String>,
) -> Result<Outcome, ApiError> {
    Ok(Outcome {
        return_obj: ctx.written().to_string(),
        effect: Some(Effect {
            action,
            kind,
            key,
            id,
        }),
    })
}

/// `IPV4` / `IPV6` / `DUALSTACK`; PYH's `0`/`1`/`2` are accepted too.
fn parse_ip_version(text: &str) -> Result<&'static str, ApiError> {
    match text.trim().to_ascii_uppercase().as_str() {
        "IPV4" | "0" => Ok("IPV4"),
        "DUALSTACK" | "1" => Ok("DUALSTACK"),
        "IPV6" | "2" => Ok("IPV6"),
        other => Err(err(Code::InvalidIpVersion, other.to_string())),
    }
}

fn ip_version(p: &Params) -> Result<&'static str, ApiError> {
    parse_ip_version(&p.req_str(&["ipVersion"])?)
}

fn has_v4(version: &str) -> bool {
    version != "IPV6"
}

fn has_v6(version: &str) -> bool {
    version != "IPV4"
}

/// An address, optionally with a prefix length, of the wanted family.
fn check_ip(field: &str, text: &str, v6: bool) -> Result<IpAddr, ApiError> {
    if let Some((_, prefix)) = text.split_once('/') {
        let max = if v6 { 128 } else { 32 };
        match prefix.parse::<u8>() {
            Ok(p) if p <= max => {}
            _ => return Err(err(Code::InvalidParameter, format!("{field} {text}"))),
        }
    }
    let addr =
        addr_of(text).ok_or_else(|| err(Code::InvalidParameter, format!("{field} {text}")))?;
    if addr.is_ipv6() != v6 {
        let fam = if v6 { "IPv6" } else { "IPv4" };
        return Err(err(
            Code::InvalidParameter,
            format!("{field} {text} is not {fam}"),
        ));
    }
    Ok(addr)
}

fn check_cidr(field: &str, text: &str, v6: bool) -> Result<IpNet, ApiError> {
    let net: IpNet = text.parse().map_err(|_| {
        err(
            Code::InvalidParameter,
            format!("{field} {text} is not a CIDR"),
        )
    })?;
    if matches!(net, IpNet::V6(_)) != v6 {
        let fam = if v6 { "IPv6" } else { "IPv4" };
        return Err(err(
            Code::InvalidParameter,
            format!("{field} {text} is not {fam}"),
        ));
    }
    Ok(net)
}

fn cidrs(p: &Params, names: &[&str], v6: bool) -> Result<Option<Vec<String>>, ApiError> {
    let Some(list) = p.str_list(names)? else {
        return Ok(None);
    };
    for c in &list {
        check_cidr(names[0], c, v6)?;
    }
    Ok(Some(list))
}

fn opt(p: &Params, names: &[&str]) -> String {
    p.str(names).unwrap_or_default()
}

fn gateway_name(ctx: &Ctx, p: &Params) -> Result<String, ApiError> {
    let name = p.req_str(GATEWAY)?;
    if ctx.st.gateway(&name).is_none() {
        return Err(err(Code::GatewayNotFound, name));
    }
    Ok(name)
}

/// `(offset, size)` from `pageNo`/`page` and `pageSize`: 0 or absent means
/// the default (1, 10); sizes above the maximum are clamped.
fn page(p: &Params, max: i64) -> Result<(usize, usize), ApiError> {
    let no = p.int(&["pageNo", "page"])?.unwrap_or(0);
    let size = p.int(&["pageSize"])?.unwrap_or(0);
    if no < 0 {
        return Err(err(Code::InvalidParameter, "pageNo must be >= 1"));
    }
    if size < 0 {
        return Err(err(Code::InvalidParameter, "pageSize must be >= 1"));
    }
    let no = if no == 0 { 1 } else { no };
    let size = if size == 0 { 10 } else { size.min(max) };
    let offset = (no - 1).saturating_mul(size);
    Ok((
        usize::try_from(offset).unwrap_or(usize::MAX),
        usize::try_from(size).unwrap_or(10),
    ))
}

fn paged(items: Vec<Value>, container: &str, p: &Params, max: i64) -> Result<Value, ApiError> {
    let (offset, size) = page(p, max)?;
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(size).collect();
    Ok(json!({ "totalCount": total, "currentCount": page.len(), container: page }))
}

/// Like [`paged`], but serialises only the requested page, straight from
/// typed items (lists of 1,000 gateways stay cheap).
fn paged_typed<'a, T, S: serde::Serialize>(
    items: Vec<&'a T>,
    render: impl Fn(&'a T) -> S,
    container: &str,
    p: &Params,
    max: i64,
) -> Result<Outcome, ApiError> {
    let (offset, size) = page(p, max)?;
    let total = items.len();
    let page: Vec<S> = items
        .into_iter()
        .skip(offset)
        .take(size)
        .map(render)
        .collect();
    let list =
        serde_json::to_string(&page).map_err(|e| err(Code::InvalidParameter, e.to_string()))?;
    Ok(Outcome {
        return_obj: format!(
            "{{\"totalCount\":{total},\"currentCount\":{},\"{container}\":{list}}}",
            page.len()
        ),
        effect: None,
    })
}

fn unpaged(items: Vec<Value>, container: &str) -> Value {
    json!({ "totalCount": items.len(), "currentCount": items.len(), container: items })
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

fn fresh_id(ids: &mut IdGen, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let id = ids.short(prefix);
        if !taken(&id) {
            return id;
        }
    }
}

// ---------------------------------------------------------------- gateways

/// A `lineGatewayList` item, serialised without building a `Value` tree.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct GatewayItem<'a> {
    vrf_name: &'a str,
    gateway_name: &'a str,
    display_name: &'a str,
    fuid: &'a str,
    account: &'a str,
    access_point: &'a str,
    #[serde(rename = "regionID")]
    region_id: &'a str,
    resource_pool: &'a str,
    resource_pool_name: &'a str,
    hostname: &'a str,
    description: &'a str,
    is_sw_config: bool,
    is_automation: bool,
    line_list: &'a [String],
    sr_list: Vec<Value>,
    vpc_list: Vec<Value>,
    project_id_ecs: &'a str,
    lgcreate_time: &'a str,
    fuser_last_updated: &'a str,
    delete_time: &'a str,
}

fn gateway_item<'a>(
    st: &'a AccountState,
    g: &'a Gateway,
    account: &'a str,
    now_ms: i64,
) -> GatewayItem<'a> {
    let sr_list = st
        .static_routes
        .iter()
        .filter(|r| r.gateway == g.name && r.meta.visible(now_ms))
        .map(StaticRoute::wire)
        .collect();
    let vpc_list = st
        .vpcs
        .iter()
        .filter(|v| v.gateway == g.name && v.meta.visible(now_ms))
        .map(|v| v.wire(account))
        .collect();
    GatewayItem {
        vrf_name: &g.name,
        gateway_name: &g.name,
        display_name: &g.name,
        fuid: &g.fuid,
        account,
        access_point: &g.access_point,
        region_id: &g.region_id,
        resource_pool: &g.resource_pool,
        resource_pool_name: &g.resource_pool_name,
        hostname: &g.hostname,
        description: &g.description,
        is_sw_config: g.is_sw_config,
        is_automation: true,
        line_list: &g.lines,
        sr_list,
        vpc_list,
        project_id_ecs: "0",
        lgcreate_time: &g.meta.created,
        fuser_last_updated: &g.meta.updated,
        delete_time: "",
    }
}

fn gateway_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let name = p.str(&["gatewayName"]);
    let search = p.str(&["search"]);
    let st = &*ctx.st;
    let matching: Vec<&Gateway> = st
        .gateways
        .iter()
        .filter(|g| g.meta.visible(now))
        .filter(|g| name.as_ref().is_none_or(|n| &g.name == n))
        .filter(|g| {
            search
                .as_ref()
                .is_none_or(|s| g.name.contains(s.as_str()) || &g.fuid == s)
        })
        .collect();
    let account = ctx.account;
    let render = |g| gateway_item(st, g, account, now);
    paged_typed(matching, render, "lineGatewayList", p, ctx.max_page_size)
}

fn gateway_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let name = p.req_str(GATEWAY)?;
    let n = name.chars().count();
    if !(2..=20).contains(&n) || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(err(Code::GatewayInvalidName, name));
    }
    if ctx.st.gateway(&name).is_some() {
        return Err(err(Code::GatewayNameDuplicate, name));
    }
    let region = opt(p, &["regionID"]);
    let fuid = ctx.ids.uuid();
    let gateway = Gateway {
        name: name.clone(),
        fuid: fuid.clone(),
        hostname: opt(p, &["hostname"]),
        resource_pool: p.str(&["resourcePool"]).unwrap_or_else(|| region.clone()),
        resource_pool_name: opt(p, &["resourcePoolName"]),
        region_id: region,
        is_sw_config: p.bool(&["isSwConfig"])?.unwrap_or(true),
        description: opt(p, &["description"]),
        access_point: opt(p, &["accessPoint"]),
        lines: Vec::new(),
        meta: ctx.meta(),
    };
    ctx.st.gateways.push(gateway);
    wrote(ctx, "create", "gateway", name, Some(fuid))
}

fn gateway_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let name = gateway_name(ctx, p)?;
    let st = &*ctx.st;
    // Checked in the order things must be removed: routes, VPCs, bindings.
    if st.static_routes.iter().any(|r| r.gateway == name)
        || st.bgp_routes.iter().any(|r| r.gateway == name)
    {
        return Err(err(Code::GatewayHasRoutes, name));
    }
    if st.vpcs.iter().any(|v| v.gateway == name) {
        return Err(err(Code::GatewayHasVpcs, name));
    }
    if st.gateway(&name).is_some_and(|g| !g.lines.is_empty()) {
        return Err(err(Code::GatewayHasBoundLines, name));
    }
    ctx.st.gateways.retain(|g| g.name != name);
    ctx.st.link_probes.retain(|l| l.gateway != name);
    wrote(ctx, "delete", "gateway", name, None)
}

fn gateway_count(ctx: &mut Ctx, _p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let count = ctx
        .st
        .gateways
        .iter()
        .filter(|g| g.meta.visible(now))
        .count();
    read(json!({ "count": count }))
}

fn gateway_line_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let name = gateway_name(ctx, p)?;
    let now = ctx.now_ms();
    let items = ctx
        .st
        .bound_lines(&name)
        .into_iter()
        .filter(|l| l.meta.visible(now))
        .map(|l| l.wire(ctx.account))
        .collect();
    read(unpaged(items, "physicalLineList"))
}

// ---------------------------------------------------------------- lines

fn line_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let kind = p.str(&["type", "lineType"]);
    let matching: Vec<&Line> = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.meta.visible(now))
        .filter(|l| kind.as_ref().is_none_or(|k| &l.line_type == k))
        .collect();
    let render = |l: &Line| l.wire(ctx.account);
    paged_typed(matching, render, "physicalLineList", p, ctx.max_page_size)
}

fn shared_line_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let kind = p.str(&["type", "lineType"]);
    let code = p.str(&["lineCode", "linecode"]);
    let matching: Vec<&Line> = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.is_shared == 1 && l.meta.visible(now))
        .filter(|l| kind.as_ref().is_none_or(|k| &l.line_type == k))
        .filter(|l| code.as_ref().is_none_or(|c| &l.line_code == c))
        .collect();
    let render = |l: &Line| l.wire(ctx.account);
    paged_typed(matching, render, "physicalLineList", p, ctx.max_page_size)
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

fn line_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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
    let region = opt(p, &["regionID"]);
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

fn line_update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn line_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn line_count(ctx: &mut Ctx, _p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let count = ctx.st.lines.iter().filter(|l| l.meta.visible(now)).count();
    read(json!({ "count": count }))
}

fn line_access_point(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn line_bind(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn line_unbind(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

// ---------------------------------------------------------------- VPCs

fn vpc_find<'a>(st: &'a AccountState, gw: &str, vpc: &str) -> Option<&'a Vpc> {
    st.vpcs.iter().find(|v| v.gateway == gw && v.vpc_id == vpc)
}

/// `vpcSubnet` / `vpcSubnetIPv6` as given (full lists), validated.
type Subnets = (Option<Vec<String>>, Option<Vec<String>>);

fn vpc_subnets(p: &Params) -> Result<Subnets, ApiError> {
    let v4 = cidrs(p, &["vpcSubnet"], false)?;
    let v6 = cidrs(p, &["vpcSubnetIPv6", "vpcSubnetIpv6"], true)?;
    Ok((v4, v6))
}

fn check_vpc_families(version: &str, v4: &[String], v6: &[String]) -> Result<(), ApiError> {
    if has_v4(version) && v4.is_empty() {
        return Err(err(
            Code::MissingParameter,
            format!("vpcSubnet (required for {version})"),
        ));
    }
    if has_v6(version) && v6.is_empty() {
        return Err(err(
            Code::MissingParameter,
            format!("vpcSubnetIPv6 (required for {version})"),
        ));
    }
    if !has_v4(version) && !v4.is_empty() {
        return Err(err(
            Code::InvalidParameter,
            format!("vpcSubnet not allowed for {version}"),
        ));
    }
    if !has_v6(version) && !v6.is_empty() {
        return Err(err(
            Code::InvalidParameter,
            format!("vpcSubnetIPv6 not allowed for {version}"),
        ));
    }
    Ok(())
}

fn vpc_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    if vpc_find(ctx.st, &gw, &vpc_id).is_some() {
        return Err(err(Code::VpcAlreadyAttached, format!("{gw}/{vpc_id}")));
    }
    let version = match p.str(&["ipVersion"]) {
        Some(v) => parse_ip_version(&v)?,
        None => "IPV4",
    };
    let bandwidth = p.req_int(&["bandwidth"])?;
    if bandwidth < 1 {
        return Err(err(
            Code::InvalidParameter,
            format!("bandwidth {bandwidth}"),
        ));
    }
    let segment = opt(p, &["vpcNetworkSegment"]);
    if !segment.is_empty() {
        check_cidr("vpcNetworkSegment", &segment, false)?;
    }
    let segment_v6 = opt(p, &["vpcNetworkSegmentIPv6", "vpcNetworkSegmentIpv6"]);
    if !segment_v6.is_empty() {
        check_cidr("vpcNetworkSegmentIPv6", &segment_v6, true)?;
    }
    let (v4, v6) = vpc_subnets(p)?;
    let (v4, v6) = (v4.unwrap_or_default(), v6.unwrap_or_default());
    check_vpc_families(version, &v4, &v6)?;
    let vpc = Vpc {
        gateway: gw.clone(),
        vpc_id: vpc_id.clone(),
        vpc_name: opt(p, &["vpcName"]),
        region_id: opt(p, &["regionID"]),
        ip_version: version.to_string(),
        bandwidth,
        dc_type: opt(p, &["dcType"]),
        network_segment: segment,
        network_segment_v6: segment_v6,
        subnets: v4,
        subnets_v6: v6,
        meta: ctx.meta(),
    };
    ctx.st.vpcs.push(vpc);
    wrote(ctx, "create", "vpc", format!("{gw}/{vpc_id}"), None)
}

fn vpc_update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    let Some(current) = vpc_find(ctx.st, &gw, &vpc_id).cloned() else {
        return Err(err(Code::VpcNotFound, format!("{gw}/{vpc_id}")));
    };
    if let Some(v) = p.str(&["ipVersion"]) {
        if parse_ip_version(&v)? != current.ip_version {
            return Err(err(Code::VpcImmutableField, "ipVersion"));
        }
    }
    if let Some(bw) = p.int(&["bandwidth"])? {
        if bw != current.bandwidth {
            return Err(err(Code::VpcImmutableField, "bandwidth"));
        }
    }
    for (field, names, value) in [
        (
            "vpcNetworkSegment",
            &["vpcNetworkSegment"][..],
            &current.network_segment,
        ),
        (
            "vpcNetworkSegmentIPv6",
            &["vpcNetworkSegmentIPv6", "vpcNetworkSegmentIpv6"][..],
            &current.network_segment_v6,
        ),
        ("vpcName", &["vpcName"][..], &current.vpc_name),
        ("dcType", &["dcType"][..], &current.dc_type),
    ] {
        if p.str(names).is_some_and(|v| &v != value) {
            return Err(err(Code::VpcImmutableField, field));
        }
    }
    let (v4, v6) = vpc_subnets(p)?;
    let v4 = v4.unwrap_or_else(|| current.subnets.clone());
    let v6 = v6.unwrap_or_else(|| current.subnets_v6.clone());
    check_vpc_families(&current.ip_version, &v4, &v6)?;
    let stamp = ctx.stamp();
    if let Some(vpc) = ctx
        .st
        .vpcs
        .iter_mut()
        .find(|v| v.gateway == gw && v.vpc_id == vpc_id)
    {
        vpc.subnets = v4;
        vpc.subnets_v6 = v6;
        vpc.meta.updated = stamp;
    }
    wrote(ctx, "update", "vpc", format!("{gw}/{vpc_id}"), None)
}

fn vpc_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    if vpc_find(ctx.st, &gw, &vpc_id).is_none() {
        return Err(err(Code::VpcNotFound, format!("{gw}/{vpc_id}")));
    }
    ctx.st
        .vpcs
        .retain(|v| !(v.gateway == gw && v.vpc_id == vpc_id));
    // The health check belongs to the attachment and goes with it.
    ctx.st
        .health_checks
        .retain(|h| !(h.gateway == gw && h.vpc_id == vpc_id));
    wrote(ctx, "delete", "vpc", format!("{gw}/{vpc_id}"), None)
}

fn vpc_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let now = ctx.now_ms();
    let items = ctx
        .st
        .vpcs
        .iter()
        .filter(|v| v.gateway == gw && v.meta.visible(now))
        .map(|v| v.wire(ctx.account))
        .collect();
    read(unpaged(items, "vpcList"))
}

fn vpc_count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let now = ctx.now_ms();
    let count = ctx
        .st
        .vpcs
        .iter()
        .filter(|v| v.gateway == gw && v.meta.visible(now))
        .count();
    read(json!({ "count": count }))
}

fn vpc_info(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let vpc_id = p.req_str(VPC_ID)?;
    let gw = p.str(GATEWAY);
    let Some(vpc) = ctx
        .st
        .vpcs
        .iter()
        .find(|v| v.vpc_id == vpc_id && gw.as_ref().is_none_or(|g| &v.gateway == g))
    else {
        return Err(err(Code::VpcNotFound, vpc_id));
    };
    let lines: Vec<Value> = ctx
        .st
        .bound_lines(&vpc.gateway)
        .iter()
        .map(|l| l.wire(ctx.account))
        .collect();
    let data = json!({ "vpc": vpc.wire(ctx.account), "physicalLineList": lines });
    read(json!({
        "result": "1",
        "data": data.to_string(),
        "errorCode": null,
        "errorMsg": null,
        "traceID": ctx.trace_id,
    }))
}

// ---------------------------------------------------------------- static routes

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

fn static_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn static_update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn static_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn static_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

// ---------------------------------------------------------------- BGP routes

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

fn bgp_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn bgp_update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

fn bgp_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(BGPID)?;
    let Some(route) = ctx.st.bgp_routes.iter().find(|r| r.id == id) else {
        return Err(err(Code::BgpRouteNotFound, id));
    };
    let key = format!("{}/{}", route.gateway, route.ip_version);
    ctx.st.bgp_routes.retain(|r| r.id != id);
    wrote(ctx, "delete", "bgpRoute", key, Some(id))
}

fn bgp_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

// ---------------------------------------------------------------- switches

fn switch_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let pool = p.str(&["resourcePool"]);
    let sid = p.str(&["switchId", "switchID"]);
    let host = p.str(&["hostname"]);
    let name = p.str(&["name"]);
    let ip = p.str(&["ip"]);
    let items: Vec<Value> = ctx
        .st
        .switches
        .iter()
        .filter(|s| s.meta.visible(now))
        .filter(|s| pool.as_ref().is_none_or(|v| &s.resource_pool == v))
        .filter(|s| sid.as_ref().is_none_or(|v| &s.switch_id == v))
        .filter(|s| host.as_ref().is_none_or(|v| &s.hostname == v))
        .filter(|s| name.as_ref().is_none_or(|v| &s.name == v))
        .filter(|s| ip.as_ref().is_none_or(|v| &s.ip == v))
        .map(Switch::wire)
        .collect();
    read(json!({
        "totalCount": items.len(),
        "result": items,
        "errorMsg": null,
        "errorCode": null,
        "traceID": ctx.trace_id,
    }))
}

fn switch_count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let pool = p.str(&["resourcePool"]);
    let count = ctx
        .st
        .switches
        .iter()
        .filter(|s| s.meta.visible(now) && pool.as_ref().is_none_or(|v| &s.resource_pool == v))
        .count();
    read(json!({ "count": count }))
}

fn switch_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(&["switchId", "switchID"])?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(err(
            Code::InvalidParameter,
            format!("switchId {id} is not a UUID"),
        ));
    }
    if ctx.st.switches.iter().any(|s| s.switch_id == id) {
        return Err(err(Code::SwitchDuplicate, id));
    }
    let region = opt(p, &["regionID"]);
    // `username`/`password` are accepted and deliberately not stored.
    let switch = Switch {
        switch_id: id.clone(),
        name: p.req_str(&["name"])?,
        resource_pool: p.str(&["resourcePool"]).unwrap_or(region),
        resource_pool_name: opt(p, &["resourcePoolName"]),
        resource_type: opt(p, &["resourceType"]),
        factory: opt(p, &["factory"]),
        access_point: opt(p, &["accessPoint"]),
        device_model: opt(p, &["deviceModel"]),
        hostname: p.req_str(&["hostname"])?,
        ip: p.req_str(&["ip"])?,
        login_port: opt(p, &["loginPort"]),
        as_number: p.int(&["as"])?.unwrap_or(0),
        vtep_vlan: opt(p, &["vtepVlan"]),
        vtep_ip: opt(p, &["vtepIp"]),
        sys_mac: opt(p, &["sysMac"]),
        has_bleaf_route: p.bool(&["hasBleafRoute"])?.unwrap_or(false),
        meta: ctx.meta(),
    };
    ctx.st.switches.push(switch);
    wrote(ctx, "create", "switch", id, None)
}

fn switch_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(&["switchId", "switchID"])?;
    if !ctx.st.switches.iter().any(|s| s.switch_id == id) {
        return Err(err(Code::SwitchNotFound, id));
    }
    ctx.st.switches.retain(|s| s.switch_id != id);
    wrote(ctx, "delete", "switch", id, None)
}

fn switch_ports(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(&["switchId", "switchID"])?;
    let Some(sw) = ctx.st.switches.iter().find(|s| s.switch_id == id) else {
        return Err(err(Code::SwitchNotFound, id));
    };
    let port = p.str(&["portName"]);
    let ports: Vec<Value> = ctx
        .st
        .lines
        .iter()
        .filter(|l| l.hostname == sw.hostname)
        .filter(|l| port.as_ref().is_none_or(|n| &l.port_name == n))
        .map(|l| json!({ "portName": l.port_name, "portType": l.port_type, "lineID": l.id, "used": true }))
        .collect();
    read(json!({ "result": ports }))
}

// ---------------------------------------------------------------- health checks

fn check_interval(interval: i64) -> Result<(), ApiError> {
    if !(2..=5).contains(&interval) {
        return Err(err(Code::HealthCheckInvalidInterval, interval.to_string()));
    }
    Ok(())
}

fn check_packets(n: i64) -> Result<(), ApiError> {
    if !(5..=10).contains(&n) {
        return Err(err(Code::HealthCheckInvalidPacketCount, n.to_string()));
    }
    Ok(())
}

fn hc_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    let Some(vpc) = vpc_find(ctx.st, &gw, &vpc_id) else {
        return Err(err(Code::VpcNotFound, format!("{gw}/{vpc_id}")));
    };
    if ctx
        .st
        .health_checks
        .iter()
        .any(|h| h.gateway == gw && h.vpc_id == vpc_id)
    {
        return Err(err(Code::HealthCheckExists, format!("{gw}/{vpc_id}")));
    }
    let interval = p.req_int(&["interval"])?;
    check_interval(interval)?;
    let ntimest = p.req_int(&["ntimest"])?;
    check_packets(ntimest)?;
    let src = p.req_str(&["srcIP", "srcIp"])?;
    let src_addr =
        addr_of(&src).ok_or_else(|| err(Code::InvalidParameter, format!("srcIP {src}")))?;
    let dst = p.req_str(&["dstIP", "dstIp"])?;
    addr_of(&dst).ok_or_else(|| err(Code::InvalidParameter, format!("dstIP {dst}")))?;
    // srcIP: a free address inside the VPC (REFERENCE §2 rule 7).
    let inside = vpc
        .subnets
        .iter()
        .chain(&vpc.subnets_v6)
        .chain([&vpc.network_segment, &vpc.network_segment_v6])
        .filter_map(|c| c.parse::<IpNet>().ok())
        .any(|n| n.contains(&src_addr));
    if !inside {
        return Err(err(
            Code::InvalidParameter,
            format!("srcIP {src} is not inside VPC {vpc_id}"),
        ));
    }
    let hc = HealthCheck {
        gateway: gw.clone(),
        vpc_id: vpc_id.clone(),
        vpc_name: p.str(&["vpcName"]).unwrap_or_else(|| vpc.vpc_name.clone()),
        vpc_subnet: p
            .str(&["vpcSubnet"])
            .unwrap_or_else(|| vpc.subnets.first().cloned().unwrap_or_default()),
        vpc_subnet_id: opt(p, &["vpcSubnetID", "vpcSubnetId"]),
        src_ip: src,
        dst_ip: dst,
        interval,
        ntimest,
        auto_route_switching: p.bool(&["autoRouteSwitching"])?.unwrap_or(false),
        meta: ctx.meta(),
    };
    ctx.st.health_checks.push(hc);
    wrote(ctx, "create", "healthCheck", format!("{gw}/{vpc_id}"), None)
}

fn hc_update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    if !ctx
        .st
        .health_checks
        .iter()
        .any(|h| h.gateway == gw && h.vpc_id == vpc_id)
    {
        return Err(err(Code::HealthCheckNotFound, format!("{gw}/{vpc_id}")));
    }
    let interval = p.req_int(&["interval"])?;
    check_interval(interval)?;
    let ntimest = p.req_int(&["ntimest"])?;
    check_packets(ntimest)?;
    let auto = p.bool(&["autoRouteSwitching"])?;
    let stamp = ctx.stamp();
    if let Some(h) = ctx
        .st
        .health_checks
        .iter_mut()
        .find(|h| h.gateway == gw && h.vpc_id == vpc_id)
    {
        h.interval = interval;
        h.ntimest = ntimest;
        if let Some(a) = auto {
            h.auto_route_switching = a;
        }
        h.meta.updated = stamp;
    }
    wrote(ctx, "update", "healthCheck", format!("{gw}/{vpc_id}"), None)
}

fn hc_get(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    if vpc_find(ctx.st, &gw, &vpc_id).is_none() {
        return Err(err(Code::VpcNotFound, format!("{gw}/{vpc_id}")));
    }
    let now = ctx.now_ms();
    let setting = ctx
        .st
        .health_checks
        .iter()
        .find(|h| h.gateway == gw && h.vpc_id == vpc_id && h.meta.visible(now))
        .map(|h| {
            json!({
                "srcIP": h.src_ip,
                "dstIP": h.dst_ip,
                "interval": h.interval,
                "ntimest": h.ntimest,
                "autoRouteSwitching": h.auto_route_switching,
                "vpcSubnet": h.vpc_subnet,
            })
            .to_string()
        });
    read(json!({ "result": "1", "settingItem": setting }))
}

fn hc_status(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    let list: Vec<Value> = ctx
        .st
        .health_checks
        .iter()
        .filter(|h| h.gateway == gw && h.vpc_id == vpc_id)
        .map(|h| json!({ "status": "正常", "vpcId": h.vpc_id, "ctUserId": "", "vrfName": h.gateway }))
        .collect();
    read(json!({ "result": "1", "statusList": list, "traceId": ctx.trace_id, "error_msg": null }))
}

fn hc_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let vpc_id = p.req_str(VPC_ID)?;
    if !ctx
        .st
        .health_checks
        .iter()
        .any(|h| h.gateway == gw && h.vpc_id == vpc_id)
    {
        return Err(err(Code::HealthCheckNotFound, format!("{gw}/{vpc_id}")));
    }
    ctx.st
        .health_checks
        .retain(|h| !(h.gateway == gw && h.vpc_id == vpc_id));
    wrote(ctx, "delete", "healthCheck", format!("{gw}/{vpc_id}"), None)
}

// ---------------------------------------------------------------- link probes

fn probe_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let service = p.req_str(&["serviceID", "serviceId"])?;
    let infos = p.obj_list(&["ipInfoList"])?.unwrap_or_default();
    let interval = opt(p, &["interval"]);
    let packets = p
        .str(&["numberPackagesPerShipment"])
        .unwrap_or_else(|| "5".into());
    let meta = ctx.meta();
    let mut added = Vec::new();
    for info in &infos {
        let dst = info.req_str(&["dstIp", "dstIP"])?;
        addr_of(&dst).ok_or_else(|| err(Code::InvalidParameter, format!("dstIp {dst}")))?;
        added.push(LinkProbe {
            gateway: gw.clone(),
            service_id: service.clone(),
            src_ip: opt(info, &["srcIp", "srcIP"]),
            dst_ip: dst,
            interval: interval.clone(),
            packets: packets.clone(),
            meta: meta.clone(),
        });
    }
    ctx.st.link_probes.extend(added);
    wrote(ctx, "create", "linkProbe", format!("{gw}/{service}"), None)
}

fn probe_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let infos = p.obj_list(&["ipInfoList"])?.unwrap_or_default();
    let mut keys = Vec::new();
    for info in &infos {
        let dst = info.req_str(&["dstIp", "dstIP"])?;
        let src = opt(info, &["srcIp", "srcIP"]);
        ctx.st
            .link_probes
            .retain(|l| !(l.dst_ip == dst && l.src_ip == src));
        keys.push(format!("{src}>{dst}"));
    }
    wrote(ctx, "delete", "linkProbe", keys.join(","), None)
}

fn probe_query(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let gw = gateway_name(ctx, p)?;
    let data: Vec<Value> = ctx
        .st
        .link_probes
        .iter()
        .filter(|l| l.gateway == gw)
        .map(|l| json!({ "serviceID": l.service_id, "srcIp": l.src_ip, "dstIp": l.dst_ip, "lossRate": "0%", "avgRtt": "1ms", "time": l.meta.created }))
        .collect();
    read(
        json!({ "result": "1", "data": Value::Array(data).to_string(), "errorMsg": null, "traceId": ctx.trace_id }),
    )
}

// ---------------------------------------------------------------- account authorizations

fn auth_item(owner: &str, a: &AccountAuth) -> Value {
    json!({
        "fuid": a.fuid,
        "accountId": owner,
        "account": owner,
        "vpcId": a.vpc_id,
        "vpcID": a.vpc_id,
        "vpcName": a.vpc_name,
        "vrfName": a.gateway,
        "gatewayName": a.gateway,
        "displayName": a.gateway,
        "authAccountId": a.auth_account_id,
        "authAccount": a.auth_account,
        "regionId": a.region_id,
        "regionID": a.region_id,
        "description": a.description,
        "updatedTime": a.meta.updated,
        "lgcreateTime": a.meta.created,
    })
}

fn auth_add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let vpc_id = p.req_str(VPC_ID)?;
    let gw = p.req_str(GATEWAY)?;
    let target = p.req_str(&["authAccountId", "authAccountID"])?;
    if ctx
        .st
        .account_auths
        .iter()
        .any(|a| a.vpc_id == vpc_id && a.gateway == gw && a.auth_account_id == target)
    {
        return Err(err(
            Code::AccountAuthDuplicate,
            format!("{vpc_id}/{gw}/{target}"),
        ));
    }
    let auth = AccountAuth {
        fuid: ctx.ids.uuid(),
        region_id: opt(p, &["regionID"]),
        vpc_id: vpc_id.clone(),
        vpc_name: opt(p, &["vpcName"]),
        gateway: gw.clone(),
        auth_account_id: target.clone(),
        auth_account: opt(p, &["authAccount"]),
        description: opt(p, &["description"]),
        meta: ctx.meta(),
    };
    let fuid = auth.fuid.clone();
    ctx.st.account_auths.push(auth);
    wrote(
        ctx,
        "create",
        "accountAuth",
        format!("{vpc_id}/{gw}/{target}"),
        Some(fuid),
    )
}

fn auth_delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let vpc_id = p.req_str(VPC_ID)?;
    let gw = p.req_str(GATEWAY)?;
    let target = p.req_str(&["authAccountId", "authAccountID"])?;
    let matches =
        |a: &AccountAuth| a.vpc_id == vpc_id && a.gateway == gw && a.auth_account_id == target;
    if !ctx.st.account_auths.iter().any(matches) {
        return Err(err(
            Code::AccountAuthNotFound,
            format!("{vpc_id}/{gw}/{target}"),
        ));
    }
    ctx.st.account_auths.retain(|a| !matches(a));
    wrote(
        ctx,
        "delete",
        "accountAuth",
        format!("{vpc_id}/{gw}/{target}"),
        None,
    )
}

fn auth_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let vpc = p.str(VPC_ID);
    let items = ctx
        .st
        .account_auths
        .iter()
        .filter(|a| vpc.as_ref().is_none_or(|v| &a.vpc_id == v))
        .map(|a| auth_item(ctx.account, a))
        .collect();
    read(paged(items, "accountAuthList", p, ctx.max_page_size)?)
}

fn auth_statistics(ctx: &mut Ctx, _p: &Params) -> Result<Outcome, ApiError> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for a in &ctx.st.account_auths {
        *counts.entry(a.vpc_id.as_str()).or_default() += 1;
    }
    let stats: Vec<Value> = counts
        .into_iter()
        .map(|(vpc, n)| json!({ "vpcID": vpc, "count": n.to_string() }))
        .collect();
    read(json!({ "statistics": stats }))
}

fn auth_other_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let items = ctx
        .st
        .account_auths
        .iter()
        .map(|a| auth_item(ctx.account, a))
        .collect();
    read(paged(items, "accountAuthList", p, ctx.max_page_size)?)
}

fn auth_own_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let items = ctx
        .granted_to_me
        .iter()
        .map(|(owner, a)| auth_item(owner, a))
        .collect();
    read(paged(items, "accountAuthList", p, ctx.max_page_size)?)
}

fn ec_info(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    gateway_name(ctx, p)?;
    read(json!({
        "result": "1",
        "lineGatewayList": "[]",
        "errorCode": null,
        "errorMsg": null,
        "traceID": ctx.trace_id,
    }))
}
