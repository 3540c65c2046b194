//! The merge-request comment: counts and traffic impact first, a table of
//! actions, then the full diff collapsed in `<details>`. Forges cap comments
//! (GitHub at 65,536 characters), so the output stays within
//! [`MARKDOWN_LIMIT`] bytes and says so when it had to leave actions out.

use super::graph::topology_mermaid;
use super::human::{action_lines, scope};
use super::lines::to_diff;
use super::{
    change_marker, change_name, impact_text, partial_warning, Addresses, Severity, Summary,
};
use crate::action::Plan;
use crate::guard::MassDestroy;

/// Upper bound of [`markdown`]'s output, in bytes (hence also characters).
pub const MARKDOWN_LIMIT: usize = 65_000;

/// Room kept for the truncation note and the closing tags.
const RESERVE: usize = 1_000;
/// Impact items listed before "… and N more".
const IMPACT_ITEMS: usize = 20;
/// Longest traffic-impact cell in the table.
const CELL_WIDTH: usize = 200;
/// Beyond this many boxes a diagram is a tangle rather than a picture.
const TOPOLOGY_BOXES: usize = 60;
/// The diagram's share of the comment, so the table and details still fit.
const TOPOLOGY_BYTES: usize = 12_000;

/// Render `plan` as a Markdown comment of at most [`MARKDOWN_LIMIT`] bytes.
pub fn markdown(plan: &Plan) -> String {
    let summary = Summary::of(plan);
    let mut head = format!("### cda plan\n\n{}\n\n", scope(plan));
    if let Some(warning) = partial_warning(plan) {
        head.push_str(&format!("> **{}**\n\n", escape(&warning)));
    }
    if let Some(m) = &plan.mass_destroy {
        head.push_str(&mass_destroy_banner(m));
    }

    if plan.actions.is_empty() {
        head.push_str("**No changes.** Live estate matches the file.\n");
        let mut budget = Budget::new(head);
        notes(&mut budget, plan);
        unmanaged(&mut budget, plan);
        return budget.finish(None);
    }

    head.push_str(&format!("**{}**\n\n", summary.impact.headline()));
    let details = summary.impact.detail_lines();
    for (severity, text) in details.iter().take(IMPACT_ITEMS) {
        let tag = match severity {
            Severity::Outage => "**outage**",
            Severity::Disruption => "disruption",
        };
        head.push_str(&format!(
            "- {tag}: {}\n",
            escape(&shorten(text, CELL_WIDTH * 2))
        ));
    }
    if details.len() > IMPACT_ITEMS {
        head.push_str(&format!(
            "- … and {} more (see the details below or `cda show`)\n",
            details.len() - IMPACT_ITEMS
        ));
    }
    if !details.is_empty() {
        head.push('\n');
    }
    head.push_str(&format!("**{}**\n\n", summary.counts_line()));

    let mut budget = Budget::new(head);
    let total = plan.actions.len();

    topology(&mut budget, plan);

    // The table: one row per action, as many as fit.
    budget.push("| | Address | Change | Traffic impact |\n|---|---|---|---|\n");
    let mut rows = 0;
    let addresses = Addresses::of(plan);
    for action in &plan.actions {
        let impact = shorten(&impact_text(&action.impact), CELL_WIDTH);
        let requested = if addresses.replace_requested(action) {
            " (as requested)"
        } else {
            ""
        };
        let row = format!(
            "| `{}` | `{}` | {}{requested} | {} |\n",
            change_marker(action.change),
            escape_code(&action.address),
            change_name(action.change),
            escape(&impact)
        );
        if !budget.try_push(&row) {
            break;
        }
        rows += 1;
    }

    notes(&mut budget, plan);
    unmanaged(&mut budget, plan);

    // The details: the human rendering of each action as a diff block.
    // Render only what can fit (plus one), so a 100,000-action plan does
    // not render 100,000 blocks to throw them away.
    let mut chunks: Vec<String> = Vec::new();
    let mut rendered = 0;
    for action in &plan.actions {
        if rendered > MARKDOWN_LIMIT {
            break;
        }
        let chunk = to_diff(&action_lines(&addresses, action));
        rendered += chunk.len() + 1;
        chunks.push(chunk);
    }
    let fence = "`".repeat(longest_backtick_run(&chunks).max(2) + 1);
    let open = format!("\n<details><summary>Plan details</summary>\n\n{fence}diff\n");
    let close = format!("{fence}\n\n</details>\n");
    let mut detailed = 0;
    if budget.fits(open.len() + close.len()) {
        budget.push(&open);
        for (i, chunk) in chunks.iter().enumerate() {
            let sep = if i == 0 { "" } else { "\n" };
            if !budget.fits(sep.len() + chunk.len() + close.len()) {
                break;
            }
            budget.push(sep);
            budget.push(chunk);
            detailed += 1;
        }
        budget.push(&close);
    }

    let note = (rows < total || detailed < total).then(|| {
        format!(
            "\n> **Truncated:** this comment stays under {MARKDOWN_LIMIT} characters, so it shows {rows} of {total} actions in the table and {detailed} of {total} in the details. Run `cda show` on the saved plan (or `cda plan`) for the whole plan.\n"
        )
    });
    budget.finish(note)
}

/// The topology the plan touches as a Mermaid diagram, which forges draw;
/// a sentence instead when it is too large to draw readably or to fit.
fn topology(budget: &mut Budget, plan: &Plan) {
    let Some(diagram) = topology_mermaid(plan) else {
        return;
    };
    let block = format!("```mermaid\n{diagram}```\n\n");
    let boxes = diagram.lines().filter(|l| l.contains("\"]:::")).count();
    if boxes <= TOPOLOGY_BOXES && block.len() <= TOPOLOGY_BYTES && budget.try_push(&block) {
        return;
    }
    budget.push(&format!(
        "_The topology diagram is left out: the change touches {boxes} gateways, lines and VPCs, too many to draw here. `cda graph -f FILE` draws the plan's actions._\n\n"
    ));
}

/// The blast-radius warning as a quote block a reviewer cannot miss.
fn mass_destroy_banner(m: &MassDestroy) -> String {
    let mut out = format!(
        "> [!CAUTION]\n> **Mass destroy:** {}\n",
        escape(&m.headline())
    );
    for line in &m.message_lines()[1..] {
        out.push_str(&format!(">\n> {}\n", escape(line)));
    }
    out.push('\n');
    out
}

/// What the plan could not compare or leaves as is, as far as they fit.
fn notes(budget: &mut Budget, plan: &Plan) {
    let mut first = true;
    for note in &plan.notes {
        let item = format!(
            "{}- Note: {}.\n",
            if first { "\n" } else { "" },
            escape(&shorten(note, CELL_WIDTH * 2))
        );
        if !budget.try_push(&item) {
            return;
        }
        first = false;
    }
}

fn unmanaged(budget: &mut Budget, plan: &Plan) {
    if plan.unmanaged.is_empty() {
        return;
    }
    let open = format!(
        "\n<details><summary>Unmanaged: {} live object{} not in the file, kinds not in <code>prune</code> (left alone)</summary>\n\n",
        plan.unmanaged.len(),
        if plan.unmanaged.len() == 1 { "" } else { "s" }
    );
    let close = "\n</details>\n";
    if !budget.fits(open.len() + close.len()) {
        return;
    }
    budget.push(&open);
    let mut shown = 0;
    for object in &plan.unmanaged {
        let item = format!("- `{}`\n", escape_code(&object.address));
        // Keep room for the "and N more" line.
        if !budget.fits(item.len() + close.len() + 80) {
            break;
        }
        budget.push(&item);
        shown += 1;
    }
    if shown < plan.unmanaged.len() {
        budget.push(&format!("- … and {} more\n", plan.unmanaged.len() - shown));
    }
    budget.push(close);
}

/// Output under construction, never past `MARKDOWN_LIMIT - RESERVE` until
/// the note and closing text are added.
struct Budget {
    text: String,
}

impl Budget {
    fn new(head: String) -> Budget {
        Budget { text: head }
    }

    fn fits(&self, extra: usize) -> bool {
        self.text.len() + extra <= MARKDOWN_LIMIT - RESERVE
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn try_push(&mut self, s: &str) -> bool {
        let ok = self.fits(s.len());
        if ok {
            self.push(s);
        }
        ok
    }

    fn finish(mut self, note: Option<String>) -> String {
        if let Some(note) = note {
            self.text.push_str(&note);
        }
        if self.text.len() > MARKDOWN_LIMIT {
            // Only a pathological head (a huge region or account name) gets
            // here; cut it rather than have the forge reject the comment.
            self.text = shorten(&self.text, MARKDOWN_LIMIT - 200);
            self.text
                .push_str("\n\n> **Truncated** to stay under the comment size limit.\n");
        }
        self.text
    }
}

/// Table cells and list items: no table breaks, no accidental HTML.
pub(super) fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Inside a code span only the pipe needs escaping (GFM tables).
pub(super) fn escape_code(text: &str) -> String {
    text.replace('|', "\\|")
}

/// At most `max` bytes, cut at a character boundary, `…` when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

pub(super) fn longest_backtick_run(chunks: &[String]) -> usize {
    chunks
        .iter()
        .flat_map(|c| c.split(|ch| ch != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, ChangeKind, ResourceKind};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn plan_with(address: &str, description: &str) -> Plan {
        Plan {
            format_version: "1".into(),
            region: "nm8".into(),
            account: None,
            actions: vec![Action {
                id: 0,
                address: address.into(),
                kind: ResourceKind::PhysicalLine,
                change: ChangeKind::Create,
                gateway: None,
                attributes: vec![],
                before: None,
                after: Some(json!({ "description": description })),
                impact: vec![],
                depends_on: vec![],
                calls: vec![],
            }],
            unmanaged: vec![],
            notes: Vec::new(),
            fingerprints: BTreeMap::new(),
            mass_destroy: None,
            requested: Default::default(),
        }
    }

    #[test]
    fn fence_outgrows_backticks_in_values() {
        let text = markdown(&plan_with(
            "physical_line.a",
            "see ```code``` and ````more````",
        ));
        assert!(text.contains("\n`````diff\n"), "{text}");
        assert!(text.contains("\n`````\n"));
    }

    #[test]
    fn pipes_cannot_break_the_table() {
        let text = markdown(&plan_with("physical_line.a|b", "x"));
        assert!(text.contains("| `physical_line.a\\|b` |"), "{text}");
    }

    #[test]
    fn the_topology_is_drawn_above_the_table() {
        let text = markdown(&plan_with("physical_line.bj-idc-c", "x"));
        let diagram = text.find("```mermaid\nflowchart LR\n").unwrap();
        assert!(diagram < text.find("| | Address |").unwrap(), "{text}");
        assert!(
            text.contains("[\"+ bj-idc-c<br/>line\"]:::create"),
            "{text}"
        );
    }

    #[test]
    fn a_topology_too_large_to_draw_is_left_out_with_a_sentence() {
        let mut plan = plan_with("physical_line.l0", "x");
        let first = plan.actions[0].clone();
        plan.actions = (0..=TOPOLOGY_BOXES)
            .map(|i| Action {
                id: i,
                address: format!("physical_line.l{i}"),
                ..first.clone()
            })
            .collect();
        let text = markdown(&plan);
        assert!(!text.contains("```mermaid"), "{text}");
        assert!(
            text.contains(
                "_The topology diagram is left out: the change touches 61 gateways, lines and VPCs"
            ),
            "{text}"
        );
        assert!(text.contains("| `+` | `physical_line.l60` |"));
    }

    #[test]
    fn shorten_cuts_on_a_character_boundary() {
        assert_eq!(shorten("专线专线", 4), "专…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
