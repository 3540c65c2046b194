//! Secrets never leave the process, TLS is never bypassed, loose
//! credentials files are refused, and the emulator's signature checks hold
//! against hand-made requests.

use crate::support::*;
use emulator::{Account, Config, FaultConfig, FaultKind, ScriptedFault, SeedSource};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const QUICKSTART: &str = "examples/quickstart.yaml";
const ACCESS_KEY: &str = "AKsecuritytest000000000000000001";
/// Both values are distinctive enough that any hit is a leak.
const SECRET_KEY: &str = "SKq7Zp2Lm9Xw4Rt8Vb6Nc1Jh5Gd3Fs0Ke";
const BGP_KEY: &str = "bgpMd5-Yt4Wq8-Pz6Lk2-secret";

/// An emulator seeded like the quick start that accepts only our AK/SK.
async fn spawn_private() -> emulator::Handle {
    let mut config = Config::demo().with_seed(SeedSource::File(
        repo_root().join("examples/emulator-seed.yaml"),
    ));
    config.accounts = vec![Account {
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        email: emulator::DEMO_ACCOUNT.into(),
    }];
    emulator::spawn(config).await.unwrap()
}

fn cda_private(handle: &emulator::Handle, dir: &Path) -> assert_cmd::Command {
    let mut cmd = cda();
    cmd.current_dir(dir)
        .env("CDA_ENDPOINT", handle.base_url())
        .env("CDA_RATE_LIMIT", "0")
        .env("CTYUN_AK", ACCESS_KEY)
        .env("CTYUN_SK", SECRET_KEY)
        .env("CTYUN_ACCOUNT", emulator::DEMO_ACCOUNT)
        .env("CDA_TEST_BGP_KEY", BGP_KEY);
    cmd
}

/// Every file under `dir`, recursively, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            let mut bytes = std::fs::read(&path).unwrap();
            // A saved plan is compressed: scan what it holds.
            if let Ok(saved) = plan::planfile::PlanFile::from_bytes(&bytes) {
                bytes = saved.to_json().into_bytes();
            }
            out.push((path.display().to_string(), bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_output_file_or_log() {
    let handle = spawn_private().await;
    let dir = scratch();
    let quickstart = std::fs::read_to_string(dir.path().join(QUICKSTART)).unwrap();
    let keyed = quickstart.replace(
        "peer_as: 65010, bfd: true }",
        "peer_as: 65010, bfd: true, key: { env: CDA_TEST_BGP_KEY } }",
    );
    assert_ne!(
        keyed, quickstart,
        "the quick start's BGP peer changed shape"
    );
    std::fs::write(dir.path().join("keyed.yaml"), keyed).unwrap();

    let mut outputs: Vec<(String, Output)> = Vec::new();
    let steps: &[&[&str]] = &[
        &["validate", "-f", "keyed.yaml", "-vv"],
        &[
            "plan",
            "-f",
            "keyed.yaml",
            "--json",
            "--markdown",
            "plan.md",
            "--out",
            "keyed.cdaplan",
            "-vv",
        ],
        &["plan", "-f", "keyed.yaml", "-v"],
        &["show", "keyed.cdaplan", "-vv"],
        &["show", "keyed.cdaplan", "--json"],
        &["apply", "keyed.cdaplan", "--journal", "saved.jsonl", "-vv"],
        &["plan", "-f", "keyed.yaml", "--detailed-exitcode", "-vvv"],
        &["export", "--region", "nm8", "-o", "export.yaml", "-vv"],
        &["export", "--region", "nm8", "-v"],
    ];
    for (i, args) in steps.iter().enumerate() {
        if i == 5 {
            // The saved-plan apply loses the response of a committed write
            // and gets a 5xx, so the retry and error paths log too.
            handle.app().set_faults(FaultConfig {
                script: vec![
                    ScriptedFault {
                        path: Some("/v4/cda/bgp-route/update".into()),
                        method: Some("POST".into()),
                        kind: FaultKind::DropAfter,
                    },
                    ScriptedFault {
                        path: Some("/v4/cda/physical-line/add".into()),
                        method: Some("POST".into()),
                        kind: FaultKind::Http503,
                    },
                ],
                ..FaultConfig::default()
            });
        }
        let mut cmd = cda_private(&handle, dir.path());
        cmd.args(*args);
        let out = run(cmd).await;
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "cda {args:?}\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
        outputs.push((format!("cda {}", args.join(" ")), out));
    }
    // The changes went through, and the key reached the emulator (so a
    // missing leak is not a missing key).
    assert_eq!(outputs[6].1.status.code(), Some(0), "not converged");
    assert!(handle.app().stats().faults.get("dropAfter") == Some(&1));
    let state = serde_json::to_string(&handle.app().store()).unwrap();
    assert!(state.contains(BGP_KEY), "the BGP key was not sent");
    // -vv did log request bodies: the scan below covers real debug output.
    assert!(
        stderr(&outputs[5].1).contains("DEBUG"),
        "{}",
        stderr(&outputs[5].1)
    );

    let mut scanned = Vec::new();
    for (what, out) in &outputs {
        scanned.push((format!("{what} (stdout)"), out.stdout.clone()));
        scanned.push((format!("{what} (stderr)"), out.stderr.clone()));
    }
    let written = files(dir.path());
    for name in ["keyed.cdaplan", "plan.md", "saved.jsonl", "export.yaml"] {
        assert!(
            written.iter().any(|(p, _)| p.ends_with(name)),
            "{name} was not written"
        );
    }
    scanned.extend(written);
    let mut hits = Vec::new();
    for (what, bytes) in &scanned {
        for secret in [SECRET_KEY, BGP_KEY] {
            if contains(bytes, secret) {
                hits.push(format!("{secret} in {what}"));
            }
        }
    }
    assert!(hits.is_empty(), "secrets leaked: {hits:#?}");
    assert!(scanned.len() >= 2 * steps.len() + 4);
    handle.shutdown().await.unwrap();
}

/// A TLS server on 127.0.0.1:0 with a freshly generated self-signed
/// certificate. Counts handshakes that completed and application bytes
/// received.
struct SelfSigned {
    port: u16,
    handshakes: Arc<AtomicUsize>,
    bytes: Arc<AtomicUsize>,
    attempts: Arc<AtomicUsize>,
}

async fn self_signed_server() -> SelfSigned {
    use tokio::io::AsyncReadExt;
    use tokio_rustls::rustls;
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = SelfSigned {
        port,
        handshakes: Arc::default(),
        bytes: Arc::default(),
        attempts: Arc::default(),
    };
    let (handshakes, bytes, attempts) = (
        server.handshakes.clone(),
        server.bytes.clone(),
        server.attempts.clone(),
    );
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            attempts.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let (handshakes, bytes) = (handshakes.clone(), bytes.clone());
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    handshakes.fetch_add(1, Ordering::SeqCst);
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = tls.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        bytes.fetch_add(n, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_https_endpoint_is_refused() {
    let server = self_signed_server().await;
    let dir = scratch();
    for endpoint in [
        format!("https://127.0.0.1:{}", server.port),
        format!("https://localhost:{}", server.port),
    ] {
        let mut cmd = cda();
        cmd.current_dir(dir.path())
            .env("CDA_ENDPOINT", &endpoint)
            .env("CTYUN_AK", ACCESS_KEY)
            .env("CTYUN_SK", SECRET_KEY)
            .env("CTYUN_ACCOUNT", emulator::DEMO_ACCOUNT)
            .args(["plan", "-f", QUICKSTART]);
        let out = run(cmd).await;
        assert_code(&out, 1);
        let err = stderr(&out).to_lowercase();
        assert!(
            err.contains("certificate") || err.contains("tls") || err.contains("issuer"),
            "{endpoint}: not a TLS error:\n{err}"
        );
        assert!(!err.contains(&SECRET_KEY.to_lowercase()));
    }
    // The client did connect (so the refusal is the certificate's), but no
    // handshake completed and not one byte of a request was readable.
    assert!(server.attempts.load(Ordering::SeqCst) >= 2);
    assert_eq!(server.handshakes.load(Ordering::SeqCst), 0);
    assert_eq!(server.bytes.load(Ordering::SeqCst), 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credentials_file_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let handle = spawn_private().await;
    let dir = scratch();
    let creds = dir.path().join("creds");
    std::fs::write(
        &creds,
        format!("ak = {ACCESS_KEY}\nsk = {SECRET_KEY}\naccount = demo@cda.local\n"),
    )
    .unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(mode)).unwrap();
        let mut cmd = cda();
        cmd.current_dir(dir.path())
            .env("CDA_ENDPOINT", handle.base_url())
            .args(["plan", "-f", QUICKSTART, "--credentials", "creds"]);
        let out = run(cmd).await;
        assert_code(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains("creds") && err.contains("chmod 600"),
            "mode {mode:o}: {err}"
        );
        assert!(!err.contains(SECRET_KEY), "{err}");
    }
    // Nothing reached the API while the file was refused; 0600 works.
    assert_eq!(handle.app().stats().requests, 0);
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = cda();
    cmd.current_dir(dir.path())
        .env("CDA_ENDPOINT", handle.base_url())
        .args(["plan", "-f", QUICKSTART, "--credentials", "creds"]);
    assert_code(&run(cmd).await, 0);
    handle.shutdown().await.unwrap();
}

/// One raw HTTP/1.1 request; returns (status, body).
fn raw_request(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.write_all(head.as_bytes()).unwrap();
    tcp.write_all(body).unwrap();
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn signed_head(
    addr: std::net::SocketAddr,
    request_id: &str,
    date: &str,
    authorization: &str,
    body: &[u8],
) -> String {
    format!(
        "POST /v4/cda/gateway/add HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nctyun-eop-request-id: {request_id}\r\neop-date: {date}\r\n\
         Eop-Authorization: {authorization}\r\nConnection: close\r\n\r\n",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_refuses_replayed_and_badly_signed_requests() {
    use emulator::sign;
    let handle = spawn_private().await;
    let addr = handle.addr;
    let body = br#"{"gatewayName":"gwsigned01","regionID":"nm8"}"#;
    let now = chrono::Utc::now();

    let call = |date: String, id: &str, sk: &str, sent: &[u8]| {
        let auth = sign::authorization(ACCESS_KEY, sk, id, &date, "", body);
        let head = signed_head(addr, id, &date, &auth, sent);
        let sent = sent.to_vec();
        tokio::task::spawn_blocking(move || raw_request(addr, &head, &sent))
    };

    // Replayed 20 minutes later (outside the 15-minute window): refused,
    // and nothing is created.
    let old = sign::eop_date(now - chrono::Duration::minutes(20));
    let (status, text) = call(old, "req-old", SECRET_KEY, body).await.unwrap();
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("CDA.Auth.RequestExpired"), "{text}");
    // Dated 20 minutes ahead: refused too.
    let future = sign::eop_date(now + chrono::Duration::minutes(20));
    let (status, text) = call(future, "req-future", SECRET_KEY, body).await.unwrap();
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("CDA.Auth.RequestExpired"), "{text}");
    // Signed with the wrong key.
    let fresh = sign::eop_date(now);
    let (status, text) = call(fresh.clone(), "req-badkey", "not-the-secret", body)
        .await
        .unwrap();
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("CDA.Auth.SignatureMismatch"), "{text}");
    // A genuine signature over a different body (tampered in transit).
    let tampered = br#"{"gatewayName":"gwevil0001","regionID":"nm8"}"#;
    let (status, text) = call(fresh.clone(), "req-tampered", SECRET_KEY, tampered)
        .await
        .unwrap();
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("CDA.Auth.SignatureMismatch"), "{text}");
    assert!(handle
        .app()
        .history()
        .iter()
        .all(|h| h.kind != "gateway" || (h.key != "gwsigned01" && h.key != "gwevil0001")));

    // The same request, fresh and correctly signed, is accepted: the
    // refusals above were for the date and the signature alone.
    let (status, text) = call(fresh, "req-fresh", SECRET_KEY, body).await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"statusCode\":800"), "{text}");
    let created: Vec<_> = handle
        .app()
        .history()
        .into_iter()
        .filter(|h| h.kind == "gateway" && h.action == "create")
        .map(|h| h.key)
        .filter(|k| k.starts_with("gwsigned") || k.starts_with("gwevil"))
        .collect();
    assert_eq!(created, vec!["gwsigned01".to_owned()]);
    handle.shutdown().await.unwrap();
}

/// A wrong secret key signs validly but differently: the server's 401 is
/// reported with what to check, and the key itself is not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_signature_says_to_check_the_secret_key_and_the_clock() {
    let handle = spawn_private().await;
    let dir = scratch();
    let mut cmd = cda_private(&handle, dir.path());
    cmd.env("CTYUN_SK", "SKnotTheRightOne0000000000000000")
        .args(["plan", "-f", QUICKSTART]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(
        err.contains(
            "check that CTYUN_SK (or the credentials file's `sk`) is the secret key of CTYUN_AK"
        ) && err.contains("clock is right"),
        "{err}"
    );
    assert!(!err.contains("SKnotTheRightOne"), "{err}");
    handle.shutdown().await.unwrap();
}
