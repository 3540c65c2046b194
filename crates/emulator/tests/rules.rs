#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every business rule → statusCode 900 with its own errorCode.

mod common;

use common::*;
use emulator::Config;
use serde_json::{json, Value};

const SR: &str = "/v4/cda/static-route";
const BGP: &str = "/v4/cda/bgp-route";
const VPC: &str = "/v4/cda/vpc";
const HC: &str = "/v4/cda/health-check";

async fn expect(c: &Client, path: &str, body: Value, code: &str) {
    let r = c.post(path, body.clone()).await;
    assert_eq!(r.body["statusCode"], 900, "{path} {body}: {}", r.body);
    assert_eq!(r.code(), code, "{path} {body}: {}", r.body);
    assert_eq!(r.body["error"], code);
    assert!(!r.body["message"].as_str().unwrap().is_empty());
    assert!(
        r.body["description"]
            .as_str()
            .unwrap()
            .chars()
            .any(|ch| ch > '\u{4e00}'),
        "{}",
        r.body["description"]
    );
}

fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn is_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 10
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

#[tokio::test]
async fn gateway_rules() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = Client::new(h.base_url());
    add_gateway(&c, "gwprod01").await;
    expect(
        &c,
        &format!("{GW}/add"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.NameDuplicate",
    )
    .await;
    for bad in [
        "g",
        "gw-prod-01",
        "abcdefghij0123456789x",
        "网关01",
        "gw 01",
    ] {
        expect(
            &c,
            &format!("{GW}/add"),
            json!({"gatewayName": bad}),
            "CDA.Gateway.InvalidName",
        )
        .await;
    }
    add_gateway(&c, "ab").await;
    add_gateway(&c, "abcdefghij0123456789").await;
    expect(
        &c,
        &format!("{GW}/add"),
        json!({}),
        "CDA.Request.MissingParameter",
    )
    .await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwnope"}),
        "CDA.Gateway.NotFound",
    )
    .await;
    let list = c
        .get(&format!("{GW}/list"), &[("gatewayName", "gwprod01")])
        .await;
    let g = &list.ret()["lineGatewayList"][0];
    assert_eq!(
        (
            g["vrfName"].clone(),
            g["gatewayName"].clone(),
            g["displayName"].clone()
        ),
        (json!("gwprod01"), json!("gwprod01"), json!("gwprod01"))
    );
    assert!(uuid::Uuid::parse_str(g["fuid"].as_str().unwrap()).is_ok());
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn physical_line_rules() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = Client::new(h.base_url());
    let add = format!("{PL}/add");
    let base = line_body("bj-idc-a", 1);
    for name in ["a", &"x".repeat(64), "北京线路"] {
        expect(
            &c,
            &add,
            with(base.clone(), json!({"lineName": name})),
            "CDA.PhysicalLine.InvalidName",
        )
        .await;
    }
    for vlan in [0, 4095] {
        expect(
            &c,
            &add,
            with(base.clone(), json!({"vlan": vlan, "tag": 1})),
            "CDA.PhysicalLine.InvalidVlan",
        )
        .await;
    }
    for bw in [0_i64, 1_000_000_000] {
        expect(
            &c,
            &add,
            with(base.clone(), json!({"bandwidth": bw})),
            "CDA.PhysicalLine.InvalidBandwidth",
        )
        .await;
    }
    for (patch, code) in [
        (json!({"ipVersion": "IPV5"}), "CDA.Request.InvalidIpVersion"),
        (
            json!({"remoteConnectIP": null}),
            "CDA.PhysicalLine.InterconnectIpMismatch",
        ),
        (
            json!({"remoteConnectIP": ""}),
            "CDA.PhysicalLine.InterconnectIpMismatch",
        ),
        (
            json!({"ipVersion": "DUALSTACK"}),
            "CDA.PhysicalLine.InterconnectIpMismatch",
        ),
        (
            json!({"localConnectIPv6": "2001:db8::1/126", "remoteConnectIPv6": "2001:db8::2/126"}),
            "CDA.PhysicalLine.InterconnectIpMismatch",
        ),
        (
            json!({"remoteConnectIP": "2001:db8::2"}),
            "CDA.Request.InvalidParameter",
        ),
        (json!({"bandwidth": null}), "CDA.Request.MissingParameter"),
    ] {
        expect(&c, &add, with(base.clone(), patch), code).await;
    }
    // Untagged without VLAN (GO sends vlan 0) and dual stack are fine.
    c.must(
        &add,
        with(line_body("untagged", 2), json!({"tag": 0, "vlan": 0})),
    )
    .await;
    c.must(&add, with(line_body("dual", 3), json!({"ipVersion": "DUALSTACK", "localConnectIPv6": "2001:db8::1/126", "remoteConnectIPv6": "2001:db8::2/126"}))).await;

    let id = add_line(&c, "bj-idc-a", 1).await;
    assert!(is_id(&id, "pl-"), "{id}");
    add_gateway(&c, "gwprod01").await;
    // Unbound: other fields may change.
    c.must(
        &format!("{PL}/update"),
        json!({"lineID": id, "description": "primary line", "location": "BJ"}),
    )
    .await;
    bind(&c, "gwprod01", &id).await;
    expect(
        &c,
        &format!("{PL}/bind"),
        json!({"gatewayName": "gwprod01", "lineID": id}),
        "CDA.PhysicalLine.AlreadyBound",
    )
    .await;
    // Bound: only bandwidth and lineName.
    c.must(&format!("{PL}/update"), json!({"lineID": id, "bandwidth": 2000, "lineName": "bj-idc-a2", "description": "primary line"})).await;
    for (body, code) in [
        (
            json!({"lineID": id, "description": "changed"}),
            "CDA.PhysicalLine.BoundFieldImmutable",
        ),
        (
            json!({"lineID": id, "remoteConnectIP": "10.255.1.3/30"}),
            "CDA.PhysicalLine.BoundFieldImmutable",
        ),
        (
            json!({"lineID": id, "bandwidth": 0}),
            "CDA.PhysicalLine.InvalidBandwidth",
        ),
    ] {
        expect(&c, &format!("{PL}/update"), body, code).await;
    }
    expect(
        &c,
        &format!("{PL}/delete"),
        json!({"lineID": id}),
        "CDA.PhysicalLine.Bound",
    )
    .await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.HasBoundLines",
    )
    .await;
    expect(
        &c,
        &format!("{PL}/update"),
        json!({"lineID": "pl-nope000000", "bandwidth": 5}),
        "CDA.PhysicalLine.NotFound",
    )
    .await;
    expect(
        &c,
        &format!("{PL}/delete"),
        json!({"lineID": "pl-nope000000"}),
        "CDA.PhysicalLine.NotFound",
    )
    .await;
    expect(
        &c,
        &format!("{PL}/unbind"),
        json!({"gatewayName": "ab", "lineID": id}),
        "CDA.Gateway.NotFound",
    )
    .await;
    add_gateway(&c, "gwdr01").await;
    expect(
        &c,
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwdr01", "lineID": id}),
        "CDA.PhysicalLine.NotBound",
    )
    .await;

    let listed = c
        .get(
            &format!("{GW}/physical-line-list"),
            &[("gatewayName", "gwprod01")],
        )
        .await;
    let line = &listed.ret()["physicalLineList"][0];
    assert_eq!(
        (
            line["lineName"].clone(),
            line["bandwidth"].clone(),
            line["vrfName"].clone()
        ),
        (json!("bj-idc-a2"), json!(2000), json!("gwprod01"))
    );
    let gw = c
        .get(&format!("{GW}/list"), &[("gatewayName", "gwprod01")])
        .await;
    assert_eq!(gw.ret()["lineGatewayList"][0]["lineList"], json!([id]));

    c.must(
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwprod01", "lineID": id}),
    )
    .await;
    c.must(&format!("{PL}/delete"), json!({"lineID": id})).await;
    c.must(&format!("{GW}/delete"), json!({"gatewayName": "gwprod01"}))
        .await;
    h.shutdown().await.unwrap();
}

/// Gateway `gw` with two bound lines (remote 10.255.1.2 and 10.255.2.2).
async fn estate(c: &Client, gw: &str, a: u8, b: u8) -> (String, String) {
    add_gateway(c, gw).await;
    let l1 = add_line(c, &format!("{gw}-a"), a).await;
    let l2 = add_line(c, &format!("{gw}-b"), b).await;
    bind(c, gw, &l1).await;
    bind(c, gw, &l2).await;
    (l1, l2)
}

#[tokio::test]
async fn static_and_bgp_route_rules() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = Client::new(h.base_url());
    add_gateway(&c, "gwempty").await;
    let route = |gw: &str, hops: Value| json!({"regionID": "nm8", "gatewayName": gw, "ipVersion": "IPV4", "dstCidr": ["192.168.10.0/24"], "nextHop": hops});
    let hop = |ip: &str, prio: u32| json!({"remoteGatewayIp": ip, "priority": prio, "track": 1, "bfd": false});
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwempty", json!([hop("10.255.1.2", 1)])),
        "CDA.StaticRoute.NoBoundLine",
    )
    .await;
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwnope", json!([hop("10.255.1.2", 1)])),
        "CDA.Gateway.NotFound",
    )
    .await;

    let (l1, _l2) = estate(&c, "gwprod01", 1, 2).await;
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwprod01", json!([hop("10.255.9.2", 1)])),
        "CDA.StaticRoute.InvalidNextHop",
    )
    .await;
    // The local side is not a next hop either.
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwprod01", json!([hop("10.255.1.1", 1)])),
        "CDA.StaticRoute.InvalidNextHop",
    )
    .await;
    expect(&c, &format!("{SR}/add"), json!({"gatewayName": "gwprod01", "ipVersion": "IPV4", "dstCidrV6": ["2001:db8:1::/48"], "nextHop": [hop("10.255.1.2", 1)]}), "CDA.StaticRoute.IpVersionMismatch").await;
    // Redundant pair: one bare address, one with prefix length.
    c.must(
        &format!("{SR}/add"),
        route(
            "gwprod01",
            json!([hop("10.255.1.2", 1), hop("10.255.2.2/30", 2)]),
        ),
    )
    .await;
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwprod01", json!([hop("10.255.1.2", 1)])),
        "CDA.StaticRoute.DuplicateDestination",
    )
    .await;
    let list = c
        .get(&format!("{SR}/list"), &[("gatewayName", "gwprod01")])
        .await;
    let sr = list.ret()["staticRouteList"][0].clone();
    let srid = sr["SRID"].as_str().unwrap().to_string();
    assert!(is_id(&srid, "sr-"), "{srid}");
    assert_eq!(sr["nextHop"].as_array().unwrap().len(), 2);
    assert_eq!(sr["nextHop"][1]["remoteGatewayIp"], "10.255.2.2/30");
    assert_eq!(sr["dstCidr"], json!(["192.168.10.0/24"]));

    for (body, code) in [
        (
            json!({"SRID": srid, "ipVersion": "DUALSTACK"}),
            "CDA.StaticRoute.IpVersionImmutable",
        ),
        (
            json!({"SRID": "sr-0000000000", "ipVersion": "IPV4"}),
            "CDA.StaticRoute.NotFound",
        ),
        (
            json!({"SRId": srid, "ipVersion": "IPV4", "nextHop": [hop("10.255.7.2", 1)]}),
            "CDA.StaticRoute.InvalidNextHop",
        ),
    ] {
        expect(&c, &format!("{SR}/update"), body, code).await;
    }
    c.must(&format!("{SR}/update"), json!({"SRId": srid, "ipVersion": "IPV4", "dstCidr": ["192.168.10.0/24", "192.168.11.0/24"]})).await;
    // A line a route uses cannot be unbound; the gateway cannot be deleted.
    expect(
        &c,
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwprod01", "lineID": l1}),
        "CDA.PhysicalLine.InUseByRoute",
    )
    .await;
    // BGP and static routes exclude each other.
    let bgp = |gw: &str, line: &str, ip: &str| json!({"gatewayName": gw, "ipVersion": "IPV4", "networkCidr": ["172.16.0.0/16"], "BGPList": [{"BGPNeighbor": "idc", "BGPIP": ip, "lineID": line, "peerAS": "65001", "BGPKey": "k3y", "bfd": true}], "multiPath": false});
    expect(
        &c,
        &format!("{BGP}/add"),
        bgp("gwprod01", &l1, "10.255.1.2"),
        "CDA.BgpRoute.StaticRouteExists",
    )
    .await;
    c.must(&format!("{SR}/delete"), json!({"SRID": srid})).await;
    expect(
        &c,
        &format!("{SR}/delete"),
        json!({"SRID": srid}),
        "CDA.StaticRoute.NotFound",
    )
    .await;

    for (body, code) in [
        (
            bgp("gwempty", &l1, "10.255.1.2"),
            "CDA.BgpRoute.NoBoundLine",
        ),
        (
            bgp("gwprod01", &l1, "10.255.2.2"),
            "CDA.BgpRoute.InvalidPeer",
        ),
        (
            bgp("gwprod01", "pl-notbound00", "10.255.1.2"),
            "CDA.BgpRoute.InvalidPeer",
        ),
    ] {
        expect(&c, &format!("{BGP}/add"), body, code).await;
    }
    c.must(&format!("{BGP}/add"), bgp("gwprod01", &l1, "10.255.1.2/30"))
        .await;
    expect(
        &c,
        &format!("{BGP}/add"),
        bgp("gwprod01", &l1, "10.255.1.2"),
        "CDA.BgpRoute.Duplicate",
    )
    .await;
    expect(
        &c,
        &format!("{SR}/add"),
        route("gwprod01", json!([hop("10.255.1.2", 1)])),
        "CDA.StaticRoute.BgpRouteExists",
    )
    .await;
    let list = c
        .get(&format!("{BGP}/list"), &[("gatewayName", "gwprod01")])
        .await;
    let b = list.ret()["bgpRouteList"][0].clone();
    let bgpid = b["BGPID"].as_str().unwrap().to_string();
    assert!(is_id(&bgpid, "bgp-"), "{bgpid}");
    assert_eq!(b["BGPList"][0]["lineID"], json!(l1));
    assert_eq!(b["BGPList"][0]["lineName"], "gwprod01-a");
    assert_eq!(b["BGPList"][0]["peerAS"], "65001");
    expect(
        &c,
        &format!("{BGP}/update"),
        json!({"BGPID": bgpid, "ipVersion": "IPV6"}),
        "CDA.BgpRoute.IpVersionImmutable",
    )
    .await;
    // PYH spelling: BGPId, peers referenced by lineName.
    c.must(&format!("{BGP}/update"), json!({"BGPId": bgpid, "ipVersion": "IPV4", "BGPList": [{"BGPNeighbor": "idc", "BGPIP": "10.255.2.2", "lineName": "gwprod01-b", "peerAS": 65002, "bfd": false}], "multiPathNumber": "2"})).await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.HasRoutes",
    )
    .await;
    c.must(&format!("{BGP}/delete"), json!({"BGPId": bgpid}))
        .await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.HasBoundLines",
    )
    .await;
    expect(
        &c,
        &format!("{BGP}/delete"),
        json!({"BGPID": bgpid}),
        "CDA.BgpRoute.NotFound",
    )
    .await;
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn vpc_and_health_check_rules() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = Client::new(h.base_url());
    let (l1, l2) = estate(&c, "gwprod01", 1, 2).await;
    let vpc = json!({"regionID": "nm8", "gatewayName": "gwprod01", "vpcID": "vpc-abc123", "vpcName": "prod", "ipVersion": "IPV4", "bandwidth": 500, "dcType": "CNP", "vpcNetworkSegment": "10.10.0.0/16", "vpcSubnet": ["10.10.1.0/24"]});
    c.must(&format!("{VPC}/add"), vpc.clone()).await;
    expect(
        &c,
        &format!("{VPC}/add"),
        vpc.clone(),
        "CDA.Vpc.AlreadyAttached",
    )
    .await;
    expect(
        &c,
        &format!("{VPC}/add"),
        with(vpc.clone(), json!({"vpcID": "vpc-2", "vpcSubnet": null})),
        "CDA.Request.MissingParameter",
    )
    .await;
    for (body, code) in [
        (
            json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123", "ipVersion": "IPV4", "bandwidth": 800, "vpcSubnet": ["10.10.1.0/24"]}),
            "CDA.Vpc.ImmutableField",
        ),
        (
            json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123", "ipVersion": "DUALSTACK", "bandwidth": 500}),
            "CDA.Vpc.ImmutableField",
        ),
        (
            json!({"gatewayName": "gwprod01", "vpcID": "vpc-none", "ipVersion": "IPV4", "bandwidth": 500}),
            "CDA.Vpc.NotFound",
        ),
    ] {
        expect(&c, &format!("{VPC}/update"), body, code).await;
    }
    c.must(&format!("{VPC}/update"), json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123", "ipVersion": "IPV4", "bandwidth": 500, "vpcSubnet": ["10.10.1.0/24", "10.10.2.0/24"]})).await;
    let list = c
        .get(&format!("{VPC}/list"), &[("gatewayName", "gwprod01")])
        .await;
    assert_eq!(
        list.ret()["vpcList"][0]["vpcSubnet"],
        json!(["10.10.1.0/24", "10.10.2.0/24"])
    );
    assert_eq!(list.ret()["vpcList"][0]["bandwidth"], 500);

    // No health check yet: settingItem null, still 800.
    let r = c
        .get(
            &format!("{HC}/get"),
            &[
                ("gatewayName", "gwprod01"),
                ("vpcID", "vpc-abc123"),
                ("vpcName", "prod"),
            ],
        )
        .await;
    assert!(r.ok());
    assert!(r.ret()["settingItem"].is_null());
    let hc = json!({"regionID": "nm8", "gatewayName": "gwprod01", "vpcID": "vpc-abc123", "vpcName": "prod", "vpcSubnet": "10.10.1.0/24", "vpcSubnetID": "subnet-1", "srcIP": "10.10.1.250", "dstIP": "10.255.1.2", "interval": 3, "ntimest": 5, "autoRouteSwitching": true});
    for i in [1, 6] {
        expect(
            &c,
            &format!("{HC}/add"),
            with(hc.clone(), json!({"interval": i})),
            "CDA.HealthCheck.InvalidInterval",
        )
        .await;
    }
    for n in [4, 11] {
        expect(
            &c,
            &format!("{HC}/add"),
            with(hc.clone(), json!({"ntimest": n})),
            "CDA.HealthCheck.InvalidPacketCount",
        )
        .await;
    }
    expect(
        &c,
        &format!("{HC}/add"),
        with(hc.clone(), json!({"vpcID": "vpc-none"})),
        "CDA.Vpc.NotFound",
    )
    .await;
    expect(&c, &format!("{HC}/update"), json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123", "interval": 3, "ntimest": 5, "autoRouteSwitching": true}), "CDA.HealthCheck.NotFound").await;
    c.must(&format!("{HC}/add"), hc.clone()).await;
    expect(
        &c,
        &format!("{HC}/add"),
        hc.clone(),
        "CDA.HealthCheck.AlreadyExists",
    )
    .await;
    c.must(&format!("{HC}/update"), json!({"regionID": "nm8", "gatewayName": "gwprod01", "vpcID": "vpc-abc123", "interval": 5, "ntimest": 10, "autoRouteSwitching": false})).await;
    let r = c
        .get(
            &format!("{HC}/get"),
            &[
                ("gatewayName", "gwprod01"),
                ("vpcID", "vpc-abc123"),
                ("vpcName", "prod"),
            ],
        )
        .await;
    assert_eq!(r.ret()["result"], "1");
    let setting: Value = serde_json::from_str(r.ret()["settingItem"].as_str().unwrap()).unwrap();
    assert_eq!(
        setting,
        json!({"srcIP": "10.10.1.250", "dstIP": "10.255.1.2", "interval": 5, "ntimest": 10, "autoRouteSwitching": false, "vpcSubnet": "10.10.1.0/24"})
    );

    // Delete order: routes, VPCs (with their health check), bindings, gateway.
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.HasVpcs",
    )
    .await;
    c.must(
        &format!("{VPC}/delete"),
        json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123"}),
    )
    .await;
    expect(
        &c,
        &format!("{VPC}/delete"),
        json!({"gatewayName": "gwprod01", "vpcID": "vpc-abc123"}),
        "CDA.Vpc.NotFound",
    )
    .await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.HasBoundLines",
    )
    .await;
    c.must(
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwprod01", "lineID": l1}),
    )
    .await;
    c.must(
        &format!("{PL}/unbind"),
        json!({"vrfName": "gwprod01", "lineID": l2}),
    )
    .await;
    c.must(&format!("{GW}/delete"), json!({"gatewayName": "gwprod01"}))
        .await;
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwprod01"}),
        "CDA.Gateway.NotFound",
    )
    .await;
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn seeded_routes_block_unbind_and_gateway_delete() {
    let seed = emulator::Seed::parse(
        r#"
accounts:
  - account: demo@cda.local
    lines:
      - {name: l1, hostname: sw1, port: GE1/0/1, bandwidth: 100, localIp: 10.0.0.1/30, remoteIp: 10.0.0.2/30}
    gateways:
      - name: gwa
        lines: [l1]
        staticRoutes:
          - dst: [192.168.0.0/24]
            nextHops: [{ip: 10.0.0.2, priority: 1}]
"#,
        "test",
    )
    .unwrap();
    let h = emulator::spawn(Config::demo().with_seed(seed))
        .await
        .unwrap();
    let c = Client::new(h.base_url());
    let store = h.app().store();
    let st = &store.accounts[emulator::DEMO_ACCOUNT];
    assert_eq!(st.static_routes.len(), 1);
    let line = st.lines[0].id.clone();
    let srid = st.static_routes[0].id.clone();
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwa"}),
        "CDA.Gateway.HasRoutes",
    )
    .await;
    expect(
        &c,
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwa", "lineID": line}),
        "CDA.PhysicalLine.InUseByRoute",
    )
    .await;
    c.must(&format!("{SR}/delete"), json!({"SRID": srid})).await;
    c.must(
        &format!("{PL}/unbind"),
        json!({"gatewayName": "gwa", "lineID": line}),
    )
    .await;
    c.must(&format!("{GW}/delete"), json!({"gatewayName": "gwa"}))
        .await;
    // A failed write leaves nothing behind.
    let before = h.app().store();
    expect(
        &c,
        &format!("{GW}/delete"),
        json!({"gatewayName": "gwa"}),
        "CDA.Gateway.NotFound",
    )
    .await;
    assert_eq!(h.app().store(), before);
    h.shutdown().await.unwrap();
}
