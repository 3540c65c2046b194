#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Signature verification, parameter placement, envelope and pagination.

mod common;

use chrono::{Duration, Utc};
use common::*;
use emulator::{sign, Config, Seed};
use serde_json::json;

fn gateways(n: usize) -> Seed {
    let yaml = format!(
        "accounts:\n  - account: {}\n    gateways:\n{}",
        emulator::DEMO_ACCOUNT,
        (0..n)
            .map(|i| format!("      - name: gw{i:03}\n"))
            .collect::<String>()
    );
    Seed::parse(&yaml, "test").unwrap()
}

#[tokio::test]
async fn each_authentication_failure_has_its_own_code() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let base = h.base_url();
    let path = "/v4/cda/gateway/list";

    // No Eop-Authorization at all.
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["statusCode"], 900);
    assert_eq!(body["errorCode"], "CDA.Auth.MissingAuthorization");
    assert!(!body["message"].as_str().unwrap().is_empty());
    assert!(!body["description"].as_str().unwrap().is_empty());

    // Malformed header.
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("Eop-Authorization", "nonsense")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "CDA.Auth.MalformedAuthorization");

    // Unknown access key.
    let stranger = Client::with_keys(base.clone(), "AKnobody", "SKnobody");
    let r = stranger.get(path, &[]).await;
    assert_eq!((r.status, r.code()), (401, "CDA.Auth.UnknownAccessKey"));

    // Right AK, wrong SK.
    let forger = Client::with_keys(base.clone(), emulator::DEMO_ACCESS_KEY, "wrong");
    let r = forger.get(path, &[]).await;
    assert_eq!((r.status, r.code()), (401, "CDA.Auth.SignatureMismatch"));

    // A client that stamps UTC (with the literal Z) is 8 hours early.
    let c = Client::new(base.clone());
    let utc_stamp = Utc::now().format(sign::EOP_DATE_FORMAT).to_string();
    let r = c.send_raw("GET", path, "", b"", Some(utc_stamp)).await;
    assert_eq!((r.status, r.code()), (401, "CDA.Auth.RequestExpired"));

    // 20 minutes old, correctly Beijing-stamped: outside the 15-minute window.
    let old = sign::eop_date(Utc::now() - Duration::minutes(20));
    let r = c.send_raw("GET", path, "", b"", Some(old)).await;
    assert_eq!(r.code(), "CDA.Auth.RequestExpired");
    let recent = sign::eop_date(Utc::now() - Duration::minutes(10));
    assert!(c.send_raw("GET", path, "", b"", Some(recent)).await.ok());

    // Garbage date (signed, so only the format is wrong).
    let r = c
        .send_raw("GET", path, "", b"", Some("yesterday".into()))
        .await;
    assert_eq!(r.code(), "CDA.Auth.InvalidDate");

    // Body tampered after signing.
    let date = sign::eop_date(Utc::now());
    let auth = sign::authorization(
        emulator::DEMO_ACCESS_KEY,
        emulator::DEMO_SECRET_KEY,
        "rid",
        &date,
        "",
        b"{}",
    );
    let r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("ctyun-eop-request-id", "rid")
        .header("eop-date", &date)
        .header("Eop-Authorization", auth)
        .body("{\"pageNo\":1}")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "CDA.Auth.SignatureMismatch");

    let stats = admin(&base, "GET", "/_emulator/stats", None).await;
    assert_eq!(stats["errorCodes"]["CDA.Auth.RequestExpired"], 2);
    assert_eq!(
        stats["endpoints"]["GET /v4/cda/gateway/list"]["requests"],
        8
    );
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_official_calling_example_gets_800() {
    let h = emulator::spawn(Config::demo().with_seed(gateways(3)))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    // Python json.dumps default separators, exactly as the example sends it.
    let body = br#"{"page": "1", "pageSize": "2"}"#;
    let r = c
        .send_raw("POST", "/v4/cda/gateway/list", "", body, None)
        .await;
    assert!(r.ok(), "{}", r.body);
    assert_eq!(r.body["message"], "");
    assert_eq!(r.body["errorCode"], "");
    assert_eq!(r.ret()["totalCount"], 3);
    assert_eq!(r.ret()["currentCount"], 2);
    assert_eq!(r.ret()["lineGatewayList"].as_array().unwrap().len(), 2);
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn get_parameters_from_query_or_body_and_client_query_variants() {
    let h = emulator::spawn(Config::demo().with_seed(gateways(3)))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let path = "/v4/cda/gateway/list";

    // PY4/DOC: sorted query, no body.
    let r = c
        .get(
            path,
            &[
                ("gatewayName", "gw001"),
                ("pageNo", "1"),
                ("pageSize", "10"),
            ],
        )
        .await;
    assert!(r.ok(), "{}", r.body);
    assert_eq!(r.ret()["totalCount"], 1);

    // GO: GET with a compact JSON body and an empty query.
    let body = br#"{"account":"demo@cda.local","gatewayName":"gw002","pageNo":0,"pageSize":0,"projectID":"","regionID":""}"#;
    let r = c.send_raw("GET", path, "", body, None).await;
    assert!(r.ok(), "{}", r.body);
    assert_eq!(r.ret()["lineGatewayList"][0]["gatewayName"], "gw002");

    // PYH: unsorted query with `+` for space and a raw comma, body `{}`,
    // signed over the sorted, %20-encoded, %2C→`,` form.
    let sent = "search=gw+0&pageSize=10&account=demo%40cda.local&pageNo=1&x=a,b";
    let signed = "account=demo%40cda.local&pageNo=1&pageSize=10&search=gw%200&x=a,b";
    let date = sign::eop_date(Utc::now());
    let auth = sign::authorization(
        emulator::DEMO_ACCESS_KEY,
        emulator::DEMO_SECRET_KEY,
        "r1",
        &date,
        signed,
        b"{}",
    );
    let r = reqwest::Client::new()
        .get(format!("{}{path}?{sent}", h.base_url()))
        .header("Ctyun-Eop-Request-Id", "r1")
        .header("Eop-Date", &date)
        .header("Eop-Authorization", auth)
        .header("x-ctyun-service", "cda")
        .body("{}")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["statusCode"], 800, "{body}");
    // `search=gw 0` matches no gateway name.
    assert_eq!(body["returnObj"]["totalCount"], 0);

    // GO QueryEscape style: space as `+` in what was signed.
    let q = "gatewayName=gw000&search=gw0";
    assert!(c.send_raw("GET", path, q, b"", None).await.ok());
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn pagination_defaults_clamps_and_rejects() {
    let h = emulator::spawn(Config::demo().with_seed(gateways(57)))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let path = "/v4/cda/gateway/list";
    let names = |r: &Reply| -> Vec<String> {
        r.ret()["lineGatewayList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["vrfName"].as_str().unwrap().to_string())
            .collect()
    };
    let r = c.get(path, &[]).await;
    assert_eq!(
        (
            r.ret()["totalCount"].as_u64(),
            r.ret()["currentCount"].as_u64()
        ),
        (Some(57), Some(10))
    );
    assert_eq!(names(&r)[0], "gw000");
    let r = c.get(path, &[("pageNo", "3"), ("pageSize", "20")]).await;
    assert_eq!(r.ret()["currentCount"], 17);
    assert_eq!(names(&r)[0], "gw040");
    // Above the maximum of 50: clamped.
    let r = c.get(path, &[("pageNo", "1"), ("pageSize", "100")]).await;
    assert_eq!(r.ret()["currentCount"], 50);
    let r = c.get(path, &[("pageNo", "2"), ("pageSize", "100")]).await;
    assert_eq!(r.ret()["currentCount"], 7);
    let r = c.get(path, &[("pageNo", "9"), ("pageSize", "50")]).await;
    assert_eq!(r.ret()["currentCount"], 0);
    assert_eq!(r.ret()["totalCount"], 57);
    let r = c.get(path, &[("pageNo", "-1")]).await;
    assert_eq!(r.code(), "CDA.Request.InvalidParameter");
    let r = c.get(path, &[("pageSize", "ten")]).await;
    assert_eq!(r.code(), "CDA.Request.InvalidParameter");
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn envelope_methods_and_unknown_paths() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = Client::new(h.base_url());
    let r = c
        .must("/v4/cda/gateway/add", json!({"gatewayName": "gw01"}))
        .await;
    assert_eq!(r.ret()["result"], "1");
    assert!(r.ret()["data"].is_null() && r.ret()["errorMsg"].is_null());
    for key in [
        "statusCode",
        "message",
        "description",
        "errorCode",
        "error",
        "returnObj",
    ] {
        assert!(r.body.get(key).is_some(), "{key}");
    }
    let r = c
        .get("/v4/cda/gateway/add", &[("gatewayName", "gw02")])
        .await;
    assert_eq!((r.status, r.code()), (405, "CDA.Request.MethodNotAllowed"));
    let r = c.get("/v4/cda/nothing", &[]).await;
    assert_eq!((r.status, r.code()), (404, "CDA.Request.UnknownEndpoint"));
    let r = c
        .send_raw("POST", "/v4/cda/gateway/add", "", b"{not json", None)
        .await;
    assert_eq!(r.code(), "CDA.Request.MalformedBody");
    // Lists answer POST too.
    let r = c.post("/v4/cda/gateway/count", json!({})).await;
    assert_eq!(r.ret()["count"], 1);
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn accounts_are_isolated() {
    let other = emulator::Account::new("AK2", "SK2", "other@example.com");
    let h = emulator::spawn(Config::demo().with_account(other))
        .await
        .unwrap();
    let demo = Client::new(h.base_url());
    let second = Client::with_keys(h.base_url(), "AK2", "SK2");
    add_gateway(&demo, "gwdemo1").await;
    // The same name in another account is not a duplicate.
    add_gateway(&second, "gwdemo1").await;
    add_gateway(&second, "gwother").await;
    let r = demo.get("/v4/cda/gateway/list", &[]).await;
    assert_eq!(r.ret()["totalCount"], 1);
    assert_eq!(
        r.ret()["lineGatewayList"][0]["account"],
        emulator::DEMO_ACCOUNT
    );
    let r = second.get("/v4/cda/gateway/list", &[]).await;
    assert_eq!(r.ret()["totalCount"], 2);
    let r = demo
        .post("/v4/cda/gateway/delete", json!({"gatewayName": "gwother"}))
        .await;
    assert_eq!(r.code(), "CDA.Gateway.NotFound");
    h.shutdown().await.unwrap();
}
