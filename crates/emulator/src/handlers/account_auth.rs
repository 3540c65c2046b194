//! Authorizations of a VPC to other accounts (`accountauth/*`).

use super::context::{err, read, wrote, Ctx};
use super::params::{opt, paged, GATEWAY, VPC_ID};
use super::Outcome;
use crate::store::AccountAuth;
use crate::wire::{ApiError, Code, Params};
use serde_json::{json, Value};

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

pub(super) fn add(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn delete(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn statistics(ctx: &mut Ctx, _p: &Params) -> Result<Outcome, ApiError> {
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

pub(super) fn other_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let items = ctx
        .st
        .account_auths
        .iter()
        .map(|a| auth_item(ctx.account, a))
        .collect();
    read(paged(items, "accountAuthList", p, ctx.max_page_size)?)
}

pub(super) fn own_list(ctx: &mut Ctx, p: &Params) -> Result<Outcome, ApiError> {
    let items = ctx
        .granted_to_me
        .iter()
        .map(|(owner, a)| auth_item(owner, a))
        .collect();
    read(paged(items, "accountAuthList", p, ctx.max_page_size)?)
}
