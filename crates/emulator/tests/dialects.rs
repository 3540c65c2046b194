#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Server dialects (`docs/emulator.md`, "Dialects"): each strict dialect
//! refuses the other sources' placement and gateway key with 900 naming the
//! field, accepts its own, and answers in its own shapes; `shuffle` is a
//! function of its seed; the admin API switches the dialect.

mod common;

use common::*;
use emulator::{Config, Dialect, DialectSetting, Handle, Style};
use serde_json::{json, Value};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/emulator-seed.yaml"
);
const ACCOUNT: &str = emulator::DEMO_ACCOUNT;
const VPC_LIST: &str = "/v4/cda/vpc/list";

async fn start(dialect: Dialect, seed: u64) -> (Handle, Client) {
    let config = Config::demo()
        .with_seed(std::path::PathBuf::from(SEED))
        .with_dialect(dialect, seed);
    let handle = emulator::spawn(config).await.unwrap();
    let client = Client::new(handle.base_url());
    (handle, client)
}

/// A GET whose parameters travel only as a JSON body (GO's `WriteJson`).
async fn get_body(c: &Client, path: &str, body: Value) -> Reply {
    c.send_raw("GET", path, "", body.to_string().as_bytes(), None)
        .await
}

fn assert_missing(r: &Reply, field: &str) {
    assert_eq!(r.body["statusCode"], 900, "{}", r.body);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["errorCode"], "CDA.Request.MissingParameter",
        "{}",
        r.body
    );
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(message.ends_with(&format!(": {field}")), "{message}");
}

fn ok(r: &Reply) -> &Value {
    assert_eq!(r.body["statusCode"], 800, "{} {}", r.status, r.body);
    &r.body
}

/// `vrfName` of the gateway called `name`, as the server's own
/// gateway/list shows it.
async fn vrf_name_of(c: &Client, name: &str) -> String {
    let r = c
        .get(
            &format!("{GW}/list"),
            &[("pageNo", "1"), ("pageSize", "50"), ("account", ACCOUNT)],
        )
        .await;
    let rows = ok(&r)["returnObj"]["lineGatewayList"]
        .as_array()
        .unwrap()
        .clone();
    let row = rows.iter().find(|g| g["displayName"] == name).unwrap();
    row["vrfName"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn go_reads_parameters_from_the_body_and_keys_gateways_by_name() {
    let (_h, c) = start(Dialect::Go, 0).await;
    // Query placement (PY4/DOC) is not read at all.
    let r = c
        .get(VPC_LIST, &[("gatewayName", "gwdr01"), ("account", ACCOUNT)])
        .await;
    assert_missing(&r, "gatewayName");
    // PY4's key is not GO's.
    let r = get_body(
        &c,
        VPC_LIST,
        json!({"vrfName": "gwdr01", "account": ACCOUNT}),
    )
    .await;
    assert_missing(&r, "gatewayName");
    // A field GO always sends is required.
    let r = get_body(&c, VPC_LIST, json!({"gatewayName": "gwdr01"})).await;
    assert_missing(&r, "account");
    // GO's own request works, even with the empty account GO sends.
    let r = get_body(
        &c,
        VPC_LIST,
        json!({"gatewayName": "gwdr01", "account": ""}),
    )
    .await;
    let body = ok(&r);
    // One row: flattened at the envelope's top level, GO spellings.
    assert!(body.get("returnObj").is_none(), "{body}");
    assert_eq!(body["vpcId"], "vpc-dr5t1w9e");
    assert_eq!(body["virtualBandwidth"], 500);
    assert!(body.get("bandwidth").is_none() && body.get("vpcID").is_none());
    assert_eq!(body["vpcSubnet"], "10.20.1.0/24");
    assert_eq!(body["vrfName"], "gwdr01");
    assert_eq!(body["errorDetail"], json!({}));
    // Several rows: a bare array in returnObj, subnets as one string.
    let r = get_body(
        &c,
        VPC_LIST,
        json!({"gatewayName": "gwprod01", "account": ACCOUNT}),
    )
    .await;
    let rows = ok(&r)["returnObj"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let prod = rows
        .iter()
        .find(|v| v["vpcId"] == "vpc-prod7k2hd0")
        .unwrap();
    assert_eq!(prod["vpcSubnet"], "10.10.1.0/24,10.10.2.0/24");
    // POST bodies: vrfName is not GO's key on a write either.
    let r = c
        .post(
            &format!("{PL}/unbind"),
            json!({"vrfName": "gwdr01", "lineID": "pl-2h6t9d4k7c"}),
        )
        .await;
    assert_missing(&r, "gatewayName");
}

#[tokio::test]
async fn go_lists_rows_per_next_hop_and_per_peer() {
    let (_h, c) = start(Dialect::Go, 0).await;
    let r = get_body(
        &c,
        "/v4/cda/static-route/list",
        json!({"gatewayName": "gwprod01", "account": ""}),
    )
    .await;
    let rows = ok(&r)["returnObj"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "one route, two next hops → two rows");
    assert!(rows.iter().all(|row| row["SRID"] == "sr-6n2x8k4p0a"));
    let hops: Vec<&str> = rows
        .iter()
        .map(|row| row["remoteGatewayIp"].as_str().unwrap())
        .collect();
    assert_eq!(hops, ["10.255.0.2", "10.255.0.6"]);
    assert!(rows[0].get("nextHop").is_none() && rows[0].get("bfd").is_none());
    let r = get_body(
        &c,
        "/v4/cda/bgp-route/list",
        json!({"gatewayName": "gwdr01", "account": ""}),
    )
    .await;
    let row = ok(&r);
    assert_eq!(row["BGPID"], "bgp-3r7y1u5i9o");
    assert_eq!(row["lineName"], "sh-dr-a");
    assert_eq!(row["peerAS"], "65010");
    assert!(row.get("multiPathNumber").is_some() && row.get("BGPList").is_none());
}

#[tokio::test]
async fn go_gateway_and_line_lists_have_go_envelopes_and_spellings() {
    let (_h, c) = start(Dialect::Go, 0).await;
    let list = json!({"pageNo": 1, "pageSize": 10, "account": ACCOUNT});
    let r = get_body(&c, &format!("{GW}/list"), list.clone()).await;
    let body = ok(&r);
    assert_eq!(body["count"], 2);
    let rows = body["returnObj"].as_array().unwrap();
    let gw = rows
        .iter()
        .find(|g| g["gatewayName"] == "gwprod01")
        .unwrap();
    assert_eq!(gw["vrfName"], "gwprod01", "go: vrfName is the name");
    assert!(gw["fuid"].as_str().is_some_and(|f| f.len() == 36));
    assert!(gw.get("projectIDcs").is_some() && gw.get("displayName").is_none());
    let r = get_body(
        &c,
        &format!("{GW}/list"),
        json!({"pageNo": 1, "pageSize": 1, "account": ACCOUNT}),
    )
    .await;
    assert!(
        ok(&r).get("gatewayName").is_some(),
        "one row per page → flattened"
    );
    let r = get_body(
        &c,
        &format!("{GW}/list"),
        json!({"pageNo": 1, "pageSize": 10}),
    )
    .await;
    assert_missing(&r, "account");
    let r = get_body(
        &c,
        &format!("{PL}/list"),
        json!({"pageNo": 1, "pageSize": 50}),
    )
    .await;
    let body = ok(&r);
    assert_eq!(
        (body["subCode"].as_str(), body["subMsg"].as_str()),
        (Some(""), Some(""))
    );
    assert!(body.get("errorCode").is_none() && body.get("errorDetail").is_none());
    assert_eq!(body["totalCount"], 4);
    let line = &body["returnObj"][0];
    assert!(line.get("lineId").is_some() && line.get("lineID").is_none());
    assert!(line.get("linecode").is_some());
    let r = get_body(&c, &format!("{PL}/list"), json!({"pageSize": 50})).await;
    assert_eq!(r.body["subCode"], "CDA.Request.MissingParameter");
    assert!(r.body["subMsg"].as_str().unwrap().ends_with("pageNo"));
}

#[tokio::test]
async fn go_writes_use_go_keys_and_result_objects() {
    let (_h, c) = start(Dialect::Go, 0).await;
    let r = c
        .post(
            "/v4/cda/bgp-route/delete",
            json!({"BGPID": "bgp-3r7y1u5i9o"}),
        )
        .await;
    assert_missing(&r, "BGPId");
    let r = c
        .post(
            "/v4/cda/bgp-route/delete",
            json!({"BGPId": "bgp-3r7y1u5i9o"}),
        )
        .await;
    let obj = ok(&r)["returnObj"].as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["data", "errorCode", "errorMsg", "result"]);
    assert_eq!(obj["result"], "1");
    // health-check/get: settings flattened into an opaque `data` string.
    let hc = json!({"gatewayName": "gwprod01", "vpcID": "vpc-prod7k2hd0", "vpcName": ""});
    let r = get_body(&c, "/v4/cda/health-check/get", hc).await;
    let body = ok(&r);
    let data = body["data"].as_str().unwrap();
    assert!(
        serde_json::from_str::<Value>(data).is_err(),
        "opaque: {data}"
    );
    assert!(body.get("returnObj").is_none() && body.get("settingItem").is_none());
    assert!(body.get("error").is_none() && body["traceId"].is_string());
    // vpc/add is GO's broken copy of gateway/add: served as reference.
    let r = c
        .post(
            "/v4/cda/vpc/add",
            json!({"vrfName": "gwdr01", "vpcID": "vpc-new1", "bandwidth": 10,
                   "vpcSubnet": ["10.40.0.0/24"]}),
        )
        .await;
    ok(&r);
}

#[tokio::test]
async fn py4_reads_the_query_and_keys_gateways_by_id() {
    let (_h, c) = start(Dialect::Py4, 0).await;
    let id = vrf_name_of(&c, "gwprod01").await;
    assert!(id.starts_with("cdagw-") && id != "gwprod01", "{id}");
    // Body placement (GO) is not read.
    let r = get_body(&c, VPC_LIST, json!({"vrfName": id})).await;
    assert_missing(&r, "vrfName");
    // GO's key is not PY4's.
    let r = c.get(VPC_LIST, &[("gatewayName", "gwprod01")]).await;
    assert_missing(&r, "vrfName");
    // vrfName is an ID: the name is not found.
    let r = c.get(VPC_LIST, &[("vrfName", "gwprod01")]).await;
    assert_eq!(r.code(), "CDA.Gateway.NotFound");
    let r = c.get(VPC_LIST, &[("vrfName", &id)]).await;
    let ret = &ok(&r)["returnObj"];
    assert!(ret.get("totalCount").is_none(), "no paging counts: {ret}");
    let prod = ret["vpcList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vpcID"] == "vpc-prod7k2hd0")
        .unwrap();
    assert_eq!(prod["vpcSubnet"], "10.10.1.0/24, 10.10.2.0/24");
    assert_eq!(prod["bandwidth"], 1000);
    assert_eq!(prod["vrfName"], id.as_str());
    assert!(prod.get("gatewayName").is_none());
    // Writes keyed by vrfName only.
    let unbind = json!({"gatewayName": "gwdr01", "lineID": "pl-2h6t9d4k7c"});
    let r = c.post(&format!("{PL}/unbind"), unbind).await;
    assert_missing(&r, "vrfName");
    let r = c
        .post(
            "/v4/cda/static-route/delete",
            json!({"SRID": "sr-6n2x8k4p0a"}),
        )
        .await;
    assert_missing(&r, "regionID");
}

#[tokio::test]
async fn py4_line_update_ignores_fields_outside_its_model() {
    let (h, c) = start(Dialect::Py4, 0).await;
    let r = c
        .post(
            &format!("{PL}/update"),
            json!({"lineID": "pl-9p1f3s8v5d", "bandwidth": 2000, "note": "moved", "lineName": "gz-lab-b"}),
        )
        .await;
    ok(&r);
    let store = h.app().store();
    let line = store.accounts[ACCOUNT]
        .lines
        .iter()
        .find(|l| l.id == "pl-9p1f3s8v5d")
        .unwrap();
    assert_eq!(line.bandwidth, 100, "bandwidth is not in PY4's model");
    assert_eq!(line.name, "gz-lab-b");
    assert_eq!(line.description, "moved", "note is the description");
}

#[tokio::test]
async fn py4_health_check_settings_and_gateway_errors() {
    let (h, c) = start(Dialect::Py4, 0).await;
    let id = vrf_name_of(&c, "gwprod01").await;
    let r = c
        .get(
            "/v4/cda/health-check/get",
            &[("vrfName", &id), ("vpcID", "vpc-prod7k2hd0")],
        )
        .await;
    let ret = &ok(&r)["returnObj"];
    let setting = ret["settingItem"].as_str().unwrap();
    assert!(
        serde_json::from_str::<Value>(setting).is_err(),
        "opaque: {setting}"
    );
    assert!(ret.get("error_msg").is_some() && ret["traceID"].is_string());
    // A non-2xx answer in the IT CTAPI gateway's form.
    let bad = Client::with_keys(h.base_url(), emulator::DEMO_ACCESS_KEY, "wrong-secret");
    let r = bad.get(VPC_LIST, &[("vrfName", &id)]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["statusCode"], "CDA.Auth.SignatureMismatch");
    assert!(r.body["message"].is_string() && r.body.get("errorCode").is_none());
}

#[tokio::test]
async fn doc_gateway_list_is_query_only_with_ids_and_details() {
    let (_h, c) = start(Dialect::Doc, 0).await;
    let path = format!("{GW}/list");
    let r = get_body(
        &c,
        &path,
        json!({"pageNo": 1, "pageSize": 10, "account": ACCOUNT}),
    )
    .await;
    assert_missing(&r, "pageNo");
    assert_eq!(r.body["details"], "pageNo");
    let r = c.get(&path, &[("pageNo", "1"), ("pageSize", "10")]).await;
    assert_missing(&r, "account");
    let r = c
        .get(
            &path,
            &[("pageNo", "1"), ("pageSize", "10"), ("account", ACCOUNT)],
        )
        .await;
    let body = ok(&r);
    assert_eq!(body["details"], "");
    let ret = &body["returnObj"];
    assert_eq!(
        (ret["totalCount"].as_u64(), ret["currentCount"].as_u64()),
        (Some(2), Some(2))
    );
    let rows = ret["lineGatewayList"].as_array().unwrap();
    let prod = rows
        .iter()
        .find(|g| g["displayName"] == "gwprod01")
        .unwrap();
    let id = prod["vrfName"].as_str().unwrap();
    assert!(id.starts_with("cdagw-"));
    assert!(prod.get("gatewayName").is_none() && prod.get("fuid").is_none());
    // `search` takes the ID; a gatewayName filter is not DOC's and is ignored.
    let r = c
        .get(
            &path,
            &[
                ("pageNo", "1"),
                ("pageSize", "10"),
                ("account", ACCOUNT),
                ("search", id),
            ],
        )
        .await;
    assert_eq!(ok(&r)["returnObj"]["totalCount"], 1);
    let r = c
        .get(
            &path,
            &[
                ("pageNo", "1"),
                ("pageSize", "10"),
                ("account", ACCOUNT),
                ("gatewayName", "gwdr01"),
            ],
        )
        .await;
    assert_eq!(ok(&r)["returnObj"]["totalCount"], 2);
    // Beyond gateway/list DOC is silent: reference, with the same identity.
    let r = c.get(VPC_LIST, &[("vrfName", id)]).await;
    let vpcs = ok(&r)["returnObj"]["vpcList"].as_array().unwrap();
    assert!(vpcs
        .iter()
        .all(|v| v["vrfName"] == id && v["vpcSubnet"].is_array()));
    let r = get_body(&c, VPC_LIST, json!({"gatewayName": "gwprod01"})).await;
    ok(&r);
}

/// A seed under which `path` draws `style`.
fn seed_drawing(path: &str, style: Style) -> u64 {
    (0..1000)
        .find(|s| DialectSetting::new(Dialect::Shuffle, *s).style_for(path) == style)
        .unwrap()
}

#[tokio::test]
async fn shuffle_is_deterministic_per_seed_and_varies_between_seeds() {
    let (a, _) = start(Dialect::Shuffle, 7).await;
    let (b, _) = start(Dialect::Shuffle, 7).await;
    let view_a = admin(&a.base_url(), "GET", "/_emulator/dialect", None).await;
    let view_b = admin(&b.base_url(), "GET", "/_emulator/dialect", None).await;
    assert_eq!(view_a, view_b);
    assert_eq!(
        (view_a["dialect"].as_str(), view_a["seed"].as_u64()),
        (Some("shuffle"), Some(7))
    );
    let maps: std::collections::HashSet<String> = (1..=4)
        .map(|s| {
            let d = DialectSetting::new(Dialect::Shuffle, s);
            emulator::handlers::ENDPOINTS
                .iter()
                .map(|e| d.style_for(e.path).name())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    assert_eq!(maps.len(), 4, "four seeds, four different servers");
    let styles: std::collections::HashSet<&str> = view_a["endpoints"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_str)
        .collect();
    assert!(styles.len() >= 3, "one server mixes dialects: {styles:?}");
}

#[tokio::test]
async fn shuffle_answers_each_endpoint_in_the_dialect_it_drew() {
    let go_seed = seed_drawing(VPC_LIST, Style::Go);
    let (_h, c) = start(Dialect::Shuffle, go_seed).await;
    let r = c
        .get(VPC_LIST, &[("gatewayName", "gwdr01"), ("account", ACCOUNT)])
        .await;
    assert_missing(&r, "gatewayName");
    let r = get_body(
        &c,
        VPC_LIST,
        json!({"gatewayName": "gwdr01", "account": ""}),
    )
    .await;
    assert_eq!(ok(&r)["vpcId"], "vpc-dr5t1w9e");
    let py_seed = seed_drawing(VPC_LIST, Style::Py4);
    let (_h, c) = start(Dialect::Shuffle, py_seed).await;
    let r = get_body(
        &c,
        VPC_LIST,
        json!({"gatewayName": "gwdr01", "account": ""}),
    )
    .await;
    assert_missing(&r, "vrfName");
}

#[tokio::test]
async fn admin_api_switches_the_dialect() {
    let (h, c) = start(Dialect::Reference, 0).await;
    let base = h.base_url();
    let view = admin(&base, "GET", "/_emulator/dialect", None).await;
    assert_eq!(
        (view["dialect"].as_str(), view["identity"].as_str()),
        (Some("reference"), Some("name"))
    );
    let query = [("gatewayName", "gwdr01"), ("account", ACCOUNT)];
    ok(&c.get(VPC_LIST, &query).await);
    let view = admin(
        &base,
        "PUT",
        "/_emulator/dialect",
        Some(json!({"dialect": "go"})),
    )
    .await;
    assert_eq!(view["endpoints"][VPC_LIST], "go");
    assert_missing(&c.get(VPC_LIST, &query).await, "gatewayName");
    let view = admin(
        &base,
        "PUT",
        "/_emulator/dialect",
        Some(json!({"dialect": "shuffle", "seed": 7})),
    )
    .await;
    assert_eq!(
        (view["dialect"].as_str(), view["seed"].as_u64()),
        (Some("shuffle"), Some(7))
    );
    assert_eq!(h.app().dialect(), DialectSetting::new(Dialect::Shuffle, 7));
    let resp = reqwest::Client::new()
        .put(format!("{base}/_emulator/dialect"))
        .json(&json!({"dialect": "py3"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    admin(
        &base,
        "PUT",
        "/_emulator/dialect",
        Some(json!({"dialect": "reference"})),
    )
    .await;
    ok(&c.get(VPC_LIST, &query).await);
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn go_bound_lines_and_write_results_per_endpoint() {
    let (_h, c) = start(Dialect::Go, 0).await;
    let r = get_body(
        &c,
        "/v4/cda/gateway/physical-line-list",
        json!({"gatewayName": "gwdr01", "account": ""}),
    )
    .await;
    let body = ok(&r);
    assert_eq!(body["lineId"], "pl-2h6t9d4k7c");
    assert!(body.get("projectIDEcs").is_some() && body.get("projectIdEcs").is_none());
    assert!(body.get("errorDetail").is_none() && body.get("totalCount").is_none());
    let bind = json!({"gatewayName": "gwdr01", "lineID": "pl-9p1f3s8v5d"});
    let r = c.post(&format!("{PL}/bind"), bind).await;
    assert_eq!(keys(&ok(&r)["returnObj"]), ["data", "errorMsg", "result"]);
    assert!(r.body.get("errorDetail").is_none());
    let update = json!({"lineID": "pl-9p1f3s8v5d", "bandwidth": 200});
    let r = c.post(&format!("{PL}/update"), update).await;
    assert_eq!(keys(&ok(&r)["returnObj"]), ["errorMsg", "result"]);
    assert_eq!(r.body["errorDetail"], json!({}));
}

#[tokio::test]
async fn py4_route_updates_spell_the_trace_id_as_their_models_do() {
    let (_h, c) = start(Dialect::Py4, 0).await;
    let r = c
        .post(
            "/v4/cda/static-route/update",
            json!({"SRID": "sr-6n2x8k4p0a", "ipVersion": "IPV4"}),
        )
        .await;
    let ret = &ok(&r)["returnObj"];
    assert!(ret["traceID"].is_string() && ret.get("traceId").is_none());
    let r = c
        .post(
            "/v4/cda/bgp-route/update",
            json!({"BGPId": "bgp-3r7y1u5i9o", "ipVersion": "IPV4"}),
        )
        .await;
    assert_missing(&r, "BGPID");
    let r = c
        .post(
            "/v4/cda/bgp-route/update",
            json!({"BGPID": "bgp-3r7y1u5i9o", "ipVersion": "IPV4"}),
        )
        .await;
    let ret = &ok(&r)["returnObj"];
    assert!(ret["traceId"].is_string() && ret.get("traceID").is_none());
}
