//! The table: one row per case the re-read distinguishes, by resource kind.

use super::*;

/// (case, operation, what the re-read found, took effect?)
pub(super) type Case = (&'static str, Operation, Observed, bool);

/// Lines: a create is found by name; the rest by the resolved id.
fn line_cases() -> Vec<Case> {
    let update_line = |name: Option<&str>, bandwidth: Option<u64>| Operation::UpdateLine {
        line: line_ref("a1"),
        name: name.map(str::to_owned),
        bandwidth,
        description: None,
    };
    let bind = Operation::BindLine {
        gateway: gw("gw1"),
        line: line_ref("a1"),
    };
    let unbind = Operation::UnbindLine {
        gateway: gw("gw1"),
        line: line_ref("a1"),
    };
    let a1 = |gateway, bandwidth| listed("a1", "pl-1", gateway, bandwidth);
    let other = listed("a2", "pl-2", Some("gw1"), 300);
    vec![
        (
            "create_line: listed by name",
            Operation::CreateLine { line: line("a1") },
            Observed::Lines {
                lines: vec![a1(None, 100)],
                line_id: None,
            },
            true,
        ),
        (
            "create_line: not listed",
            Operation::CreateLine { line: line("a1") },
            Observed::Lines {
                lines: vec![other.clone()],
                line_id: None,
            },
            false,
        ),
        (
            "update_line: new name and bandwidth",
            update_line(Some("a1"), Some(500)),
            lines(vec![other.clone(), a1(None, 500)], "pl-1"),
            true,
        ),
        (
            "update_line: old bandwidth",
            update_line(Some("a1"), Some(500)),
            lines(vec![a1(None, 100)], "pl-1"),
            false,
        ),
        (
            "update_line: old name",
            update_line(Some("a9"), None),
            lines(vec![a1(None, 100)], "pl-1"),
            false,
        ),
        (
            "update_line: description only, the line is there",
            update_line(None, None),
            lines(vec![a1(Some("gw1"), 100)], "pl-1"),
            true,
        ),
        (
            "update_line: another line has the values",
            update_line(None, Some(300)),
            lines(vec![a1(None, 100), other.clone()], "pl-1"),
            false,
        ),
        (
            "delete_line: gone",
            Operation::DeleteLine {
                line: line_ref("a1"),
            },
            lines(vec![other.clone()], "pl-1"),
            true,
        ),
        (
            "delete_line: still listed",
            Operation::DeleteLine {
                line: line_ref("a1"),
            },
            lines(vec![a1(None, 100)], "pl-1"),
            false,
        ),
        (
            "bind_line: bound there",
            bind.clone(),
            lines(vec![a1(Some("gw1"), 100)], "pl-1"),
            true,
        ),
        (
            "bind_line: bound elsewhere",
            bind.clone(),
            lines(vec![a1(Some("gw2"), 100)], "pl-1"),
            false,
        ),
        (
            "bind_line: unbound",
            bind,
            lines(vec![a1(None, 100)], "pl-1"),
            false,
        ),
        (
            "unbind_line: unbound",
            unbind.clone(),
            lines(vec![a1(None, 100)], "pl-1"),
            true,
        ),
        (
            "unbind_line: bound elsewhere",
            unbind.clone(),
            lines(vec![a1(Some("gw2"), 100)], "pl-1"),
            true,
        ),
        (
            "unbind_line: still bound",
            unbind,
            lines(vec![a1(Some("gw1"), 100)], "pl-1"),
            false,
        ),
    ]
}

/// Gateways: present or not.
fn gateway_cases() -> Vec<Case> {
    vec![
        (
            "create_gateway: listed",
            Operation::CreateGateway {
                name: gw("gw1"),
                hostname: "sw1".into(),
                access_point: None,
                description: None,
            },
            Observed::Gateways {
                names: vec![gw("gw0"), gw("gw1")],
            },
            true,
        ),
        (
            "create_gateway: not listed",
            Operation::CreateGateway {
                name: gw("gw1"),
                hostname: "sw1".into(),
                access_point: None,
                description: None,
            },
            Observed::Gateways {
                names: vec![gw("gw0")],
            },
            false,
        ),
        (
            "delete_gateway: gone",
            Operation::DeleteGateway { name: gw("gw1") },
            Observed::Gateways { names: vec![] },
            true,
        ),
        (
            "delete_gateway: still listed",
            Operation::DeleteGateway { name: gw("gw1") },
            Observed::Gateways {
                names: vec![gw("gw1")],
            },
            false,
        ),
    ]
}

/// VPCs: an add by id, an update by its IPv4 subnets as a set.
fn vpc_cases() -> Vec<Case> {
    vec![
        (
            "add_vpc: listed, whatever its subnets",
            Operation::AddVpc {
                gateway: gw("gw1"),
                vpc: vpc("vpc-1", &["192.168.10.0/24"], &[]),
            },
            Observed::Vpcs(vec![live_vpc(&vpc("vpc-1", &[], &[]))]),
            true,
        ),
        (
            "add_vpc: not listed",
            Operation::AddVpc {
                gateway: gw("gw1"),
                vpc: vpc("vpc-1", &[], &[]),
            },
            Observed::Vpcs(vec![live_vpc(&vpc("vpc-2", &[], &[]))]),
            false,
        ),
        (
            "update_vpc: same subnets in another order, IPv6 not compared",
            Operation::UpdateVpc {
                gateway: gw("gw1"),
                vpc: vpc(
                    "vpc-1",
                    &["192.168.10.0/24", "192.168.20.0/24"],
                    &["2001:db8::/64"],
                ),
            },
            Observed::Vpcs(vec![live_vpc(&vpc(
                "vpc-1",
                &["192.168.20.0/24", "192.168.10.0/24"],
                &[],
            ))]),
            true,
        ),
        (
            "update_vpc: old subnets",
            Operation::UpdateVpc {
                gateway: gw("gw1"),
                vpc: vpc("vpc-1", &["192.168.10.0/24", "192.168.20.0/24"], &[]),
            },
            Observed::Vpcs(vec![live_vpc(&vpc("vpc-1", &["192.168.10.0/24"], &[]))]),
            false,
        ),
        (
            "delete_vpc: gone",
            Operation::DeleteVpc {
                gateway: gw("gw1"),
                vpc_id: "vpc-1".into(),
            },
            Observed::Vpcs(vec![live_vpc(&vpc("vpc-2", &[], &[]))]),
            true,
        ),
        (
            "delete_vpc: still listed",
            Operation::DeleteVpc {
                gateway: gw("gw1"),
                vpc_id: "vpc-1".into(),
            },
            Observed::Vpcs(vec![live_vpc(&vpc("vpc-1", &[], &[]))]),
            false,
        ),
    ]
}

/// Health checks: the timers and auto switching.
fn check_cases() -> Vec<Case> {
    let add_check = Operation::AddHealthCheck {
        gateway: gw("gw1"),
        vpc_id: "vpc-1".into(),
        vpc_name: None,
        subnet: net("192.168.10.0/24"),
        check: check(2, 5, true),
    };
    let update_check = Operation::UpdateHealthCheck {
        gateway: gw("gw1"),
        vpc_id: "vpc-1".into(),
        check: check(3, 6, false),
    };
    let delete_check = Operation::DeleteHealthCheck {
        gateway: gw("gw1"),
        vpc_id: "vpc-1".into(),
    };
    vec![
        (
            "add_health_check: set as sent",
            add_check.clone(),
            Observed::HealthCheck(Some(live_health_check(&check(2, 5, true)))),
            true,
        ),
        (
            "add_health_check: none set",
            add_check.clone(),
            Observed::HealthCheck(None),
            false,
        ),
        (
            "add_health_check: other interval",
            add_check,
            Observed::HealthCheck(Some(live_health_check(&check(3, 5, true)))),
            false,
        ),
        (
            "update_health_check: new timers",
            update_check.clone(),
            Observed::HealthCheck(Some(live_health_check(&check(3, 6, false)))),
            true,
        ),
        (
            "update_health_check: old packets",
            update_check.clone(),
            Observed::HealthCheck(Some(live_health_check(&check(3, 5, false)))),
            false,
        ),
        (
            "update_health_check: old auto switching",
            update_check,
            Observed::HealthCheck(Some(live_health_check(&check(3, 6, true)))),
            false,
        ),
        (
            "delete_health_check: none set",
            delete_check.clone(),
            Observed::HealthCheck(None),
            true,
        ),
        (
            "delete_health_check: still set",
            delete_check,
            Observed::HealthCheck(Some(live_health_check(&check(2, 5, true)))),
            false,
        ),
    ]
}

/// Static routes: destinations and (address, priority) of the hops
/// as sets; track and BFD not compared.
fn static_cases() -> Vec<Case> {
    let route = static_body(
        &["10.10.0.0/16", "10.20.0.0/16"],
        vec![hop("10.255.1.2", 10, true), hop("10.255.2.2", 20, false)],
    );
    let add_static = Operation::AddStaticRoute {
        gateway: gw("gw1"),
        route: route.clone(),
    };
    let update_static = Operation::UpdateStaticRoute {
        gateway: gw("gw1"),
        id: "sr-1".into(),
        route,
    };
    let live_route = |id| {
        live_static(
            id,
            &["10.20.0.0/16", "10.10.0.0/16"],
            &[("10.255.2.2", 20), ("10.255.1.2", 10)],
        )
    };
    vec![
        (
            "add_static_route: listed",
            add_static.clone(),
            Observed::StaticRoutes(vec![live_route("sr-9")]),
            true,
        ),
        (
            "add_static_route: other priority",
            add_static.clone(),
            Observed::StaticRoutes(vec![live_static(
                "sr-9",
                &["10.10.0.0/16", "10.20.0.0/16"],
                &[("10.255.1.2", 10), ("10.255.2.2", 30)],
            )]),
            false,
        ),
        (
            "add_static_route: a hop missing",
            add_static.clone(),
            Observed::StaticRoutes(vec![live_static(
                "sr-9",
                &["10.10.0.0/16", "10.20.0.0/16"],
                &[("10.255.1.2", 10)],
            )]),
            false,
        ),
        (
            "add_static_route: other destinations",
            add_static,
            Observed::StaticRoutes(vec![live_static(
                "sr-9",
                &["10.10.0.0/16"],
                &[("10.255.1.2", 10), ("10.255.2.2", 20)],
            )]),
            false,
        ),
        (
            "update_static_route: its id holds the new route",
            update_static.clone(),
            Observed::StaticRoutes(vec![live_route("sr-1")]),
            true,
        ),
        (
            "update_static_route: another id holds it",
            update_static,
            Observed::StaticRoutes(vec![
                live_static("sr-1", &["10.10.0.0/16"], &[("10.255.1.2", 10)]),
                live_route("sr-2"),
            ]),
            false,
        ),
        (
            "delete_static_route: gone",
            Operation::DeleteStaticRoute {
                gateway: gw("gw1"),
                id: "sr-1".into(),
            },
            Observed::StaticRoutes(vec![live_route("sr-2")]),
            true,
        ),
        (
            "delete_static_route: still listed",
            Operation::DeleteStaticRoute {
                gateway: gw("gw1"),
                id: "sr-1".into(),
            },
            Observed::StaticRoutes(vec![live_route("sr-1")]),
            false,
        ),
    ]
}

/// BGP routes: (address, AS) of the peers as a set; keys, networks,
/// neighbour names and BFD not compared.
fn bgp_cases() -> Vec<Case> {
    let peers = [("10.255.1.2", 65001), ("10.255.2.2", 65002)];
    let add_bgp = Operation::AddBgpRoute {
        gateway: gw("gw1"),
        route: bgp_body(IpVersion::Ipv4, &peers),
    };
    let update_bgp = Operation::UpdateBgpRoute {
        gateway: gw("gw1"),
        id: "bgp-1".into(),
        route: bgp_body(IpVersion::Ipv4, &peers),
    };
    vec![
        (
            "add_bgp_route: same IP version and peers",
            add_bgp.clone(),
            Observed::BgpRoutes(vec![live_bgp("bgp-9", IpVersion::Ipv4, &peers)]),
            true,
        ),
        (
            "add_bgp_route: other IP version",
            add_bgp.clone(),
            Observed::BgpRoutes(vec![live_bgp("bgp-9", IpVersion::Ipv6, &peers)]),
            false,
        ),
        (
            "add_bgp_route: other AS",
            add_bgp,
            Observed::BgpRoutes(vec![live_bgp(
                "bgp-9",
                IpVersion::Ipv4,
                &[("10.255.1.2", 65001), ("10.255.2.2", 65009)],
            )]),
            false,
        ),
        (
            "update_bgp_route: its id holds the peers",
            update_bgp.clone(),
            Observed::BgpRoutes(vec![live_bgp("bgp-1", IpVersion::DualStack, &peers)]),
            true,
        ),
        (
            "update_bgp_route: a peer missing",
            update_bgp.clone(),
            Observed::BgpRoutes(vec![live_bgp("bgp-1", IpVersion::Ipv4, &peers[..1])]),
            false,
        ),
        (
            "update_bgp_route: another id holds them",
            update_bgp,
            Observed::BgpRoutes(vec![live_bgp("bgp-2", IpVersion::Ipv4, &peers)]),
            false,
        ),
        (
            "delete_bgp_route: gone",
            Operation::DeleteBgpRoute {
                gateway: gw("gw1"),
                id: "bgp-1".into(),
            },
            Observed::BgpRoutes(vec![]),
            true,
        ),
        (
            "delete_bgp_route: still listed",
            Operation::DeleteBgpRoute {
                gateway: gw("gw1"),
                id: "bgp-1".into(),
            },
            Observed::BgpRoutes(vec![live_bgp("bgp-1", IpVersion::Ipv4, &peers)]),
            false,
        ),
    ]
}

/// Every case of every operation.
pub(super) fn table() -> Vec<Case> {
    [
        line_cases(),
        gateway_cases(),
        vpc_cases(),
        check_cases(),
        static_cases(),
        bgp_cases(),
    ]
    .concat()
}
