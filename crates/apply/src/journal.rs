//! The journal: one JSON-lines file per run, appended and synced for every
//! write call — one `sent` line before the request leaves, then one line
//! with its outcome as soon as that is known (before that action's next
//! call starts), and `confirmed` once a re-read shows the change. A process
//! killed mid-call leaves the `sent` (or `ok`) line as evidence of a call
//! whose effect the next run awaits before it plans ([`earlier`]); a line is
//! never half-written except the last.
//!
//! Every line carries the run's id (`run`) and its kind (`record`): one
//! `start` line (command, file, endpoint, region, cda version, pid), the
//! `call` lines, and one `end` line (outcome and counts) when the run
//! finishes, or, appended by a later run, `end` with outcome `reconciled`
//! once everything it left in flight has been seen. A journal with an end
//! line is never read again.
//!
//! A run of several regions names them in its start line's `regions` (and
//! no `region`), tags each call line with its `region`, and a later run
//! reconciles it one region at a time: an `end` line with a `region` ends
//! that region only.

pub mod earlier;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How a journalled call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The call is about to be sent; a later line gives its outcome.
    Sent,
    /// The API accepted the call.
    Ok,
    /// The API refused the call, or the transport failed before sending.
    Failed,
    /// The call may or may not have taken effect (response lost, timeout,
    /// transient error); the executor re-reads before deciding.
    Unknown,
    /// After an unknown outcome, a re-read showed the change had been made.
    Confirmed,
    /// A second signal stopped the run while the call was in flight (sent,
    /// or accepted and not yet seen by a re-read): its effect is unknown,
    /// and the next run awaits it like a `sent` one.
    Interrupted,
}

impl Outcome {
    /// Whether this run learns nothing more about the call: `confirmed`,
    /// `failed` or `interrupted`. Until then the call is in flight.
    fn is_final(self) -> bool {
        matches!(
            self,
            Outcome::Confirmed | Outcome::Failed | Outcome::Interrupted
        )
    }
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    /// Plan action address, e.g. `physical_line.bj-idc-a`.
    pub action: String,
    /// `METHOD /path` of the call.
    pub endpoint: String,
    pub request_id: Option<String>,
    /// Request body (or query) with secrets redacted.
    pub body: Value,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// On `sent` lines: the plan's operation (secrets only as references,
    /// as in a saved plan), so a later run can tell whether it took effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<Value>,
}

impl Entry {
    pub fn new(action: &str, endpoint: &str, body: Value, outcome: Outcome) -> Self {
        Entry {
            time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            action: action.to_owned(),
            endpoint: endpoint.to_owned(),
            request_id: None,
            body,
            outcome,
            error: None,
            operation: None,
        }
    }
}

/// What a run's `start` line records.
#[derive(Debug, Clone, Serialize)]
pub struct RunStart {
    /// `apply`.
    pub command: String,
    /// The desired-state file or saved plan applied.
    pub file: Option<String>,
    /// The API endpoint (without any user or query part).
    pub endpoint: String,
    /// The region of a one-region run; empty (and not written) for a run
    /// of several, which names them in `regions`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// The regions of a run of several, sorted; empty (and not written)
    /// for a one-region run, so journals read as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

impl RunStart {
    /// `region` for one region, `regions` for several.
    pub fn regions(mut self, regions: &[String]) -> RunStart {
        match regions {
            [one] => self.region = one.clone(),
            _ => self.regions = regions.to_vec(),
        }
        self
    }
}

/// What a run's `end` line counts.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Actions an interrupt kept from starting.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_started: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An append-only JSON-lines file shared by the executor's tasks.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    run: String,
    /// Shared by the views [`Journal::for_region`] makes.
    file: Arc<Mutex<File>>,
    /// Written on each call line of a run of several regions.
    region: Option<String>,
    /// Each action's call whose last line is not final, by action address
    /// (an action makes one call at a time), for [`Journal::interrupt_in_flight`].
    /// Each view has its own: a region's executor interrupts its calls.
    in_flight: Mutex<BTreeMap<String, Entry>>,
}

/// A run id unique on this machine: UTC time to the millisecond and the pid
/// (two runs in one millisecond are two processes).
pub fn new_run_id() -> String {
    format!(
        "{}-{}",
        Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
        std::process::id()
    )
}

/// The API endpoint as journals record it: no user, password or query.
pub fn endpoint_for_journal(endpoint: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("", endpoint));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    if scheme.is_empty() {
        rest.to_owned()
    } else {
        format!("{scheme}://{rest}")
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Journal {
    /// The directory of the default journals: `<state_dir>/journal`.
    pub fn dir(state_dir: &Path) -> PathBuf {
        state_dir.join("journal")
    }

    /// The default location of a run's journal: `<state_dir>/journal/<run>.jsonl`.
    pub fn default_path(state_dir: &Path, run: &str) -> PathBuf {
        Self::dir(state_dir).join(format!("{run}.jsonl"))
    }

    /// Open for appending, creating the file and its directory, with a new
    /// run id and no start line (see [`Journal::start`]).
    pub fn open(path: &Path) -> io::Result<Journal> {
        Self::open_run(path, new_run_id())
    }

    fn open_run(path: &Path, run: String) -> io::Result<Journal> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal {
            path: path.to_owned(),
            run,
            file: Arc::new(Mutex::new(file)),
            region: None,
            in_flight: Mutex::new(BTreeMap::new()),
        })
    }

    /// Open the journal of run `run` at `path` and write its start line.
    pub fn start(path: &Path, run: &str, start: &RunStart) -> io::Result<Journal> {
        let journal = Self::open_run(path, run.to_owned())?;
        let mut line = serde_json::to_value(start).map_err(io::Error::other)?;
        if let Value::Object(fields) = &mut line {
            fields.insert("cda_version".into(), env!("CARGO_PKG_VERSION").into());
            fields.insert("pid".into(), std::process::id().into());
        }
        journal.write_line("start", line)?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The same journal, its call lines tagged with `region`: what one
    /// region's executor writes in a run of several.
    pub fn for_region(&self, region: &str) -> Journal {
        Journal {
            path: self.path.clone(),
            run: self.run.clone(),
            file: Arc::clone(&self.file),
            region: Some(region.to_owned()),
            in_flight: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn run(&self) -> &str {
        &self.run
    }

    /// Append one call entry as a single line and flush it to the OS.
    pub fn record(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_value(entry).map_err(io::Error::other)?;
        if let (Some(region), Value::Object(fields)) = (&self.region, &mut line) {
            fields.insert("region".into(), region.clone().into());
        }
        self.write_line("call", line)?;
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        if entry.outcome.is_final() {
            in_flight.remove(&entry.action);
        } else {
            in_flight.insert(entry.action.clone(), entry.clone());
        }
        Ok(())
    }

    /// After a second signal, once no call can make progress: one
    /// `interrupted` line for each call still in flight, with `why`.
    /// Returns how many.
    pub fn interrupt_in_flight(&self, why: &str) -> io::Result<usize> {
        let calls: Vec<Entry> = {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut *in_flight).into_values().collect()
        };
        for call in &calls {
            let mut entry = Entry::new(
                &call.action,
                &call.endpoint,
                call.body.clone(),
                Outcome::Interrupted,
            );
            entry.request_id = call.request_id.clone();
            entry.error = Some(why.to_owned());
            self.record(&entry)?;
        }
        Ok(calls.len())
    }

    /// Append the run's end line: `outcome` (`success`, `failed`,
    /// `interrupted`) and counts.
    pub fn finish(&self, outcome: &str, counts: Counts) -> io::Result<()> {
        let line = serde_json::json!({ "outcome": outcome, "counts": counts });
        self.write_line("end", line)
    }

    /// `record` and `run` first, then `time` unless given, then the fields.
    fn write_line(&self, record: &str, fields: Value) -> io::Result<()> {
        let mut object = serde_json::Map::new();
        object.insert("record".into(), record.into());
        object.insert("run".into(), self.run.clone().into());
        if let Value::Object(fields) = fields {
            if !fields.contains_key("time") {
                object.insert("time".into(), now().into());
            }
            object.extend(fields);
        }
        append_line(&self.file, &Value::Object(object))
    }
}

/// Append `line` and a newline in one write, then sync.
fn append_line(file: &Mutex<File>, line: &Value) -> io::Result<()> {
    let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
    bytes.push(b'\n');
    // A poisoned lock only means another task panicked mid-write; the
    // file handle itself is still usable.
    let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
    file.write_all(&bytes)?;
    file.flush()?;
    file.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_appended_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = Journal::default_path(dir.path(), &new_run_id());
        assert!(path.starts_with(dir.path().join("journal")));
        assert_eq!(path.extension().unwrap(), "jsonl");
        let journal = Journal::open(&path).unwrap();
        let mut first = Entry::new(
            "gateway.gw1",
            "POST /v4/cda/gateway/add",
            json!({"gatewayName": "gw1"}),
            Outcome::Ok,
        );
        first.request_id = Some("req-1".into());
        journal.record(&first).unwrap();
        let mut second = Entry::new(
            "gateway.gw2",
            "POST /v4/cda/gateway/add",
            json!({"gatewayName": "gw2"}),
            Outcome::Failed,
        );
        second.error = Some("name taken".into());
        journal.record(&second).unwrap();
        drop(journal);

        // Re-opening appends rather than truncating.
        let journal = Journal::open(&path).unwrap();
        journal
            .record(&Entry::new(
                "gateway.gw3",
                "POST /v4/cda/gateway/delete",
                json!({}),
                Outcome::Unknown,
            ))
            .unwrap();

        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["action"], "gateway.gw1");
        assert_eq!(lines[0]["request_id"], "req-1");
        assert_eq!(lines[0]["outcome"], "ok");
        assert!(lines[0].get("error").is_none());
        assert_eq!(lines[1]["outcome"], "failed");
        assert_eq!(lines[1]["error"], "name taken");
        assert_eq!(lines[2]["outcome"], "unknown");
        assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
    }

    #[test]
    fn only_calls_without_a_final_line_are_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let journal = Journal::open(&path).unwrap();
        let call = |action: &str, outcome| {
            let mut e = Entry::new(
                action,
                "POST /v4/cda/vpc/add",
                json!({"n": action}),
                outcome,
            );
            e.request_id = (outcome == Outcome::Ok).then(|| format!("req-{action}"));
            journal.record(&e).unwrap();
        };
        for (action, outcomes) in [
            (
                "vpc.seen",
                &[Outcome::Sent, Outcome::Ok, Outcome::Confirmed][..],
            ),
            ("vpc.refused", &[Outcome::Sent, Outcome::Failed]),
            ("vpc.sent", &[Outcome::Sent]),
            ("vpc.accepted", &[Outcome::Sent, Outcome::Ok]),
            ("vpc.lost", &[Outcome::Sent, Outcome::Unknown]),
        ] {
            for &o in outcomes {
                call(action, o);
            }
        }
        assert_eq!(journal.interrupt_in_flight("a second SIGINT").unwrap(), 3);
        // Once only.
        assert_eq!(journal.interrupt_in_flight("again").unwrap(), 0);
        let text = fs::read_to_string(&path).unwrap();
        let interrupted: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|l| l["outcome"] == "interrupted")
            .collect();
        let actions: Vec<&str> = interrupted
            .iter()
            .map(|l| l["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["vpc.accepted", "vpc.lost", "vpc.sent"]);
        assert_eq!(interrupted[0]["request_id"], "req-vpc.accepted");
        assert_eq!(interrupted[2]["body"], json!({"n": "vpc.sent"}));
        assert_eq!(interrupted[2]["error"], "a second SIGINT");
    }
}
