//! Health checks of a gateway's VPC (`health-check/*`, `vpn/config/delete`).

use super::context::{err, read, wrote, Ctx};
use super::params::{gateway_name, opt, VPC_ID};
use super::vpcs::vpc_find;
use super::Outcome;
use crate::store::{addr_of, HealthCheck};
use crate::wire::{ApiError, Code, Params};
use ipnet::IpNet;
use serde_json::{json, Value};

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

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn get(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn status(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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
