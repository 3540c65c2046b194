//! `cda graph -f FILE`: the plan's actions and their order as graph source
//! (DOT for Graphviz, or Mermaid), coloured by kind of change. Plans as
//! `cda plan` does (refresh, diff) and writes nothing else.

use crate::cli::{GlobalArgs, GraphArgs, GraphFormatArg};
use crate::commands::common;
use crate::exit::Status;
use crate::printer::Printer;
use crate::session::Session;
use plan::render::{dependency_graph, GraphFormat};
use std::io::Write as _;

pub async fn run(
    args: &GraphArgs,
    global: &GlobalArgs,
    printer: Printer,
) -> anyhow::Result<Status> {
    let file = match common::load_one_region(&args.file, printer) {
        Ok(loaded) => loaded,
        Err(status) => return Ok(status),
    };
    let session = Session::connect(global).await?;
    let (plan, _inventory) =
        common::make_plan(&session, &file, false, plan::action::Requested::default()).await?;
    let format = match args.format {
        GraphFormatArg::Dot => GraphFormat::Dot,
        GraphFormatArg::Mermaid => GraphFormat::Mermaid,
    };
    write!(printer.stdout(), "{}", dependency_graph(&plan, format))?;
    session.close().await;
    Ok(Status::Success)
}
