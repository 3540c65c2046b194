//! Terminal facts and colour choice, decided once per run.

use crate::cli::ColorChoice;
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Colour stdout (plan renderings).
    pub color: bool,
    /// stdin is a terminal: approval prompts are possible.
    pub interactive: bool,
    /// stderr is a terminal: progress bars instead of plain lines.
    pub progress_bars: bool,
    /// Colour stderr (logs, warnings).
    stderr_color: bool,
}

impl Output {
    pub fn detect(choice: ColorChoice) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            color: color_enabled(choice, no_color, std::io::stdout().is_terminal()),
            interactive: std::io::stdin().is_terminal(),
            progress_bars: std::io::stderr().is_terminal(),
            stderr_color: color_enabled(choice, no_color, std::io::stderr().is_terminal()),
        }
    }

    pub fn color_stderr(&self) -> bool {
        self.stderr_color
    }
}

/// `always`/`never` are explicit and win; `auto` colours a terminal unless
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn color_enabled(choice: ColorChoice, no_color: bool, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        assert!(color_enabled(ColorChoice::Auto, false, true));
        assert!(!color_enabled(ColorChoice::Auto, true, true));
        assert!(!color_enabled(ColorChoice::Auto, false, false));
        assert!(color_enabled(ColorChoice::Always, true, false));
        assert!(!color_enabled(ColorChoice::Never, false, true));
    }
}
