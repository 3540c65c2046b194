//! Link probes (`link-probe/*`).

use super::context::{err, read, wrote, Ctx};
use super::params::{gateway_name, opt};
use super::Outcome;
use crate::store::{addr_of, LinkProbe};
use crate::wire::{ApiError, Code, Params};
use serde_json::{json, Value};

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn query(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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
