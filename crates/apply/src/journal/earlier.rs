//! Earlier runs that did not end: their journals hold writes that were sent
//! (or accepted, or of unknown outcome) and never seen by a re-read, which
//! the API may still be about to list. `plan` and `apply` await those
//! before they plan, so a killed apply's creates are not planned again
//! while the list lags.

use super::now;
use plan::Operation;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A write an earlier run journalled and never saw take effect.
#[derive(Debug, Clone)]
pub struct InFlight {
    /// Plan action address.
    pub action: String,
    /// Its last journalled outcome: `sent`, `ok`, `unknown` or
    /// `interrupted`.
    pub outcome: String,
    pub operation: Operation,
}

/// The journal of an earlier run with no end line.
#[derive(Debug, Clone)]
pub struct Unfinished {
    pub path: PathBuf,
    pub run: String,
    /// Of a run of several regions, the one read (its writes only); its
    /// end line ends that region alone.
    pub region: Option<String>,
    pub in_flight: Vec<InFlight>,
}

impl Unfinished {
    /// Mark the journal as read: an `end` line with outcome `reconciled`,
    /// naming the run that saw everything it left in flight (in the region
    /// read, for a run of several).
    pub fn mark_reconciled(&self, by: &str) -> std::io::Result<()> {
        let mut line = serde_json::json!({
            "record": "end",
            "run": self.run,
            "time": now(),
            "outcome": "reconciled",
            "by": by,
            "counts": { "awaited": self.in_flight.len() },
        });
        if let (Some(region), Value::Object(fields)) = (&self.region, &mut line) {
            fields.insert("region".into(), region.clone().into());
        }
        let mut bytes = Vec::new();
        // A killed run may have left half a line: start on a fresh one.
        if fs::read(&self.path)?.last().is_some_and(|&c| c != b'\n') {
            bytes.push(b'\n');
        }
        serde_json::to_writer(&mut bytes, &line).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        let mut file = OpenOptions::new().append(true).open(&self.path)?;
        file.write_all(&bytes)?;
        file.sync_data()
    }
}

/// The journals in `dir` of runs against `endpoint` and `region` (alone or
/// among others) that did not end there and whose process is gone, oldest
/// first. Journals that cannot be
/// read, written before runs had start lines, or of a live process (an
/// apply still running) are left alone.
pub fn unfinished(dir: &Path, endpoint: &str, region: &str) -> Vec<Unfinished> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(&path).ok()?;
            read_unfinished(path, &text, endpoint, region)
        })
        .collect()
}

/// One journal's text, if it is an unfinished run of ours.
fn read_unfinished(path: PathBuf, text: &str, endpoint: &str, region: &str) -> Option<Unfinished> {
    // Only complete lines: the last one may have been cut by the kill.
    let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    let lines: Vec<Value> = complete
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let start = lines.iter().find(|l| l["record"] == "start")?;
    // A run of several regions lists them; each ends on its own.
    let several = start["regions"].as_array();
    let ours = match several {
        Some(regions) => regions.iter().any(|r| r == region),
        None => start["region"] == region,
    };
    let ended = |l: &&Value| l["record"] == "end" && l.get("region").is_none_or(|r| r == region);
    if !ours
        || lines.iter().any(|l| ended(&l))
        || start["endpoint"] != endpoint
        || start["pid"]
            .as_u64()
            .and_then(|p| u32::try_from(p).ok())
            .is_some_and(|pid| pid != std::process::id() && crate::lock::pid_alive(pid))
    {
        return None;
    }
    let run = start["run"].as_str()?.to_owned();
    // Per action, its last call: earlier calls of an action finished before
    // the next one started.
    let mut last: BTreeMap<String, (String, Option<Operation>)> = BTreeMap::new();
    let in_region = |l: &&Value| l.get("region").is_none_or(|r| r == region);
    for line in lines
        .iter()
        .filter(|l| l["record"] == "call")
        .filter(in_region)
    {
        let (Some(action), Some(outcome)) = (line["action"].as_str(), line["outcome"].as_str())
        else {
            continue;
        };
        let entry = last
            .entry(action.to_owned())
            .or_insert((String::new(), None));
        entry.0 = outcome.to_owned();
        if outcome == "sent" {
            entry.1 = serde_json::from_value(line["operation"].clone()).ok();
        }
    }
    let in_flight = last
        .into_iter()
        .filter(|(_, (outcome, _))| {
            matches!(outcome.as_str(), "sent" | "ok" | "unknown" | "interrupted")
        })
        .filter_map(|(action, (outcome, operation))| {
            Some(InFlight {
                action,
                outcome,
                operation: operation?,
            })
        })
        .collect();
    Some(Unfinished {
        path,
        run,
        region: several.map(|_| region.to_owned()),
        in_flight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Counts, Entry, Journal, Outcome, RunStart};

    fn start() -> RunStart {
        RunStart {
            command: "apply".into(),
            file: Some("desired.yaml".into()),
            endpoint: "http://127.0.0.1:1".into(),
            region: "cn-bj4".into(),
            regions: Vec::new(),
        }
    }

    fn op(name: &str) -> Operation {
        Operation::DeleteGateway { name: name.into() }
    }

    fn call(journal: &Journal, action: &str, outcome: Outcome) {
        let mut entry = Entry::new(action, "POST /x", serde_json::json!({}), outcome);
        if outcome == Outcome::Sent {
            entry.operation = serde_json::to_value(op(action)).ok();
        }
        journal.record(&entry).unwrap();
    }

    #[test]
    fn a_killed_runs_unseen_writes_are_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let journal = Journal::start(&path, "run-a", &start()).unwrap();
        // Seen: not awaited. Accepted, sent, unknown: awaited. Refused: not.
        for (action, outcomes) in [
            (
                "gateway.seen",
                &[Outcome::Sent, Outcome::Ok, Outcome::Confirmed][..],
            ),
            ("gateway.ok", &[Outcome::Sent, Outcome::Ok]),
            ("gateway.sent", &[Outcome::Sent]),
            ("gateway.lost", &[Outcome::Sent, Outcome::Unknown]),
            ("gateway.refused", &[Outcome::Sent, Outcome::Failed]),
            ("gateway.stopped", &[Outcome::Sent, Outcome::Interrupted]),
        ] {
            for &o in outcomes {
                call(&journal, action, o);
            }
        }
        drop(journal);
        // A cut last line is ignored.
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str("{\"record\":\"call\",\"act");
        fs::write(&path, &text).unwrap();

        let found = unfinished(dir.path(), "http://127.0.0.1:1", "cn-bj4");
        assert_eq!(found.len(), 1);
        let names: Vec<&str> = found[0]
            .in_flight
            .iter()
            .map(|w| w.action.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "gateway.lost",
                "gateway.ok",
                "gateway.sent",
                "gateway.stopped"
            ]
        );
        assert_eq!(found[0].in_flight[1].operation, op("gateway.ok"));
        assert!(unfinished(dir.path(), "http://127.0.0.1:1", "cn-sh1").is_empty());
        assert!(unfinished(dir.path(), "http://other:1", "cn-bj4").is_empty());

        found[0].mark_reconciled("run-b").unwrap();
        assert!(unfinished(dir.path(), "http://127.0.0.1:1", "cn-bj4").is_empty());
        let text = fs::read_to_string(&path).unwrap();
        let end: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(end["record"], "end");
        assert_eq!(end["outcome"], "reconciled");
        assert_eq!(end["run"], "run-a");
        assert_eq!(end["by"], "run-b");
    }

    #[test]
    fn finished_runs_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::start(&dir.path().join("b.jsonl"), "run-b", &start()).unwrap();
        call(&journal, "gateway.ok", Outcome::Sent);
        journal.finish("failed", Counts::default()).unwrap();
        assert!(unfinished(dir.path(), "http://127.0.0.1:1", "cn-bj4").is_empty());
    }

    /// A run of two regions: each region reads only its own writes, and
    /// reconciling one leaves the other's to be read.
    #[test]
    fn a_run_of_several_regions_is_read_one_region_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        let both = RunStart {
            region: String::new(),
            ..start()
        }
        .regions(&["cn-bj4".into(), "cn-sh1".into()]);
        let journal = Journal::start(&path, "run-c", &both).unwrap();
        call(
            &journal.for_region("cn-bj4"),
            "gateway.north",
            Outcome::Sent,
        );
        call(
            &journal.for_region("cn-sh1"),
            "gateway.south",
            Outcome::Sent,
        );
        drop(journal);
        let text = fs::read_to_string(&path).unwrap();
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert!(first.get("region").is_none(), "{first}");
        assert_eq!(first["regions"], serde_json::json!(["cn-bj4", "cn-sh1"]));

        let names = |region: &str| -> Vec<String> {
            unfinished(dir.path(), "http://127.0.0.1:1", region)
                .iter()
                .flat_map(|u| u.in_flight.iter().map(|w| w.action.clone()))
                .collect()
        };
        assert_eq!(names("cn-bj4"), ["gateway.north"]);
        assert_eq!(names("cn-sh1"), ["gateway.south"]);
        assert!(names("cn-gz1").is_empty());

        let north = unfinished(dir.path(), "http://127.0.0.1:1", "cn-bj4");
        north[0].mark_reconciled("run-d").unwrap();
        assert!(unfinished(dir.path(), "http://127.0.0.1:1", "cn-bj4").is_empty());
        assert_eq!(names("cn-sh1"), ["gateway.south"]);
        // The run's own end line ends every region.
        Journal::open(&path)
            .unwrap()
            .finish("failed", Counts::default())
            .unwrap();
        assert!(names("cn-sh1").is_empty());
    }
}
