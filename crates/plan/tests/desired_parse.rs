//! Loading desired-state files: the example parses to the expected model,
//! a file with many problems reports all of them at the right places, the
//! renderings are stable (insta), and hostile input is refused cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ipnet::IpNet;
use miette::{GraphicalReportHandler, GraphicalTheme};
use plan::desired::{self, Diagnostics};
use plan::model::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn graphical(d: &Diagnostics) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, d)
        .unwrap();
    out
}

fn parse_err(text: &str) -> Diagnostics {
    desired::parse("t.yaml", text).unwrap_err()
}

#[test]
fn example_parses_to_the_expected_model() {
    let text = std::fs::read_to_string(fixture("desired_ok.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../../../../docs/cda.schema.json\n"));
    let got = desired::parse("desired_ok.yaml", &text).unwrap();
    let want = DesiredState {
        region: "nm8".into(),
        account: Some("netops@example.com".into()),
        prune: vec![Kind::Gateways, Kind::Routes, Kind::Vpcs, Kind::HealthChecks],
        physical_lines: vec![
            PhysicalLine {
                name: "bj-idc-a".into(),
                id: None,
                switch: SwitchPort {
                    hostname: "sw-bj-01".into(),
                    port: "GE1/0/1".into(),
                    port_type: PortType::TenG,
                    ip: None,
                },
                line_type: LineType::Ipran,
                bandwidth: 1000,
                vlan: Some(1001),
                ip_version: IpVersion::Ipv4,
                local_ip: Some(net("10.255.0.1/30")),
                remote_ip: Some(net("10.255.0.2/30")),
                local_ip_v6: None,
                remote_ip_v6: None,
                access_point: None,
                shared: false,
                description: None,
                protect: true,
            },
            PhysicalLine {
                name: "bj-idc-b".into(),
                id: Some("line-7c1e".into()),
                switch: SwitchPort {
                    hostname: "sw-bj-02".into(),
                    port: "GE1/0/2".into(),
                    port_type: PortType::OneG,
                    ip: Some("172.16.0.2".parse().unwrap()),
                },
                line_type: LineType::Pon,
                bandwidth: 500,
                vlan: None,
                ip_version: IpVersion::DualStack,
                local_ip: Some(net("10.255.0.5/30")),
                remote_ip: Some(net("10.255.0.6/30")),
                local_ip_v6: Some(net("fd00:255::1/126")),
                remote_ip_v6: Some(net("fd00:255::2/126")),
                access_point: Some("AP1".into()),
                shared: false,
                description: Some("backup path via PON".into()),
                protect: false,
            },
            PhysicalLine {
                name: "bj-idc-c".into(),
                id: None,
                switch: SwitchPort {
                    hostname: "sw-bj-03".into(),
                    port: "XGE1/0/3".into(),
                    port_type: PortType::TenG,
                    ip: None,
                },
                line_type: LineType::Ipran,
                bandwidth: 2000,
                vlan: Some(1003),
                ip_version: IpVersion::Ipv4,
                local_ip: Some(net("10.255.0.9/31")),
                remote_ip: Some(net("10.255.0.8/31")),
                local_ip_v6: None,
                remote_ip_v6: None,
                access_point: None,
                shared: false,
                description: None,
                protect: false,
            },
        ],
        gateways: vec![
            Gateway {
                name: "gwprod01".into(),
                hostname: None,
                access_point: None,
                description: None,
                lines: vec!["bj-idc-a".into(), "bj-idc-b".into()],
                vpcs: vec![VpcAttachment {
                    id: "vpc-8f3k2".into(),
                    name: None,
                    bandwidth: 500,
                    ip_version: IpVersion::Ipv4,
                    network_segment: Some(net("192.168.0.0/16")),
                    network_segment_v6: None,
                    subnets: vec![net("192.168.10.0/24"), net("192.168.20.0/24")],
                    subnets_v6: vec![],
                    dc_type: None,
                    health_check: Some(HealthCheck {
                        src_ip: "192.168.10.250".parse().unwrap(),
                        dst_ip: "10.255.0.2".parse().unwrap(),
                        interval: 2,
                        packets: 5,
                        auto_switch: true,
                    }),
                    protect: false,
                }],
                static_routes: vec![
                    StaticRoute {
                        dst: vec![net("10.10.0.0/16"), net("10.20.0.0/16")],
                        next_hops: vec![
                            NextHop {
                                line: "bj-idc-a".into(),
                                priority: 10,
                                track: false,
                                bfd: true,
                            },
                            NextHop {
                                line: "bj-idc-b".into(),
                                priority: 20,
                                track: false,
                                bfd: false,
                            },
                        ],
                        protect: false,
                    },
                    StaticRoute {
                        dst: vec![net("fd10::/48")],
                        next_hops: vec![NextHop {
                            line: "bj-idc-b".into(),
                            priority: 10,
                            track: true,
                            bfd: false,
                        }],
                        protect: false,
                    },
                ],
                bgp: vec![],
                protect: false,
            },
            Gateway {
                name: "gwbgp02".into(),
                hostname: None,
                access_point: None,
                description: Some("BGP towards the branch".into()),
                lines: vec!["bj-idc-c".into()],
                vpcs: vec![],
                static_routes: vec![],
                bgp: vec![BgpRoute {
                    ip_version: IpVersion::Ipv4,
                    networks: vec![net("10.30.0.0/16")],
                    peers: vec![BgpPeer {
                        line: "bj-idc-c".into(),
                        peer_as: 65010,
                        neighbor: None,
                        key: Some(SecretRef::Env("CDA_BGP_KEY_C".into())),
                        bfd: true,
                    }],
                    multipath: Some(2),
                    protect: false,
                }],
                protect: false,
            },
        ],
    };
    assert_eq!(got, want);
    assert_eq!(
        got.gateways[0].static_routes[1].ip_version(),
        IpVersion::Ipv6
    );
}

#[test]
fn load_reads_the_file_and_names_it_in_problems() {
    let s = desired::load(&fixture("desired_ok.yaml")).unwrap();
    assert_eq!(s.region, "nm8");
    let d = desired::load(&fixture("desired_many_errors.yaml")).unwrap_err();
    assert!(d
        .file()
        .ends_with("tests/fixtures/desired_many_errors.yaml"));
    assert!(d.to_string().lines().all(|l| l.starts_with(d.file())));
}

#[test]
fn every_problem_is_reported_with_line_and_column() {
    let d = desired::load(&fixture("desired_many_errors.yaml")).unwrap_err();
    let got: Vec<(usize, usize, &str)> = d
        .problems()
        .iter()
        .map(|p| (p.line, p.column, p.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, 19, "prune[1]"),
            (5, 5, "physical_lines[0].nmae"),
            (8, 16, "physical_lines[0].bandwidth"),
            (9, 11, "physical_lines[0].vlan"),
            (12, 16, "physical_lines[0].remote_ip"),
            (13, 11, "physical_lines[1].name"),
            (17, 17, "physical_lines[1].ip_version"),
            (21, 16, "physical_lines[2].bandwidth"),
            (23, 15, "physical_lines[2].local_ip"),
            (27, 11, "gateways[0].name"),
            (28, 23, "gateways[0].lines[1]"),
            (32, 19, "gateways[0].vpcs[0].subnets[0]"),
            (33, 33, "gateways[0].vpcs[0].health_check.src_ip"),
            (33, 77, "gateways[0].vpcs[0].health_check.interval"),
            (37, 21, "gateways[0].static_routes[0].next_hops[0].line"),
            (39, 7, "gateways[0].bgp"),
            (40, 52, "gateways[0].bgp[0].peers[0].key"),
            (41, 5, "gateways[0].bgp"),
        ]
    );
}

#[test]
fn spans_are_bytes_even_after_multibyte_characters() {
    let text = std::fs::read_to_string(fixture("desired_many_errors.yaml")).unwrap();
    let d = desired::parse("f.yaml", &text).unwrap_err();
    let at = |path: &str| {
        let p = d.problems().iter().find(|p| p.path == path).unwrap();
        &text[p.span.offset()..p.span.offset() + p.span.len()]
    };
    assert_eq!(at("physical_lines[1].name"), "北京专线");
    // After the Chinese line, offsets are still right.
    assert_eq!(at("physical_lines[1].ip_version"), "IPv4");
    assert_eq!(at("gateways[0].vpcs[0].subnets[0]"), "192.168.10.1/24");
}

#[test]
fn plain_rendering_snapshot() {
    let d = desired::load(&fixture("desired_many_errors.yaml")).unwrap_err();
    let plain = d.to_string().replace(d.file(), "desired_many_errors.yaml");
    insta::assert_snapshot!("many_errors_plain", plain);
}

#[test]
fn graphical_rendering_snapshot() {
    let text = std::fs::read_to_string(fixture("desired_many_errors.yaml")).unwrap();
    let d = desired::parse("desired_many_errors.yaml", &text).unwrap_err();
    let out = graphical(&d);
    assert!(!out.contains("s3cr3t"), "the literal key must be masked");
    insta::assert_snapshot!("many_errors_graphical", out);
}

#[test]
fn syntax_error_snapshot() {
    let d = parse_err("region: nm8\ngateways:\n  - name: gw1\n   lines: [a\n");
    assert_eq!(d.len(), 1);
    insta::assert_snapshot!("syntax_error_plain", d.to_string());
    insta::assert_snapshot!("syntax_error_graphical", graphical(&d));
}

#[test]
fn source_map_points_at_fields() {
    let text = std::fs::read_to_string(fixture("desired_ok.yaml")).unwrap();
    let (_, map) = desired::parse_with_source_map("desired_ok.yaml", &text).unwrap();
    let l = map.location("gateways[0].static_routes[1].dst[0]").unwrap();
    assert_eq!((l.line, l.column), (52, 15));
    assert_eq!(
        &text[l.span.offset()..l.span.offset() + l.span.len()],
        "fd10::/48"
    );
    assert!(map.location("gateways[0].nothing").is_none());
    // Problems found later (planning) point into the file too.
    let d = map.diagnostics([(
        "physical_lines[0].protect",
        "protected line `bj-idc-a` would be replaced".to_owned(),
    )]);
    assert_eq!(d.to_string(), "desired_ok.yaml:15:14: error: physical_lines[0].protect: protected line `bj-idc-a` would be replaced");
    // A path not written in the file falls back to its nearest parent.
    let d = map.diagnostics([("gateways[1].vpcs", "x".to_owned())]);
    assert_eq!((d.problems()[0].line, d.problems()[0].column), (55, 5));
}

#[test]
fn content_hash_is_sha256_hex() {
    assert_eq!(
        desired::content_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_ne!(
        desired::content_hash("region: a\n"),
        desired::content_hash("region: b\n")
    );
}

// ------------------------------------------------------------------ hostile

#[test]
fn empty_and_comment_only_files() {
    for text in ["", "\n\n", "# nothing here\n", "\u{feff}"] {
        let d = parse_err(text);
        assert_eq!(d.len(), 1, "{text:?}");
        assert!(d.problems()[0].message.contains("the file is empty"), "{d}");
    }
}

#[test]
fn top_level_must_be_a_mapping() {
    let d = parse_err("- a\n- b\n");
    assert_eq!(
        d.to_string(),
        "t.yaml:1:1: error: expected a mapping (the desired state), found a list"
    );
}

#[test]
fn oversized_input_is_refused() {
    let big = format!("region: nm8\n#{}\n", "x".repeat(desired::MAX_FILE_BYTES));
    let d = parse_err(&big);
    assert!(
        d.to_string().contains("larger than the 10 MiB limit"),
        "{d}"
    );
    assert!(graphical(&d).contains("larger than the 10 MiB limit"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, big).unwrap();
    let d = desired::load(&path).unwrap_err();
    assert!(
        d.to_string()
            .starts_with(&format!("{}:1:1: error: the file is", path.display())),
        "{d}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    // Past our limit (checked before the tree is built)...
    let text = format!("region: {}{}\n", "[".repeat(40), "]".repeat(40));
    let d = parse_err(&text);
    assert_eq!(
        d.to_string(),
        "t.yaml:1:40: error: the file is refused: nesting is deeper than 32 levels"
    );
    // ...and far past the parser's own.
    let depth = 100_000;
    let text = format!("region: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let d = parse_err(&text);
    assert_eq!(d.len(), 1);
    assert!(d.to_string().contains("nesting is too deep"), "{d}");
    let text = format!("region: nm8\nx: {}1\n", "{a: ".repeat(5000));
    assert_eq!(parse_err(&text).len(), 1);
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    text.push_str("region: *a9\n");
    let d = parse_err(&text);
    assert_eq!(d.len(), 1, "{d}");
    assert!(d.to_string().contains("t.yaml:"), "{d}");
}

#[test]
fn aliases_within_limits_work() {
    let text = "region: nm8\nphysical_lines:\n  - &sw\n    name: la\n    switch: { hostname: s, port: p, port_type: 1G }\n    line_type: PON\n    bandwidth: 1\n    ip_version: IPV4\n    local_ip: 10.0.0.1/30\n    remote_ip: 10.0.0.2/30\n";
    let s = desired::parse("t.yaml", text).unwrap();
    assert_eq!(s.physical_lines[0].name, "la");
}

#[test]
fn several_documents_are_refused() {
    let d = parse_err("region: a\n---\nregion: b\n");
    assert_eq!(d.len(), 1);
    assert!(d.to_string().contains("more than one YAML document"), "{d}");
}

#[test]
fn non_utf8_file_is_diagnosed_by_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"region: nm8\naccount: caf\xe9\n").unwrap();
    let d = desired::load(&path).unwrap_err();
    assert_eq!(
        d.to_string(),
        format!(
            "{}:2:13: error: the file is not valid UTF-8 (invalid byte at offset 24)",
            path.display()
        )
    );
}

#[test]
fn missing_file_is_diagnosed_by_load() {
    let path = Path::new("/nonexistent/cda/desired.yaml");
    let d = desired::load(path).unwrap_err();
    assert!(
        d.to_string()
            .starts_with("/nonexistent/cda/desired.yaml:1:1: error: cannot read the file:"),
        "{d}"
    );
    assert!(graphical(&d).contains("cannot read the file"));
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "region: nm8\n\tphysical_lines: []\n",
        ": :\n",
        "{",
        "region: *undefined\n",
        "region: !!binary aGVsbG8=\n",
        "? [complex, key]\n: v\nregion: x\n",
        "region: \"\\u0000\"\n",
        "region: nm8\ngateways: [{name: g1, lines: [{a: b}]}]\n",
        "region: nm8\nphysical_lines: [1, null, [], 'x']\n",
        "region: nm8\n1: 2\n",
        "region: nm8\nprune: {a: b}\n",
        "%YAML 1.2\n---\nregion: nm8\n",
        "region: 1e400\n",
        "region: 99999999999999999999999999999999999999999999\n",
        "region: nm8\nphysical_lines:\n  - name: la\n    vlan: -99999999999999999999999\n",
        "\u{feff}region: nm8\n",
        "region: nm8\r\nprune: [routes]\r\n",
        "region: nm8\ngateways:\n  - name: g1\n    bgp:\n      - peers:\n          - {line: x, peer_as: 1, key: {env: {file: x}}}\n",
    ];
    for text in inputs {
        // Either outcome is fine; it must not panic and must name a place.
        if let Err(d) = desired::parse("t.yaml", text) {
            assert!(!d.is_empty());
            for p in d.problems() {
                assert!(p.line >= 1 && p.column >= 1);
                assert!(
                    p.span.offset() + p.span.len() <= text.len(),
                    "{text:?}: {p:?}"
                );
            }
            let _ = graphical(&d);
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn yamlish() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "region",
            "nm8",
            ":",
            " ",
            "\n",
            "  ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "name",
            "gateways",
            "physical_lines",
            "&a ",
            "*a",
            "'",
            "\"",
            "#",
            "10.0.0.0/8",
            "中",
            "é",
            "\t",
            "key",
            "env",
            "?",
            "lines",
            "static_routes",
            "dst",
            "next_hops",
            "line",
            "---",
            "!",
            "|",
            ">",
        ]);
        prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = desired::parse("t.yaml", &text);
        }

        #[test]
        fn yaml_like_text_never_panics_and_spans_are_valid(text in yamlish()) {
            if let Err(d) = desired::parse("t.yaml", &text) {
                for p in d.problems() {
                    prop_assert!(p.span.offset() + p.span.len() <= text.len());
                    prop_assert!(text.is_char_boundary(p.span.offset()));
                    prop_assert!(text.is_char_boundary(p.span.offset() + p.span.len()));
                }
                let _ = graphical(&d);
            }
        }
    }
}

#[test]
fn serialised_model_parses_back() {
    // `cda export` writes the model with serde; the loader must read it.
    let s = desired::load(&fixture("desired_ok.yaml")).unwrap();
    let yaml = serde_saphyr::to_string(&s).unwrap();
    let back = desired::parse("export.yaml", &yaml).unwrap_or_else(|d| panic!("{d}\n{yaml}"));
    assert_eq!(back, s);
}

#[test]
fn a_flood_of_problems_is_capped() {
    let mut text = String::from("region: nm8\n");
    for i in 0..20_000 {
        text.push_str(&format!("k{i}: 1\n"));
    }
    let d = parse_err(&text);
    assert_eq!(d.len(), 500);
    assert_eq!(d.omitted(), 19_500);
    assert!(d
        .to_string()
        .ends_with("t.yaml: error: 19500 more problems not shown"));
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let s = desired::parse("t.yaml", "\u{feff}region: nm8\r\nprune: [routes]\r\n").unwrap();
    assert_eq!(s.region, "nm8");
    assert_eq!(s.prune, vec![Kind::Routes]);
    let d = parse_err("\u{feff}region: [x]\n");
    assert_eq!(
        d.to_string(),
        "t.yaml:1:9: error: region: expected a string, found a list"
    );
    assert_eq!(d.problems()[0].span, (8, 1).into());
    // Positions after CRLF line ends are still right.
    let d = parse_err("region: nm8\r\nprune: [route]\r\n");
    assert_eq!(d.to_string(), "t.yaml:2:9: error: prune[0]: unknown value `route`, expected one of physical_lines, gateways, bindings, vpcs, health_checks, routes (did you mean `routes`?)");
}

#[test]
fn many_problems_on_one_long_line_stay_cheap() {
    // Columns are counted in one pass, not once per problem per line.
    let keys: Vec<String> = (0..50_000).map(|i| format!("é{i}: 1")).collect();
    let text = format!("{{region: nm8, {}}}\n", keys.join(", "));
    let d = parse_err(&text);
    assert_eq!(d.len() + d.omitted(), 50_000);
    let last = d.problems().last().unwrap();
    let col = text[..last.span.offset()].chars().count() + 1;
    assert_eq!((last.line, last.column), (1, col));
}
