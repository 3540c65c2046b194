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

#[test]
fn json_report_says_it_is_drift_and_has_no_actions() {
    let text = plan::render::drift_json(&representative_plan());
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["report"], "drift");
    assert_eq!(doc["format_version"], "1");
    // Nothing to apply: none of a plan's fields a policy or script reads.
    for field in ["actions", "summary", "mass_destroy"] {
        assert!(doc.get(field).is_none(), "{field} in {text}");
    }
    assert_eq!(
        doc["drift"],
        serde_json::json!({ "detected": true, "changed": 4, "missing_live": 2, "not_in_file": 1 })
    );
    let differences = doc["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 7);
    assert!(differences.iter().all(|d| d.get("impact").is_none()));
    assert!(!text.contains("sha256"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn json_report_without_drift() {
    let doc: serde_json::Value =
        serde_json::from_str(&plan::render::drift_json(&empty_plan())).unwrap();
    assert_eq!(doc["report"], "drift");
    assert_eq!(doc["drift"]["detected"], false);
    assert_eq!(doc["differences"], serde_json::json!([]));
}

#[test]
fn markdown_report_has_a_drift_heading_and_no_plan() {
    let text = plan::render::drift_markdown(&representative_plan());
    assert!(
        text.starts_with("### cda drift report (refresh-only)\n"),
        "{text}"
    );
    assert!(text.contains("**Drift detected: 7 objects differ from the file"));
    assert!(text.contains("no actions to apply"));
    for plan_only in [
        "### cda plan",
        "Plan:",
        "to add",
        "Traffic impact",
        "forces replacement",
    ] {
        assert!(!text.contains(plan_only), "{plan_only} in {text}");
    }
    assert!(!text.contains("sha256"));
    assert!(text.len() <= plan::render::MARKDOWN_LIMIT);
    insta::assert_snapshot!(text);

    let empty = plan::render::drift_markdown(&empty_plan());
    assert!(empty.starts_with("### cda drift report (refresh-only)\n"));
    assert!(empty.contains("No drift: the live estate matches the file."));
}
