//! The streaming path and the tree path agree: every valid file gets the
//! same state on both (and does take the streaming path), and every bad one
//! gets exactly the tree path's diagnostics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::convert::events::GiveUp;
use super::convert::Conv;
use super::estate::{stream_estate, tree_estate};
use super::{parse, parse_estate, stream_valid, tree_state};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every UTF-8 `*.yaml` file under `dir`, recursively, with its text.
/// Every example and fixture file of the repository.
fn examples_and_fixtures() -> Vec<(String, String)> {
    let mut files = yaml_files(&repo().join("examples"));
    files.extend(yaml_files(&repo().join("crates/plan/tests/fixtures")));
    files.extend(yaml_files(&repo().join("tests/fixtures")));
    files
}

fn yaml_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path.display().to_string(), text));
                }
            }
        }
    }
    out.sort();
    out
}

/// The state or the rendered problems of `text`, by both paths, asserting
/// that they agree and that a valid file is read on the streaming path.
fn both_paths(name: &str, text: &str) -> Result<(), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let tree = tree_state(name, text);
    let streamed = stream_valid(name, text);
    match &tree {
        Ok(state) => assert_eq!(streamed.as_ref(), Some(state), "{name}: the states differ"),
        Err(_) => assert!(streamed.is_none(), "{name}: streamed a bad file"),
    }
    let public = parse(name, text).map_err(|d| d.to_string());
    assert_eq!(public, tree.clone().map_err(|d| d.to_string()), "{name}");
    tree.map(|_| ()).map_err(|d| d.to_string())
}

#[test]
fn every_example_and_fixture_gets_the_same_state_on_both_paths() {
    let files = examples_and_fixtures();
    let valid = files
        .iter()
        .filter(|(name, text)| both_paths(name, text).is_ok())
        .count();
    // Not vacuous: most of them are valid and were streamed.
    assert!(valid >= 7, "only {valid} valid files of {}", files.len());
}

/// Each streaming reader on its own: the event reader reads plain YAML
/// (and gives up on the rest), serde-saphyr's reads everything, and both
/// give the tree path's state.
fn each_reader(name: &str, text: &str) -> Result<(), GiveUp> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let tree = tree_state(name, text).ok();
    let serde = Conv::from_serde(name, text).map(|(_, s)| s);
    let events = Conv::from_events(name, text).map(|(_, s)| s);
    if let Some(state) = &tree {
        assert_eq!(serde.as_ref(), Some(state), "{name}: serde-saphyr's reader");
        if let Ok(read) = &events {
            assert_eq!(read, state, "{name}: the event reader");
        }
    }
    events.map(|_| ())
}

#[test]
fn the_event_reader_reads_plain_files_as_the_tree_path_does() {
    let files = examples_and_fixtures();
    let plain = files
        .iter()
        .filter(|(name, text)| each_reader(name, text).is_ok())
        .count();
    assert!(plain >= 7, "only {plain} files read from events");
    let odd = odd_estate(40, false);
    assert_eq!(each_reader("odd.yaml", &odd), Err(GiveUp::Unusual));
    // Scalars of every kind the event reader types itself.
    let scalars = "region: nm8\nprune: [gateways]\nphysical_lines:\n  - name: 2024\n    switch: {hostname: 'sw', port: \"GE1/0/1\", port_type: 10G, ip: 192.168.0.1}\n    line_type: PON\n    bandwidth: 1000\n    ip_version: DUALSTACK\n    local_ip: 10.0.0.1/30\n    remote_ip: 10.0.0.2/30\n    local_ip_v6: fd00::1/126\n    remote_ip_v6: fd00::2/126\n    description: >-\n      two\n      lines\n    protect: true\n    shared: false\ngateways:\n  - name: g1\n    lines: [\"2024\"]\n";
    assert_eq!(each_reader("s.yaml", scalars), Ok(()));
    // What it leaves to serde-saphyr.
    for (from, to) in [
        ("bandwidth: 1000", "bandwidth: 0x3E8"),
        ("bandwidth: 1000", "bandwidth: 1_000"),
        ("protect: true", "protect: True"),
        ("protect: true", "protect: ~"),
        ("name: g1", "name: &g g1"),
        ("name: g1", "name: !!str g1"),
        ("region: nm8", "region: nan"),
    ] {
        let text = scalars.replace(from, to);
        assert_eq!(each_reader("u.yaml", &text), Err(GiveUp::Unusual), "{to}");
    }
    // A problem is left to the tree path, not to serde-saphyr.
    let bad = scalars.replace("bandwidth: 1000", "bandwidth: 0");
    assert_eq!(each_reader("b.yaml", &bad), Err(GiveUp::Problem));
}

#[test]
fn every_bad_input_gets_the_tree_paths_diagnostics() {
    let files = yaml_files(&repo().join("tests/bad-inputs"));
    assert!(files.len() > 60);
    for (name, text) in &files {
        assert!(both_paths(name, text).is_err(), "{name} was accepted");
    }
}

/// A valid estate of `n` gateways written in the many ways YAML allows:
/// anchors and aliases (of a mapping, of a whole item, of a list), merge
/// keys, flow and block style, quoted and numeric scalars, nulls for
/// absent fields, block scalars, comments, a byte-order mark.
fn odd_estate(n: usize, bom: bool) -> String {
    let mut y = String::new();
    if bom {
        y.push('\u{feff}');
    }
    y.push_str("# generated\n---\nregion: \"nm8\"\naccount: ~\n");
    y.push_str("prune: &kinds [gateways, 'routes']\nphysical_lines:\n");
    for i in 0..n {
        let name = if i % 7 == 3 {
            format!("{}", 1000 + i)
        } else {
            format!("'pl{i:04}'")
        };
        let (a, b) = (4 * i + 1, 4 * i + 2);
        let ip = |h: usize| format!("10.{}.{}.{}/30", h >> 16, (h >> 8) & 255, h & 255);
        match i % 4 {
            0 => write!(
                y,
                "  - name: {name}\n    switch: &sw{i} {{ hostname: sw{i}, port: \"GE1/0/{i}\", port_type: 10G }}\n    line_type: PON\n    bandwidth: 1_000\n    ip_version: IPV4\n    local_ip: {}\n    remote_ip: {}\n    vlan: null\n    description: >-\n      folded\n      text {i}\n",
                ip(a), ip(b)
            ),
            1 => writeln!(
                y,
                "  - {{name: {name}, switch: {{hostname: \"sw{i}\", port: p{i}, port_type: 1G, ip: 172.16.0.{}}}, line_type: IPRAN, bandwidth: 0x64, ip_version: IPV4, local_ip: {}, remote_ip: {}, protect: true, shared: false}}",
                i % 250 + 1, ip(a), ip(b)
            ),
            2 => write!(
                y,
                "  - &line{i}\n    name: {name}\n    id: \"line-{i}\"\n    switch:\n      hostname: sw{i}\n      port: '1'\n      port_type: \"1G\"\n    line_type: PON\n    bandwidth: 500  # Mbps\n    vlan: {}\n    ip_version: DUALSTACK\n    local_ip: {}\n    remote_ip: {}\n    local_ip_v6: fd00::{:x}:1/126\n    remote_ip_v6: fd00::{:x}:2/126\n    access_point: AP2\n",
                i % 4000 + 1, ip(a), ip(b), i, i
            ),
            _ => write!(
                y,
                "  - <<: {{ switch: {{ hostname: shared, port: x{i}, port_type: 10G }}, line_type: PON }}\n    name: {name}\n    bandwidth: 10\n    ip_version: IPV4\n    local_ip: {}\n    remote_ip: {}\n",
                ip(a), ip(b)
            ),
        }
        .unwrap();
    }
    y.push_str("gateways:\n");
    for g in 0..n / 2 {
        let line = |i: usize| {
            if i % 7 == 3 {
                format!("\"{}\"", 1000 + i)
            } else {
                format!("pl{i:04}")
            }
        };
        let (l0, l1) = (line(2 * g), line(2 * g + 1));
        match g % 3 {
            0 => write!(
                y,
                "  - name: gw{g}\n    lines: [{l0}, {l1}]\n    vpcs:\n      - id: vpc-{g}\n        bandwidth: 5\n        network_segment: 192.168.0.0/16\n        subnets: &subs{g} [192.168.{}.0/24]\n        health_check: {{src_ip: 192.168.{}.9, dst_ip: 10.0.0.2, interval: 3, packets: 7}}\n    static_routes:\n      - dst: [10.200.{}.0/24]\n        next_hops: [{{line: {l0}, priority: 1, bfd: true}}, {{line: {l1}, priority: 0x2}}]\n",
                g % 256, g % 256, g % 256
            ),
            1 => write!(
                y,
                "  - name: \"GW{g}\"\n    description: |-\n      BGP gateway {g}\n    hostname: host-{g}\n    lines:\n      - {l0}\n    bgp:\n      - networks: [10.100.0.0/16]\n        peers:\n          - line: {l0}\n            peer_as: 65000\n            key: {{ env: KEY_{g} }}\n            neighbor: 10.1.1.1\n        multipath: 2\n    vpcs: []\n    static_routes: ~\n",
            ),
            _ => write!(
                y,
                "  - name: gw{g}\n    lines: [{l0}, {l1}]\n    protect: true\n    bgp: []\n    access_point: AP1\n    static_routes:\n      - dst:\n          - 10.201.{}.0/24\n        next_hops:\n          - {{ line: {l1}, priority: 5, track: true }}\n        protect: false\n",
                g % 256
            ),
        }
        .unwrap();
    }
    y
}

#[test]
fn generated_estates_get_the_same_state_on_both_paths() {
    for (n, bom) in [(0, false), (1, true), (9, false), (64, true)] {
        let text = odd_estate(n, bom);
        assert!(
            both_paths("odd.yaml", &text).is_ok(),
            "{}",
            both_paths("odd.yaml", &text).unwrap_err()
        );
    }
}

#[test]
fn aliased_items_and_lists_stream_as_the_tree_reads_them() {
    let text = "region: nm8\nprune: &k [gateways]\nphysical_lines:\n  - &a\n    name: la\n    switch: { hostname: s, port: p, port_type: 1G }\n    line_type: PON\n    bandwidth: 1\n    ip_version: IPV4\n    local_ip: 10.0.0.1/30\n    remote_ip: 10.0.0.2/30\ngateways: &gws\n  - name: gw1\n    lines: &ls [la]\n";
    assert!(both_paths("a.yaml", text).is_ok());
    // The same line twice through an alias: the tree path's duplicate.
    let twice = text.replace("gateways: &gws", "  - *a\ngateways: &gws");
    assert!(both_paths("b.yaml", &twice).is_err());
    // A key given twice at the top level, and a merge key there.
    let dup = format!("{text}region: nm9\n");
    assert!(both_paths("c.yaml", &dup).is_err());
    let merged = format!("base: &b {{ account: ops }}\n{text}");
    assert!(both_paths("d.yaml", &merged).is_err());
    let merged = text.replace("region: nm8\n", "<<: { region: nm8, account: ops }\n");
    let _ = both_paths("e.yaml", &merged);
}

#[test]
fn what_the_single_document_reader_would_ignore_is_left_to_the_tree_path() {
    let text = "region: nm8\n...\n{ unclosed\n";
    assert!(both_paths("a.yaml", text).is_err());
    for text in [
        "region: nm8\n---\nregion: nm9\n",
        "~\n---\nregion: nm8\n",
        "region: nm8\n---\n",
        "",
        "# nothing\n",
        "region:\n",
        "region: nm8\naccount: ''\n",
        "region: nm8\ngateways: 3\n",
        "region: nm8\ngateways:\n",
        "region: nm8\n? [a]\n: b\n",
        "region: nm8\n1: b\n",
        "region: &r nm8\naccount: *r\n",
    ] {
        let _ = both_paths("t.yaml", text);
    }
}

/// The estate of several files: streamed when valid, the tree path's
/// diagnostics (every file's) when not.
fn both_estates(files: &[(String, String)]) -> Result<(), Vec<String>> {
    let tree = tree_estate(files);
    let streamed = stream_estate(files);
    let public = parse_estate(files);
    let summary = |e: &super::Estate| {
        let states: Vec<_> = e.regions.iter().map(|r| r.state.clone()).collect();
        (states, e.files.clone(), e.content_hash.clone())
    };
    let shown =
        |d: Vec<super::Diagnostics>| -> Vec<String> { d.iter().map(ToString::to_string).collect() };
    match (&tree, &streamed) {
        (Ok(t), Some(s)) => assert_eq!(summary(t), summary(s)),
        (Err(_), None) => {}
        (t, s) => panic!("tree ok: {}, streamed: {}", t.is_ok(), s.is_some()),
    }
    assert_eq!(
        public.map(|e| summary(&e)).map_err(shown),
        tree.as_ref().map(summary).map_err(|d| shown(d.clone()))
    );
    tree.map(|_| ()).map_err(shown)
}

#[test]
fn estates_of_several_files_agree_on_both_paths() {
    let regions = yaml_files(&repo().join("tests/fixtures/regions"));
    assert!(both_estates(&regions).is_ok());
    let one = odd_estate(10, false);
    let other = odd_estate(10, false).replace("region: \"nm8\"", "region: nm9");
    let two_regions = [
        ("a.yaml".to_owned(), one.clone()),
        ("b.yaml".to_owned(), other),
    ];
    assert!(both_estates(&two_regions).is_ok());
    // The same names in two files of one region: reported across files.
    let clash = [
        ("a.yaml".to_owned(), one.clone()),
        ("b.yaml".to_owned(), one),
    ];
    let shown = both_estates(&clash).unwrap_err();
    assert!(
        shown.concat().contains("duplicate gateway name"),
        "{shown:?}"
    );
    // One bad file: the others are reported as they are on the tree path.
    let bad = [
        ("a.yaml".to_owned(), "region: nm8\nbogus: 1\n".to_owned()),
        ("b.yaml".to_owned(), odd_estate(4, true)),
    ];
    assert!(both_estates(&bad).is_err());
}

/// Every value of a valid file replaced, one at a time, by scalars of
/// every spelling (numbers in each radix, nulls, booleans in each case,
/// floats, quoted text, anchors, tags, text that looks like a number):
/// whatever each makes of the file, the streaming path and the tree path
/// make the same, and a file the tree path accepts is streamed.
#[test]
fn every_spelling_of_every_value_reads_the_same_on_both_paths() {
    let path = repo().join("crates/plan/tests/fixtures/desired_ok.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let spellings = [
        "~",
        "null",
        "NULL",
        "",
        "true",
        "True",
        "FALSE",
        "yes",
        "on",
        "0",
        "07",
        "0x1F",
        "0o17",
        "0b11",
        "1_000",
        "+5",
        "-5",
        "1.5",
        "1e3",
        ".5",
        ".inf",
        "-.inf",
        ".nan",
        "nan",
        "inf",
        "Infinity",
        "2024",
        "99999999999999999999",
        "10G",
        "1G",
        "10.0.0.1",
        "10.0.0.0/8",
        "fd00::1/126",
        "'quoted'",
        "\"2024\"",
        "&a x",
        "!!str 5",
        "[]",
        "{}",
        "PON",
        "IPV4",
        "a b",
        "x: y",
    ];
    let mut streamed = 0;
    for (i, line) in text.lines().enumerate() {
        let Some((key, _)) = line.split_once(": ") else {
            continue;
        };
        if key.trim_start().starts_with('#') || line.trim_end().ends_with(':') {
            continue;
        }
        for s in spellings {
            let edited: String = text
                .lines()
                .enumerate()
                .map(|(j, l)| {
                    if i == j {
                        format!("{key}: {s}\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            let _ = each_reader("e.yaml", &edited);
            if both_paths("e.yaml", &edited).is_ok() {
                streamed += 1;
            }
        }
    }
    // Many edits keep the file valid (and were streamed).
    assert!(streamed > 100, "{streamed}");
}
