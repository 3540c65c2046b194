//! `cda plan --refresh-only`: where the live estate differs from the file,
//! reported as drift. Nothing is proposed, so there are no counts, no
//! ordering and no traffic impact, only differences.

use super::human::{push_block, scope, unmanaged_lines};
use super::lines::{to_text, Line, Mark, Style};
use super::value::{action_attrs, attribute_lines};
use super::HumanOptions;
use crate::action::{Action, ChangeKind, Plan};

/// Render the drift between the live estate and the file that `plan`
/// (diffed from that file against a fresh refresh) describes.
pub fn drift(plan: &Plan, opts: &HumanOptions) -> String {
    let mut out = vec![Line::raw(
        format!("Refresh-only report. {}", scope(plan)),
        Style::Bold,
    )];
    out.push(Line::blank());
    if plan.actions.is_empty() {
        out.push(Line::raw(
            "No drift: the live estate matches the file.",
            Style::Green,
        ));
        unmanaged_lines(&mut out, plan);
        return to_text(&out, opts.color);
    }

    let count = |change: ChangeKind| plan.actions.iter().filter(|a| a.change == change).count();
    let missing = count(ChangeKind::Create);
    let extra = count(ChangeKind::Delete);
    let changed = count(ChangeKind::Update) + count(ChangeKind::Replace);
    let mut parts = Vec::new();
    if changed > 0 {
        parts.push(format!("{changed} changed"));
    }
    if missing > 0 {
        parts.push(format!("{missing} missing live"));
    }
    if extra > 0 {
        parts.push(format!("{extra} live but not in the file"));
    }
    let total = plan.actions.len();
    out.push(Line::raw(
        format!(
            "Drift detected: {total} object{} differ{} from the file ({}).",
            if total == 1 { "" } else { "s" },
            if total == 1 { "s" } else { "" },
            parts.join(", ")
        ),
        Style::Yellow,
    ));
    out.push(Line::raw("Changed values read `live -> file`.", Style::Dim));

    for action in &plan.actions {
        out.push(Line::blank());
        out.extend(drift_lines(action));
    }
    unmanaged_lines(&mut out, plan);
    out.push(Line::blank());
    out.push(Line::raw(
        "Nothing was changed and nothing is proposed. Run `cda plan` to see the actions that would bring the live estate back to the file, or edit the file to accept the drift (`cda export` writes the live estate as a file).",
        Style::Plain,
    ));
    to_text(&out, opts.color)
}

fn drift_lines(action: &Action) -> Vec<Line> {
    let (mark, phrase) = match action.change {
        ChangeKind::Create => (Mark::Add, "is declared in the file but missing live"),
        ChangeKind::Delete => (Mark::Remove, "exists live but is not in the file"),
        ChangeKind::Update | ChangeKind::Replace => (Mark::Change, "differs from the file"),
    };
    let mut out = vec![Line::raw(
        format!("  # {} {phrase}", action.address),
        Style::Bold,
    )];
    // Missing or extra objects are named, not spelled out: the file (or the
    // live estate) already says what they hold.
    let mut body = Vec::new();
    if matches!(action.change, ChangeKind::Update | ChangeKind::Replace) {
        let attrs = action_attrs(action);
        attribute_lines(&mut body, 1, &attrs);
        // `forces replacement` is about a plan; drift proposes none.
        for line in &mut body {
            line.parts
                .retain(|(text, _)| text != " # forces replacement");
        }
    }
    push_block(&mut out, mark, &action.address, body);
    out
}
