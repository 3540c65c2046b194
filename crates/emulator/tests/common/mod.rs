//! A tiny signed client for the integration tests, built on the emulator's
//! own signer (the project's `cda-api` client is tested against the
//! emulator elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use chrono::Utc;
use emulator::sign;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::Value;

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub ak: String,
    pub sk: String,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["errorCode"].as_str().unwrap_or("")
    }
    pub fn ok(&self) -> bool {
        self.status == 200 && self.body["statusCode"] == 800
    }
    pub fn ret(&self) -> &Value {
        &self.body["returnObj"]
    }
}

pub fn encode_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    pub fn new(base: String) -> Self {
        Client::with_keys(base, emulator::DEMO_ACCESS_KEY, emulator::DEMO_SECRET_KEY)
    }

    pub fn with_keys(base: String, ak: &str, sk: &str) -> Self {
        Client {
            http: reqwest::Client::new(),
            base,
            ak: ak.into(),
            sk: sk.into(),
        }
    }

    /// Sends a request with the query exactly as given, signed over that
    /// query and the body bytes, with `eop-date` = `date` (default: now,
    /// Beijing time).
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
        date: Option<String>,
    ) -> Reply {
        let date = date.unwrap_or_else(|| sign::eop_date(Utc::now()));
        let rid = uuid::Uuid::new_v4().to_string();
        let auth = sign::authorization(&self.ak, &self.sk, &rid, &date, query, body);
        let url = if query.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query}", self.base)
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = self
            .http
            .request(method, url)
            .header("ctyun-eop-request-id", rid)
            .header("Eop-date", date)
            .header("Eop-Authorization", auth)
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body = resp.json::<Value>().await.unwrap_or(Value::Null);
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        self.send_raw("GET", path, &encode_query(query), b"", None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send_raw("POST", path, "", body.to_string().as_bytes(), None)
            .await
    }

    /// POST that must succeed.
    pub async fn must(&self, path: &str, body: Value) -> Reply {
        let r = self.post(path, body).await;
        assert!(r.ok(), "{path}: {} {}", r.status, r.body);
        r
    }
}

pub async fn admin(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

pub const GW: &str = "/v4/cda/gateway";
pub const PL: &str = "/v4/cda/physical-line";

/// A line body with interconnect 10.255.<n>.1/30 ↔ 10.255.<n>.2/30.
pub fn line_body(name: &str, n: u8) -> Value {
    serde_json::json!({
        "regionID": "nm8",
        "lineName": name,
        "account": emulator::DEMO_ACCOUNT,
        "hostname": "nm8-sw-01",
        "portType": "10G",
        "portName": format!("TenGE1/0/{n}"),
        "isShared": 0,
        "lineType": "PON",
        "bandwidth": 1000,
        "tag": 1,
        "vlan": 100 + u16::from(n),
        "ipVersion": "IPV4",
        "localConnectIP": format!("10.255.{n}.1/30"),
        "remoteConnectIP": format!("10.255.{n}.2/30"),
    })
}

/// Creates a line and returns its `lineID` (read back from the list).
pub async fn add_line(c: &Client, name: &str, n: u8) -> String {
    c.must(&format!("{PL}/add"), line_body(name, n)).await;
    let list = c
        .get(
            &format!("{PL}/list"),
            &[("pageNo", "1"), ("pageSize", "50")],
        )
        .await;
    list.ret()["physicalLineList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lineName"] == name)
        .map(|l| l["lineID"].as_str().unwrap().to_string())
        .expect("line listed")
}

pub async fn add_gateway(c: &Client, name: &str) {
    c.must(&format!("{GW}/add"), serde_json::json!({"gatewayName": name, "account": emulator::DEMO_ACCOUNT, "hostname": "nm8-sw-01", "regionID": "nm8"}))
        .await;
}

pub async fn bind(c: &Client, gw: &str, line: &str) {
    c.must(
        &format!("{PL}/bind"),
        serde_json::json!({"gatewayName": gw, "lineID": line}),
    )
    .await;
}
