//! `cda export [-o FILE]`: the live estate as a desired-state file that plans
//! to zero changes. BGP keys become `{ env: … }` placeholders.

use crate::cli::{ExportArgs, GlobalArgs};
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use crate::session::Session;
use anyhow::Context as _;
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
    let scope = common::scope(&session, &region, args.account.as_deref());
    let inventory = common::read_estate(&session, &scope).await?;
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
