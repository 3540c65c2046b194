//! `cda plan -f FILE…`: refresh, diff, render; optionally save, JSON, Markdown.
//! Files naming several regions plan each against its own inventory, at
//! once through one client (one pace), shown grouped by region.

use crate::cli::{GlobalArgs, PlanArgs};
use crate::commands::{common, earlier};
use crate::exit::Status;
use crate::interrupt::Interrupts;
use crate::journal;
use crate::printer::Printer;
use crate::session::{self, Session};
use anyhow::Context as _;
use plan::planfile::{PlanFile, PlanSet};
use plan::{render, Plan};
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(
    args: &PlanArgs,
    global: &GlobalArgs,
    printer: Printer,
    interrupts: &Interrupts,
) -> anyhow::Result<Status> {
    // A signal abandons the reads; the files are written whole, after the
    // last read, or not at all.
    let (status, session) = tokio::select! {
        biased;
        signal = interrupts.stopped() => {
            writeln!(
                printer.stderr(),
                "\nInterrupted ({signal}) while planning: no plan file was written."
            )?;
            return Ok(signal.status());
        }
        planned = plan(args, global, printer) => planned?,
    };
    close(session).await;
    Ok(status)
}

/// Plan, print and save; returns the status and the session to close.
async fn plan(
    args: &PlanArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<(Status, Option<Session>)> {
    let regions = match common::load_desired(&args.file, printer) {
        Ok(loaded) => loaded,
        Err(status) => return Ok((status, None)),
    };
    let requested = args.requested.requested();
    let session = Session::connect(global).await?;
    let run = journal::new_run_id();
    let reader = earlier::Reader {
        run: &run,
        takes_over: false,
        visibility_timeout: Duration::from_secs(args.visibility_timeout),
    };
    for file in &regions {
        earlier::await_earlier_runs(
            &session,
            global,
            &file.state.region,
            file.state.account.as_deref(),
            &reader,
            printer,
        )
        .await?;
    }
    let session = Arc::new(session);
    let (plans, regions) =
        common::make_plans(&session, regions, args.refresh_all, &requested).await?;
    let session = Arc::into_inner(session);
    // The desired states are done with: only what a saved plan records of
    // each file is kept (a large estate's model is tens of MB).
    let content_hashes: Vec<String> = regions.into_iter().map(|f| f.content_hash).collect();
    let regions_planned = content_hashes.len();
    let no_changes = plans.iter().all(Plan::is_empty);
    let human = printer.human_options();

    if args.refresh_only {
        // Drift: what the live estate has that the file does not say.
        if args.json {
            writeln!(
                printer.stdout(),
                "{}",
                by_region(&plans, render::drift_json)?
            )?;
        } else {
            write!(
                printer.stdout(),
                "{}",
                common::grouped(&plans, |p| render::drift(p, &human))
            )?;
        }
        if let Some(path) = &args.markdown {
            common::write_whole(
                path,
                common::grouped(&plans, render::drift_markdown).as_bytes(),
            )
            .with_context(|| format!("writing {}", path.display()))?;
        }
        return Ok((changes_status(args.detailed_exitcode, no_changes), session));
    }

    if args.json {
        writeln!(printer.stdout(), "{}", by_region(&plans, render::json)?)?;
    } else {
        common::write_grouped_human(&mut printer.stdout(), &plans, &human)?;
    }
    if let Some(path) = &args.markdown {
        common::write_whole(path, common::grouped(&plans, render::markdown).as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let (Some(path), Some(session)) = (&args.out, &session) {
        let ttl = args
            .ttl
            .map(|d| chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX));
        let now = chrono::Utc::now();
        let sealed = plans
            .into_iter()
            .zip(content_hashes)
            .map(|(plan, content_hash)| {
                let origin = common::origin(session, global, &plan.region);
                (plan, content_hash, origin)
            });
        // One region: a plan file as ever; several: one such document per
        // region, in one file.
        let bytes = if regions_planned == 1 {
            sealed
                .map(|(plan, hash, origin)| PlanFile::encode(plan, hash, now, ttl, Some(origin)))
                .next()
                .unwrap_or_default()
        } else {
            let saved = sealed
                .map(|(plan, hash, origin)| PlanFile::new(plan, hash, now, ttl).with_origin(origin))
                .collect();
            PlanSet::new(saved).to_bytes()
        };
        common::write_whole(path, &bytes)
            .with_context(|| format!("saving the plan to {}", path.display()))?;
        if !args.json {
            writeln!(
                printer.stdout(),
                "\nSaved the plan to {}. Apply it with: {}",
                path.display(),
                apply_command(global, path, &embedded_dialect_env())
            )?;
        }
    }
    Ok((changes_status(args.detailed_exitcode, no_changes), session))
}

async fn close(session: Option<Session>) {
    if let Some(session) = session {
        session.close().await;
    }
}

/// One region's JSON document as it is; several as `{"regions": [...]}`,
/// one document each, in region order.
fn by_region(plans: &[Plan], render: impl Fn(&Plan) -> String) -> anyhow::Result<String> {
    match plans {
        [plan] => Ok(render(plan)),
        _ => {
            let docs = plans
                .iter()
                .map(|p| serde_json::from_str::<serde_json::Value>(&render(p)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(serde_json::json!({ "regions": docs }).to_string())
        }
    }
}

/// The command that applies a saved plan against the same server, reached
/// the same way: `cda apply PLANFILE` with the global options that choose
/// the server and how to talk to it. Tuning (timeouts, colour, logging) is
/// left out; the plan file itself carries the region and account.
fn apply_command(global: &GlobalArgs, path: &Path, dialect_env: &[(&str, String)]) -> String {
    let mut words: Vec<String> = Vec::new();
    if global.emulator {
        // The embedded emulator's dialect comes from the environment.
        words.extend(
            dialect_env
                .iter()
                .map(|(k, v)| format!("{k}={}", shell_word(v))),
        );
    }
    words.push("cda".to_owned());
    if global.emulator {
        words.push("--emulator".to_owned());
    } else {
        if global.endpoint != cda_api::DEFAULT_ENDPOINT {
            words.push(format!("--endpoint {}", shell_word(&global.endpoint)));
        }
        if let Some(file) = &global.credentials {
            words.push(format!(
                "--credentials {}",
                shell_word(&file.display().to_string())
            ));
        }
    }
    if let Some(p) = global.get_params {
        words.push(format!("--get-params {p}"));
    }
    if let Some(k) = global.gateway_key {
        words.push(format!("--gateway-key {k}"));
    }
    words.push("apply".to_owned());
    words.push(shell_word(&path.display().to_string()));
    words.join(" ")
}

/// The embedded emulator's dialect variables, when set.
fn embedded_dialect_env() -> Vec<(&'static str, String)> {
    [session::DIALECT_ENV, session::DIALECT_SEED_ENV]
        .into_iter()
        .filter_map(|k| {
            let v = std::env::var(k).ok()?;
            (!v.trim().is_empty()).then_some((k, v))
        })
        .collect()
}

/// `word` as one shell word: as is when it holds only characters no shell
/// treats specially, else single-quoted.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn changes_status(detailed: bool, empty: bool) -> Status {
    match (detailed, empty) {
        (true, false) => Status::Changes,
        _ => Status::Success,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn hint(args: &[&str], dialect_env: &[(&str, String)]) -> String {
        let mut argv = vec!["cda"];
        argv.extend_from_slice(args);
        argv.extend(["plan", "-f", "x.yaml", "--out", "q.cdaplan"]);
        let cli = Cli::try_parse_from(argv).unwrap();
        apply_command(&cli.global, Path::new("q.cdaplan"), dialect_env)
    }

    #[test]
    fn the_apply_hint_repeats_the_options_that_choose_the_server() {
        assert_eq!(hint(&["--emulator"], &[]), "cda --emulator apply q.cdaplan");
        assert_eq!(
            hint(
                &["--emulator", "--timeout", "3"],
                &[("CDA_EMULATOR_DIALECT", "doc".to_owned())]
            ),
            "CDA_EMULATOR_DIALECT=doc cda --emulator apply q.cdaplan"
        );
        assert_eq!(
            hint(
                &[
                    "--endpoint",
                    "http://127.0.0.1:8787",
                    "--credentials",
                    "my creds",
                    "--get-params",
                    "query",
                    "--gateway-key",
                    "vrfName",
                    "--color",
                    "never",
                ],
                &[]
            ),
            "cda --endpoint http://127.0.0.1:8787 --credentials 'my creds' \
             --get-params query --gateway-key vrfName apply q.cdaplan"
        );
        assert_eq!(hint(&[], &[]), "cda apply q.cdaplan");
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("plan.cdaplan"), "plan.cdaplan");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
