//! Refresh: read the live estate through `cda-api` into a [`plan::Inventory`].
//!
//! As few calls as the API allows: the gateway and physical-line lists (all
//! pages), then for each gateway its VPC, static-route and BGP-route lists,
//! and one health-check read per VPC (the API has no health-check list). No
//! other per-object reads. The children of a gateway the plan leaves alone
//! are not read (`Scope::needs`, `plan::reads`).
//!
//! `Scope::concurrency` bounds the calls in flight, whatever they are: every
//! call takes a permit, so the pipe stays full (measured in
//! docs/performance.md: with a permit per gateway, a gateway's health-check
//! reads waited for its lists and the pages of the top-level lists were
//! walked one after another). Pages after the first are fetched at once
//! once the first page gives `totalCount`
//! ([`Client::all_pages_concurrently`]).
//!
//! Secrets never enter the inventory: a live BGP key is hashed with
//! [`plan::secret_hash`] as soon as it is decoded and the plaintext dropped.
//!
//! The mapping of one API row to its `Live*` value is in `map`; apply's
//! post-write re-read maps rows with the same functions, so a re-read and a
//! refresh never disagree on how a field is read.

pub(crate) mod inline;
mod map;

pub(crate) use map::{map_bgp_route, map_health_check, map_line, map_static_route, map_vpc};

pub(crate) use map::{gateway_region, line_region};
pub use map::{map_rows, EstateRows, GatewayRows};

use cda_api::types as api;
use cda_api::Client;
use plan::inventory::{Inventory, LiveGateway, LiveLine, NormalisedInventory};
use plan::reads::Needs;
use plan::region::{retain_region, Kept, Regional};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Where to read.
#[derive(Debug, Clone)]
pub struct Scope {
    pub region: String,
    pub account: Option<String>,
    /// API calls in flight at once (at least 1).
    pub concurrency: usize,
    /// Whose VPCs and routes are read (`plan::reads`).
    pub needs: Arc<Needs>,
}

/// A live value we could not map; refresh stops rather than plan against a
/// misread estate.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Api(#[from] cda_api::Error),
    #[error("{object}: cannot read {field} {value:?} from the API")]
    Unreadable {
        object: String,
        field: &'static str,
        value: String,
    },
    #[error("refresh task failed: {0}")]
    Task(String),
}

pub(crate) fn unreadable(object: &str, field: &'static str, value: &str) -> RefreshError {
    RefreshError::Unreadable {
        object: object.to_owned(),
        field,
        value: value.to_owned(),
    }
}

/// Read everything in scope, in the canonical form the diff wants.
pub async fn refresh(
    client: &Arc<Client>,
    scope: &Scope,
) -> Result<NormalisedInventory, RefreshError> {
    let permits = Arc::new(Semaphore::new(scope.concurrency.max(1)));
    let line_req = api::PhysicalLineListRequest {
        region_id: Some(scope.region.clone()),
        account: scope.account.clone(),
        ..Default::default()
    };
    let gateway_req = api::GatewayListRequest {
        account: scope.account.clone(),
        region_id: Some(scope.region.clone()),
        ..Default::default()
    };
    let (lines, gateways) = tokio::try_join!(
        client.all_pages_concurrently(&line_req, &permits),
        client.all_pages_concurrently(&gateway_req, &permits)
    )?;
    // Every later gateway-scoped call (these reads, apply's writes) sends
    // the vrfName this server reports for the gateway (DIALECTS §4.1).
    client.learn_gateways(&gateways);
    client.learn_lines(&lines);

    // Only the file's region: a server may list every region's rows
    // whatever `regionID` says (plan::region). Children follow their gateway.
    let lines = retain_region(
        lines.into_iter().map(|l| Regional::new(line_region(&l), l)),
        &scope.region,
    );
    let gateways = retain_region(
        gateways
            .into_iter()
            .map(|g| Regional::new(gateway_region(&g), g)),
        &scope.region,
    );
    log_region_scope(&scope.region, &lines, &gateways);
    let (lines, gateways) = (lines.rows, gateways.rows);

    // A line row names its gateway by `vrfName`, which may be the
    // gateway's ID: the gateway rows just learnt translate it.
    let gateway_named_by = |vrf: &str| client.gateway_named_by(vrf);
    let lines: Vec<LiveLine> = lines
        .iter()
        .filter_map(|l| map_line(l, &gateway_named_by).transpose())
        .collect::<Result<_, _>>()?;
    let line_ids: Arc<HashMap<String, String>> = Arc::new(
        lines
            .iter()
            .map(|l| (l.name.clone(), l.id.clone()))
            .collect(),
    );

    let skipped = scope
        .needs
        .skipped(gateways.iter().filter_map(|g| g.name()));
    if !skipped.is_empty() {
        tracing::info!(
            "did not read the VPCs and routes of {} gateways the file neither declares nor prunes (--refresh-all reads them)",
            skipped.len()
        );
    }
    let mut tasks = JoinSet::new();
    let mut gateways_only = Vec::new();
    for (order, gateway) in gateways.into_iter().enumerate() {
        let Some(name) = gateway.name().map(str::to_owned) else {
            continue;
        };
        if skipped.contains(&name) {
            gateways_only.push((order, gateway_row(&name, &gateway)));
            continue;
        }
        let client = Arc::clone(client);
        let scope = scope.clone();
        let permits = Arc::clone(&permits);
        let line_ids = Arc::clone(&line_ids);
        tasks.spawn(async move {
            let live = read_gateway(&client, &permits, &scope, &name, &gateway, &line_ids).await?;
            Ok::<_, RefreshError>((order, live))
        });
    }
    let mut gateways = gateways_only;
    while let Some(joined) = tasks.join_next().await {
        gateways.push(joined.map_err(|e| RefreshError::Task(e.to_string()))??);
    }
    gateways.sort_by_key(|(order, _)| *order);

    Ok(Inventory {
        lines,
        gateways: gateways.into_iter().map(|(_, g)| g).collect(),
    }
    .into_normalised())
}

/// `-v`: what the region filter left out, and kept without a region field.
fn log_region_scope<L, G>(region: &str, lines: &Kept<L>, gateways: &Kept<G>) {
    let ignored = lines.ignored + gateways.ignored;
    if ignored > 0 {
        tracing::info!(
            "ignored {ignored} objects of other regions ({} gateways with their VPCs and routes, {} physical lines): a file for {region} never changes them",
            gateways.ignored,
            lines.ignored
        );
    }
    let unstated = lines.unstated + gateways.unstated;
    if unstated > 0 {
        tracing::info!(
            "{unstated} listed objects carry no region field; kept as region {region}, the region asked for"
        );
    }
}

/// Run one API call under a permit.
async fn limited<T>(
    permits: &Semaphore,
    call: impl std::future::Future<Output = Result<T, cda_api::Error>>,
) -> Result<T, RefreshError> {
    let _permit = permits
        .acquire()
        .await
        .map_err(|e| RefreshError::Task(e.to_string()))?;
    Ok(call.await?)
}

async fn read_gateway(
    client: &Client,
    permits: &Arc<Semaphore>,
    scope: &Scope,
    name: &str,
    gateway: &api::Gateway,
    line_ids: &HashMap<String, String>,
) -> Result<LiveGateway, RefreshError> {
    // GO always sends `account` on these reads; without one in the
    // credentials, the gateway's own row says which it is.
    let account = scope.account.clone().or_else(|| gateway.account.clone());
    let req = api::GatewayScopedRequest {
        gateway_name: name.to_owned(),
        account: account.clone(),
        region_id: Some(scope.region.clone()),
    };
    // The row's own VPCs and static routes when it carries them complete
    // (`inline`): two calls fewer for this gateway.
    let (vpcs, static_routes, bgp_routes) = match inline::lists(gateway) {
        Some((vpcs, routes)) => (
            vpcs,
            routes,
            limited(permits, client.bgp_route_list(&req)).await?,
        ),
        None => {
            if let Some(gap) = inline::gap(gateway) {
                tracing::debug!(gateway = name, "reading VPCs and static routes: {gap}");
            }
            tokio::try_join!(
                limited(permits, client.vpc_list(&req)),
                limited(permits, client.static_route_list(&req)),
                limited(permits, client.bgp_route_list(&req))
            )?
        }
    };

    let mut live_vpcs = Vec::with_capacity(vpcs.len());
    for vpc in &vpcs {
        if let Some(live) = map_vpc(name, vpc)? {
            live_vpcs.push(live);
        }
    }
    // The health-check reads of a gateway's VPCs go out together.
    let mut checks = JoinSet::new();
    for (i, live) in live_vpcs.iter().enumerate() {
        let hc_req = api::HealthCheckGetRequest {
            gateway_name: name.to_owned(),
            vpc_id: live.id.clone(),
            vpc_name: live.name.clone(),
            region_id: Some(scope.region.clone()),
            account: account.clone(),
        };
        let client = client.clone();
        let permits = Arc::clone(permits);
        checks.spawn(async move { (i, limited(&permits, client.health_check_get(&hc_req)).await) });
    }
    while let Some(joined) = checks.join_next().await {
        let (i, check) = joined.map_err(|e| RefreshError::Task(e.to_string()))?;
        if let Some(check) = check? {
            let live = &mut live_vpcs[i];
            live.health_check =
                map_health_check(&format!("health_check.{name}.{}", live.id), &check)?;
        }
    }

    Ok(LiveGateway {
        vpcs: live_vpcs,
        static_routes: static_routes
            .iter()
            .map(|r| map_static_route(name, r))
            .collect::<Result<_, _>>()?,
        bgp_routes: bgp_routes
            .iter()
            .map(|r| map_bgp_route(name, r, line_ids))
            .collect::<Result<_, _>>()?,
        ..gateway_row(name, gateway)
    })
}

/// A gateway as its own row gives it: no VPCs or routes (not read).
fn gateway_row(name: &str, gateway: &api::Gateway) -> LiveGateway {
    let mut line_list = gateway.line_list.clone();
    line_list.sort();
    LiveGateway {
        name: name.to_owned(),
        hostname: gateway.hostname.clone().filter(|s| !s.is_empty()),
        access_point: gateway.access_point.clone().filter(|s| !s.is_empty()),
        description: gateway.description.clone().filter(|s| !s.is_empty()),
        line_ids: line_list,
        vpcs: Vec::new(),
        static_routes: Vec::new(),
        bgp_routes: Vec::new(),
    }
}
