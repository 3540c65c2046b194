//! Problems found in a desired-state file, every one with its place.
//!
//! [`Diagnostics`] is what [`crate::desired::parse`] returns on failure: the
//! whole list, not just the first problem. It renders two ways:
//! - `Display`: one `file:line:col: error: message` line per problem, for
//!   CI logs and `grep`;
//! - `miette::Diagnostic`: every problem is a related diagnostic with its
//!   own label on the source snippet and its own help.

use super::node::Loc;
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Upper bound on collected problems: a hostile file can otherwise make us
/// build millions of them. The rest are counted, not kept.
pub(crate) const MAX_PROBLEMS: usize = 500;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, in one sentence. Never contains a secret value.
    pub message: String,
    /// Field path in the file, e.g. `gateways[0].static_routes[1].next_hops[0].line`;
    /// empty for problems with the file as a whole.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the source, for miette.
    pub span: SourceSpan,
    /// Short text under the underline in the snippet.
    pub label: String,
    /// How to fix it, e.g. a did-you-mean.
    pub help: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

/// Every problem found in one desired-state file.
///
/// - `to_string()` gives one `file:line:col: error: path: message (help)`
///   line per problem: what CI logs and `grep` want.
/// - As a `miette::Diagnostic` (e.g. `miette::Report::new(d)` or
///   `GraphicalReportHandler::render_report`), the header is that same
///   list, as an overview (miette uses `Display` for the header), followed
///   by every problem with its own source snippet, label and help. The
///   snippets come from a copy of the file with literal secrets masked.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    file: String,
    /// The file's text with secrets masked, so a snippet never shows them.
    source: Arc<NamedSource<String>>,
    problems: Vec<Problem>,
    /// Problems found beyond [`MAX_PROBLEMS`].
    omitted: usize,
}

impl Diagnostics {
    /// The file name the problems refer to.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The problems, in the order they occur in the file.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// How many further problems were found but not kept (hostile input).
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    pub fn len(&self) -> usize {
        self.problems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// A single problem for the whole file (I/O, size, encoding), pointing
    /// at `span` of `text`.
    pub(crate) fn whole_file(
        file: &str,
        text: String,
        line: usize,
        column: usize,
        span: Range<usize>,
        message: String,
    ) -> Self {
        let problem = Problem {
            message,
            path: String::new(),
            line,
            column,
            span: (span.start, span.end - span.start).into(),
            label: "here".to_owned(),
            help: None,
        };
        Diagnostics {
            file: file.to_owned(),
            source: Arc::new(NamedSource::new(file, text)),
            problems: vec![problem],
            omitted: 0,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}:{}:{}: error: {p}", self.file, p.line, p.column)?;
            if let Some(help) = &p.help {
                write!(f, " ({help})")?;
            }
        }
        if self.omitted > 0 {
            write!(
                f,
                "\n{}: error: {} more problems not shown",
                self.file, self.omitted
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("cda::desired_state"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let n = self.problems.len() + self.omitted;
        let noun = if n == 1 { "problem" } else { "problems" };
        Some(Box::new(format!("{n} {noun} in {}", self.file)))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source.as_ref())
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.problems.iter().map(|p| p as &dyn Diagnostic)))
    }
}

/// Longest message, help or path kept, in characters: values from the
/// file are quoted in messages, and a hostile file can hold a megabyte-long
/// name.
const MAX_TEXT: usize = 300;

/// `s` cut to [`MAX_TEXT`] with control characters escaped, so quoting a
/// value from the file cannot flood a log or drive a terminal.
fn printable(s: String) -> String {
    if s.chars().count() <= MAX_TEXT && !s.chars().any(char::is_control) {
        return s;
    }
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n >= MAX_TEXT {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts serde-saphyr's positions to byte ranges for miette.
///
/// serde-saphyr documents line, column, offset and length as counted in
/// characters, but the version we use (0.0.16 on saphyr-parser-bw 0.0.605)
/// reports them in bytes. Taking either at face value would put carets in
/// the wrong place (or panic on a non-boundary) after any multi-byte
/// character, so each position is checked against the text: if the offset
/// lands on the reported line and column as bytes, it is bytes; otherwise
/// the column is walked as characters within its line. Line starts are
/// indexed once, so a conversion costs the length of one line at most.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// Byte range of a node, clamped to the text and to character boundaries.
    pub(crate) fn byte_range(&self, text: &str, loc: Loc) -> Range<usize> {
        if loc.line == 0 {
            return 0..0;
        }
        let line = loc.line as usize - 1;
        let Some(&line_start) = self.line_starts.get(line) else {
            return text.len()..text.len();
        };
        let line_end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        let col = (loc.col as usize).saturating_sub(1);
        let off = loc.offset as usize;
        let bytes = off >= line_start
            && off <= line_end
            && off - line_start == col
            && text.is_char_boundary(off);
        if bytes {
            let mut end = off.saturating_add(loc.len as usize).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            return off..end;
        }
        let line_text = text.get(line_start..line_end).unwrap_or("");
        let start = line_start
            + line_text
                .char_indices()
                .nth(col)
                .map_or(line_text.len(), |(i, _)| i);
        let rest = text.get(start..).unwrap_or("");
        let len = rest
            .char_indices()
            .nth(loc.len as usize)
            .map_or(rest.len(), |(i, _)| i);
        start..start + len
    }

    /// Sets line and character column of problems sorted by offset, in
    /// one pass over the text: counting characters from the line start for
    /// each problem would be quadratic on a hostile one-line file.
    fn fill_line_col(&self, text: &str, problems: &mut [Problem]) {
        let (mut line, mut at, mut col) = (0, 0, 1);
        for p in problems {
            let off = p.span.offset().min(text.len());
            let l = self.line_starts.partition_point(|&s| s <= off).max(1);
            if l != line || off < at {
                line = l;
                at = self.line_starts[l - 1];
                col = 1;
            }
            col += text.get(at..off).map_or(0, |s| s.chars().count());
            at = off;
            p.line = line;
            p.column = col;
        }
    }

    /// 1-based line and character column of a byte offset.
    pub(crate) fn line_col(&self, text: &str, byte: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= byte).max(1);
        let start = self.line_starts[line - 1];
        let col = text
            .get(start..byte.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Collects problems while the file is walked.
pub(crate) struct Collector<'t> {
    file: &'t str,
    text: &'t str,
    index: LineIndex,
    problems: Vec<Problem>,
    omitted: usize,
    redactions: Vec<Range<usize>>,
}

impl<'t> Collector<'t> {
    pub(crate) fn new(file: &'t str, text: &'t str) -> Self {
        Collector {
            file,
            text,
            index: LineIndex::new(text),
            problems: Vec::new(),
            omitted: 0,
            redactions: Vec::new(),
        }
    }

    pub(crate) fn file(&self) -> &'t str {
        self.file
    }

    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    pub(crate) fn index(&self) -> &LineIndex {
        &self.index
    }

    /// Whether further problems are only counted, not kept.
    pub(crate) fn is_full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Records a problem at `loc`. `label` is the short text under the
    /// underline; the message is the full sentence.
    pub(crate) fn error(
        &mut self,
        loc: Loc,
        path: &str,
        label: &str,
        message: String,
        help: Option<String>,
    ) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.omitted += 1;
            return;
        }
        let range = self.index.byte_range(self.text, loc);
        // Line and column are filled in by `finish`, in one pass.
        let (line, column) = (0, 0);
        self.problems.push(Problem {
            message: printable(message),
            path: printable(path.to_owned()),
            line,
            column,
            span: (range.start, range.end - range.start).into(),
            label: label.to_owned(),
            help: help.map(printable),
        });
    }

    /// Masks the text of a node in every snippet (a literal secret).
    pub(crate) fn redact(&mut self, loc: Loc) {
        let range = self.index.byte_range(self.text, loc);
        self.redactions.push(range);
    }

    pub(crate) fn finish(mut self) -> Diagnostics {
        // Stable order for humans and snapshots: by position, then by path.
        self.problems
            .sort_by(|a, b| (a.span.offset(), &a.path).cmp(&(b.span.offset(), &b.path)));
        self.index.fill_line_col(self.text, &mut self.problems);
        let mut masked = self.text.as_bytes().to_vec();
        for r in &self.redactions {
            let end = r.end.min(masked.len());
            let start = r.start.min(end);
            // Same byte length so every span stays valid; '*' is one byte,
            // so multi-byte characters turn into several stars.
            for b in &mut masked[start..end] {
                *b = b'*';
            }
        }
        let masked =
            String::from_utf8(masked).unwrap_or_else(|_| "<source unavailable>".to_owned());
        // A terminal must not receive the file's control characters
        // (escape sequences); each becomes `?`s of the same byte length.
        let masked = if masked
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            masked
                .chars()
                .flat_map(|c| {
                    let keep = !c.is_control() || matches!(c, '\n' | '\r' | '\t');
                    let n = if keep { 0 } else { c.len_utf8() };
                    std::iter::repeat_n('?', n).chain(keep.then_some(c))
                })
                .collect()
        } else {
            masked
        };
        Diagnostics {
            file: self.file.to_owned(),
            source: Arc::new(NamedSource::new(self.file, masked)),
            problems: self.problems,
            omitted: self.omitted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32, col: u32, len: u32) -> Loc {
        Loc {
            line,
            col,
            offset: 0,
            len,
        }
    }

    fn byte_loc(line: u32, col: u32, offset: u32, len: u32) -> Loc {
        Loc {
            line,
            col,
            offset,
            len,
        }
    }

    #[test]
    fn byte_range_from_byte_positions() {
        // What serde-saphyr 0.0.16 reports: byte column, offset and length.
        let text = "a: 北京\nb: {x: 中文, y: zz}\n";
        let idx = LineIndex::new(text);
        let r = idx.byte_range(text, byte_loc(2, 8, 17, 6));
        assert_eq!(&text[r.clone()], "中文");
        assert_eq!(idx.line_col(text, r.start), (2, 8));
        let r = idx.byte_range(text, byte_loc(2, 19, 28, 2));
        assert_eq!(&text[r.clone()], "zz");
        // Shown to people as the character column.
        assert_eq!(idx.line_col(text, r.start), (2, 15));
        // A length that ends inside a character is widened to its end.
        let r = idx.byte_range(text, byte_loc(1, 4, 3, 4));
        assert_eq!(&text[r], "北京");
    }

    #[test]
    fn byte_range_from_character_positions() {
        // What serde-saphyr documents: character column and length.
        let text = "a: héllo\nb: 中文 x\n";
        let idx = LineIndex::new(text);
        // `x` is the 7th character of line 2 but the 10th byte of it.
        let r = idx.byte_range(text, loc(2, 7, 1));
        assert_eq!(&text[r], "x");
        let r = idx.byte_range(text, loc(2, 4, 2));
        assert_eq!(&text[r], "中文");
        let r = idx.byte_range(text, loc(1, 4, 5));
        assert_eq!(&text[r], "héllo");
    }

    #[test]
    fn byte_range_clamps_out_of_range_positions() {
        let text = "a: 1";
        let idx = LineIndex::new(text);
        assert_eq!(idx.byte_range(text, loc(9, 1, 3)), 4..4);
        assert_eq!(idx.byte_range(text, loc(1, 99, 3)), 4..4);
        assert_eq!(idx.byte_range(text, loc(0, 0, 3)), 0..0);
    }

    #[test]
    fn line_col_of_byte_offset() {
        let text = "ab\nc中d\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // 'd' is after a 3-byte character.
        assert_eq!(idx.line_col(text, 7), (2, 3));
    }

    #[test]
    fn redaction_masks_bytes_in_place() {
        let text = "key: hunter2\n";
        let mut c = Collector::new("f.yaml", text);
        c.error(loc(1, 6, 7), "key", "here", "literal".into(), None);
        c.redact(loc(1, 6, 7));
        let d = c.finish();
        let src = d.source.inner().as_str();
        assert_eq!(src, "key: *******\n");
        assert_eq!(d.problems[0].span, SourceSpan::from((5, 7)));
    }

    #[test]
    fn quoted_values_are_cut_and_escaped() {
        let text = "a: \u{1b}[31mx\n";
        let mut c = Collector::new("f.yaml", text);
        c.error(
            loc(1, 4, 3),
            "a",
            "x",
            format!("bad `{}`", "\u{1b}[31m"),
            None,
        );
        c.error(loc(1, 4, 3), "a", "x", "n".repeat(1000), None);
        let d = c.finish();
        assert_eq!(d.problems[0].message, "bad `\\u{1b}[31m`");
        assert_eq!(d.problems[1].message.chars().count(), MAX_TEXT + 1);
        assert!(d.problems[1].message.ends_with('…'));
        assert_eq!(d.source.inner().as_str(), "a: ?[31mx\n");
    }

    #[test]
    fn problems_beyond_the_cap_are_counted() {
        let mut c = Collector::new("f.yaml", "a: 1\n");
        for _ in 0..MAX_PROBLEMS + 3 {
            c.error(loc(1, 1, 1), "a", "x", "m".into(), None);
        }
        let d = c.finish();
        assert_eq!(d.len(), MAX_PROBLEMS);
        assert_eq!(d.omitted(), 3);
        assert!(d
            .to_string()
            .ends_with("f.yaml: error: 3 more problems not shown"));
    }
}
