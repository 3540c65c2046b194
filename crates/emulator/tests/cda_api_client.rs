#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The project's `cda-api` client against the emulator: two independent
//! implementations of the wire format must agree on every call they share.

use cda_api::credentials::Credentials;
use cda_api::types::*;
use cda_api::{Client, ClientConfig};
use emulator::{Config, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};
use std::path::PathBuf;

fn client(base: &str) -> Client {
    let mut config =
        ClientConfig::new(Credentials::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)).with_endpoint(base);
    config.rate_limit_per_sec = None;
    config.read_attempts = 1;
    Client::new(config).unwrap()
}

fn seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/emulator-seed.yaml")
}

fn scoped(gw: &str) -> GatewayScopedRequest {
    GatewayScopedRequest {
        gateway_name: gw.into(),
        account: Some(DEMO_ACCOUNT.into()),
        region_id: Some("nm8".into()),
    }
}

#[tokio::test]
async fn client_reads_the_seeded_estate() {
    let h = emulator::spawn(Config::demo().with_seed(seed()))
        .await
        .unwrap();
    let c = client(&h.base_url());
    let gws = c
        .gateway_list_all(&GatewayListRequest {
            account: Some(DEMO_ACCOUNT.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let names: Vec<_> = gws.iter().filter_map(|g| g.name()).collect();
    assert_eq!(names, ["gwprod01", "gwdr01"]);
    assert_eq!(gws[0].line_list, ["pl-4k7q2m9x1a", "pl-8c3w5n0r2b"]);
    let count = c
        .gateway_count(&GatewayCountRequest {
            account: Some(DEMO_ACCOUNT.into()),
            region_id: Some("nm8".into()),
        })
        .await
        .unwrap();
    assert_eq!(count, 2);
    let lines = c
        .physical_line_list_all(&PhysicalLineListRequest::default())
        .await
        .unwrap();
    assert_eq!(lines.len(), 4);
    let bound = c
        .gateway_physical_line_list(&scoped("gwprod01"))
        .await
        .unwrap();
    assert_eq!(bound.len(), 2);
    let vpcs = c.vpc_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(vpcs.len(), 2);
    assert_eq!(vpcs[0].vpc_subnet, ["10.10.1.0/24", "10.10.2.0/24"]);
    assert_eq!(c.vpc_count(&scoped("gwprod01")).await.unwrap(), 2);
    let routes = c.static_route_list(&scoped("gwprod01")).await.unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].srid, "sr-6n2x8k4p0a");
    assert_eq!(routes[0].next_hop.len(), 2);
    assert_eq!(routes[0].next_hop[1].remote_gateway_ip, "10.255.0.6");
    let bgp = c.bgp_route_list(&scoped("gwdr01")).await.unwrap();
    assert_eq!(bgp.len(), 1);
    assert_eq!(bgp[0].bgpid, "bgp-3r7y1u5i9o");
    assert_eq!(bgp[0].bgp_list[0].bgp_ip, "10.255.1.2");
    let hc = c
        .health_check_get(&HealthCheckGetRequest {
            gateway_name: "gwprod01".into(),
            vpc_id: "vpc-prod7k2hd0".into(),
            vpc_name: Some("prod".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .expect("health check present");
    assert_eq!(
        (
            hc.src_ip.as_str(),
            hc.interval,
            hc.ntimest,
            hc.auto_route_switching
        ),
        ("10.10.1.250", 3, 5, true)
    );
    let none = c
        .health_check_get(&HealthCheckGetRequest {
            gateway_name: "gwprod01".into(),
            vpc_id: "vpc-shared3m8q".into(),
            vpc_name: None,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_none());
    h.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_writes_a_whole_estate_and_tears_it_down() {
    let h = emulator::spawn(Config::demo()).await.unwrap();
    let c = client(&h.base_url());
    c.gateway_add(&GatewayAddRequest {
        gateway_name: "gwnew01".into(),
        account: DEMO_ACCOUNT.into(),
        hostname: "sw1".into(),
        region_id: Some("nm8".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    // A business error surfaces as a typed API error with the code.
    let err = c
        .gateway_add(&GatewayAddRequest {
            gateway_name: "gwnew01".into(),
            account: DEMO_ACCOUNT.into(),
            hostname: "sw1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("CDA.Gateway.NameDuplicate"),
        "{err}"
    );

    for (name, n) in [("line-a", 1u8), ("line-b", 2)] {
        c.physical_line_add(&PhysicalLineAddRequest {
            region_id: Some("nm8".into()),
            line_name: name.into(),
            account: DEMO_ACCOUNT.into(),
            hostname: "sw1".into(),
            port_type: "10G".into(),
            port_name: format!("TenGE1/0/{n}"),
            is_shared: 0,
            line_type: "PON".into(),
            bandwidth: 1000,
            tag: 1,
            vlan: Some(100 + u16::from(n)),
            ip_version: "IPV4".into(),
            local_connect_ip: Some(format!("10.255.{n}.1/30")),
            remote_connect_ip: Some(format!("10.255.{n}.2/30")),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let lines = c
        .physical_line_list_all(&PhysicalLineListRequest::default())
        .await
        .unwrap();
    let ids: Vec<String> = lines.iter().filter_map(|l| l.line_id.clone()).collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        c.physical_line_bind(&LineBindingRequest {
            gateway_name: "gwnew01".into(),
            line_id: id.clone(),
            region_id: None,
        })
        .await
        .unwrap();
    }
    c.physical_line_update(&PhysicalLineUpdateRequest {
        line_id: ids[0].clone(),
        bandwidth: Some(2000),
        ..Default::default()
    })
    .await
    .unwrap();
    c.vpc_add(&VpcAddRequest {
        region_id: "nm8".into(),
        gateway_name: "gwnew01".into(),
        vpc_id: "vpc-x1".into(),
        vpc_name: Some("x1".into()),
        ip_version: "IPV4".into(),
        bandwidth: 100,
        vpc_network_segment: Some("10.50.0.0/16".into()),
        vpc_subnet: vec!["10.50.1.0/24".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    c.vpc_update(&VpcUpdateRequest {
        region_id: "nm8".into(),
        gateway_name: "gwnew01".into(),
        vpc_id: "vpc-x1".into(),
        ip_version: "IPV4".into(),
        bandwidth: 100,
        vpc_subnet: vec!["10.50.1.0/24".into(), "10.50.2.0/24".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    c.health_check_add(&HealthCheckAddRequest {
        region_id: "nm8".into(),
        gateway_name: "gwnew01".into(),
        vpc_id: "vpc-x1".into(),
        vpc_name: "x1".into(),
        vpc_subnet: "10.50.1.0/24".into(),
        vpc_subnet_id: "subnet-1".into(),
        src_ip: "10.50.1.9".into(),
        dst_ip: "10.255.1.2".into(),
        interval: 2,
        ntimest: 6,
        auto_route_switching: false,
    })
    .await
    .unwrap();
    c.health_check_update(&HealthCheckUpdateRequest {
        region_id: "nm8".into(),
        gateway_name: "gwnew01".into(),
        vpc_id: "vpc-x1".into(),
        interval: 4,
        ntimest: 8,
        auto_route_switching: true,
    })
    .await
    .unwrap();
    let hop = |ip: &str, p: u32| NextHop {
        remote_gateway_ip: ip.into(),
        priority: p,
        track: Some(1),
        bfd: Some(false),
    };
    c.static_route_add(&StaticRouteAddRequest {
        region_id: Some("nm8".into()),
        gateway_name: "gwnew01".into(),
        ip_version: "IPV4".into(),
        dst_cidr: vec!["192.168.0.0/16".into()],
        next_hop: vec![hop("10.255.1.2", 1), hop("10.255.2.2", 2)],
        ..Default::default()
    })
    .await
    .unwrap();
    let routes = c.static_route_list(&scoped("gwnew01")).await.unwrap();
    assert_eq!(routes.len(), 1);
    c.static_route_update(&StaticRouteUpdateRequest {
        srid: routes[0].srid.clone(),
        ip_version: "IPV4".into(),
        dst_cidr: vec!["192.168.0.0/16".into(), "172.16.0.0/12".into()],
        next_hop: vec![hop("10.255.1.2", 1), hop("10.255.2.2", 2)],
        ..Default::default()
    })
    .await
    .unwrap();
    let routes = c.static_route_list(&scoped("gwnew01")).await.unwrap();
    assert_eq!(routes[0].dst_cidr.len(), 2);
    c.static_route_delete(&StaticRouteDeleteRequest {
        srid: routes[0].srid.clone(),
        region_id: Some("nm8".into()),
    })
    .await
    .unwrap();

    let peer = BgpPeer {
        bgp_neighbor: "idc".into(),
        bgp_ip: "10.255.1.2".into(),
        line_id: Some(ids[0].clone()),
        peer_as: "65001".into(),
        bgp_key: Some(secrecy::SecretString::from("s3cr3t")),
        bfd: true,
        ..Default::default()
    };
    c.bgp_route_add(&BgpRouteAddRequest {
        ip_version: "IPV4".into(),
        gateway_name: "gwnew01".into(),
        network_cidr: vec!["192.168.0.0/16".into()],
        bgp_list: vec![peer.clone()],
        multi_path: Some(false),
        ..Default::default()
    })
    .await
    .unwrap();
    let bgp = c.bgp_route_list(&scoped("gwnew01")).await.unwrap();
    assert_eq!(bgp.len(), 1);
    assert_eq!(bgp[0].bgp_list[0].line_id.as_deref(), Some(ids[0].as_str()));
    c.bgp_route_update(&BgpRouteUpdateRequest {
        bgpid: bgp[0].bgpid.clone(),
        ip_version: "IPV4".into(),
        network_cidr: vec!["192.168.0.0/16".into(), "10.99.0.0/16".into()],
        bgp_list: vec![peer],
        ..Default::default()
    })
    .await
    .unwrap();
    c.bgp_route_delete(&BgpRouteDeleteRequest {
        bgpid: bgp[0].bgpid.clone(),
        region_id: Some("nm8".into()),
    })
    .await
    .unwrap();

    c.vpc_delete(&VpcDeleteRequest {
        gateway_name: "gwnew01".into(),
        vpc_id: "vpc-x1".into(),
        region_id: Some("nm8".into()),
    })
    .await
    .unwrap();
    for id in &ids {
        c.physical_line_unbind(&LineBindingRequest {
            gateway_name: "gwnew01".into(),
            line_id: id.clone(),
            region_id: None,
        })
        .await
        .unwrap();
        c.physical_line_delete(&PhysicalLineDeleteRequest {
            line_id: id.clone(),
            region_id: None,
        })
        .await
        .unwrap();
    }
    c.gateway_delete(&GatewayDeleteRequest {
        gateway_name: "gwnew01".into(),
        region_id: None,
    })
    .await
    .unwrap();

    // Every write committed exactly once.
    let history = h.app().history();
    assert_eq!(history.len(), 22, "{history:#?}");
    let creates: Vec<_> = history
        .iter()
        .filter(|e| e.action == "create")
        .map(|e| (e.kind.clone(), e.key.clone()))
        .collect();
    let unique: std::collections::HashSet<_> = creates.iter().collect();
    assert_eq!(unique.len(), creates.len());
    let store = h.app().store();
    assert_eq!(store.accounts[DEMO_ACCOUNT], Default::default());
    h.shutdown().await.unwrap();
}
