//! Attribute values: redaction, inline formatting and before/after diffs as
//! [`Line`]s.

use super::lines::{Line, Mark, Style};
use crate::action::{Action, AttributeChange};
use serde_json::Value;
use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};

/// What every renderer prints in place of a secret.
pub const SENSITIVE: &str = "(sensitive)";

/// Object fields that hold secrets (or their hashes) wherever they appear.
const SECRET_FIELDS: &[&str] = &[
    "key",
    "key_hash",
    "auth_key",
    "md5_key",
    "bgp_key",
    "password",
    "secret",
    "secret_key",
];

/// Objects wider than this print one field per line.
const INLINE_WIDTH: usize = 80;
/// Strings longer than this (or with a newline) print as a line diff.
const LONG_STRING: usize = 72;
/// Unchanged list elements or text lines kept around a change.
const CONTEXT: usize = 1;

/// A copy of `value` with every secret replaced by `"(sensitive)"`: values of
/// [secret fields](SECRET_FIELDS) unless they are a `{ env | file: … }`
/// reference (a name, not a secret), and any `sha256:` hash, since an
/// unsalted hash of a short key can be brute-forced.
pub fn redact(value: &Value) -> Value {
    match value {
        Value::String(s) if s.starts_with("sha256:") => Value::String(SENSITIVE.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_field(k) && !v.is_null() && !is_secret_ref(v) {
                        Value::String(SENSITIVE.to_string())
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// Whether [`redact`] would change `value`: most values hold no secret and
/// are shown as they are, without a copy.
fn holds_secret(value: &Value) -> bool {
    match value {
        Value::String(s) => s.starts_with("sha256:"),
        Value::Array(items) => items.iter().any(holds_secret),
        Value::Object(map) => map.iter().any(|(k, v)| {
            (is_secret_field(k) && !v.is_null() && !is_secret_ref(v)) || holds_secret(v)
        }),
        _ => false,
    }
}

/// [`redact`], borrowing `value` when there is nothing to redact.
fn redacted(value: &Value) -> std::borrow::Cow<'_, Value> {
    if holds_secret(value) {
        std::borrow::Cow::Owned(redact(value))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// `{ "env": "NAME" }` or `{ "file": "PATH" }`: where a secret comes from.
fn is_secret_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.len() == 1
                && map
                    .iter()
                    .all(|(k, v)| (k == "env" || k == "file") && v.is_string())
        }
        _ => false,
    }
}

/// The value as one line, HCL-like: `"text"`, `10`, `["a", "b"]`,
/// `{ line = "a", priority = 10 }`.
pub(crate) fn inline(value: &Value) -> String {
    let mut out = String::new();
    push_inline(&mut out, value);
    out
}

/// [`inline`] appended to `out`.
fn push_inline(out: &mut String, value: &Value) {
    use std::fmt::Write as _;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Writing to a String cannot fail.
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) if s == SENSITIVE => out.push_str(SENSITIVE),
        // A string value displays as its JSON: quoted and escaped.
        Value::String(_) => {
            let _ = write!(out, "{value}");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_inline(out, item);
            }
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push_str("{ ");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(" = ");
                push_inline(out, v);
            }
            out.push_str(" }");
        }
    }
}

fn absent(value: Option<&Value>) -> bool {
    value.is_none_or(Value::is_null)
}

/// The value on one line, or `None` when it needs more than one: a
/// non-empty list, or an object holding one or wider than
/// [`INLINE_WIDTH`].
fn one_line(value: &Value) -> Option<String> {
    match value {
        Value::Array(items) if !items.is_empty() => None,
        Value::Object(map)
            if map
                .values()
                .any(|v| matches!(v, Value::Array(a) if !a.is_empty())) =>
        {
            None
        }
        Value::Object(_) => Some(inline(value)).filter(|text| text.len() <= INLINE_WIDTH),
        _ => Some(inline(value)),
    }
}

/// One attribute of an action, normalised for rendering.
pub(crate) struct Attr<'a> {
    pub name: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    pub sensitive: bool,
    pub forces_replace: bool,
}

impl<'a> From<&'a AttributeChange> for Attr<'a> {
    fn from(change: &'a AttributeChange) -> Self {
        Attr {
            name: &change.name,
            before: change.before.as_ref(),
            after: change.after.as_ref(),
            sensitive: change.sensitive,
            forces_replace: change.forces_replace,
        }
    }
}

impl Attr<'_> {
    /// Same before and after: hidden in update blocks. A sensitive
    /// attribute with neither value is a change whose values were withheld
    /// (the producer lists it only because the secret changed).
    pub fn unchanged(&self) -> bool {
        if self.sensitive && absent(self.before) && absent(self.after) {
            return false;
        }
        absent(self.before) == absent(self.after)
            && (absent(self.before) || self.before == self.after)
    }
}

/// The attributes an action's block shows: the producer's own, or, when it
/// gave none, those derived from the whole objects.
pub(crate) fn action_attrs(action: &Action) -> Vec<Attr<'_>> {
    if action.attributes.is_empty() {
        attrs_from_objects(action.before.as_ref(), action.after.as_ref())
    } else {
        action.attributes.iter().map(Attr::from).collect()
    }
}

/// Attributes derived from whole objects, for actions whose producer gave
/// none: every top-level field of `before` and `after`, in the objects' own
/// order (serde_json keeps insertion order here: serde-saphyr enables
/// `preserve_order`), which for serialised model types is declaration order.
pub(crate) fn attrs_from_objects<'a>(
    before: Option<&'a Value>,
    after: Option<&'a Value>,
) -> Vec<Attr<'a>> {
    let mut names: Vec<&'a str> = Vec::new();
    for value in [before, after].into_iter().flatten() {
        if let Value::Object(map) = value {
            for key in map.keys() {
                if !names.contains(&key.as_str()) {
                    names.push(key);
                }
            }
        }
    }
    names
        .into_iter()
        .map(|name| Attr {
            name,
            before: before.and_then(|v| v.get(name)),
            after: after.and_then(|v| v.get(name)),
            sensitive: false,
            forces_replace: false,
        })
        .collect()
}

/// Render attributes at `depth`, names aligned, unchanged ones hidden and
/// counted (`# (2 unchanged attributes hidden)`).
pub(crate) fn attribute_lines(out: &mut Vec<Line>, depth: usize, attrs: &[Attr<'_>]) {
    let shown: Vec<&Attr<'_>> = attrs.iter().filter(|a| !a.unchanged()).collect();
    let width = shown.iter().map(|a| a.name.len()).max().unwrap_or(0);
    for attr in &shown {
        attribute(out, depth, attr, width);
    }
    let hidden = attrs.len() - shown.len();
    if hidden > 0 {
        out.push(Line::comment(
            depth,
            format!(
                "({hidden} unchanged attribute{} hidden)",
                if hidden == 1 { "" } else { "s" }
            ),
            Style::Dim,
        ));
    }
}

fn attribute(out: &mut Vec<Line>, depth: usize, attr: &Attr<'_>, width: usize) {
    let label = name_label(attr.name, width);
    let first = out.len();
    if attr.sensitive {
        let mark = match (absent(attr.before), absent(attr.after)) {
            (true, false) => Mark::Add,
            (false, true) => Mark::Remove,
            (false, false) if attr.before == attr.after => Mark::None,
            _ => Mark::Change,
        };
        out.push(
            Line::block(depth, mark)
                .push(label, Style::Plain)
                .push(SENSITIVE, Style::Dim),
        );
    } else {
        let before = attr.before.map(redacted);
        let after = attr.after.map(redacted);
        value_change(out, depth, &label, before.as_deref(), after.as_deref());
    }
    if attr.forces_replace {
        if let Some(line) = out.get_mut(first) {
            line.parts
                .push((" # forces replacement".to_string(), Style::Red));
        }
    }
}

/// `name` padded to `width`, then ` = `: the label of an aligned field.
/// Built by hand: `format!` with a width was a large plan's costliest step.
fn name_label(name: &str, width: usize) -> String {
    let mut label = String::with_capacity(width.max(name.len()) + 3);
    label.push_str(name);
    label.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(name.chars().count()),
    ));
    label.push_str(" = ");
    label
}

/// The change of one (redacted) value, labelled `label` (`name = ` or empty
/// for list elements).
fn value_change(
    out: &mut Vec<Line>,
    depth: usize,
    label: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) {
    match (
        before.filter(|v| !v.is_null()),
        after.filter(|v| !v.is_null()),
    ) {
        (None, None) => {
            out.push(Line::block(depth, Mark::None).push([label, "null"].concat(), Style::Plain))
        }
        (None, Some(after)) => value(out, depth, Mark::Add, label, after, ""),
        (Some(before), None) => value(out, depth, Mark::Remove, label, before, ""),
        (Some(b), Some(a)) if b == a => value(out, depth, Mark::None, label, b, ""),
        (Some(Value::Array(b)), Some(Value::Array(a))) => {
            out.push(Line::block(depth, Mark::Change).push([label, "["].concat(), Style::Plain));
            list_diff(out, depth + 1, b, a);
            out.push(Line::block(depth, Mark::None).push("]", Style::Plain));
        }
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            out.push(Line::block(depth, Mark::Change).push([label, "{"].concat(), Style::Plain));
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort_unstable();
            keys.dedup();
            let attrs: Vec<Attr<'_>> = keys
                .into_iter()
                .map(|k| Attr {
                    name: k,
                    before: b.get(k),
                    after: a.get(k),
                    sensitive: false,
                    forces_replace: false,
                })
                .collect();
            attribute_lines(out, depth + 1, &attrs);
            out.push(Line::block(depth, Mark::None).push("}", Style::Plain));
        }
        (Some(Value::String(b)), Some(Value::String(a)))
            if b.contains('\n') || a.contains('\n') || b.len().max(a.len()) > LONG_STRING =>
        {
            out.push(
                Line::block(depth, Mark::Change).push([label, "<<-EOT"].concat(), Style::Plain),
            );
            text_diff(out, depth + 1, b, a);
            out.push(Line::block(depth, Mark::None).push("EOT", Style::Plain));
        }
        (Some(b), Some(a)) => out.push(
            Line::block(depth, Mark::Change)
                .push(label.to_string(), Style::Plain)
                .push(inline(b), Style::Plain)
                .push(" -> ", Style::Dim)
                .push(inline(a), Style::Plain),
        ),
    }
}

/// A whole value under one marker, lists element by element.
fn value(out: &mut Vec<Line>, depth: usize, mark: Mark, label: &str, v: &Value, trailer: &str) {
    if let Some(text) = one_line(v) {
        out.push(Line::block(depth, mark).push([label, &text, trailer].concat(), Style::Plain));
        return;
    }
    match v {
        Value::Array(items) => {
            out.push(Line::block(depth, mark).push([label, "["].concat(), Style::Plain));
            for item in items {
                value(out, depth + 1, mark, "", item, ",");
            }
            out.push(Line::block(depth, Mark::None).push(["]", trailer].concat(), Style::Plain));
        }
        Value::Object(map) => {
            out.push(Line::block(depth, mark).push([label, "{"].concat(), Style::Plain));
            let width = map.keys().map(String::len).max().unwrap_or(0);
            for (k, item) in map {
                value(out, depth + 1, mark, &name_label(k, width), item, "");
            }
            out.push(Line::block(depth, Mark::None).push(["}", trailer].concat(), Style::Plain));
        }
        // Scalars are always one line.
        _ => {}
    }
}

/// Element-wise list diff: removed elements `-`, added `+`, unchanged runs
/// collapsed to a count beyond [`CONTEXT`] elements around a change.
fn list_diff(out: &mut Vec<Line>, depth: usize, before: &[Value], after: &[Value]) {
    let old: Vec<String> = before.iter().map(inline).collect();
    let new: Vec<String> = after.iter().map(inline).collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old, &new);
    let count = ops.len();
    for (i, op) in ops.into_iter().enumerate() {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                let keep_head = if i == 0 { 0 } else { CONTEXT.min(len) };
                let keep_tail = if i + 1 == count {
                    0
                } else {
                    CONTEXT.min(len - keep_head)
                };
                let mut hidden = len - keep_head - keep_tail;
                // A comment in place of one element saves nothing.
                let keep_head = if hidden == 1 {
                    hidden = 0;
                    keep_head + 1
                } else {
                    keep_head
                };
                for v in &before[old_index..old_index + keep_head] {
                    value(out, depth, Mark::None, "", v, ",");
                }
                if hidden > 0 {
                    out.push(Line::comment(
                        depth,
                        format!(
                            "({hidden} unchanged element{} hidden)",
                            if hidden == 1 { "" } else { "s" }
                        ),
                        Style::Dim,
                    ));
                }
                for v in &before[old_index + len - keep_tail..old_index + len] {
                    value(out, depth, Mark::None, "", v, ",");
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for v in &before[old_index..old_index + old_len] {
                    value(out, depth, Mark::Remove, "", v, ",");
                }
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                for v in &after[new_index..new_index + new_len] {
                    value(out, depth, Mark::Add, "", v, ",");
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for v in &before[old_index..old_index + old_len] {
                    value(out, depth, Mark::Remove, "", v, ",");
                }
                for v in &after[new_index..new_index + new_len] {
                    value(out, depth, Mark::Add, "", v, ",");
                }
            }
        }
    }
}

/// Line diff of two long or multi-line strings.
fn text_diff(out: &mut Vec<Line>, depth: usize, before: &str, after: &str) {
    let diff = TextDiff::from_lines(before, after);
    for change in diff.iter_all_changes() {
        let mark = match change.tag() {
            ChangeTag::Delete => Mark::Remove,
            ChangeTag::Insert => Mark::Add,
            ChangeTag::Equal => Mark::None,
        };
        let text = change.value().trim_end_matches(['\n', '\r']).to_string();
        out.push(Line::block(depth, mark).push(text, Style::Plain));
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::to_text;
    use super::*;
    use serde_json::json;

    fn render(attrs: &[Attr<'_>]) -> String {
        let mut out = Vec::new();
        attribute_lines(&mut out, 1, attrs);
        to_text(&out, false)
    }

    fn attr<'a>(name: &'a str, before: Option<&'a Value>, after: Option<&'a Value>) -> Attr<'a> {
        Attr {
            name,
            before,
            after,
            sensitive: false,
            forces_replace: false,
        }
    }

    #[test]
    fn redact_hides_hashes_and_secret_fields_but_keeps_references() {
        let v = json!({
            "key_hash": "sha256:abcd",
            "key": "literal",
            "peer": { "key": { "env": "BGP_KEY" }, "ip": "10.0.0.2" },
            "note": "sha256:ffff",
            "name": "bj"
        });
        let r = redact(&v);
        assert_eq!(r["key_hash"], SENSITIVE);
        assert_eq!(r["key"], SENSITIVE);
        assert_eq!(r["peer"]["key"], json!({ "env": "BGP_KEY" }));
        assert_eq!(r["note"], SENSITIVE);
        assert_eq!(r["name"], "bj");
    }

    #[test]
    fn a_value_is_copied_for_redaction_only_when_it_holds_a_secret() {
        let secret_free = [
            json!({ "peer": { "key": { "env": "BGP_KEY" }, "ip": "10.0.0.2" } }),
            json!(["a", { "name": "bj", "key": null }]),
            json!("plain"),
        ];
        for v in &secret_free {
            assert!(matches!(redacted(v), std::borrow::Cow::Borrowed(_)), "{v}");
        }
        let holding = [
            json!({ "peer": { "Key": "literal" } }),
            json!([1, "sha256:ab"]),
            json!({ "bgp_key": { "file": 3 } }),
        ];
        for v in &holding {
            assert!(matches!(redacted(v), std::borrow::Cow::Owned(_)), "{v}");
            assert_eq!(*redacted(v), redact(v));
            assert_ne!(redact(v), *v);
        }
    }

    #[test]
    fn scalar_change_shows_old_and_new() {
        let (b, a) = (json!(500), json!(1000));
        let text = render(&[attr("bandwidth", Some(&b), Some(&a))]);
        assert_eq!(text, "      ~ bandwidth = 500 -> 1000\n");
    }

    #[test]
    fn lists_diff_element_wise_and_hide_long_unchanged_runs() {
        let b = json!(["a", "b", "c", "d", "e", "f"]);
        let a = json!(["a", "b", "c", "d", "e", "g"]);
        let text = render(&[attr("subnets", Some(&b), Some(&a))]);
        assert_eq!(
            text,
            "      ~ subnets = [\n            # (4 unchanged elements hidden)\n            \"e\",\n          - \"f\",\n          + \"g\",\n        ]\n"
        );
    }

    #[test]
    fn sensitive_values_never_print() {
        let (b, a) = (json!("sha256:0001"), json!("sha256:0002"));
        let mut change = attr("key", Some(&b), Some(&a));
        change.sensitive = true;
        change.forces_replace = true;
        let text = render(&[change]);
        assert_eq!(text, "      ~ key = (sensitive) # forces replacement\n");
        assert!(!text.contains("sha256"));
    }

    #[test]
    fn sensitive_change_with_withheld_values_still_shows() {
        let mut change = attr("peers[a].key", None, None);
        change.sensitive = true;
        assert_eq!(render(&[change]), "      ~ peers[a].key = (sensitive)\n");
    }

    #[test]
    fn multi_line_strings_diff_by_line() {
        let (b, a) = (json!("one\ntwo\nthree"), json!("one\n2\nthree"));
        let text = render(&[attr("description", Some(&b), Some(&a))]);
        assert!(text.contains("~ description = <<-EOT"));
        assert!(text.contains("- two"));
        assert!(text.contains("+ 2"));
    }

    #[test]
    fn unchanged_attributes_are_hidden_and_counted() {
        let v = json!(1);
        let text = render(&[attr("a", Some(&v), Some(&v)), attr("b", None, None)]);
        assert_eq!(text, "        # (2 unchanged attributes hidden)\n");
    }
}
