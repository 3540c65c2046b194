//! Loading the desired-state YAML file: parse with spans, convert to
//! [`crate::model::DesiredState`], validate, and report every problem at
//! once as [`Diagnostics`] pointing at `file:line:col`.
//!
//! A file is first read on the streaming path (`convert/stream.rs`), which
//! converts each list item as it is parsed and keeps no tree: its cost is
//! the file's. That path gives up at the first problem; the file is then
//! read on the tree path, into a generic node tree that keeps the location
//! of every node (serde-saphyr's `Spanned`), walked by hand. Typed
//! deserialisation would stop at the first error and could not see
//! duplicate keys; the walk reports them all and keeps going. Both paths
//! share the readers of every model type, so they build the same state.
//!
//! Hostile input is expected (files come from merge requests): size,
//! nesting depth, node count and alias expansion are capped, and no input
//! makes this module panic.

mod convert;
mod diagnostics;
mod estate;
mod fields;
mod indent;
mod node;
#[cfg(test)]
mod stream_tests;
mod validate;

pub use diagnostics::{Diagnostics, Problem};
pub use estate::{files_of, load_estate, parse_estate, Estate, RegionalState};

use crate::model::DesiredState;
use convert::Conv;
use diagnostics::{Collector, LineIndex};
use miette::SourceSpan;
use node::{Loc, Node, Value};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Largest desired-state file accepted (10 MiB). Real estates are well
/// under 1 MiB; the cap keeps a hostile file from exhausting memory.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Deepest nesting accepted. The model is six levels deep; the cap keeps
/// recursion (ours and the parser's) far from the stack limit.
const MAX_DEPTH: usize = 32;

/// Events replayed through aliases across the file: generous for real
/// reuse of anchors, small enough to stop a "billion laughs" file.
const MAX_ALIAS_REPLAY: usize = 100_000;

/// Parses and validates desired-state YAML. `file_name` is used in
/// diagnostics only.
pub fn parse(file_name: &str, text: &str) -> Result<DesiredState, Diagnostics> {
    parse_with_source_map(file_name, text).map(|(s, _)| s)
}

/// Like [`parse`], and also returns where every field is in the file, so
/// later stages (planning) can point at `file:line:col` too.
pub fn parse_with_source_map(
    file_name: &str,
    text: &str,
) -> Result<(DesiredState, SourceMap), Diagnostics> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(file_name, text.len()));
    }
    // The parser skips a byte-order mark and counts positions after it;
    // so do we.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let state = match stream_valid(file_name, text) {
        Some(state) => state,
        None => tree_state(file_name, text)?,
    };
    let map = SourceMap::single(
        file_name,
        text,
        state.physical_lines.len(),
        state.gateways.len(),
    );
    Ok((state, map))
}

/// The state of a file read on the tree path, or every problem in it.
fn tree_state(file_name: &str, text: &str) -> Result<DesiredState, Diagnostics> {
    let root = read_tree(file_name, text)?;
    let mut cv = Conv::new(Collector::new(file_name, text), &root);
    let state = cv.desired_state(&root);
    cv.validate(&state, None);
    if cv.c.has_errors() {
        return Err(cv.c.finish());
    }
    Ok(state)
}

/// The state of a file read on the streaming path and valid; `None` when
/// it has a problem, to be found and reported on the tree path.
fn stream_valid(file_name: &str, text: &str) -> Option<DesiredState> {
    let (mut cv, state) = Conv::stream_file(file_name, text)?;
    cv.validate(&state, None);
    (!cv.c.has_errors()).then_some(state)
}

/// Reads and parses a desired-state file. A file that cannot be read, is
/// too large or is not UTF-8 is reported as a diagnostic naming the file.
pub fn load(path: &Path) -> Result<DesiredState, Diagnostics> {
    load_with_source_map(path).map(|(s, _)| s)
}

/// Like [`load`], with the [`SourceMap`].
pub fn load_with_source_map(path: &Path) -> Result<(DesiredState, SourceMap), Diagnostics> {
    let name = path.display().to_string();
    let text = read_text(path, &name)?;
    parse_with_source_map(&name, &text)
}

/// Lower-hex SHA-256 of the file's text: the desired-state hash recorded in
/// a saved plan.
pub fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Reads a desired-state file as text the way [`load`] does: at most
/// [`MAX_FILE_BYTES`] are read, and a file that cannot be read, is too
/// large or is not UTF-8 is a diagnostic naming `file:line:col` (for bad
/// bytes, the position of the first one). For callers that need the text
/// itself (e.g. to hash it) before calling [`parse`].
pub fn read_file(path: &Path) -> Result<String, Diagnostics> {
    read_text(path, &path.display().to_string())
}

fn read_text(path: &Path, name: &str) -> Result<String, Diagnostics> {
    let io_err = |e: std::io::Error| {
        Diagnostics::whole_file(
            name,
            String::new(),
            1,
            1,
            0..0,
            format!("cannot read the file: {e}"),
        )
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut bytes = Vec::new();
    // Read one byte past the cap so an oversized file is detected without
    // reading all of it (the length in metadata may lie, e.g. for pipes).
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() > MAX_FILE_BYTES {
        let len = std::fs::metadata(path).map_or(bytes.len(), |m| {
            usize::try_from(m.len()).unwrap_or(usize::MAX)
        });
        return Err(too_large(name, len));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        // Show the valid part: it is text, and the position is at its end.
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let (line, col) = LineIndex::new(&text).line_col(&text, valid);
        Diagnostics::whole_file(
            name,
            text,
            line,
            col,
            valid..valid,
            format!("the file is not valid UTF-8 (invalid byte at offset {valid})"),
        )
    })
}

fn too_large(name: &str, len: usize) -> Diagnostics {
    Diagnostics::whole_file(
        name,
        String::new(),
        1,
        1,
        0..0,
        format!(
            "the file is {len} bytes, larger than the {} MiB limit for a desired-state file",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

fn options() -> Options {
    Options {
        budget: Some(Budget {
            max_depth: MAX_DEPTH,
            max_documents: 1,
            // Bounded by the size cap anyway; these stop pathological
            // shapes early.
            max_events: 2 * MAX_FILE_BYTES,
            max_nodes: MAX_FILE_BYTES / 2,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_total_scalar_bytes: MAX_FILE_BYTES,
            max_merge_keys: 1_000,
            ..Budget::default()
        }),
        // Duplicates reach the node tree and are reported there, all of them.
        duplicate_keys: DuplicateKeyPolicy::LastWins,
        alias_limits: serde_saphyr::options::AliasLimits {
            max_total_replayed_events: MAX_ALIAS_REPLAY,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 1_000,
        },
        // `yes`/`no`/`on`/`off` stay strings (a line named `on` is a name).
        strict_booleans: true,
        with_snippet: false,
        ..Options::default()
    }
}

fn null_root() -> Node {
    let start = Loc {
        line: 1,
        col: 1,
        offset: 0,
        len: 0,
    };
    Node {
        value: Value::Null,
        loc: start,
        def: start,
    }
}

fn read_tree(file: &str, text: &str) -> Result<Node, Diagnostics> {
    // A file with nothing but comments or whitespace is an empty document.
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        return Ok(null_root());
    }
    let one = |loc: Loc, message: String| {
        let mut c = Collector::new(file, text);
        c.error(loc, "", "here", message, None);
        c.finish()
    };
    // Read every document so a second one is refused, not silently ignored.
    let docs = serde_saphyr::from_multiple_with_options::<Node>(text, options()).map_err(|e| {
        let loc = e
            .location()
            .map_or(null_root().loc, |l| Loc::from_error(&l));
        if let Some(d) = indent::dedented_before(text, loc.line as usize) {
            return dedented(file, text, &d);
        }
        one(loc, syntax_message(&e))
    })?;
    let mut docs = docs.into_iter();
    let first = docs.next();
    if let Some(second) = docs.next() {
        return Err(one(second.loc, DOCUMENTS.to_owned()));
    }
    Ok(first.unwrap_or_else(null_root))
}

/// The problem for a key indented less than its neighbours, at that key.
fn dedented(file: &str, text: &str, d: &indent::Dedented<'_>) -> Diagnostics {
    let loc = Loc {
        line: u32::try_from(d.line).unwrap_or(u32::MAX),
        col: u32::try_from(d.col).unwrap_or(u32::MAX),
        offset: u32::try_from(d.offset).unwrap_or(u32::MAX),
        len: u32::try_from(d.key.len()).unwrap_or(u32::MAX),
    };
    let mut c = Collector::new(file, text);
    c.error(
        loc,
        "",
        "indented less than the lines around it",
        format!(
            "invalid YAML: `{}` starts at column {}, left of the lines around it (column {}), which ends its object early",
            d.key, d.col, d.expected_col
        ),
        Some(format!(
            "indent `{}` to column {} if it belongs with the lines around it",
            d.key, d.expected_col
        )),
    );
    c.finish()
}

const DOCUMENTS: &str = "the file holds more than one YAML document (`---`); cda reads one";

fn syntax_message(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    match e {
        E::WithSnippet { error, .. } => syntax_message(error),
        E::Message { msg, .. } if msg.contains("recursion limit") => {
            "the file is refused: nesting is too deep".to_owned()
        }
        E::Message { msg, .. } | E::HookError { msg, .. } => format!("invalid YAML: {msg}"),
        E::Eof { .. } => "invalid YAML: unexpected end of input".to_owned(),
        E::Unexpected { expected, .. } => format!("invalid YAML: expected {expected}"),
        E::ContainerEndMismatch { .. } => {
            "invalid YAML: list or mapping end with no start".to_owned()
        }
        E::UnknownAnchor { .. } => {
            "invalid YAML: alias refers to an anchor that is not defined before it".to_owned()
        }
        E::Budget { breach, .. } => budget_message(breach),
        E::QuotingRequired { .. } => "invalid YAML: value must be quoted".to_owned(),
        E::IOError { cause } => format!("cannot read the YAML: {cause}"),
        #[allow(unreachable_patterns)]
        other => format!("invalid YAML: {other}"),
    }
}

fn budget_message(b: &BudgetBreach) -> String {
    let what = match b {
        BudgetBreach::Depth { .. } => format!("nesting is deeper than {MAX_DEPTH} levels"),
        BudgetBreach::Documents { .. } => return DOCUMENTS.to_owned(),
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            "too many aliases (`*name`)".to_owned()
        }
        BudgetBreach::Anchors { .. } => "too many anchors (`&name`)".to_owned(),
        BudgetBreach::MergeKeys { .. } => "too many merge keys (`<<`)".to_owned(),
        BudgetBreach::Events { .. } | BudgetBreach::Nodes { .. } => {
            "too many YAML nodes".to_owned()
        }
        BudgetBreach::ScalarBytes { .. } | BudgetBreach::InputBytes { .. } => {
            "too much text".to_owned()
        }
        BudgetBreach::SequenceUnbalanced => "unbalanced structure".to_owned(),
    };
    format!("the file is refused: {what}")
}

/// Where each field of a parsed file is, by field path
/// (`gateways[0].static_routes[1].dst`), for diagnostics raised after
/// parsing (e.g. a plan that would replace a protected object).
///
/// The state of an estate split across files is the files' lists one after
/// the other; the map keeps each file's part and turns an index of the
/// merged lists back into the file and index it came from.
///
/// Each part holds its text, not its node tree: the tree of a large file
/// is ~20× its size and is needed only when something must be located,
/// which is rare, so it is read again then (once) instead of being kept
/// through the whole run.
#[derive(Debug, Clone)]
pub struct SourceMap {
    /// Never empty.
    parts: Vec<SourcePart>,
}

#[derive(Debug, Clone)]
struct SourcePart {
    file: String,
    text: Arc<str>,
    index: LineIndex,
    /// The node tree, read again on first use.
    root: OnceLock<Option<Node>>,
    /// Where this file's lines and gateways start in the merged lists.
    lines_from: usize,
    gateways_from: usize,
    lines: usize,
    gateways: usize,
}

/// A place in the desired-state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceLocation {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Byte range, for miette.
    pub span: SourceSpan,
}

impl SourceMap {
    fn single(file: &str, text: &str, lines: usize, gateways: usize) -> Self {
        SourceMap {
            parts: vec![SourcePart {
                file: file.to_owned(),
                text: Arc::from(text),
                index: LineIndex::new(text),
                root: OnceLock::new(),
                lines_from: 0,
                gateways_from: 0,
                lines,
                gateways,
            }],
        }
    }

    /// The maps of several files whose states were merged in this order.
    fn merged(maps: Vec<SourceMap>) -> Option<Self> {
        let (mut lines, mut gateways) = (0, 0);
        let mut parts = Vec::new();
        for mut part in maps.into_iter().flat_map(|m| m.parts) {
            part.lines_from = lines;
            part.gateways_from = gateways;
            lines += part.lines;
            gateways += part.gateways;
            parts.push(part);
        }
        (!parts.is_empty()).then_some(SourceMap { parts })
    }

    /// The file name given to [`parse`] (or the path given to [`load`]);
    /// of an estate of several files, the first.
    pub fn file(&self) -> &str {
        &self.parts[0].file
    }

    /// Every file of the map, in order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| p.file.as_str())
    }

    /// The file that `path` (of the merged state) is written in.
    pub fn file_of(&self, path: &str) -> &str {
        &self.route(path).0.file
    }

    /// The part holding `path`, and the path within that file.
    fn route<'p>(&self, path: &'p str) -> (&SourcePart, std::borrow::Cow<'p, str>) {
        use std::borrow::Cow;
        if self.parts.len() > 1 {
            type Range = fn(&SourcePart) -> (usize, usize);
            let lists: [(&str, Range); 2] = [
                ("physical_lines[", |p| (p.lines_from, p.lines)),
                ("gateways[", |p| (p.gateways_from, p.gateways)),
            ];
            for (list, range) in lists {
                let Some(rest) = path.strip_prefix(list) else {
                    continue;
                };
                let Some((n, after)) = rest.split_once(']') else {
                    break;
                };
                let Ok(n) = n.parse::<usize>() else {
                    break;
                };
                let found = self.parts.iter().find_map(|p| {
                    let (from, count) = range(p);
                    (from..from + count).contains(&n).then_some((p, n - from))
                });
                if let Some((part, local)) = found {
                    let local = format!("{list}{local}]{after}");
                    return (part, Cow::Owned(local));
                }
            }
        }
        (&self.parts[0], Cow::Borrowed(path))
    }

    /// Where `path` is, if it was written in the file.
    pub fn location(&self, path: &str) -> Option<SourceLocation> {
        let (part, path) = self.route(path);
        match part.root()?.lookup(&path) {
            (n, true) => Some(part.to_location(n.loc)),
            _ => None,
        }
    }

    /// Diagnostics for problems found after parsing, each `(path, message)`
    /// pointing at the path (or its nearest parent written in the file).
    /// Of an estate of several files, the file of the first problem.
    pub fn diagnostics<'a>(
        &self,
        problems: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Diagnostics {
        let mut problems = problems.into_iter().peekable();
        let part = problems
            .peek()
            .map_or(&self.parts[0], |(p, _)| self.route(p).0);
        let mut c = Collector::new(&part.file, &part.text);
        let root = part.root();
        for (path, message) in problems {
            let (here, local) = self.route(path);
            if !std::ptr::eq(here, part) {
                continue;
            }
            let loc = root.map_or_else(Loc::default, |r| r.lookup(&local).0.loc);
            c.error(loc, path, "here", message, None);
        }
        c.finish()
    }
}

impl SourcePart {
    /// The file's node tree. It parsed when the map was made, so reading
    /// the same text again gives it back.
    fn root(&self) -> Option<&Node> {
        self.root
            .get_or_init(|| read_tree(&self.file, &self.text).ok())
            .as_ref()
    }

    fn to_location(&self, l: Loc) -> SourceLocation {
        let r = self.index.byte_range(&self.text, l);
        let (line, column) = self.index.line_col(&self.text, r.start);
        SourceLocation {
            line,
            column,
            span: (r.start, r.end - r.start).into(),
        }
    }
}
