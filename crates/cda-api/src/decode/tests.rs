use super::shapes::groups;
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
    // An opaque setting is a check whose settings cannot be read, not an error.
    for opaque in [
        json!({"settingItem": "{not json"}),
        json!({"settingItem": "interval=3;ntimest=5"}),
        json!({"settingItem": "3"}),
        json!({"data": "{\"probe\":\"icmp\"}"}),
    ] {
        let hc = health_check(&ok(opaque.clone())).unwrap().unwrap();
        assert!(hc.unreadable && hc.src_ip.is_empty(), "{opaque}");
    }
    // GO: `data` flattened into the envelope, no returnObj.
    let go = json!({"statusCode": 800, "result": "1", "data": "opaque", "traceId": "t"});
    assert!(health_check(&go).unwrap().unwrap().unreadable);
    let go_none = json!({"statusCode": 800, "result": "1", "data": null});
    assert_eq!(health_check(&go_none).unwrap(), None);
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

#[test]
fn failure_text_and_code_from_every_documented_field() {
    let fail = |body: Value| check_envelope(&body, true).unwrap().unwrap_err();
    // 3P: msgDesc when message is empty; code from `error`.
    let f = fail(json!({"statusCode": 900, "message": "", "error": "cda.x", "msgDesc": "bad vpc"}));
    assert_eq!((f.code.as_str(), f.message.as_str()), ("cda.x", "bad vpc"));
    // GO physical-line/list: subCode / subMsg.
    let f = fail(json!({"statusCode": "900", "subCode": "40001", "subMsg": "no such line"}));
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        ("40001", "no such line")
    );
    // description alone is the message, not repeated beside it.
    let f = fail(json!({"statusCode": 900, "description": "网关不存在"}));
    assert_eq!(
        (f.message.as_str(), f.description.as_str()),
        ("网关不存在", "")
    );
    // PY4 health-check: error_msg in returnObj.
    let f = fail(json!({"statusCode": 900, "returnObj": {"error_msg": "vpc not attached"}}));
    assert_eq!(f.message, "vpc not attached");
    // `result` as a number.
    let f = fail(ok(json!({"result": 0, "errorMsg": "refused"})));
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        ("result=0", "refused")
    );
    assert_eq!(
        check_envelope(&ok(json!({"result": 1})), true).unwrap(),
        Ok(())
    );
    assert_eq!(
        check_envelope(
            &json!({"statusCode": 800, "returnObj": {"result": "1"}}),
            true
        )
        .unwrap(),
        Ok(())
    );
}

#[test]
fn a_json_body_on_a_non_2xx_status_is_read_as_an_envelope() {
    // PY4's "IT CTAPI gateway" form: its own code in statusCode, text in message.
    let f = failure_from_body(
        br#"{"statusCode": 40301, "message": "signature mismatch"}"#,
        403,
    )
    .unwrap();
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        ("40301", "signature mismatch")
    );
    let f = failure_from_body(
        br#"{"statusCode": 900, "errorCode": "cda.e", "msgDesc": "m"}"#,
        500,
    )
    .unwrap();
    assert_eq!((f.code.as_str(), f.message.as_str()), ("cda.e", "m"));
    let f = failure_from_body(br#"{"error": "Bad Request"}"#, 400).unwrap();
    assert_eq!(f.code, "Bad Request");
    assert!(failure_from_body(b"<html>502</html>", 502).is_none());
    assert!(failure_from_body(b"[1]", 400).is_none());
}

#[test]
fn flattened_list_with_only_a_count_announces_its_total() {
    let body = json!({"statusCode": 800, "count": 1, "gatewayName": "gw1", "vrfName": "gw1"});
    assert_eq!(total_count(&body), Some(1));
    assert_eq!(find_list(&body, CONTAINERS, ITEM_KEYS).len(), 1);
    let doc =
        ok(json!({"totalCount": 3, "lineGatewayList": [{"vrfName": "id", "displayName": "n"}]}));
    assert_eq!(total_count(&doc), Some(3));
}
