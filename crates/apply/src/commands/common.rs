//! Steps shared by several commands: load the file, read the estate, plan.

use crate::calls::resolve_secret;
use crate::cli::GlobalArgs;
use crate::commands::requested;
use crate::printer::Printer;
use crate::refresh::{self, Scope};
use crate::session::Session;
use anyhow::Context as _;
use miette::{GraphicalReportHandler, GraphicalTheme};
use plan::action::Requested;
use plan::desired::{self, Diagnostics, SourceMap};
use plan::diff::PlanOptions;
use plan::model::SecretRef;
use plan::reads::Needs;
use plan::{DesiredState, NormalisedInventory, Plan};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::exit::Status;

/// Gateways read at once during refresh.
pub const REFRESH_CONCURRENCY: usize = 8;

/// The desired state of one region, from one file or several.
pub struct DesiredFile {
    pub state: DesiredState,
    /// Where each field is written, so a plan error can name `file:line:col`.
    pub sources: SourceMap,
    /// What a saved plan records to tell the files it was made from.
    pub content_hash: String,
}

/// Load and validate the desired-state files `-f` names (files or
/// directories). On failure print every file's diagnostics to stderr and
/// return the exit status.
pub fn load_estate(paths: &[PathBuf], printer: Printer) -> Result<desired::Estate, Status> {
    desired::load_estate(paths).map_err(|errors| {
        let mut err = printer.stderr();
        for diagnostics in &errors {
            let _ = write!(
                err,
                "{}",
                render_diagnostics(diagnostics, printer.color_stderr())
            );
        }
        Status::Failure
    })
}

/// [`load_estate`] as one [`DesiredFile`] per region the files name, by
/// region.
pub fn load_desired(paths: &[PathBuf], printer: Printer) -> Result<Vec<DesiredFile>, Status> {
    let estate = load_estate(paths, printer)?;
    Ok(estate
        .regions
        .into_iter()
        .map(|r| DesiredFile {
            state: r.state,
            sources: r.sources,
            content_hash: estate.content_hash.clone(),
        })
        .collect())
}

/// Like [`load_desired`], for a command that plans one region (`graph`):
/// files that name several are refused.
pub fn load_one_region(paths: &[PathBuf], printer: Printer) -> Result<DesiredFile, Status> {
    let mut regions = load_desired(paths, printer)?;
    if regions.len() == 1 {
        if let Some(one) = regions.pop() {
            return Ok(one);
        }
    }
    let names: Vec<&str> = regions.iter().map(|r| r.state.region.as_str()).collect();
    let _ = writeln!(
        printer.stderr(),
        "error: the files name {} regions ({}); this command plans one region at a time",
        names.len(),
        names.join(", ")
    );
    Err(Status::Failure)
}

/// The files as a journal or a message names them: `a.yaml, b.yaml`.
pub fn display_files(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One problem of a file, rendered with the file's source.
struct WithSource<'a> {
    problem: &'a plan::desired::Problem,
    source: Option<&'a dyn miette::SourceCode>,
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.problem, f)
    }
}

impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.problem, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl miette::Diagnostic for WithSource<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.problem.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.problem.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
    }
}

/// Every problem with its snippet, then the list of `file:line:col: error:`
/// lines (one per problem, unwrapped, for grep and CI annotations).
pub fn render_diagnostics(diagnostics: &Diagnostics, color: bool) -> String {
    use miette::Diagnostic as _;
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for problem in diagnostics.problems() {
        let one = WithSource {
            problem,
            source: diagnostics.source_code(),
        };
        if handler.render_report(&mut out, &one).is_err() {
            // Rendering into a String cannot fail in practice; the plain
            // lines below still carry every problem.
            out.push_str(&format!("{problem}\n"));
        }
        out.push('\n');
    }
    let n = diagnostics.len() + diagnostics.omitted();
    out.push_str(&format!(
        "{n} problem{} in {}:\n{diagnostics}\n",
        if n == 1 { "" } else { "s" },
        diagnostics.file()
    ));
    out
}

/// Hash every BGP key the file references ([`DesiredState::secret_uses`]
/// lists each once). Keys that
/// cannot be read are reported all at once (a file exported from a live
/// estate references one variable per peer, and finding them one plan at a
/// time is slow).
pub fn secret_hashes(state: &DesiredState) -> anyhow::Result<BTreeMap<SecretRef, String>> {
    let mut hashes = BTreeMap::new();
    let mut unreadable = Vec::new();
    for used in state.secret_uses() {
        match resolve_secret(used.reference) {
            Ok(key) => {
                hashes.insert(used.reference.clone(), plan::secret_hash(&key));
            }
            Err(e) => unreadable.push(format!(
                "  - gateway {} BGP peer on line {}: key {e}",
                used.gateway, used.line
            )),
        }
    }
    if unreadable.is_empty() {
        return Ok(hashes);
    }
    anyhow::bail!(
        "{} BGP key{} cannot be read, so the live keys cannot be compared with the file's:\n{}\n\
         Set {} (in CI, from the pipeline's secret store) and plan again.",
        unreadable.len(),
        if unreadable.len() == 1 { "" } else { "s" },
        unreadable.join("\n"),
        if unreadable.len() == 1 {
            "it"
        } else {
            "every one of them"
        }
    )
}

/// Where refresh reads: `region`, `account` (else the credentials'), the
/// children `needs` says.
pub fn scope(session: &Session, region: &str, account: Option<&str>, needs: Needs) -> Scope {
    Scope {
        region: region.to_owned(),
        account: account
            .map(str::to_owned)
            .or_else(|| session.account.clone()),
        concurrency: REFRESH_CONCURRENCY,
        needs: Arc::new(needs),
    }
}

pub async fn read_estate(session: &Session, scope: &Scope) -> anyhow::Result<NormalisedInventory> {
    let inventory = refresh::refresh(&session.client, scope)
        .await
        .context("reading the live estate");
    log_rate(session);
    inventory
}

/// The pace reads reached (`-v`): how fast this server let cda read.
pub fn log_rate(session: &Session) {
    if let Some(r) = session.client.rate_report() {
        tracing::info!(
            "reads paced at {:.1} calls/s (started at {:.0}, peak {:.1}, at most {:.0}); {} of {} calls throttled",
            r.now,
            r.start,
            r.peak,
            r.max,
            r.throttled,
            r.calls
        );
    }
}

/// Refresh and plan. A plan error names where in the file the object it is
/// about is written (`file:line:col: message`). Refresh reads what the plan
/// needs (`plan::reads`), or with `refresh_all` everything.
pub async fn make_plan(
    session: &Session,
    file: &DesiredFile,
    refresh_all: bool,
    requested: plan::action::Requested,
) -> anyhow::Result<(Plan, NormalisedInventory)> {
    let state = &file.state;
    let options = PlanOptions {
        secret_hashes: secret_hashes(state)?,
        requested,
    };
    let inventory = read_estate(
        session,
        &scope(
            session,
            &state.region,
            state.account.as_deref(),
            if refresh_all {
                Needs::All
            } else {
                Needs::of_file(state)
            },
        ),
    )
    .await?;
    let plan = plan_read(file, &inventory, options)?;
    Ok((plan, inventory))
}

/// Plan `file` against an estate already read.
fn plan_read(
    file: &DesiredFile,
    inventory: &NormalisedInventory,
    options: PlanOptions,
) -> anyhow::Result<Plan> {
    let state = &file.state;
    plan::plan_normalised(state, inventory, &options)
        .map_err(|e| anyhow::anyhow!(e.located(state, &file.sources)))
        .context("planning")
}

/// Where a plan made now is read from: what a saved plan records and what
/// `apply PLANFILE` compares it with.
pub fn origin(session: &Session, global: &GlobalArgs, region: &str) -> plan::planfile::Origin {
    plan::planfile::Origin {
        endpoint: crate::commands::earlier::journal_endpoint(global),
        region: region.to_owned(),
        access_key: plan::planfile::access_key_fingerprint(
            &session.client.config().credentials.access_key,
        ),
    }
}

/// [`make_plan`] for each region at once, through the session's one client
/// (one pace for all); the plans in the regions' order, with the files.
/// Of several regions, `--target` and `--replace` addresses are looked up
/// in every region ([`requested`]): each region is planned in full, then
/// again from the same read with the addresses that are its own; with
/// `--target`, a region no target is in is left out.
pub async fn make_plans(
    session: &Arc<Session>,
    regions: Vec<DesiredFile>,
    refresh_all: bool,
    requested: &Requested,
) -> anyhow::Result<(Vec<Plan>, Vec<DesiredFile>)> {
    let several = regions.len() > 1;
    let first = if several {
        Requested::default()
    } else {
        requested.clone()
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (order, file) in regions.into_iter().enumerate() {
        let session = Arc::clone(session);
        let first = first.clone();
        tasks.spawn(async move {
            let planned = make_plan(&session, &file, refresh_all, first).await;
            // Of several regions, the error says which.
            let planned = match planned {
                Err(e) if several => Err(e.context(format!("region {}", file.state.region))),
                other => other,
            };
            (order, planned, file)
        });
    }
    let mut done = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (order, planned, file) = joined.context("planning a region")?;
        done.push((order, planned?, file));
    }
    done.sort_by_key(|(order, _, _)| *order);
    if !several || requested.is_empty() {
        return Ok(done
            .into_iter()
            .map(|(_, (plan, _), file)| (plan, file))
            .unzip());
    }
    let known: Vec<(&str, BTreeSet<String>)> = done
        .iter()
        .map(|(_, (plan, inventory), file)| {
            (
                file.state.region.as_str(),
                requested::known_addresses(plan, inventory),
            )
        })
        .collect();
    let asked = requested::split(requested, &known).map_err(anyhow::Error::msg)?;
    drop(known);
    let mut plans = Vec::new();
    let mut files = Vec::new();
    for ((_, (plan, inventory), file), asked) in done.into_iter().zip(asked) {
        if requested.is_partial() && asked.targets.is_empty() {
            if let Some(address) = asked.replace.first() {
                anyhow::bail!(
                    "--replace {address}: region {} has no --target; a targeted plan of several regions replaces only in the regions it targets",
                    file.state.region
                );
            }
            continue;
        }
        let plan = if asked.is_empty() {
            plan
        } else {
            let options = PlanOptions {
                secret_hashes: secret_hashes(&file.state)?,
                requested: asked,
            };
            plan_read(&file, &inventory, options)
                .with_context(|| format!("region {}", file.state.region))?
        };
        plans.push(plan);
        files.push(file);
    }
    Ok((plans, files))
}

/// Write `bytes` to `path` whole or not at all: into a temporary file
/// beside it, synced, then renamed over it. A reader (or a signal, or a
/// crash) never sees half a plan file.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&staging)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&staging, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    written
}

/// One region's rendering as it is; several, each under a `Region R:`
/// heading, in region order, so an address names one object.
pub fn grouped(plans: &[Plan], render: impl Fn(&Plan) -> String) -> String {
    match plans {
        [plan] => render(plan),
        _ => plans
            .iter()
            .map(|p| format!("Region {}:\n\n{}", p.region, render(p)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The human plans as [`grouped`] shows them, written to `out` while they
/// are rendered (a large plan's text is tens of MB).
pub fn write_grouped_human(
    out: &mut dyn std::io::Write,
    plans: &[Plan],
    opts: &plan::render::HumanOptions,
) -> std::io::Result<()> {
    if let [plan] = plans {
        return plan::render::write_human(plan, opts, out);
    }
    for (i, plan) in plans.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        write!(out, "Region {}:\n\n", plan.region)?;
        plan::render::write_human(plan, opts, out)?;
    }
    Ok(())
}

/// Read and verify a saved plan file: its plan of one region, or of each
/// region it holds, in region order.
pub fn load_planfile(path: &Path) -> anyhow::Result<Vec<plan::planfile::PlanFile>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading the plan file {}", path.display()))?;
    if is_json_rendering(&bytes) {
        anyhow::bail!(
            "{} is the JSON rendering of a plan (`cda plan --json`), for policy checks and \
             scripts; it is not a saved plan and cannot be applied. Save a plan with \
             `cda plan -f FILE --out plan.cdaplan`, then `cda apply plan.cdaplan`",
            path.display()
        );
    }
    plan::planfile::load(&bytes)
        .with_context(|| format!("reading the plan file {}", path.display()))
}

/// Whether `text` is what `cda plan --json` prints (it has a
/// `format_version`; a saved plan has a `version` and a content hash).
fn is_json_rendering(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .map(|v| v.get("format_version").is_some() && v.get("version").is_none())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("saved.plan");
        std::fs::write(&path, "old").unwrap();
        write_whole(&path, b"new plan").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new plan");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["saved.plan"]);
        // A directory that does not exist: an error, and no file.
        let missing = dir.path().join("no/such/dir/plan");
        assert!(write_whole(&missing, b"x").is_err());
        assert!(!missing.exists());
    }
}
