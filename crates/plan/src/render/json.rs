//! The machine rendering for policy engines and pipelines. Stable: fields are
//! only ever added under one `format_version`; a removal or a change of
//! meaning bumps it. Documented in `docs/plan-output.md`.

use super::value::{redact, SENSITIVE};
use super::{change_name, Addresses, Summary};
use crate::action::{Action, AttributeChange, Impact, Plan, ResourceKind, FORMAT_VERSION};
use crate::guard::MassDestroy;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: &'static str,
    region: &'a str,
    account: Option<&'a str>,
    summary: JsonSummary,
    /// Present only when the plan trips the blast-radius guard.
    #[serde(skip_serializing_if = "Option::is_none")]
    mass_destroy: Option<&'a MassDestroy>,
    /// `--target` addresses: the plan is partial (absent when not).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    targets: &'a [String],
    /// `--replace` addresses (absent when none).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    replace: &'a [String],
    actions: Vec<JsonAction<'a>>,
    unmanaged: Vec<JsonUnmanaged<'a>>,
    /// What the plan could not compare (absent when nothing).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonSummary {
    add: usize,
    change: usize,
    replace: usize,
    destroy: usize,
    /// True when the plan has at least one action.
    changes: bool,
    impact: JsonImpact,
}

#[derive(Serialize)]
struct JsonImpact {
    /// True when no action touches traffic.
    none: bool,
    prefixes_withdrawn: Vec<String>,
    redundancy_reduced: Vec<String>,
    bgp_sessions_reset: Vec<String>,
    lines_down: Vec<String>,
}

#[derive(Serialize)]
struct JsonAction<'a> {
    address: &'a str,
    kind: ResourceKind,
    action: &'static str,
    gateway: Option<&'a str>,
    before: Option<Value>,
    after: Option<Value>,
    attributes: Vec<JsonAttribute<'a>>,
    impact: &'a [Impact],
    depends_on: Vec<String>,
    calls: Vec<String>,
    /// The replace (or this half of it) was asked for with `--replace`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    replace_requested: bool,
}

#[derive(Serialize)]
struct JsonAttribute<'a> {
    name: &'a str,
    before: Value,
    after: Value,
    sensitive: bool,
    forces_replace: bool,
}

#[derive(Serialize)]
pub(super) struct JsonUnmanaged<'a> {
    address: &'a str,
    kind: ResourceKind,
}

/// Render `plan` as pretty-printed JSON (trailing newline included).
pub fn json(plan: &Plan) -> String {
    let summary = Summary::of(plan);
    let impact = &summary.impact;
    let doc = JsonPlan {
        format_version: FORMAT_VERSION,
        region: &plan.region,
        account: plan.account.as_deref(),
        summary: JsonSummary {
            add: summary.counts.add,
            change: summary.counts.change,
            replace: summary.counts.replace,
            destroy: summary.counts.destroy,
            changes: summary.total() > 0,
            impact: JsonImpact {
                none: impact.is_none(),
                prefixes_withdrawn: strings(impact.prefixes_withdrawn.keys()),
                redundancy_reduced: strings(impact.redundancy_reduced.keys()),
                bgp_sessions_reset: strings(impact.bgp_sessions_reset.keys()),
                lines_down: strings(impact.lines_down.keys()),
            },
        },
        mass_destroy: plan.mass_destroy.as_ref(),
        targets: &plan.requested.targets,
        replace: &plan.requested.replace,
        actions: {
            let addresses = Addresses::of(plan);
            plan.actions.iter().map(|a| action(&addresses, a)).collect()
        },
        unmanaged: unmanaged(plan),
        notes: &plan.notes,
    };
    pretty(&doc)
}

/// The plan's unmanaged objects as every JSON rendering lists them.
pub(super) fn unmanaged(plan: &Plan) -> Vec<JsonUnmanaged<'_>> {
    plan.unmanaged
        .iter()
        .map(|u| JsonUnmanaged {
            address: &u.address,
            kind: u.kind,
        })
        .collect()
}

/// `doc` pretty-printed with a trailing newline.
pub(super) fn pretty(doc: &impl Serialize) -> String {
    match serde_json::to_string_pretty(doc) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Only maps with non-string keys fail to serialise, and there are none.
        Err(err) => format!("{{\"error\": {}}}\n", Value::String(err.to_string())),
    }
}

fn strings<T: ToString>(items: impl Iterator<Item = T>) -> Vec<String> {
    items.map(|i| i.to_string()).collect()
}

fn action<'a>(addresses: &Addresses<'_>, action: &'a Action) -> JsonAction<'a> {
    JsonAction {
        address: &action.address,
        kind: action.kind,
        action: change_name(action.change),
        gateway: action.gateway.as_deref(),
        before: action.before.as_ref().map(redact),
        after: action.after.as_ref().map(redact),
        attributes: action.attributes.iter().map(attribute).collect(),
        impact: &action.impact,
        depends_on: addresses.depends_on(action),
        calls: action
            .calls
            .iter()
            .filter_map(|call| {
                serde_json::to_value(call)
                    .ok()
                    .and_then(|v| v.get("op").and_then(Value::as_str).map(str::to_string))
            })
            .collect(),
        replace_requested: addresses.replace_requested(action),
    }
}

fn attribute(change: &AttributeChange) -> JsonAttribute<'_> {
    let (before, after) = shown_values(change);
    JsonAttribute {
        name: &change.name,
        before,
        after,
        sensitive: change.sensitive,
        forces_replace: change.forces_replace,
    }
}

/// An attribute's before and after values as the JSON renderings show them:
/// a secret as `"(sensitive)"` when present and `null` when absent.
pub(super) fn shown_values(change: &AttributeChange) -> (Value, Value) {
    // A sensitive change listed with neither value (withheld by the
    // producer) still changed: say so on both sides.
    let withheld = change.sensitive
        && change.before.as_ref().is_none_or(Value::is_null)
        && change.after.as_ref().is_none_or(Value::is_null);
    let shown = |v: &Option<Value>| match v {
        _ if withheld => Value::String(SENSITIVE.to_string()),
        None | Some(Value::Null) => Value::Null,
        Some(_) if change.sensitive => Value::String(SENSITIVE.to_string()),
        Some(v) => redact(v),
    };
    (shown(&change.before), shown(&change.after))
}
