//! The live probes, all reads: `gateway/list` with each parameter
//! placement; for one gateway, `vpc/list` with each placement and each
//! gateway key; then every read refresh makes, placed and keyed the way the
//! server accepted. Each exchange is kept for the analysis and the capture.

use super::analysis::{answer, select_gateway, Selected};
use super::capture::{Probe, ProbeKind};
use cda_api::endpoints::{self, Endpoint};
use cda_api::types::VpcListRequest;
use cda_api::{ApiRequest, Client, ParamPlacement, RawResponse};
use serde_json::{json, Map, Value};

/// What the probes share: the account and region sent where sources want
/// them, and the gateway asked for.
pub struct Target<'a> {
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
    pub gateway: Option<&'a str>,
}

struct Prober<'a> {
    client: &'a Client,
    probes: Vec<Probe>,
}

impl Prober<'_> {
    async fn send(
        &mut self,
        kind: ProbeKind,
        endpoint: &'static Endpoint,
        variant: &str,
        params: &Value,
        placement: ParamPlacement,
    ) -> anyhow::Result<Option<Value>> {
        let exchange = self.client.exchange(endpoint, params, placement).await?;
        let ok = answer(&exchange);
        self.probes.push(Probe {
            probe: kind,
            endpoint: endpoint.name.to_owned(),
            variant: variant.to_owned(),
            exchange,
        });
        Ok(ok)
    }

    /// Every placement; returns the one to use from now on: `both` when
    /// accepted, else the first accepted, else `both`.
    async fn placements(
        &mut self,
        endpoint: &'static Endpoint,
        params: &Value,
    ) -> anyhow::Result<ParamPlacement> {
        let mut accepted = Vec::new();
        for placement in ParamPlacement::ALL {
            let ok = self
                .send(
                    ProbeKind::Placement,
                    endpoint,
                    placement.as_str(),
                    params,
                    placement,
                )
                .await?;
            if ok.is_some() {
                accepted.push(placement);
            }
            if self
                .probes
                .last()
                .is_some_and(|p| p.exchange.status.is_none())
            {
                // Unreachable: no point trying the other placements.
                break;
            }
        }
        Ok(if accepted.contains(&ParamPlacement::Both) {
            ParamPlacement::Both
        } else {
            accepted.first().copied().unwrap_or(ParamPlacement::Both)
        })
    }
}

fn params(pairs: &[(&str, Option<&str>)], extra: Value) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            map.insert((*k).to_owned(), Value::String((*v).to_owned()));
        }
    }
    if let Value::Object(extra) = extra {
        map.extend(extra);
    }
    Value::Object(map)
}

/// Gateway-scoped parameters with the chosen keys (`gatewayName`,
/// `vrfName` or both).
fn scoped(target: &Target<'_>, gateway: &Selected, keys: &str) -> Value {
    let name = matches!(keys, "gatewayName" | "both").then_some(gateway.name.as_str());
    let vrf = matches!(keys, "vrfName" | "both").then_some(gateway.vrf_name.as_str());
    params(
        &[
            ("gatewayName", name),
            ("vrfName", vrf),
            ("account", target.account),
            ("regionID", target.region),
        ],
        json!({}),
    )
}

/// Runs every probe and returns the exchanges, in order.
pub async fn run(client: &Client, target: &Target<'_>) -> anyhow::Result<Vec<Probe>> {
    let mut p = Prober {
        client,
        probes: Vec::new(),
    };
    let paging = json!({"pageNo": 1, "pageSize": 50});
    let listing = params(
        &[("account", target.account), ("regionID", target.region)],
        paging.clone(),
    );
    let placement = p.placements(&endpoints::GATEWAY_LIST, &listing).await?;
    // Unreachable, or refused whatever the placement: nothing more to learn.
    if !p.probes.iter().any(|x| answer(&x.exchange).is_some()) {
        return Ok(p.probes);
    }
    let chosen = select_gateway(&p.probes, target.gateway).ok().flatten();
    let Some(gateway) = chosen else {
        p.send(
            ProbeKind::Read,
            &endpoints::PHYSICAL_LINE_LIST,
            "read",
            &listing,
            placement,
        )
        .await?;
        return Ok(p.probes);
    };
    let both = scoped(target, &gateway, "both");
    let placement = p.placements(&endpoints::VPC_LIST, &both).await?;
    let mut keys_ok = Vec::new();
    for keys in ["gatewayName", "vrfName", "both"] {
        let ok = p
            .send(
                ProbeKind::GatewayKey,
                &endpoints::VPC_LIST,
                keys,
                &scoped(target, &gateway, keys),
                placement,
            )
            .await?;
        if ok.is_some() {
            keys_ok.push(keys);
        }
    }
    let keys = if keys_ok.contains(&"both") {
        "both"
    } else {
        keys_ok.first().copied().unwrap_or("both")
    };
    let scope = scoped(target, &gateway, keys);
    p.send(
        ProbeKind::Read,
        &endpoints::PHYSICAL_LINE_LIST,
        "read",
        &listing,
        placement,
    )
    .await?;
    let mut first_vpc = None;
    for endpoint in [
        &endpoints::GATEWAY_PHYSICAL_LINE_LIST,
        &endpoints::VPC_LIST,
        &endpoints::STATIC_ROUTE_LIST,
        &endpoints::BGP_ROUTE_LIST,
    ] {
        let body = p
            .send(ProbeKind::Read, endpoint, "read", &scope, placement)
            .await?;
        if endpoint.name == "vpc_list" {
            first_vpc = body.and_then(|body| {
                let vpcs = VpcListRequest::default()
                    .decode(RawResponse {
                        request_id: String::new(),
                        body,
                    })
                    .ok()?;
                vpcs.into_iter().find_map(|v| Some((v.vpc_id?, v.vpc_name)))
            });
        }
    }
    if let Some((vpc_id, vpc_name)) = first_vpc {
        let mut health = scope.clone();
        if let Value::Object(map) = &mut health {
            map.insert("vpcID".into(), Value::String(vpc_id));
            map.insert(
                "vpcName".into(),
                Value::String(vpc_name.unwrap_or_default()),
            );
        }
        p.send(
            ProbeKind::Read,
            &endpoints::HEALTH_CHECK_GET,
            "read",
            &health,
            placement,
        )
        .await?;
    }
    Ok(p.probes)
}
