//! Response envelope and tolerant payload decoding.
//!
//! REFERENCE §7 leaves many response shapes open, so decoding accepts every
//! plausible one: a list directly in `returnObj`, under its documented
//! container, or under any other key holding an array of objects; counts in
//! `returnObj.count` or at the top level; static and BGP routes either nested
//! (one item per route with hop/peer arrays) or flattened one row per hop or
//! peer (merged by `SRID`/`BGPID`).

use crate::types::{BgpPeer, BgpRoute, HealthCheck, NextHop, StaticRoute};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A failed decode, before the caller attaches endpoint and request id.
pub(crate) type DecodeResult<T> = Result<T, String>;

/// What a failure envelope says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    pub code: String,
    pub message: String,
    pub description: String,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn status_code(body: &Value) -> Option<i64> {
    match body.get("statusCode")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Checks the envelope: `statusCode` 800 is success; anything else is a
/// failure carrying `errorCode` (or `error`, or the status code itself).
/// For a write, also reports a success envelope whose `returnObj.result` is
/// `"0"` (a mutation the back end refused) as a failure. Reads are judged by
/// `statusCode` alone: what `result` means on a read is undocumented (a
/// health-check read may well say `"0"` for "none configured").
pub(crate) fn check_envelope(body: &Value, is_write: bool) -> DecodeResult<Result<(), ApiFailure>> {
    if !body.is_object() {
        return Err("response body is not a JSON object".into());
    }
    let Some(code) = status_code(body) else {
        return Err("response has no statusCode".into());
    };
    if code != 800 {
        return Ok(Err(ApiFailure {
            code: text(body.get("errorCode"))
                .or_else(|| text(body.get("error")))
                .unwrap_or_else(|| code.to_string()),
            message: text(body.get("message")).unwrap_or_default(),
            description: text(body.get("description")).unwrap_or_default(),
        }));
    }
    let ro = body.get("returnObj");
    if !is_write {
        return Ok(Ok(()));
    }
    if let Some(Value::String(r)) = ro.and_then(|o| o.get("result")) {
        if r == "0" {
            let ro = ro.unwrap_or(&Value::Null);
            return Ok(Err(ApiFailure {
                code: text(ro.get("errorCode")).unwrap_or_else(|| "result=0".into()),
                message: text(ro.get("errorMsg"))
                    .or_else(|| text(ro.get("error_msg")))
                    .unwrap_or_default(),
                description: text(body.get("description")).unwrap_or_default(),
            }));
        }
    }
    Ok(Ok(()))
}

/// The envelope's error code/message from a non-2xx body, if it has one.
pub(crate) fn failure_from_body(body: &[u8]) -> Option<ApiFailure> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let code = text(v.get("errorCode")).or_else(|| text(v.get("error")))?;
    Some(ApiFailure {
        code,
        message: text(v.get("message")).unwrap_or_default(),
        description: text(v.get("description")).unwrap_or_default(),
    })
}

pub(crate) fn return_obj(body: &Value) -> &Value {
    body.get("returnObj").unwrap_or(&Value::Null)
}

/// `returnObj.traceId` / `traceID`.
pub(crate) fn trace_id(body: &Value) -> Option<String> {
    let ro = return_obj(body);
    text(ro.get("traceId")).or_else(|| text(ro.get("traceID")))
}

fn is_array_of_objects(v: &Value) -> bool {
    matches!(v, Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object))
}

/// Finds the list in a response body.
///
/// `containers` are the documented container names, tried first;
/// `item_keys` are fields that only an item has (an object carrying one is a
/// single flattened item, not a wrapper).
pub(crate) fn find_list(body: &Value, containers: &[&str], item_keys: &[&str]) -> Vec<Value> {
    match return_obj(body) {
        Value::Array(items) => items.clone(),
        Value::Object(map) => list_in_object(map, containers, item_keys),
        // GO flattens the payload into the envelope itself.
        _ => {
            let Value::Object(top) = body else {
                return Vec::new();
            };
            let mut rest = top.clone();
            for k in [
                "statusCode",
                "message",
                "description",
                "errorCode",
                "error",
                "returnObj",
            ] {
                rest.remove(k);
            }
            list_in_object(&rest, containers, item_keys)
        }
    }
}

fn list_in_object(map: &Map<String, Value>, containers: &[&str], item_keys: &[&str]) -> Vec<Value> {
    for c in containers {
        match map.get(*c) {
            Some(Value::Array(items)) => return items.clone(),
            Some(Value::Null) => return Vec::new(),
            // A JSON-encoded list in a string field.
            Some(Value::String(s)) => {
                if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(s) {
                    return items;
                }
                if s.trim().is_empty() {
                    return Vec::new();
                }
                // Not a list: hand it on as the one item, so decoding the
                // item fails instead of the list passing as empty.
                return vec![Value::String(s.clone())];
            }
            Some(v @ (Value::Number(_) | Value::Bool(_))) => return vec![v.clone()],
            _ => {}
        }
    }
    if item_keys
        .iter()
        .any(|k| map.get(*k).is_some_and(|v| !v.is_null()))
    {
        return vec![Value::Object(map.clone())];
    }
    // Any other key holding an array of objects (`staticRouteList`, `list`,
    // `data`, …). Keys are visited in sorted order, so the choice is stable.
    map.values()
        .find(|v| is_array_of_objects(v))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `totalCount` in `returnObj` or at the top level.
pub(crate) fn total_count(body: &Value) -> Option<u64> {
    [return_obj(body).get("totalCount"), body.get("totalCount")]
        .into_iter()
        .flatten()
        .find_map(as_u64)
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A count at `returnObj.count`, at the top-level `count`, or `returnObj`
/// itself being the number.
pub(crate) fn count(body: &Value) -> DecodeResult<u64> {
    let ro = return_obj(body);
    ro.get("count")
        .and_then(as_u64)
        .or_else(|| body.get("count").and_then(as_u64))
        .or_else(|| as_u64(ro))
        .ok_or_else(|| "no count in returnObj.count or count".into())
}

/// Drops duplicate spellings of one field (a GO row may carry both `SRId`
/// and `srid`; serde refuses a struct with a field given twice), keeping the
/// first spelling of each group that is present and non-null. Recurses into
/// nested objects and arrays.
pub(crate) fn dedup_aliases(value: &mut Value, groups: &[&[&str]]) {
    match value {
        Value::Object(map) => {
            for group in groups {
                let mut kept = false;
                for key in group.iter() {
                    match map.get(*key) {
                        Some(Value::Null) => {
                            map.remove(*key);
                        }
                        Some(_) if kept => {
                            map.remove(*key);
                        }
                        Some(_) => kept = true,
                        None => {}
                    }
                }
            }
            for v in map.values_mut() {
                dedup_aliases(v, groups);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| dedup_aliases(v, groups)),
        _ => {}
    }
}

/// Alias groups per item type (mirrors the `alias`es in `types`).
pub(crate) mod groups {
    pub const LINE: &[&[&str]] = &[
        &["lineID", "lineId"],
        &["linecode", "lineCode"],
        &["regionID", "regionId"],
        &["localConnectIP", "localConnectIp"],
        &["remoteConnectIP", "remoteConnectIp"],
        &["localConnectIPv6", "localConnectIpv6"],
        &["remoteConnectIPv6", "remoteConnectIpv6"],
    ];
    pub const GATEWAY: &[&[&str]] = &[&["projectIdEcs", "projectIDEcs", "projectIDcs"]];
    pub const VPC: &[&[&str]] = &[
        &["vpcID", "vpcId"],
        &["vrfName", "gatewayName"],
        &["vpcSubnetIPv6", "vpcSubnetIpv6"],
        &["vpcNetworkSegmentIPv6", "vpcNetworkSegmentIpv6"],
        &["bandwidth", "virtualBandwidth"],
        &["ctUserId", "ctUserID"],
    ];
    pub const STATIC_ROUTE: &[&[&str]] = &[
        &["SRID", "SRId", "srid", "srId"],
        &["gatewayName", "vrfName"],
        &["dstCidrV6", "dstCidrv6"],
        &["nextHopV6", "nextHopv6"],
        &["remoteGatewayIp", "remoteGatewayIP"],
    ];
    pub const BGP_ROUTE: &[&[&str]] = &[
        &["BGPID", "BGPId", "bgpId", "bgpid"],
        &["gatewayName", "vrfName"],
        &["BGPList", "bgpList"],
        &["BGPIpv6List", "BGPIPv6List", "bgpIpv6List"],
        &["multiPathNum", "multiPathNumber"],
        &["multiPathNumIpv6", "multiPathNumberIpv6"],
        &["BGPNeighbor", "BGPNeighborIpv6", "bgpNeighbor"],
        &["BGPIP", "BGPIPv6", "BGPIp", "bgpIp"],
        &["lineID", "lineId"],
        &["peerAS", "peerAs"],
        &["BGPKey", "bgpKey"],
    ];
    pub const SWITCH: &[&[&str]] = &[&["switchID", "switchId"], &["switchName", "name"]];
    pub const HEALTH_CHECK: &[&[&str]] = &[
        &["srcIP", "srcIp"],
        &["dstIP", "dstIp"],
        &["ntimest", "nTimest", "ntimes"],
    ];
    pub const HEALTH_STATUS: &[&[&str]] = &[&["vpcId", "vpcID"], &["vrfName", "gatewayName"]];
    pub const ACCOUNT_AUTH: &[&[&str]] = &[
        &["accountId", "accountID"],
        &["vpcID", "vpcId"],
        &["gatewayName", "vrfName"],
        &["authAccountId", "authAccountID"],
        &["regionID", "regionId"],
    ];
}

/// Decodes list items into `T` after removing duplicate alias spellings.
pub(crate) fn decode_items<T: DeserializeOwned>(
    items: Vec<Value>,
    groups: &[&[&str]],
) -> DecodeResult<Vec<T>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, mut item)| {
            dedup_aliases(&mut item, groups);
            serde_json::from_value(item).map_err(|e| format!("item {i}: {e}"))
        })
        .collect()
}

fn push_unique<T: PartialEq>(into: &mut Vec<T>, items: impl IntoIterator<Item = T>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

fn has_value(row: &Value, key: &str) -> bool {
    row.get(key).is_some_and(|v| !v.is_null() && v != "")
}

/// Static routes from list items, nested or flattened (one row per next hop
/// carrying `remoteGatewayIp`/`priority`/`track`), merged by `SRID` in
/// first-seen order.
pub(crate) fn static_routes(items: Vec<Value>) -> DecodeResult<Vec<StaticRoute>> {
    let mut routes: Vec<StaticRoute> = Vec::new();
    for (i, mut row) in items.into_iter().enumerate() {
        dedup_aliases(&mut row, groups::STATIC_ROUTE);
        let mut route: StaticRoute =
            serde_json::from_value(row.clone()).map_err(|e| format!("item {i}: {e}"))?;
        if has_value(&row, "remoteGatewayIp") {
            let hop: NextHop = serde_json::from_value(row).map_err(|e| format!("item {i}: {e}"))?;
            if hop.remote_gateway_ip.contains(':') {
                route.next_hop_v6.push(hop);
            } else {
                route.next_hop.push(hop);
            }
        }
        let existing = routes
            .iter_mut()
            .find(|r| !route.srid.is_empty() && r.srid == route.srid);
        match existing {
            Some(r) => {
                push_unique(&mut r.dst_cidr, route.dst_cidr);
                push_unique(&mut r.dst_cidr_v6, route.dst_cidr_v6);
                push_unique(&mut r.next_hop, route.next_hop);
                push_unique(&mut r.next_hop_v6, route.next_hop_v6);
                r.gateway_name = r.gateway_name.take().or(route.gateway_name);
                r.ip_version = r.ip_version.take().or(route.ip_version);
            }
            None => routes.push(route),
        }
    }
    Ok(routes)
}

fn same_peer(a: &BgpPeer, b: &BgpPeer) -> bool {
    a.bgp_ip == b.bgp_ip && a.line_id == b.line_id && a.line_name == b.line_name
}

/// BGP routes from list items, nested (`BGPList`/`BGPIpv6List`) or flattened
/// (one row per peer carrying `BGPNeighbor`/`BGPIP`/`lineName`/`peerAS`/
/// `BGPKey`/`bfd`), merged by `BGPID` in first-seen order.
pub(crate) fn bgp_routes(items: Vec<Value>) -> DecodeResult<Vec<BgpRoute>> {
    let mut routes: Vec<BgpRoute> = Vec::new();
    for (i, mut row) in items.into_iter().enumerate() {
        dedup_aliases(&mut row, groups::BGP_ROUTE);
        let mut route: BgpRoute =
            serde_json::from_value(row.clone()).map_err(|e| format!("item {i}: {e}"))?;
        if has_value(&row, "BGPIP") || has_value(&row, "BGPNeighbor") {
            let mut peer: BgpPeer =
                serde_json::from_value(row).map_err(|e| format!("item {i}: {e}"))?;
            // In a flattened row the networks belong to the route, not the peer.
            peer.network_cidr.clear();
            peer.network_cidr_v6.clear();
            if peer.bgp_ip.contains(':') {
                route.bgp_ipv6_list.push(peer);
            } else {
                route.bgp_list.push(peer);
            }
        }
        let existing = routes
            .iter_mut()
            .find(|r| !route.bgpid.is_empty() && r.bgpid == route.bgpid);
        match existing {
            Some(r) => {
                push_unique(&mut r.network_cidr, route.network_cidr);
                push_unique(&mut r.network_cidr_v6, route.network_cidr_v6);
                for p in route.bgp_list {
                    if !r.bgp_list.iter().any(|q| same_peer(q, &p)) {
                        r.bgp_list.push(p);
                    }
                }
                for p in route.bgp_ipv6_list {
                    if !r.bgp_ipv6_list.iter().any(|q| same_peer(q, &p)) {
                        r.bgp_ipv6_list.push(p);
                    }
                }
                r.gateway_name = r.gateway_name.take().or(route.gateway_name);
                r.ip_version = r.ip_version.take().or(route.ip_version);
                r.multi_path = r.multi_path.or(route.multi_path);
                r.multi_path_num = r.multi_path_num.take().or(route.multi_path_num);
                r.multi_path_type = r.multi_path_type.take().or(route.multi_path_type);
                r.multi_path_ipv6 = r.multi_path_ipv6.or(route.multi_path_ipv6);
                r.multi_path_num_ipv6 = r.multi_path_num_ipv6.take().or(route.multi_path_num_ipv6);
            }
            None => routes.push(route),
        }
    }
    Ok(routes)
}

fn embedded_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Value>>, D::Error> {
    use serde::de::Error as _;
    use serde::Deserialize as _;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Array(items) => Ok(Some(items)),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Array(items)) => Ok(Some(items)),
            _ => Err(D::Error::custom("expected a list")),
        },
        other => Err(D::Error::custom(format!("expected a list, got {other}"))),
    }
}

/// A gateway item's embedded `srList`, decoded like `static-route/list`.
pub(crate) fn opt_static_routes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<StaticRoute>>, D::Error> {
    use serde::de::Error as _;
    embedded_list(d)?
        .map(|items| static_routes(items).map_err(D::Error::custom))
        .transpose()
}

/// A gateway item's embedded `vpcList`.
pub(crate) fn opt_vpcs<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<crate::types::Vpc>>, D::Error> {
    use serde::de::Error as _;
    embedded_list(d)?
        .map(|items| decode_items(items, groups::VPC).map_err(D::Error::custom))
        .transpose()
}

/// `health-check/get`: `returnObj.settingItem` (GO: `data`) as a JSON-encoded
/// string or an object. Null, empty, `{}` or absent → no health check.
pub(crate) fn health_check(body: &Value) -> DecodeResult<Option<HealthCheck>> {
    let ro = return_obj(body);
    let raw = ro
        .get("settingItem")
        .filter(|v| !v.is_null())
        .or_else(|| ro.get("data").filter(|v| !v.is_null()));
    let mut setting = match raw {
        None => return Ok(None),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() || s == "null" {
                return Ok(None);
            }
            serde_json::from_str::<Value>(s).map_err(|e| format!("settingItem is not JSON: {e}"))?
        }
        Some(v) => v.clone(),
    };
    if let Value::Array(items) = setting {
        match items.into_iter().next() {
            Some(first) => setting = first,
            None => return Ok(None),
        }
    }
    if !setting.is_object() {
        return Err(format!("settingItem is not an object: {setting}"));
    }
    if !["srcIP", "srcIp", "dstIP", "dstIp"]
        .iter()
        .any(|k| has_value(&setting, k))
    {
        return Ok(None);
    }
    dedup_aliases(&mut setting, groups::HEALTH_CHECK);
    serde_json::from_value(setting)
        .map(Some)
        .map_err(|e| format!("settingItem: {e}"))
}

/// `physical-line/access-point-list`: `accessPoint` strings wherever they are
/// (flattened, in `returnObj`, or in list items).
pub(crate) fn access_points(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let ro = return_obj(body);
    for v in [ro.get("accessPoint"), body.get("accessPoint")]
        .into_iter()
        .flatten()
    {
        if let Some(s) = text(Some(v)) {
            push_unique(&mut out, [s]);
        }
    }
    let items = find_list(
        body,
        &["accessPointList", "result", "list"],
        &["accessPoint"],
    );
    for item in items {
        match &item {
            Value::String(s) => push_unique(&mut out, [s.clone()]),
            _ => {
                if let Some(s) = text(item.get("accessPoint")) {
                    push_unique(&mut out, [s]);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use serde_json::json;

    const CONTAINERS: &[&str] = &["lineGatewayList"];
    const ITEM_KEYS: &[&str] = &["gatewayName", "vrfName"];

    fn ok(return_obj: Value) -> Value {
        json!({"statusCode": 800, "message": "", "returnObj": return_obj})
    }

    #[test]
    fn envelope_success_and_failures() {
        assert_eq!(check_envelope(&ok(json!({})), true).unwrap(), Ok(()));
        assert_eq!(
            check_envelope(&json!({"statusCode": "800"}), true).unwrap(),
            Ok(())
        );
        let fail = check_envelope(
            &json!({
                "statusCode": 900, "errorCode": "cda.gateway.exist",
                "message": "gateway exists", "description": "网关已存在"
            }),
            true,
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(fail.code, "cda.gateway.exist");
        assert_eq!(fail.message, "gateway exists");
        assert_eq!(fail.description, "网关已存在");
        // `error` when `errorCode` is missing; the status code when both are.
        let fail = check_envelope(&json!({"statusCode": 900, "error": "cda.x.y"}), true)
            .unwrap()
            .unwrap_err();
        assert_eq!(fail.code, "cda.x.y");
        let fail = check_envelope(&json!({"statusCode": 900}), true)
            .unwrap()
            .unwrap_err();
        assert_eq!(fail.code, "900");
        // A refused mutation inside a success envelope.
        let fail = check_envelope(
            &ok(json!({"result": "0", "errorCode": "cda.e", "errorMsg": "no"})),
            true,
        )
        .unwrap()
        .unwrap_err();
        assert_eq!((fail.code.as_str(), fail.message.as_str()), ("cda.e", "no"));
        // Reads are judged by statusCode alone.
        assert_eq!(
            check_envelope(&ok(json!({"result": "0", "settingItem": null})), false).unwrap(),
            Ok(())
        );
        assert!(check_envelope(&json!({"returnObj": {}}), true).is_err());
        assert!(check_envelope(&json!([1]), true).is_err());
    }

    #[test]
    fn list_directly_in_return_obj() {
        let items = find_list(
            &ok(json!([{"gatewayName": "a"}, {"gatewayName": "b"}])),
            CONTAINERS,
            ITEM_KEYS,
        );
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn list_under_documented_container() {
        let body = ok(json!({"totalCount": 2, "currentCount": 2,
            "lineGatewayList": [{"gatewayName": "a"}, {"gatewayName": "b"}]}));
        assert_eq!(find_list(&body, CONTAINERS, ITEM_KEYS).len(), 2);
        let empty = ok(json!({"totalCount": 0, "lineGatewayList": null}));
        assert!(find_list(&empty, CONTAINERS, ITEM_KEYS).is_empty());
        let as_string = ok(json!({"lineGatewayList": "[{\"gatewayName\": \"a\"}]"}));
        assert_eq!(find_list(&as_string, CONTAINERS, ITEM_KEYS).len(), 1);
    }

    #[test]
    fn list_under_any_other_key() {
        for key in ["staticRouteList", "bgpRouteList", "list", "data", "result"] {
            let body = ok(json!({"totalCount": 1, key: [{"SRID": "sr-1"}]}));
            let items = find_list(&body, &[], &["SRID"]);
            assert_eq!(items.len(), 1, "{key}");
            assert_eq!(items[0]["SRID"], "sr-1");
        }
        // Arrays of strings (e.g. `lineList`) are not a list of items.
        let body = ok(json!({"lineList": ["a", "b"]}));
        assert!(find_list(&body, &[], &["SRID"]).is_empty());
    }

    #[test]
    fn single_flattened_item() {
        let body = ok(json!({"lineId": "l-1", "lineName": "a", "lineList": []}));
        let items = find_list(&body, &["physicalLineList"], &["lineID", "lineId"]);
        assert_eq!(items.len(), 1);
        // GO style: the item is in the envelope itself.
        let body = json!({"statusCode": 800, "lineId": "l-1", "lineName": "a"});
        let items = find_list(&body, &["physicalLineList"], &["lineID", "lineId"]);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["lineName"], "a");
    }

    #[test]
    fn counts_in_either_place() {
        assert_eq!(count(&ok(json!({"count": 3}))).unwrap(), 3);
        assert_eq!(
            count(&json!({"statusCode": 800, "count": 4, "returnObj": null})).unwrap(),
            4
        );
        assert_eq!(count(&ok(json!({"count": "5"}))).unwrap(), 5);
        assert_eq!(count(&ok(json!(6))).unwrap(), 6);
        assert!(count(&ok(json!({}))).is_err());
        assert_eq!(total_count(&ok(json!({"totalCount": 7}))), Some(7));
        assert_eq!(
            total_count(&json!({"totalCount": "8", "returnObj": {}})),
            Some(8)
        );
    }

    #[test]
    fn duplicate_alias_spellings_are_tolerated() {
        let items = vec![
            json!({"SRId": "sr-1", "srid": "sr-1", "dstCidr": ["10.0.0.0/8"],
            "nextHop": [{"remoteGatewayIp": "10.255.0.2", "priority": 1}]}),
        ];
        let routes = static_routes(items).unwrap();
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].srid, "sr-1");
    }

    #[test]
    fn static_route_alias_spellings() {
        for key in ["SRID", "SRId", "srid"] {
            let routes = static_routes(vec![json!({key: "sr-9"})]).unwrap();
            assert_eq!(routes[0].srid, "sr-9", "{key}");
        }
    }

    #[test]
    fn static_routes_nested() {
        let items = vec![json!({
            "SRID": "sr-1", "gatewayName": "gw", "ipVersion": "DUALSTACK",
            "dstCidr": ["10.0.0.0/16"], "dstCidrV6": ["fd00::/64"],
            "nextHop": [{"remoteGatewayIp": "10.255.0.2", "priority": 10, "track": 1, "bfd": true},
                        {"remoteGatewayIp": "10.255.1.2", "priority": "20"}],
            "nextHopV6": [{"remoteGatewayIp": "fd00::2", "priority": 10}],
            "unknownField": {"ignored": true}
        })];
        let routes = static_routes(items).unwrap();
        assert_eq!(routes.len(), 1);
        let r = &routes[0];
        assert_eq!(r.next_hop.len(), 2);
        assert_eq!(r.next_hop[0].track, Some(1));
        assert_eq!(r.next_hop[0].bfd, Some(true));
        assert_eq!(r.next_hop[1].priority, 20);
        assert_eq!(r.next_hop_v6[0].remote_gateway_ip, "fd00::2");
        assert_eq!(r.dst_cidr_v6, vec!["fd00::/64"]);
    }

    #[test]
    fn static_routes_flattened_rows_merge_by_srid() {
        let items = vec![
            json!({"SRID": "sr-1", "gatewayName": "gw", "ipVersion": "IPV4",
                   "dstCidr": ["10.0.0.0/16"], "remoteGatewayIp": "10.255.0.2", "priority": 10, "track": 1}),
            json!({"SRID": "sr-2", "gatewayName": "gw", "ipVersion": "IPV4",
                   "dstCidr": ["10.9.0.0/16"], "remoteGatewayIp": "10.255.0.2", "priority": 5, "track": 0}),
            json!({"srid": "sr-1", "gatewayName": "gw", "ipVersion": "IPV4",
                   "dstCidr": ["10.0.0.0/16"], "remoteGatewayIp": "10.255.1.2", "priority": 20, "track": 0}),
        ];
        let routes = static_routes(items).unwrap();
        assert_eq!(routes.len(), 2);
        assert_eq!(routes[0].srid, "sr-1");
        assert_eq!(routes[0].dst_cidr, vec!["10.0.0.0/16"]);
        let ips: Vec<_> = routes[0]
            .next_hop
            .iter()
            .map(|h| h.remote_gateway_ip.as_str())
            .collect();
        assert_eq!(ips, vec!["10.255.0.2", "10.255.1.2"]);
        assert_eq!(routes[0].next_hop[1].priority, 20);
        assert_eq!(routes[1].next_hop.len(), 1);
    }

    #[test]
    fn bgp_routes_nested_with_alias_spellings() {
        let items = vec![json!({
            "BGPId": "bgp-1", "gatewayName": "gw", "ipVersion": "IPV4",
            "networkCidr": ["192.168.0.0/16"], "multiPath": true, "multiPathNumber": "2",
            "BGPList": [
                {"BGPNeighbor": "n1", "BGPIP": "10.255.0.2", "lineId": "l-1", "peerAS": 65001, "BGPKey": "k1", "bfd": true},
                {"BGPNeighbor": "n2", "BGPIP": "10.255.1.2", "lineName": "bj-b", "peerAS": "65002", "bfd": false}
            ]
        })];
        let routes = bgp_routes(items).unwrap();
        assert_eq!(routes.len(), 1);
        let r = &routes[0];
        assert_eq!(r.bgpid, "bgp-1");
        assert_eq!(r.multi_path_num.as_deref(), Some("2"));
        assert_eq!(r.bgp_list.len(), 2);
        assert_eq!(r.bgp_list[0].line_id.as_deref(), Some("l-1"));
        assert_eq!(r.bgp_list[0].peer_as, "65001");
        assert_eq!(
            r.bgp_list[0].bgp_key.as_ref().map(|k| k.expose_secret()),
            Some("k1")
        );
        assert_eq!(r.bgp_list[1].line_name.as_deref(), Some("bj-b"));
        assert!(r.bgp_list[1].bgp_key.is_none());
        // The key never shows in Debug.
        assert!(!format!("{r:?}").contains("k1\""));
    }

    #[test]
    fn bgp_routes_flattened_rows_merge_by_bgpid() {
        let items = vec![
            json!({"BGPID": "bgp-1", "gatewayName": "gw", "ipVersion": "DUALSTACK",
                   "networkCidr": ["192.168.0.0/16"], "networkCidrV6": ["fd01::/48"],
                   "multiPathNumber": "2",
                   "BGPNeighbor": "n1", "BGPIP": "10.255.0.2", "lineName": "bj-a",
                   "peerAS": "65001", "BGPKey": "s3cret", "bfd": 1}),
            json!({"BGPId": "bgp-1", "gatewayName": "gw", "ipVersion": "DUALSTACK",
                   "networkCidr": ["192.168.0.0/16"],
                   "BGPNeighbor": "n1v6", "BGPIP": "fd00::2", "lineID": "l-1",
                   "peerAS": "65001", "bfd": false}),
            json!({"BGPID": "bgp-1", "BGPNeighbor": "n1", "BGPIP": "10.255.0.2", "lineName": "bj-a",
                   "peerAS": "65001", "bfd": true}),
        ];
        let routes = bgp_routes(items).unwrap();
        assert_eq!(routes.len(), 1);
        let r = &routes[0];
        assert_eq!(r.network_cidr, vec!["192.168.0.0/16"]);
        assert_eq!(r.network_cidr_v6, vec!["fd01::/48"]);
        assert_eq!(r.bgp_list.len(), 1, "duplicate peer row merged");
        assert!(r.bgp_list[0].bfd);
        assert!(r.bgp_list[0].network_cidr.is_empty());
        assert_eq!(r.bgp_ipv6_list.len(), 1);
        assert_eq!(r.bgp_ipv6_list[0].line_id.as_deref(), Some("l-1"));
        assert_eq!(r.multi_path_num.as_deref(), Some("2"));
    }

    #[test]
    fn health_check_setting_item_shapes() {
        let setting = json!({"srcIP": "192.168.10.250", "dstIP": "10.255.0.2", "interval": 2,
            "ntimest": 5, "autoRouteSwitching": true, "vpcSubnet": "192.168.10.0/24"});
        let from_string = health_check(&ok(
            json!({"result": "1", "settingItem": setting.to_string()}),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(from_string.src_ip, "192.168.10.250");
        assert_eq!(from_string.ntimest, 5);
        assert!(from_string.auto_route_switching);
        assert_eq!(from_string.vpc_subnet.as_deref(), Some("192.168.10.0/24"));
        let from_object = health_check(&ok(json!({"settingItem": setting})))
            .unwrap()
            .unwrap();
        assert_eq!(from_object, from_string);
        for none in [
            json!({"settingItem": null}),
            json!({"settingItem": ""}),
            json!({"settingItem": "{}"}),
            json!({"settingItem": "null"}),
            json!({}),
            json!(null),
        ] {
            assert_eq!(health_check(&ok(none.clone())).unwrap(), None, "{none}");
        }
        let strings = json!({"settingItem": "{\"srcIp\":\"1.1.1.1\",\"dstIp\":\"2.2.2.2\",\"interval\":\"3\",\"ntimest\":\"6\",\"autoRouteSwitching\":\"false\"}"});
        let hc = health_check(&ok(strings)).unwrap().unwrap();
        assert_eq!(
            (hc.interval, hc.ntimest, hc.auto_route_switching),
            (3, 6, false)
        );
        assert!(health_check(&ok(json!({"settingItem": "{not json"}))).is_err());
    }

    #[test]
    fn vpc_and_line_alias_spellings() {
        let vpcs: Vec<crate::types::Vpc> = decode_items(
            vec![
                json!({"vpcID": "v1", "vpcSubnet": ["a"], "vpcSubnetIPv6": ["b"], "bandwidth": 100}),
                json!({"vpcId": "v2", "vpcSubnet": "a,c", "vpcSubnetIpv6": "b", "virtualBandwidth": "200",
                       "vpcNetworkSegmentIpv6": "fd00::/56"}),
                json!({"vpcID": "v3", "vpcId": "v3"}),
            ],
            groups::VPC,
        )
        .unwrap();
        assert_eq!(vpcs[0].vpc_id.as_deref(), Some("v1"));
        assert_eq!(vpcs[1].vpc_id.as_deref(), Some("v2"));
        assert_eq!(vpcs[1].vpc_subnet, vec!["a", "c"]);
        assert_eq!(vpcs[1].vpc_subnet_ipv6, vec!["b"]);
        assert_eq!(vpcs[1].bandwidth, Some(200));
        assert_eq!(
            vpcs[1].vpc_network_segment_ipv6.as_deref(),
            Some("fd00::/56")
        );
        assert_eq!(vpcs[2].vpc_id.as_deref(), Some("v3"));

        let lines: Vec<crate::types::PhysicalLine> = decode_items(
            vec![
                json!({"lineID": "l1", "linecode": "C1", "bandwidth": 1000, "tag": 1, "vlan": "1001"}),
                json!({"lineId": "l2", "lineCode": "C2", "bandwidth": "500"}),
                json!({"fuid": "l3"}),
            ],
            groups::LINE,
        )
        .unwrap();
        assert_eq!(lines[0].id(), Some("l1"));
        assert_eq!(lines[0].vlan, Some(1001));
        assert_eq!(lines[1].id(), Some("l2"));
        assert_eq!(lines[1].line_code.as_deref(), Some("C2"));
        assert_eq!(lines[1].bandwidth, Some(500));
        assert_eq!(lines[2].id(), Some("l3"));
    }

    #[test]
    fn gateway_items_with_embedded_routes_and_vpcs() {
        let gws: Vec<crate::types::Gateway> = decode_items(
            vec![
                json!({"gatewayName": "gw1", "vrfName": "gw1", "lineList": ["l1"],
                       "srList": [{"SRId": "sr-1", "srid": "sr-1", "dstCidr": ["10.0.0.0/8"],
                                   "remoteGatewayIp": "10.255.0.2", "priority": 1}],
                       "vpcList": [{"vpcId": "v1", "vpcSubnet": ["192.168.0.0/24"]}]}),
                json!({"displayName": "gw2"}),
            ],
            groups::GATEWAY,
        )
        .unwrap();
        assert_eq!(gws[0].name(), Some("gw1"));
        let routes = gws[0].sr_list.as_ref().unwrap();
        assert_eq!(routes[0].srid, "sr-1");
        assert_eq!(routes[0].next_hop[0].remote_gateway_ip, "10.255.0.2");
        assert_eq!(
            gws[0].vpc_list.as_ref().unwrap()[0].vpc_id.as_deref(),
            Some("v1")
        );
        assert_eq!(gws[1].name(), Some("gw2"));
        assert_eq!(gws[1].sr_list, None, "absent means: ask static_route_list");
        assert_eq!(gws[1].vpc_list, None);
    }

    #[test]
    fn access_points_anywhere() {
        assert_eq!(
            access_points(&json!({"statusCode": 800, "accessPoint": "AP1"})),
            vec!["AP1"]
        );
        assert_eq!(
            access_points(&ok(json!({"accessPoint": "AP2"}))),
            vec!["AP2"]
        );
        assert_eq!(
            access_points(&ok(json!([{"accessPoint": "AP1"}, {"accessPoint": "AP2"}]))),
            vec!["AP1", "AP2"]
        );
    }
}
