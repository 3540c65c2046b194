//! User docs stand alone: they cite nothing outside this repository (the
//! project's design material is not shipped), and every repository path they
//! name exists, so a reader following one lands on the file meant.

use crate::support::repo_root;

/// README and every page of `docs/`.
fn pages() -> Vec<(String, String)> {
    let root = repo_root();
    let mut pages = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(&root).unwrap().display().to_string(), text)
        })
        .collect()
}

#[test]
fn docs_cite_nothing_outside_the_repository() {
    let outside = ["REFERENCE.md", "DIALECTS.md", "../shared/", "§"];
    let mut found = Vec::new();
    for (page, text) in pages() {
        for (n, line) in text.lines().enumerate() {
            for word in outside {
                if line.contains(word) {
                    found.push(format!("{page}:{}: `{word}` in: {line}", n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// `crates/…`, `tests/…`, `docs/…` and the like in backticks, without
/// placeholders (`<target>`) or globs.
fn cited_paths(text: &str) -> Vec<String> {
    const ROOTS: [&str; 7] = [
        "crates/",
        "tests/",
        "docs/",
        "examples/",
        "scripts/",
        "policy/",
        "fuzz/",
    ];
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| ROOTS.iter().any(|r| span.starts_with(r)))
        .filter(|span| !span.contains(['<', '*', ' ', '{']))
        .map(|span| span.split(':').next().unwrap_or(span).to_owned())
        .collect()
}

#[test]
fn every_repository_path_the_docs_name_exists() {
    let root = repo_root();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (page, text) in pages() {
        for path in cited_paths(&text) {
            checked += 1;
            if !root.join(&path).exists() {
                missing.push(format!("{page}: `{path}`"));
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} paths found: the scan is broken"
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_path_scan_finds_cited_paths_and_skips_placeholders() {
    let text = "see `crates/plan/src/lib.rs` and `fuzz/corpus/<target>/seed-*`, \
                `tests/it/main.rs:12`, not `cda plan`";
    assert_eq!(
        cited_paths(text),
        ["crates/plan/src/lib.rs", "tests/it/main.rs"]
    );
}
