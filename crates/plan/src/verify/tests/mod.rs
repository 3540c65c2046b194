#![allow(clippy::unwrap_used, clippy::expect_used)]
//! One row per case the executor's re-read distinguishes, for every
//! operation: what was asked, what the re-read found, the answer.

use super::*;
use crate::action::{BgpPeerBody, BgpRouteBody, NextHopBody, StaticRouteBody};
use crate::inventory::{LiveBgpPeer, LiveNextHop};
use crate::model::{HealthCheck, IpVersion, PhysicalLine, SecretRef, VpcAttachment};
use crate::testing::{live_health_check, live_line, live_vpc};

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn line(name: &str) -> PhysicalLine {
    crate::testing::desired_line(name, 1)
}

/// Line `name` listed under `id`, bound to `gateway`, with this bandwidth.
fn listed(name: &str, id: &str, gateway: Option<&str>, bandwidth: u64) -> LiveLine {
    let mut l = live_line(&line(name), id.into(), gateway.map(str::to_owned));
    l.bandwidth = bandwidth;
    l
}

fn lines(lines: Vec<LiveLine>, id: &str) -> Observed {
    Observed::Lines {
        lines,
        line_id: Some(id.into()),
    }
}

fn line_ref(name: &str) -> LineRef {
    LineRef {
        name: name.into(),
        id: None,
    }
}

fn vpc(id: &str, subnets: &[&str], subnets_v6: &[&str]) -> VpcAttachment {
    VpcAttachment {
        id: id.into(),
        name: None,
        bandwidth: 50,
        ip_version: IpVersion::Ipv4,
        network_segment: None,
        network_segment_v6: None,
        subnets: subnets.iter().map(|s| net(s)).collect(),
        subnets_v6: subnets_v6.iter().map(|s| net(s)).collect(),
        dc_type: None,
        health_check: None,
        protect: false,
    }
}

fn check(interval: u8, packets: u8, auto_switch: bool) -> HealthCheck {
    HealthCheck {
        src_ip: ip("192.168.10.250"),
        dst_ip: ip("10.255.1.2"),
        interval,
        packets,
        auto_switch,
    }
}

fn hop(remote: &str, priority: u32, track: bool) -> NextHopBody {
    NextHopBody {
        remote_ip: ip(remote),
        priority,
        track,
        bfd: false,
    }
}

fn static_body(dst: &[&str], hops: Vec<NextHopBody>) -> StaticRouteBody {
    StaticRouteBody {
        ip_version: IpVersion::Ipv4,
        dst_v4: dst.iter().map(|s| net(s)).collect(),
        dst_v6: Vec::new(),
        next_hops_v4: hops,
        next_hops_v6: Vec::new(),
    }
}

fn live_static(id: &str, dst: &[&str], hops: &[(&str, u32)]) -> LiveStaticRoute {
    LiveStaticRoute {
        id: id.into(),
        ip_version: IpVersion::Ipv4,
        dst: dst.iter().map(|s| net(s)).collect(),
        next_hops: hops
            .iter()
            .map(|(r, p)| LiveNextHop {
                remote_ip: ip(r),
                priority: *p,
                track: false,
                bfd: Some(true),
            })
            .collect(),
        next_hops_v6: Vec::new(),
    }
}

fn bgp_body(ip_version: IpVersion, peers: &[(&str, u32)]) -> BgpRouteBody {
    BgpRouteBody {
        ip_version,
        networks_v4: vec![net("10.30.0.0/16")],
        networks_v6: Vec::new(),
        peers_v4: peers
            .iter()
            .map(|(a, asn)| BgpPeerBody {
                neighbor: "n1".into(),
                ip: ip(a),
                line: line_ref("a1"),
                peer_as: *asn,
                key: Some(SecretRef::Env("K".into())),
                bfd: false,
            })
            .collect(),
        peers_v6: Vec::new(),
        multipath: None,
    }
}

fn live_bgp(id: &str, ip_version: IpVersion, peers: &[(&str, u32)]) -> LiveBgpRoute {
    LiveBgpRoute {
        id: id.into(),
        ip_version,
        // Networks, neighbour names, keys and BFD are not compared.
        networks: Vec::new(),
        peers: peers
            .iter()
            .map(|(a, asn)| LiveBgpPeer {
                neighbor: "other".into(),
                ip: ip(a),
                line_id: Some("pl-1".into()),
                line_name: None,
                peer_as: *asn,
                key_hash: None,
                bfd: true,
            })
            .collect(),
        multipath: Some(2),
    }
}

fn gw(s: &str) -> String {
    s.to_owned()
}

mod cases;
mod exists;
use cases::table;

#[test]
fn took_effect_answers_every_case_of_every_operation() {
    let mut seen = BTreeSet::new();
    for (case, op, observed, want) in table() {
        assert_eq!(took_effect(&op, &observed), Ok(want), "{case}");
        seen.insert(operation_name(&op));
    }
    // Every operation has rows.
    assert_eq!(seen.len(), 19, "{seen:?}");
}

#[test]
fn each_operation_is_answered_from_the_reread_it_asks_for() {
    for (case, op, observed, _) in table() {
        let fits = matches!(
            (reread(&op), &observed),
            (Reread::Lines { .. }, Observed::Lines { .. })
                | (Reread::Gateways, Observed::Gateways { .. })
                | (Reread::Vpcs { gateway: "gw1" }, Observed::Vpcs(_))
                | (
                    Reread::HealthCheck {
                        gateway: "gw1",
                        vpc_id: "vpc-1"
                    },
                    Observed::HealthCheck(_)
                )
                | (
                    Reread::StaticRoutes { gateway: "gw1" },
                    Observed::StaticRoutes(_)
                )
                | (Reread::BgpRoutes { gateway: "gw1" }, Observed::BgpRoutes(_))
        );
        assert!(fits, "{case}: {:?}", reread(&op));
        // The name is the plan file's tag.
        assert_eq!(
            serde_json::to_value(&op).unwrap()["op"],
            operation_name(&op),
            "{case}"
        );
    }
    let update = Operation::UpdateLine {
        line: line_ref("a1"),
        name: None,
        bandwidth: None,
        description: None,
    };
    assert_eq!(
        reread(&update),
        Reread::Lines {
            line: Some(&line_ref("a1"))
        }
    );
    assert_eq!(
        reread(&Operation::CreateLine { line: line("a1") }),
        Reread::Lines { line: None }
    );
}

#[test]
fn an_observation_that_does_not_fit_is_an_error_not_an_answer() {
    let delete = Operation::DeleteLine {
        line: line_ref("a1"),
    };
    // Without the line's id "not listed" would read as "deleted".
    let err = took_effect(
        &delete,
        &Observed::Lines {
            lines: vec![],
            line_id: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.operation, "delete_line");
    assert!(err.to_string().contains("without the line's id"), "{err}");
    let add = Operation::AddVpc {
        gateway: gw("gw1"),
        vpc: vpc("vpc-1", &[], &[]),
    };
    for wrong in [
        Observed::Gateways { names: vec![] },
        Observed::HealthCheck(None),
        Observed::StaticRoutes(vec![]),
        Observed::BgpRoutes(vec![]),
        lines(vec![], "pl-1"),
    ] {
        assert!(took_effect(&add, &wrong).is_err(), "{wrong:?}");
    }
    assert!(took_effect(
        &Operation::DeleteGateway { name: gw("gw1") },
        &Observed::Vpcs(vec![])
    )
    .is_err());
    assert!(took_effect(
        &Operation::CreateLine { line: line("a1") },
        &Observed::BgpRoutes(vec![])
    )
    .is_err());
}

#[test]
fn not_applied_names_each_attribute_the_api_ignored() {
    // PY4's physical-line/update takes lineName and note, not bandwidth.
    let update = Operation::UpdateLine {
        line: line_ref("a2"),
        name: Some("a2".into()),
        bandwidth: Some(200),
        description: Some("backup".into()),
    };
    let mut l = listed("a2", "pl-1", None, 100);
    l.description = Some("backup".into());
    assert_eq!(
        not_applied(&update, &lines(vec![l.clone()], "pl-1")).unwrap(),
        vec!["bandwidth"]
    );
    l.bandwidth = 200;
    assert!(not_applied(&update, &lines(vec![l], "pl-1"))
        .unwrap()
        .is_empty());
    assert_eq!(
        not_applied(&update, &lines(vec![], "pl-1")).unwrap(),
        vec!["physical_line"]
    );

    // Health-check timers, one by one; unreadable settings are not judged.
    let add = Operation::UpdateHealthCheck {
        gateway: gw("gw1"),
        vpc_id: "vpc-1".into(),
        check: check(3, 6, true),
    };
    let live = live_health_check(&check(2, 6, false));
    assert_eq!(
        not_applied(&add, &Observed::HealthCheck(Some(live))).unwrap(),
        vec!["interval", "auto_switch"]
    );
    assert!(not_applied(
        &add,
        &Observed::HealthCheck(Some(crate::inventory::LiveHealthCheck::unreadable()))
    )
    .unwrap()
    .is_empty());
    assert_eq!(
        not_applied(&add, &Observed::HealthCheck(None)).unwrap(),
        vec!["health_check"]
    );

    // VPC subnets and bandwidth.
    let want = vpc("vpc-1", &["10.0.1.0/24", "10.0.2.0/24"], &[]);
    let op = Operation::UpdateVpc {
        gateway: gw("gw1"),
        vpc: want.clone(),
    };
    let mut seen = live_vpc(&want);
    seen.subnets.pop();
    assert_eq!(
        not_applied(&op, &Observed::Vpcs(vec![seen])).unwrap(),
        vec!["subnets"]
    );

    // Everything else: the object's kind when the re-read does not show it.
    let create = Operation::CreateGateway {
        name: "gw9".into(),
        hostname: "sw".into(),
        access_point: None,
        description: None,
    };
    assert_eq!(
        not_applied(&create, &Observed::Gateways { names: vec![] }).unwrap(),
        vec!["gateway"]
    );
    assert!(not_applied(
        &create,
        &Observed::Gateways {
            names: vec!["gw9".into()]
        }
    )
    .unwrap()
    .is_empty());
    // A mismatched observation is still an error.
    assert!(not_applied(&update, &Observed::Gateways { names: vec![] }).is_err());
}
