//! A loopback HTTP/1.1 test server on raw tokio sockets, so a test controls
//! every byte: it records each request exactly as received and can answer,
//! drop the connection after reading the request, or never answer.
//!
//! Also an independent EOP signature check (its own canonicalisation and key
//! chain, not `cda_api::signing`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const AK: &str = "AKTEST0001";
pub const SK: &str = "SKTEST-secret-0001";

#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub path: String,
    /// Raw query as received (`None` when the target had no `?`).
    pub query: Option<String>,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    pub fn request_id(&self) -> &str {
        self.header("ctyun-eop-request-id").unwrap()
    }
}

pub enum Reply {
    /// HTTP status and JSON body.
    Json(u16, String),
    /// Close the connection after reading the request, without answering.
    Drop,
    /// Keep the connection open and never answer.
    Hang,
}

pub fn ok(return_obj: serde_json::Value) -> Reply {
    Reply::Json(
        200,
        serde_json::json!({"statusCode": 800, "message": "", "returnObj": return_obj}).to_string(),
    )
}

pub fn write_ok() -> Reply {
    ok(serde_json::json!({"result": "1", "data": null, "errorMsg": null, "traceId": "trace-1"}))
}

type Handler = dyn Fn(&Captured, usize) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Captured>>>,
}

impl TestServer {
    /// Starts a server; `handler` gets each request and its 0-based index.
    pub async fn start(
        handler: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move { serve_connection(stream, handler, recorded).await });
            }
        });
        TestServer { addr, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    recorded: Arc<Mutex<Vec<Captured>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8(buf[..header_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap().split(' ');
    let method = request_line.next().unwrap().to_owned();
    let target = request_line.next().unwrap().to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.clone(), None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let captured = Captured {
        method,
        path,
        query,
        headers,
        body,
    };
    let index = {
        let mut all = recorded.lock().unwrap();
        all.push(captured.clone());
        all.len() - 1
    };
    match handler(&captured, index) {
        Reply::Json(status, body) => {
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Drop => drop(stream),
        Reply::Hang => {
            // Hold the socket until the client gives up and closes it.
            let _ = stream.read(&mut chunk).await;
        }
    }
}

/// A client for `server` with fast retries and no rate limit.
pub fn client(server: &TestServer) -> cda_api::Client {
    cda_api::Client::new(config(server)).unwrap()
}

pub fn config(server: &TestServer) -> cda_api::ClientConfig {
    let mut c =
        cda_api::ClientConfig::new(cda_api::Credentials::new(AK, SK)).with_endpoint(server.url());
    c.read_attempts = 3;
    c.retry_min_delay = Duration::from_millis(1);
    c.retry_max_delay = Duration::from_millis(5);
    c.rate_limit_per_sec = None;
    c.timeout = Duration::from_secs(10);
    c
}

// ---------------------------------------------------------------------------
// Independent signature check

fn rfc3986(raw: &[u8]) -> String {
    let mut out = String::new();
    for &b in raw {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// Decodes, re-encodes (RFC 3986) and sorts a raw query, as a verifying
/// server would.
pub fn recanonicalise(raw: &str) -> String {
    if raw.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = raw
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (rfc3986(&percent_decode(k)), rfc3986(&percent_decode(v)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// Recomputes the `Eop-Authorization` value for a captured request and
/// asserts it matches; also checks the query is already canonical and the
/// `eop-date` is the current Beijing time.
pub fn assert_signed(req: &Captured) {
    let rid = req
        .header("ctyun-eop-request-id")
        .expect("request id header");
    let date = req.header("eop-date").expect("eop-date header");
    let auth = req
        .header("eop-authorization")
        .expect("authorization header");
    assert_eq!(rid.len(), 36, "uuid request id: {rid}");
    let query = req.query.clone().unwrap_or_default();
    assert_eq!(
        recanonicalise(&query),
        query,
        "the URL carries the canonical query"
    );
    let body_hex = hex::encode(Sha256::digest(&req.body));
    let sts = format!("ctyun-eop-request-id:{rid}\neop-date:{date}\n\n{query}\n{body_hex}");
    let k_time = hmac(SK.as_bytes(), date.as_bytes());
    let k_ak = hmac(&k_time, AK.as_bytes());
    let k_date = hmac(&k_ak, &date.as_bytes()[..8]);
    let sig = base64::engine::general_purpose::STANDARD.encode(hmac(&k_date, sts.as_bytes()));
    assert_eq!(
        auth,
        format!("{AK} Headers=ctyun-eop-request-id;eop-date Signature={sig}")
    );

    // eop-date is Beijing wall-clock time with a literal Z.
    let naive =
        chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").expect("eop-date format");
    let as_utc = naive.and_utc() - chrono::Duration::hours(8);
    let skew = (chrono::Utc::now() - as_utc).num_seconds().abs();
    assert!(
        skew < 120,
        "eop-date {date} is not current Beijing time (skew {skew}s)"
    );
}
