#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `docs/markdown-sample.md`: the merge-request comment `cda plan
//! --markdown` writes for a typical change, rendered from a real diff.
//!
//! Live: the estate `examples/redundant-static.yaml` describes, as if
//! applied. Desired: that file after a merge request that adds a third line
//! as the new secondary path, drops the backup-traffic route, and raises
//! the primary line's and the VPC's bandwidth.
//!
//! The test fails when the committed sample is out of date; regenerate with
//! `CDA_UPDATE_DOCS=1 cargo test -p plan --test markdown_sample`, then
//! `scripts/render-markdown-sample.sh` for the HTML and screenshot.

use plan::inventory::{LiveGateway, LiveNextHop, LiveStaticRoute};
use plan::model::{DesiredState, NextHop, PhysicalLine};
use plan::testing::{live_line, live_vpc};
use plan::{Inventory, Plan, PlanOptions};
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The live estate after `desired` was applied, with made-up ids.
fn live_from(desired: &DesiredState) -> Inventory {
    let mut gw_of = std::collections::HashMap::new();
    for g in &desired.gateways {
        for l in &g.lines {
            gw_of.insert(l.clone(), g.name.clone());
        }
    }
    let id_of = |name: &str| {
        let i = desired
            .physical_lines
            .iter()
            .position(|l| l.name == name)
            .unwrap();
        format!("line-{:04}", i + 1)
    };
    let lines = desired
        .physical_lines
        .iter()
        .map(|l| live_line(l, id_of(&l.name), gw_of.get(&l.name).cloned()))
        .collect();
    let remote_of = |name: &str| {
        desired
            .physical_lines
            .iter()
            .find(|l| l.name == name)
            .and_then(|l| l.remote_ip)
            .unwrap()
            .addr()
    };
    let gateways = desired
        .gateways
        .iter()
        .map(|g| LiveGateway {
            name: g.name.clone(),
            hostname: g.hostname.clone(),
            access_point: g.access_point.clone(),
            description: g.description.clone(),
            line_ids: g.lines.iter().map(|l| id_of(l)).collect(),
            vpcs: g.vpcs.iter().map(live_vpc).collect(),
            static_routes: g
                .static_routes
                .iter()
                .enumerate()
                .map(|(i, r)| LiveStaticRoute {
                    id: format!("sr-{}", i + 1),
                    ip_version: r.ip_version(),
                    dst: r.dst.clone(),
                    next_hops: r
                        .next_hops
                        .iter()
                        .map(|h| LiveNextHop {
                            remote_ip: remote_of(&h.line),
                            priority: h.priority,
                            track: h.track,
                            bfd: Some(h.bfd),
                        })
                        .collect(),
                    next_hops_v6: vec![],
                })
                .collect(),
            bgp_routes: vec![],
        })
        .collect();
    Inventory { lines, gateways }
}

fn sample_plan() -> Plan {
    let before = plan::desired::load(&repo_root().join("examples/redundant-static.yaml")).unwrap();
    let live = live_from(&before);

    let mut after = before.clone();
    // A third circuit, on a third switch, becomes the secondary path.
    let mut line: PhysicalLine = after.physical_lines[1].clone();
    line.name = "bj-idc2-c".into();
    line.description = Some("Beijing IDC third circuit, carrier ticket CT-2026-0522".into());
    line.switch.hostname = "nm8-cda-sw03".into();
    line.vlan = Some(1003);
    line.local_ip = Some("10.255.10.9/30".parse().unwrap());
    line.remote_ip = Some("10.255.10.10/30".parse().unwrap());
    after.physical_lines.push(line);
    // More bandwidth on the primary line (in place) and on the VPC.
    after.physical_lines[0].bandwidth = 2000;
    let gw = &mut after.gateways[0];
    gw.lines.push("bj-idc2-c".into());
    gw.vpcs[0].bandwidth = 2000;
    gw.static_routes[0].next_hops[1] = NextHop {
        line: "bj-idc2-c".into(),
        priority: 20,
        track: true,
        bfd: true,
    };
    // Backup traffic moves elsewhere: its route goes (routes are pruned).
    gw.static_routes.truncate(1);

    plan::plan(&after, &live, &PlanOptions::default()).unwrap()
}

#[test]
fn the_sample_is_a_real_diff_of_the_example() {
    // Live built from the example plans to nothing: the helper is faithful.
    let example = plan::desired::load(&repo_root().join("examples/redundant-static.yaml")).unwrap();
    let same = plan::plan(&example, &live_from(&example), &PlanOptions::default()).unwrap();
    assert!(same.actions.is_empty(), "{:#?}", same.actions);
    assert!(!sample_plan().actions.is_empty());
}

#[test]
fn docs_markdown_sample_is_current() {
    let text = plan::render::markdown(&sample_plan());
    assert!(text.len() < plan::render::MARKDOWN_LIMIT);
    let path = repo_root().join("docs/markdown-sample.md");
    if std::env::var_os("CDA_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/markdown-sample.md is out of date: run CDA_UPDATE_DOCS=1 cargo test -p plan --test markdown_sample"
    );
}
