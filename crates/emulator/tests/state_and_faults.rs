#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Seed file, persistence, admin endpoints and fault injection.

mod common;

use common::*;
use emulator::{Config, FaultConfig, FaultKind, ScriptedFault};
use serde_json::{json, Value};
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn example_seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/emulator-seed.yaml")
}

#[tokio::test]
async fn example_seed_is_a_working_estate() {
    let h = emulator::spawn(Config::demo().with_seed(example_seed()))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let gws = c
        .get(
            "/v4/cda/gateway/list",
            &[("pageNo", "1"), ("pageSize", "10")],
        )
        .await;
    assert_eq!(gws.ret()["totalCount"], 2);
    assert_eq!(
        gws.ret()["lineGatewayList"][0]["lineList"],
        json!(["pl-4k7q2m9x1a", "pl-8c3w5n0r2b"])
    );
    let lines = c.get("/v4/cda/physical-line/list", &[]).await;
    assert_eq!(lines.ret()["totalCount"], 4);
    let sr = c
        .get("/v4/cda/static-route/list", &[("gatewayName", "gwprod01")])
        .await;
    assert_eq!(sr.ret()["staticRouteList"][0]["SRID"], "sr-6n2x8k4p0a");
    assert_eq!(
        sr.ret()["staticRouteList"][0]["nextHop"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bgp = c
        .get("/v4/cda/bgp-route/list", &[("gatewayName", "gwdr01")])
        .await;
    assert_eq!(
        bgp.ret()["bgpRouteList"][0]["BGPList"][0]["lineID"],
        "pl-2h6t9d4k7c"
    );
    let hc = c
        .get(
            "/v4/cda/health-check/get",
            &[
                ("gatewayName", "gwprod01"),
                ("vpcID", "vpc-prod7k2hd0"),
                ("vpcName", "prod"),
            ],
        )
        .await;
    assert!(hc.ret()["settingItem"]
        .as_str()
        .unwrap()
        .contains("10.10.1.250"));
    let vpcs = c
        .get("/v4/cda/vpc/count", &[("gatewayName", "gwprod01")])
        .await;
    assert_eq!(vpcs.ret()["count"], 2);
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_seed_is_reported_with_the_rule() {
    let seed = emulator::Seed::parse(
        "accounts:\n  - account: demo@cda.local\n    gateways:\n      - name: gw-bad!\n",
        "inline",
    )
    .unwrap();
    let err = emulator::spawn(Config::demo().with_seed(seed))
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("CDA.Gateway.InvalidName"), "{err}");
    let err = emulator::Seed::parse("accounts:\n  - account: a@b\n    gatewayz: []\n", "inline")
        .unwrap_err();
    assert!(err.to_string().contains("gatewayz"), "{err}");
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let h = emulator::spawn(Config::demo().with_state_file(&file))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    add_gateway(&c, "gwkeep01").await;
    let id = add_line(&c, "keep-line", 1).await;
    bind(&c, "gwkeep01", &id).await;
    // Saved after every write, via a temp file that is renamed away.
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        saved["accounts"][emulator::DEMO_ACCOUNT]["gateways"][0]["name"],
        "gwkeep01"
    );
    assert!(!dir.path().join("state.json.tmp").exists());
    h.shutdown().await.unwrap();

    // The state file wins over a seed when it exists.
    let h = emulator::spawn(
        Config::demo()
            .with_state_file(&file)
            .with_seed(example_seed()),
    )
    .await
    .unwrap();
    let c = Client::new(h.base_url());
    let gws = c.get("/v4/cda/gateway/list", &[]).await;
    assert_eq!(gws.ret()["totalCount"], 1);
    assert_eq!(gws.ret()["lineGatewayList"][0]["lineList"], json!([id]));
    let history = admin(&h.base_url(), "GET", "/_emulator/history", None).await;
    assert_eq!(history["history"].as_array().unwrap().len(), 3);
    // Reset returns to the seed, and that is saved too.
    admin(&h.base_url(), "POST", "/_emulator/reset", None).await;
    let gws = c.get("/v4/cda/gateway/list", &[]).await;
    assert_eq!(gws.ret()["totalCount"], 2);
    h.shutdown().await.unwrap();
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(
        saved["accounts"][emulator::DEMO_ACCOUNT]["gateways"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(saved["history"], json!([]));
}

#[tokio::test]
async fn admin_endpoints_report_and_redact() {
    let h = emulator::spawn(Config::demo().with_seed(example_seed()))
        .await
        .unwrap();
    let base = h.base_url();
    let c = Client::new(base.clone());
    c.get("/v4/cda/gateway/list", &[]).await;
    c.get("/v4/cda/gateway/list", &[]).await;
    add_gateway(&c, "gwnew01").await;
    c.post("/v4/cda/gateway/add", json!({"gatewayName": "gwnew01"}))
        .await;
    let stats = admin(&base, "GET", "/_emulator/stats", None).await;
    assert_eq!(stats["requests"], 4);
    assert_eq!(stats["errors"], 1);
    assert_eq!(stats["writesCommitted"], 1);
    assert_eq!(
        stats["endpoints"]["GET /v4/cda/gateway/list"]["requests"],
        2
    );
    assert_eq!(
        stats["endpoints"]["POST /v4/cda/gateway/add"],
        json!({"requests": 2, "errors": 1})
    );
    assert_eq!(stats["errorCodes"]["CDA.Gateway.NameDuplicate"], 1);
    let history = admin(&base, "GET", "/_emulator/history", None).await;
    let entry = &history["history"][0];
    assert_eq!(
        (
            entry["action"].clone(),
            entry["kind"].clone(),
            entry["key"].clone()
        ),
        (json!("create"), json!("gateway"), json!("gwnew01"))
    );
    assert_eq!(entry["endpoint"], "/v4/cda/gateway/add");
    assert_eq!(entry["account"], emulator::DEMO_ACCOUNT);
    let state = admin(&base, "GET", "/_emulator/state", None).await;
    assert_eq!(
        state["accounts"][emulator::DEMO_ACCOUNT]["gateways"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Add more inventory at run time.
    admin(&base, "POST", "/_emulator/seed", Some(json!({"accounts": [{"account": "demo@cda.local", "gateways": [{"name": "gwextra1"}]}]}))).await;
    assert_eq!(c.get("/v4/cda/gateway/count", &[]).await.ret()["count"], 4);
    admin(&base, "POST", "/_emulator/reset?empty=1", None).await;
    assert_eq!(c.get("/v4/cda/gateway/count", &[]).await.ret()["count"], 0);
    let stats = admin(&base, "GET", "/_emulator/stats", None).await;
    assert_eq!(stats["requests"], 1);
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn bgp_keys_are_redacted_in_admin_state() {
    let h = emulator::spawn(Config::demo().with_seed(example_seed()))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let bgp = c
        .get("/v4/cda/bgp-route/list", &[("gatewayName", "gwdr01")])
        .await;
    let bgpid = bgp.ret()["bgpRouteList"][0]["BGPID"]
        .as_str()
        .unwrap()
        .to_string();
    c.must("/v4/cda/bgp-route/update", json!({"BGPID": bgpid, "ipVersion": "IPV4", "BGPList": [{"BGPNeighbor": "sh-dr-ce", "BGPIP": "10.255.1.2", "lineID": "pl-2h6t9d4k7c", "peerAS": "65010", "BGPKey": "hunter2", "bfd": true}]})).await;
    let state = admin(&h.base_url(), "GET", "/_emulator/state", None).await;
    let text = state.to_string();
    assert!(!text.contains("hunter2"));
    assert!(text.contains("***"));
    h.shutdown().await.unwrap();
}

/// Status of each of `n` sequential gateway/count calls.
/// An emulator that plays this fault script.
async fn spawn_scripted(script: Vec<ScriptedFault>) -> emulator::Handle {
    emulator::spawn(Config::demo().with_faults(FaultConfig {
        script,
        ..FaultConfig::default()
    }))
    .await
    .unwrap()
}

/// `eop-date` and `Eop-Authorization` of a demo-account request with id `r`
/// and no query, for the tests that send raw requests (a dropped connection
/// is what they look for, which the common client does not report).
fn demo_signature(body: &[u8]) -> (String, String) {
    let date = emulator::sign::eop_date(chrono::Utc::now());
    let auth = emulator::sign::authorization(
        emulator::DEMO_ACCESS_KEY,
        emulator::DEMO_SECRET_KEY,
        "r",
        &date,
        "",
        body,
    );
    (date, auth)
}

async fn statuses(seed: u64, n: usize) -> Vec<String> {
    let faults = FaultConfig {
        seed,
        ..FaultConfig::default().with_fault_rate(0.6)
    };
    let h = emulator::spawn(Config::demo().with_faults(faults))
        .await
        .unwrap();
    let mut out = Vec::new();
    for _ in 0..n {
        // A fresh connection each time: a dropped connection must not
        // poison the next request.
        let c = Client::new(h.base_url());
        let (date, auth) = demo_signature(b"");
        let resp = c
            .http
            .get(format!("{}/v4/cda/gateway/count", h.base_url()))
            .header("ctyun-eop-request-id", "r")
            .header("eop-date", date)
            .header("Eop-Authorization", auth)
            .send()
            .await;
        out.push(match resp {
            Err(_) => "dropped".to_string(),
            Ok(r) => {
                let status = r.status().as_u16();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                format!("{status}:{}", body["errorCode"].as_str().unwrap_or("-"))
            }
        });
    }
    h.shutdown().await.unwrap();
    out
}

#[tokio::test]
async fn faults_are_deterministic_per_seed() {
    let a = statuses(7, 40).await;
    let b = statuses(7, 40).await;
    let other = statuses(8, 40).await;
    assert_eq!(a, b);
    assert_ne!(a, other);
    for kind in [
        "500:CDA.Service.InternalError",
        "502:CDA.Service.BadGateway",
        "503:CDA.Service.Unavailable",
        "429:CDA.Request.Throttling",
        "dropped",
        "200:",
    ] {
        assert!(
            a.iter().chain(&other).any(|s| s == kind),
            "{kind} never seen in {a:?}"
        );
    }
}

#[tokio::test]
async fn dropped_before_commit_does_nothing_and_after_commit_loses_only_the_response() {
    let script = vec![
        ScriptedFault {
            path: Some("/v4/cda/gateway/add".into()),
            method: None,
            kind: FaultKind::DropBefore,
        },
        ScriptedFault {
            path: Some("/v4/cda/gateway/add".into()),
            method: None,
            kind: FaultKind::DropAfter,
        },
    ];
    let h = spawn_scripted(script).await;
    let base = h.base_url();
    let body = json!({"gatewayName": "gwonce01"}).to_string();
    let send = || async {
        let (date, auth) = demo_signature(body.as_bytes());
        reqwest::Client::new()
            .post(format!("{base}/v4/cda/gateway/add"))
            .header("ctyun-eop-request-id", "r")
            .header("eop-date", date)
            .header("Eop-Authorization", auth)
            .body(body.clone())
            .send()
            .await
    };
    assert!(
        send().await.is_err(),
        "first attempt must see a dropped connection"
    );
    assert!(h.app().history().is_empty());
    assert!(
        send().await.is_err(),
        "second attempt must see a dropped connection"
    );
    // ...but that one committed.
    let history = h.app().history();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].key, "gwonce01");
    let c = Client::new(base.clone());
    assert_eq!(c.get("/v4/cda/gateway/count", &[]).await.ret()["count"], 1);
    // A blind retry is refused instead of creating it twice.
    let r = c
        .post("/v4/cda/gateway/add", json!({"gatewayName": "gwonce01"}))
        .await;
    assert_eq!(r.code(), "CDA.Gateway.NameDuplicate");
    let stats = admin(&base, "GET", "/_emulator/stats", None).await;
    assert_eq!(stats["faults"], json!({"dropBefore": 1, "dropAfter": 1}));
    assert_eq!(stats["writesCommitted"], 1);
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_sends_no_bytes() {
    let script = vec![ScriptedFault {
        path: None,
        method: None,
        kind: FaultKind::DropBefore,
    }];
    let h = spawn_scripted(script).await;
    let (date, auth) = demo_signature(b"");
    let mut tcp = tokio::net::TcpStream::connect(h.addr).await.unwrap();
    let req = format!(
        "GET /v4/cda/gateway/count HTTP/1.1\r\nHost: x\r\nctyun-eop-request-id: r\r\neop-date: {date}\r\nEop-Authorization: {auth}\r\n\r\n"
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let _ = tcp.read_to_end(&mut got).await;
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn qps_limit_throttles_with_429() {
    let faults = FaultConfig {
        qps: Some(3),
        ..FaultConfig::default()
    };
    let h = emulator::spawn(Config::demo().with_faults(faults))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let mut codes = Vec::new();
    for _ in 0..8 {
        let r = c.get("/v4/cda/gateway/count", &[]).await;
        codes.push((r.status, r.code().to_string()));
    }
    let throttled = codes
        .iter()
        .filter(|(s, code)| *s == 429 && code == "CDA.Request.Throttling")
        .count();
    // 8 calls fit in at most two one-second windows: at least 2 refused.
    assert!(throttled >= 2, "{codes:?}");
    assert!(codes.iter().all(|(s, _)| *s == 200 || *s == 429));
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn created_objects_show_in_lists_only_after_the_delay() {
    let faults = FaultConfig {
        visibility_delay_ms: 600_000,
        ..FaultConfig::default()
    };
    let h = emulator::spawn(Config::demo().with_faults(faults))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    add_gateway(&c, "gwlate01").await;
    assert_eq!(
        c.get("/v4/cda/gateway/list", &[]).await.ret()["totalCount"],
        0
    );
    assert_eq!(c.get("/v4/cda/gateway/count", &[]).await.ret()["count"], 0);
    // The rules already see it.
    let r = c
        .post("/v4/cda/gateway/add", json!({"gatewayName": "gwlate01"}))
        .await;
    assert_eq!(r.code(), "CDA.Gateway.NameDuplicate");
    // The admin view shows everything, whatever the delay.
    let state = admin(&h.base_url(), "GET", "/_emulator/state", None).await;
    assert_eq!(
        state["accounts"][emulator::DEMO_ACCOUNT]["gateways"][0]["name"],
        "gwlate01"
    );
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn faults_can_be_read_and_replaced_at_run_time() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let base = h.base_url();
    let f = admin(&base, "GET", "/_emulator/faults", None).await;
    assert_eq!(f["errorRate"], 0.0);
    let put = admin(
        &base,
        "PUT",
        "/_emulator/faults",
        Some(json!({"seed": 3, "script": [{"kind": "http503"}]})),
    )
    .await;
    assert_eq!(put["seed"], 3);
    let c = Client::new(base.clone());
    let r = c.get("/v4/cda/gateway/count", &[]).await;
    assert_eq!((r.status, r.code()), (503, "CDA.Service.Unavailable"));
    assert!(c.get("/v4/cda/gateway/count", &[]).await.ok());
    h.shutdown().await.unwrap();
}
