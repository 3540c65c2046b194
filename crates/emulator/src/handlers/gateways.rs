//! Gateways (`gateway/*`), the lines bound to one, and `ec/info`.

use super::context::{err, read, wrote, Ctx};
use super::params::{
    gateway_name, in_region, opt, paged_typed, region_of_add, unpaged, wanted_region, GATEWAY,
};
use super::Outcome;
use crate::store::{AccountState, Gateway, StaticRoute};
use crate::wire::{ApiError, Code, Params};
use serde_json::{json, Value};

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

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let name = p.str(&["gatewayName"]);
    let search = p.str(&["search"]);
    let region = wanted_region(p);
    let st = &*ctx.st;
    let matching: Vec<&Gateway> = st
        .gateways
        .iter()
        .filter(|g| g.meta.visible(now))
        .filter(|g| in_region(&g.region_id, region.as_deref()))
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

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let name = p.req_str(GATEWAY)?;
    let n = name.chars().count();
    if !(2..=20).contains(&n) || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(err(Code::GatewayInvalidName, name));
    }
    if ctx.st.gateway(&name).is_some() {
        return Err(err(Code::GatewayNameDuplicate, name));
    }
    let region = region_of_add(p);
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let now = ctx.now_ms();
    let region = wanted_region(p);
    let count = ctx
        .st
        .gateways
        .iter()
        .filter(|g| g.meta.visible(now))
        .filter(|g| in_region(&g.region_id, region.as_deref()))
        .count();
    read(json!({ "count": count }))
}

pub(super) fn line_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn ec_info(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    gateway_name(ctx, p)?;
    read(json!({
        "result": "1",
        "lineGatewayList": "[]",
        "errorCode": null,
        "errorMsg": null,
        "traceID": ctx.trace_id,
    }))
}
