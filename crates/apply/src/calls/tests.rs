use super::*;
use plan::action::{BgpPeerBody, BgpRouteBody, LineRef};
use plan::model::{IpVersion, LineType, PhysicalLine, PortType, SecretRef, SwitchPort};

fn backend(dry_run: bool) -> ApiBackend {
    // Nothing here reaches the network: every line ID is known or a
    // dry-run placeholder.
    let config = cda_api::ClientConfig::new(cda_api::Credentials::new("AK", "SK"))
        .with_endpoint("http://127.0.0.1:9");
    let client = Arc::new(Client::new(config).unwrap());
    ApiBackend::new(
        client,
        "nm8".into(),
        Some("ops@example.com".into()),
        dry_run,
    )
}

#[tokio::test]
async fn create_line_body_follows_the_wire_spelling() {
    let line = PhysicalLine {
        name: "bj-idc-c".into(),
        id: None,
        switch: SwitchPort {
            hostname: "sw-bj-01".into(),
            port: "GE1/0/3".into(),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: 500,
        vlan: Some(1003),
        ip_version: IpVersion::Ipv4,
        local_ip: Some("10.255.0.9/30".parse().unwrap()),
        remote_ip: Some("10.255.0.10/30".parse().unwrap()),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
        protect: false,
    };
    let prepared = backend(false)
        .prepare(&Operation::CreateLine { line })
        .await
        .unwrap();
    assert_eq!(
        (prepared.method, prepared.path),
        ("POST", "/v4/cda/physical-line/add")
    );
    let b = &prepared.body;
    assert_eq!(b["lineName"], "bj-idc-c");
    assert_eq!(b["tag"], 1);
    assert_eq!(b["vlan"], 1003);
    assert_eq!(b["isShared"], 0);
    assert_eq!(b["portType"], "10G");
    assert_eq!(b["localConnectIP"], "10.255.0.9/30");
    assert_eq!(b["account"], "ops@example.com");
    assert_eq!(b["regionID"], "nm8");
}

#[tokio::test]
async fn dry_run_marks_unknown_line_ids() {
    let op = Operation::BindLine {
        gateway: "gw1".into(),
        line: LineRef {
            name: "new".into(),
            id: None,
        },
    };
    let prepared = backend(true).prepare(&op).await.unwrap();
    assert_eq!(prepared.body["lineID"], KNOWN_AFTER_APPLY);
    assert_eq!(prepared.body["gatewayName"], "gw1");
}

#[tokio::test]
async fn bgp_keys_are_resolved_but_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "s3cr3t-md5\n").unwrap();
    let route = BgpRouteBody {
        ip_version: IpVersion::Ipv4,
        networks_v4: vec!["10.30.0.0/16".parse().unwrap()],
        networks_v6: vec![],
        peers_v4: vec![BgpPeerBody {
            neighbor: "bj-idc-a".into(),
            ip: "10.255.0.2".parse().unwrap(),
            line: LineRef {
                name: "bj-idc-a".into(),
                id: Some("pl-1".into()),
            },
            peer_as: 65001,
            key: Some(SecretRef::File(key_file.display().to_string())),
            bfd: false,
        }],
        peers_v6: vec![],
        multipath: None,
    };
    let op = Operation::AddBgpRoute {
        gateway: "gw1".into(),
        route,
    };
    let prepared = backend(false).prepare(&op).await.unwrap();
    let text = prepared.body.to_string();
    assert!(!text.contains("s3cr3t"), "{text}");
    assert_eq!(
        prepared.body["BGPList"][0]["BGPKey"],
        cda_api::wire::SENSITIVE
    );
    assert_eq!(prepared.body["BGPList"][0]["lineID"], "pl-1");
    // The request itself carries the key, trailing newline trimmed.
    assert_eq!(
        prepared.call.endpoint(),
        &cda_api::endpoints::BGP_ROUTE_ADD,
        "wrong call"
    );
    let wire = prepared.call.wire_preview().unwrap();
    assert_eq!(wire.body.unwrap()["BGPList"][0]["BGPKey"], "s3cr3t-md5");

    let missing = Operation::AddBgpRoute {
        gateway: "gw1".into(),
        route: BgpRouteBody {
            peers_v4: vec![BgpPeerBody {
                key: Some(SecretRef::Env("CDA_TEST_SURELY_UNSET_VARIABLE".into())),
                ..match &op {
                    Operation::AddBgpRoute { route, .. } => route.peers_v4[0].clone(),
                    _ => unreachable!(),
                }
            }],
            ..match &op {
                Operation::AddBgpRoute { route, .. } => route.clone(),
                _ => unreachable!(),
            }
        },
    };
    let err = backend(false).prepare(&missing).await.err().unwrap();
    assert!(
        err.message.contains("CDA_TEST_SURELY_UNSET_VARIABLE"),
        "{}",
        err.message
    );
    assert_eq!(err.class, ErrorClass::Permanent);
}
