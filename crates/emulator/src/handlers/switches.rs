//! Switches (`switch/*`) and their ports.

use super::context::{err, read, wrote, Ctx};
use super::params::opt;
use super::Outcome;
use crate::store::Switch;
use crate::wire::{ApiError, Code, Params};
use serde_json::{json, Value};

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let id = p.req_str(&["switchId", "switchID"])?;
    if !ctx.st.switches.iter().any(|s| s.switch_id == id) {
        return Err(err(Code::SwitchNotFound, id));
    }
    ctx.st.switches.retain(|s| s.switch_id != id);
    wrote(ctx, "delete", "switch", id, None)
}

pub(super) fn ports(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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
