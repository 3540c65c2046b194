//! "Has it been applied?": after a write whose outcome is unknown, re-read
//! what [`plan::verify::reread`] names, map the rows with refresh's mappers
//! and let [`plan::verify::took_effect`] decide. What counts as "took
//! effect" lives in `plan`; this file only reads.

use super::{read_error, ApiBackend};
use crate::executor::CallError;
use crate::refresh::{
    map_bgp_route, map_health_check, map_line, map_static_route, map_vpc, RefreshError,
};
use cda_api::types as api;
use plan::verify::{self, Observed, Reread};
use plan::Operation;
use std::collections::HashMap;

/// A row the re-read cannot map: refresh would stop on it too, so the
/// answer is "cannot tell", never a guess.
fn unmappable(e: RefreshError) -> CallError {
    CallError::permanent(e.to_string())
}

impl ApiBackend {
    pub(super) async fn reread(&self, op: &Operation) -> Result<bool, CallError> {
        let observed = self.observe(verify::reread(op)).await?;
        verify::took_effect(op, &observed).map_err(|e| CallError::permanent(e.to_string()))
    }

    /// The attributes `op` sent that a re-read does not show.
    pub(super) async fn unapplied_attributes(
        &self,
        op: &Operation,
    ) -> Result<Vec<String>, CallError> {
        let observed = self.observe(verify::reread(op)).await?;
        verify::not_applied(op, &observed)
            .map(|names| names.into_iter().map(str::to_owned).collect())
            .map_err(|e| CallError::permanent(e.to_string()))
    }

    /// The live object with the identity `op` creates, if any.
    pub(super) async fn existing_object(
        &self,
        op: &Operation,
    ) -> Result<Option<String>, CallError> {
        let observed = self.observe(verify::reread(op)).await?;
        verify::existing(op, &observed).map_err(|e| CallError::permanent(e.to_string()))
    }

    async fn observe(&self, what: Reread<'_>) -> Result<Observed, CallError> {
        Ok(match what {
            Reread::Lines { line } => {
                // The ID first: resolving it may list lines itself.
                let line_id = match line {
                    Some(line) => Some(self.line_id(line).await?),
                    None => None,
                };
                let rows = self.list_lines().await?;
                self.learn_gateways_of(&rows).await?;
                let gateway_named_by = |vrf: &str| self.client.gateway_named_by(vrf);
                let lines = rows
                    .iter()
                    .filter_map(|l| map_line(l, &gateway_named_by).transpose())
                    .collect::<Result<_, _>>()
                    .map_err(unmappable)?;
                Observed::Lines { lines, line_id }
            }
            Reread::Gateways => Observed::Gateways {
                names: self.gateway_names().await?,
            },
            Reread::Vpcs { gateway } => Observed::Vpcs(
                self.client
                    .vpc_list(&self.scoped(gateway))
                    .await
                    .map_err(read_error)?
                    .iter()
                    .filter_map(|v| map_vpc(gateway, v).transpose())
                    .collect::<Result<_, _>>()
                    .map_err(unmappable)?,
            ),
            Reread::HealthCheck { gateway, vpc_id } => {
                Observed::HealthCheck(self.health_check(gateway, vpc_id).await?)
            }
            Reread::StaticRoutes { gateway } => Observed::StaticRoutes(
                self.client
                    .static_route_list(&self.scoped(gateway))
                    .await
                    .map_err(read_error)?
                    .iter()
                    .map(|r| map_static_route(gateway, r))
                    .collect::<Result<_, _>>()
                    .map_err(unmappable)?,
            ),
            Reread::BgpRoutes { gateway } => Observed::BgpRoutes(
                self.client
                    .bgp_route_list(&self.scoped(gateway))
                    .await
                    .map_err(read_error)?
                    .iter()
                    // Peers' lines are not compared: no name → ID table.
                    .map(|r| map_bgp_route(gateway, r, &HashMap::new()))
                    .collect::<Result<_, _>>()
                    .map_err(unmappable)?,
            ),
        })
    }

    fn scoped(&self, gateway: &str) -> api::GatewayScopedRequest {
        api::GatewayScopedRequest {
            gateway_name: gateway.to_owned(),
            account: self.account.clone(),
            region_id: Some(self.region.clone()),
        }
    }

    /// Line rows name their gateway by `vrfName`, which on some servers is
    /// the gateway's ID: when a row names one no gateway listing has shown
    /// yet (a gateway created moments ago), list the gateways once to
    /// learn it.
    async fn learn_gateways_of(&self, lines: &[api::PhysicalLine]) -> Result<(), CallError> {
        let unknown = lines.iter().any(|l| {
            l.vrf_name
                .as_deref()
                .is_some_and(|v| !v.trim().is_empty() && !self.client.knows_vrf_name(v))
        });
        if unknown {
            self.gateway_names().await?;
        }
        Ok(())
    }

    async fn gateway_names(&self) -> Result<Vec<String>, CallError> {
        let req = api::GatewayListRequest {
            account: self.account.clone(),
            region_id: Some(self.region.clone()),
            ..Default::default()
        };
        let gateways = self
            .client
            .gateway_list_all(&req)
            .await
            .map_err(read_error)?;
        // A gateway just created is first seen here: learn its vrfName.
        self.client.learn_gateways(&gateways);
        Ok(gateways
            .iter()
            .filter_map(|g| g.name().map(str::to_owned))
            .collect())
    }

    /// `None` when the attachment has no health check set.
    async fn health_check(
        &self,
        gateway: &str,
        vpc_id: &str,
    ) -> Result<Option<plan::inventory::LiveHealthCheck>, CallError> {
        // GO sends vpcName on health-check/get; the VPC's row has it.
        let vpc_name = self
            .client
            .vpc_list(&self.scoped(gateway))
            .await
            .map_err(read_error)?
            .into_iter()
            .find(|v| v.vpc_id.as_deref() == Some(vpc_id))
            .and_then(|v| v.vpc_name);
        let req = api::HealthCheckGetRequest {
            gateway_name: gateway.to_owned(),
            vpc_id: vpc_id.to_owned(),
            vpc_name,
            region_id: Some(self.region.clone()),
            account: self.account.clone(),
        };
        let Some(check) = self
            .client
            .health_check_get(&req)
            .await
            .map_err(read_error)?
        else {
            return Ok(None);
        };
        // Named as refresh names it, so an unreadable field reads the same.
        map_health_check(&format!("health_check.{gateway}.{vpc_id}"), &check).map_err(unmappable)
    }
}
