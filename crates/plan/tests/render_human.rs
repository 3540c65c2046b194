#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::render::{human, HumanOptions};
use render_fixtures::*;

const PLAIN: HumanOptions = HumanOptions { color: false };

#[test]
fn representative() {
    insta::assert_snapshot!(human(&representative_plan(), &PLAIN));
}

#[test]
fn empty_plan_says_no_changes() {
    let text = human(&empty_plan(), &PLAIN);
    assert!(text.contains("No changes. Live estate matches the file."));
    assert!(!text.contains("Plan:"));
    insta::assert_snapshot!(text);
}

#[test]
fn empty_plan_still_lists_unmanaged_objects() {
    let mut plan = empty_plan();
    plan.unmanaged = representative_plan().unmanaged;
    let text = human(&plan, &PLAIN);
    assert!(text.contains("No changes."));
    assert!(text.contains("  * vpc.gwprod03.vpc-legacy"));
    insta::assert_snapshot!(text);
}

#[test]
fn sensitive_key_added() {
    let text = human(&key_added_plan(), &PLAIN);
    assert!(text.contains("+ peers[sh-idc-a].key = (sensitive)"));
    insta::assert_snapshot!(text);
}

#[test]
fn ends_with_counts_then_impact_summary_and_leads_with_impact() {
    let text = human(&representative_plan(), &PLAIN);
    let lines: Vec<&str> = text.lines().collect();
    // Second line: the impact headline, before any action.
    assert!(
        lines[1].starts_with("Traffic impact: 1 prefix withdrawn"),
        "{}",
        lines[1]
    );
    let counts = lines
        .iter()
        .position(|l| *l == "Plan: 2 to add, 3 to change, 1 to replace, 1 to destroy.")
        .unwrap_or_else(|| panic!("no counts line in\n{text}"));
    assert_eq!(lines[counts + 1], lines[1]);
    assert!(lines[counts + 2..].iter().all(|l| l.starts_with("  * ")));
    assert!(text
        .contains("  * prefix 10.30.0.0/16 withdrawn (static_route.gwprod01.IPV4[10.30.0.0/16])"));
}

#[test]
fn markers_and_replacement_marks() {
    let text = human(&representative_plan(), &PLAIN);
    assert!(text.contains("\n  + physical_line.bj-idc-c {\n"));
    assert!(text.contains("\n  ~ vpc.gwprod01.vpc-8f3k2 {\n"));
    assert!(text.contains("\n-/+ physical_line.sh-idc-a {\n"));
    assert!(text.contains("\n  - static_route.gwprod01.IPV4[10.30.0.0/16] {\n"));
    assert!(text.contains("~ switch      = { # forces replacement"));
    assert!(text.contains("must be replaced (destroy the old one, then create the new)"));
    assert!(text.contains("#   after: physical_line.bj-idc-c"));
}

#[test]
fn secrets_never_printed() {
    for plan in [representative_plan(), key_added_plan()] {
        for color in [false, true] {
            let text = human(&plan, &HumanOptions { color });
            assert!(!text.contains("sha256"), "{text}");
            assert!(!text.contains(&OLD_KEY_HASH[7..]));
            assert!(!text.contains(&NEW_KEY_HASH[7..]));
        }
    }
}

#[test]
fn colour_only_when_asked() {
    let plan = representative_plan();
    assert!(!human(&plan, &PLAIN).contains('\u{1b}'));
    let coloured = human(&plan, &HumanOptions { color: true });
    assert!(coloured.contains('\u{1b}'));
    // Same text once the escapes are gone.
    assert_eq!(strip_ansi(&coloured), human(&plan, &PLAIN));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
