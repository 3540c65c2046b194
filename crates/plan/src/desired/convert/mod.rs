//! Walks the node tree and builds [`crate::model::DesiredState`], reporting
//! every shape problem (unknown or duplicate keys, wrong types, missing
//! fields, ranges, malformed addresses) with its place, and carrying on.
//!
//! An object whose required fields cannot be read is dropped from the
//! partial model; everything else is kept so the cross-object rules in
//! `validate.rs` still run and report their findings in the same pass.
//!
//! One file per concern: this one holds the walk's state and the generic
//! readers (objects, lists, optional and required fields); `scalars`
//! reads strings, numbers, enums and addresses, `objects` builds each
//! model type, and `secrets` reads BGP key references without ever
//! echoing a literal key.

pub(crate) mod events;
mod objects;
mod scalars;
mod secrets;
mod stream;

use super::diagnostics::Collector;
use super::fields::{belongs_elsewhere, did_you_mean, item, join};
use super::node::{Loc, Node, Value};
use crate::model::{PortType, SwitchPort};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// A mapping whose keys have been checked against the allowed fields.
struct Obj<'n> {
    loc: Loc,
    path: String,
    what: &'static str,
    fields: Vec<(&'static str, &'n Node)>,
}

impl<'n> Obj<'n> {
    fn p(&self, field: &str) -> String {
        join(&self.path, field)
    }

    /// The field's node; `None` when absent or null.
    fn get(&self, field: &str) -> Option<&'n Node> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, n)| *n)
            .filter(|n| n.value != Value::Null)
    }

    /// The field's node, reporting it as missing when absent or null.
    fn req(&self, cv: &mut Conv<'_>, field: &str) -> Option<&'n Node> {
        let n = self.get(field);
        if n.is_none() {
            let present = self.fields.iter().find(|(f, _)| *f == field);
            let (loc, label) = match present {
                Some((_, n)) => (n.loc, "no value"),
                None => (self.loc, "missing field"),
            };
            cv.fail(
                loc,
                &self.p(field),
                label,
                format!("missing required field `{field}` in {}", self.what),
                None,
            );
        }
        n
    }
}

fn placeholder_switch() -> SwitchPort {
    SwitchPort {
        hostname: String::new(),
        port: String::new(),
        port_type: PortType::OneG,
        ip: None,
    }
}

/// Conversion state: the problem collector and the location of every path.
pub(crate) struct Conv<'t> {
    pub(crate) c: Collector<'t>,
    /// The file's node tree, where locations are looked up; none on the
    /// streaming path, which gives up at the first problem instead of
    /// locating it (see `stream`).
    root: Option<&'t Node>,
    /// Names of lines whose IP version could not be read: the rules about
    /// IP families skip them rather than report follow-on problems.
    pub(crate) broken_lines: HashSet<String>,
    /// (list path, index in the model) → index in the file, for lists
    /// where an unreadable item was left out of the partial model.
    shifted: HashMap<(String, usize), usize>,
    /// Paths where reading failed, and all their ancestors: rules about
    /// what is there (emptiness, presence, bindings) stay quiet below them
    /// instead of piling up. A set, so a hostile file with a million
    /// failures does not make each look-up slow.
    failed: HashSet<String>,
}

impl<'t> Conv<'t> {
    pub(crate) fn new(c: Collector<'t>, root: &'t Node) -> Self {
        Conv {
            root: Some(root),
            ..Self::streaming(c)
        }
    }

    /// A converter with no tree, for [`Conv::stream_file`]: locations are
    /// not needed there, since any problem sends the file down the tree
    /// path, which reports it.
    pub(crate) fn streaming(c: Collector<'t>) -> Self {
        Conv {
            c,
            root: None,
            broken_lines: HashSet::new(),
            shifted: HashMap::new(),
            failed: HashSet::new(),
        }
    }

    /// Whether a problem reported now is still kept, so an expensive hint
    /// is worth computing.
    pub(crate) fn help_wanted(&self) -> bool {
        !self.c.is_full()
    }

    /// Location of `path`, or of its nearest parent written in the file.
    pub(crate) fn loc(&self, path: &str) -> Loc {
        self.root
            .map_or_else(Loc::default, |r| r.lookup(path).0.loc)
    }

    /// Reports a value that could not be read (it is left out of the
    /// partial model); a value kept despite its problem (out of range, host
    /// bits) is reported with `self.c.error` instead.
    pub(crate) fn fail(
        &mut self,
        loc: Loc,
        path: &str,
        label: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut p = path;
        while self.failed.insert(p.to_owned()) {
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.c.error(loc, path, label, message, help);
    }

    /// Whether reading failed at `path` or anywhere inside it.
    pub(crate) fn failed_under(&self, path: &str) -> bool {
        self.failed.contains(path)
    }

    /// Path in the file of item `idx` (in the model) of the list at `list`.
    pub(crate) fn src(&self, list: &str, idx: usize) -> String {
        let i = if self.shifted.is_empty() {
            idx
        } else {
            self.shifted
                .get(&(list.to_owned(), idx))
                .copied()
                .unwrap_or(idx)
        };
        item(list, i)
    }

    fn type_error(&mut self, n: &Node, path: &str, expected: &str) {
        let found = n.value.kind_name();
        self.fail(
            n.loc,
            path,
            &format!("expected {expected}"),
            format!("expected {expected}, found {found}"),
            None,
        );
    }

    fn object<'n>(
        &mut self,
        n: &'n Node,
        path: &str,
        what: &'static str,
        allowed: &[&'static str],
    ) -> Option<Obj<'n>> {
        let Value::Map(pairs) = &n.value else {
            self.type_error(n, path, &format!("a mapping ({what})"));
            return None;
        };
        let known = pairs.len().min(allowed.len());
        let mut fields: Vec<(&'static str, &'n Node)> = Vec::with_capacity(known);
        // Misspelt keys (`nmae:`) and the field each most likely means.
        let mut misspelt: Vec<(&'static str, &'n Node)> = Vec::new();
        // Where each key is first given: a field by a scan of this short
        // list, any other key (an error anyway) by a map, since a hostile
        // object can have a million of them.
        let mut first_field: Vec<(&'static str, Loc)> = Vec::with_capacity(known);
        let mut first_other: HashMap<Cow<'n, str>, Loc> = HashMap::new();
        for (k, v) in pairs {
            let Some(key) = self.key_text(k) else {
                self.fail(
                    k.loc,
                    path,
                    "not a field name",
                    format!(
                        "keys of {what} must be field names, found {}",
                        k.value.kind_name()
                    ),
                    None,
                );
                continue;
            };
            let field = allowed.iter().find(|a| **a == key).copied();
            let first = match field {
                Some(f) => first_field.iter().find(|(g, _)| *g == f).map(|(_, l)| *l),
                None => first_other.get(&key).copied(),
            };
            if let Some(first) = first {
                let msg = format!("duplicate key `{key}` (first given on line {})", first.line);
                self.c
                    .error(k.loc, &join(path, &key), "duplicate key", msg, None);
                continue;
            }
            match field {
                Some(f) => {
                    first_field.push((f, k.loc));
                    fields.push((f, v));
                }
                None => {
                    let meant = did_you_mean(&key, allowed.iter().copied());
                    let help = match meant {
                        Some(s) => {
                            misspelt.push((s, v));
                            format!("did you mean `{s}`?")
                        }
                        None => belongs_elsewhere(&key, path, what)
                            .unwrap_or_else(|| format!("expected one of: {}", allowed.join(", "))),
                    };
                    self.fail(
                        k.loc,
                        &join(path, &key),
                        "unknown field",
                        format!("unknown field `{key}` in {what}"),
                        Some(help),
                    );
                    first_other.insert(key, k.loc);
                }
            }
        }
        // The value under a misspelt key stands in for the field it means
        // when that field is not written: the typo is the one problem
        // reported, not also a missing `name` and every reference to the
        // object that name would have declared. The file is refused all
        // the same (the typo is an error).
        for (field, value) in misspelt {
            if !fields.iter().any(|(f, _)| *f == field) {
                fields.push((field, value));
            }
        }
        Some(Obj {
            loc: n.loc,
            path: path.to_owned(),
            what,
            fields,
        })
    }

    /// The text of a key: strings as they are, plain numbers and booleans as
    /// written (`1G:` is a string, `10:` is not).
    fn key_text<'n>(&self, k: &'n Node) -> Option<Cow<'n, str>> {
        match &k.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(Cow::Owned(self.raw(k))),
            _ => None,
        }
    }

    /// The source text of a plain scalar (where it is defined).
    fn raw(&self, n: &Node) -> String {
        let text = self.c.text();
        let r = self.c.index().byte_range(text, n.def);
        text.get(r).unwrap_or("").to_owned()
    }

    /// A list; null counts as empty.
    fn list<T>(
        &mut self,
        n: Option<&Node>,
        path: &str,
        mut f: impl FnMut(&mut Self, &Node, &str) -> Option<T>,
    ) -> Vec<T> {
        let Some(n) = n else { return Vec::new() };
        match &n.value {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    let p = item(path, i);
                    if let Some(v) = f(self, it, &p) {
                        if out.len() != i {
                            self.shifted.insert((path.to_owned(), out.len()), i);
                        }
                        out.push(v);
                    }
                }
                out
            }
            _ => {
                self.type_error(n, path, "a list");
                Vec::new()
            }
        }
    }

    fn opt<T>(
        &mut self,
        o: &Obj<'_>,
        field: &str,
        f: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        o.get(field).and_then(|n| f(self, n, &o.p(field)))
    }

    fn req<T>(
        &mut self,
        o: &Obj<'_>,
        field: &str,
        f: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        o.req(self, field).and_then(|n| f(self, n, &o.p(field)))
    }
}
