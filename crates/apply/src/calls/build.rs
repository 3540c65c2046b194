//! Building the request for an operation: one arm per operation, the
//! larger bodies in a function per resource below.

use super::{ApiBackend, Call};
use crate::executor::CallError;
use cda_api::types as api;
use ipnet::IpNet;
use plan::action::{BgpPeerBody, BgpRouteBody, NextHopBody, StaticRouteBody};
use plan::model::{HealthCheck, PhysicalLine, VpcAttachment};
use plan::Operation;

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

impl ApiBackend {
    pub(super) async fn build(&self, op: &Operation) -> Result<Call, CallError> {
        let region = || self.region.clone();
        Ok(match op {
            Operation::CreateLine { line } => Call::new(self.line_add(line)),
            Operation::UpdateLine {
                line,
                name,
                bandwidth,
                description,
            } => Call::new(api::PhysicalLineUpdateRequest {
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
                bandwidth: *bandwidth,
                line_name: name.clone(),
                description: description.clone(),
                ..Default::default()
            }),
            Operation::DeleteLine { line } => Call::new(api::PhysicalLineDeleteRequest {
                line_id: self.line_id(line).await?,
                region_id: Some(region()),
            }),
            Operation::CreateGateway {
                name,
                hostname,
                access_point,
                description,
            } => Call::new(api::GatewayAddRequest {
                region_id: Some(region()),
                gateway_name: name.clone(),
                account: self.account(),
                hostname: hostname.clone(),
                access_point: access_point.clone(),
                description: description.clone(),
                resource_pool: Some(region()),
                resource_pool_name: Some(self.resource_pool_name()),
                ..Default::default()
            }),
            Operation::DeleteGateway { name } => Call::new(api::GatewayDeleteRequest {
                gateway_name: name.clone(),
                region_id: Some(region()),
            }),
            Operation::BindLine { gateway, line } => {
                Call::new(api::PhysicalLineBindRequest(api::LineBindingRequest {
                    gateway_name: gateway.clone(),
                    line_id: self.line_id(line).await?,
                    region_id: Some(region()),
                }))
            }
            Operation::UnbindLine { gateway, line } => {
                Call::new(api::PhysicalLineUnbindRequest(api::LineBindingRequest {
                    gateway_name: gateway.clone(),
                    line_id: self.line_id(line).await?,
                    region_id: Some(region()),
                }))
            }
            Operation::AddVpc { gateway, vpc } => Call::new(self.vpc_add(gateway, vpc)),
            Operation::UpdateVpc { gateway, vpc } => Call::new(api::VpcUpdateRequest {
                region_id: region(),
                gateway_name: gateway.clone(),
                vpc_id: vpc.id.clone(),
                ip_version: vpc.ip_version.as_api().to_owned(),
                bandwidth: vpc.bandwidth,
                vpc_subnet: strings(&vpc.subnets),
                vpc_subnet_ipv6: strings(&vpc.subnets_v6),
            }),
            Operation::DeleteVpc { gateway, vpc_id } => Call::new(api::VpcDeleteRequest {
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
            } => Call::new(self.health_check_add(gateway, vpc_id, vpc_name, subnet, check)),
            Operation::UpdateHealthCheck {
                gateway,
                vpc_id,
                check,
            } => Call::new(api::HealthCheckUpdateRequest {
                region_id: region(),
                gateway_name: gateway.clone(),
                vpc_id: vpc_id.clone(),
                interval: u32::from(check.interval),
                ntimest: u32::from(check.packets),
                auto_route_switching: check.auto_switch,
            }),
            Operation::DeleteHealthCheck { gateway, vpc_id } => {
                Call::new(api::HealthCheckDeleteRequest {
                    region_id: region(),
                    gateway_name: gateway.clone(),
                    vpc_id: vpc_id.clone(),
                })
            }
            Operation::AddStaticRoute { gateway, route } => {
                Call::new(self.static_route_add(gateway, route))
            }
            Operation::UpdateStaticRoute { gateway, id, route } => {
                Call::new(self.static_route_update(gateway, id, route))
            }
            Operation::DeleteStaticRoute { id, .. } => Call::new(api::StaticRouteDeleteRequest {
                srid: id.clone(),
                region_id: Some(region()),
            }),
            Operation::AddBgpRoute { gateway, route } => {
                Call::new(self.bgp_route_add(gateway, route).await?)
            }
            Operation::UpdateBgpRoute { gateway, id, route } => {
                Call::new(self.bgp_route_update(gateway, id, route).await?)
            }
            Operation::DeleteBgpRoute { id, .. } => Call::new(api::BgpRouteDeleteRequest {
                bgpid: id.clone(),
                region_id: Some(region()),
            }),
        })
    }

    fn line_add(&self, line: &PhysicalLine) -> api::PhysicalLineAddRequest {
        api::PhysicalLineAddRequest {
            region_id: Some(self.region.clone()),
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
            resource_pool: Some(self.region.clone()),
            resource_pool_name: Some(self.resource_pool_name()),
            ..Default::default()
        }
    }

    /// GO always sends `resourcePool` and `resourcePoolName` on
    /// `gateway/add` and `physical-line/add`. The resource pool is the
    /// region (PYH: "资源池" = region ID); its name is the one listed rows
    /// show for it, else the region ID (no source says where else to get
    /// it, and PYH calls both "no actual meaning").
    fn resource_pool_name(&self) -> String {
        self.client
            .resource_pool_name(&self.region)
            .unwrap_or_else(|| self.region.clone())
    }

    fn vpc_add(&self, gateway: &str, vpc: &VpcAttachment) -> api::VpcAddRequest {
        api::VpcAddRequest {
            region_id: self.region.clone(),
            gateway_name: gateway.to_owned(),
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
        }
    }

    fn health_check_add(
        &self,
        gateway: &str,
        vpc_id: &str,
        vpc_name: &Option<String>,
        subnet: &IpNet,
        check: &HealthCheck,
    ) -> api::HealthCheckAddRequest {
        api::HealthCheckAddRequest {
            region_id: self.region.clone(),
            gateway_name: gateway.to_owned(),
            vpc_id: vpc_id.to_owned(),
            vpc_name: vpc_name.clone().unwrap_or_else(|| vpc_id.to_owned()),
            vpc_subnet: subnet.to_string(),
            // The API wants a subnet ID we do not model; the subnet
            // CIDR identifies it within the VPC.
            vpc_subnet_id: subnet.to_string(),
            src_ip: check.src_ip.to_string(),
            dst_ip: check.dst_ip.to_string(),
            interval: u32::from(check.interval),
            ntimest: u32::from(check.packets),
            auto_route_switching: check.auto_switch,
        }
    }

    fn static_route_add(&self, gateway: &str, r: &StaticRouteBody) -> api::StaticRouteAddRequest {
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

    fn static_route_update(
        &self,
        gateway: &str,
        id: &str,
        r: &StaticRouteBody,
    ) -> api::StaticRouteUpdateRequest {
        let add = self.static_route_add(gateway, r);
        api::StaticRouteUpdateRequest {
            srid: id.to_owned(),
            ip_version: add.ip_version,
            region_id: add.region_id,
            dst_cidr: add.dst_cidr,
            dst_cidr_v6: add.dst_cidr_v6,
            next_hop: add.next_hop,
            next_hop_v6: add.next_hop_v6,
        }
    }

    async fn bgp_route_add(
        &self,
        gateway: &str,
        route: &BgpRouteBody,
    ) -> Result<api::BgpRouteAddRequest, CallError> {
        Ok(api::BgpRouteAddRequest {
            region_id: Some(self.region.clone()),
            ip_version: route.ip_version.as_api().to_owned(),
            gateway_name: gateway.to_owned(),
            network_cidr: strings(&route.networks_v4),
            network_cidr_v6: strings(&route.networks_v6),
            bgp_list: self.bgp_peers(&route.peers_v4).await?,
            bgp_ipv6_list: self.bgp_peers(&route.peers_v6).await?,
            multi_path: route.multipath.map(|_| true),
            multi_path_num: route.multipath.map(|n| n.to_string()),
            ..Default::default()
        })
    }

    async fn bgp_route_update(
        &self,
        gateway: &str,
        id: &str,
        route: &BgpRouteBody,
    ) -> Result<api::BgpRouteUpdateRequest, CallError> {
        let add = self.bgp_route_add(gateway, route).await?;
        Ok(api::BgpRouteUpdateRequest {
            bgpid: id.to_owned(),
            ip_version: add.ip_version,
            region_id: add.region_id,
            network_cidr: add.network_cidr,
            network_cidr_v6: add.network_cidr_v6,
            bgp_list: add.bgp_list,
            bgp_ipv6_list: add.bgp_ipv6_list,
            multi_path: add.multi_path,
            multi_path_num: add.multi_path_num,
            multi_path_type: add.multi_path_type,
            multi_path_ipv6: add.multi_path_ipv6,
            multi_path_num_ipv6: add.multi_path_num_ipv6,
        })
    }

    async fn bgp_peers(&self, peers: &[BgpPeerBody]) -> Result<Vec<api::BgpPeer>, CallError> {
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
}
