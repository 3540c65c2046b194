//! The client against loopback test servers: exact signed requests, envelope
//! errors, pagination, read retries, write non-retries, unknown outcomes and
//! the tolerant response shapes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use cda_api::types::*;
use cda_api::Error;
use common::{assert_signed, client, ok, write_ok, Captured, Reply, TestServer};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn get_request_is_exact_and_signed() {
    let server = TestServer::start(|_, _| {
        ok(json!({"totalCount": 1, "currentCount": 1,
                  "lineGatewayList": [{"gatewayName": "gw01", "lineList": ["line-1"], "isSwConfig": true}]}))
    })
    .await;
    let req = GatewayListRequest {
        account: Some("user@sample.com".into()),
        region_id: Some("nm8".into()),
        search: Some("gw prod,01".into()),
        ..Default::default()
    };
    let page = client(&server).gateway_list(&req, 1, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name(), Some("gw01"));
    assert_eq!(page.items[0].line_list, vec!["line-1"]);
    assert_eq!(page.total_count, Some(1));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/v4/cda/gateway/list");
    assert_eq!(
        r.query.as_deref(),
        Some("account=user%40sample.com&pageNo=1&pageSize=10&regionID=nm8&search=gw%20prod%2C01")
    );
    // The same parameters as a JSON body (DIALECTS §4.2), signed as sent.
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        body,
        json!({"account": "user@sample.com", "pageNo": 1, "pageSize": 10,
               "regionID": "nm8", "search": "gw prod,01"})
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_signed(r);
}

#[tokio::test]
async fn post_request_is_exact_and_signed() {
    let server = TestServer::start(|_, _| write_ok()).await;
    let req = GatewayAddRequest {
        region_id: Some("nm8".into()),
        gateway_name: "gw01".into(),
        account: "user@sample.com".into(),
        hostname: "sw-bj-01".into(),
        description: Some("北京 主线".into()),
        is_sw_config: Some(true),
        ..Default::default()
    };
    let receipt = client(&server).gateway_add(&req).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v4/cda/gateway/add");
    assert_eq!(r.query, None);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"account":"user@sample.com","description":"北京 主线","gatewayName":"gw01","hostname":"sw-bj-01","isSwConfig":true,"regionID":"nm8"}"#
    );
    assert_signed(r);
    assert_eq!(receipt.endpoint, "gateway_add");
    assert_eq!(receipt.request_id, r.request_id());
    assert_eq!(receipt.trace_id.as_deref(), Some("trace-1"));
}

#[tokio::test]
async fn health_check_delete_uses_the_table_path() {
    let server = TestServer::start(|_, _| write_ok()).await;
    let req = HealthCheckDeleteRequest {
        region_id: "nm8".into(),
        gateway_name: "gw".into(),
        vpc_id: "vpc-1".into(),
    };
    client(&server).health_check_delete(&req).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", cda_api::endpoints::HEALTH_CHECK_DELETE.path)
    );
    assert_eq!(r.path, "/v4/vpn/config/delete");
    assert_signed(r);
}

#[tokio::test]
async fn envelope_error_is_typed_and_names_the_call() {
    let server = TestServer::start(|_, _| {
        Reply::Json(
            200,
            json!({"statusCode": 900, "errorCode": "cda.gateway.notFound", "error": "cda.gateway.notFound",
                   "message": "gateway not found", "description": "网关不存在", "returnObj": null})
            .to_string(),
        )
    })
    .await;
    let req = GatewayScopedRequest {
        gateway_name: "nope".into(),
        ..Default::default()
    };
    let err = client(&server).vpc_list(&req).await.unwrap_err();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "a non-transient API error is not retried");
    match &err {
        Error::Api {
            code,
            message,
            description,
            endpoint,
            request_id,
        } => {
            assert_eq!(code, "cda.gateway.notFound");
            assert_eq!(message, "gateway not found");
            assert_eq!(description, "网关不存在");
            assert_eq!(*endpoint, "vpc_list");
            assert_eq!(request_id, reqs[0].request_id());
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(!err.is_transient());
    assert_eq!(err.request_id(), Some(reqs[0].request_id()));
}

#[tokio::test]
async fn refused_mutation_inside_success_envelope_is_an_api_error() {
    let server = TestServer::start(|_, _| {
        ok(json!({"result": "0", "errorCode": "cda.route.conflict", "errorMsg": "gateway has a BGP route"}))
    })
    .await;
    let req = StaticRouteDeleteRequest {
        srid: "sr-1".into(),
        region_id: None,
    };
    let err = client(&server).static_route_delete(&req).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { code, endpoint: "static_route_delete", .. } if code == "cda.route.conflict"),
        "{err:?}"
    );
}

#[tokio::test]
async fn undecodable_body_is_a_decode_error() {
    let server = TestServer::start(|_, _| Reply::Json(200, "<html>gateway</html>".into())).await;
    let err = client(&server)
        .gateway_count(&GatewayCountRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                endpoint: "gateway_count",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.request_id().is_some());
}

/// A numeric query parameter (`pageNo`, `pageSize`) of a captured request.
fn query_number(req: &Captured, name: &str) -> usize {
    let query = req.query.clone().unwrap_or_default();
    query
        .split('&')
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
        .unwrap()
        .parse()
        .unwrap()
}

fn gateway(i: usize) -> serde_json::Value {
    json!({"gatewayName": format!("gw{i:02}"), "lineList": []})
}

#[tokio::test]
async fn pagination_walks_three_pages_by_total_count() {
    let server = TestServer::start(|req, _| {
        let page = query_number(req, "pageNo");
        let size = query_number(req, "pageSize");
        let all: Vec<_> = (0..5).map(gateway).collect();
        let items: Vec<_> = all.into_iter().skip((page - 1) * size).take(size).collect();
        ok(json!({"totalCount": 5, "currentCount": items.len(), "lineGatewayList": items}))
    })
    .await;
    let mut config = common::config(&server);
    config.page_size = 2;
    let c = cda_api::Client::new(config).unwrap();
    let all = c
        .gateway_list_all(&GatewayListRequest::default())
        .await
        .unwrap();
    let names: Vec<_> = all.iter().map(|g| g.name().unwrap().to_owned()).collect();
    assert_eq!(names, vec!["gw00", "gw01", "gw02", "gw03", "gw04"]);
    let queries: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap())
        .collect();
    assert_eq!(
        queries,
        vec![
            "pageNo=1&pageSize=2",
            "pageNo=2&pageSize=2",
            "pageNo=3&pageSize=2"
        ]
    );
}

#[tokio::test]
async fn pagination_without_total_count_stops_on_an_empty_page() {
    let server = TestServer::start(|req, _| {
        let page = query_number(req, "pageNo");
        let items: Vec<_> = (0..4)
            .map(|i| json!({"lineID": format!("l{i}")}))
            .skip((page - 1) * 2)
            .take(2)
            .collect();
        // No totalCount, and the list directly in returnObj.
        ok(json!(items))
    })
    .await;
    let mut config = common::config(&server);
    config.page_size = 2;
    let c = cda_api::Client::new(config).unwrap();
    let req = PhysicalLineListRequest {
        region_id: Some("nm8".into()),
        ..Default::default()
    };
    let lines = c.physical_line_list_all(&req).await.unwrap();
    assert_eq!(
        lines.iter().map(|l| l.id().unwrap()).collect::<Vec<_>>(),
        vec!["l0", "l1", "l2", "l3"]
    );
    assert_eq!(
        server.requests().len(),
        3,
        "two full pages, then an empty one"
    );
}

#[tokio::test]
async fn read_is_retried_after_503_then_succeeds() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::Json(503, "service unavailable".into())
        } else {
            ok(json!({"count": 7}))
        }
    })
    .await;
    let n = client(&server)
        .gateway_count(&GatewayCountRequest::default())
        .await
        .unwrap();
    assert_eq!(n, 7);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_ne!(
        reqs[0].request_id(),
        reqs[1].request_id(),
        "each attempt is a new signed request"
    );
    assert_signed(&reqs[1]);
}

#[tokio::test]
async fn read_gives_up_after_configured_attempts() {
    let server = TestServer::start(|_, _| Reply::Json(503, "{}".into())).await;
    let err = client(&server)
        .gateway_count(&GatewayCountRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::HttpStatus {
                status: 503,
                endpoint: "gateway_count",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 3, "read_attempts = 3");
    assert_eq!(err.request_id(), Some(server.requests()[2].request_id()));
}

#[tokio::test]
async fn throttling_is_retried_for_reads() {
    // HTTP 429 first, then a throttling envelope code, then success.
    let server = TestServer::start(|_, i| match i {
        0 => Reply::Json(
            429,
            json!({"statusCode": 900, "errorCode": "Openapi.Throttling"}).to_string(),
        ),
        1 => Reply::Json(
            200,
            json!({"statusCode": 900, "errorCode": "cda.Throttled.user", "message": "slow down"})
                .to_string(),
        ),
        _ => ok(json!({"count": 1})),
    })
    .await;
    let n = client(&server)
        .physical_line_count(&PhysicalLineCountRequest::default())
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn write_is_never_retried() {
    let server = TestServer::start(|_, _| Reply::Json(503, "{}".into())).await;
    let req = LineBindingRequest {
        gateway_name: "gw".into(),
        line_id: "l-1".into(),
        region_id: None,
    };
    let err = client(&server).physical_line_bind(&req).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::HttpStatus {
                status: 503,
                endpoint: "physical_line_bind",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.is_transient(),
        "transient, but the client still does not retry a write"
    );
    assert_eq!(server.requests().len(), 1);

    let throttled = TestServer::start(|_, _| {
        Reply::Json(
            200,
            json!({"statusCode": 900, "errorCode": "Openapi.Throttling"}).to_string(),
        )
    })
    .await;
    let err = client(&throttled)
        .physical_line_bind(&req)
        .await
        .unwrap_err();
    assert!(err.is_throttled());
    assert_eq!(throttled.requests().len(), 1);
}

#[tokio::test]
async fn dropped_connection_after_a_write_is_unknown_outcome() {
    let server = TestServer::start(|_, _| Reply::Drop).await;
    let req = StaticRouteAddRequest {
        gateway_name: "gw".into(),
        ip_version: "IPV4".into(),
        dst_cidr: vec!["10.0.0.0/16".into()],
        next_hop: vec![NextHop {
            remote_gateway_ip: "10.255.0.2".into(),
            priority: 10,
            track: Some(1),
            bfd: None,
        }],
        ..Default::default()
    };
    let err = client(&server).static_route_add(&req).await.unwrap_err();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "the write reached the server exactly once");
    match &err {
        Error::UnknownOutcome {
            endpoint,
            request_id,
            ..
        } => {
            assert_eq!(*endpoint, "static_route_add");
            assert_eq!(request_id, reqs[0].request_id());
        }
        other => panic!("expected UnknownOutcome, got {other:?}"),
    }
    assert!(!err.is_transient());
}

#[tokio::test]
async fn write_timing_out_after_send_is_unknown_outcome() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let mut config = common::config(&server);
    config.timeout = Duration::from_millis(300);
    let c = cda_api::Client::new(config).unwrap();
    let req = VpcDeleteRequest {
        gateway_name: "gw".into(),
        vpc_id: "vpc-1".into(),
        region_id: None,
    };
    let err = c.vpc_delete(&req).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownOutcome {
                endpoint: "vpc_delete",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn read_timeout_is_timeout_and_retried() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::Hang
        } else {
            ok(json!({"count": 2}))
        }
    })
    .await;
    let mut config = common::config(&server);
    config.timeout = Duration::from_millis(300);
    let c = cda_api::Client::new(config.clone()).unwrap();
    let req = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    assert_eq!(c.vpc_count(&req).await.unwrap(), 2);
    assert_eq!(server.requests().len(), 2);

    let hang = TestServer::start(|_, _| Reply::Hang).await;
    let mut config = common::config(&hang);
    config.timeout = Duration::from_millis(200);
    config.read_attempts = 1;
    let err = cda_api::Client::new(config)
        .unwrap()
        .vpc_count(&req)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                endpoint: "vpc_count",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn dropped_connection_on_a_read_is_retried() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::Drop
        } else {
            ok(json!({"vpcList": []}))
        }
    })
    .await;
    let req = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    assert!(client(&server).vpc_list(&req).await.unwrap().is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn connection_refused_write_is_a_transport_error_not_unknown() {
    // Bind then release a port so nothing listens there.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let config = cda_api::ClientConfig::new(cda_api::Credentials::new("ak", "sk"))
        .with_endpoint(format!("http://{addr}"));
    let c = cda_api::Client::new(config).unwrap();
    let err = c
        .gateway_delete(&GatewayDeleteRequest {
            gateway_name: "gw".into(),
            region_id: None,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                connect: true,
                endpoint: "gateway_delete",
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Tolerant response shapes, end to end

#[tokio::test]
async fn static_routes_flattened_under_another_key() {
    let server = TestServer::start(|_, _| {
        ok(json!({"staticRouteList": [
            {"SRID": "sr-1", "ipVersion": "IPV4", "dstCidr": ["10.0.0.0/16"], "remoteGatewayIp": "10.255.0.2", "priority": 10, "track": 1},
            {"SRId": "sr-1", "ipVersion": "IPV4", "dstCidr": ["10.0.0.0/16"], "remoteGatewayIp": "10.255.1.2", "priority": 20, "track": 0}
        ]}))
    })
    .await;
    let req = GatewayScopedRequest {
        gateway_name: "gw".into(),
        region_id: Some("nm8".into()),
        ..Default::default()
    };
    let routes = client(&server).static_route_list(&req).await.unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].next_hop.len(), 2);
    assert_eq!(
        server.requests()[0].query.as_deref(),
        Some("gatewayName=gw&regionID=nm8&vrfName=gw")
    );
}

#[tokio::test]
async fn bgp_routes_nested_directly_in_return_obj() {
    let server = TestServer::start(|_, _| {
        ok(json!([{"BGPID": "b-1", "ipVersion": "IPV4", "networkCidr": ["192.168.0.0/16"], "multiPathNum": "2",
                   "BGPList": [{"BGPNeighbor": "n", "BGPIP": "10.255.0.2", "lineID": "l-1", "peerAS": "65001", "BGPKey": "resp-key", "bfd": true}]}]))
    })
    .await;
    let req = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    let routes = client(&server).bgp_route_list(&req).await.unwrap();
    assert_eq!(routes[0].bgpid, "b-1");
    assert_eq!(routes[0].bgp_list[0].line_id.as_deref(), Some("l-1"));
    assert_eq!(
        routes[0].bgp_list[0]
            .bgp_key
            .as_ref()
            .map(ExposeSecret::expose_secret),
        Some("resp-key")
    );
}

#[tokio::test]
async fn counts_at_top_level_and_in_return_obj() {
    let server = TestServer::start(|_, i| {
        if i == 0 {
            Reply::Json(200, json!({"statusCode": 800, "count": 3}).to_string())
        } else {
            ok(json!({"count": 4}))
        }
    })
    .await;
    let c = client(&server);
    assert_eq!(
        c.physical_line_count(&PhysicalLineCountRequest::default())
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        c.gateway_count(&GatewayCountRequest::default())
            .await
            .unwrap(),
        4
    );
}

#[tokio::test]
async fn health_check_get_some_and_none() {
    let server = TestServer::start(|_, i| match i {
        0 => ok(json!({"result": "1", "settingItem": "{\"srcIP\":\"192.168.10.250\",\"dstIP\":\"10.255.0.2\",\"interval\":2,\"ntimest\":5,\"autoRouteSwitching\":true}"})),
        1 => ok(json!({"result": "1", "settingItem": ""})),
        // A read is judged by statusCode alone: result "0" is not an error.
        _ => ok(json!({"result": "0", "settingItem": null, "error_msg": "no health check"})),
    })
    .await;
    let c = client(&server);
    let req = HealthCheckGetRequest {
        gateway_name: "gw".into(),
        vpc_id: "vpc-1".into(),
        vpc_name: Some("prod".into()),
        ..Default::default()
    };
    let hc = c.health_check_get(&req).await.unwrap().unwrap();
    assert_eq!(
        (
            hc.src_ip.as_str(),
            hc.dst_ip.as_str(),
            hc.interval,
            hc.ntimest,
            hc.auto_route_switching
        ),
        ("192.168.10.250", "10.255.0.2", 2, 5, true)
    );
    assert_eq!(c.health_check_get(&req).await.unwrap(), None);
    assert_eq!(c.health_check_get(&req).await.unwrap(), None);
    assert_eq!(
        server.requests()[0].query.as_deref(),
        Some("gatewayName=gw&vpcID=vpc-1&vpcName=prod&vrfName=gw")
    );
}

#[tokio::test]
async fn vpc_list_under_documented_container_and_flattened_lines() {
    let server = TestServer::start(|req, _| {
        if req.path.ends_with("/vpc/list") {
            ok(json!({"vpcList": [{"vpcId": "vpc-1", "vpcSubnet": "192.168.10.0/24", "vpcSubnetIpv6": null, "virtualBandwidth": 500}]}))
        } else {
            // GO-style: a single line flattened into the envelope.
            Reply::Json(200, json!({"statusCode": 800, "lineId": "l-1", "lineName": "bj-a", "remoteConnectIP": "10.255.0.2"}).to_string())
        }
    })
    .await;
    let c = client(&server);
    let req = GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    };
    let vpcs = c.vpc_list(&req).await.unwrap();
    assert_eq!(vpcs[0].vpc_id.as_deref(), Some("vpc-1"));
    assert_eq!(vpcs[0].vpc_subnet, vec!["192.168.10.0/24"]);
    assert_eq!(vpcs[0].bandwidth, Some(500));
    let lines = c.gateway_physical_line_list(&req).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].id(), Some("l-1"));
    assert_eq!(lines[0].remote_connect_ip.as_deref(), Some("10.255.0.2"));
}

#[tokio::test]
async fn bgp_key_is_sent_on_the_wire_but_redacted_in_previews() {
    let server = TestServer::start(|_, _| write_ok()).await;
    let req = BgpRouteAddRequest {
        gateway_name: "gw".into(),
        ip_version: "IPV4".into(),
        network_cidr: vec!["192.168.0.0/16".into()],
        bgp_list: vec![BgpPeer {
            bgp_neighbor: "n1".into(),
            bgp_ip: "10.255.0.2".into(),
            line_id: Some("l-1".into()),
            peer_as: "65001".into(),
            bgp_key: Some(SecretString::from("hunter2".to_string())),
            bfd: true,
            ..Default::default()
        }],
        multi_path: Some(false),
        ..Default::default()
    };
    let preview = cda_api::wire_preview(&cda_api::endpoints::BGP_ROUTE_ADD, &req).unwrap();
    client(&server).bgp_route_add(&req).await.unwrap();
    let sent = &server.requests()[0];
    // The dry-run preview is byte-for-byte what was sent.
    assert_eq!(sent.body, preview.body_bytes());
    assert!(String::from_utf8_lossy(&sent.body).contains("\"BGPKey\":\"hunter2\""));
    let shown = serde_json::to_string(&preview.redacted()).unwrap();
    assert!(!shown.contains("hunter2"));
    assert!(
        !format!("{req:?}").contains("hunter2"),
        "Debug hides the key"
    );
}

#[tokio::test]
async fn pagination_follows_a_server_that_clamps_page_size() {
    // The server serves at most 3 per page whatever is asked, and sends
    // totalCount: the walk must still collect all 7.
    let server = TestServer::start(|req, _| {
        let page = query_number(req, "pageNo");
        let items: Vec<_> = (0..7).map(gateway).skip((page - 1) * 3).take(3).collect();
        ok(json!({"totalCount": 7, "lineGatewayList": items}))
    })
    .await;
    let all = client(&server)
        .gateway_list_all(&GatewayListRequest::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn rate_limit_spaces_out_calls() {
    let server = TestServer::start(|_, _| ok(json!({"count": 0}))).await;
    let mut config = common::config(&server);
    // 2 per second, no burst: the calls leave 0.5 s apart.
    config.rate_limit_per_sec = Some(2);
    let c = cda_api::Client::new(config).unwrap();
    let started = std::time::Instant::now();
    for _ in 0..3 {
        c.gateway_count(&GatewayCountRequest::default())
            .await
            .unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 3);
}
