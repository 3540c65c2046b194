#![allow(clippy::unwrap_used, clippy::expect_used)]

mod render_fixtures;

use plan::render::{drift, HumanOptions};
use render_fixtures::*;

const PLAIN: HumanOptions = HumanOptions { color: false };

#[test]
fn representative() {
    let text = drift(&representative_plan(), &PLAIN);
    assert!(text.contains("Drift detected: 7 objects differ from the file (4 changed, 2 missing live, 1 live but not in the file)."));
    // Nothing is proposed: no counts, no impact, no replacement marks.
    assert!(!text.contains("Plan:"));
    assert!(!text.contains("Traffic impact"));
    assert!(!text.contains("forces replacement"));
    assert!(!text.contains("sha256"));
    insta::assert_snapshot!(text);
}

#[test]
fn no_drift() {
    let text = drift(&empty_plan(), &PLAIN);
    assert!(text.contains("No drift: the live estate matches the file."));
    insta::assert_snapshot!(text);
}

#[test]
fn colour_only_when_asked() {
    assert!(!drift(&representative_plan(), &PLAIN).contains('\u{1b}'));
    assert!(drift(&representative_plan(), &HumanOptions { color: true }).contains('\u{1b}'));
}
