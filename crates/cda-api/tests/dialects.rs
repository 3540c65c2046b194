//! The client against loopback servers that are strict the way each
//! dialect of DIALECTS.md §2 is: where a GET's parameters are read, which
//! gateway key is accepted, and what shape answers take. The client is
//! built with no configuration beyond the endpoint and keys.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use cda_api::types::*;
use cda_api::{GatewayKey, GetParams};
use common::{assert_signed, client, config, write_ok, Captured, Reply, TestServer};
use serde_json::{json, Value};

fn body(req: &Captured) -> Option<Value> {
    serde_json::from_slice(&req.body).ok()
}

fn query_has(req: &Captured, pair: &str) -> bool {
    req.query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == pair))
}

fn missing(field: &str) -> Reply {
    Reply::Json(
        200,
        json!({"statusCode": 900, "errorCode": "cda.param.missing",
               "message": format!("missing parameter: {field}")})
        .to_string(),
    )
}

fn ok_flat(fields: Value) -> Reply {
    let mut v = json!({"statusCode": 800, "message": "success"});
    for (k, x) in fields.as_object().unwrap() {
        v[k] = x.clone();
    }
    Reply::Json(200, v.to_string())
}

/// `go`: GET parameters only from the JSON body, `gatewayName` only, list
/// rows flattened into the envelope.
#[tokio::test]
async fn go_server_reads_the_body_and_gateway_name() {
    let server = TestServer::start(|req, _| {
        let Some(b) = body(req) else {
            return missing("gatewayName");
        };
        if req.path.ends_with("/gateway/list") {
            if b.get("pageNo").is_none() {
                return missing("pageNo");
            }
            return ok_flat(
                json!({"fuid": "id-1", "vrfName": "gw1", "gatewayName": "gw1",
                                   "count": 1, "lineList": ["l-1"]}),
            );
        }
        if b.get("gatewayName").and_then(Value::as_str) != Some("gw1") {
            return missing("gatewayName");
        }
        ok_flat(
            json!({"vpcId": "vpc-1", "vrfName": "gw1", "vpcSubnet": "10.0.1.0/24,10.0.2.0/24",
                       "virtualBandwidth": 100}),
        )
    })
    .await;
    let c = client(&server);
    let gws = c
        .gateway_list_all(&GatewayListRequest::default())
        .await
        .unwrap();
    assert_eq!(gws[0].name(), Some("gw1"));
    c.learn_gateways(&gws);
    let scoped = GatewayScopedRequest {
        gateway_name: "gw1".into(),
        ..Default::default()
    };
    let vpcs = c.vpc_list(&scoped).await.unwrap();
    assert_eq!(vpcs[0].vpc_subnet, vec!["10.0.1.0/24", "10.0.2.0/24"]);
    assert_eq!(vpcs[0].bandwidth, Some(100));
    // No call needed a second try.
    assert_eq!(server.requests().len(), 2);
    server.requests().iter().for_each(assert_signed);
}

/// `doc`/`py4`: GET parameters only from the query, `vrfName` is the
/// gateway's ID (not its name) and the only key accepted; gateway rows
/// carry `displayName` + `vrfName`.
#[tokio::test]
async fn py4_server_gets_the_vrf_name_from_the_servers_own_row() {
    let server = TestServer::start(|req, _| {
        if req.path.ends_with("/gateway/list") {
            return common::ok(json!({"totalCount": 1, "currentCount": 1, "lineGatewayList": [
                {"vrfName": "7f3a0c", "displayName": "gwprod01", "account": "a@b.c"}]}));
        }
        if req.path.ends_with("/vpc/add") {
            let b = body(req).unwrap();
            if b.get("vrfName").and_then(Value::as_str) != Some("7f3a0c") {
                return missing("vrfName");
            }
            return write_ok();
        }
        if !query_has(req, "vrfName=7f3a0c") {
            return missing("vrfName");
        }
        common::ok(json!({"vpcList": [{"vpcID": "vpc-1", "vrfName": "7f3a0c", "vpcSubnet": "10.0.1.0/24 10.0.2.0/24", "bandwidth": 50}]}))
    })
    .await;
    let c = client(&server);
    let gws = c
        .gateway_list_all(&GatewayListRequest::default())
        .await
        .unwrap();
    // Named by displayName; vrfName is the ID.
    assert_eq!(gws[0].name(), Some("gwprod01"));
    c.learn_gateways(&gws);
    assert_eq!(c.vrf_name("gwprod01").as_deref(), Some("7f3a0c"));
    let scoped = GatewayScopedRequest {
        gateway_name: "gwprod01".into(),
        ..Default::default()
    };
    let vpcs = c.vpc_list(&scoped).await.unwrap();
    assert_eq!(vpcs[0].vpc_subnet, vec!["10.0.1.0/24", "10.0.2.0/24"]);
    c.vpc_add(&VpcAddRequest {
        region_id: "nm8".into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-2".into(),
        ip_version: "IPV4".into(),
        bandwidth: 10,
        ..Default::default()
    })
    .await
    .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let add = body(&reqs[2]).unwrap();
    assert_eq!(
        (add["gatewayName"].as_str(), add["vrfName"].as_str()),
        (Some("gwprod01"), Some("7f3a0c"))
    );
}

/// A gateway that refuses a GET carrying a body (HTTP 400): the read is
/// tried once with the query alone, and every later GET goes that way
/// without a refused first try.
#[tokio::test]
async fn a_refused_get_body_is_dropped_for_the_rest_of_the_process() {
    let server = TestServer::start(|req, _| {
        if req.method == "GET" && !req.body.is_empty() {
            return Reply::Json(400, "<html>bad request</html>".into());
        }
        common::ok(json!({"vpcList": []}))
    })
    .await;
    let c = client(&server);
    let scoped = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    assert!(c.vpc_list(&scoped).await.unwrap().is_empty());
    assert!(c.static_route_list(&scoped).await.unwrap().is_empty());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3, "refused, retried, then straight away");
    assert!(reqs[1].body.is_empty() && reqs[2].body.is_empty());
    assert_eq!(
        c.wire_options(&cda_api::endpoints::STATIC_ROUTE_LIST)
            .get_params,
        GetParams::Query
    );
    // The gateway keys were not what was refused: both are still sent.
    assert_eq!(
        c.wire_options(&cda_api::endpoints::STATIC_ROUTE_LIST)
            .gateway_key,
        GatewayKey::Both
    );
    assert!(query_has(&reqs[2], "vrfName=gw") && query_has(&reqs[2], "gatewayName=gw"));
}

/// A server that refuses an unknown `vrfName`: the client settles on
/// `gatewayName` alone, also for writes.
#[tokio::test]
async fn a_refused_extra_key_is_dropped_and_writes_follow() {
    let server = TestServer::start(|req, _| {
        let has_vrf =
            query_has(req, "vrfName=gw") || body(req).is_some_and(|b| b.get("vrfName").is_some());
        if has_vrf {
            return Reply::Json(
                200,
                json!({"statusCode": 900, "error": "cda.request.invalid",
                       "msgDesc": "unknown field vrfName"})
                .to_string(),
            );
        }
        if req.method == "POST" {
            return write_ok();
        }
        common::ok(json!({"vpcList": []}))
    })
    .await;
    let c = client(&server);
    let scoped = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    c.vpc_list(&scoped).await.unwrap();
    assert_eq!(
        c.wire_options(&cda_api::endpoints::STATIC_ROUTE_LIST)
            .gateway_key,
        GatewayKey::GatewayName
    );
    c.vpc_delete(&VpcDeleteRequest {
        gateway_name: "gw".into(),
        vpc_id: "vpc-1".into(),
        region_id: None,
    })
    .await
    .unwrap();
    let last = server.requests().pop().unwrap();
    assert_eq!(last.method, "POST");
    assert!(body(&last).unwrap().get("vrfName").is_none());
}

/// A write is never retried in another form: the refusal is the answer.
#[tokio::test]
async fn a_refused_write_is_not_resent() {
    let server = TestServer::start(|_, _| missing("vrfName")).await;
    let c = client(&server);
    let err = c
        .vpc_delete(&VpcDeleteRequest {
            gateway_name: "gw".into(),
            vpc_id: "vpc-1".into(),
            region_id: None,
        })
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("missing parameter: vrfName"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// Pinned forms are sent as pinned and never varied.
#[tokio::test]
async fn overrides_pin_the_form() {
    let server = TestServer::start(|_, _| missing("x")).await;
    let mut cfg = config(&server);
    cfg.get_params = Some(GetParams::Query);
    cfg.gateway_key = Some(GatewayKey::VrfName);
    let c = cda_api::Client::new(cfg).unwrap();
    let scoped = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    assert!(c.vpc_list(&scoped).await.is_err());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "no adaptation when pinned");
    assert_eq!(reqs[0].query.as_deref(), Some("vrfName=gw"));
    assert!(reqs[0].body.is_empty());
    assert_eq!(reqs[0].header("content-type"), None);
}

/// `shuffle`: one endpoint refuses a GET body, another reads only the
/// body. Each endpoint settles on its own form and keeps it.
#[tokio::test]
async fn each_endpoint_keeps_its_own_form() {
    let server = TestServer::start(|req, _| {
        let has_body = !req.body.is_empty();
        let has_query = req.query.is_some();
        if req.path.ends_with("/vpc/list") && has_body {
            return Reply::Json(400, "bad request".into());
        }
        if req.path.ends_with("/static-route/list") && !has_body {
            return missing("gatewayName");
        }
        if req.path.ends_with("/static-route/list") && has_query {
            return missing("unsupported query parameter");
        }
        common::ok(json!({"list": []}))
    })
    .await;
    let c = client(&server);
    let scoped = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    for _ in 0..2 {
        c.vpc_list(&scoped).await.unwrap();
        c.static_route_list(&scoped).await.unwrap();
    }
    use cda_api::endpoints::{STATIC_ROUTE_LIST, VPC_LIST};
    assert_eq!(c.wire_options(&VPC_LIST).get_params, GetParams::Query);
    assert_eq!(
        c.wire_options(&STATIC_ROUTE_LIST).get_params,
        GetParams::Body
    );
    let reqs = server.requests();
    // The second round went straight to the learnt forms.
    let tail = &reqs[reqs.len() - 2..];
    assert!(tail[0].path.ends_with("/vpc/list") && tail[0].body.is_empty());
    assert!(tail[1].path.ends_with("/static-route/list") && tail[1].query.is_none());
}
