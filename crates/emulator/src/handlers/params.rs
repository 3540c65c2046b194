//! Reading and checking request parameters the same way on every endpoint:
//! the spellings each field goes by, IP versions, addresses and CIDRs,
//! paging, and fresh IDs.

use super::context::{err, Ctx};
use super::Outcome;
use crate::store::{addr_of, IdGen};
use crate::wire::{ApiError, Code, Params};
use ipnet::IpNet;
use serde_json::{json, Value};
use std::net::IpAddr;

/// Spellings of the fields that name an object, as the clients send them.
pub(super) const GATEWAY: &[&str] = &["gatewayName", "vrfName"];
pub(super) const SRID: &[&str] = &["SRID", "SRId", "srid", "srId"];
pub(super) const BGPID: &[&str] = &["BGPID", "BGPId", "bgpId", "bgpID"];
pub(super) const LINE_ID: &[&str] = &["lineID", "lineId"];
pub(super) const VPC_ID: &[&str] = &["vpcID", "vpcId"];

/// `IPV4` / `IPV6` / `DUALSTACK`; PYH's `0`/`1`/`2` are accepted too.
pub(super) fn parse_ip_version(text: &str) -> Result<&'static str, ApiError> {
    match text.trim().to_ascii_uppercase().as_str() {
        "IPV4" | "0" => Ok("IPV4"),
        "DUALSTACK" | "1" => Ok("DUALSTACK"),
        "IPV6" | "2" => Ok("IPV6"),
        other => Err(err(Code::InvalidIpVersion, other.to_string())),
    }
}

pub(super) fn ip_version(p: &Params) -> Result<&'static str, ApiError> {
    parse_ip_version(&p.req_str(&["ipVersion"])?)
}

pub(super) fn has_v4(version: &str) -> bool {
    version != "IPV6"
}

pub(super) fn has_v6(version: &str) -> bool {
    version != "IPV4"
}

/// An address, optionally with a prefix length, of the wanted family.
pub(super) fn check_ip(field: &str, text: &str, v6: bool) -> Result<IpAddr, ApiError> {
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

pub(super) fn check_cidr(field: &str, text: &str, v6: bool) -> Result<IpNet, ApiError> {
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

pub(super) fn cidrs(p: &Params, names: &[&str], v6: bool) -> Result<Option<Vec<String>>, ApiError> {
    let Some(list) = p.str_list(names)? else {
        return Ok(None);
    };
    for c in &list {
        check_cidr(names[0], c, v6)?;
    }
    Ok(Some(list))
}

pub(super) fn opt(p: &Params, names: &[&str]) -> String {
    p.str(names).unwrap_or_default()
}

/// The region an add puts its object in: `regionID`, else `resourcePool`
/// (both documented as the pool ID; GO's gateway/add and physical-line/add
/// carry only the latter). Empty: no region, listed for every region.
pub(super) fn region_of_add(p: &Params) -> String {
    p.str(&["regionID"])
        .or_else(|| p.str(&["resourcePool"]))
        .unwrap_or_default()
}

/// The region a list asks for (`regionID`), if it names one.
pub(super) fn wanted_region(p: &Params) -> Option<String> {
    p.str(&["regionID"])
}

/// Whether a list for `wanted` shows an object of `region`: every region's
/// when the request names none (as a server without the filter would), and
/// an object stored without a region whatever the request names.
pub(super) fn in_region(region: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| region.is_empty() || region == w)
}

pub(super) fn gateway_name(ctx: &Ctx, p: &Params) -> Result<String, ApiError> {
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

pub(super) fn paged(
    items: Vec<Value>,
    container: &str,
    p: &Params,
    max: i64,
) -> Result<Value, ApiError> {
    let (offset, size) = page(p, max)?;
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(size).collect();
    Ok(json!({ "totalCount": total, "currentCount": page.len(), container: page }))
}

/// Like [`paged`], but serialises only the requested page, straight from
/// typed items (lists of 1,000 gateways stay cheap).
pub(super) fn paged_typed<'a, T, S: serde::Serialize>(
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

pub(super) fn unpaged(items: Vec<Value>, container: &str) -> Value {
    json!({ "totalCount": items.len(), "currentCount": items.len(), container: items })
}

pub(super) fn fresh_id(ids: &mut IdGen, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let id = ids.short(prefix);
        if !taken(&id) {
            return id;
        }
    }
}
