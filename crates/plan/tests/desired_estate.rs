//! An estate across several files and regions (`plan::desired::parse_estate`,
//! `load_estate`): merged per region, clashes across files reported with
//! both places, a directory read as its sorted `*.yaml` files.

use plan::desired::{self, Estate};

const LINES: &str = "region: nm8
account: ops@example.com
prune: [physical_lines]
physical_lines:
  - name: bj-idc-a
    switch: { hostname: sw01, port: Te1/0/1, port_type: 10G }
    line_type: PON
    bandwidth: 1000
    ip_version: IPV4
    local_ip: 10.255.0.1/30
    remote_ip: 10.255.0.2/30
";

const GATEWAYS: &str = "region: nm8
prune: [gateways]
gateways:
  - name: gwprod01
    lines: [bj-idc-a]
";

const OTHER_REGION: &str = "region: nm9
gateways:
  - name: gwprod01
";

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect()
}

fn estate(list: &[(&str, &str)]) -> Estate {
    match desired::parse_estate(&files(list)) {
        Ok(estate) => estate,
        Err(errors) => panic!("{}", all(&errors)),
    }
}

fn errors(list: &[(&str, &str)]) -> String {
    match desired::parse_estate(&files(list)) {
        Ok(_) => panic!("expected problems"),
        Err(errors) => all(&errors),
    }
}

fn all(errors: &[desired::Diagnostics]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn files_of_one_region_make_one_state() {
    let e = estate(&[("lines.yaml", LINES), ("gateways.yaml", GATEWAYS)]);
    assert_eq!(e.regions.len(), 1);
    let r = &e.regions[0];
    assert_eq!(r.state.region, "nm8");
    // A gateway binds a line another file declares.
    assert_eq!(r.state.gateways[0].lines, ["bj-idc-a"]);
    assert_eq!(r.state.physical_lines[0].name, "bj-idc-a");
    assert_eq!(r.state.account.as_deref(), Some("ops@example.com"));
    assert_eq!(
        r.state.prune,
        [
            plan::model::Kind::PhysicalLines,
            plan::model::Kind::Gateways
        ]
    );
    // Each field is found in the file it is written in.
    assert_eq!(r.sources.file_of("gateways[0].name"), "gateways.yaml");
    assert_eq!(r.sources.location("gateways[0].name").unwrap().line, 4);
    assert_eq!(r.sources.file_of("physical_lines[0]"), "lines.yaml");
    assert_eq!(
        r.sources.location("physical_lines[0].name").unwrap().line,
        5
    );
    assert_eq!(e.files, ["lines.yaml", "gateways.yaml"]);
}

#[test]
fn a_single_file_hashes_as_before() {
    let e = estate(&[("lines.yaml", LINES)]);
    assert_eq!(
        e.content_hash,
        plan::planfile::desired_hash(LINES.as_bytes())
    );
    let two = estate(&[("lines.yaml", LINES), ("gateways.yaml", GATEWAYS)]);
    assert_ne!(two.content_hash, e.content_hash);
}

#[test]
fn regions_are_planned_apart_in_order() {
    let e = estate(&[("nm9.yaml", OTHER_REGION), ("lines.yaml", LINES)]);
    let regions: Vec<&str> = e.regions.iter().map(|r| r.state.region.as_str()).collect();
    assert_eq!(regions, ["nm8", "nm9"]);
    // The same gateway name in two regions is two gateways.
    let e = estate(&[
        ("a.yaml", "region: nm8\ngateways:\n  - name: gwprod01\n"),
        ("b.yaml", OTHER_REGION),
    ]);
    assert_eq!(e.regions.len(), 2);
}

#[test]
fn a_line_of_another_region_is_unknown() {
    let err = errors(&[
        ("lines.yaml", LINES),
        (
            "b.yaml",
            "region: nm9\ngateways:\n  - name: gwsz\n    lines: [bj-idc-a]\n",
        ),
    ]);
    assert!(
        err.contains("b.yaml:4:13: error: gateways[0].lines[0]: no physical line named `bj-idc-a`"),
        "{err}"
    );
}

#[test]
fn duplicates_across_files_name_both_places() {
    let err = errors(&[
        ("lines.yaml", LINES),
        ("gateways.yaml", GATEWAYS),
        ("more.yaml", "region: nm8\ngateways:\n  - name: gwprod01\n"),
        ("again.yaml", LINES),
    ]);
    assert!(
        err.contains(
            "more.yaml:3:11: error: gateways[0].name: duplicate gateway name `gwprod01` (also gateways.yaml:4:11)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "again.yaml:5:11: error: physical_lines[0].name: duplicate line name `bj-idc-a` (also lines.yaml:5:11)"
        ),
        "{err}"
    );
    // The first declarations are not blamed.
    assert!(!err.contains("gateways.yaml:4:11: error"), "{err}");
}

#[test]
fn a_line_bound_from_two_files_and_two_accounts_are_refused() {
    let err = errors(&[
        ("lines.yaml", LINES),
        ("gateways.yaml", GATEWAYS),
        (
            "dr.yaml",
            "region: nm8\naccount: other@example.com\ngateways:\n  - name: gwdr01\n    lines: [bj-idc-a]\n",
        ),
    ]);
    assert!(
        err.contains("dr.yaml:5:13: error: gateways[0].lines[0]: line `bj-idc-a` is already bound to gateway `gwprod01` (gateways.yaml:5:13)"),
        "{err}"
    );
    assert!(
        err.contains("dr.yaml:2:10: error: account: region nm8 is already given account `ops@example.com` (lines.yaml:2:10)"),
        "{err}"
    );
}

#[test]
fn every_file_with_problems_is_reported() {
    let err = errors(&[
        ("a.yaml", "region: nm8\ngateways: 3\n"),
        ("ok.yaml", LINES),
        ("b.yaml", "region: [\n"),
    ]);
    assert!(err.contains("a.yaml:2:11: error"), "{err}");
    assert!(err.contains("b.yaml:"), "{err}");
    assert!(!err.contains("ok.yaml"), "{err}");
}

#[test]
fn the_size_limit_holds_per_file() {
    let big = format!("region: nm8\n#{}\n", "x".repeat(desired::MAX_FILE_BYTES));
    let err = errors(&[("ok.yaml", LINES), ("big.yaml", &big)]);
    assert!(err.contains("big.yaml:1:1: error: the file is"), "{err}");
    assert!(err.contains("larger than the 10 MiB limit"), "{err}");
}

#[test]
fn a_directory_is_its_sorted_yaml_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b-gateways.yaml"), GATEWAYS).unwrap();
    std::fs::write(dir.path().join("a-lines.yaml"), LINES).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not yaml").unwrap();
    std::fs::write(dir.path().join("old.yml"), "not read").unwrap();
    let loaded = desired::load_estate(&[dir.path().to_path_buf()]).unwrap();
    let names: Vec<&str> = loaded
        .files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .collect();
    assert_eq!(names, ["a-lines.yaml", "b-gateways.yaml"]);
    assert_eq!(loaded.regions[0].state.gateways.len(), 1);

    // A file named again through its directory is read once.
    let again =
        desired::load_estate(&[dir.path().join("a-lines.yaml"), dir.path().to_path_buf()]).unwrap();
    assert_eq!(again.files.len(), 2);

    let empty = tempfile::tempdir().unwrap();
    let err = all(&desired::load_estate(&[empty.path().to_path_buf()]).unwrap_err());
    assert!(
        err.contains("the directory holds no `*.yaml` file"),
        "{err}"
    );
}
