//! A tiny line model shared by the human, drift and Markdown renderings: the
//! same lines print as a Terraform-like block on a terminal (markers in the
//! gutter, optional colour) or as a ```` ```diff ```` block in Markdown
//! (marker in column 0 so the forge colours it).

use owo_colors::OwoColorize;

/// The change marker in a line's gutter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    None,
    Add,
    Remove,
    Change,
    Replace,
}

impl Mark {
    fn symbol(self) -> &'static str {
        match self {
            Mark::None => "",
            Mark::Add => "+",
            Mark::Remove => "-",
            Mark::Change => "~",
            Mark::Replace => "-/+",
        }
    }

    /// The first column of a unified diff: GitHub and GitLab colour `+`, `-`
    /// and `!` lines.
    fn diff_column(self) -> char {
        match self {
            Mark::None => ' ',
            Mark::Add => '+',
            Mark::Remove => '-',
            Mark::Change | Mark::Replace => '!',
        }
    }
}

/// Colour of a text fragment; ignored when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Dim,
    Bold,
    Red,
    Green,
    Yellow,
}

/// Where a line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indent {
    /// Column 0, no gutter.
    Raw,
    /// Inside a block at this depth, with a marker gutter.
    Block(usize),
    /// A `# comment` line in a block at this depth, aligned with the names.
    Comment(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub indent: Indent,
    pub mark: Mark,
    pub parts: Vec<(String, Style)>,
}

impl Line {
    pub fn raw(text: impl Into<String>, style: Style) -> Line {
        Line {
            indent: Indent::Raw,
            mark: Mark::None,
            parts: vec![(text.into(), style)],
        }
    }

    pub fn blank() -> Line {
        Line {
            indent: Indent::Raw,
            mark: Mark::None,
            parts: vec![],
        }
    }

    pub fn block(depth: usize, mark: Mark) -> Line {
        Line {
            indent: Indent::Block(depth),
            mark,
            parts: vec![],
        }
    }

    pub fn comment(depth: usize, text: impl Into<String>, style: Style) -> Line {
        Line {
            indent: Indent::Comment(depth),
            mark: Mark::None,
            parts: vec![(text.into(), style)],
        }
    }

    pub fn push(mut self, text: impl Into<String>, style: Style) -> Line {
        self.parts.push((text.into(), style));
        self
    }

    fn text(&self, color: bool) -> String {
        let mut out = String::new();
        self.push_body(&mut out, color);
        out
    }

    fn push_body(&self, out: &mut String, color: bool) {
        for (text, style) in &self.parts {
            push_painted(out, text, *style, color);
        }
    }

    /// The line as a terminal shows it.
    fn human(&self, color: bool) -> String {
        let mut out = String::new();
        self.push_human(&mut out, color);
        out
    }

    /// [`Line::human`] appended to `out`, without a string per part: a
    /// large plan is millions of parts.
    fn push_human(&self, out: &mut String, color: bool) {
        let start = out.len();
        match self.indent {
            Indent::Raw => {}
            Indent::Comment(depth) => {
                push_spaces(out, 4 * depth + 4);
                out.push_str("# ");
            }
            Indent::Block(depth) => {
                push_spaces(out, 4 * depth);
                let symbol = self.mark.symbol();
                push_spaces(out, 3usize.saturating_sub(symbol.len()));
                if color {
                    push_painted_mark(out, symbol);
                } else {
                    out.push_str(symbol);
                }
                out.push(' ');
            }
        }
        self.push_body(out, color);
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
    }

    /// The line inside a ```` ```diff ```` block: same layout, marker moved
    /// to column 0.
    fn diff(&self) -> String {
        let plain = match self.indent {
            Indent::Block(depth) => format!("{}    {}", " ".repeat(4 * depth), self.text(false)),
            _ => self.human(false),
        };
        let rest = plain.get(1..).unwrap_or("");
        format!("{}{rest}", self.mark.diff_column())
            .trim_end()
            .to_string()
    }
}

pub(crate) fn to_text(lines: &[Line], color: bool) -> String {
    let mut out = String::new();
    push_text(&mut out, lines, color);
    out
}

/// [`to_text`] appended to `out`.
pub(crate) fn push_text(out: &mut String, lines: &[Line], color: bool) {
    for line in lines {
        line.push_human(out, color);
        out.push('\n');
    }
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

pub(crate) fn to_diff(lines: &[Line]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.diff());
        out.push('\n');
    }
    out
}

fn push_painted(out: &mut String, text: &str, style: Style, color: bool) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = match (color, style) {
        (false, _) | (true, Style::Plain) => {
            out.push_str(text);
            Ok(())
        }
        (true, Style::Dim) => write!(out, "{}", text.dimmed()),
        (true, Style::Bold) => write!(out, "{}", text.bold()),
        (true, Style::Red) => write!(out, "{}", text.red()),
        (true, Style::Green) => write!(out, "{}", text.green()),
        (true, Style::Yellow) => write!(out, "{}", text.yellow()),
    };
}

/// The gutter's marker, each character in its colour.
fn push_painted_mark(out: &mut String, symbol: &str) {
    use std::fmt::Write as _;
    for c in symbol.chars() {
        let _ = match c {
            '+' => write!(out, "{}", c.green()),
            '-' => write!(out, "{}", c.red()),
            '~' => write!(out, "{}", c.yellow()),
            _ => write!(out, "{c}"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutter_aligns_like_terraform() {
        let lines = vec![
            Line::raw("  # x will be created", Style::Plain),
            Line::block(0, Mark::Add).push("x {", Style::Plain),
            Line::block(1, Mark::Add).push("a = 1", Style::Plain),
            Line::block(0, Mark::None).push("}", Style::Plain),
            Line::block(0, Mark::Replace).push("y {", Style::Plain),
        ];
        assert_eq!(
            to_text(&lines, false),
            "  # x will be created\n  + x {\n      + a = 1\n    }\n-/+ y {\n"
        );
    }

    #[test]
    fn diff_moves_the_marker_to_column_zero() {
        let lines = vec![
            Line::block(1, Mark::Add).push("a = 1", Style::Plain),
            Line::block(1, Mark::Change).push("b = 1 -> 2", Style::Plain),
            Line::block(0, Mark::None).push("}", Style::Plain),
        ];
        assert_eq!(
            to_diff(&lines),
            "+       a = 1\n!       b = 1 -> 2\n    }\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let line = Line::block(0, Mark::Add).push("x", Style::Green);
        assert!(!to_text(std::slice::from_ref(&line), false).contains('\u{1b}'));
        assert!(to_text(&[line], true).contains('\u{1b}'));
    }
}
