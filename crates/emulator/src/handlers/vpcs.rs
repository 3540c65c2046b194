//! VPCs attached to a gateway (`vpc/*`).

use super::context::{err, read, wrote, Ctx};
use super::params::{
    check_cidr, cidrs, gateway_name, has_v4, has_v6, opt, parse_ip_version, unpaged, GATEWAY,
    VPC_ID,
};
use super::Outcome;
use crate::store::{AccountState, Vpc};
use crate::wire::{ApiError, Code, Params};
use serde_json::{json, Value};

pub(super) fn vpc_find<'a>(st: &'a AccountState, gw: &str, vpc: &str) -> Option<&'a Vpc> {
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

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn update(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn count(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn info(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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
