//! A server that reports names differently must not become an outage
//! (issue #19). A loopback proxy in front of the in-process emulator
//! renames every gateway in its answers (`gatewayName`, `vrfName` and
//! `displayName` values become `lg-<hex>` IDs), the way a server that
//! answers with IDs where cda reads names would look. Requests naming such
//! an ID are translated back and re-signed with the demo keys, so the
//! renamed gateways stay fully usable: without the identity check, `apply`
//! would really delete them. The plan must stop with the identity message
//! and `apply --auto-approve` must send no write.

use crate::support::*;
use emulator::{FaultConfig, Handle, DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const QUICKSTART: &str = "examples/quickstart.yaml";

/// Keys whose values name a gateway in the emulator's answers.
const GATEWAY_KEYS: [&str; 3] = ["gatewayName", "vrfName", "displayName"];

/// The renaming proxy: `base_url()` is what `cda` talks to.
struct RenameProxy {
    addr: SocketAddr,
    /// ID → real name, for translating requests back.
    ids: Arc<Mutex<HashMap<String, String>>>,
}

impl RenameProxy {
    async fn spawn(upstream: SocketAddr) -> RenameProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ids = Arc::new(Mutex::new(HashMap::new()));
        let shared = Arc::clone(&ids);
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let ids = Arc::clone(&shared);
                tokio::spawn(async move {
                    // A failed exchange shows up as a failed request in cda.
                    let _ = serve(conn, upstream, ids).await;
                });
            }
        });
        RenameProxy { addr, ids }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn renamed(&self) -> Vec<String> {
        let mut names: Vec<String> = self.ids.lock().unwrap().values().cloned().collect();
        names.sort();
        names
    }
}

/// A stable gateway-ID-looking value for a name (FNV-1a, 40 bits).
fn id_for(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("lg-{:010x}", h & 0xff_ffff_ffff)
}

/// One HTTP/1.1 message: the start line, headers, body.
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn set_header(&mut self, name: &str, value: String) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value));
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Reads one message; the body by `Content-Length` or chunked, else to EOF.
async fn read_message(conn: &mut TcpStream, to_eof: bool) -> std::io::Result<Message> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rest = buf[head_end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut msg = Message {
        start,
        headers,
        body: Vec::new(),
    };
    if let Some(len) = msg
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        while rest.len() < len {
            let n = conn.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(len);
        msg.body = rest;
    } else if to_eof {
        conn.read_to_end(&mut rest).await?;
        msg.body = if msg
            .header("transfer-encoding")
            .is_some_and(|v| v.contains("chunked"))
        {
            dechunk(&rest)
        } else {
            rest
        };
    }
    msg.headers.retain(|(k, _)| {
        !k.eq_ignore_ascii_case("transfer-encoding") && !k.eq_ignore_ascii_case("connection")
    });
    Ok(msg)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..i]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        data = &data[i + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
    out
}

/// Every value under a gateway key becomes its ID; returns whether any did.
fn rename(value: &mut Value, ids: &Mutex<HashMap<String, String>>) -> bool {
    let mut changed = false;
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(name)
                        if GATEWAY_KEYS.contains(&k.as_str()) && !name.is_empty() =>
                    {
                        let id = id_for(name);
                        ids.lock().unwrap().insert(id.clone(), name.clone());
                        *name = id;
                        changed = true;
                    }
                    other => changed |= rename(other, ids),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                changed |= rename(item, ids);
            }
        }
        _ => {}
    }
    changed
}

/// Puts real names back in a request naming renamed gateways and signs it
/// again (the signature covers the query and the body).
fn translate_request(req: &mut Message, ids: &Mutex<HashMap<String, String>>) {
    let ids = ids.lock().unwrap().clone();
    let mut start = req.start.clone();
    let mut body = String::from_utf8_lossy(&req.body).into_owned();
    for (id, name) in &ids {
        start = start.replace(id.as_str(), name);
        body = body.replace(id.as_str(), name);
    }
    if start == req.start && body.as_bytes() == req.body.as_slice() {
        return;
    }
    let target = start.split(' ').nth(1).unwrap_or_default();
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let request_id = req
        .header("ctyun-eop-request-id")
        .unwrap_or_default()
        .to_string();
    let date = req.header("eop-date").unwrap_or_default().to_string();
    let auth = cda_api::signing::authorization(
        DEMO_ACCESS_KEY,
        DEMO_SECRET_KEY,
        &request_id,
        &date,
        query,
        body.as_bytes(),
    );
    req.start = start;
    req.body = body.into_bytes();
    req.set_header("Eop-Authorization", auth);
    req.set_header("Content-Length", req.body.len().to_string());
}

async fn serve(
    mut conn: TcpStream,
    upstream: SocketAddr,
    ids: Arc<Mutex<HashMap<String, String>>>,
) -> std::io::Result<()> {
    let mut req = read_message(&mut conn, false).await?;
    translate_request(&mut req, &ids);
    req.set_header("Connection", "close".into());
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&req.to_bytes()).await?;
    let mut resp = read_message(&mut up, true).await?;
    if let Ok(mut json) = serde_json::from_slice::<Value>(&resp.body) {
        if rename(&mut json, &ids) {
            resp.body = serde_json::to_vec(&json).unwrap();
        }
    }
    resp.set_header("Content-Length", resp.body.len().to_string());
    resp.set_header("Connection", "close".into());
    conn.write_all(&resp.to_bytes()).await?;
    conn.shutdown().await
}

fn cda_via(proxy: &RenameProxy, handle: &Handle, dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = cda_at(handle, dir);
    cmd.env("CDA_ENDPOINT", proxy.base_url());
    cmd
}

const IDENTITY_MESSAGE: &str =
    "live objects look like the ones this file declares but do not match by name — the server may report names differently";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_gateways_stop_the_plan_and_apply_writes_nothing() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let proxy = RenameProxy::spawn(handle.addr).await;
    let dir = scratch();

    let mut cmd = cda_via(&proxy, &handle, dir.path());
    cmd.args(["plan", "-f", QUICKSTART]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(err.contains(IDENTITY_MESSAGE), "{err}");
    let gwprod01 = id_for("gwprod01");
    assert!(
        err.contains(&format!(
            "live gateway.{gwprod01} looks like gateway.gwprod01 in the file"
        )),
        "{err}"
    );
    assert!(err.contains("VPC vpc-prod7k2hd0"), "{err}");
    assert!(err.contains("looks like a gateway ID"), "{err}");
    // The proxy really renamed both gateways (the test is not vacuous).
    assert_eq!(proxy.renamed(), vec!["gwdr01", "gwprod01"]);

    let mut cmd = cda_via(&proxy, &handle, dir.path());
    cmd.args(["apply", "-f", QUICKSTART, "--auto-approve"]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    assert!(stderr(&out).contains(IDENTITY_MESSAGE), "{}", stderr(&out));
    // Even the flags that allow a mass destroy do not get past it.
    let mut cmd = cda_via(&proxy, &handle, dir.path());
    cmd.args([
        "apply",
        "-f",
        QUICKSTART,
        "--auto-approve",
        "--allow-mass-destroy",
    ]);
    assert_code(&run(cmd).await, 1);
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_is_transparent_for_reads_of_renamed_gateways() {
    // The renamed gateways' children are still read through their IDs: the
    // plan fails on identity, not on a refused read.
    let handle = spawn_seeded(FaultConfig::default()).await;
    let proxy = RenameProxy::spawn(handle.addr).await;
    let dir = scratch();
    let mut cmd = cda_via(&proxy, &handle, dir.path());
    cmd.args(["export", "--region", "nm8"]);
    let out = run(cmd).await;
    // Export refuses the IDs as gateway names, after reading every child.
    assert_code(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot export gateway `{}`", id_for("gwdr01"))),
        "{err}"
    );
    assert!(err.contains("2–20 letters and digits"), "{err}");
    let reads: u64 = handle
        .app()
        .stats()
        .endpoints
        .iter()
        .filter(|(k, _)| k.contains("vpc/list") || k.contains("route/list"))
        .map(|(_, s)| s.requests)
        .sum();
    // At least one per gateway: VPCs and static routes come with the
    // gateway rows (issue #17), BGP peers from bgp-route/list by ID.
    assert!(reads >= 2, "{reads}");
    assert_eq!(writes(&handle), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_the_file_fails_on_renamed_gateways_and_passes_without_them() {
    let handle = spawn_seeded(FaultConfig::default()).await;
    let proxy = RenameProxy::spawn(handle.addr).await;
    let dir = scratch();

    // Through the renaming proxy: the identity check fails, nothing written.
    let mut cmd = cda_via(&proxy, &handle, dir.path());
    cmd.args(["doctor", "-f", QUICKSTART]);
    let out = run(cmd).await;
    assert_code(&out, 1);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("identities:"))
        .unwrap_or_default();
    assert!(line.starts_with("FAIL"), "{text}");
    assert!(line.contains(IDENTITY_MESSAGE), "{text}");

    // Straight to the emulator: the same file's names match.
    let mut cmd = cda_at(&handle, dir.path());
    cmd.args(["doctor", "-f", QUICKSTART]);
    let out = run(cmd).await;
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("identities:"))
        .unwrap_or_default();
    assert!(line.starts_with("ok"), "{text}");
    assert_eq!(writes(&handle), 0);
}
