//! Output shown in `docs/` is real: a region of a page marked
//!
//! ```text
//! <!-- snapshot: e2e_quickstart__quickstart_plan lines 1-29,91-112 -->
//! ```text
//! …
//! ```
//! <!-- /snapshot -->
//! ```
//!
//! holds those lines of `tests/it/snapshots/it__<name>.snap` (what the
//! binary printed in that flow test; every line without `lines`), ranges
//! joined by a `…` line. The test fails when a page and its snapshots
//! differ; `UPDATE_DOC_SNAPSHOTS=1 cargo test -p apply --test it
//! doc_snapshots` rewrites the regions from the snapshots.

use crate::support::repo_root;
use std::path::Path;

const OPEN: &str = "<!-- snapshot: ";
const CLOSE: &str = "<!-- /snapshot -->";

/// The text of a snapshot file without insta's header.
fn snapshot_body(name: &str) -> String {
    let path = repo_root()
        .join("tests/it/snapshots")
        .join(format!("it__{name}.snap"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("snapshot {}: {e}", path.display()));
    // The header is the first `---` … `---` block.
    let mut parts = text.splitn(3, "---\n");
    let (_, _, body) = (parts.next(), parts.next(), parts.next());
    body.unwrap_or_default().trim_end_matches('\n').to_owned()
}

/// `name` or `name lines 1-30,92-113` → the excerpt it stands for.
fn excerpt(spec: &str) -> String {
    let (name, ranges) = match spec.split_once(" lines ") {
        Some((name, ranges)) => (name.trim(), Some(ranges.trim())),
        None => (spec.trim(), None),
    };
    let body = snapshot_body(name);
    let Some(ranges) = ranges else {
        return body;
    };
    let lines: Vec<&str> = body.lines().collect();
    let mut pieces = Vec::new();
    for range in ranges.split(',') {
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(
            1 <= a && a <= b && b <= lines.len(),
            "{spec}: range {range} outside 1-{}",
            lines.len()
        );
        pieces.push(lines[a - 1..b].join("\n"));
    }
    pieces.join("\n…\n")
}

/// The page with every marked region regenerated from its snapshot, and
/// how many regions it has.
fn regenerate(page: &str) -> (String, usize) {
    let mut out = String::new();
    let mut rest = page;
    let mut regions = 0;
    while let Some(start) = rest.find(OPEN) {
        let spec_end = start + rest[start..].find(" -->").unwrap();
        let spec = &rest[start + OPEN.len()..spec_end];
        let after_marker = spec_end + " -->\n".len();
        let close = after_marker + rest[after_marker..].find(CLOSE).unwrap();
        // The region is one fenced block: keep its fence lines and language.
        let region = &rest[after_marker..close];
        let fence_open = region.lines().next().unwrap();
        let fence_close = region.trim_end().lines().last().unwrap();
        out.push_str(&rest[..after_marker]);
        out.push_str(&format!("{fence_open}\n{}\n{fence_close}\n", excerpt(spec)));
        rest = &rest[close..];
        regions += 1;
    }
    out.push_str(rest);
    (out, regions)
}

fn check_page(path: &Path) -> usize {
    let page = std::fs::read_to_string(path).unwrap();
    let (generated, regions) = regenerate(&page);
    if std::env::var_os("UPDATE_DOC_SNAPSHOTS").is_some() {
        std::fs::write(path, &generated).unwrap();
    } else {
        assert!(
            page == generated,
            "{} differs from its snapshots: regenerate it with\n\n    \
             UPDATE_DOC_SNAPSHOTS=1 cargo test -p apply --test it doc_snapshots\n",
            path.display()
        );
    }
    regions
}

#[test]
fn docs_show_what_the_binary_printed() {
    let mut regions = 0;
    for entry in std::fs::read_dir(repo_root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            regions += check_page(&path);
        }
    }
    // plan-output.md: human, Markdown and drift.
    assert!(regions >= 3, "only {regions} snapshot regions in docs/");
}

#[test]
fn a_region_is_regenerated_from_its_snapshot() {
    let page = "a\n<!-- snapshot: e2e_saved_plan__drift_after_bandwidth_change lines 1-1,3-3 -->\n```text\nstale\n```\n<!-- /snapshot -->\nb\n";
    let (generated, regions) = regenerate(page);
    assert_eq!(regions, 1);
    assert_eq!(
        generated,
        "a\n<!-- snapshot: e2e_saved_plan__drift_after_bandwidth_change lines 1-1,3-3 -->\n```text\nRefresh-only report. Plan for region nm8.\n…\nDrift detected: 1 object differs from the file (1 changed).\n```\n<!-- /snapshot -->\nb\n"
    );
}
