//! `cda export [-o FILE]`: the live estate as a desired-state file that plans
//! to zero changes. BGP keys become `{ env: … }` placeholders.
//!
//! Only the region asked for is written (refresh keeps only its rows,
//! `plan::region`). A region without objects is refused, naming the regions
//! that have some: an empty file with `prune` added later would plan to
//! delete nothing, but an empty export is far more often a mistyped region.

use crate::cli::{ExportArgs, GlobalArgs};
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use crate::refresh;
use crate::session::Session;
use anyhow::Context as _;
use cda_api::types as api;
use plan::region::{regions_seen, Regional};
use std::collections::BTreeSet;
use std::io::Write as _;

pub async fn run(
    args: &ExportArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<Status> {
    let session = Session::connect(global).await?;
    let Some(region) = args
        .region
        .clone()
        .or_else(|| session.default_region.clone())
    else {
        anyhow::bail!("give the region to export with --region (or CDA_REGION)");
    };
    let scope = common::scope(
        &session,
        &region,
        args.account.as_deref(),
        plan::reads::Needs::All,
    );
    let inventory = common::read_estate(&session, &scope).await?;
    if inventory.lines.is_empty() && inventory.gateways.is_empty() {
        let seen = regions_with_objects(&session, scope.account.as_deref()).await?;
        let seen = if seen.is_empty() {
            "none".to_owned()
        } else {
            seen.into_iter().collect::<Vec<_>>().join(", ")
        };
        session.close().await;
        anyhow::bail!(
            "region {region} has no physical lines or gateways to export; regions with objects in this account: {seen}"
        );
    }
    let export = plan::export::export(&inventory, &region, scope.account.as_deref());
    let yaml = plan::export::to_yaml(&export.state)?;
    for warning in &export.warnings {
        writeln!(printer.stderr(), "warning: {warning}")?;
    }
    match &args.out {
        Some(path) => {
            std::fs::write(path, &yaml).with_context(|| format!("writing {}", path.display()))?;
            writeln!(
                printer.stderr(),
                "Wrote {} ({} lines, {} gateways).",
                path.display(),
                export.state.physical_lines.len(),
                export.state.gateways.len()
            )?;
        }
        None => write!(printer.stdout(), "{yaml}")?,
    }
    session.close().await;
    Ok(Status::Success)
}

/// Every region the account's gateways and lines state, read without a
/// region filter (a server that honours `regionID` would hide the others).
async fn regions_with_objects(
    session: &Session,
    account: Option<&str>,
) -> anyhow::Result<BTreeSet<String>> {
    let gateways = session
        .client
        .gateway_list_all(&api::GatewayListRequest {
            account: account.map(str::to_owned),
            ..Default::default()
        })
        .await
        .context("listing the account's gateways of every region")?;
    let lines = session
        .client
        .physical_line_list_all(&api::PhysicalLineListRequest {
            account: account.map(str::to_owned),
            ..Default::default()
        })
        .await
        .context("listing the account's physical lines of every region")?;
    let gateways = gateways
        .iter()
        .map(|g| Regional::new(refresh::gateway_region(g), ()));
    let lines = lines
        .iter()
        .map(|l| Regional::new(refresh::line_region(l), ()));
    let rows: Vec<Regional<()>> = gateways.chain(lines).collect();
    Ok(regions_seen(&rows))
}
