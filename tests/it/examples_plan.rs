//! Every example desired-state file is validated, planned against a fresh
//! emulator, applied, and planned again with no changes: the examples in the
//! docs are files that work, not sketches.

use crate::support::{cda_at, repo_root, run, stderr, stdout};
use emulator::Config;

/// The examples a user copies from; the quick start and the emulator seed are
/// exercised by their own tests.
const EXAMPLES: [&str; 3] = [
    "redundant-static.yaml",
    "bgp-two-peers.yaml",
    "multi-vpc-health.yaml",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_plans_applies_and_converges_on_an_empty_account() {
    for example in EXAMPLES {
        // A fresh, empty account per example, so each one builds its site
        // from nothing.
        let emulator = emulator::spawn(Config::demo()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = repo_root().join("examples").join(example);
        let file = file.to_str().unwrap();
        let with_keys = |mut cmd: assert_cmd::Command| {
            cmd.env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_A", "example-key-a")
                .env("CDA_BGP_KEY_GWSHPROD01_SH_IDC_B", "example-key-b");
            cmd
        };

        let mut validate = cda_at(&emulator, dir.path());
        validate.args(["validate", "-f", file]);
        let out = run(validate).await;
        assert_eq!(out.status.code(), Some(0), "{example}: {}", stderr(&out));

        let mut plan = with_keys(cda_at(&emulator, dir.path()));
        plan.args(["plan", "-f", file, "--detailed-exitcode"]);
        let out = run(plan).await;
        assert_eq!(out.status.code(), Some(2), "{example}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("to add"),
            "{example}: {}",
            stdout(&out)
        );

        let mut apply = with_keys(cda_at(&emulator, dir.path()));
        apply.args(["apply", "-f", file, "--auto-approve"]);
        let out = run(apply).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}\n{}",
            stdout(&out),
            stderr(&out)
        );

        let mut again = with_keys(cda_at(&emulator, dir.path()));
        again.args(["plan", "-f", file, "--detailed-exitcode"]);
        let out = run(again).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example} did not converge: {}",
            stdout(&out)
        );
        emulator.shutdown().await.unwrap();
    }
}
