//! `cda show PLANFILE [--json]`: render a saved plan, no network.

use crate::cli::ShowArgs;
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use plan::planfile::Origin;
use plan::render;
use std::io::Write as _;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<Status> {
    let saved = common::load_planfile(&args.planfile)?;
    let several = saved.len() > 1;
    let mut jsons = Vec::new();
    for (n, one) in saved.into_iter().enumerate() {
        let origin = one.origin.clone();
        let mut plan = one.plan;
        // A plan file written before the blast-radius guard carries no
        // verdict: show the warning `apply` would give it.
        if plan.mass_destroy.is_none() {
            plan.mass_destroy = plan::guard::assess(&plan);
        }
        if args.json {
            let json = render::json(&plan);
            jsons.push(match &origin {
                Some(origin) => with_origin(&json, origin)?,
                None => json,
            });
            continue;
        }
        let mut out = printer.stdout();
        if several {
            // As `cda plan` shows several regions.
            let gap = if n == 0 { "" } else { "\n" };
            write!(out, "{gap}Region {}:\n\n", plan.region)?;
        }
        write!(out, "{}", render::human(&plan, &printer.human_options()))?;
        writeln!(out, "\n{}", origin_line(origin.as_ref()))?;
    }
    match jsons.as_slice() {
        [] => {}
        [one] => writeln!(printer.stdout(), "{one}")?,
        // As `cda plan --json` shows several regions.
        _ => {
            let docs = jsons
                .iter()
                .map(|j| serde_json::from_str::<serde_json::Value>(j))
                .collect::<Result<Vec<_>, _>>()?;
            writeln!(
                printer.stdout(),
                "{}",
                serde_json::json!({ "regions": docs })
            )?;
        }
    }
    Ok(Status::Success)
}

/// The plan's JSON with an `origin` member last, the other members in
/// their order (a `serde_json::Value` would sort them).
fn with_origin(json: &str, origin: &Origin) -> anyhow::Result<String> {
    let head = json
        .trim_end()
        .strip_suffix('}')
        .ok_or_else(|| anyhow::anyhow!("the plan's JSON rendering is not an object"))?;
    let origin = serde_json::to_string_pretty(origin)?.replace('\n', "\n  ");
    Ok(format!("{},\n  \"origin\": {origin}\n}}", head.trim_end()))
}

/// Where the plan was made: `apply` refuses it anywhere else.
fn origin_line(origin: Option<&Origin>) -> String {
    match origin {
        Some(o) => format!(
            "Planned against {} in region {} with the access key whose fingerprint is {}.",
            o.endpoint, o.region, o.access_key
        ),
        None => "The plan file does not record the endpoint and access key it was made with (written by an older cda).".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_last_member_of_the_json() {
        let origin = Origin {
            endpoint: "http://127.0.0.1:8787".into(),
            region: "nm8".into(),
            access_key: "sha256:0123abcd".into(),
        };
        let json = with_origin("{\n  \"b\": 1,\n  \"a\": 2\n}", &origin).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["origin"]["access_key"], "sha256:0123abcd");
        assert!(
            json.find("\"b\"").unwrap() < json.find("\"a\"").unwrap(),
            "{json}"
        );
        assert!(json.ends_with("\n  }\n}"), "{json}");
    }
}
