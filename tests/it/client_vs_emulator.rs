//! Where the two independent implementations of the wire format meet: every
//! `cda-api` client method against a spawned emulator, asserting what the
//! emulator stored and returned. A misspelt field on either side fails here.

use cda_api::types::*;
use cda_api::{Client, ClientConfig, Credentials, Error};
use emulator::{Config, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};

const REGION: &str = "nm8";

fn client_for(base_url: &str, ak: &str, sk: &str) -> Client {
    let mut creds = Credentials::new(ak, sk);
    creds.account = Some(DEMO_ACCOUNT.to_owned());
    let mut config = ClientConfig::new(creds).with_endpoint(base_url);
    config.rate_limit_per_sec = None;
    Client::new(config).unwrap()
}

fn line(name: &str, local: &str, remote: &str, vlan: u16) -> PhysicalLineAddRequest {
    PhysicalLineAddRequest {
        region_id: Some(REGION.into()),
        line_name: name.into(),
        account: DEMO_ACCOUNT.into(),
        hostname: "sw-bj-01".into(),
        port_type: "10G".into(),
        port_name: format!("GE1/0/{vlan}"),
        is_shared: 0,
        line_type: "IPRAN".into(),
        bandwidth: 1000,
        tag: 1,
        vlan: Some(vlan),
        ip_version: "IPV4".into(),
        local_connect_ip: Some(local.into()),
        remote_connect_ip: Some(remote.into()),
        ..Default::default()
    }
}

fn scoped(gateway: &str) -> GatewayScopedRequest {
    GatewayScopedRequest {
        gateway_name: gateway.into(),
        account: Some(DEMO_ACCOUNT.into()),
        region_id: Some(REGION.into()),
    }
}

fn line_list() -> PhysicalLineListRequest {
    PhysicalLineListRequest {
        region_id: Some(REGION.into()),
        account: Some(DEMO_ACCOUNT.into()),
        ..Default::default()
    }
}

fn gateway_list() -> GatewayListRequest {
    GatewayListRequest {
        account: Some(DEMO_ACCOUNT.into()),
        region_id: Some(REGION.into()),
        ..Default::default()
    }
}

fn hop(ip: &str, priority: u32) -> NextHop {
    NextHop {
        remote_gateway_ip: ip.into(),
        priority,
        track: Some(0),
        bfd: Some(false),
    }
}

fn id_of(lines: &[PhysicalLine], name: &str) -> String {
    lines
        .iter()
        .find(|l| l.line_name.as_deref() == Some(name))
        .and_then(|l| l.id())
        .unwrap()
        .to_owned()
}

fn assert_receipt(r: &WriteReceipt) {
    assert!(!r.request_id.is_empty());
}

#[tokio::test]
async fn every_client_method_against_the_emulator() {
    let handle = emulator::spawn(Config::demo()).await.unwrap();
    let c = client_for(&handle.base_url(), DEMO_ACCESS_KEY, DEMO_SECRET_KEY);

    // -- An empty account.
    assert!(c
        .gateway_list_all(&gateway_list())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        c.gateway_count(&GatewayCountRequest {
            account: Some(DEMO_ACCOUNT.into()),
            region_id: Some(REGION.into())
        })
        .await
        .unwrap(),
        0
    );
    assert!(c
        .physical_line_list_all(&line_list())
        .await
        .unwrap()
        .is_empty());
    let count_req = PhysicalLineCountRequest {
        account: Some(DEMO_ACCOUNT.into()),
        region_id: Some(REGION.into()),
    };
    assert_eq!(c.physical_line_count(&count_req).await.unwrap(), 0);
    c.switch_list(&SwitchListRequest {
        resource_pool: Some(REGION.into()),
        ..Default::default()
    })
    .await
    .unwrap();

    // -- Physical lines.
    assert_receipt(
        &c.physical_line_add(&line("bj-idc-a", "10.255.0.1/30", "10.255.0.2/30", 1001))
            .await
            .unwrap(),
    );
    assert_receipt(
        &c.physical_line_add(&line("bj-idc-b", "10.255.0.5/30", "10.255.0.6/30", 1002))
            .await
            .unwrap(),
    );
    let lines = c.physical_line_list_all(&line_list()).await.unwrap();
    assert_eq!(lines.len(), 2);
    let a = lines
        .iter()
        .find(|l| l.line_name.as_deref() == Some("bj-idc-a"))
        .unwrap();
    assert!(
        a.id().is_some_and(|id| !id.is_empty()),
        "the list must carry the lineID"
    );
    assert_eq!(a.bandwidth, Some(1000));
    assert_eq!((a.tag, a.vlan), (Some(1), Some(1001)));
    assert_eq!(a.ip_version.as_deref(), Some("IPV4"));
    assert_eq!(a.port_type.as_deref(), Some("10G"));
    assert_eq!(a.line_type.as_deref(), Some("IPRAN"));
    assert_eq!(a.hostname.as_deref(), Some("sw-bj-01"));
    assert!(a
        .remote_connect_ip
        .as_deref()
        .unwrap()
        .starts_with("10.255.0.2"));
    let (line_a, line_b) = (id_of(&lines, "bj-idc-a"), id_of(&lines, "bj-idc-b"));
    assert_eq!(c.physical_line_count(&count_req).await.unwrap(), 2);

    let page = c.physical_line_list(&line_list(), 1, 1).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.total_count, Some(2));
    let page2 = c.physical_line_list(&line_list(), 2, 1).await.unwrap();
    assert_eq!(page2.items.len(), 1);
    assert_ne!(page.items[0].id(), page2.items[0].id());

    let update = PhysicalLineUpdateRequest {
        line_id: line_a.clone(),
        region_id: Some(REGION.into()),
        bandwidth: Some(2000),
        ..Default::default()
    };
    assert_receipt(&c.physical_line_update(&update).await.unwrap());
    let lines = c.physical_line_list_all(&line_list()).await.unwrap();
    assert_eq!(
        lines
            .iter()
            .find(|l| l.id() == Some(line_a.as_str()))
            .unwrap()
            .bandwidth,
        Some(2000)
    );

    c.physical_line_access_point_list(&AccessPointListRequest {
        line_name: "bj-idc-a".into(),
        account: Some(DEMO_ACCOUNT.into()),
        region_id: Some(REGION.into()),
    })
    .await
    .unwrap();
    // Exclusive lines are not in the shared list.
    let shared = c.shared_physical_line_list_all(&line_list()).await.unwrap();
    assert!(shared.iter().all(|l| l.id() != Some(line_a.as_str())));
    c.shared_physical_line_list(&line_list(), 1, 10)
        .await
        .unwrap();

    // -- Gateways and bindings.
    let add_gw = GatewayAddRequest {
        region_id: Some(REGION.into()),
        gateway_name: "gwprod01".into(),
        account: DEMO_ACCOUNT.into(),
        hostname: "sw-bj-01".into(),
        description: Some("production".into()),
        ..Default::default()
    };
    assert_receipt(&c.gateway_add(&add_gw).await.unwrap());
    let gws = c.gateway_list_all(&gateway_list()).await.unwrap();
    assert_eq!(
        gws.iter().filter_map(|g| g.name()).collect::<Vec<_>>(),
        vec!["gwprod01"]
    );
    let page = c.gateway_list(&gateway_list(), 1, 10).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        c.gateway_count(&GatewayCountRequest {
            account: Some(DEMO_ACCOUNT.into()),
            region_id: Some(REGION.into())
        })
        .await
        .unwrap(),
        1
    );

    for id in [&line_a, &line_b] {
        let bind = LineBindingRequest {
            gateway_name: "gwprod01".into(),
            line_id: id.clone(),
            region_id: Some(REGION.into()),
        };
        assert_receipt(&c.physical_line_bind(&bind).await.unwrap());
    }
    let gws = c.gateway_list_all(&gateway_list()).await.unwrap();
    let mut bound = gws[0].line_list.clone();
    bound.sort();
    let mut expected = vec![line_a.clone(), line_b.clone()];
    expected.sort();
    assert_eq!(bound, expected);
    let on_gw = c
        .gateway_physical_line_list(&scoped("gwprod01"))
        .await
        .unwrap();
    assert_eq!(on_gw.len(), 2);
    let lines = c.physical_line_list_all(&line_list()).await.unwrap();
    assert!(lines
        .iter()
        .all(|l| l.vrf_name.as_deref() == Some("gwprod01")));

    // -- VPC attachments.
    let vpc = VpcAddRequest {
        region_id: REGION.into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        vpc_name: Some("prod".into()),
        ip_version: "IPV4".into(),
        bandwidth: 500,
        account: Some(DEMO_ACCOUNT.into()),
        vpc_network_segment: Some("192.168.0.0/16".into()),
        vpc_subnet: vec!["192.168.10.0/24".into()],
        ..Default::default()
    };
    assert_receipt(&c.vpc_add(&vpc).await.unwrap());
    let vpcs = c.vpc_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(vpcs.len(), 1);
    assert_eq!(vpcs[0].vpc_id.as_deref(), Some("vpc-8f3k2"));
    assert_eq!(vpcs[0].bandwidth, Some(500));
    assert_eq!(vpcs[0].vpc_subnet, vec!["192.168.10.0/24".to_string()]);
    assert_eq!(c.vpc_count(&scoped("gwprod01")).await.unwrap(), 1);
    c.vpc_info(&VpcInfoRequest {
        vpc_id: "vpc-8f3k2".into(),
        gateway_name: Some("gwprod01".into()),
    })
    .await
    .unwrap();
    let vpc_update = VpcUpdateRequest {
        region_id: REGION.into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        ip_version: "IPV4".into(),
        bandwidth: 500,
        vpc_subnet: vec!["192.168.10.0/24".into(), "192.168.20.0/24".into()],
        vpc_subnet_ipv6: vec![],
    };
    assert_receipt(&c.vpc_update(&vpc_update).await.unwrap());
    let vpcs = c.vpc_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(vpcs[0].vpc_subnet.len(), 2);

    // -- Health checks.
    let hc_get = HealthCheckGetRequest {
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        vpc_name: Some("prod".into()),
        ..Default::default()
    };
    assert!(c.health_check_get(&hc_get).await.unwrap().is_none());
    let hc = HealthCheckAddRequest {
        region_id: REGION.into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        vpc_name: "prod".into(),
        vpc_subnet: "192.168.10.0/24".into(),
        vpc_subnet_id: "192.168.10.0/24".into(),
        src_ip: "192.168.10.250".into(),
        dst_ip: "10.255.0.2".into(),
        interval: 2,
        ntimest: 5,
        auto_route_switching: true,
    };
    assert_receipt(&c.health_check_add(&hc).await.unwrap());
    let got = c.health_check_get(&hc_get).await.unwrap().unwrap();
    assert_eq!(
        (got.src_ip.as_str(), got.dst_ip.as_str()),
        ("192.168.10.250", "10.255.0.2")
    );
    assert_eq!(
        (got.interval, got.ntimest, got.auto_route_switching),
        (2, 5, true)
    );
    let hc_update = HealthCheckUpdateRequest {
        region_id: REGION.into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        interval: 3,
        ntimest: 6,
        auto_route_switching: false,
    };
    assert_receipt(&c.health_check_update(&hc_update).await.unwrap());
    let got = c.health_check_get(&hc_get).await.unwrap().unwrap();
    assert_eq!(
        (got.interval, got.ntimest, got.auto_route_switching),
        (3, 6, false)
    );
    c.health_check_status(&HealthCheckStatusRequest {
        region_id: REGION.into(),
        resource_pool: Some(REGION.into()),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
    })
    .await
    .unwrap();
    let hc_delete = HealthCheckDeleteRequest {
        region_id: REGION.into(),
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
    };
    assert_receipt(&c.health_check_delete(&hc_delete).await.unwrap());
    assert!(c.health_check_get(&hc_get).await.unwrap().is_none());

    // -- Static routes.
    let sr = StaticRouteAddRequest {
        region_id: Some(REGION.into()),
        gateway_name: "gwprod01".into(),
        ip_version: "IPV4".into(),
        dst_cidr: vec!["10.10.0.0/16".into(), "10.20.0.0/16".into()],
        next_hop: vec![hop("10.255.0.2", 10), hop("10.255.0.6", 20)],
        ..Default::default()
    };
    assert_receipt(&c.static_route_add(&sr).await.unwrap());
    let routes = c.static_route_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(routes.len(), 1);
    let srid = routes[0].srid.clone();
    assert!(!srid.is_empty(), "the list must carry the SRID");
    assert_eq!(routes[0].dst_cidr.len(), 2);
    let mut hops: Vec<_> = routes[0]
        .next_hop
        .iter()
        .map(|h| (h.remote_gateway_ip.clone(), h.priority))
        .collect();
    hops.sort();
    assert_eq!(
        hops,
        vec![
            ("10.255.0.2".to_string(), 10),
            ("10.255.0.6".to_string(), 20)
        ]
    );
    let sr_update = StaticRouteUpdateRequest {
        srid: srid.clone(),
        ip_version: "IPV4".into(),
        region_id: Some(REGION.into()),
        dst_cidr: vec!["10.10.0.0/16".into(), "10.20.0.0/16".into()],
        next_hop: vec![hop("10.255.0.6", 10)],
        ..Default::default()
    };
    assert_receipt(&c.static_route_update(&sr_update).await.unwrap());
    let routes = c.static_route_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(routes[0].next_hop.len(), 1);
    assert_eq!(routes[0].next_hop[0].remote_gateway_ip, "10.255.0.6");

    // A BGP route next to a static route breaks an API rule: both messages
    // and a specific code come back as a typed error.
    let bgp = BgpRouteAddRequest {
        region_id: Some(REGION.into()),
        ip_version: "IPV4".into(),
        gateway_name: "gwprod01".into(),
        network_cidr: vec!["10.30.0.0/16".into()],
        bgp_list: vec![BgpPeer {
            bgp_neighbor: "bj-idc-a".into(),
            bgp_ip: "10.255.0.2".into(),
            line_id: Some(line_a.clone()),
            peer_as: "65001".into(),
            bgp_key: Some("k3y-md5".to_owned().into()),
            bfd: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    match c.bgp_route_add(&bgp).await {
        Err(Error::Api { code, message, .. }) => {
            assert!(!code.is_empty() && !message.is_empty(), "{code} {message}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }

    let sr_delete = StaticRouteDeleteRequest {
        srid,
        region_id: Some(REGION.into()),
    };
    assert_receipt(&c.static_route_delete(&sr_delete).await.unwrap());
    assert!(c
        .static_route_list(&scoped("gwprod01"))
        .await
        .unwrap()
        .is_empty());

    // -- BGP routes.
    assert_receipt(&c.bgp_route_add(&bgp).await.unwrap());
    let routes = c.bgp_route_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(routes.len(), 1);
    let bgpid = routes[0].bgpid.clone();
    assert!(!bgpid.is_empty(), "the list must carry the BGPID");
    assert_eq!(routes[0].network_cidr, vec!["10.30.0.0/16".to_string()]);
    assert_eq!(routes[0].bgp_list.len(), 1);
    assert_eq!(routes[0].bgp_list[0].peer_as, "65001");
    assert_eq!(routes[0].bgp_list[0].bgp_ip, "10.255.0.2");
    let bgp_update = BgpRouteUpdateRequest {
        bgpid: bgpid.clone(),
        ip_version: "IPV4".into(),
        region_id: Some(REGION.into()),
        network_cidr: vec!["10.30.0.0/16".into(), "10.31.0.0/16".into()],
        bgp_list: bgp.bgp_list.clone(),
        ..Default::default()
    };
    assert_receipt(&c.bgp_route_update(&bgp_update).await.unwrap());
    let routes = c.bgp_route_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(routes[0].network_cidr.len(), 2);
    assert_receipt(
        &c.bgp_route_delete(&BgpRouteDeleteRequest {
            bgpid,
            region_id: Some(REGION.into()),
        })
        .await
        .unwrap(),
    );
    assert!(c
        .bgp_route_list(&scoped("gwprod01"))
        .await
        .unwrap()
        .is_empty());

    // -- Link probes.
    let probe = LinkProbeAddRequest {
        gateway_name: "gwprod01".into(),
        service_id: line_a.clone(),
        ip_info_list: vec![IpInfo {
            src_ip: Some("10.255.0.1".into()),
            dst_ip: "10.255.0.2".into(),
        }],
        ..Default::default()
    };
    assert_receipt(&c.link_probe_add(&probe).await.unwrap());
    c.link_probe_query(&LinkProbeQueryRequest {
        gateway_name: "gwprod01".into(),
    })
    .await
    .unwrap();
    assert_receipt(
        &c.link_probe_delete(&LinkProbeDeleteRequest {
            ip_info_list: probe.ip_info_list.clone(),
        })
        .await
        .unwrap(),
    );

    // -- Cross-account authorisation.
    let auth = AccountAuthAddRequest {
        region_id: REGION.into(),
        account: DEMO_ACCOUNT.into(),
        vpc_id: "vpc-8f3k2".into(),
        vpc_name: "prod".into(),
        gateway_name: "gwprod01".into(),
        auth_account_id: "acct-42".into(),
        auth_account: "partner@example.com".into(),
        description: None,
    };
    assert_receipt(&c.account_auth_add(&auth).await.unwrap());
    let list_req = AccountAuthListRequest {
        region_id: REGION.into(),
        ..Default::default()
    };
    let auths = c.account_auth_list_all(&list_req).await.unwrap();
    assert_eq!(auths.len(), 1);
    assert_eq!(auths[0].vpc_id.as_deref(), Some("vpc-8f3k2"));
    assert_eq!(
        c.account_auth_list(&list_req, 1, 10)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let auth_delete = AccountAuthDeleteRequest {
        vpc_id: "vpc-8f3k2".into(),
        gateway_name: "gwprod01".into(),
        auth_account_id: "acct-42".into(),
    };
    assert_receipt(&c.account_auth_delete(&auth_delete).await.unwrap());
    assert!(c.account_auth_list_all(&list_req).await.unwrap().is_empty());

    // -- Tear down in dependency order; every list ends empty.
    let vpc_delete = VpcDeleteRequest {
        gateway_name: "gwprod01".into(),
        vpc_id: "vpc-8f3k2".into(),
        region_id: Some(REGION.into()),
    };
    assert_receipt(&c.vpc_delete(&vpc_delete).await.unwrap());
    assert!(c.vpc_list(&scoped("gwprod01")).await.unwrap().is_empty());
    for id in [&line_a, &line_b] {
        let unbind = LineBindingRequest {
            gateway_name: "gwprod01".into(),
            line_id: id.clone(),
            region_id: Some(REGION.into()),
        };
        assert_receipt(&c.physical_line_unbind(&unbind).await.unwrap());
    }
    assert!(c
        .gateway_physical_line_list(&scoped("gwprod01"))
        .await
        .unwrap()
        .is_empty());
    let del_gw = GatewayDeleteRequest {
        gateway_name: "gwprod01".into(),
        region_id: Some(REGION.into()),
    };
    assert_receipt(&c.gateway_delete(&del_gw).await.unwrap());
    assert!(c
        .gateway_list_all(&gateway_list())
        .await
        .unwrap()
        .is_empty());
    for id in [line_a, line_b] {
        assert_receipt(
            &c.physical_line_delete(&PhysicalLineDeleteRequest {
                line_id: id,
                region_id: Some(REGION.into()),
            })
            .await
            .unwrap(),
        );
    }
    assert!(c
        .physical_line_list_all(&line_list())
        .await
        .unwrap()
        .is_empty());

    // Every endpoint of the client reached the emulator, and none of the
    // successful calls above was counted as an error except the one refusal.
    let stats = handle.app().stats();
    for ep in cda_api::endpoints::ALL {
        let key = format!("{} {}", ep.method, ep.path);
        assert!(
            stats.endpoints.get(&key).is_some_and(|s| s.requests > 0),
            "{key} was never called"
        );
    }
    assert_eq!(stats.errors, 1, "{:?}", stats.error_codes);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_credentials_are_refused_with_a_typed_error() {
    let handle = emulator::spawn(Config::demo()).await.unwrap();
    let c = client_for(&handle.base_url(), DEMO_ACCESS_KEY, "not-the-secret");
    match c.gateway_list_all(&gateway_list()).await {
        Err(e @ Error::Api { .. }) | Err(e @ Error::HttpStatus { .. }) => {
            assert!(!e.is_transient());
            assert!(e.request_id().is_some());
            assert!(!e.to_string().contains("not-the-secret"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let unknown = client_for(&handle.base_url(), "AKUNKNOWN", DEMO_SECRET_KEY);
    assert!(unknown.gateway_list_all(&gateway_list()).await.is_err());
    handle.shutdown().await.unwrap();
}
