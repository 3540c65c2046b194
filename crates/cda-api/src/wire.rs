//! What goes on the wire for a request, computed without sending it (the
//! client sends exactly this; `--dry-run` prints it), and secret redaction for
//! anything shown or logged.

use crate::client::{GatewayKey, GetParams, WireOptions};
use crate::endpoints::{self, Endpoint, Method, Placement};
use crate::error::Error;
use crate::signing;
use serde::Serialize;
use serde_json::Value;

/// Replacement for a redacted value.
pub const SENSITIVE: &str = "(sensitive)";

/// The exact request an endpoint call would send (signing headers aside).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WirePreview {
    pub endpoint: &'static str,
    pub method: Method,
    pub path: &'static str,
    /// Canonical query string (sorted, RFC 3986), empty when none.
    pub query: String,
    /// JSON body: always for a POST; for a GET the same parameters as the
    /// query, unless GET parameters are pinned to the query alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl WirePreview {
    /// Path plus `?query` when there is one.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// The body bytes exactly as sent and signed (compact JSON; empty for
    /// query-placed endpoints).
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            // Serialising a `Value` cannot fail (its map keys are strings).
            Some(v) => serde_json::to_vec(v).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// A copy with secrets masked, for display and journals.
    pub fn redacted(&self) -> WirePreview {
        let mut copy = self.clone();
        if let Some(body) = copy.body.as_mut() {
            redact(body);
        }
        copy
    }
}

/// Builds the exact request for `endpoint` as a client with the default
/// options sends it to a server it knows nothing about yet: GET parameters
/// in a canonical query string *and* a compact JSON body, POST parameters
/// in a compact JSON body, and on a gateway-scoped call both `gatewayName`
/// and `vrfName` (the name itself, until the server's own `vrfName` is
/// known; see [`wire_form`]).
pub fn wire_preview<T: Serialize + ?Sized>(
    endpoint: &Endpoint,
    request: &T,
) -> Result<WirePreview, Error> {
    wire_form(
        endpoint,
        to_value(endpoint, request)?,
        WireOptions::default(),
        &|_| None,
    )
}

pub(crate) fn to_value<T: Serialize + ?Sized>(
    endpoint: &Endpoint,
    request: &T,
) -> Result<Value, Error> {
    serde_json::to_value(request).map_err(|e| {
        Error::Config(format!(
            "{}: request does not serialise: {e}",
            endpoint.name
        ))
    })
}

/// Builds the exact request for `endpoint` from its serialised parameters,
/// shaped by `options`. `vrf_name_of` gives the `vrfName` the server
/// reported for a gateway name (DIALECTS §4.1: it may be an ID distinct
/// from the name); without one, `vrfName` is the name itself.
pub fn wire_form(
    endpoint: &Endpoint,
    mut value: Value,
    options: WireOptions,
    vrf_name_of: &dyn Fn(&str) -> Option<String>,
) -> Result<WirePreview, Error> {
    if endpoints::is_gateway_scoped(endpoint) {
        apply_gateway_key(&mut value, options.gateway_key, vrf_name_of);
    }
    if let Value::Object(map) = &mut value {
        for (_, field, alias) in endpoints::ALSO_SENT_AS
            .iter()
            .filter(|(name, _, _)| *name == endpoint.name)
        {
            if let Some(v) = map.get(*field).filter(|v| !v.is_null()).cloned() {
                map.insert((*alias).to_owned(), v);
            }
        }
    }
    let (query, body) = match (endpoint.placement, options.get_params) {
        (Placement::Query, GetParams::Query) => {
            (signing::canonical_query(query_pairs(&value)), None)
        }
        (Placement::Query, GetParams::Body) | (Placement::JsonBody, _) => {
            (String::new(), Some(sort_keys(value)))
        }
        (Placement::Query, GetParams::Both) => (
            signing::canonical_query(query_pairs(&value)),
            Some(sort_keys(value)),
        ),
    };
    Ok(WirePreview {
        endpoint: endpoint.name,
        method: endpoint.method,
        path: endpoint.path,
        query,
        body,
    })
}

/// Sets the gateway key(s) of a gateway-scoped request: `gatewayName` is
/// the name, `vrfName` the server's value for that gateway.
fn apply_gateway_key(
    value: &mut Value,
    key: GatewayKey,
    vrf_name_of: &dyn Fn(&str) -> Option<String>,
) {
    let Value::Object(map) = value else {
        return;
    };
    let name = map
        .get("gatewayName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let explicit = map
        .get("vrfName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let Some(vrf) = explicit
        .or_else(|| name.as_deref().and_then(vrf_name_of))
        .or_else(|| name.clone())
    else {
        return;
    };
    match key {
        GatewayKey::Both => {
            map.insert("vrfName".into(), Value::String(vrf));
        }
        GatewayKey::GatewayName => {
            if name.is_some() {
                map.remove("vrfName");
            }
        }
        GatewayKey::VrfName => {
            map.remove("gatewayName");
            map.insert("vrfName".into(), Value::String(vrf));
        }
    }
}

/// Object keys in sorted order at every level, so the body bytes are the
/// same whether or not serde_json's `preserve_order` feature is unified on
/// in the build (with it, maps keep insertion order).
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// Query pairs from a serialised request: `null` fields are left out, arrays
/// become repeated keys, scalars their plain text.
fn query_pairs(value: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = value else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for (k, v) in map {
        match v {
            Value::Array(items) => {
                pairs.extend(items.iter().filter_map(scalar).map(|s| (k.clone(), s)));
            }
            other => pairs.extend(scalar(other).map(|s| (k.clone(), s))),
        }
    }
    pairs
}

/// Whether a field name holds a secret: BGP keys, passwords, secret keys,
/// tokens, authorisation headers — any name ending in `key` or containing
/// `password`, `passwd`, `secret`, `token` or `authorization`
/// (case-insensitive, ignoring `_` and `-`).
pub fn is_sensitive_field(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    n.ends_with("key")
        || n == "sk"
        || ["password", "passwd", "secret", "token", "authorization"]
            .iter()
            .any(|s| n.contains(s))
}

/// Masks every sensitive field (see [`is_sensitive_field`]) anywhere in
/// `value` as `"(sensitive)"`; null and empty values stay as they are, so a
/// reader can still tell "no key" from "a key". JSON-encoded objects inside
/// strings (e.g. `settingItem`) are redacted too.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_sensitive_field(k) {
                    if !(v.is_null() || v == "") {
                        *v = Value::String(SENSITIVE.into());
                    }
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(s) => {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(mut inner) = serde_json::from_str::<Value>(s) {
                    let before = inner.clone();
                    redact(&mut inner);
                    if inner != before {
                        *s = inner.to_string();
                    }
                }
            }
        }
        _ => {}
    }
}

/// A redacted copy of a raw body for logs: JSON is redacted; anything else
/// is shown only by its length.
pub(crate) fn redacted_text(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            redact(&mut v);
            v.to_string()
        }
        Err(_) if bytes.is_empty() => String::new(),
        Err(_) => format!("({} bytes, not JSON)", bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints;
    use crate::types::{BgpPeer, BgpRouteAddRequest, GatewayAddRequest, GatewayListRequest};
    use secrecy::SecretString;
    use serde_json::json;

    #[test]
    fn get_parameters_go_to_the_query_and_the_body() {
        let req = GatewayListRequest {
            account: Some("user@sample.com".into()),
            region_id: Some("nm8".into()),
            search: Some("gw prod,01".into()),
            ..Default::default()
        };
        let p = wire_preview(&endpoints::GATEWAY_LIST, &req).unwrap();
        assert_eq!(p.method, Method::Get);
        assert_eq!(
            p.query,
            "account=user%40sample.com&regionID=nm8&search=gw%20prod%2C01"
        );
        // The same parameters, same values, as a compact JSON body.
        assert_eq!(
            String::from_utf8(p.body_bytes()).unwrap(),
            r#"{"account":"user@sample.com","regionID":"nm8","search":"gw prod,01"}"#
        );
        assert_eq!(
            p.path_and_query(),
            format!("/v4/cda/gateway/list?{}", p.query)
        );
        let value = serde_json::to_value(&req).unwrap();
        let only = |get_params| WireOptions {
            get_params,
            gateway_key: GatewayKey::Both,
        };
        let q = wire_form(
            &endpoints::GATEWAY_LIST,
            value.clone(),
            only(GetParams::Query),
            &|_| None,
        )
        .unwrap();
        assert_eq!(
            (q.query.as_str(), q.body.is_none()),
            (p.query.as_str(), true)
        );
        assert!(q.body_bytes().is_empty());
        let b = wire_form(
            &endpoints::GATEWAY_LIST,
            value,
            only(GetParams::Body),
            &|_| None,
        )
        .unwrap();
        assert_eq!((b.query.as_str(), b.body.clone()), ("", p.body.clone()));
    }

    #[test]
    fn ids_and_counts_go_under_both_spellings() {
        use crate::types::{
            BgpRouteDeleteRequest, BgpRouteUpdateRequest, PhysicalLineUpdateRequest,
            StaticRouteUpdateRequest,
        };
        let del = wire_preview(
            &endpoints::BGP_ROUTE_DELETE,
            &BgpRouteDeleteRequest {
                bgpid: "bgp-1".into(),
                region_id: Some("nm8".into()),
            },
        )
        .unwrap();
        assert_eq!(
            del.body,
            Some(json!({"BGPID": "bgp-1", "BGPId": "bgp-1", "regionID": "nm8"}))
        );
        let upd = wire_preview(
            &endpoints::BGP_ROUTE_UPDATE,
            &BgpRouteUpdateRequest {
                bgpid: "bgp-1".into(),
                multi_path_num: Some("2".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let b = upd.body.unwrap();
        assert_eq!(
            (b["BGPId"].as_str(), b["multiPathNumber"].as_str()),
            (Some("bgp-1"), Some("2"))
        );
        assert!(b.get("multiPathNumberIpv6").is_none(), "only when set");
        let sr = wire_preview(
            &endpoints::STATIC_ROUTE_UPDATE,
            &StaticRouteUpdateRequest {
                srid: "sr-1".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(sr.body.unwrap()["SRId"], "sr-1");
        let line = wire_preview(
            &endpoints::PHYSICAL_LINE_UPDATE,
            &PhysicalLineUpdateRequest {
                line_id: "l-1".into(),
                description: Some("backup".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(line.body.unwrap()["note"], "backup");
    }

    #[test]
    fn gateway_scoped_calls_carry_both_keys_with_the_servers_vrf_name() {
        use crate::types::{GatewayScopedRequest, VpcDeleteRequest};
        let scoped = GatewayScopedRequest {
            gateway_name: "gwprod01".into(),
            ..Default::default()
        };
        let value = serde_json::to_value(&scoped).unwrap();
        let learnt = |n: &str| (n == "gwprod01").then(|| "vrf-7f3a".to_owned());
        let with = |gateway_key| WireOptions {
            get_params: GetParams::Both,
            gateway_key,
        };
        let both = wire_form(
            &endpoints::VPC_LIST,
            value.clone(),
            with(GatewayKey::Both),
            &learnt,
        )
        .unwrap();
        assert_eq!(both.query, "gatewayName=gwprod01&vrfName=vrf-7f3a");
        assert_eq!(
            both.body,
            Some(json!({"gatewayName": "gwprod01", "vrfName": "vrf-7f3a"}))
        );
        // Nothing learnt: the name stands in for vrfName.
        let unknown = wire_preview(&endpoints::VPC_LIST, &scoped).unwrap();
        assert_eq!(unknown.query, "gatewayName=gwprod01&vrfName=gwprod01");
        let g = wire_form(
            &endpoints::VPC_LIST,
            value.clone(),
            with(GatewayKey::GatewayName),
            &learnt,
        )
        .unwrap();
        assert_eq!(g.query, "gatewayName=gwprod01");
        let v = wire_form(
            &endpoints::VPC_LIST,
            value,
            with(GatewayKey::VrfName),
            &learnt,
        )
        .unwrap();
        assert_eq!(v.query, "vrfName=vrf-7f3a");
        // POSTs too, in the body.
        let del = VpcDeleteRequest {
            gateway_name: "gwprod01".into(),
            vpc_id: "vpc-1".into(),
            region_id: None,
        };
        let d = wire_form(
            &endpoints::VPC_DELETE,
            serde_json::to_value(&del).unwrap(),
            with(GatewayKey::Both),
            &learnt,
        )
        .unwrap();
        assert_eq!(d.body.as_ref().unwrap()["vrfName"], "vrf-7f3a");
        assert_eq!(d.body.as_ref().unwrap()["gatewayName"], "gwprod01");
        assert_eq!(d.query, "");
        // gateway/add names a new gateway: it is not keyed by vrfName.
        let add = GatewayAddRequest {
            gateway_name: "gw9".into(),
            ..Default::default()
        };
        let a = wire_preview(&endpoints::GATEWAY_ADD, &add).unwrap();
        assert!(a.body.as_ref().unwrap().get("vrfName").is_none());
    }

    #[test]
    fn post_parameters_go_to_a_compact_json_body() {
        let req = GatewayAddRequest {
            gateway_name: "gw01".into(),
            account: "a@b.c".into(),
            hostname: "sw-1".into(),
            is_sw_config: Some(true),
            ..Default::default()
        };
        let p = wire_preview(&endpoints::GATEWAY_ADD, &req).unwrap();
        assert_eq!(p.query, "");
        // Keys are sorted whether or not serde_json's `preserve_order`
        // feature is on (other workspace crates switch it on).
        let sent = String::from_utf8(p.body_bytes()).unwrap();
        assert_eq!(
            sent,
            r#"{"account":"a@b.c","gatewayName":"gw01","hostname":"sw-1","isSwConfig":true}"#
        );
        assert!(!sent.contains(' '), "body is not compact: {sent}");
        let parsed: serde_json::Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"account":"a@b.c","gatewayName":"gw01","hostname":"sw-1","isSwConfig":true})
        );
    }

    #[test]
    fn redaction_masks_keys_and_passwords_everywhere() {
        let req = BgpRouteAddRequest {
            gateway_name: "gw".into(),
            ip_version: "IPV4".into(),
            bgp_list: vec![BgpPeer {
                bgp_neighbor: "n".into(),
                bgp_ip: "10.0.0.2".into(),
                peer_as: "65001".into(),
                bgp_key: Some(SecretString::from("hunter2".to_string())),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = wire_preview(&endpoints::BGP_ROUTE_ADD, &req).unwrap();
        // The wire body carries the key…
        assert_eq!(p.body.as_ref().unwrap()["BGPList"][0]["BGPKey"], "hunter2");
        // …the redacted preview does not.
        let shown = serde_json::to_string(&p.redacted()).unwrap();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains(SENSITIVE));

        let mut v = json!({"password": "p", "secretKey": "s", "bgp_key": "k", "token": "t",
            "list": [{"BGPKey": "k2", "peerAS": "1"}], "BGPKey2": null,
            "settingItem": "{\"BGPKey\":\"k3\",\"srcIP\":\"1.1.1.1\"}", "lineName": "keep"});
        redact(&mut v);
        let text = v.to_string();
        for secret in ["\"p\"", "\"s\"", "\"k\"", "\"t\"", "k2", "k3"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(v["lineName"], "keep");
        assert_eq!(v["list"][0]["peerAS"], "1");
        assert!(v["settingItem"].as_str().unwrap().contains("1.1.1.1"));
        assert!(is_sensitive_field("BGPKey"));
        assert!(is_sensitive_field("Eop-Authorization"));
        assert!(!is_sensitive_field("gatewayName"));
        assert!(!is_sensitive_field("authAccountId"));
        assert!(redacted_text(b"{\"BGPKey\":\"zz\"}").contains(SENSITIVE));
    }
}
