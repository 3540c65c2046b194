//! `cda plan --refresh-only`: where the live estate differs from the file,
//! reported as drift, in the three renderings a plan has (human, JSON,
//! Markdown). Nothing is proposed, so there are no counts of actions, no
//! ordering and no traffic impact, only differences; the JSON and Markdown
//! reports say they are drift reports, so neither can pass for a plan.

use super::human::{push_block, scope, unmanaged_lines};
use super::json::{pretty, shown_values, unmanaged, JsonUnmanaged};
use super::lines::{to_diff, to_text, Line, Mark, Style};
use super::markdown::{escape, escape_code, longest_backtick_run, shorten};
use super::value::{action_attrs, attribute_lines, redact};
use super::{HumanOptions, MARKDOWN_LIMIT};
use crate::action::{Action, ChangeKind, Plan, ResourceKind, FORMAT_VERSION};
use serde::Serialize;
use serde_json::Value;

/// How many objects differ, by how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
struct DriftCounts {
    /// Declared, and live, with other values.
    changed: usize,
    /// Declared in the file, absent live.
    missing_live: usize,
    /// Live (of a pruned kind) but not declared.
    not_in_file: usize,
}

impl DriftCounts {
    fn of(plan: &Plan) -> DriftCounts {
        let count = |change: ChangeKind| plan.actions.iter().filter(|a| a.change == change).count();
        DriftCounts {
            changed: count(ChangeKind::Update) + count(ChangeKind::Replace),
            missing_live: count(ChangeKind::Create),
            not_in_file: count(ChangeKind::Delete),
        }
    }

    fn total(&self) -> usize {
        self.changed + self.missing_live + self.not_in_file
    }

    /// `Drift detected: 3 objects differ from the file (1 changed, …).`
    fn headline(&self) -> String {
        let mut parts = Vec::new();
        if self.changed > 0 {
            parts.push(format!("{} changed", self.changed));
        }
        if self.missing_live > 0 {
            parts.push(format!("{} missing live", self.missing_live));
        }
        if self.not_in_file > 0 {
            parts.push(format!("{} live but not in the file", self.not_in_file));
        }
        let total = self.total();
        format!(
            "Drift detected: {total} object{} differ{} from the file ({}).",
            if total == 1 { "" } else { "s" },
            if total == 1 { "s" } else { "" },
            parts.join(", ")
        )
    }
}

/// The name of each kind of difference, in JSON and in the Markdown table.
fn difference_name(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Create => "missing_live",
        ChangeKind::Delete => "not_in_file",
        ChangeKind::Update | ChangeKind::Replace => "changed",
    }
}

const NO_DRIFT: &str = "No drift: the live estate matches the file.";
const NOTHING_PROPOSED: &str = "Nothing was changed and nothing is proposed. Run `cda plan` to see the actions that would bring the live estate back to the file, or edit the file to accept the drift (`cda export` writes the live estate as a file).";

/// Render the drift between the live estate and the file that `plan`
/// (diffed from that file against a fresh refresh) describes.
pub fn drift(plan: &Plan, opts: &HumanOptions) -> String {
    let mut out = vec![Line::raw(
        format!("Refresh-only report. {}", scope(plan)),
        Style::Bold,
    )];
    out.push(Line::blank());
    if plan.actions.is_empty() {
        out.push(Line::raw(NO_DRIFT, Style::Green));
        unmanaged_lines(&mut out, plan);
        return to_text(&out, opts.color);
    }

    out.push(Line::raw(DriftCounts::of(plan).headline(), Style::Yellow));
    out.push(Line::raw("Changed values read `live -> file`.", Style::Dim));

    for action in &plan.actions {
        out.push(Line::blank());
        out.extend(drift_lines(action));
    }
    unmanaged_lines(&mut out, plan);
    out.push(Line::blank());
    out.push(Line::raw(NOTHING_PROPOSED, Style::Plain));
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

#[derive(Serialize)]
struct JsonDrift<'a> {
    format_version: &'static str,
    /// Always `"drift"`: this is a report, with nothing to apply (a plan's
    /// JSON has `actions` instead of `differences`).
    report: &'static str,
    region: &'a str,
    account: Option<&'a str>,
    drift: JsonDriftSummary,
    differences: Vec<JsonDifference<'a>>,
    unmanaged: Vec<JsonUnmanaged<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonDriftSummary {
    /// True when at least one object differs.
    detected: bool,
    #[serde(flatten)]
    counts: DriftCounts,
}

#[derive(Serialize)]
struct JsonDifference<'a> {
    address: &'a str,
    kind: ResourceKind,
    difference: &'static str,
    /// The whole object as read live (`null` when missing live).
    live: Option<Value>,
    /// The whole object as the file declares it (`null` when not in it).
    file: Option<Value>,
    /// For `changed`: each attribute that differs.
    attributes: Vec<JsonDriftAttribute<'a>>,
}

#[derive(Serialize)]
struct JsonDriftAttribute<'a> {
    name: &'a str,
    live: Value,
    file: Value,
    sensitive: bool,
}

/// `plan --refresh-only --json`: the drift report as pretty-printed JSON
/// (trailing newline included), marked `"report": "drift"`.
pub fn drift_json(plan: &Plan) -> String {
    let counts = DriftCounts::of(plan);
    let doc = JsonDrift {
        format_version: FORMAT_VERSION,
        report: "drift",
        region: &plan.region,
        account: plan.account.as_deref(),
        drift: JsonDriftSummary {
            detected: counts.total() > 0,
            counts,
        },
        differences: plan.actions.iter().map(difference).collect(),
        unmanaged: unmanaged(plan),
        notes: &plan.notes,
    };
    pretty(&doc)
}

fn difference(action: &Action) -> JsonDifference<'_> {
    let changed = matches!(action.change, ChangeKind::Update | ChangeKind::Replace);
    JsonDifference {
        address: &action.address,
        kind: action.kind,
        difference: difference_name(action.change),
        live: action.before.as_ref().map(redact),
        file: action.after.as_ref().map(redact),
        attributes: if changed {
            action
                .attributes
                .iter()
                .map(|change| {
                    let (live, file) = shown_values(change);
                    JsonDriftAttribute {
                        name: &change.name,
                        live,
                        file,
                        sensitive: change.sensitive,
                    }
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// Room kept for the truncation note and the closing tags.
const MARKDOWN_RESERVE: usize = 1_000;

/// `plan --refresh-only --markdown FILE`: the drift report as a Markdown
/// comment under a drift heading, at most [`MARKDOWN_LIMIT`] bytes.
pub fn drift_markdown(plan: &Plan) -> String {
    let budget = MARKDOWN_LIMIT - MARKDOWN_RESERVE;
    let mut out = format!(
        "### cda drift report (refresh-only)\n\n{}\n\n",
        escape(&scope(plan))
    );
    if plan.actions.is_empty() {
        out.push_str(&format!("**{NO_DRIFT}**\n"));
        unmanaged_markdown(&mut out, plan, budget);
        return out;
    }
    let counts = DriftCounts::of(plan);
    out.push_str(&format!(
        "**{}**\n\nNothing is proposed: this report has no actions to apply.\n\n",
        counts.headline()
    ));
    out.push_str("| | Address | Difference |\n|---|---|---|\n");
    let total = plan.actions.len();
    let mut rows = 0;
    for action in &plan.actions {
        let (mark, phrase) = match action.change {
            ChangeKind::Create => ("+", "declared in the file, missing live"),
            ChangeKind::Delete => ("-", "live, not in the file"),
            ChangeKind::Update | ChangeKind::Replace => ("~", "differs from the file"),
        };
        let row = format!(
            "| `{mark}` | `{}` | {phrase} |\n",
            escape_code(&action.address)
        );
        if out.len() + row.len() > budget {
            break;
        }
        out.push_str(&row);
        rows += 1;
    }
    unmanaged_markdown(&mut out, plan, budget);

    let chunks: Vec<String> = plan
        .actions
        .iter()
        .take(rows)
        .map(|a| to_diff(&drift_lines(a)))
        .collect();
    let fence = "`".repeat(longest_backtick_run(&chunks).max(2) + 1);
    let open = format!("\n<details><summary>Drift details (changed values read <code>live -> file</code>)</summary>\n\n{fence}diff\n");
    let close = format!("{fence}\n\n</details>\n");
    let mut detailed = 0;
    if out.len() + open.len() + close.len() <= budget {
        out.push_str(&open);
        for (i, chunk) in chunks.iter().enumerate() {
            let sep = if i == 0 { "" } else { "\n" };
            if out.len() + sep.len() + chunk.len() + close.len() > budget {
                break;
            }
            out.push_str(sep);
            out.push_str(chunk);
            detailed += 1;
        }
        out.push_str(&close);
    }
    if rows < total || detailed < total {
        out.push_str(&format!(
            "\n> **Truncated:** this comment stays under {MARKDOWN_LIMIT} characters, so it shows {rows} of {total} differences in the table and {detailed} in the details. Run `cda plan --refresh-only` for the whole report.\n"
        ));
    }
    out.push_str(&format!("\n{}\n", escape(NOTHING_PROPOSED)));
    shorten(&out, MARKDOWN_LIMIT - 3)
}

fn unmanaged_markdown(out: &mut String, plan: &Plan, budget: usize) {
    if plan.unmanaged.is_empty() {
        return;
    }
    out.push_str(&format!(
        "\n<details><summary>Unmanaged: {} live object{} not in the file, kinds not in <code>prune</code> (not drift)</summary>\n\n",
        plan.unmanaged.len(),
        if plan.unmanaged.len() == 1 { "" } else { "s" }
    ));
    let mut shown = 0;
    for object in &plan.unmanaged {
        let item = format!("- `{}`\n", escape_code(&object.address));
        if out.len() + item.len() + 100 > budget {
            break;
        }
        out.push_str(&item);
        shown += 1;
    }
    if shown < plan.unmanaged.len() {
        out.push_str(&format!("- … and {} more\n", plan.unmanaged.len() - shown));
    }
    out.push_str("\n</details>\n");
}
