//! One line per check: a mark, the check, what was found, and on a failure
//! or warning what to do. Marks are `✓`/`✗`/`!`/`-` on a terminal and
//! `ok`/`FAIL`/`WARN`/`skip` otherwise (logs and pipes keep ASCII words
//! that grep finds).

use std::fmt::Write as _;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// cda can work, but something deserves a look.
    Warn,
    /// cda cannot work with this server as it is.
    Fail,
    /// Not checked (offline, or an earlier check failed).
    Skip,
}

impl Outcome {
    fn mark(self, terminal: bool) -> &'static str {
        match (self, terminal) {
            (Outcome::Pass, true) => "✓",
            (Outcome::Fail, true) => "✗",
            (Outcome::Warn, true) => "!",
            (Outcome::Skip, true) => "-",
            (Outcome::Pass, false) => "ok",
            (Outcome::Fail, false) => "FAIL",
            (Outcome::Warn, false) => "WARN",
            (Outcome::Skip, false) => "skip",
        }
    }
}

/// One check's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub outcome: Outcome,
    /// Short name: `credentials`, `clock skew`, `dialect`, …
    pub name: String,
    /// What was found.
    pub detail: String,
    /// What to do (on a failure or warning).
    pub advice: Option<String>,
}

impl Check {
    pub fn new(outcome: Outcome, name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check {
            outcome,
            name: name.into(),
            detail: detail.into(),
            advice: None,
        }
    }

    pub fn advise(mut self, advice: impl Into<String>) -> Check {
        self.advice = Some(advice.into());
        self
    }
}

/// Every check of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// cda can work with this server: no check failed.
    pub fn workable(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == Outcome::Fail)
    }

    /// The lines to print, then the verdict.
    pub fn render(&self, terminal: bool) -> String {
        let mut out = String::new();
        for check in &self.checks {
            let _ = writeln!(
                out,
                "{:<4} {}: {}",
                check.outcome.mark(terminal),
                check.name,
                check.detail
            );
            if let Some(advice) = &check.advice {
                if check.outcome != Outcome::Pass {
                    let _ = writeln!(out, "     → {advice}");
                }
            }
        }
        let count = |o| self.checks.iter().filter(|c| c.outcome == o).count();
        let _ = writeln!(
            out,
            "\n{}: {} passed, {} warnings, {} failed, {} skipped.",
            if self.workable() {
                "cda can work with this server"
            } else {
                "cda cannot work with this server as it is"
            },
            count(Outcome::Pass),
            count(Outcome::Warn),
            count(Outcome::Fail),
            count(Outcome::Skip)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_verdict() {
        let mut r = Report::default();
        r.push(Check::new(Outcome::Pass, "credentials", "from CTYUN_AK"));
        r.push(Check::new(Outcome::Warn, "clock skew", "+90 s").advise("sync the clock"));
        assert!(r.workable());
        let plain = r.render(false);
        assert!(
            plain.starts_with("ok   credentials: from CTYUN_AK\n"),
            "{plain}"
        );
        assert!(
            plain.contains("WARN clock skew: +90 s\n     → sync the clock"),
            "{plain}"
        );
        assert!(plain.contains("cda can work with this server: 1 passed, 1 warnings"));
        r.push(Check::new(Outcome::Fail, "signature", "refused"));
        assert!(!r.workable());
        assert!(r.render(true).contains("✗    signature: refused"));
    }
}
