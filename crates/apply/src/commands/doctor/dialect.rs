//! Which server dialect (DIALECTS.md §2) the answers match, judged from
//! what was seen: response shapes (containers or flattened rows, gateway
//! identity fields, `vpcSubnet` string or list, `virtualBandwidth` or
//! `bandwidth`, `settingItem` or `data`, envelope extras) and, when probes
//! were made, which parameter placements and gateway keys were accepted.
//!
//! Pure: features are extracted from JSON bodies, and each dialect is one
//! table of expected feature values ([`DIALECTS`]). A dialect is consistent
//! with the answers when no observed value contradicts its table; among the
//! consistent ones the one with the most matched expectations wins. None
//! consistent: "unknown", with the differences from the closest dialect.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Top-level keys that belong to the envelope, not to a flattened row.
pub const ENVELOPE_KEYS: &[&str] = &[
    "statusCode",
    "message",
    "description",
    "errorCode",
    "error",
    "errorDetail",
    "details",
    "subCode",
    "subMsg",
    "msgDesc",
    "returnObj",
    "count",
    "totalCount",
    "currentCount",
    "traceId",
    "traceID",
    "requestId",
];

/// List endpoints whose container shape is a feature.
const LIST_ENDPOINTS: &[&str] = &[
    "gateway_list",
    "physical_line_list",
    "gateway_physical_line_list",
    "vpc_list",
    "static_route_list",
    "bgp_route_list",
];

/// What was seen: feature → the set of values observed.
pub type Features = BTreeMap<String, BTreeSet<String>>;

/// How rows sit in a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// In a named list under `returnObj` (`returnObj.vpcList`, …).
    Nested,
    /// `returnObj` is itself the list of rows: GO's form for several rows,
    /// which its flattened structs cannot hold (docs/emulator.md, "GO's
    /// flat lists"); no source names a list inside `returnObj` for GO.
    BareArray,
    /// At the envelope's top level, no `returnObj` (GO).
    Flattened,
}

impl Container {
    fn as_str(self) -> &'static str {
        match self {
            Container::Nested => "nested",
            Container::BareArray => "bare array",
            Container::Flattened => "flattened",
        }
    }
}

/// The rows of a list (or get) answer and how they were contained. A
/// flattened answer has at most one row: the top level minus the envelope.
pub fn rows(body: &Value) -> (Container, Vec<Map<String, Value>>) {
    match body.get("returnObj") {
        Some(Value::Array(items)) => (Container::BareArray, objects(items)),
        Some(Value::Object(ro)) => {
            let list = ro.values().find_map(|v| match v {
                Value::Array(items) if items.iter().any(Value::is_object) => Some(objects(items)),
                _ => None,
            });
            (Container::Nested, list.unwrap_or_default())
        }
        _ => {
            let row: Map<String, Value> = body
                .as_object()
                .map(|top| {
                    top.iter()
                        .filter(|(k, _)| !ENVELOPE_KEYS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let rows = if row.is_empty() {
                Vec::new()
            } else {
                vec![row]
            };
            (Container::Flattened, rows)
        }
    }
}

fn objects(items: &[Value]) -> Vec<Map<String, Value>> {
    items
        .iter()
        .filter_map(|v| v.as_object().cloned())
        .collect()
}

fn note(features: &mut Features, key: &str, value: &str) {
    features
        .entry(key.to_owned())
        .or_default()
        .insert(value.to_owned());
}

fn which(row: &Map<String, Value>, names: &[&str]) -> Option<String> {
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| row.get(*n).is_some_and(|v| !v.is_null()))
        .collect();
    (!present.is_empty()).then(|| present.join("+"))
}

/// Adds the features of one successful answer of `endpoint`.
pub fn observe_answer(features: &mut Features, endpoint: &str, body: &Value) {
    for extra in ["details", "errorDetail", "subCode"] {
        if body.get(extra).is_some() {
            note(features, &format!("envelope.{extra}"), "present");
        }
    }
    if endpoint == "health_check_get" {
        let ro = body.get("returnObj").filter(|v| v.is_object());
        let setting = match ro {
            Some(ro) if ro.get("settingItem").is_some() => "settingItem",
            Some(ro) if ro.get("data").is_some() => "data",
            None if body.get("data").is_some() || body.get("result").is_some() => "data",
            _ => "other",
        };
        note(features, "health_check_get.setting", setting);
        return;
    }
    if !LIST_ENDPOINTS.contains(&endpoint) {
        return;
    }
    let (container, rows) = rows(body);
    note(
        features,
        &format!("{endpoint}.container"),
        container.as_str(),
    );
    for row in &rows {
        observe_row(features, endpoint, row);
    }
}

fn observe_row(features: &mut Features, endpoint: &str, row: &Map<String, Value>) {
    let mut set = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            note(features, &format!("{endpoint}.{key}"), &value);
        }
    };
    match endpoint {
        "gateway_list" => set(
            "identity",
            which(row, &["displayName", "gatewayName", "vrfName"]),
        ),
        "physical_line_list" | "gateway_physical_line_list" => {
            set("id", which(row, &["lineID", "lineId"]))
        }
        "vpc_list" => {
            let subnet = row.get("vpcSubnet").and_then(|v| match v {
                Value::String(_) => Some("string".to_owned()),
                Value::Array(_) => Some("list".to_owned()),
                _ => None,
            });
            set("subnet", subnet);
            set("bandwidth", which(row, &["bandwidth", "virtualBandwidth"]));
            set("id", which(row, &["vpcID", "vpcId"]));
            let gateway = if row.contains_key("gatewayName") {
                "present"
            } else {
                "absent"
            };
            set("gatewayName", Some(gateway.to_owned()));
        }
        "static_route_list" => {
            let shape = if row.get("nextHop").is_some_and(Value::is_array) {
                Some("per-route")
            } else if row.contains_key("remoteGatewayIp") {
                Some("per-hop")
            } else {
                None
            };
            set("rows", shape.map(str::to_owned));
        }
        "bgp_route_list" => {
            let shape = if row.get("BGPList").is_some_and(Value::is_array) {
                Some("per-route")
            } else if row.contains_key("BGPNeighbor") {
                Some("per-peer")
            } else {
                None
            };
            set("rows", shape.map(str::to_owned));
        }
        _ => {}
    }
}

/// Adds which single variants (placements `query`/`body`, or gateway keys
/// `gatewayName`/`vrfName`) an endpoint accepted: feature
/// `<endpoint>.<kind>` = the accepted ones joined by `+`, or `none`.
pub fn observe_acceptance(features: &mut Features, endpoint: &str, kind: &str, accepted: &[&str]) {
    let value = if accepted.is_empty() {
        "none".to_owned()
    } else {
        accepted.join("+")
    };
    note(features, &format!("{endpoint}.{kind}"), &value);
}

/// One expectation of a dialect: the feature and the values it allows.
pub struct Expect {
    pub feature: &'static str,
    pub allowed: &'static [&'static str],
}

const fn e(feature: &'static str, allowed: &'static [&'static str]) -> Expect {
    Expect { feature, allowed }
}

/// A dialect: its name and its table. A feature the table does not name is
/// one the source is silent on (the dialect answers as `reference` there).
pub struct Dialect {
    pub name: &'static str,
    pub expects: &'static [Expect],
}

const ABSENT: &[&str] = &["absent"];
const PRESENT: &[&str] = &["present"];
const NESTED: &[&str] = &["nested"];
/// GO: one row flattened at the top level, several as a bare array.
const FLATTENED: &[&str] = &["flattened", "bare array"];

/// The dialect tables, DIALECTS.md §2.1–2.5. Order breaks ties.
pub const DIALECTS: &[Dialect] = &[
    Dialect {
        name: "reference",
        expects: &[
            e("gateway_list.container", NESTED),
            e("physical_line_list.container", NESTED),
            e("gateway_physical_line_list.container", NESTED),
            e("vpc_list.container", NESTED),
            e("static_route_list.container", NESTED),
            e("bgp_route_list.container", NESTED),
            e(
                "gateway_list.identity",
                &["displayName+gatewayName+vrfName"],
            ),
            e(
                "vpc_list.bandwidth",
                &["bandwidth", "bandwidth+virtualBandwidth"],
            ),
            e("vpc_list.id", &["vpcID", "vpcID+vpcId"]),
            e("vpc_list.gatewayName", PRESENT),
            e("physical_line_list.id", &["lineID", "lineID+lineId"]),
            e("envelope.details", ABSENT),
            e("envelope.errorDetail", ABSENT),
            e("envelope.subCode", ABSENT),
            e("gateway_list.placement", &["query+body"]),
            e("vpc_list.placement", &["query+body"]),
            e("vpc_list.key", &["gatewayName+vrfName"]),
        ],
    },
    Dialect {
        name: "go",
        expects: &[
            e("gateway_list.container", FLATTENED),
            e("physical_line_list.container", FLATTENED),
            e("gateway_physical_line_list.container", FLATTENED),
            e("vpc_list.container", FLATTENED),
            e("static_route_list.container", FLATTENED),
            e("bgp_route_list.container", FLATTENED),
            e("gateway_list.identity", &["gatewayName+vrfName"]),
            e("vpc_list.subnet", &["string"]),
            e("vpc_list.bandwidth", &["virtualBandwidth"]),
            e("vpc_list.id", &["vpcId"]),
            e("vpc_list.gatewayName", ABSENT),
            e("physical_line_list.id", &["lineId"]),
            e("gateway_physical_line_list.id", &["lineId"]),
            e("static_route_list.rows", &["per-hop"]),
            e("bgp_route_list.rows", &["per-peer"]),
            e("health_check_get.setting", &["data"]),
            e("envelope.details", ABSENT),
            e("envelope.errorDetail", PRESENT),
            e("envelope.subCode", PRESENT),
            e("gateway_list.placement", &["body"]),
            e("vpc_list.placement", &["body"]),
            e("vpc_list.key", &["gatewayName"]),
        ],
    },
    Dialect {
        name: "py4",
        expects: &[
            e("vpc_list.container", NESTED),
            e("static_route_list.container", NESTED),
            e("bgp_route_list.container", NESTED),
            e("vpc_list.subnet", &["string"]),
            e("vpc_list.bandwidth", &["bandwidth"]),
            e("vpc_list.id", &["vpcID"]),
            e("vpc_list.gatewayName", ABSENT),
            e("health_check_get.setting", &["settingItem"]),
            e("envelope.details", ABSENT),
            e("envelope.errorDetail", ABSENT),
            e("envelope.subCode", ABSENT),
            e("vpc_list.placement", &["query"]),
            e("vpc_list.key", &["vrfName"]),
        ],
    },
    Dialect {
        name: "doc",
        expects: &[
            e("gateway_list.container", NESTED),
            e("gateway_list.identity", &["displayName+vrfName"]),
            e("envelope.errorDetail", ABSENT),
            e("envelope.subCode", ABSENT),
            e("gateway_list.placement", &["query"]),
        ],
    },
];

/// How one dialect fares against the features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub dialect: &'static str,
    /// Expectations met by what was seen.
    pub matched: usize,
    /// `feature: seen X, <dialect> has Y` for each contradiction.
    pub differences: Vec<String>,
}

/// The judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The dialect the answers match; `None` = unknown.
    pub dialect: Option<&'static str>,
    /// Other dialects equally consistent with what was seen.
    pub also: Vec<&'static str>,
    /// Every dialect's fit, best first.
    pub fits: Vec<Fit>,
}

fn fit(dialect: &Dialect, features: &Features) -> Fit {
    let mut matched = 0;
    let mut differences = Vec::new();
    for expect in dialect.expects {
        let Some(seen) = features.get(expect.feature) else {
            continue;
        };
        let wrong: Vec<&str> = seen
            .iter()
            .map(String::as_str)
            .filter(|v| !expect.allowed.contains(v))
            .collect();
        if wrong.is_empty() {
            matched += 1;
        } else {
            differences.push(format!(
                "{}: seen {}, {} has {}",
                expect.feature,
                wrong.join(", "),
                dialect.name,
                expect.allowed.join(" or ")
            ));
        }
    }
    Fit {
        dialect: dialect.name,
        matched,
        differences,
    }
}

/// Judges the features against every dialect table.
pub fn classify(features: &Features) -> Verdict {
    let mut fits: Vec<Fit> = DIALECTS.iter().map(|d| fit(d, features)).collect();
    // Dialects the answers say something about first (a silent table is
    // no match), then fewest contradictions, then most matched; stable, so
    // table order breaks ties.
    let silent = |f: &Fit| f.matched + f.differences.len() == 0;
    fits.sort_by(|a, b| {
        silent(a)
            .cmp(&silent(b))
            .then(a.differences.len().cmp(&b.differences.len()))
            .then(b.matched.cmp(&a.matched))
    });
    let best = &fits[0];
    let consistent = best.differences.is_empty() && best.matched > 0;
    let dialect = consistent.then_some(best.dialect);
    let also = if consistent {
        fits[1..]
            .iter()
            .filter(|f| f.differences.is_empty() && f.matched == best.matched)
            .map(|f| f.dialect)
            .collect()
    } else {
        Vec::new()
    };
    Verdict {
        dialect,
        also,
        fits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn judge(answers: &[(&str, Value)]) -> Verdict {
        let mut features = Features::new();
        for (endpoint, body) in answers {
            observe_answer(&mut features, endpoint, body);
        }
        classify(&features)
    }

    /// Reference: nested containers, every gateway identity field, subnet
    /// lists, `bandwidth`, `gatewayName` in VPC rows.
    fn reference() -> Vec<(&'static str, Value)> {
        vec![
            (
                "gateway_list",
                json!({"statusCode": 800, "message": "", "description": "", "errorCode": "",
                  "error": "", "returnObj": {"totalCount": 1, "currentCount": 1,
                  "lineGatewayList": [{"vrfName": "gw1", "gatewayName": "gw1",
                  "displayName": "gw1", "fuid": "f-1", "lineList": ["L1"]}]}}),
            ),
            (
                "vpc_list",
                json!({"statusCode": 800, "returnObj": {"vpcList": [{"vpcID": "vpc-1",
                  "vrfName": "gw1", "gatewayName": "gw1", "vpcSubnet": ["10.0.0.0/24"],
                  "bandwidth": 100}]}}),
            ),
            (
                "health_check_get",
                json!({"statusCode": 800, "returnObj": {"result": "1", "settingItem": null}}),
            ),
        ]
    }

    #[test]
    fn reference_answers_are_reference() {
        let v = judge(&reference());
        assert_eq!(v.dialect, Some("reference"), "{v:#?}");
    }

    #[test]
    fn go_answers_are_go() {
        let v = judge(&[
            (
                "gateway_list",
                json!({"statusCode": 800, "message": "", "errorDetail": {}, "count": 1,
                  "fuid": "f-1", "vrfName": "gw1", "gatewayName": "gw1", "accessPoint": "ap",
                  "lineList": ["L1"], "SRId": "", "BGPId": ""}),
            ),
            (
                "physical_line_list",
                json!({"statusCode": 800, "message": "", "subCode": "0", "subMsg": "",
                  "totalCount": 1, "currentCount": 1, "lineId": "L1", "lineName": "a"}),
            ),
            (
                "vpc_list",
                json!({"statusCode": 800, "errorDetail": {}, "vpcId": "vpc-1", "vrfName": "gw1",
                  "vpcSubnet": "10.0.0.0/24", "virtualBandwidth": 100}),
            ),
            (
                "static_route_list",
                json!({"statusCode": 800, "SRID": "sr-1", "gatewayName": "gw1",
                  "dstCidr": ["10.9.0.0/16"], "remoteGatewayIp": "172.16.0.2", "priority": 1}),
            ),
            (
                "health_check_get",
                json!({"statusCode": 800, "result": "1", "data": "", "traceId": "t"}),
            ),
        ]);
        assert_eq!(v.dialect, Some("go"), "{v:#?}");
        assert!(v.also.is_empty(), "{v:#?}");
    }

    #[test]
    fn go_answers_with_several_rows_are_go() {
        // Several rows cannot sit at the top level: `returnObj` is the bare
        // list of GO rows (the emulator's `go`, docs/emulator.md).
        let row = |name: &str| json!({"fuid": "f", "vrfName": name, "gatewayName": name});
        let v = judge(&[
            (
                "gateway_list",
                json!({"statusCode": 800, "errorDetail": {}, "count": 2,
                  "returnObj": [row("gw1"), row("gw2")]}),
            ),
            (
                "vpc_list",
                json!({"statusCode": 800, "errorDetail": {}, "returnObj": [
                  {"vpcId": "vpc-1", "vpcSubnet": "10.0.0.0/24", "virtualBandwidth": 100},
                  {"vpcId": "vpc-2", "vpcSubnet": "10.0.1.0/24", "virtualBandwidth": 100}]}),
            ),
        ]);
        assert_eq!(v.dialect, Some("go"), "{v:#?}");
    }

    #[test]
    fn py4_answers_are_py4() {
        let mut answers = reference();
        // PY4 is silent on gateway/list: that endpoint answers as reference.
        answers[1] = (
            "vpc_list",
            json!({"statusCode": 800, "errorCode": "", "error": "", "message": "",
              "description": "", "returnObj": {"vpcList": [{"vpcID": "vpc-1",
              "vrfName": "gw1", "vpcSubnet": "10.0.0.0/24", "bandwidth": 100,
              "dcType": "MAZ"}]}}),
        );
        answers[2] = (
            "health_check_get",
            json!({"statusCode": 800, "returnObj": {"result": "1",
              "settingItem": "interval=5", "error_msg": null, "traceID": "t"}}),
        );
        let v = judge(&answers);
        assert_eq!(v.dialect, Some("py4"), "{v:#?}");
    }

    #[test]
    fn doc_answers_are_doc() {
        let mut answers = reference();
        answers[0] = (
            "gateway_list",
            json!({"statusCode": 800, "message": "", "description": "", "errorCode": "",
              "error": "", "details": "", "returnObj": {"totalCount": 1, "currentCount": 1,
              "lineGatewayList": [{"vrfName": "id-7f3a", "displayName": "gw1",
              "lineList": [], "srList": [], "vpcList": []}]}}),
        );
        let v = judge(&answers);
        assert_eq!(v.dialect, Some("doc"), "{v:#?}");
    }

    #[test]
    fn mixed_answers_are_unknown_with_the_differences() {
        // Flattened like GO, but PY4's VPC spellings.
        let v = judge(&[(
            "vpc_list",
            json!({"statusCode": 800, "vpcID": "vpc-1", "vrfName": "gw1",
              "vpcSubnet": "10.0.0.0/24", "bandwidth": 100}),
        )]);
        assert_eq!(v.dialect, None, "{v:#?}");
        let closest = &v.fits[0];
        assert!(!closest.differences.is_empty());
        assert!(
            v.fits
                .iter()
                .flat_map(|f| &f.differences)
                .any(|d| d.contains("vpc_list.container")),
            "{v:#?}"
        );
    }

    #[test]
    fn acceptance_alone_separates_strict_servers() {
        let mut features = Features::new();
        observe_acceptance(&mut features, "vpc_list", "placement", &["query"]);
        observe_acceptance(&mut features, "vpc_list", "key", &["vrfName"]);
        assert_eq!(classify(&features).dialect, Some("py4"));
        let mut features = Features::new();
        observe_acceptance(&mut features, "gateway_list", "placement", &["body"]);
        observe_acceptance(&mut features, "vpc_list", "key", &["gatewayName"]);
        assert_eq!(classify(&features).dialect, Some("go"));
    }

    #[test]
    fn nothing_seen_is_unknown() {
        assert_eq!(classify(&Features::new()).dialect, None);
    }

    #[test]
    fn flattened_rows_drop_the_envelope() {
        let (c, rows) = super::rows(&json!({"statusCode": 800, "message": "", "SRID": "a"}));
        assert_eq!(c, Container::Flattened);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].keys().collect::<Vec<_>>(), vec!["SRID"]);
        let (c, rows) = super::rows(&json!({"statusCode": 800, "message": ""}));
        assert_eq!((c, rows.len()), (Container::Flattened, 0));
        let (c, rows) = super::rows(&json!({"statusCode": 800, "returnObj": [{"a": 1}]}));
        assert_eq!((c, rows.len()), (Container::BareArray, 1));
        let (c, rows) = super::rows(&json!({"statusCode": 800, "returnObj": {"vpcList": [{}]}}));
        assert_eq!((c, rows.len()), (Container::Nested, 1));
    }
}
