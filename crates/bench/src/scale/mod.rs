//! How cost grows with the estate (issue #16): the steps `cda plan --out`
//! runs between reading its files and writing the plan, on the issue's
//! estate shape ([`estate::ScaleEstate`]), at several sizes and in three
//! scenarios.
//!
//! Each (size, scenario) runs in a fresh child process (`cda-bench
//! scale-one`) that does what `cda plan --out` does with its data, minus the
//! network: read and validate the desired files, map the API rows a refresh
//! would have read (decoded from one JSON file), diff and order, render the
//! human plan, and write the saved plan. The parent writes those input files
//! first, so the child's own CPU time and peak memory are the whole
//! process's. `validate` runs the loader alone, like `cda validate`.
//!
//! Figures: CPU of each step (this thread's CPU clock) and its peak
//! (VmHWM, reset before each step through `/proc/self/clear_refs`, so each
//! step's peak includes what earlier steps still hold), and the process's
//! CPU and peak at the end.

pub mod estate;
pub mod report;

use crate::cpu::{peak_bytes, process_cpu, thread_cpu};
use anyhow::Context as _;
use estate::{Edits, ScaleEstate};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The sizes of the "how cost grows" table.
pub const SIZES: &[usize] = &[1_000, 2_000, 4_000, 8_000, 16_000];

/// What the live estate holds and what the files ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Nothing live: everything is created.
    Initial,
    /// The files equal the live estate: no change.
    Unchanged,
    /// Every tenth gateway edited (see [`Edits::Some`]).
    Edited,
    /// `cda validate` of the files: the loader alone.
    Validate,
}

impl Scenario {
    pub const PLANS: [Scenario; 3] = [Scenario::Initial, Scenario::Unchanged, Scenario::Edited];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Initial => "initial",
            Scenario::Unchanged => "unchanged",
            Scenario::Edited => "edited",
            Scenario::Validate => "validate",
        }
    }
}

/// One step: its CPU and the peak while it ran.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Step {
    pub cpu: Duration,
    pub peak_bytes: u64,
}

/// One child process's figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScaleFigures {
    pub gateways: usize,
    pub scenario: Scenario,
    /// Read + parse + validate every desired file.
    pub load: Step,
    /// Decode the API rows and map them to the inventory.
    pub map: Step,
    /// Diff + order (`plan::plan_normalised`).
    pub diff: Step,
    /// The human rendering.
    pub render: Step,
    /// Seal and write the saved plan.
    pub save: Step,
    /// The whole process: CPU since it started, peak over its life.
    pub process: Step,
    pub desired_bytes: u64,
    pub plan_file_bytes: u64,
    pub actions: usize,
}

impl ScaleFigures {
    /// CPU of the steps the linearity target covers (all but writing).
    pub fn steps_cpu(&self) -> Duration {
        self.load.cpu + self.map.cpu + self.diff.cpu + self.render.cpu
    }
}

/// CPU this process has used so far (its only thread's).
/// Start a new peak (VmHWM := current RSS); false where the kernel refuses.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn step<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, Step)> {
    reset_peak();
    let cpu0 = thread_cpu();
    let out = f()?;
    let cpu = thread_cpu().saturating_sub(cpu0);
    Ok((
        out,
        Step {
            cpu,
            peak_bytes: peak_bytes(),
        },
    ))
}

/// Where the inputs of one size and scenario are written.
pub fn input_dir(root: &Path, gateways: usize, scenario: Scenario) -> PathBuf {
    let edits = if scenario == Scenario::Edited {
        "edited"
    } else {
        "same"
    };
    root.join(format!("{gateways}-{edits}"))
}

/// Write the desired files and the rows of `gateways` for `scenario` under
/// `root` (once per size and edit set); returns the directory.
pub fn write_inputs(root: &Path, gateways: usize, scenario: Scenario) -> anyhow::Result<PathBuf> {
    let dir = input_dir(root, gateways, scenario);
    if dir.join("rows.json").exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let estate = ScaleEstate::new(gateways, emulator::DEMO_ACCOUNT);
    let edits = if scenario == Scenario::Edited {
        Edits::Some
    } else {
        Edits::None
    };
    for (i, text) in estate.desired_files(edits).iter().enumerate() {
        let path = dir.join(format!("desired-{i:02}.yaml"));
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let rows = serde_json::to_string(&estate.rows_json())?;
    // Written last: its presence says the directory is complete.
    std::fs::write(dir.join("rows.json"), rows)?;
    Ok(dir)
}

fn desired_paths(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Read and validate the desired files as `cda -f FILE…` does (the
/// 10 MiB limit applies to each). The source map is kept, as `cda plan`
/// keeps it to locate a plan error in the files.
fn load(paths: &[PathBuf]) -> anyhow::Result<Loaded> {
    let bytes = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    let estate = plan::desired::load_estate(paths).map_err(|problems| {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the generated files do not load: {}", text.join("; "))
    })?;
    let mut regions = estate.regions.into_iter();
    let (Some(one), None) = (regions.next(), regions.next()) else {
        anyhow::bail!("the generated files name one region");
    };
    Ok((one.state, bytes, estate.content_hash, one.sources))
}

type Loaded = (plan::DesiredState, u64, String, plan::desired::SourceMap);

/// One size and scenario, in this process, on the inputs in `dir`.
pub fn run_one(dir: &Path, gateways: usize, scenario: Scenario) -> anyhow::Result<ScaleFigures> {
    let paths = desired_paths(dir)?;
    let ((state, desired_bytes, content_hash, sources), load_step) = step(|| load(&paths))?;
    let mut figures = ScaleFigures {
        gateways,
        scenario,
        load: load_step,
        map: Step::default(),
        diff: Step::default(),
        render: Step::default(),
        save: Step::default(),
        process: Step::default(),
        desired_bytes,
        plan_file_bytes: 0,
        actions: 0,
    };
    if scenario != Scenario::Validate {
        let rows_path = dir.join("rows.json");
        let (live, map) = step(|| {
            if scenario == Scenario::Initial {
                return Ok(plan::NormalisedInventory::default());
            }
            let text = std::fs::read_to_string(&rows_path)?;
            let rows: apply::refresh::EstateRows = serde_json::from_str(&text)?;
            drop(text);
            Ok(apply::refresh::map_rows(&rows)?)
        })?;
        figures.map = map;
        let options = plan::PlanOptions::default();
        let (planned, diff) = step(|| Ok(plan::plan_normalised(&state, &live, &options)?))?;
        figures.diff = diff;
        // As `cda plan`: the inventory and the desired state are done with
        // once planned.
        drop(live);
        drop(state);
        drop(sources);
        let (_, render) = step(|| {
            // Written out in chunks as `cda plan` prints it, to a sink.
            let options = plan::render::HumanOptions { color: false };
            plan::render::write_human(&planned, &options, &mut std::io::sink())?;
            Ok(())
        })?;
        figures.render = render;
        figures.actions = planned.actions.len();
        let out = dir.join(format!("{}.plan.json", scenario.name()));
        let (bytes, save) = step(|| {
            let text = plan::planfile::PlanFile::encode(
                planned,
                content_hash,
                chrono::Utc::now(),
                None,
                None,
            );
            std::fs::write(&out, &text)?;
            Ok(text.len() as u64)
        })?;
        figures.save = save;
        figures.plan_file_bytes = bytes;
    }
    // VmHWM was reset before each step, and nothing between steps grows:
    // the largest step peak is the process's.
    let peak = [
        &figures.load,
        &figures.map,
        &figures.diff,
        &figures.render,
        &figures.save,
    ]
    .iter()
    .map(|s| s.peak_bytes)
    .max()
    .unwrap_or(0);
    figures.process = Step {
        cpu: process_cpu(),
        peak_bytes: peak,
    };
    Ok(figures)
}
