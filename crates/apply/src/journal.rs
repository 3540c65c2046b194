//! The journal: JSON lines, appended and synced for every write call — one
//! `sent` line before the request leaves, then one line with its outcome as
//! soon as that is known (before that action's next call starts). A process
//! killed mid-call leaves the `sent` line as evidence of a call whose outcome
//! the next run's refresh settles; a line is never half-written except the
//! last.

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        }
    }
}

/// An append-only JSON-lines file shared by the executor's tasks.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// The default location: `<state_dir>/journal/<UTC timestamp>.jsonl`.
    pub fn default_path(state_dir: &Path) -> PathBuf {
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
        state_dir.join("journal").join(format!("{stamp}.jsonl"))
    }

    /// Open for appending, creating the file and its directory.
    pub fn open(path: &Path) -> io::Result<Journal> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry as a single line and flush it to the OS.
    pub fn record(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        // A poisoned lock only means another task panicked mid-write; the
        // file handle itself is still usable.
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.flush()?;
        file.sync_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_appended_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = Journal::default_path(dir.path());
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
}
