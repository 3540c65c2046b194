#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `docs/desired-state.md` lists what changing each attribute does, from
//! the table the diff uses (`plan::attributes::RULES`), between two
//! markers. The test fails when the doc and the table differ; regenerate
//! with `UPDATE_DOCS=1 cargo test -p plan --test attribute_docs`.

use plan::attributes::{reference_markdown, DOC_BEGIN, DOC_END};
use std::path::PathBuf;

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/desired-state.md")
}

#[test]
fn the_reference_lists_every_attribute_as_the_diff_treats_it() {
    let doc = std::fs::read_to_string(doc_path()).unwrap();
    let start = doc.find(DOC_BEGIN).expect("the begin marker") + DOC_BEGIN.len();
    let end = start + doc[start..].find(DOC_END).expect("the end marker");
    let expected = format!("\n{}", reference_markdown());
    if doc[start..end] != expected {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{expected}{}", &doc[..start], &doc[end..]);
            std::fs::write(doc_path(), updated).unwrap();
            return;
        }
        panic!(
            "docs/desired-state.md is out of date with plan::attributes::RULES: regenerate it with\n\n    UPDATE_DOCS=1 cargo test -p plan --test attribute_docs\n\nexpected:\n{expected}"
        );
    }
}
