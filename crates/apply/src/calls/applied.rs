//! "Has it been applied?": after a write whose outcome is unknown, re-read
//! exactly the object the call touches and compare what matters.

use super::{read_error, ApiBackend};
use crate::executor::CallError;
use cda_api::types as api;
use ipnet::IpNet;
use plan::action::{BgpRouteBody, LineRef, StaticRouteBody};
use plan::model::HealthCheck;
use plan::Operation;
use std::collections::BTreeSet;
use std::net::IpAddr;

fn net_set(list: &[String]) -> BTreeSet<IpNet> {
    list.iter()
        .filter_map(|s| s.trim().parse::<IpNet>().ok())
        .map(|n| n.trunc())
        .collect()
}

impl ApiBackend {
    pub(super) async fn reread(&self, op: &Operation) -> Result<bool, CallError> {
        match op {
            Operation::CreateLine { line } => Ok(self
                .list_lines()
                .await?
                .iter()
                .any(|l| l.line_name.as_deref() == Some(line.name.as_str()))),
            Operation::UpdateLine {
                line,
                name,
                bandwidth,
                ..
            } => self.line_updated(line, name, *bandwidth).await,
            Operation::DeleteLine { line } => Ok(!self.line_listed(line).await?),
            Operation::CreateGateway { name, .. } => self.gateway_listed(name).await,
            Operation::DeleteGateway { name } => Ok(!self.gateway_listed(name).await?),
            Operation::BindLine { gateway, line } => self.line_bound(gateway, line).await,
            Operation::UnbindLine { gateway, line } => Ok(!self.line_bound(gateway, line).await?),
            Operation::AddVpc { gateway, vpc } => self.vpc_attached(gateway, &vpc.id, None).await,
            Operation::UpdateVpc { gateway, vpc } => {
                self.vpc_attached(gateway, &vpc.id, Some(vpc.subnets.as_slice()))
                    .await
            }
            Operation::DeleteVpc { gateway, vpc_id } => {
                Ok(!self.vpc_attached(gateway, vpc_id, None).await?)
            }
            Operation::AddHealthCheck {
                gateway,
                vpc_id,
                check,
                ..
            }
            | Operation::UpdateHealthCheck {
                gateway,
                vpc_id,
                check,
            } => self.health_check_set(gateway, vpc_id, check).await,
            Operation::DeleteHealthCheck { gateway, vpc_id } => Ok(self
                .health_check(gateway, vpc_id)
                .await?
                .is_none_or(|h| h.src_ip.is_empty())),
            Operation::AddStaticRoute { gateway, route } => {
                self.static_route_present(gateway, None, route).await
            }
            Operation::UpdateStaticRoute { gateway, id, route } => {
                self.static_route_present(gateway, Some(id), route).await
            }
            Operation::DeleteStaticRoute { gateway, id } => Ok(!self
                .static_routes(gateway)
                .await?
                .iter()
                .any(|r| &r.srid == id)),
            Operation::AddBgpRoute { gateway, route } => {
                self.bgp_route_present(gateway, None, route).await
            }
            Operation::UpdateBgpRoute { gateway, id, route } => {
                self.bgp_route_present(gateway, Some(id), route).await
            }
            Operation::DeleteBgpRoute { gateway, id } => Ok(!self
                .bgp_routes(gateway)
                .await?
                .iter()
                .any(|r| &r.bgpid == id)),
        }
    }

    fn scoped(&self, gateway: &str) -> api::GatewayScopedRequest {
        api::GatewayScopedRequest {
            gateway_name: gateway.to_owned(),
            account: self.account.clone(),
            region_id: Some(self.region.clone()),
        }
    }

    // -- Lines and gateways ------------------------------------------------

    async fn line_updated(
        &self,
        line: &LineRef,
        name: &Option<String>,
        bandwidth: Option<u64>,
    ) -> Result<bool, CallError> {
        let id = self.line_id(line).await?;
        Ok(self.list_lines().await?.iter().any(|l| {
            l.id() == Some(id.as_str())
                && name
                    .as_ref()
                    .is_none_or(|n| l.line_name.as_ref() == Some(n))
                && bandwidth.is_none_or(|b| l.bandwidth == Some(b))
        }))
    }

    async fn line_listed(&self, line: &LineRef) -> Result<bool, CallError> {
        let id = self.line_id(line).await?;
        Ok(self
            .list_lines()
            .await?
            .iter()
            .any(|l| l.id() == Some(id.as_str())))
    }

    async fn line_bound(&self, gateway: &str, line: &LineRef) -> Result<bool, CallError> {
        let id = self.line_id(line).await?;
        Ok(self
            .list_lines()
            .await?
            .iter()
            .any(|l| l.id() == Some(id.as_str()) && l.vrf_name.as_deref() == Some(gateway)))
    }

    async fn gateway_listed(&self, name: &str) -> Result<bool, CallError> {
        let req = api::GatewayListRequest {
            account: self.account.clone(),
            region_id: Some(self.region.clone()),
            ..Default::default()
        };
        Ok(self
            .client
            .gateway_list_all(&req)
            .await
            .map_err(read_error)?
            .iter()
            .any(|g| g.name() == Some(name)))
    }

    // -- VPCs and health checks --------------------------------------------

    /// The VPC is attached, with exactly `subnets` when given.
    async fn vpc_attached(
        &self,
        gateway: &str,
        vpc_id: &str,
        subnets: Option<&[IpNet]>,
    ) -> Result<bool, CallError> {
        let vpcs = self
            .client
            .vpc_list(&self.scoped(gateway))
            .await
            .map_err(read_error)?;
        Ok(vpcs.iter().any(|v| {
            v.vpc_id.as_deref() == Some(vpc_id)
                && subnets.is_none_or(|want| {
                    net_set(&v.vpc_subnet) == want.iter().map(|n| n.trunc()).collect()
                })
        }))
    }

    async fn health_check(
        &self,
        gateway: &str,
        vpc_id: &str,
    ) -> Result<Option<api::HealthCheck>, CallError> {
        let req = api::HealthCheckGetRequest {
            gateway_name: gateway.to_owned(),
            vpc_id: vpc_id.to_owned(),
            vpc_name: None,
        };
        self.client.health_check_get(&req).await.map_err(read_error)
    }

    async fn health_check_set(
        &self,
        gateway: &str,
        vpc_id: &str,
        check: &HealthCheck,
    ) -> Result<bool, CallError> {
        Ok(self.health_check(gateway, vpc_id).await?.is_some_and(|h| {
            h.interval == u32::from(check.interval)
                && h.ntimest == u32::from(check.packets)
                && h.auto_route_switching == check.auto_switch
        }))
    }

    // -- Routes ------------------------------------------------------------

    async fn static_routes(&self, gateway: &str) -> Result<Vec<api::StaticRoute>, CallError> {
        self.client
            .static_route_list(&self.scoped(gateway))
            .await
            .map_err(read_error)
    }

    /// A route with `route`'s destinations and next hops (and `id`, for an
    /// update) is listed.
    async fn static_route_present(
        &self,
        gateway: &str,
        id: Option<&String>,
        route: &StaticRouteBody,
    ) -> Result<bool, CallError> {
        let want: BTreeSet<IpNet> = route
            .dst_v4
            .iter()
            .chain(&route.dst_v6)
            .map(|n| n.trunc())
            .collect();
        let want_hops: BTreeSet<_> = route
            .next_hops_v4
            .iter()
            .chain(&route.next_hops_v6)
            .map(|h| (h.remote_ip, h.priority))
            .collect();
        let routes = self.static_routes(gateway).await?;
        Ok(routes.iter().any(|r| {
            let id_ok = id.is_none_or(|id| &r.srid == id);
            let dst: BTreeSet<IpNet> = net_set(&r.dst_cidr)
                .into_iter()
                .chain(net_set(&r.dst_cidr_v6))
                .collect();
            let hops: BTreeSet<_> = r
                .next_hop
                .iter()
                .chain(&r.next_hop_v6)
                .filter_map(|h| {
                    h.remote_gateway_ip
                        .parse()
                        .ok()
                        .map(|ip: IpAddr| (ip, h.priority))
                })
                .collect();
            id_ok && dst == want && hops == want_hops
        }))
    }

    async fn bgp_routes(&self, gateway: &str) -> Result<Vec<api::BgpRoute>, CallError> {
        self.client
            .bgp_route_list(&self.scoped(gateway))
            .await
            .map_err(read_error)
    }

    /// A route with `route`'s peers is listed: with `id` for an update, of
    /// `route`'s IP version for a creation.
    async fn bgp_route_present(
        &self,
        gateway: &str,
        id: Option<&String>,
        route: &BgpRouteBody,
    ) -> Result<bool, CallError> {
        let want: BTreeSet<_> = route
            .peers_v4
            .iter()
            .chain(&route.peers_v6)
            .map(|p| (p.ip, p.peer_as))
            .collect();
        let routes = self.bgp_routes(gateway).await?;
        Ok(routes.iter().any(|r| {
            let id_ok = match id {
                Some(id) => &r.bgpid == id,
                None => r.ip_version.as_deref() == Some(route.ip_version.as_api()),
            };
            let peers: BTreeSet<_> = r
                .bgp_list
                .iter()
                .chain(&r.bgp_ipv6_list)
                .filter_map(|p| {
                    Some((
                        p.bgp_ip.parse::<IpAddr>().ok()?,
                        p.peer_as.parse::<u32>().ok()?,
                    ))
                })
                .collect();
            id_ok && peers == want
        }))
    }
}
