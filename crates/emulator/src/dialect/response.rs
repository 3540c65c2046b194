//! The response edge: the handler's reference `returnObj` (or error) → the
//! body a server of the dialect would send, following the endpoint's
//! [`ResponseRules`] and the server's gateway [`Identity`].

use super::table::{
    Body, Container, Counts, EnvField, ResponseRules, RowShape, SettingsShape, REFERENCE_ENVELOPE,
};
use super::{mix, Style};
use crate::wire::{success_text, ApiError};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Gateway name → opaque ID, present when `vrfName` is an ID on this server.
pub type GatewayIds = HashMap<String, String>;

/// The body of a successful call.
pub fn success(
    rules: Option<&ResponseRules>,
    return_obj: &str,
    ids: Option<&GatewayIds>,
    trace_id: &str,
) -> String {
    if rules.is_none() && ids.is_none() {
        // The reference answer, byte for byte as before dialects existed.
        return success_text(return_obj);
    }
    let value: Value = serde_json::from_str(return_obj).unwrap_or(Value::Null);
    let mut out = match rules {
        None => envelope(REFERENCE_ENVELOPE, None, Some(value)),
        Some(rules) => shape(rules, value, trace_id),
    };
    if let Some(ids) = ids {
        rename_gateways(&mut out, ids);
    }
    out.to_string()
}

/// `body` with the inline lists of gateway rows abridged: no `bandwidth`
/// in `vpcList` items, no `bfd` in their static routes' next hops
/// ([`super::DialectSetting::incomplete_inline_lists`]).
pub fn abridge_inline_lists(body: String) -> String {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    match (key.as_str(), item) {
                        ("vpcList", Value::Array(vpcs)) => {
                            for vpc in vpcs.iter_mut().filter_map(Value::as_object_mut) {
                                vpc.remove("bandwidth");
                            }
                        }
                        ("srList", Value::Array(routes)) => {
                            for route in routes.iter_mut().filter_map(Value::as_object_mut) {
                                for hops in ["nextHop", "nextHopV6"] {
                                    if let Some(Value::Array(hops)) = route.get_mut(hops) {
                                        for hop in hops.iter_mut().filter_map(Value::as_object_mut)
                                        {
                                            hop.remove("bfd");
                                        }
                                    }
                                }
                            }
                        }
                        (_, item) => walk(item),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_str::<Value>(&body) {
        Ok(mut v) => {
            walk(&mut v);
            v.to_string()
        }
        Err(_) => body,
    }
}

/// The body of a failed call. `rules` is `None` for a reference endpoint or
/// before the endpoint is known.
pub fn failure(style: Style, rules: Option<&ResponseRules>, e: &ApiError) -> Value {
    if style == Style::Py4 && e.http_status() != 200 {
        // PY4's core rewrites non-2xx bodies "为兼容IT CTAPI网关的报错格式":
        // the gateway puts its own code in `statusCode` and a text in
        // `message` (DIALECTS §3.2).
        let reference = e.envelope();
        return json!({
            "statusCode": e.code.info().code,
            "message": reference["message"],
        });
    }
    let Some(rules) = rules else {
        return e.envelope();
    };
    let flat = is_flat(&rules.body);
    envelope(rules.envelope, Some(e), (!flat).then_some(Value::Null))
}

fn is_flat(body: &Body) -> bool {
    matches!(
        body,
        Body::Rows {
            container: Container::Flat(_),
            ..
        } | Body::Settings(SettingsShape::FlatData)
    )
}

/// `statusCode`, the dialect's envelope fields and, when given, `returnObj`.
fn envelope(fields: &[EnvField], error: Option<&ApiError>, return_obj: Option<Value>) -> Value {
    let mut env = Map::new();
    let reference = error.map(ApiError::envelope);
    let text = |key: &str| {
        reference
            .as_ref()
            .map_or(Value::String(String::new()), |r| r[key].clone())
    };
    let code = error.map_or(String::new(), |e| e.code.info().code.to_string());
    env.insert(
        "statusCode".into(),
        json!(if error.is_some() { 900 } else { 800 }),
    );
    for field in fields {
        let (key, value) = match field {
            EnvField::Message => ("message", text("message")),
            EnvField::Description => ("description", text("description")),
            EnvField::ErrorCode => ("errorCode", json!(code)),
            EnvField::Error => ("error", json!(code)),
            EnvField::ErrorDetail => ("errorDetail", json!({})),
            EnvField::Details => ("details", json!(error.map_or("", |e| e.detail.as_str()))),
            EnvField::SubCode => ("subCode", json!(code)),
            EnvField::SubMsg => ("subMsg", text("message")),
        };
        env.insert(key.into(), value);
    }
    if let Some(obj) = return_obj {
        env.insert("returnObj".into(), obj);
    }
    Value::Object(env)
}

fn shape(rules: &ResponseRules, value: Value, trace_id: &str) -> Value {
    match rules.body {
        Body::Result(keys) => {
            let mut obj = Map::new();
            for key in keys {
                let v = match *key {
                    "result" => json!("1"),
                    "traceId" | "traceID" => json!(trace_id),
                    _ => Value::Null,
                };
                obj.insert((*key).to_string(), v);
            }
            envelope(rules.envelope, None, Some(Value::Object(obj)))
        }
        Body::Settings(settings) => {
            let opaque = value["settingItem"].as_str().map(opaque_settings);
            match settings {
                SettingsShape::FlatData => merge(
                    envelope(rules.envelope, None, None),
                    json!({ "result": "1", "data": opaque, "errorMsg": null, "traceId": trace_id }),
                ),
                SettingsShape::SettingItem => envelope(
                    rules.envelope,
                    None,
                    Some(json!({
                        "result": "1",
                        "settingItem": opaque,
                        "error_msg": null,
                        "traceID": trace_id,
                    })),
                ),
            }
        }
        Body::Rows {
            from,
            rows,
            container,
        } => {
            let source = value[from].as_array().cloned().unwrap_or_default();
            let shaped: Vec<Value> = source
                .into_iter()
                .flat_map(|r| shape_row(&rows, r))
                .collect();
            let total = value["totalCount"].clone();
            match container {
                Container::Nested(name, counts) => {
                    let mut obj = Map::new();
                    if counts {
                        obj.insert("totalCount".into(), total);
                        obj.insert("currentCount".into(), json!(shaped.len()));
                    }
                    obj.insert(name.into(), Value::Array(shaped));
                    envelope(rules.envelope, None, Some(Value::Object(obj)))
                }
                Container::Flat(counts) => flat_rows(rules.envelope, shaped, counts, total),
            }
        }
    }
}

/// GO's flattened answer: one row at the top level; several (which GO's
/// structs cannot hold) as a bare array in `returnObj`.
fn flat_rows(fields: &[EnvField], rows: Vec<Value>, counts: Counts, total: Value) -> Value {
    let current = rows.len();
    let mut out = match rows.len() {
        0 => envelope(fields, None, None),
        1 => merge(
            envelope(fields, None, None),
            rows.into_iter().next().unwrap_or(Value::Null),
        ),
        _ => envelope(fields, None, Some(Value::Array(rows))),
    };
    if let Value::Object(obj) = &mut out {
        match counts {
            Counts::None => {}
            Counts::Count => {
                obj.insert("count".into(), total);
            }
            Counts::TotalCurrent => {
                obj.insert("totalCount".into(), total);
                obj.insert("currentCount".into(), json!(current));
            }
        }
    }
    out
}

/// `extra`'s fields added to `base`; the envelope's own fields win.
fn merge(base: Value, extra: Value) -> Value {
    let (Value::Object(mut base), Value::Object(extra)) = (base, extra) else {
        return Value::Null;
    };
    for (k, v) in extra {
        base.entry(k).or_insert(v);
    }
    Value::Object(base)
}

/// One reference row → the dialect's row(s).
fn shape_row(shape: &RowShape, row: Value) -> Vec<Value> {
    let Value::Object(row) = row else {
        return Vec::new();
    };
    let exploded: Vec<Map<String, Value>> = match shape.explode {
        None => vec![row],
        Some(explode) => {
            let mut base = row.clone();
            for list in explode.lists {
                base.remove(*list);
            }
            explode
                .lists
                .iter()
                .filter_map(|list| row.get(*list).and_then(Value::as_array))
                .flatten()
                .map(|item| {
                    let mut r = base.clone();
                    for f in explode.item_fields {
                        r.insert((*f).to_string(), item[*f].clone());
                    }
                    r
                })
                .collect()
        }
    };
    exploded
        .into_iter()
        .map(|mut r| {
            for (from, to) in shape.renames {
                if let Some(v) = r.remove(*from) {
                    r.insert((*to).to_string(), v);
                }
            }
            if let Some(keep) = shape.keep {
                r.retain(|k, _| keep.contains(&k.as_str()));
            }
            for d in shape.drop {
                r.remove(*d);
            }
            for field in shape.joined {
                if let Some(Value::Array(items)) = r.get(*field) {
                    let joined: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    let text = joined.join(shape.separator);
                    r.insert((*field).to_string(), Value::String(text));
                }
            }
            Value::Object(r)
        })
        .collect()
}

/// Health-check settings as the sources describe them: a string whose
/// content no source documents. It changes when the settings change, but
/// cannot be read back into interval, packets or auto-switching.
fn opaque_settings(text: &str) -> String {
    format!("HC{:016X}", mix(0x4843, text))
}

/// Every `vrfName` naming a gateway becomes that gateway's ID.
fn rename_gateways(value: &mut Value, ids: &GatewayIds) {
    match value {
        Value::Object(obj) => {
            for (k, v) in obj.iter_mut() {
                match v {
                    Value::String(name) if k == "vrfName" => {
                        if let Some(id) = ids.get(name.as_str()) {
                            *name = id.clone();
                        }
                    }
                    _ => rename_gateways(v, ids),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_gateways(v, ids)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::table::switches;
    use crate::wire::Code;

    fn go(path: &str) -> &'static ResponseRules {
        switches(Style::Go, path)
            .and_then(|s| s.response.as_ref())
            .unwrap()
    }

    #[test]
    fn go_static_routes_are_one_row_per_next_hop() {
        let reference = json!({"staticRouteList": [{
            "SRID": "sr-1", "gatewayName": "gw", "ipVersion": "IPV4", "dstCidr": ["10.0.0.0/8"],
            "dstCidrV6": [], "nextHopV6": [],
            "nextHop": [{"remoteGatewayIp": "1.1.1.1", "priority": 1, "track": 0, "bfd": false},
                        {"remoteGatewayIp": "2.2.2.2", "priority": 2, "track": 1, "bfd": true}]}]});
        let text = success(
            Some(go("/v4/cda/static-route/list")),
            &reference.to_string(),
            None,
            "t",
        );
        let out: Value = serde_json::from_str(&text).unwrap();
        let rows = out["returnObj"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["SRID"], "sr-1");
        assert_eq!(rows[1]["remoteGatewayIp"], "2.2.2.2");
        assert!(rows[1].get("bfd").is_none() && rows[1].get("nextHop").is_none());
        assert_eq!(out["errorDetail"], json!({}));
    }

    #[test]
    fn go_single_rows_are_flattened_and_subnets_joined() {
        let reference = json!({"totalCount": 1, "currentCount": 1, "vpcList": [{
            "vpcID": "vpc-1", "bandwidth": 100, "vpcSubnet": ["10.1.0.0/24", "10.2.0.0/24"],
            "vpcSubnetIPv6": [], "gatewayName": "gw", "vrfName": "gw"}]});
        let out: Value = serde_json::from_str(&success(
            Some(go("/v4/cda/vpc/list")),
            &reference.to_string(),
            None,
            "t",
        ))
        .unwrap();
        assert!(out.get("returnObj").is_none());
        assert_eq!(out["vpcId"], "vpc-1");
        assert_eq!(out["virtualBandwidth"], 100);
        assert_eq!(out["vpcSubnet"], "10.1.0.0/24,10.2.0.0/24");
        assert!(out.get("gatewayName").is_none());
    }

    #[test]
    fn failures_follow_the_envelope_variant() {
        let e = ApiError::new(Code::MissingParameter, "account");
        let lines = failure(Style::Go, Some(go("/v4/cda/physical-line/list")), &e);
        assert_eq!(lines["subCode"], "CDA.Request.MissingParameter");
        assert!(lines.get("errorCode").is_none() && lines.get("returnObj").is_none());
        let auth = ApiError::new(Code::SignatureMismatch, "");
        let py = failure(Style::Py4, None, &auth);
        assert_eq!(py["statusCode"], "CDA.Auth.SignatureMismatch");
        assert_eq!(failure(Style::Go, None, &auth), auth.envelope());
    }

    #[test]
    fn ids_replace_gateway_names_in_vrf_name_only() {
        let ids: GatewayIds = [("gw".to_string(), "cdagw-1".to_string())].into();
        let text = success(
            None,
            r#"{"list":[{"vrfName":"gw","gatewayName":"gw"}]}"#,
            Some(&ids),
            "",
        );
        let out: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(out["returnObj"]["list"][0]["vrfName"], "cdagw-1");
        assert_eq!(out["returnObj"]["list"][0]["gatewayName"], "gw");
    }
}
