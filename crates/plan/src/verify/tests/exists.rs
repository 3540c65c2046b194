//! Before a create: is an object with its identity there already?

use super::*;

fn create_line(name: &str) -> Operation {
    Operation::CreateLine { line: line(name) }
}

fn listed_lines(lines: Vec<LiveLine>) -> Observed {
    Observed::Lines {
        lines,
        line_id: None,
    }
}

#[test]
fn a_line_is_found_by_name_with_its_id() {
    let op = create_line("bj-idc-c");
    let found = existing(
        &op,
        &listed_lines(vec![
            listed("bj-idc-a", "pl-1", None, 1),
            listed("bj-idc-c", "pl-9", None, 1),
        ]),
    )
    .unwrap();
    assert_eq!(
        found.as_deref(),
        Some("physical_line.bj-idc-c (lineID pl-9)")
    );
    let none = existing(
        &op,
        &listed_lines(vec![listed("bj-idc-a", "pl-1", None, 1)]),
    );
    assert_eq!(none, Ok(None));
}

#[test]
fn gateways_vpcs_and_health_checks_by_their_keys() {
    let gateway = Operation::CreateGateway {
        name: gw("gw1"),
        hostname: "h".into(),
        access_point: None,
        description: None,
    };
    let names = |n: &[&str]| Observed::Gateways {
        names: n.iter().map(|s| gw(s)).collect(),
    };
    assert_eq!(
        existing(&gateway, &names(&["gw0", "gw1"]))
            .unwrap()
            .as_deref(),
        Some("gateway.gw1")
    );
    assert_eq!(existing(&gateway, &names(&["gw0"])), Ok(None));

    let v = vpc("vpc-1", &["10.0.0.0/24"], &[]);
    let add = Operation::AddVpc {
        gateway: gw("gw1"),
        vpc: v.clone(),
    };
    // Found by id, whatever its subnets.
    let other_subnets = live_vpc(&vpc("vpc-1", &["10.9.0.0/24"], &[]));
    assert_eq!(
        existing(&add, &Observed::Vpcs(vec![other_subnets]))
            .unwrap()
            .as_deref(),
        Some("vpc.gw1.vpc-1")
    );
    let other = live_vpc(&vpc("vpc-2", &["10.0.0.0/24"], &[]));
    assert_eq!(existing(&add, &Observed::Vpcs(vec![other])), Ok(None));

    let add_check = Operation::AddHealthCheck {
        gateway: gw("gw1"),
        vpc_id: "vpc-1".into(),
        vpc_name: None,
        subnet: net("10.0.0.0/24"),
        check: check(2, 5, true),
    };
    let live = live_health_check(&check(3, 3, false));
    assert_eq!(
        existing(&add_check, &Observed::HealthCheck(Some(live)))
            .unwrap()
            .as_deref(),
        Some("health_check.gw1.vpc-1")
    );
    assert_eq!(existing(&add_check, &Observed::HealthCheck(None)), Ok(None));
}

#[test]
fn a_static_route_by_its_destinations_in_any_order_and_a_bgp_route_by_version() {
    let add = Operation::AddStaticRoute {
        gateway: gw("gw1"),
        route: static_body(
            &["10.20.0.0/16", "10.10.0.0/16"],
            vec![hop("10.255.0.2", 1, false)],
        ),
    };
    // Same destinations, other next hops: the same route.
    let same = live_static(
        "sr-7",
        &["10.10.0.0/16", "10.20.0.0/16"],
        &[("10.255.0.6", 2)],
    );
    let found = existing(&add, &Observed::StaticRoutes(vec![same])).unwrap();
    assert_eq!(
        found.as_deref(),
        Some("static_route.gw1.IPV4[10.10.0.0/16,10.20.0.0/16] (SRID sr-7)")
    );
    let fewer = live_static("sr-8", &["10.10.0.0/16"], &[("10.255.0.2", 1)]);
    assert_eq!(
        existing(&add, &Observed::StaticRoutes(vec![fewer])),
        Ok(None)
    );

    let add_bgp = Operation::AddBgpRoute {
        gateway: gw("gw1"),
        route: bgp_body(IpVersion::Ipv4, &[("10.255.0.2", 65001)]),
    };
    let v4 = live_bgp("bgp-1", IpVersion::Ipv4, &[("10.255.0.6", 65002)]);
    let v6 = live_bgp("bgp-2", IpVersion::Ipv6, &[("10.255.0.2", 65001)]);
    assert_eq!(
        existing(&add_bgp, &Observed::BgpRoutes(vec![v6.clone(), v4]))
            .unwrap()
            .as_deref(),
        Some("bgp_route.gw1.IPV4 (id bgp-1)")
    );
    assert_eq!(existing(&add_bgp, &Observed::BgpRoutes(vec![v6])), Ok(None));
}

#[test]
fn only_creates_are_checked_and_a_wrong_read_is_an_error() {
    let delete = Operation::DeleteGateway { name: gw("gw1") };
    assert!(!creates(&delete));
    assert_eq!(
        existing(
            &delete,
            &Observed::Gateways {
                names: vec![gw("gw1")]
            }
        ),
        Ok(None)
    );
    let op = create_line("a1");
    assert!(creates(&op));
    assert!(existing(&op, &Observed::Gateways { names: Vec::new() }).is_err());
}
