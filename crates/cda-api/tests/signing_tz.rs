//! `eop-date` does not depend on the host's time zone: this test re-runs its
//! own binary under several `TZ` values and compares what each child computes
//! (for the fixture instants and for "now") with the expected Beijing times.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cda_api::signing::eop_date;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;
use std::process::Command;

const VECTORS: &str = include_str!("fixtures/signing-vectors.json");
const CHILD_ENV: &str = "CDA_TZ_PROBE_CHILD";

fn cases() -> Vec<(DateTime<Utc>, String)> {
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    file["eop_date_from_utc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["utc"].as_str().unwrap().parse().unwrap(),
                c["eop_date"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// What one process reports: its local UTC offset, the fixture dates, and
/// `eop_date(now)`.
fn probe_line() -> String {
    let offset = chrono::Local::now().offset().local_minus_utc();
    let dates: Vec<String> = cases().iter().map(|(utc, _)| eop_date(*utc)).collect();
    format!(
        "PROBE offset={offset} dates={} now={}",
        dates.join(","),
        eop_date(Utc::now())
    )
}

#[test]
fn eop_date_is_the_same_under_every_host_time_zone() {
    if std::env::var_os(CHILD_ENV).is_some() {
        // Child: report and let the parent judge.
        println!("{}", probe_line());
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let expected: Vec<String> = cases().into_iter().map(|(_, d)| d).collect();
    let mut offsets = Vec::new();
    for tz in [
        "UTC",
        "America/New_York",
        "EST5EDT,M3.2.0,M11.1.0",
        "Asia/Kolkata",
    ] {
        let out = Command::new(&exe)
            .args([
                "eop_date_is_the_same_under_every_host_time_zone",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, "1")
            .env("TZ", tz)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child under TZ={tz} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        // The test harness may print its own text on the same line.
        let line = stdout
            .lines()
            .find_map(|l| l.find("PROBE ").map(|i| &l[i..]))
            .unwrap_or_else(|| panic!("no probe output under TZ={tz}: {stdout}"));
        let mut offset = None;
        let mut dates = None;
        let mut now = None;
        for part in line.split(' ').skip(1) {
            let (k, v) = part.split_once('=').unwrap();
            match k {
                "offset" => offset = Some(v.parse::<i32>().unwrap()),
                "dates" => dates = Some(v.split(',').map(String::from).collect::<Vec<_>>()),
                "now" => now = Some(v.to_owned()),
                _ => {}
            }
        }
        assert_eq!(dates.unwrap(), expected, "fixture instants under TZ={tz}");
        // "now" in the child is current Beijing time, whatever its zone.
        let naive = NaiveDateTime::parse_from_str(&now.unwrap(), "%Y%m%dT%H%M%SZ").unwrap();
        let skew = (Utc::now() - (naive.and_utc() - chrono::Duration::hours(8)))
            .num_seconds()
            .abs();
        assert!(
            skew < 120,
            "eop_date(now) under TZ={tz} is {skew}s off Beijing time"
        );
        offsets.push((tz, offset.unwrap()));
    }
    // The children really ran in different zones (otherwise this test would
    // prove nothing): UTC has offset 0, the POSIX EST5EDT rule (no tz
    // database needed) has -5 h or -4 h, Kolkata +5:30.
    let find = |tz: &str| offsets.iter().find(|(t, _)| *t == tz).unwrap().1;
    assert_eq!(find("UTC"), 0);
    assert!(
        [-5 * 3600, -4 * 3600].contains(&find("EST5EDT,M3.2.0,M11.1.0")),
        "{offsets:?}"
    );
    assert_eq!(find("Asia/Kolkata"), 5 * 3600 + 1800, "{offsets:?}");
}
