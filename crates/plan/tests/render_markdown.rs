#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::render::{markdown, MARKDOWN_LIMIT};
use render_fixtures::*;

#[test]
fn representative() {
    let text = markdown(&representative_plan());
    // Counts and impact come before any detail.
    let impact = text.find("**Traffic impact:").unwrap();
    let counts = text.find("**Plan: 2 to add").unwrap();
    let details = text.find("<details>").unwrap();
    assert!(impact < counts && counts < details);
    assert!(!text.contains("Truncated"));
    assert!(!text.contains("sha256"));
    insta::assert_snapshot!(text);
}

#[test]
fn empty() {
    let text = markdown(&empty_plan());
    assert!(text.contains("**No changes.** Live estate matches the file."));
    insta::assert_snapshot!(text);
}

#[test]
fn huge_plan_is_truncated_under_the_limit_with_a_note() {
    let plan = huge_plan(20_000);
    let text = markdown(&plan);
    assert!(text.len() <= MARKDOWN_LIMIT, "{} bytes", text.len());
    assert!(text.chars().count() <= MARKDOWN_LIMIT);
    assert!(
        text.contains("> **Truncated:**"),
        "{}",
        &text[text.len() - 500..]
    );
    assert!(text.contains("of 20000 actions in the table"));
    // Counts stay exact even when details are cut.
    assert!(text.contains("**Plan: 18000 to add, 0 to change, 0 to replace, 2000 to destroy.**"));
    // Structure is intact: every fence and <details> closed.
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    assert_eq!(text.matches("```").count() % 2, 0);
    // The impact list is capped, not dropped.
    assert!(text.contains("… and 1980 more"));
}

#[test]
fn plan_near_the_limit_fills_it_but_never_passes_it() {
    for n in [100, 200, 300, 400] {
        let text = markdown(&huge_plan(n));
        assert!(text.len() <= MARKDOWN_LIMIT, "{n}: {} bytes", text.len());
        let truncated = text.contains("Truncated");
        let full_rows = text.lines().filter(|l| l.starts_with("| `")).count();
        assert!(
            truncated || full_rows == n,
            "{n}: {full_rows} rows without a note"
        );
    }
    // A small plan is never truncated.
    assert!(!markdown(&huge_plan(20)).contains("Truncated"));
}
