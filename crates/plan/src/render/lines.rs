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
        self.parts
            .iter()
            .map(|(text, style)| paint(text, *style, color))
            .collect()
    }

    /// The line as a terminal shows it.
    fn human(&self, color: bool) -> String {
        let body = self.text(color);
        let line = match self.indent {
            Indent::Raw => body,
            Indent::Comment(depth) => format!("{}# {body}", " ".repeat(4 * depth + 4)),
            Indent::Block(depth) => {
                let gutter = format!("{:>3} ", self.mark.symbol());
                let gutter = if color { paint_mark(&gutter) } else { gutter };
                format!("{}{gutter}{body}", " ".repeat(4 * depth))
            }
        };
        line.trim_end().to_string()
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
        out.push_str(&line.human(color));
        out.push('\n');
    }
}

pub(crate) fn to_diff(lines: &[Line]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.diff());
        out.push('\n');
    }
    out
}

pub(crate) fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    match style {
        Style::Plain => text.to_string(),
        Style::Dim => text.dimmed().to_string(),
        Style::Bold => text.bold().to_string(),
        Style::Red => text.red().to_string(),
        Style::Green => text.green().to_string(),
        Style::Yellow => text.yellow().to_string(),
    }
}

fn paint_mark(gutter: &str) -> String {
    gutter
        .chars()
        .map(|c| match c {
            '+' => c.green().to_string(),
            '-' => c.red().to_string(),
            '~' => c.yellow().to_string(),
            _ => c.to_string(),
        })
        .collect()
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
