//! The terminal rendering: Terraform-like blocks in execution order, each
//! with its traffic impact, then unmanaged objects, the counts line and the
//! impact summary.

use super::lines::{push_text, Line, Mark, Style};
use super::value::{action_attrs, attribute_lines};
use super::{
    change_phrase, impact_severity, impact_text, partial_warning, requested_phrase, Addresses,
    HumanOptions, Severity, Summary,
};
use crate::action::{Action, ChangeKind, Operation, Plan};

/// Render `plan` for a terminal. Colour only when `opts.color`.
pub fn human(plan: &Plan, opts: &HumanOptions) -> String {
    let mut text = String::new();
    plan_lines(plan, &mut |lines| push_text(&mut text, &lines, opts.color));
    text
}

/// How much text [`write_human`] gathers before each write.
const WRITE_CHUNK: usize = 64 * 1024;

/// [`human`] written to `out` in chunks: the text of a plan of 50,000
/// actions is tens of MB, and need not be held whole to be printed.
pub fn write_human(
    plan: &Plan,
    opts: &HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut chunk = String::new();
    let mut written = Ok(());
    plan_lines(plan, &mut |lines| {
        if written.is_err() {
            return;
        }
        push_text(&mut chunk, &lines, opts.color);
        if chunk.len() >= WRITE_CHUNK {
            written = out.write_all(chunk.as_bytes());
            chunk.clear();
        }
    });
    written?;
    out.write_all(chunk.as_bytes())
}

/// The plan's lines, handed to `emit` a piece at a time (one per action):
/// a plan of 50,000 actions held as lines at once cost more memory than
/// the plan itself.
pub(crate) fn plan_lines(plan: &Plan, emit: &mut dyn FnMut(Vec<Line>)) {
    let summary = Summary::of(plan);
    let mut out = vec![Line::raw(scope(plan), Style::Bold)];
    partial_lines(&mut out, plan);
    mass_destroy_lines(&mut out, plan);
    if plan.actions.is_empty() {
        out.push(Line::blank());
        out.push(Line::raw(
            "No changes. Live estate matches the file.",
            Style::Green,
        ));
        unmanaged_lines(&mut out, plan);
        emit(out);
        return;
    }
    out.push(impact_headline(&summary));
    out.push(Line::blank());
    out.push(Line::raw(
        "cda will perform the following actions, in this order:",
        Style::Plain,
    ));
    emit(std::mem::take(&mut out));
    let addresses = Addresses::of(plan);
    for action in &plan.actions {
        let mut lines = vec![Line::blank()];
        lines.extend(action_lines(&addresses, action));
        emit(lines);
    }
    unmanaged_lines(&mut out, plan);
    out.push(Line::blank());
    out.push(Line::raw(summary.counts_line(), Style::Bold));
    summary_impact_lines(&mut out, &summary);
    emit(out);
}

/// The partial-plan warning (`--target`), first thing after the scope.
pub(crate) fn partial_lines(out: &mut Vec<Line>, plan: &Plan) {
    if let Some(warning) = partial_warning(plan) {
        out.push(Line::blank());
        out.push(Line::raw(warning, Style::Yellow));
    }
}

/// The blast-radius warning, first thing after the scope, only when the
/// plan trips the guard.
pub(crate) fn mass_destroy_lines(out: &mut Vec<Line>, plan: &Plan) {
    let Some(m) = &plan.mass_destroy else {
        return;
    };
    out.push(Line::blank());
    out.push(Line::raw(
        format!("WARNING: mass destroy. {}", m.headline()),
        Style::Red,
    ));
    for line in &m.message_lines()[1..] {
        out.push(Line::raw(format!("  {line}"), Style::Red));
    }
}

/// `Plan for region nm8, account netops@example.com.`
pub(crate) fn scope(plan: &Plan) -> String {
    match &plan.account {
        Some(account) => format!("Plan for region {}, account {account}.", plan.region),
        None => format!("Plan for region {}.", plan.region),
    }
}

pub(crate) fn impact_headline(summary: &Summary) -> Line {
    let style =
        if !summary.impact.prefixes_withdrawn.is_empty() || !summary.impact.lines_down.is_empty() {
            Style::Red
        } else if summary.impact.is_none() {
            Style::Green
        } else {
            Style::Yellow
        };
    Line::raw(summary.impact.headline(), style)
}

/// The headline again, then one line per affected item.
pub(crate) fn summary_impact_lines(out: &mut Vec<Line>, summary: &Summary) {
    out.push(impact_headline(summary));
    for (severity, text) in summary.impact.detail_lines() {
        out.push(Line::raw(format!("  * {text}"), severity_style(severity)));
    }
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Outage => Style::Red,
        Severity::Disruption => Style::Yellow,
    }
}

/// `Note: …` lines: what the plan could not compare.
pub(crate) fn note_lines(out: &mut Vec<Line>, plan: &Plan) {
    if plan.notes.is_empty() {
        return;
    }
    out.push(Line::blank());
    for note in &plan.notes {
        out.push(Line::raw(format!("Note: {note}."), Style::Yellow));
    }
}

pub(crate) fn unmanaged_lines(out: &mut Vec<Line>, plan: &Plan) {
    note_lines(out, plan);
    if plan.unmanaged.is_empty() {
        return;
    }
    out.push(Line::blank());
    out.push(Line::raw(
        format!(
            "Unmanaged: {} live object{} not declared in the file, of kinds not listed in `prune` (left alone):",
            plan.unmanaged.len(),
            if plan.unmanaged.len() == 1 { "" } else { "s" }
        ),
        Style::Plain,
    ));
    for object in &plan.unmanaged {
        out.push(Line::raw(format!("  * {}", object.address), Style::Dim));
    }
}

/// One action: `# address will be …`, its traffic impact and prerequisites as
/// comments, then the attribute block.
pub(crate) fn action_lines(addresses: &Addresses<'_>, action: &Action) -> Vec<Line> {
    let mut out = Vec::new();
    let mut phrase = if addresses.replace_requested(action) {
        requested_phrase(action.change).to_string()
    } else {
        change_phrase(action.change, action.kind).to_string()
    };
    if action.change == ChangeKind::Replace {
        if let Some(order) = replace_order(&action.calls) {
            phrase = format!("{phrase} ({order})");
        }
    }
    out.push(Line::raw(
        ["  # ", &action.address, " ", &phrase].concat(),
        Style::Bold,
    ));
    let impact_style = match impact_severity(&action.impact) {
        Some(severity) => severity_style(severity),
        None => Style::Dim,
    };
    out.push(Line::raw(
        ["  #   traffic impact: ", &impact_text(&action.impact)].concat(),
        impact_style,
    ));
    let after = addresses.depends_on(action);
    if !after.is_empty() {
        out.push(Line::raw(
            ["  #   after: ", &after.join(", ")].concat(),
            Style::Dim,
        ));
    }

    let attrs = action_attrs(action);
    let mut body = Vec::new();
    attribute_lines(&mut body, 1, &attrs);
    let mark = match action.change {
        ChangeKind::Create => Mark::Add,
        ChangeKind::Update => Mark::Change,
        ChangeKind::Replace => Mark::Replace,
        ChangeKind::Delete => Mark::Remove,
    };
    push_block(&mut out, mark, &action.address, body);
    out
}

/// An action's attribute block: `address {`, the body, `}`; just the
/// address when there is nothing to show.
pub(crate) fn push_block(out: &mut Vec<Line>, mark: Mark, address: &str, body: Vec<Line>) {
    if body.is_empty() {
        out.push(Line::block(0, mark).push(address.to_owned(), Style::Plain));
    } else {
        out.push(Line::block(0, mark).push([address, " {"].concat(), Style::Plain));
        out.extend(body);
        out.push(Line::block(0, Mark::None).push("}", Style::Plain));
    }
}

/// Whether a replacement removes the old object first or adds the new one
/// first, from the order of its calls.
fn replace_order(calls: &[Operation]) -> Option<&'static str> {
    let first_add = calls.iter().position(is_add);
    let first_remove = calls.iter().position(is_remove);
    match (first_add, first_remove) {
        (Some(add), Some(remove)) if add < remove => {
            Some("create the new one, then destroy the old")
        }
        (Some(_), Some(_)) => Some("destroy the old one, then create the new"),
        _ => None,
    }
}

fn is_add(op: &Operation) -> bool {
    matches!(
        op,
        Operation::CreateLine { .. }
            | Operation::CreateGateway { .. }
            | Operation::BindLine { .. }
            | Operation::AddVpc { .. }
            | Operation::AddHealthCheck { .. }
            | Operation::AddStaticRoute { .. }
            | Operation::AddBgpRoute { .. }
    )
}

fn is_remove(op: &Operation) -> bool {
    matches!(
        op,
        Operation::DeleteLine { .. }
            | Operation::DeleteGateway { .. }
            | Operation::UnbindLine { .. }
            | Operation::DeleteVpc { .. }
            | Operation::DeleteHealthCheck { .. }
            | Operation::DeleteStaticRoute { .. }
            | Operation::DeleteBgpRoute { .. }
    )
}
