//! `cda doctor -f FILE`: the identity sanity check the plan runs, before any
//! plan is made. A server that reports names differently from what cda
//! expects (an ID where the name should be) shows here as live objects that
//! look like the declared ones but do not match by name.

use super::report::{Check, Outcome};
use crate::commands::common::{load_desired, REFRESH_CONCURRENCY};
use crate::printer::Printer;
use crate::refresh::{self, Scope};
use cda_api::Client;
use plan::identity_check::check_identities;
use std::path::Path;
use std::sync::Arc;

/// Reads the live estate in the file's region and compares identities.
pub async fn check(client: &Arc<Client>, file: &Path, printer: Printer) -> Check {
    let desired = match load_desired(file, printer) {
        Ok(desired) => desired,
        Err(_) => {
            return Check::new(
                Outcome::Fail,
                "identities",
                format!("{} does not validate", file.display()),
            )
            .advise(format!("cda validate -f {}", file.display()))
        }
    };
    let state = &desired.state;
    let scope = Scope {
        region: state.region.clone(),
        account: state
            .account
            .clone()
            .or_else(|| client.account().map(str::to_owned)),
        concurrency: REFRESH_CONCURRENCY,
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
    judge(&check_identities(state, &live), file)
}

fn judge(report: &plan::identity_check::IdentityReport, file: &Path) -> Check {
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
                file.display(),
                report.live_gateways,
                report.live_lines
            ),
        );
    }
    Check::new(
        Outcome::Warn,
        "identities",
        report.detail_lines().join("; "),
    )
}
