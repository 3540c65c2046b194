//! The bad-input corpus (`tests/bad-inputs/`): every file is refused by
//! `cda validate` and by `cda plan` with exit 1, a diagnostic naming
//! `file:line:col`, no panic, and no write reaching the API (the emulator's
//! stats). See `tests/bad-inputs/README.md` for what each file gets wrong.

use crate::support::repo_root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Each file, the `line:col` of its first diagnostic, and the start of that
/// diagnostic's message (field path and wording): the file must fail for
/// the reason it is named after, not for some accidental other one.
const CORPUS: &[(&str, &str, &str)] = &[
    (
        "bandwidth-zero.yaml",
        "6:16",
        "physical_lines[0].bandwidth: `bandwidth`",
    ),
    (
        "bgp-key-env-and-file.yaml",
        "37:52",
        "gateways[1].bgp[0].peers[0].key: a BGP key",
    ),
    (
        "bgp-key-env-bad-name.yaml",
        "37:59",
        "gateways[1].bgp[0].peers[0].key.env: an",
    ),
    (
        "bgp-literal-key.yaml",
        "37:52",
        "gateways[1].bgp[0].peers[0].key: BGP keys",
    ),
    (
        "bgp-peer-unbound-line.yaml",
        "37:21",
        "gateways[1].bgp[0].peers[0].line: line",
    ),
    (
        "bound-line-dangling.yaml",
        "20:23",
        "gateways[0].lines[1]: no physical line named",
    ),
    (
        "bound-line-undeclared.yaml",
        "20:23",
        "gateways[0].lines[1]: no physical line named `sh-dr-a`",
    ),
    (
        "cidr-garbage.yaml",
        "28:15",
        "gateways[0].static_routes[0].dst[0]:",
    ),
    (
        "cidr-missing-prefix.yaml",
        "25:19",
        "gateways[0].vpcs[0].subnets[0]:",
    ),
    (
        "cidr-prefix-too-long.yaml",
        "28:15",
        "gateways[0].static_routes[0].dst[0]: prefix length 33 is longer than 32",
    ),
    (
        "dedented-key.yaml",
        "23:5",
        "invalid YAML: `bandwidth` starts at column 5, left of the lines around it (column 9)",
    ),
    (
        "description-chinese-punctuation.yaml",
        "32:18",
        "gateways[1].description: a description must",
    ),
    (
        "duplicate-gateway-names.yaml",
        "31:11",
        "gateways[1].name: duplicate gateway name",
    ),
    (
        "duplicate-line-names.yaml",
        "11:11",
        "physical_lines[1].name: duplicate line name",
    ),
    (
        "duplicate-static-route-dst.yaml",
        "31:14",
        "gateways[0].static_routes[1].dst:",
    ),
    (
        "duplicate-subnet.yaml",
        "25:36",
        "gateways[0].vpcs[0].subnets[1]: subnet",
    ),
    (
        "duplicate-vpc-on-gateway.yaml",
        "27:13",
        "gateways[0].vpcs[1].id: VPC `vpc-8f3k2` is",
    ),
    (
        "empty.yaml",
        "1:1",
        "the file is empty; it needs at least `region`",
    ),
    (
        "gateway-name-not-alphanumeric.yaml",
        "19:11",
        "gateways[0].name: gateway name `gw-prod-01`",
    ),
    (
        "health-check-family-mismatch.yaml",
        "26:57",
        "gateways[0].vpcs[0].health_check.dst_ip:",
    ),
    (
        "health-check-interval-out-of-range.yaml",
        "26:79",
        "gateways[0].vpcs[0].health_check.interval:",
    ),
    (
        "health-check-packets-out-of-range.yaml",
        "26:91",
        "gateways[0].vpcs[0].health_check.packets:",
    ),
    (
        "health-check-src-ip-outside-subnets.yaml",
        "26:33",
        "gateways[0].vpcs[0].health_check.src_ip:",
    ),
    (
        "host-bits-in-bgp-network.yaml",
        "35:20",
        "gateways[1].bgp[0].networks[0]:",
    ),
    (
        "host-bits-in-dst.yaml",
        "28:15",
        "gateways[0].static_routes[0].dst[0]:",
    ),
    (
        "host-bits-in-subnet.yaml",
        "25:19",
        "gateways[0].vpcs[0].subnets[0]:",
    ),
    (
        "interconnect-different-subnets.yaml",
        "10:16",
        "physical_lines[0].remote_ip: `remote_ip`",
    ),
    (
        "interconnect-network-address.yaml",
        "9:15",
        "physical_lines[0].local_ip: `10.255.0.0/30`",
    ),
    (
        "interconnect-same-address.yaml",
        "10:16",
        "physical_lines[0].remote_ip: `remote_ip` and",
    ),
    (
        "interconnect-without-prefix.yaml",
        "9:15",
        "physical_lines[0].local_ip: `10.255.0.1` is",
    ),
    (
        "ip-family-dualstack-missing-v6.yaml",
        "3:5",
        "physical_lines[0].local_ip_v6: `local_ip_v6`",
    ),
    (
        "ip-family-mismatch-local-ip.yaml",
        "9:15",
        "physical_lines[0].local_ip: `local_ip` must",
    ),
    (
        "ip-family-mismatch-subnet.yaml",
        "25:19",
        "gateways[0].vpcs[0].subnets[0]: `subnets`",
    ),
    (
        "ip-family-v6-fields-on-ipv4-line.yaml",
        "11:18",
        "physical_lines[0].local_ip_v6: `local_ip_v6`",
    ),
    (
        "line-bound-to-two-gateways.yaml",
        "32:23",
        "gateways[1].lines[1]: line `bj-idc-a` is",
    ),
    (
        "missing-required-region.yaml",
        "1:1",
        "region: missing required field `region` in",
    ),
    (
        "missing-required-switch.yaml",
        "3:5",
        "physical_lines[0].switch: missing required",
    ),
    (
        "misspelt-name-key.yaml",
        "11:5",
        "physical_lines[1].nmae: unknown field `nmae` in a physical line (did you mean `name`?)",
    ),
    (
        "multipath-out-of-range.yaml",
        "36:20",
        "gateways[1].bgp[0].multipath: `multipath`",
    ),
    (
        "name-chinese.yaml",
        "11:11",
        "physical_lines[1].name: a line name must not",
    ),
    (
        "name-control-character.yaml",
        "11:11",
        "physical_lines[1].name: a line name must not",
    ),
    (
        "name-too-long.yaml",
        "3:11",
        "physical_lines[0].name: a line name must be",
    ),
    (
        "name-too-short.yaml",
        "11:11",
        "physical_lines[1].name: a line name must be",
    ),
    (
        "next-hop-dangling-line.yaml",
        "30:21",
        "gateways[0].static_routes[0].next_hops[0].lin",
    ),
    (
        "next-hop-line-twice.yaml",
        "31:21",
        "gateways[0].static_routes[0].next_hops[1].lin",
    ),
    (
        "next-hop-unbound-line.yaml",
        "30:21",
        "gateways[0].static_routes[0].next_hops[0].lin",
    ),
    (
        "non-utf8.yaml",
        "32:21",
        "the file is not valid UTF-8 (invalid byte at",
    ),
    (
        "only-comments.yaml",
        "1:1",
        "the file is empty; it needs at least `region`",
    ),
    (
        "peer-as-zero.yaml",
        "37:40",
        "gateways[1].bgp[0].peers[0].peer_as:",
    ),
    (
        "static-and-bgp-on-one-gateway.yaml",
        "38:7",
        "gateways[1].bgp: gateway `gwbgp02` has both",
    ),
    (
        "static-route-v6-over-ipv4-line.yaml",
        "30:21",
        "gateways[0].static_routes[0].next_hops[0].lin",
    ),
    (
        "static-routes-under-vpc.yaml",
        "27:9",
        "gateways[0].vpcs[0].static_routes: unknown field `static_routes` in a VPC attachment (`static_routes` belongs to the gateway",
    ),
    (
        "subnet-outside-network-segment.yaml",
        "25:19",
        "gateways[0].vpcs[0].subnets[0]: subnet",
    ),
    (
        "top-level-list.yaml",
        "1:1",
        "expected a mapping (the desired state),",
    ),
    (
        "top-level-scalar.yaml",
        "1:1",
        "expected a mapping (the desired state),",
    ),
    (
        "unknown-enum-line-type.yaml",
        "5:16",
        "physical_lines[0].line_type: unknown value",
    ),
    (
        "unknown-field-nested.yaml",
        "4:66",
        "physical_lines[0].switch.speed: unknown",
    ),
    (
        "unknown-field-next-hop.yaml",
        "30:45",
        "gateways[0].static_routes[0].next_hops[0].wei",
    ),
    (
        "unknown-field-top-level.yaml",
        "2:1",
        "regoin: unknown field `regoin` in the",
    ),
    (
        "unknown-prune-kind.yaml",
        "2:19",
        "prune[1]: unknown value `route`, expected",
    ),
    (
        "utf16.yaml",
        "1:1",
        "the file is not valid UTF-8 (invalid byte at",
    ),
    (
        "vlan-4095.yaml",
        "7:11",
        "physical_lines[0].vlan: `vlan` must be",
    ),
    (
        "vlan-zero.yaml",
        "7:11",
        "physical_lines[0].vlan: `vlan` must be",
    ),
    (
        "wrong-type-float-vlan.yaml",
        "7:11",
        "physical_lines[0].vlan: expected an integer,",
    ),
    (
        "wrong-type-health-check-list.yaml",
        "26:23",
        "gateways[0].vpcs[0].health_check: expected a",
    ),
    (
        "wrong-type-integer-overflow.yaml",
        "30:41",
        "gateways[0].static_routes[0].next_hops[0].pri",
    ),
    (
        "wrong-type-lines-not-list.yaml",
        "20:12",
        "gateways[0].lines: expected a list, found a",
    ),
    (
        "wrong-type-negative-bandwidth.yaml",
        "6:16",
        "physical_lines[0].bandwidth: `bandwidth`",
    ),
    (
        "wrong-type-quoted-number.yaml",
        "6:16",
        "physical_lines[0].bandwidth: expected an",
    ),
    (
        "wrong-type-yes-boolean.yaml",
        "8:14",
        "physical_lines[0].protect: expected `true`",
    ),
    (
        "yaml-alias-bomb.yaml",
        "3:46",
        "invalid YAML: alias replay limit exceeded:",
    ),
    (
        "yaml-bad-indentation.yaml",
        "6:16",
        "invalid YAML: mapping values are not allowed",
    ),
    (
        "yaml-deep-nesting-block.yaml",
        "35:65",
        "the file is refused: nesting is deeper than",
    ),
    (
        "yaml-deep-nesting.yaml",
        "3:42",
        "the file is refused: nesting is deeper than",
    ),
    (
        "yaml-duplicate-key.yaml",
        "7:5",
        "physical_lines[0].bandwidth: duplicate key",
    ),
    (
        "yaml-duplicate-top-level-key.yaml",
        "2:1",
        "region: duplicate key `region` (first given",
    ),
    (
        "yaml-second-document.yaml",
        "38:1",
        "the file holds more than one YAML document",
    ),
    (
        "yaml-tab-indentation.yaml",
        "5:2",
        "invalid YAML: tabs disallowed within this",
    ),
    (
        "yaml-unclosed-flow-mapping.yaml",
        "31:9",
        "invalid YAML: invalid indentation",
    ),
    (
        "yaml-unclosed-flow-sequence.yaml",
        "22:7",
        "invalid YAML: \"-\" is only valid inside a",
    ),
    (
        "yaml-unclosed-quote.yaml",
        "2:1",
        "invalid YAML: invalid indentation in",
    ),
    (
        "yaml-undefined-alias.yaml",
        "20:13",
        "invalid YAML: while parsing node, found",
    ),
];

/// A BGP key written literally in `bgp-literal-key.yaml`: it must never be
/// echoed back (diagnostics mask it).
const LITERAL_BGP_KEY: &str = "s3cr3t-bgp-md5";

fn corpus_dir() -> PathBuf {
    repo_root().join("tests/bad-inputs")
}

fn cda(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cda"));
    cmd.current_dir(dir)
        .env_remove("CDA_ENDPOINT")
        .env_remove("CTYUN_AK")
        .env_remove("CTYUN_SK")
        .env("NO_COLOR", "1")
        .arg("--color")
        .arg("never");
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The `file:line:col: error: message` lines of the output, parsed (the
/// grep-friendly list the binary prints after the snippets).
fn diagnostics<'a>(output: &'a str, file: &str) -> Vec<(usize, usize, &'a str)> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(file)?.strip_prefix(':')?;
            let (line, rest) = rest.split_once(':')?;
            let (col, rest) = rest.split_once(':')?;
            let msg = rest.strip_prefix(" error: ")?;
            Some((line.parse().ok()?, col.parse().ok()?, msg))
        })
        .collect()
}

/// Exit 1, a `file:line:col` diagnostic at `line_col` starting with
/// `message`, no panic, no secret echoed.
fn assert_refused(out: &Output, file: &str, line_col: &str, message: &str, what: &str) {
    let all = text(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what} {file}: exit code\n{all}"
    );
    assert!(!all.contains("panicked"), "{what} {file}: panic\n{all}");
    assert!(
        !all.contains(LITERAL_BGP_KEY),
        "{what} {file}: secret echoed\n{all}"
    );
    let found = diagnostics(&all, file);
    assert!(
        !found.is_empty(),
        "{what} {file}: no file:line:col diagnostic\n{all}"
    );
    let (line, col) = line_col.split_once(':').unwrap();
    let (line, col): (usize, usize) = (line.parse().unwrap(), col.parse().unwrap());
    assert!(
        found
            .iter()
            .any(|(l, c, m)| *l == line && *c == col && m.starts_with(message)),
        "{what} {file}: expected `{file}:{line_col}: error: {message}…`, got {found:#?}"
    );
}

#[test]
fn the_corpus_is_listed_here_and_in_the_readme() {
    let dir = corpus_dir();
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(f, _, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/bad-inputs/*.yaml and CORPUS differ");
    assert!(listed.len() >= 40, "the corpus has {} files", listed.len());
    for f in &listed {
        assert!(
            readme.contains(&format!("`{f}`")),
            "README.md does not list {f}"
        );
    }
}

#[test]
fn validate_refuses_every_file_with_file_line_col() {
    let dir = corpus_dir();
    for (file, line_col, message) in CORPUS {
        let out = cda(&dir).args(["validate", "-f", file]).output().unwrap();
        assert_refused(&out, file, line_col, message, "validate");
    }
}

/// A file one byte over the 10 MiB cap, generated here rather than committed.
#[test]
fn validate_refuses_an_oversized_file_without_reading_it_all() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "oversized.yaml";
    let mut body = String::from("region: nm8\n");
    let filler = "# padding padding padding padding padding padding padding padding\n";
    while body.len() <= 10 * 1024 * 1024 {
        body.push_str(filler);
    }
    std::fs::write(tmp.path().join(name), &body).unwrap();
    let out = cda(tmp.path())
        .args(["validate", "-f", name])
        .output()
        .unwrap();
    assert_refused(&out, name, "1:1", "the file is", "validate");
    assert!(text(&out).contains("10 MiB limit"), "{}", text(&out));
}

/// `cda plan` against a live (emulated) API refuses every file before any
/// write: the emulator's stats show no committed write and no write call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_refuses_every_file_and_writes_nothing() {
    let emulator = emulator::spawn(emulator::Config::demo()).await.unwrap();
    let endpoint = emulator.base_url();
    let dir = corpus_dir();
    let runs = tokio::task::spawn_blocking(move || {
        CORPUS
            .iter()
            .map(|(file, line_col, message)| {
                let out = cda(&dir)
                    .env("CTYUN_AK", emulator::DEMO_ACCESS_KEY)
                    .env("CTYUN_SK", emulator::DEMO_SECRET_KEY)
                    .args(["plan", "-f", file, "--endpoint", &endpoint])
                    .output()
                    .unwrap();
                (out, *file, *line_col, *message)
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (out, file, line_col, message) in &runs {
        assert_refused(out, file, line_col, message, "plan");
    }
    let stats = emulator.app().stats();
    assert_eq!(stats.writes_committed, 0, "{stats:#?}");
    let writes: Vec<_> = stats
        .endpoints
        .keys()
        .filter(|k| {
            let path = k.split_once(' ').map_or(k.as_str(), |(_, p)| p);
            emulator::handlers::find(path)
                .is_some_and(|e| e.access == emulator::handlers::Access::Write)
        })
        .collect();
    assert!(writes.is_empty(), "write calls reached the API: {writes:?}");
    emulator.shutdown().await.unwrap();
}

/// A loopback server answering every request with `response` (raw HTTP).
fn hostile_server(response: &'static [u8]) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            // Read the request head (the body, if any, is ignored: the
            // connection is closed after the answer).
            let mut buf = [0u8; 65536];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = s.write_all(response);
        }
    });
    url
}

/// End to end: `cda plan` on a valid file against an API that answers
/// garbage exits 1 with the typed error, without a panic or a plan.
#[test]
fn plan_against_a_hostile_api_fails_cleanly() {
    let root = repo_root();
    let cases: [(&[u8], &str); 3] = [
        (
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 27\r\nconnection: close\r\n\r\n<html><h1>Login</h1></html>",
            "undecodable response",
        ),
        (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 70\r\nconnection: close\r\n\r\n{\"statusCode\":900,\"errorCode\":\"cda.hostile\",\"message\":\"no, not today\"}",
            "cda.hostile",
        ),
        (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 61\r\nconnection: close\r\n\r\n{\"statusCode\":800,\"returnObj\":{\"gatewayList\":[{\"gatewayName\":",
            "undecodable response",
        ),
    ];
    for (response, expected) in cases {
        let endpoint = hostile_server(response);
        let out = cda(&root)
            .env("CTYUN_AK", "AKHOSTILE")
            .env("CTYUN_SK", "SKHOSTILE")
            .env("CDA_BGP_KEY_C", "key-c")
            .args(["plan", "-f", "examples/quickstart.yaml", "--endpoint"])
            .arg(&endpoint)
            .output()
            .unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(!all.contains("panicked"), "{all}");
        assert!(all.contains(expected), "expected `{expected}` in\n{all}");
        assert!(!all.contains("Plan:"), "a plan was shown\n{all}");
    }
}

/// Messages that say how to fix: the help each carries, and exactly one
/// problem (one boxed snippet, one grep line) for the one mistake, so a typo
/// does not cascade into problems about what it broke.
#[test]
fn messages_say_how_to_fix_once() {
    let dir = corpus_dir();
    for (file, help) in [
        ("misspelt-name-key.yaml", "did you mean `name`?"),
        (
            "bound-line-undeclared.yaml",
            "declare `sh-dr-a` under `physical_lines`; if it exists already, give its live `id:` there to adopt it",
        ),
        ("dedented-key.yaml", "indent `bandwidth` to column 9"),
        (
            "static-routes-under-vpc.yaml",
            "indent it at the level of the gateway's other fields",
        ),
        ("cidr-prefix-too-long.yaml", "prefix length 33 is longer than 32"),
    ] {
        let out = cda(&dir).args(["validate", "-f", file]).output().unwrap();
        let all = text(&out);
        assert!(all.contains(help), "{file}: no `{help}` in\n{all}");
        assert_eq!(diagnostics(&all, file).len(), 1, "{file}:\n{all}");
        assert_eq!(all.matches('╭').count(), 1, "{file}: snippets\n{all}");
        assert!(!all.contains("no physical line named `bj-idc-b`"), "{all}");
    }
}

/// Without a terminal (CI logs) each problem's snippet is printed once, by
/// validate and by plan alike.
#[test]
fn each_snippet_is_printed_once_without_a_terminal() {
    let dir = corpus_dir();
    let file = "bound-line-dangling.yaml";
    for args in [
        &["validate", "-f", file][..],
        &["plan", "-f", file, "--emulator"],
    ] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(dir.join(file), tmp.path().join(file)).unwrap();
        let out = cda(tmp.path()).args(args).output().unwrap();
        let all = text(&out);
        assert_eq!(all.matches('╭').count(), 1, "{args:?}:\n{all}");
        assert_eq!(
            all.matches("no physical line named `bj-idc-x`").count(),
            2,
            "{args:?}:\n{all}"
        );
    }
}
