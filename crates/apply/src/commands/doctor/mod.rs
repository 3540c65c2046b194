//! `cda doctor`: the first command to run against a real account. Read-only
//! (every call goes through [`cda_api::Client::exchange`], which refuses a
//! write). One line per check; exit 0 when cda can work with this server,
//! 1 otherwise.
//!
//! * `credentials` (this file) — found where, the file's mode.
//! * `probe` — the live exchanges (reachability, placements, keys, reads).
//! * `analysis` — judging exchanges: clock skew, signature, placements,
//!   gateway keys, reads, dialect, fields; also what `--from-capture` runs.
//! * `dialect`, `fields` — the shape classifiers (pure).
//! * `identity` — with `-f FILE`, the plan's identity sanity check.
//! * `capture` — the JSON-lines file; `report` — the lines and the verdict.

mod analysis;
mod capture;
mod dialect;
mod fields;
mod identity;
mod probe;
mod report;

use crate::cli::{DoctorArgs, GlobalArgs};
use crate::exit::Status;
use crate::printer::Printer;
use crate::session::Session;
use cda_api::{Client, ClientConfig, Credentials};
use report::{Check, Outcome, Report};
use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::Arc;

pub async fn run(
    args: &DoctorArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<Status> {
    let mut report = Report::default();
    if let Some(path) = &args.from_capture {
        let (header, probes) = capture::read(path)?;
        report.push(Check::new(
            Outcome::Skip,
            "offline",
            format!(
                "judging {} exchanges with {} captured by cda {}; credentials not checked",
                probes.len(),
                header.endpoint,
                header.cda_doctor
            ),
        ));
        analysis::analyse(
            &mut report,
            &header.endpoint,
            &probes,
            header.gateway.as_deref(),
        );
        return finish(&report, printer);
    }
    let mut session = None;
    let client = if global.emulator {
        let s = Session::connect(global).await?;
        report.push(Check::new(
            Outcome::Pass,
            "credentials",
            "the embedded emulator's demo credentials",
        ));
        let client = Arc::clone(&s.client);
        session = Some(s);
        client
    } else {
        match credentials(global, &mut report) {
            Some(creds) => {
                let mut config = ClientConfig::new(creds).with_endpoint(global.endpoint.clone());
                config.rate_limit_per_sec = (global.rate_limit > 0).then_some(global.rate_limit);
                config.rate_limit_max = Some(global.rate_limit_max);
                global.apply_call_settings(&mut config);
                match Client::new(config) {
                    Ok(c) => Arc::new(c),
                    Err(e) => {
                        report.push(Check::new(Outcome::Fail, "endpoint", e.to_string()));
                        return finish(&report, printer);
                    }
                }
            }
            None => return finish(&report, printer),
        }
    };
    let target = probe::Target {
        account: client.account(),
        region: args.region.as_deref(),
        gateway: args.gateway.as_deref(),
    };
    let probes = probe::run(&client, &target).await?;
    analysis::analyse(
        &mut report,
        client.endpoint_url(),
        &probes,
        args.gateway.as_deref(),
    );
    if !args.file.is_empty() {
        for check in identity::check(&client, &args.file, printer).await {
            report.push(check);
        }
    }
    if let Some(path) = &args.capture {
        let access_key = &client.config().credentials.access_key;
        let redacted: Vec<capture::Probe> = probes
            .iter()
            .map(|p| capture::Probe {
                exchange: p.exchange.redacted(access_key, client.account()),
                ..p.clone()
            })
            .collect();
        let header = capture::Header {
            cda_doctor: env!("CARGO_PKG_VERSION").to_owned(),
            endpoint: client.endpoint_url().to_owned(),
            gateway: args.gateway.clone(),
        };
        capture::write(path, &header, &redacted)?;
        writeln!(
            printer.stderr(),
            "Wrote {} exchanges to {} (access key, signatures, e-mails and BGP keys redacted).",
            redacted.len(),
            path.display()
        )?;
    }
    if let Some(s) = session {
        s.close().await;
    }
    finish(&report, printer)
}

fn finish(report: &Report, printer: Printer) -> anyhow::Result<Status> {
    write!(
        printer.stdout(),
        "{}",
        report.render(std::io::stdout().is_terminal())
    )?;
    Ok(if report.workable() {
        Status::Success
    } else {
        Status::Failure
    })
}

/// Where the credentials come from, and the file's mode; `None` (with a
/// failed check) when there are none to use.
fn credentials(global: &GlobalArgs, report: &mut Report) -> Option<Credentials> {
    let (found, source) = match &global.credentials {
        Some(path) => {
            if let Some(check) = file_mode(path) {
                report.push(check);
            }
            (
                Credentials::from_file(path),
                format!("from {}", path.display()),
            )
        }
        None => (
            Credentials::from_env(),
            "from CTYUN_AK and CTYUN_SK (environment)".to_owned(),
        ),
    };
    match found {
        Err(e) => {
            report.push(Check::new(Outcome::Fail, "credentials", e.to_string()).advise(
                "set CTYUN_AK and CTYUN_SK, or pass --credentials FILE (mode 600, `ak = …` and `sk = …` lines)",
            ));
            None
        }
        Ok(creds) => {
            match &creds.account {
                Some(_) => report.push(Check::new(
                    Outcome::Pass,
                    "credentials",
                    format!("{source}, with an account e-mail"),
                )),
                None => report.push(
                    Check::new(
                        Outcome::Warn,
                        "credentials",
                        format!("{source}, without an account e-mail"),
                    )
                    .advise("set CTYUN_ACCOUNT (or `account = …` in the file): some sources require `account` on lists"),
                ),
            }
            Some(creds)
        }
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<Check> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    let detail = format!("{} has mode {mode:04o}", path.display());
    Some(if mode & 0o077 == 0 {
        Check::new(Outcome::Pass, "credentials file", detail)
    } else {
        Check::new(
            Outcome::Fail,
            "credentials file",
            format!("{detail}: group or others can read it"),
        )
        .advise(format!("chmod 600 {}", path.display()))
    })
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<Check> {
    None
}
