//! Giving up fast (issue #17): against a server that accepts connections
//! and never answers, or one that trickles a byte every two seconds,
//! `cda plan` fails once, with one clear message, within the bound the
//! timeout and attempt settings give (`ClientConfig::give_up_bound`),
//! instead of retrying every call in turn.

use crate::support::{assert_code, cda, run, scratch, stderr};
use emulator::{DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback server that accepts every connection and reads it; when
/// `trickle` is set it answers a request with one byte of a status line
/// every two seconds,
/// so the response never completes; otherwise it never writes.
async fn unanswering_server(trickle: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                // Answer nothing before the request arrived (a client
                // drops a connection that speaks first).
                let mut first = [0u8; 4096];
                if !matches!(socket.read(&mut first).await, Ok(n) if n > 0) {
                    return;
                }
                let (mut rx, mut tx) = socket.split();
                let read = async {
                    let mut buf = [0u8; 4096];
                    while matches!(rx.read(&mut buf).await, Ok(n) if n > 0) {}
                };
                let write = async {
                    if !trickle {
                        return std::future::pending::<()>().await;
                    }
                    for byte in b"HTTP/1.1 200 OK\r\n".iter().cycle() {
                        if tx.write_all(&[*byte]).await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                };
                tokio::select! { _ = read => {}, _ = write => {} }
            });
        }
    });
    url
}

/// Runs `cda plan` against `url` with the per-call timeout `timeout`
/// (seconds) and returns its output and how long it took.
async fn plan_against(url: &str, timeout: f64) -> (std::process::Output, Duration) {
    let dir = scratch();
    let mut cmd = cda();
    cmd.current_dir(dir.path())
        .env("CDA_ENDPOINT", url)
        .env("CTYUN_AK", DEMO_ACCESS_KEY)
        .env("CTYUN_SK", DEMO_SECRET_KEY)
        .env("CTYUN_ACCOUNT", DEMO_ACCOUNT)
        .env("CDA_RATE_LIMIT", "0")
        .env("CDA_TIMEOUT", timeout.to_string())
        .args(["plan", "-f", "examples/quickstart.yaml"]);
    let started = Instant::now();
    let out = run(cmd).await;
    (out, started.elapsed())
}

/// The bound for `timeout` with the default attempts and delays.
fn bound(timeout: f64) -> Duration {
    let mut config = cda_api::ClientConfig::new(cda_api::Credentials::new("ak", "sk"));
    config.timeout = Duration::from_secs_f64(timeout);
    config.give_up_bound()
}

#[track_caller]
fn assert_gave_up_once(out: &std::process::Output, url: &str, elapsed: Duration, limit: Duration) {
    assert_code(out, 1);
    let err = stderr(out);
    let message = format!("the CDA API at {url} is not answering (4 calls timed out in ");
    assert_eq!(err.matches(&message).count(), 1, "{err}");
    assert!(
        err.contains("check the endpoint, the network path and the service status"),
        "{err}"
    );
    // One message: no line per attempt or per retried call without -v.
    for noise in ["retrying read", "call failed", "read failed", "WARN"] {
        assert!(!err.contains(noise), "{noise:?} in:\n{err}");
    }
    // Generous: the bound plus process start-up and scheduling.
    assert!(
        elapsed < limit + Duration::from_secs(10),
        "{elapsed:?} against a bound of {limit:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_gives_up_on_a_server_that_never_answers() {
    let url = unanswering_server(false).await;
    let (out, elapsed) = plan_against(&url, 0.5).await;
    assert_gave_up_once(&out, &url, elapsed, bound(0.5));
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_gives_up_on_a_server_trickling_a_byte_every_two_seconds() {
    let url = unanswering_server(true).await;
    // Longer than the gap between bytes: an idle timeout would never fire;
    // the whole-call timeout does.
    let (out, elapsed) = plan_against(&url, 2.5).await;
    assert_gave_up_once(&out, &url, elapsed, bound(2.5));
}
