//! `cda validate -f FILE…`: no network, every diagnostic of every file at
//! once; for people (snippets on stderr), editors and CI (`--format json`)
//! or GitHub Actions (`--format github`, workflow commands that annotate
//! the files).

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use plan::desired::{self, Diagnostics, Problem};
use serde::Serialize;
use std::io::Write as _;

pub fn run(args: &ValidateArgs, printer: Printer) -> anyhow::Result<Status> {
    let format = if args.json {
        ValidateFormat::Json
    } else {
        args.format
    };
    if format == ValidateFormat::Human {
        return match common::load_estate(&args.file, printer) {
            Ok(estate) => {
                let mut out = printer.stdout();
                for file in &estate.files {
                    writeln!(out, "{file}: valid")?;
                }
                Ok(Status::Success)
            }
            Err(status) => Ok(status),
        };
    }
    let (files, problems) = match desired::load_estate(&args.file) {
        Ok(estate) => (estate.files, Vec::new()),
        Err(problems) => (
            problems.iter().map(|d| d.file().to_owned()).collect(),
            problems,
        ),
    };
    let mut out = printer.stdout();
    match format {
        ValidateFormat::Json => writeln!(out, "{}", json(&files, &problems))?,
        _ => write!(out, "{}", github(&problems))?,
    }
    Ok(if problems.is_empty() {
        Status::Success
    } else {
        Status::Failure
    })
}

/// `--format json`: one document, whether the file is valid or not.
#[derive(Serialize)]
struct Report<'a> {
    /// The files read; when some could not be, those with problems.
    files: &'a [String],
    valid: bool,
    diagnostics: Vec<Entry<'a>>,
    /// Problems found beyond the cap and not listed (a hostile file).
    omitted: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: &'static str,
    code: String,
    /// Field path (`gateways[0].lines[1]`); empty for the file as a whole.
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// The kind of problem as a stable slug of its label (`unknown field` →
/// `unknown-field`), for editors to group and CI to filter on.
fn code(problem: &Problem) -> String {
    let slug: String = problem
        .label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "invalid".to_owned()
    } else {
        slug
    }
}

fn json(files: &[String], problems: &[Diagnostics]) -> String {
    let diagnostics = problems
        .iter()
        .flat_map(|d| {
            d.problems().iter().map(|p| Entry {
                file: d.file(),
                line: p.line,
                column: p.column,
                severity: "error",
                code: code(p),
                path: &p.path,
                message: &p.message,
                help: p.help.as_deref(),
            })
        })
        .collect();
    let report = Report {
        files,
        valid: problems.is_empty(),
        diagnostics,
        omitted: problems.iter().map(Diagnostics::omitted).sum(),
    };
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// `--format github`: one `::error file=…,line=…,col=…,title=…::message`
/// workflow command per problem; GitHub Actions turns each into an
/// annotation on that line of the file.
fn github(problems: &[Diagnostics]) -> String {
    let mut out = String::new();
    for d in problems {
        for p in d.problems() {
            let mut message = p.to_string();
            if let Some(help) = &p.help {
                message.push_str(&format!("\n{help}"));
            }
            out.push_str(&format!(
                "::error file={},line={},col={},title={}::{}\n",
                property(d.file()),
                p.line,
                p.column,
                property(&format!("cda {}", code(p))),
                data(&message)
            ));
        }
        if d.omitted() > 0 {
            out.push_str(&format!(
                "::error file={}::{} more problems not listed\n",
                property(d.file()),
                d.omitted()
            ));
        }
    }
    out
}

/// Escaping of a workflow command's message (GitHub's toolkit rules).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(data("50% off\nnext"), "50%25 off%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
