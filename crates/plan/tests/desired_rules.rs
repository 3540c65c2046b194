//! One test per validation rule of the desired-state file: each starts
//! from a valid file, breaks one thing, and checks that exactly that
//! problem is reported, at the right field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plan::desired::{parse, Problem};

/// A small valid file every test edits.
const BASE: &str = "\
region: nm8
physical_lines:
  - name: la
    switch: { hostname: sw1, port: GE1/0/1, port_type: 10G }
    line_type: IPRAN
    bandwidth: 100
    ip_version: IPV4
    local_ip: 10.0.0.1/30
    remote_ip: 10.0.0.2/30
  - name: lb
    switch: { hostname: sw2, port: GE1/0/2, port_type: 1G }
    line_type: PON
    bandwidth: 100
    ip_version: DUALSTACK
    local_ip: 10.0.0.5/30
    remote_ip: 10.0.0.6/30
    local_ip_v6: fd00::1/126
    remote_ip_v6: fd00::2/126
gateways:
  - name: gw1
    lines: [la, lb]
    vpcs:
      - id: vpc-1
        bandwidth: 100
        network_segment: 192.168.0.0/16
        subnets: [192.168.10.0/24]
        health_check: { src_ip: 192.168.10.9, dst_ip: 10.0.0.2, interval: 2, packets: 5 }
    static_routes:
      - dst: [10.10.0.0/16]
        next_hops:
          - { line: la, priority: 10 }
          - { line: lb, priority: 20 }
      - dst: [fd10::/48]
        next_hops:
          - { line: lb, priority: 10 }
";

/// BASE with one edit (the `from` text must occur exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "edit target `{from}` must occur once"
    );
    BASE.replacen(from, to, 1)
}

fn problems(text: &str) -> Vec<Problem> {
    match parse("t.yaml", text) {
        Ok(_) => Vec::new(),
        Err(d) => d.problems().to_vec(),
    }
}

/// Asserts exactly one problem, at `path`, whose message contains `msg`.
#[track_caller]
fn only(text: &str, path: &str, msg: &str) -> Problem {
    let ps = problems(text);
    assert_eq!(ps.len(), 1, "expected one problem, got {ps:#?}");
    let p = ps.into_iter().next().unwrap();
    assert_eq!(p.path, path, "{p:#?}");
    assert!(
        p.message.contains(msg),
        "message `{}` lacks `{msg}`",
        p.message
    );
    p
}

#[track_caller]
fn ok(text: &str) {
    let ps = problems(text);
    assert!(ps.is_empty(), "expected no problem, got {ps:#?}");
}

#[test]
fn base_is_valid() {
    ok(BASE);
}

// ---------------------------------------------------------------- shape

#[test]
fn unknown_field_with_did_you_mean() {
    let p = only(
        &edit(
            "    bandwidth: 100\n    ip_version: IPV4",
            "    bandwith: 100\n    bandwidth: 100\n    ip_version: IPV4",
        ),
        "physical_lines[0].bandwith",
        "unknown field `bandwith`",
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `bandwidth`?"));
    assert_eq!((p.line, p.column), (6, 5));
}

#[test]
fn unknown_field_far_from_any_lists_the_fields() {
    let p = only(
        &edit("region: nm8", "region: nm8\nzzz: 1"),
        "zzz",
        "unknown field `zzz`",
    );
    assert!(p
        .help
        .unwrap()
        .starts_with("expected one of: region, account, prune"));
}

#[test]
fn wrong_type_is_named() {
    only(
        &edit("region: nm8", "region: [nm8]"),
        "region",
        "expected a string, found a list",
    );
    only(
        &edit("lines: [la, lb]", "lines: la"),
        "gateways[0].lines",
        "expected a list, found a string",
    );
    only(
        &edit(
            "bandwidth: 100\n    ip_version: IPV4",
            "bandwidth: 1.5\n    ip_version: IPV4",
        ),
        "physical_lines[0].bandwidth",
        "expected an integer, found a decimal number",
    );
}

#[test]
fn booleans_are_true_or_false_only() {
    let t = edit(
        "    remote_ip: 10.0.0.2/30\n",
        "    remote_ip: 10.0.0.2/30\n    protect: yes\n",
    );
    only(
        &t,
        "physical_lines[0].protect",
        "expected `true` or `false`, found a string",
    );
    let t = edit(
        "    remote_ip: 10.0.0.2/30\n",
        "    remote_ip: 10.0.0.2/30\n    protect: true\n",
    );
    assert!(parse("t.yaml", &t).unwrap().physical_lines[0].protect);
}

#[test]
fn quoted_number_gets_a_hint() {
    let p = only(
        &edit(
            "bandwidth: 100\n    ip_version: IPV4",
            "bandwidth: \"100\"\n    ip_version: IPV4",
        ),
        "physical_lines[0].bandwidth",
        "expected an integer, found a string",
    );
    assert_eq!(p.help.as_deref(), Some("remove the quotes"));
}

#[test]
fn unquoted_number_is_accepted_as_a_string_as_written() {
    let s = parse("t.yaml", &edit("region: nm8", "region: 007")).unwrap();
    assert_eq!(s.region, "007");
    let s = parse("t.yaml", &edit("region: nm8", "region: 1.10   # a comment")).unwrap();
    assert_eq!(s.region, "1.10");
    let s = parse("t.yaml", &edit("region: nm8", "region: true")).unwrap();
    assert_eq!(s.region, "true");
}

#[test]
fn missing_required_field() {
    only(
        &edit("region: nm8\n", ""),
        "region",
        "missing required field `region`",
    );
    let p = only(
        &edit(
            "    bandwidth: 100\n    ip_version: IPV4\n",
            "    ip_version: IPV4\n",
        ),
        "physical_lines[0].bandwidth",
        "missing required field `bandwidth` in a physical line",
    );
    // Points at the object that lacks it.
    assert_eq!((p.line, p.column), (3, 5));
}

#[test]
fn null_required_field_is_missing() {
    only(
        &edit("region: nm8", "region:"),
        "region",
        "missing required field `region`",
    );
}

#[test]
fn duplicate_yaml_key() {
    let p = only(
        &edit("region: nm8\n", "region: nm8\nregion: nm9\n"),
        "region",
        "duplicate key `region` (first given on line 1)",
    );
    assert_eq!((p.line, p.column), (2, 1));
}

#[test]
fn unknown_enum_value_with_hint() {
    let p = only(
        &edit("ip_version: IPV4", "ip_version: ipv4"),
        "physical_lines[0].ip_version",
        "unknown value `ipv4`",
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `IPV4`?"));
    only(
        &edit("port_type: 10G", "port_type: 40G"),
        "physical_lines[0].switch.port_type",
        "unknown value `40G`",
    );
    only(
        &edit("line_type: IPRAN", "line_type: MPLS"),
        "physical_lines[0].line_type",
        "unknown value `MPLS`",
    );
}

#[test]
fn prune_takes_kinds() {
    ok(&edit(
        "region: nm8",
        "region: nm8\nprune: [physical_lines, gateways, bindings, vpcs, health_checks, routes]",
    ));
    let p = only(
        &edit("region: nm8", "region: nm8\nprune: [gateway]"),
        "prune[0]",
        "unknown value `gateway`",
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `gateways`?"));
}

#[test]
fn region_must_not_be_empty() {
    only(
        &edit("region: nm8", "region: ''"),
        "region",
        "must not be empty",
    );
}

// ---------------------------------------------------------------- names

#[test]
fn duplicate_line_names() {
    let again = "  - name: la\n    switch: { hostname: sw3, port: GE1/0/3, port_type: 1G }\n    line_type: PON\n    bandwidth: 100\n    ip_version: IPV4\n    local_ip: 10.0.0.9/30\n    remote_ip: 10.0.0.10/30\ngateways:";
    only(
        &edit("gateways:", again),
        "physical_lines[2].name",
        "duplicate line name `la` (also physical_lines[0])",
    );
}

#[test]
fn duplicate_pinned_line_ids() {
    let t = edit("  - name: la\n", "  - name: la\n    id: line-1\n").replacen(
        "  - name: lb\n",
        "  - name: lb\n    id: line-1\n",
        1,
    );
    only(
        &t,
        "physical_lines[1].id",
        "already pinned by physical_lines[0]",
    );
}

#[test]
fn duplicate_gateway_names() {
    only(
        &format!("{BASE}  - name: gw1\n"),
        "gateways[1].name",
        "duplicate gateway name `gw1`",
    );
}

#[test]
fn gateway_name_letters_and_digits_2_to_20() {
    ok(&edit("name: gw1", "name: abcdefghij0123456789"));
    only(
        &edit("name: gw1", "name: abcdefghij0123456789x"),
        "gateways[0].name",
        "2–20 letters and digits",
    );
    only(
        &edit("name: gw1", "name: g"),
        "gateways[0].name",
        "2–20 letters and digits",
    );
    only(
        &edit("name: gw1", "name: gw-1"),
        "gateways[0].name",
        "2–20 letters and digits",
    );
}

#[test]
fn line_name_2_to_63_without_chinese() {
    let rename = |n: &str| {
        edit("  - name: la\n", &format!("  - name: {n}\n"))
            .replace("[la, lb]", &format!("[{n}, lb]"))
            .replace("line: la,", &format!("line: {n},"))
    };
    ok(&rename(&"a".repeat(63)));
    only(
        &rename(&"a".repeat(64)),
        "physical_lines[0].name",
        "2–63 characters long, found 64",
    );
    only(
        &rename("a"),
        "physical_lines[0].name",
        "2–63 characters long, found 1",
    );
    only(
        &rename("北京a"),
        "physical_lines[0].name",
        "must not contain Chinese",
    );
    // Non-Chinese non-ASCII is allowed.
    ok(&rename("zürich-a"));
}

#[test]
fn description_2_to_200_without_chinese() {
    let describe = |d: &str| {
        edit(
            "    bandwidth: 100\n    ip_version: IPV4",
            &format!("    bandwidth: 100\n    description: \"{d}\"\n    ip_version: IPV4"),
        )
    };
    ok(&describe(&"d".repeat(200)));
    only(
        &describe(&"d".repeat(201)),
        "physical_lines[0].description",
        "2–200 characters long",
    );
    only(
        &describe("d"),
        "physical_lines[0].description",
        "2–200 characters long",
    );
    ok(&describe("primary, backup"));
}

#[test]
fn description_rejects_chinese_punctuation() {
    let t = edit(
        "    bandwidth: 100\n    ip_version: IPV4",
        "    bandwidth: 100\n    description: \"primary，backup\"\n    ip_version: IPV4",
    );
    only(
        &t,
        "physical_lines[0].description",
        "Chinese characters or Chinese punctuation",
    );
    let t = edit("  - name: gw1\n", "  - name: gw1\n    description: 主用\n");
    only(&t, "gateways[0].description", "Chinese");
}

#[test]
fn access_point_is_ap1_or_ap2() {
    ok(&edit(
        "    bandwidth: 100\n    ip_version: IPV4",
        "    bandwidth: 100\n    access_point: AP2\n    ip_version: IPV4",
    ));
    only(
        &edit(
            "    bandwidth: 100\n    ip_version: IPV4",
            "    bandwidth: 100\n    access_point: AP3\n    ip_version: IPV4",
        ),
        "physical_lines[0].access_point",
        "expected AP1 or AP2",
    );
}

// ---------------------------------------------------------------- ranges

#[test]
fn vlan_1_to_4094() {
    let vlan = |v: &str| {
        edit(
            "    bandwidth: 100\n    ip_version: IPV4",
            &format!("    bandwidth: 100\n    vlan: {v}\n    ip_version: IPV4"),
        )
    };
    ok(&vlan("1"));
    ok(&vlan("4094"));
    only(
        &vlan("0"),
        "physical_lines[0].vlan",
        "between 1 and 4094, found 0",
    );
    only(
        &vlan("4095"),
        "physical_lines[0].vlan",
        "between 1 and 4094, found 4095",
    );
    only(&vlan("-3"), "physical_lines[0].vlan", "found -3");
    only(
        &vlan("99999999999999999999999"),
        "physical_lines[0].vlan",
        "",
    );
}

#[test]
fn bandwidth_1_to_999999999() {
    let bw = |v: &str| {
        edit(
            "    bandwidth: 100\n    ip_version: IPV4",
            &format!("    bandwidth: {v}\n    ip_version: IPV4"),
        )
    };
    ok(&bw("1"));
    ok(&bw("999999999"));
    only(
        &bw("0"),
        "physical_lines[0].bandwidth",
        "between 1 and 999999999",
    );
    only(
        &bw("1000000000"),
        "physical_lines[0].bandwidth",
        "between 1 and 999999999",
    );
    only(
        &edit(
            "      - id: vpc-1\n        bandwidth: 100",
            "      - id: vpc-1\n        bandwidth: 0",
        ),
        "gateways[0].vpcs[0].bandwidth",
        "between 1 and 999999999",
    );
}

#[test]
fn health_check_interval_2_to_5_and_packets_5_to_10() {
    let hc = |i: u32, p: u32| {
        edit(
            "interval: 2, packets: 5",
            &format!("interval: {i}, packets: {p}"),
        )
    };
    ok(&hc(5, 10));
    only(
        &hc(1, 5),
        "gateways[0].vpcs[0].health_check.interval",
        "between 2 and 5, found 1",
    );
    only(
        &hc(6, 5),
        "gateways[0].vpcs[0].health_check.interval",
        "between 2 and 5, found 6",
    );
    only(
        &hc(2, 4),
        "gateways[0].vpcs[0].health_check.packets",
        "between 5 and 10, found 4",
    );
    only(
        &hc(2, 11),
        "gateways[0].vpcs[0].health_check.packets",
        "between 5 and 10, found 11",
    );
}

#[test]
fn peer_as_is_not_zero() {
    let t = BASE.split("    static_routes:").next().unwrap().to_owned()
        + "    bgp:\n      - peers:\n          - { line: la, peer_as: 0 }\n";
    only(
        &t,
        "gateways[0].bgp[0].peers[0].peer_as",
        "between 1 and 4294967295",
    );
}

// ---------------------------------------------------------------- addresses

#[test]
fn destinations_are_network_addresses() {
    let p = only(
        &edit("dst: [10.10.0.0/16]", "dst: [10.10.1.0/16]"),
        "gateways[0].static_routes[0].dst[0]",
        "not a network address",
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `10.10.0.0/16`?"));
    only(
        &edit("dst: [fd10::/48]", "dst: [fd10::1/48]"),
        "gateways[0].static_routes[1].dst[0]",
        "not a network address",
    );
}

#[test]
fn subnets_and_segments_are_network_addresses() {
    only(
        &edit(
            "subnets: [192.168.10.0/24]",
            "subnets: [192.168.10.0/24, 192.168.11.7/24]",
        ),
        "gateways[0].vpcs[0].subnets[1]",
        "not a network address",
    );
    only(
        &edit(
            "network_segment: 192.168.0.0/16",
            "network_segment: 192.168.0.1/16",
        ),
        "gateways[0].vpcs[0].network_segment",
        "not a network address",
    );
}

#[test]
fn bgp_networks_are_network_addresses() {
    let t = BASE.split("    static_routes:").next().unwrap().to_owned()
        + "    bgp:\n      - networks: [10.30.0.1/16]\n        peers:\n          - { line: la, peer_as: 65000 }\n";
    only(
        &t,
        "gateways[0].bgp[0].networks[0]",
        "not a network address",
    );
}

#[test]
fn malformed_cidr_and_bare_address() {
    only(
        &edit("dst: [10.10.0.0/16]", "dst: [10.10.0.0/33]"),
        "gateways[0].static_routes[0].dst[0]",
        "prefix length 33 is longer than 32",
    );
    let p = only(
        &edit("dst: [10.10.0.0/16]", "dst: [10.10.0.1]"),
        "gateways[0].static_routes[0].dst[0]",
        "is not an address with prefix length",
    );
    assert!(p.help.unwrap().contains("/32"));
}

#[test]
fn interconnect_ips_are_host_addresses() {
    only(
        &edit("local_ip: 10.0.0.1/30", "local_ip: 10.0.0.0/30"),
        "physical_lines[0].local_ip",
        "network address of its subnet",
    );
    only(
        &edit("remote_ip: 10.0.0.2/30", "remote_ip: 10.0.0.3/30"),
        "physical_lines[0].remote_ip",
        "broadcast address",
    );
    only(
        &edit("local_ip_v6: fd00::1/126", "local_ip_v6: fd00::/126"),
        "physical_lines[1].local_ip_v6",
        "subnet-router anycast",
    );
    // /31 has no network or broadcast address.
    ok(&edit(
        "local_ip: 10.0.0.1/30\n    remote_ip: 10.0.0.2/30",
        "local_ip: 10.0.0.0/31\n    remote_ip: 10.0.0.1/31",
    ));
    // A bare address is not enough: the prefix gives the interconnect subnet.
    only(
        &edit("local_ip: 10.0.0.1/30", "local_ip: 10.0.0.1"),
        "physical_lines[0].local_ip",
        "not an address with prefix length",
    );
}

#[test]
fn interconnect_ends_share_one_subnet_and_differ() {
    let p = only(
        &edit("remote_ip: 10.0.0.2/30", "remote_ip: 10.0.0.6/30"),
        "physical_lines[0].remote_ip",
        "not in the same subnet",
    );
    assert_eq!(
        p.help.as_deref(),
        Some("both ends of the interconnect sit in 10.0.0.0/30")
    );
    only(
        &edit("remote_ip: 10.0.0.2/30", "remote_ip: 10.0.0.2/29"),
        "physical_lines[0].remote_ip",
        "not in the same subnet",
    );
    only(
        &edit("remote_ip: 10.0.0.2/30", "remote_ip: 10.0.0.1/30"),
        "physical_lines[0].remote_ip",
        "must be different",
    );
    only(
        &edit("remote_ip_v6: fd00::2/126", "remote_ip_v6: fd00::9/126"),
        "physical_lines[1].remote_ip_v6",
        "not in the same subnet",
    );
}

#[test]
fn interconnect_family_follows_ip_version() {
    // IPV4 needs the v4 pair...
    // (The routes over the line are not reported again.)
    only(
        &edit("    remote_ip: 10.0.0.2/30\n", ""),
        "physical_lines[0].remote_ip",
        "`remote_ip` is required when ip_version is IPV4",
    );
    // ...and no v6 field.
    only(
        &edit(
            "    remote_ip: 10.0.0.2/30\n",
            "    remote_ip: 10.0.0.2/30\n    local_ip_v6: fd01::1/126\n",
        ),
        "physical_lines[0].local_ip_v6",
        "IPv6 field but ip_version is IPV4",
    );
    // DUALSTACK needs both pairs.
    only(
        &edit("    remote_ip_v6: fd00::2/126\n", ""),
        "physical_lines[1].remote_ip_v6",
        "required when ip_version is DUALSTACK",
    );
    // A v6 address in a v4 field.
    only(
        &edit("local_ip: 10.0.0.1/30", "local_ip: fd00:1::1/126"),
        "physical_lines[0].local_ip",
        "must be an IPv4 address",
    );
}

#[test]
fn ipv6_line_has_no_v4_pair() {
    let t = edit("    ip_version: DUALSTACK\n", "    ip_version: IPV6\n");
    let ps = problems(&t);
    let paths: Vec<&str> = ps.iter().map(|p| p.path.as_str()).collect();
    // The v4 pair is refused (routes over the line are checked once it is fixed).
    assert_eq!(
        paths,
        ["physical_lines[1].local_ip", "physical_lines[1].remote_ip"],
        "{ps:#?}"
    );
    assert!(ps[0].message.contains("IPv4 field but ip_version is IPV6"));
    // Without the pair, the IPv4 route over lb lacks its next hop IP.
    let t = t.replace(
        "    local_ip: 10.0.0.5/30\n    remote_ip: 10.0.0.6/30\n",
        "",
    );
    only(
        &t,
        "gateways[0].static_routes[0].next_hops[1].line",
        "line `lb` has no `remote_ip`",
    );
}

#[test]
fn vpc_families_follow_ip_version() {
    only(
        &edit(
            "        subnets: [192.168.10.0/24]\n",
            "        subnets: [192.168.10.0/24]\n        subnets_v6: [fd20::/64]\n",
        ),
        "gateways[0].vpcs[0].subnets_v6",
        "IPv6 field but ip_version is IPV4",
    );
    let t = edit("        subnets: [192.168.10.0/24]\n        health_check: { src_ip: 192.168.10.9, dst_ip: 10.0.0.2, interval: 2, packets: 5 }\n", "");
    only(
        &t,
        "gateways[0].vpcs[0].subnets",
        "must list at least one subnet when ip_version is IPV4",
    );
    only(
        &edit(
            "subnets: [192.168.10.0/24]",
            "subnets: [192.168.10.0/24, fd20::/64]",
        ),
        "gateways[0].vpcs[0].subnets[1]",
        "holds IPv4 subnets, found IPv6",
    );
}

#[test]
fn vpc_subnets_sit_in_the_network_segment() {
    only(
        &edit(
            "network_segment: 192.168.0.0/16",
            "network_segment: 192.169.0.0/16",
        ),
        "gateways[0].vpcs[0].subnets[0]",
        "not inside the VPC's network segment",
    );
}

#[test]
fn health_check_src_ip_inside_a_vpc_subnet() {
    let p = only(
        &edit("src_ip: 192.168.10.9", "src_ip: 192.168.11.9"),
        "gateways[0].vpcs[0].health_check.src_ip",
        "not inside any of the VPC's subnets",
    );
    assert_eq!(
        p.help.as_deref(),
        Some("the VPC's subnets: 192.168.10.0/24")
    );
    only(
        &edit("dst_ip: 10.0.0.2", "dst_ip: fd00::2"),
        "gateways[0].vpcs[0].health_check.dst_ip",
        "same IP family",
    );
    only(
        &edit("src_ip: 192.168.10.9", "src_ip: 192.168.10.9/32"),
        "gateways[0].vpcs[0].health_check.src_ip",
        "not an IP address",
    );
}

// ---------------------------------------------------------------- references

#[test]
fn gateway_lines_name_declared_lines() {
    let p = only(
        &edit("lines: [la, lb]", "lines: [la, lb, la2]"),
        "gateways[0].lines[2]",
        "no physical line named `la2`",
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `la`?"));
}

#[test]
fn a_line_is_bound_to_one_gateway_at_most() {
    only(
        &format!("{BASE}  - name: gw2\n    lines: [lb]\n"),
        "gateways[1].lines[0]",
        "already bound to gateway `gw1` (gateways[0].lines[1])",
    );
    only(
        &edit("lines: [la, lb]", "lines: [la, lb, la]"),
        "gateways[0].lines[2]",
        "listed twice",
    );
}

#[test]
fn next_hops_name_lines_bound_to_the_gateway() {
    let t = edit("lines: [la, lb]", "lines: [la]");
    let ps = problems(&t);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(ps[0].path, "gateways[0].static_routes[0].next_hops[1].line");
    assert!(ps[0]
        .message
        .contains("line `lb` is not bound to gateway `gw1`"));
    assert_eq!(ps[1].path, "gateways[0].static_routes[1].next_hops[0].line");
    only(
        &edit(
            "- { line: la, priority: 10 }",
            "- { line: lx, priority: 10 }",
        ),
        "gateways[0].static_routes[0].next_hops[0].line",
        "no physical line named `lx`",
    );
}

#[test]
fn next_hop_line_has_a_remote_ip_of_the_route_family() {
    let p = only(
        &edit(
            "dst: [fd10::/48]\n        next_hops:\n          - { line: lb, priority: 10 }",
            "dst: [fd10::/48]\n        next_hops:\n          - { line: la, priority: 10 }",
        ),
        "gateways[0].static_routes[1].next_hops[0].line",
        "line `la` has no `remote_ip_v6`",
    );
    assert_eq!((p.line, p.column), (35, 21));
}

#[test]
fn duplicate_next_hop_line() {
    only(
        &edit(
            "- { line: lb, priority: 20 }",
            "- { line: la, priority: 20 }",
        ),
        "gateways[0].static_routes[0].next_hops[1].line",
        "already the next hop at gateways[0].static_routes[0].next_hops[0].line",
    );
}

#[test]
fn static_route_needs_destinations_and_next_hops() {
    only(
        &edit("dst: [10.10.0.0/16]", "dst: []"),
        "gateways[0].static_routes[0].dst",
        "at least one destination",
    );
    let t = edit(
        "        next_hops:\n          - { line: lb, priority: 10 }\n",
        "        next_hops: []\n",
    );
    only(
        &t,
        "gateways[0].static_routes[1].next_hops",
        "at least one next hop",
    );
    let t = edit(
        "        next_hops:\n          - { line: lb, priority: 10 }\n",
        "",
    );
    only(
        &t,
        "gateways[0].static_routes[1].next_hops",
        "missing required field `next_hops`",
    );
}

#[test]
fn duplicate_static_route_destination_sets() {
    let t = edit("dst: [fd10::/48]", "dst: [10.10.0.0/16]");
    only(
        &t,
        "gateways[0].static_routes[1].dst",
        "gateways[0].static_routes[0] has the same destinations",
    );
    // Same set in another order is the same route.
    let t = edit("dst: [10.10.0.0/16]", "dst: [10.10.0.0/16, 10.11.0.0/16]")
        .replace("dst: [fd10::/48]", "dst: [10.11.0.0/16, 10.10.0.0/16]");
    only(&t, "gateways[0].static_routes[1].dst", "same destinations");
    only(
        &edit("dst: [10.10.0.0/16]", "dst: [10.10.0.0/16, 10.10.0.0/16]"),
        "gateways[0].static_routes[0].dst[1]",
        "listed twice",
    );
}

#[test]
fn a_prefix_is_in_one_static_route_per_gateway() {
    let t = edit("dst: [10.10.0.0/16]", "dst: [10.10.0.0/16, 10.11.0.0/16]")
        .replace("dst: [fd10::/48]", "dst: [10.11.0.0/16, 10.12.0.0/16]");
    only(
        &t,
        "gateways[0].static_routes[1].dst[0]",
        "10.11.0.0/16 is already routed by gateways[0].static_routes[0]",
    );
    // A more specific prefix in another route is fine.
    ok(&BASE.replace("dst: [fd10::/48]", "dst: [10.10.1.0/24]"));
}

#[test]
fn static_routes_or_bgp_not_both() {
    let t = format!("{BASE}    bgp:\n      - peers:\n          - {{ line: la, peer_as: 65000 }}\n");
    only(&t, "gateways[0].bgp", "both static routes and BGP");
}

fn bgp_gateway(bgp: &str) -> String {
    BASE.split("    static_routes:").next().unwrap().to_owned() + "    bgp:\n" + bgp
}

#[test]
fn bgp_route_is_valid() {
    ok(&bgp_gateway("      - networks: [10.30.0.0/16]\n        peers:\n          - { line: la, peer_as: 65000, key: { env: BGP_KEY_LA } }\n      - ip_version: IPV6\n        networks: [fd30::/48]\n        peers:\n          - { line: lb, peer_as: 65000, key: { file: /run/secrets/lb } }\n"));
}

#[test]
fn one_bgp_route_per_ip_version() {
    let t = bgp_gateway("      - peers:\n          - { line: la, peer_as: 65000 }\n      - peers:\n          - { line: lb, peer_as: 65000 }\n");
    only(
        &t,
        "gateways[0].bgp[1].ip_version",
        "already has a IPV4 BGP route (gateways[0].bgp[0])",
    );
}

#[test]
fn bgp_peers_name_bound_lines_of_the_route_family() {
    let t = bgp_gateway("      - peers:\n          - { line: lz, peer_as: 65000 }\n");
    only(
        &t,
        "gateways[0].bgp[0].peers[0].line",
        "no physical line named `lz`",
    );
    let t = bgp_gateway(
        "      - ip_version: IPV6\n        peers:\n          - { line: la, peer_as: 65000 }\n",
    );
    only(
        &t,
        "gateways[0].bgp[0].peers[0].line",
        "line `la` has no `remote_ip_v6`",
    );
    let t = bgp_gateway("      - peers:\n          - { line: la, peer_as: 65000 }\n")
        .replace("lines: [la, lb]", "lines: [lb]");
    only(
        &t,
        "gateways[0].bgp[0].peers[0].line",
        "not bound to gateway `gw1`",
    );
    let t = bgp_gateway("      - peers:\n          - { line: la, peer_as: 65000 }\n          - { line: la, peer_as: 65001 }\n");
    only(
        &t,
        "gateways[0].bgp[0].peers[1].line",
        "already carries the peer",
    );
}

#[test]
fn bgp_networks_match_ip_version_and_peers_are_required() {
    let t = bgp_gateway(
        "      - networks: [fd30::/48]\n        peers:\n          - { line: la, peer_as: 65000 }\n",
    );
    only(
        &t,
        "gateways[0].bgp[0].networks[0]",
        "IPv6 network fd30::/48 in a BGP route with ip_version IPV4",
    );
    only(
        &bgp_gateway("      - peers: []\n"),
        "gateways[0].bgp[0].peers",
        "at least one peer",
    );
}

#[test]
fn duplicate_vpc_per_gateway() {
    let t = edit(
        "    static_routes:",
        "      - { id: vpc-1, bandwidth: 10, subnets: [192.168.20.0/24] }\n    static_routes:",
    );
    only(
        &t,
        "gateways[0].vpcs[1].id",
        "VPC `vpc-1` is attached twice to gateway `gw1` (also gateways[0].vpcs[0])",
    );
}

// ---------------------------------------------------------------- secrets

#[test]
fn literal_bgp_key_is_refused_without_echoing_it() {
    let t = bgp_gateway(
        "      - peers:\n          - { line: la, peer_as: 65000, key: TopSecret-Md5 }\n",
    );
    let err = parse("t.yaml", &t).unwrap_err();
    assert_eq!(err.len(), 1);
    let p = &err.problems()[0];
    assert_eq!(p.path, "gateways[0].bgp[0].peers[0].key");
    assert!(p.message.contains("must not be written in the file"));
    assert!(p.help.as_deref().unwrap().contains("{ env: NAME }"));
    // Neither rendering shows the secret; the snippet masks it.
    let plain = err.to_string();
    assert!(!plain.contains("TopSecret"), "{plain}");
    let mut graphical = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut graphical, &err)
        .unwrap();
    assert!(!graphical.contains("TopSecret"), "{graphical}");
    assert!(graphical.contains("key: *************"), "{graphical}");
}

#[test]
fn malformed_key_references_are_refused_and_masked() {
    let key = |k: &str| {
        bgp_gateway(&format!(
            "      - peers:\n          - {{ line: la, peer_as: 65000, key: {k} }}\n"
        ))
    };
    only(
        &key("{ env: A, file: /b }"),
        "gateways[0].bgp[0].peers[0].key",
        "either `env` or `file`, not both",
    );
    only(
        &key("{ env: 1ABC }"),
        "gateways[0].bgp[0].peers[0].key.env",
        "environment variable name",
    );
    let t = key("{ value: hunter22 }");
    let err = parse("t.yaml", &t).unwrap_err();
    assert!(err
        .problems()
        .iter()
        .any(|p| p.message.contains("unknown field `value`")));
    let mut graphical = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut graphical, &err)
        .unwrap();
    assert!(!graphical.contains("hunter22"), "{graphical}");
    let t = key("[hunter22]");
    let err = parse("t.yaml", &t).unwrap_err();
    assert!(!format!("{err}").contains("hunter22"));
}
