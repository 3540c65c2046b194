//! The per-object refresh a Terraform provider performs: every resource in
//! its state is read on its own, one call per object, one after another.
//!
//! The CDA API has no "get" for most kinds, so each read is the narrowest
//! call that returns the object: the gateway list filtered by name, the
//! lines bound to the gateway, `vpc/info`, the gateway's static-route list.
//! Each call returns the object (checked), so no read is wasted.

use crate::estate::{Estate, LINES_PER_GATEWAY, ROUTES_PER_GATEWAY, VPCS_PER_GATEWAY};
use crate::{client, faults, start_emulator};
use cda_api::types as api;
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize)]
pub struct SequentialFigures {
    pub gateways: usize,
    pub latency_ms: u64,
    /// API requests the emulator received.
    pub calls: u64,
    /// Objects read (each with its own call).
    pub objects: u64,
    pub wall: Duration,
}

/// Seed an emulator with `gateways` and read every object one call at a time.
pub async fn run(gateways: usize, latency_ms: u64) -> anyhow::Result<SequentialFigures> {
    let estate = Estate::new(gateways, emulator::DEMO_ACCOUNT);
    let handle = start_emulator(Some(estate.seed()), faults(latency_ms, None)).await?;
    let client = client(&handle, None)?;
    let account = Some(emulator::DEMO_ACCOUNT.to_owned());
    let region = Some(crate::estate::REGION.to_owned());
    let mut objects = 0u64;

    let started = Instant::now();
    for g in 0..gateways {
        let name = Estate::gateway_name(g);
        let request = api::GatewayListRequest {
            account: account.clone(),
            region_id: region.clone(),
            gateway_name: Some(name.clone()),
            ..Default::default()
        };
        let page = client.gateway_list(&request, 1, 1).await?;
        found(page.items.iter().any(|x| x.name() == Some(&name)), &name)?;
        objects += 1;

        let scoped = api::GatewayScopedRequest {
            gateway_name: name.clone(),
            account: account.clone(),
            region_id: region.clone(),
        };
        for k in 0..LINES_PER_GATEWAY {
            let id = Estate::line_id(g, k);
            let lines = client.gateway_physical_line_list(&scoped).await?;
            found(lines.iter().any(|l| l.id() == Some(&id)), &id)?;
            objects += 1;
        }
        for k in 0..VPCS_PER_GATEWAY {
            let id = Estate::vpc_id(g, k);
            let info = client
                .vpc_info(&api::VpcInfoRequest {
                    vpc_id: id.clone(),
                    gateway_name: Some(name.clone()),
                })
                .await?;
            found(!info.is_null(), &id)?;
            objects += 1;
        }
        for r in 0..ROUTES_PER_GATEWAY {
            let id = Estate::route_id(g, r);
            let routes = client.static_route_list(&scoped).await?;
            found(routes.iter().any(|x| x.srid == id), &id)?;
            objects += 1;
        }
    }
    let wall = started.elapsed();

    let stats = handle.app().stats();
    handle.shutdown().await?;
    Ok(SequentialFigures {
        gateways,
        latency_ms,
        calls: stats.requests,
        objects,
        wall,
    })
}

fn found(ok: bool, what: &str) -> anyhow::Result<()> {
    if ok {
        Ok(())
    } else {
        anyhow::bail!("per-object read did not return {what}")
    }
}
