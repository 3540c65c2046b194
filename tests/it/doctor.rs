//! `cda doctor` against an in-process emulator: every check passes on the
//! reference dialect with no write sent; the capture is redacted and judged
//! again offline to the same verdict; a refused signature, an unknown
//! gateway and a loose credentials file fail with exit 1.

use crate::support::{assert_code, cda, cda_at, repo_root, run, spawn_seeded, stdout, writes};
use emulator::{Config, FaultConfig, Handle, Seed, SeedSource, DEMO_ACCESS_KEY, DEMO_ACCOUNT};
use std::path::Path;

/// A BGP key the seed gives gwdr01's peer, to find (or not) in captures.
const BGP_KEY: &str = "bgp-Secret-Zq81x";

/// The quick start's seed, with a BGP key on the DR peer.
async fn spawn_with_bgp_key() -> Handle {
    let text = std::fs::read_to_string(repo_root().join("examples/emulator-seed.yaml")).unwrap();
    let keyed = text.replace(
        "peerAs: 65010, bfd: true}",
        &format!("peerAs: 65010, key: {BGP_KEY}, bfd: true}}"),
    );
    assert_ne!(keyed, text, "the seed no longer has the DR peer");
    let seed = Seed::parse(&keyed, "test seed").unwrap();
    emulator::spawn(Config::demo().with_seed(SeedSource::Inline(seed)))
        .await
        .unwrap()
}

/// The check lines a capture can reproduce (not credentials or
/// the offline note), without the totals line.
fn judged_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("cda can"))
        .filter(|l| {
            !["credentials", "offline"]
                .iter()
                .any(|name| l.split_whitespace().nth(1) == Some(&format!("{name}:")))
        })
        .map(str::to_owned)
        .collect()
}

fn doctor_at(handle: &Handle, dir: &Path) -> assert_cmd::Command {
    let mut cmd = cda_at(handle, dir);
    cmd.args(["doctor", "--rate-limit", "0"]);
    cmd
}

#[tokio::test]
async fn every_check_passes_on_the_reference_emulator_and_nothing_is_written() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let history = handle.app().history().len();
    let dir = tempfile::tempdir().unwrap();
    let out = run(doctor_at(&handle, dir.path())).await;
    assert_code(&out, 0);
    let text = stdout(&out);
    assert!(!text.contains("FAIL") && !text.contains("WARN"), "{text}");
    for line in [
        "ok   signature: accepted",
        "ok   GET parameters: gateway/list accepts query, body, both",
        "ok   gateway key: vpc/list accepts gatewayName, vrfName, both",
        "ok   gateway: gwprod01 (vrfName gwprod01), first of 2 listed",
        "ok   read vpc/list: 2 rows",
        "ok   read health-check/get:",
        "ok   dialect: answers match `reference`",
        "ok   unknown fields: none",
        "cda can work with this server",
    ] {
        assert!(text.contains(line), "{line:?} missing from\n{text}");
    }
    // Read-only: no write endpoint called, nothing committed.
    assert_eq!(writes(&handle), 0);
    let stats = handle.app().stats();
    assert_eq!(stats.writes_committed, 0);
    assert!(
        stats.endpoints.keys().all(|k| k.starts_with("GET ")),
        "{stats:#?}"
    );
    assert!(stats.requests >= 14, "{stats:#?}");
    assert_eq!(handle.app().history().len(), history);
}

#[tokio::test]
async fn the_capture_is_redacted_and_judged_offline_to_the_same_verdict() {
    let handle = spawn_with_bgp_key().await;
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("doctor.jsonl");
    let mut cmd = doctor_at(&handle, dir.path());
    cmd.args(["--gateway", "gwdr01", "--capture"]).arg(&capture);
    let live = run(cmd).await;
    assert_code(&live, 0);
    assert!(
        stdout(&live).contains("ok   read bgp-route/list: 1 row"),
        "{}",
        stdout(&live)
    );

    let text = std::fs::read_to_string(&capture).unwrap();
    assert!(text.lines().count() >= 15, "{text}");
    for secret in [
        DEMO_ACCESS_KEY,
        DEMO_ACCOUNT,
        "demo%40cda.local",
        BGP_KEY,
        emulator::DEMO_SECRET_KEY,
    ] {
        assert!(!text.contains(secret), "{secret} is in the capture");
    }
    // The key was in the answer, masked; every signature is masked.
    assert!(text.contains(r#"\"BGPKey\":\"(sensitive)\""#), "{text}");
    let signatures = text.matches("Signature=").count();
    assert!(signatures >= 15);
    assert_eq!(text.matches("Signature=(sensitive)").count(), signatures);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&capture).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "capture mode {mode:o}");
    }

    // Offline: no credentials, no endpoint, the server gone.
    handle.shutdown().await.unwrap();
    let mut offline = cda();
    offline
        .current_dir(dir.path())
        .arg("doctor")
        .arg("--from-capture")
        .arg(&capture);
    let again = run(offline).await;
    assert_code(&again, 0);
    assert!(stdout(&again).contains("skip offline: judging"));
    assert_eq!(judged_lines(&stdout(&again)), judged_lines(&stdout(&live)));
}

#[tokio::test]
async fn a_refused_signature_fails_and_so_does_its_capture() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("refused.jsonl");
    let mut cmd = doctor_at(&handle, dir.path());
    cmd.env("CTYUN_SK", "not-the-secret-key-0000000000000")
        .arg("--capture")
        .arg(&capture);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("FAIL signature: refused: HTTP 401"), "{text}");
    assert!(
        text.contains("→ check the access key and secret key"),
        "{text}"
    );
    assert!(text.contains("cda cannot work with this server"), "{text}");
    assert_eq!(writes(&handle), 0);

    let mut offline = cda();
    offline.arg("doctor").arg("--from-capture").arg(&capture);
    let again = run(offline).await;
    assert_code(&again, 1);
    assert!(stdout(&again).contains("FAIL signature: refused"));
}

#[tokio::test]
async fn an_unknown_gateway_fails() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = doctor_at(&handle, dir.path());
    cmd.args(["--gateway", "nosuchgw"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(
        stdout(&out).contains("FAIL gateway: gateway nosuchgw is not in gateway/list"),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_credentials_file_others_can_read_fails_before_any_call() {
    use std::os::unix::fs::PermissionsExt;
    let handle = spawn_seeded(FaultConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("creds");
    std::fs::write(
        &file,
        format!(
            "ak = {DEMO_ACCESS_KEY}\nsk = {}\n",
            emulator::DEMO_SECRET_KEY
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = cda();
    cmd.current_dir(dir.path())
        .env("CDA_ENDPOINT", handle.base_url())
        .arg("doctor")
        .arg("--credentials")
        .arg(&file);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains("FAIL credentials file:") && text.contains("mode 0644"),
        "{text}"
    );
    assert!(
        text.contains(&format!("→ chmod 600 {}", file.display())),
        "{text}"
    );
    assert_eq!(handle.app().stats().requests, 0);
}
