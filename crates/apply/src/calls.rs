//! The real [`Backend`]: each [`Operation`] becomes one `cda-api` call.
//!
//! * Line references without an ID (lines this plan creates) are resolved by
//!   listing lines after the creation: the API returns no IDs.
//! * BGP keys are read from their `{ env }` / `{ file }` reference at call
//!   time, sent, and never kept: journals and dry-run show `(sensitive)`.
//! * "Has it been applied?" re-reads exactly the object the call touches.

use crate::executor::{Backend, CallError, ErrorClass, Prepared};
use cda_api::endpoints::{self, Endpoint};
use cda_api::types as api;
use cda_api::Client;
use ipnet::IpNet;
use plan::action::{BgpRouteBody, LineRef, NextHopBody, StaticRouteBody};
use plan::model::SecretRef;
use plan::Operation;
use secrecy::SecretString;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Shown instead of a line ID that only exists once the plan has run.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

pub struct ApiBackend {
    client: Arc<Client>,
    region: String,
    account: Option<String>,
    /// Line name → `lineID`, from the plan and from lists after creation.
    line_ids: Mutex<HashMap<String, String>>,
    /// Build requests only: unknown line IDs and secrets become placeholders.
    dry_run: bool,
}

/// One request, typed.
pub enum Call {
    LineAdd(api::PhysicalLineAddRequest),
    LineUpdate(api::PhysicalLineUpdateRequest),
    LineDelete(api::PhysicalLineDeleteRequest),
    GatewayAdd(api::GatewayAddRequest),
    GatewayDelete(api::GatewayDeleteRequest),
    Bind(api::LineBindingRequest),
    Unbind(api::LineBindingRequest),
    VpcAdd(api::VpcAddRequest),
    VpcUpdate(api::VpcUpdateRequest),
    VpcDelete(api::VpcDeleteRequest),
    HealthCheckAdd(api::HealthCheckAddRequest),
    HealthCheckUpdate(api::HealthCheckUpdateRequest),
    HealthCheckDelete(api::HealthCheckDeleteRequest),
    StaticRouteAdd(api::StaticRouteAddRequest),
    StaticRouteUpdate(api::StaticRouteUpdateRequest),
    StaticRouteDelete(api::StaticRouteDeleteRequest),
    BgpRouteAdd(api::BgpRouteAddRequest),
    BgpRouteUpdate(api::BgpRouteUpdateRequest),
    BgpRouteDelete(api::BgpRouteDeleteRequest),
}

fn classify(e: cda_api::Error) -> CallError {
    let class = if e.is_unknown_outcome() {
        ErrorClass::UnknownOutcome
    } else if e.is_transient() {
        ErrorClass::Transient
    } else {
        ErrorClass::Permanent
    };
    CallError {
        request_id: e.request_id().map(str::to_owned),
        message: e.to_string(),
        class,
    }
}

/// Reads use the client's own retries; a failed read is final here.
fn read_error(e: cda_api::Error) -> CallError {
    CallError {
        request_id: e.request_id().map(str::to_owned),
        message: e.to_string(),
        class: ErrorClass::Permanent,
    }
}

fn strings(nets: &[IpNet]) -> Vec<String> {
    nets.iter().map(ToString::to_string).collect()
}

fn next_hops(hops: &[NextHopBody]) -> Vec<api::NextHop> {
    hops.iter()
        .map(|h| api::NextHop {
            remote_gateway_ip: h.remote_ip.to_string(),
            priority: h.priority,
            track: Some(u32::from(h.track)),
            bfd: Some(h.bfd),
        })
        .collect()
}

/// Read a secret reference. Files are relative to the current directory;
/// one trailing newline is dropped.
pub fn resolve_secret(reference: &SecretRef) -> Result<String, String> {
    match reference {
        SecretRef::Env(name) => {
            std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))
        }
        SecretRef::File(path) => std::fs::read_to_string(path)
            .map(|s| {
                s.strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&s)
                    .to_owned()
            })
            .map_err(|e| format!("cannot read key file {path}: {e}")),
    }
}

impl ApiBackend {
    pub fn new(
        client: Arc<Client>,
        region: String,
        account: Option<String>,
        dry_run: bool,
    ) -> Self {
        ApiBackend {
            client,
            region,
            account,
            line_ids: Mutex::new(HashMap::new()),
            dry_run,
        }
    }

    fn remember(&self, name: &str, id: &str) {
        self.line_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), id.to_owned());
    }

    fn account(&self) -> String {
        self.account.clone().unwrap_or_default()
    }

    async fn list_lines(&self) -> Result<Vec<api::PhysicalLine>, CallError> {
        let req = api::PhysicalLineListRequest {
            region_id: Some(self.region.clone()),
            account: self.account.clone(),
            ..Default::default()
        };
        let lines = self
            .client
            .physical_line_list_all(&req)
            .await
            .map_err(read_error)?;
        for line in &lines {
            if let (Some(id), Some(name)) = (line.id(), line.line_name.as_deref()) {
                self.remember(name, id);
            }
        }
        Ok(lines)
    }

    /// The `lineID` of a line reference: from the plan, from a previous
    /// lookup, or by listing lines (a line created moments ago may take a
    /// little while to show in lists).
    async fn line_id(&self, line: &LineRef) -> Result<String, CallError> {
        if let Some(id) = &line.id {
            return Ok(id.clone());
        }
        let known = self
            .line_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&line.name)
            .cloned();
        if let Some(id) = known {
            return Ok(id);
        }
        if self.dry_run {
            return Ok(KNOWN_AFTER_APPLY.to_owned());
        }
        let mut wait = Duration::from_millis(200);
        for _ in 0..6 {
            self.list_lines().await?;
            let found = self
                .line_ids
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&line.name)
                .cloned();
            if let Some(id) = found {
                return Ok(id);
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
        Err(CallError::permanent(format!(
            "physical line {} not found after creating it",
            line.name
        )))
    }

    fn secret(
        &self,
        reference: &Option<SecretRef>,
        peer: &str,
    ) -> Result<Option<SecretString>, CallError> {
        match reference {
            None => Ok(None),
            Some(_) if self.dry_run => Ok(Some(SecretString::from(
                cda_api::wire::SENSITIVE.to_owned(),
            ))),
            Some(r) => resolve_secret(r)
                .map(|k| Some(SecretString::from(k)))
                .map_err(|e| CallError::permanent(format!("BGP key for peer {peer}: {e}"))),
        }
    }

    async fn bgp_peers(
        &self,
        peers: &[plan::action::BgpPeerBody],
    ) -> Result<Vec<api::BgpPeer>, CallError> {
        let mut out = Vec::with_capacity(peers.len());
        for p in peers {
            out.push(api::BgpPeer {
                bgp_neighbor: p.neighbor.clone(),
                bgp_ip: p.ip.to_string(),
                line_id: Some(self.line_id(&p.line).await?),
                line_name: None,
                peer_as: p.peer_as.to_string(),
                bgp_key: self.secret(&p.key, &p.neighbor)?,
                bfd: p.bfd,
                network_cidr: Vec::new(),
                network_cidr_v6: Vec::new(),
            });
        }
        Ok(out)
    }

    fn static_add(&self, gateway: &str, r: &StaticRouteBody) -> api::StaticRouteAddRequest {
        api::StaticRouteAddRequest {
            region_id: Some(self.region.clone()),
            gateway_name: gateway.to_owned(),
            ip_version: r.ip_version.as_api().to_owned(),
            dst_cidr: strings(&r.dst_v4),
            dst_cidr_v6: strings(&r.dst_v6),
            next_hop: next_hops(&r.next_hops_v4),
            next_hop_v6: next_hops(&r.next_hops_v6),
        }
    }

    async fn bgp_parts(
        &self,
        r: &BgpRouteBody,
    ) -> Result<
        (
            Vec<api::BgpPeer>,
            Vec<api::BgpPeer>,
            Option<bool>,
            Option<String>,
        ),
        CallError,
    > {
        let v4 = self.bgp_peers(&r.peers_v4).await?;
        let v6 = self.bgp_peers(&r.peers_v6).await?;
        let multi = r.multipath.map(|_| true);
        let num = r.multipath.map(|n| n.to_string());
        Ok((v4, v6, multi, num))
    }

    async fn build(&self, op: &Operation) -> Result<Call, CallError> {
        let region = || self.region.clone();
        Ok(match op {
            Operation::CreateLine { line } => Call::LineAdd(api::PhysicalLineAddRequest {
                region_id: Some(region()),
                line_name: line.name.clone(),
                account: self.account(),
                switch_ip: line.switch.ip.map(|ip| ip.to_string()),
                hostname: line.switch.hostname.clone(),
                port_type: line.switch.port_type.as_api().to_owned(),
                port_name: line.switch.port.clone(),
                is_shared: u8::from(line.shared),
                line_type: line.line_type.as_api().to_owned(),
                bandwidth: line.bandwidth,
                tag: u8::from(line.vlan.is_some()),
                vlan: line.vlan,
                ip_version: line.ip_version.as_api().to_owned(),
                local_connect_ip: line.local_ip.map(|n| n.to_string()),
                remote_connect_ip: line.remote_ip.map(|n| n.to_string()),
                local_connect_ipv6: line.local_ip_v6.map(|n| n.to_string()),
                remote_connect_ipv6: line.remote_ip_v6.map(|n| n.to_string()),
                access_point: line.access_point.clone(),
                description: line.description.clone(),
                ..Default::default()
            }),
            Operation::UpdateLine {
                line,
                name,
                bandwidth,
                description,
            } => Call::LineUpdate(api::PhysicalLineUpdateRequest {
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
                bandwidth: *bandwidth,
                line_name: name.clone(),
                description: description.clone(),
                ..Default::default()
            }),
            Operation::DeleteLine { line } => Call::LineDelete(api::PhysicalLineDeleteRequest {
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
            }),
            Operation::CreateGateway {
                name,
                hostname,
                access_point,
                description,
            } => Call::GatewayAdd(api::GatewayAddRequest {
                region_id: Some(region()),
                gateway_name: name.clone(),
                account: self.account(),
                hostname: hostname.clone(),
                access_point: access_point.clone(),
                description: description.clone(),
                ..Default::default()
            }),
            Operation::DeleteGateway { name } => Call::GatewayDelete(api::GatewayDeleteRequest {
                gateway_name: name.clone(),
                region_id: Some(region()),
            }),
            Operation::BindLine { gateway, line } => Call::Bind(api::LineBindingRequest {
                gateway_name: gateway.clone(),
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
            }),
            Operation::UnbindLine { gateway, line } => Call::Unbind(api::LineBindingRequest {
                gateway_name: gateway.clone(),
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
            }),
            Operation::AddVpc { gateway, vpc } => Call::VpcAdd(api::VpcAddRequest {
                region_id: region(),
                gateway_name: gateway.clone(),
                vpc_id: vpc.id.clone(),
                vpc_name: vpc.name.clone(),
                ip_version: vpc.ip_version.as_api().to_owned(),
                bandwidth: vpc.bandwidth,
                account: self.account.clone(),
                dc_type: vpc.dc_type.clone(),
                vpc_network_segment: vpc.network_segment.map(|n| n.to_string()),
                vpc_network_segment_ipv6: vpc.network_segment_v6.map(|n| n.to_string()),
                vpc_subnet: strings(&vpc.subnets),
                vpc_subnet_ipv6: strings(&vpc.subnets_v6),
            }),
            Operation::UpdateVpc { gateway, vpc } => Call::VpcUpdate(api::VpcUpdateRequest {
                region_id: region(),
                gateway_name: gateway.clone(),
                vpc_id: vpc.id.clone(),
                ip_version: vpc.ip_version.as_api().to_owned(),
                bandwidth: vpc.bandwidth,
                vpc_subnet: strings(&vpc.subnets),
                vpc_subnet_ipv6: strings(&vpc.subnets_v6),
            }),
            Operation::DeleteVpc { gateway, vpc_id } => Call::VpcDelete(api::VpcDeleteRequest {
                gateway_name: gateway.clone(),
                vpc_id: vpc_id.clone(),
                region_id: Some(region()),
            }),
            Operation::AddHealthCheck {
                gateway,
                vpc_id,
                vpc_name,
                subnet,
                check,
            } => {
                Call::HealthCheckAdd(api::HealthCheckAddRequest {
                    region_id: region(),
                    gateway_name: gateway.clone(),
                    vpc_id: vpc_id.clone(),
                    vpc_name: vpc_name.clone().unwrap_or_else(|| vpc_id.clone()),
                    vpc_subnet: subnet.to_string(),
                    // The API wants a subnet ID we do not model; the subnet
                    // CIDR identifies it within the VPC.
                    vpc_subnet_id: subnet.to_string(),
                    src_ip: check.src_ip.to_string(),
                    dst_ip: check.dst_ip.to_string(),
                    interval: u32::from(check.interval),
                    ntimest: u32::from(check.packets),
                    auto_route_switching: check.auto_switch,
                })
            }
            Operation::UpdateHealthCheck {
                gateway,
                vpc_id,
                check,
            } => Call::HealthCheckUpdate(api::HealthCheckUpdateRequest {
                region_id: region(),
                gateway_name: gateway.clone(),
                vpc_id: vpc_id.clone(),
                interval: u32::from(check.interval),
                ntimest: u32::from(check.packets),
                auto_route_switching: check.auto_switch,
            }),
            Operation::DeleteHealthCheck { gateway, vpc_id } => {
                Call::HealthCheckDelete(api::HealthCheckDeleteRequest {
                    region_id: region(),
                    gateway_name: gateway.clone(),
                    vpc_id: vpc_id.clone(),
                })
            }
            Operation::AddStaticRoute { gateway, route } => {
                Call::StaticRouteAdd(self.static_add(gateway, route))
            }
            Operation::UpdateStaticRoute { gateway, id, route } => {
                let add = self.static_add(gateway, route);
                Call::StaticRouteUpdate(api::StaticRouteUpdateRequest {
                    srid: id.clone(),
                    ip_version: add.ip_version,
                    region_id: add.region_id,
                    dst_cidr: add.dst_cidr,
                    dst_cidr_v6: add.dst_cidr_v6,
                    next_hop: add.next_hop,
                    next_hop_v6: add.next_hop_v6,
                })
            }
            Operation::DeleteStaticRoute { id, .. } => {
                Call::StaticRouteDelete(api::StaticRouteDeleteRequest {
                    srid: id.clone(),
                    region_id: Some(region()),
                })
            }
            Operation::AddBgpRoute { gateway, route } => {
                let (v4, v6, multi, num) = self.bgp_parts(route).await?;
                Call::BgpRouteAdd(api::BgpRouteAddRequest {
                    region_id: Some(region()),
                    ip_version: route.ip_version.as_api().to_owned(),
                    gateway_name: gateway.clone(),
                    network_cidr: strings(&route.networks_v4),
                    network_cidr_v6: strings(&route.networks_v6),
                    bgp_list: v4,
                    bgp_ipv6_list: v6,
                    multi_path: multi,
                    multi_path_num: num,
                    ..Default::default()
                })
            }
            Operation::UpdateBgpRoute { id, route, .. } => {
                let (v4, v6, multi, num) = self.bgp_parts(route).await?;
                Call::BgpRouteUpdate(api::BgpRouteUpdateRequest {
                    bgpid: id.clone(),
                    ip_version: route.ip_version.as_api().to_owned(),
                    region_id: Some(region()),
                    network_cidr: strings(&route.networks_v4),
                    network_cidr_v6: strings(&route.networks_v6),
                    bgp_list: v4,
                    bgp_ipv6_list: v6,
                    multi_path: multi,
                    multi_path_num: num,
                    ..Default::default()
                })
            }
            Operation::DeleteBgpRoute { id, .. } => {
                Call::BgpRouteDelete(api::BgpRouteDeleteRequest {
                    bgpid: id.clone(),
                    region_id: Some(region()),
                })
            }
        })
    }
}

impl Call {
    fn endpoint(&self) -> &'static Endpoint {
        match self {
            Call::LineAdd(_) => &endpoints::PHYSICAL_LINE_ADD,
            Call::LineUpdate(_) => &endpoints::PHYSICAL_LINE_UPDATE,
            Call::LineDelete(_) => &endpoints::PHYSICAL_LINE_DELETE,
            Call::GatewayAdd(_) => &endpoints::GATEWAY_ADD,
            Call::GatewayDelete(_) => &endpoints::GATEWAY_DELETE,
            Call::Bind(_) => &endpoints::PHYSICAL_LINE_BIND,
            Call::Unbind(_) => &endpoints::PHYSICAL_LINE_UNBIND,
            Call::VpcAdd(_) => &endpoints::VPC_ADD,
            Call::VpcUpdate(_) => &endpoints::VPC_UPDATE,
            Call::VpcDelete(_) => &endpoints::VPC_DELETE,
            Call::HealthCheckAdd(_) => &endpoints::HEALTH_CHECK_ADD,
            Call::HealthCheckUpdate(_) => &endpoints::HEALTH_CHECK_UPDATE,
            Call::HealthCheckDelete(_) => &endpoints::HEALTH_CHECK_DELETE,
            Call::StaticRouteAdd(_) => &endpoints::STATIC_ROUTE_ADD,
            Call::StaticRouteUpdate(_) => &endpoints::STATIC_ROUTE_UPDATE,
            Call::StaticRouteDelete(_) => &endpoints::STATIC_ROUTE_DELETE,
            Call::BgpRouteAdd(_) => &endpoints::BGP_ROUTE_ADD,
            Call::BgpRouteUpdate(_) => &endpoints::BGP_ROUTE_UPDATE,
            Call::BgpRouteDelete(_) => &endpoints::BGP_ROUTE_DELETE,
        }
    }

    /// The request as it goes on the wire, secrets redacted.
    fn redacted_body(&self) -> Result<Value, cda_api::Error> {
        let ep = self.endpoint();
        let preview = match self {
            Call::LineAdd(r) => cda_api::wire_preview(ep, r),
            Call::LineUpdate(r) => cda_api::wire_preview(ep, r),
            Call::LineDelete(r) => cda_api::wire_preview(ep, r),
            Call::GatewayAdd(r) => cda_api::wire_preview(ep, r),
            Call::GatewayDelete(r) => cda_api::wire_preview(ep, r),
            Call::Bind(r) | Call::Unbind(r) => cda_api::wire_preview(ep, r),
            Call::VpcAdd(r) => cda_api::wire_preview(ep, r),
            Call::VpcUpdate(r) => cda_api::wire_preview(ep, r),
            Call::VpcDelete(r) => cda_api::wire_preview(ep, r),
            Call::HealthCheckAdd(r) => cda_api::wire_preview(ep, r),
            Call::HealthCheckUpdate(r) => cda_api::wire_preview(ep, r),
            Call::HealthCheckDelete(r) => cda_api::wire_preview(ep, r),
            Call::StaticRouteAdd(r) => cda_api::wire_preview(ep, r),
            Call::StaticRouteUpdate(r) => cda_api::wire_preview(ep, r),
            Call::StaticRouteDelete(r) => cda_api::wire_preview(ep, r),
            Call::BgpRouteAdd(r) => cda_api::wire_preview(ep, r),
            Call::BgpRouteUpdate(r) => cda_api::wire_preview(ep, r),
            Call::BgpRouteDelete(r) => cda_api::wire_preview(ep, r),
        }?
        .redacted();
        Ok(preview.body.unwrap_or_else(|| Value::String(preview.query)))
    }
}

fn net_set(list: &[String]) -> BTreeSet<IpNet> {
    list.iter()
        .filter_map(|s| s.trim().parse::<IpNet>().ok())
        .map(|n| n.trunc())
        .collect()
}

impl Backend for ApiBackend {
    type Call = Call;

    async fn prepare(&self, op: &Operation) -> Result<Prepared<Call>, CallError> {
        let call = self.build(op).await?;
        let ep = call.endpoint();
        let body = call
            .redacted_body()
            .map_err(|e| CallError::permanent(e.to_string()))?;
        Ok(Prepared {
            method: ep.method.as_str(),
            path: ep.path,
            body,
            call,
        })
    }

    async fn send(&self, call: &Call) -> Result<Option<String>, CallError> {
        let c = &self.client;
        let receipt = match call {
            Call::LineAdd(r) => c.physical_line_add(r).await,
            Call::LineUpdate(r) => c.physical_line_update(r).await,
            Call::LineDelete(r) => c.physical_line_delete(r).await,
            Call::GatewayAdd(r) => c.gateway_add(r).await,
            Call::GatewayDelete(r) => c.gateway_delete(r).await,
            Call::Bind(r) => c.physical_line_bind(r).await,
            Call::Unbind(r) => c.physical_line_unbind(r).await,
            Call::VpcAdd(r) => c.vpc_add(r).await,
            Call::VpcUpdate(r) => c.vpc_update(r).await,
            Call::VpcDelete(r) => c.vpc_delete(r).await,
            Call::HealthCheckAdd(r) => c.health_check_add(r).await,
            Call::HealthCheckUpdate(r) => c.health_check_update(r).await,
            Call::HealthCheckDelete(r) => c.health_check_delete(r).await,
            Call::StaticRouteAdd(r) => c.static_route_add(r).await,
            Call::StaticRouteUpdate(r) => c.static_route_update(r).await,
            Call::StaticRouteDelete(r) => c.static_route_delete(r).await,
            Call::BgpRouteAdd(r) => c.bgp_route_add(r).await,
            Call::BgpRouteUpdate(r) => c.bgp_route_update(r).await,
            Call::BgpRouteDelete(r) => c.bgp_route_delete(r).await,
        }
        .map_err(classify)?;
        Ok(Some(receipt.request_id))
    }

    async fn applied(&self, op: &Operation) -> Result<bool, CallError> {
        let c = &self.client;
        let scoped = |gateway: &str| api::GatewayScopedRequest {
            gateway_name: gateway.to_owned(),
            account: self.account.clone(),
            region_id: Some(self.region.clone()),
        };
        Ok(match op {
            Operation::CreateLine { line } => self
                .list_lines()
                .await?
                .iter()
                .any(|l| l.line_name.as_deref() == Some(line.name.as_str())),
            Operation::UpdateLine {
                line,
                name,
                bandwidth,
                ..
            } => {
                let id = self.line_id(line).await?;
                self.list_lines().await?.iter().any(|l| {
                    l.id() == Some(id.as_str())
                        && name
                            .as_ref()
                            .is_none_or(|n| l.line_name.as_ref() == Some(n))
                        && bandwidth.is_none_or(|b| l.bandwidth == Some(b))
                })
            }
            Operation::DeleteLine { line } => {
                let id = self.line_id(line).await?;
                !self
                    .list_lines()
                    .await?
                    .iter()
                    .any(|l| l.id() == Some(id.as_str()))
            }
            Operation::CreateGateway { name, .. } | Operation::DeleteGateway { name } => {
                let req = api::GatewayListRequest {
                    account: self.account.clone(),
                    region_id: Some(self.region.clone()),
                    ..Default::default()
                };
                let exists = c
                    .gateway_list_all(&req)
                    .await
                    .map_err(read_error)?
                    .iter()
                    .any(|g| g.name() == Some(name));
                exists == matches!(op, Operation::CreateGateway { .. })
            }
            Operation::BindLine { gateway, line } | Operation::UnbindLine { gateway, line } => {
                let id = self.line_id(line).await?;
                let bound = self.list_lines().await?.iter().any(|l| {
                    l.id() == Some(id.as_str()) && l.vrf_name.as_deref() == Some(gateway.as_str())
                });
                bound == matches!(op, Operation::BindLine { .. })
            }
            Operation::AddVpc { gateway, vpc } | Operation::UpdateVpc { gateway, vpc } => {
                let vpcs = c.vpc_list(&scoped(gateway)).await.map_err(read_error)?;
                vpcs.iter().any(|v| {
                    v.vpc_id.as_deref() == Some(vpc.id.as_str())
                        && (matches!(op, Operation::AddVpc { .. })
                            || net_set(&v.vpc_subnet)
                                == vpc.subnets.iter().map(|n| n.trunc()).collect())
                })
            }
            Operation::DeleteVpc { gateway, vpc_id } => {
                let vpcs = c.vpc_list(&scoped(gateway)).await.map_err(read_error)?;
                !vpcs
                    .iter()
                    .any(|v| v.vpc_id.as_deref() == Some(vpc_id.as_str()))
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
            } => {
                let req = api::HealthCheckGetRequest {
                    gateway_name: gateway.clone(),
                    vpc_id: vpc_id.clone(),
                    vpc_name: None,
                };
                c.health_check_get(&req)
                    .await
                    .map_err(read_error)?
                    .is_some_and(|h| {
                        h.interval == u32::from(check.interval)
                            && h.ntimest == u32::from(check.packets)
                            && h.auto_route_switching == check.auto_switch
                    })
            }
            Operation::DeleteHealthCheck { gateway, vpc_id } => {
                let req = api::HealthCheckGetRequest {
                    gateway_name: gateway.clone(),
                    vpc_id: vpc_id.clone(),
                    vpc_name: None,
                };
                c.health_check_get(&req)
                    .await
                    .map_err(read_error)?
                    .is_none_or(|h| h.src_ip.is_empty())
            }
            Operation::AddStaticRoute { gateway, route }
            | Operation::UpdateStaticRoute { gateway, route, .. } => {
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
                let routes = c
                    .static_route_list(&scoped(gateway))
                    .await
                    .map_err(read_error)?;
                routes.iter().any(|r| {
                    let id_ok = match op {
                        Operation::UpdateStaticRoute { id, .. } => &r.srid == id,
                        _ => true,
                    };
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
                                .map(|ip: std::net::IpAddr| (ip, h.priority))
                        })
                        .collect();
                    id_ok && dst == want && hops == want_hops
                })
            }
            Operation::DeleteStaticRoute { gateway, id } => {
                let routes = c
                    .static_route_list(&scoped(gateway))
                    .await
                    .map_err(read_error)?;
                !routes.iter().any(|r| &r.srid == id)
            }
            Operation::AddBgpRoute { gateway, route }
            | Operation::UpdateBgpRoute { gateway, route, .. } => {
                let want: BTreeSet<_> = route
                    .peers_v4
                    .iter()
                    .chain(&route.peers_v6)
                    .map(|p| (p.ip, p.peer_as))
                    .collect();
                let routes = c
                    .bgp_route_list(&scoped(gateway))
                    .await
                    .map_err(read_error)?;
                routes.iter().any(|r| {
                    let id_ok = match op {
                        Operation::UpdateBgpRoute { id, .. } => &r.bgpid == id,
                        _ => r.ip_version.as_deref() == Some(route.ip_version.as_api()),
                    };
                    let peers: BTreeSet<_> = r
                        .bgp_list
                        .iter()
                        .chain(&r.bgp_ipv6_list)
                        .filter_map(|p| {
                            Some((
                                p.bgp_ip.parse::<std::net::IpAddr>().ok()?,
                                p.peer_as.parse::<u32>().ok()?,
                            ))
                        })
                        .collect();
                    id_ok && peers == want
                })
            }
            Operation::DeleteBgpRoute { gateway, id } => {
                let routes = c
                    .bgp_route_list(&scoped(gateway))
                    .await
                    .map_err(read_error)?;
                !routes.iter().any(|r| &r.bgpid == id)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plan::action::BgpPeerBody;
    use plan::model::{IpVersion, LineType, PhysicalLine, PortType, SwitchPort};

    fn backend(dry_run: bool) -> ApiBackend {
        // Nothing here reaches the network: every line ID is known or a
        // dry-run placeholder.
        let config = cda_api::ClientConfig::new(cda_api::Credentials::new("AK", "SK"))
            .with_endpoint("http://127.0.0.1:9");
        let client = Arc::new(Client::new(config).unwrap());
        ApiBackend::new(
            client,
            "nm8".into(),
            Some("ops@example.com".into()),
            dry_run,
        )
    }

    #[tokio::test]
    async fn create_line_body_follows_the_wire_spelling() {
        let line = PhysicalLine {
            name: "bj-idc-c".into(),
            id: None,
            switch: SwitchPort {
                hostname: "sw-bj-01".into(),
                port: "GE1/0/3".into(),
                port_type: PortType::TenG,
                ip: None,
            },
            line_type: LineType::Ipran,
            bandwidth: 500,
            vlan: Some(1003),
            ip_version: IpVersion::Ipv4,
            local_ip: Some("10.255.0.9/30".parse().unwrap()),
            remote_ip: Some("10.255.0.10/30".parse().unwrap()),
            local_ip_v6: None,
            remote_ip_v6: None,
            access_point: None,
            shared: false,
            description: None,
            protect: false,
        };
        let prepared = backend(false)
            .prepare(&Operation::CreateLine { line })
            .await
            .unwrap();
        assert_eq!(
            (prepared.method, prepared.path),
            ("POST", "/v4/cda/physical-line/add")
        );
        let b = &prepared.body;
        assert_eq!(b["lineName"], "bj-idc-c");
        assert_eq!(b["tag"], 1);
        assert_eq!(b["vlan"], 1003);
        assert_eq!(b["isShared"], 0);
        assert_eq!(b["portType"], "10G");
        assert_eq!(b["localConnectIP"], "10.255.0.9/30");
        assert_eq!(b["account"], "ops@example.com");
        assert_eq!(b["regionID"], "nm8");
    }

    #[tokio::test]
    async fn dry_run_marks_unknown_line_ids() {
        let op = Operation::BindLine {
            gateway: "gw1".into(),
            line: LineRef {
                name: "new".into(),
                id: None,
            },
        };
        let prepared = backend(true).prepare(&op).await.unwrap();
        assert_eq!(prepared.body["lineID"], KNOWN_AFTER_APPLY);
        assert_eq!(prepared.body["gatewayName"], "gw1");
    }

    #[tokio::test]
    async fn bgp_keys_are_resolved_but_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, "s3cr3t-md5\n").unwrap();
        let route = BgpRouteBody {
            ip_version: IpVersion::Ipv4,
            networks_v4: vec!["10.30.0.0/16".parse().unwrap()],
            networks_v6: vec![],
            peers_v4: vec![BgpPeerBody {
                neighbor: "bj-idc-a".into(),
                ip: "10.255.0.2".parse().unwrap(),
                line: LineRef {
                    name: "bj-idc-a".into(),
                    id: Some("pl-1".into()),
                },
                peer_as: 65001,
                key: Some(SecretRef::File(key_file.display().to_string())),
                bfd: false,
            }],
            peers_v6: vec![],
            multipath: None,
        };
        let op = Operation::AddBgpRoute {
            gateway: "gw1".into(),
            route,
        };
        let prepared = backend(false).prepare(&op).await.unwrap();
        let text = prepared.body.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert_eq!(
            prepared.body["BGPList"][0]["BGPKey"],
            cda_api::wire::SENSITIVE
        );
        assert_eq!(prepared.body["BGPList"][0]["lineID"], "pl-1");
        // The request itself carries the key, trailing newline trimmed.
        let Call::BgpRouteAdd(req) = &prepared.call else {
            panic!("wrong call")
        };
        use secrecy::ExposeSecret;
        assert_eq!(
            req.bgp_list[0].bgp_key.as_ref().unwrap().expose_secret(),
            "s3cr3t-md5"
        );

        let missing = Operation::AddBgpRoute {
            gateway: "gw1".into(),
            route: BgpRouteBody {
                peers_v4: vec![BgpPeerBody {
                    key: Some(SecretRef::Env("CDA_TEST_SURELY_UNSET_VARIABLE".into())),
                    ..match &op {
                        Operation::AddBgpRoute { route, .. } => route.peers_v4[0].clone(),
                        _ => unreachable!(),
                    }
                }],
                ..match &op {
                    Operation::AddBgpRoute { route, .. } => route.clone(),
                    _ => unreachable!(),
                }
            },
        };
        let err = backend(false).prepare(&missing).await.err().unwrap();
        assert!(
            err.message.contains("CDA_TEST_SURELY_UNSET_VARIABLE"),
            "{}",
            err.message
        );
        assert_eq!(err.class, ErrorClass::Permanent);
    }
}
