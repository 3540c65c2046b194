//! `cda doctor -f FILE`: the identity sanity check the plan runs, before any
//! plan is made. A server that reports names differently from what cda
//! expects (an ID where the name should be) shows here as live objects that
//! look like the declared ones but do not match by name.

use super::report::{Check, Outcome};
use crate::commands::common::{display_files, load_desired, REFRESH_CONCURRENCY};
use crate::printer::Printer;
use crate::refresh::{self, Scope};
use cda_api::Client;
use plan::identity_check::check_identities;
use plan::reads::Needs;
use plan::DesiredState;
use std::path::PathBuf;
use std::sync::Arc;

/// Reads the live estate of each region the files name and compares
/// identities: one check per region.
pub async fn check(client: &Arc<Client>, files: &[PathBuf], printer: Printer) -> Vec<Check> {
    let named = display_files(files);
    let Ok(regions) = load_desired(files, printer) else {
        let check = Check::new(
            Outcome::Fail,
            "identities",
            format!("{named} does not validate"),
        )
        .advise(format!(
            "cda validate {}",
            files
                .iter()
                .map(|f| format!("-f {}", f.display()))
                .collect::<Vec<_>>()
                .join(" ")
        ));
        return vec![check];
    };
    let mut checks = Vec::new();
    for desired in &regions {
        checks.push(check_region(client, &desired.state, &named).await);
    }
    checks
}

async fn check_region(client: &Arc<Client>, state: &DesiredState, named: &str) -> Check {
    let scope = Scope {
        region: state.region.clone(),
        account: state
            .account
            .clone()
            .or_else(|| client.account().map(str::to_owned)),
        concurrency: REFRESH_CONCURRENCY,
        // The identity check weighs the children of every gateway.
        needs: Arc::new(Needs::All),
    };
    let live = match refresh::refresh(client, &scope).await {
        Ok(live) => live,
        Err(e) => {
            return Check::new(
                Outcome::Fail,
                "identities",
                format!("reading region {} failed: {e}", state.region),
            )
        }
    };
    judge(&check_identities(state, &live), named)
}

fn judge(report: &plan::identity_check::IdentityReport, file: &str) -> Check {
    if report.blocks_plan() {
        return Check::new(Outcome::Fail, "identities", report.to_string()).advise(
            "do not apply: compare the names in `cda export` with the file, and run \
             `cda doctor --capture FILE` for a bug report",
        );
    }
    if report.findings.is_empty() {
        return Check::new(
            Outcome::Pass,
            "identities",
            format!(
                "live names in region look like {}'s ({} gateways, {} lines read)",
                file, report.live_gateways, report.live_lines
            ),
        );
    }
    Check::new(
        Outcome::Warn,
        "identities",
        report.detail_lines().join("; "),
    )
}
