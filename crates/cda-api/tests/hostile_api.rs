//! A hostile or broken API: malformed JSON, huge bodies, missing and
//! mistyped fields, `statusCode` 900 under HTTP 200, HTML error pages,
//! truncated bodies, wrong content types. For reads and writes alike the
//! client returns a typed [`Error`], never panics, and never reports
//! success.
//!
//! The server here is a raw loopback socket so a test controls every byte
//! of the response (including lying `Content-Length`s).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cda_api::types::{GatewayAddRequest, GatewayCountRequest, GatewayListRequest};
use cda_api::{Client, ClientConfig, Credentials, Error, MAX_RESPONSE_BYTES};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server sends back.
#[derive(Clone)]
enum Reply {
    /// Status, content type and body, with a correct `Content-Length`.
    Body(u16, &'static str, Vec<u8>),
    /// Announces `announced` bytes, sends `body`, closes.
    Truncated(u16, usize, Vec<u8>),
    /// `len` bytes of a JSON string that never ends, with a
    /// `Content-Length` when `announce`, chunked otherwise.
    Huge { len: usize, announce: bool },
}

struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
}

async fn serve(reply: Reply) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let reply = reply.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                // The client may hang up mid-way (it should, for huge
                // bodies): write errors are expected.
                let _ = answer(stream, reply, &counter).await;
            });
        }
    });
    Server { url, requests }
}

/// Reads one request (headers, then `Content-Length` bytes) and answers.
async fn answer(mut s: TcpStream, reply: Reply, counter: &AtomicUsize) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < header_end + length {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    counter.fetch_add(1, Ordering::SeqCst);
    match reply {
        Reply::Body(status, ctype, body) => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            s.write_all(head.as_bytes()).await?;
            s.write_all(&body).await?;
        }
        Reply::Truncated(status, announced, body) => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\nconnection: close\r\n\r\n"
            );
            s.write_all(head.as_bytes()).await?;
            s.write_all(&body).await?;
        }
        Reply::Huge { len, announce } => {
            let framing = if announce {
                format!("content-length: {len}")
            } else {
                "transfer-encoding: chunked".to_owned()
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\nconnection: close\r\n\r\n"
            );
            s.write_all(head.as_bytes()).await?;
            let prefix = br#"{"statusCode":800,"returnObj":{"x":""#;
            let block = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            let mut first = true;
            while sent < len {
                let piece: &[u8] = if first { prefix } else { &block };
                first = false;
                let piece = &piece[..piece.len().min(len - sent)];
                if announce {
                    s.write_all(piece).await?;
                } else {
                    s.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .await?;
                    s.write_all(piece).await?;
                    s.write_all(b"\r\n").await?;
                }
                sent += piece.len();
            }
            if !announce {
                s.write_all(b"0\r\n\r\n").await?;
            }
        }
    }
    s.shutdown().await
}

fn client(url: &str) -> Client {
    let mut config =
        ClientConfig::new(Credentials::new("AKHOSTILE", "SKHOSTILE")).with_endpoint(url.to_owned());
    // One attempt: these tests are about classification, not retries.
    config.read_attempts = 1;
    config.rate_limit_per_sec = None;
    config.timeout = Duration::from_secs(20);
    Client::new(config).unwrap()
}

/// The outcome of one read and one write against a server, as errors.
struct Outcomes {
    list: Error,
    count: Error,
    write: Error,
}

async fn against(reply: Reply) -> Outcomes {
    let server = serve(reply).await;
    let c = client(&server.url);
    let list = c
        .gateway_list(&GatewayListRequest::default(), 1, 50)
        .await
        .map(|p| format!("{:?}", p.items));
    let count = c
        .gateway_count(&GatewayCountRequest::default())
        .await
        .map(|n| n.to_string());
    let write = c
        .gateway_add(&GatewayAddRequest {
            gateway_name: "gwhostile".into(),
            account: "netops@example.com".into(),
            hostname: "sw-01".into(),
            ..GatewayAddRequest::default()
        })
        .await
        .map(|r| format!("{r:?}"));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        3,
        "one request per call"
    );
    Outcomes {
        list: list.expect_err("gateway_list took a hostile answer as success"),
        count: count.expect_err("gateway_count took a hostile answer as success"),
        write: write.expect_err("gateway_add took a hostile answer as success"),
    }
}

fn is_decode(e: &Error) -> bool {
    matches!(e, Error::Decode { .. })
}

fn json(status: u16, body: &str) -> Reply {
    Reply::Body(status, "application/json", body.as_bytes().to_vec())
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    for body in [
        r#"{"statusCode": 800, "returnObj": {"#,
        r#"{"statusCode": 800,, }"#,
        "{'statusCode': 800}",
        "\u{feff}",
        "",
    ] {
        let o = against(json(200, body)).await;
        for e in [&o.list, &o.count, &o.write] {
            assert!(is_decode(e), "{body:?}: {e:?}");
            assert!(e.request_id().is_some_and(|r| !r.is_empty()), "{e:?}");
        }
    }
}

#[tokio::test]
async fn json_that_is_not_an_envelope_is_a_decode_error() {
    for body in [
        "null",
        "[]",
        "800",
        r#""statusCode""#,
        "{}",
        r#"{"returnObj": {"result": "1"}}"#,
        r#"{"statusCode": null}"#,
        r#"{"statusCode": [800]}"#,
        r#"{"statusCode": {"code": 800}}"#,
    ] {
        let o = against(json(200, body)).await;
        for e in [&o.list, &o.count, &o.write] {
            assert!(is_decode(e), "{body:?}: {e:?}");
        }
    }
}

#[tokio::test]
async fn status_code_900_under_http_200_is_an_api_error() {
    let body = r#"{"statusCode": 900, "errorCode": "cda.gateway.exists", "message": "gateway exists", "returnObj": {"result": "1"}}"#;
    let o = against(json(200, body)).await;
    for e in [&o.list, &o.count, &o.write] {
        assert!(
            matches!(e, Error::Api { code, .. } if code == "cda.gateway.exists"),
            "{e:?}"
        );
        assert!(!e.is_transient(), "{e:?}");
    }
    // Any code other than 800 is a failure, known or not.
    for code in ["900", "\"900\"", "0", "200", "801", "-800"] {
        let body = format!(r#"{{"statusCode": {code}, "returnObj": {{"result": "1"}}}}"#);
        let o = against(json(200, &body)).await;
        for e in [&o.list, &o.count, &o.write] {
            assert!(
                matches!(e, Error::Api { .. } | Error::Decode { .. }),
                "statusCode {code}: {e:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_write_with_result_0_is_an_api_error() {
    let body = r#"{"statusCode": 800, "returnObj": {"result": "0", "errorMsg": "quota"}}"#;
    let server = serve(json(200, body)).await;
    let e = client(&server.url)
        .gateway_add(&GatewayAddRequest {
            gateway_name: "gwhostile".into(),
            account: "netops@example.com".into(),
            hostname: "sw-01".into(),
            ..GatewayAddRequest::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Api { ref message, .. } if message == "quota"),
        "{e:?}"
    );
}

#[tokio::test]
async fn an_html_error_page_is_an_http_or_decode_error() {
    let page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>".to_vec();
    let o = against(Reply::Body(502, "text/html", page.clone())).await;
    for e in [&o.list, &o.count, &o.write] {
        assert!(
            matches!(
                e,
                Error::HttpStatus {
                    status: 502,
                    code: None,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    // Reads may retry a 502; a write is never retried blindly.
    assert!(o.list.is_transient() && o.count.is_transient());
    // The same page under 200 (a captive portal, a misconfigured proxy).
    let o = against(Reply::Body(200, "text/html", page)).await;
    for e in [&o.list, &o.count, &o.write] {
        assert!(is_decode(e), "{e:?}");
    }
}

#[tokio::test]
async fn a_wrong_content_type_does_not_make_garbage_a_success() {
    for ctype in ["text/plain", "application/octet-stream", "image/png"] {
        let o = against(Reply::Body(200, ctype, b"OK".to_vec())).await;
        for e in [&o.list, &o.count, &o.write] {
            assert!(is_decode(e), "{ctype}: {e:?}");
        }
    }
}

#[tokio::test]
async fn missing_and_mistyped_fields_are_errors() {
    // count: no number where the count should be, or not a number.
    for body in [
        r#"{"statusCode": 800}"#,
        r#"{"statusCode": 800, "returnObj": {"count": "many"}}"#,
        r#"{"statusCode": 800, "returnObj": {"count": -1}}"#,
        r#"{"statusCode": 800, "returnObj": {"count": 1.5}}"#,
        r#"{"statusCode": 800, "returnObj": [1, 2]}"#,
    ] {
        let server = serve(json(200, body)).await;
        let r = client(&server.url)
            .gateway_count(&GatewayCountRequest::default())
            .await;
        assert!(matches!(r, Err(Error::Decode { .. })), "{body}: {r:?}");
    }
    // list: items of the wrong shape.
    for body in [
        r#"{"statusCode": 800, "returnObj": {"gatewayList": [1, 2, 3]}}"#,
        r#"{"statusCode": 800, "returnObj": {"gatewayList": 42}}"#,
        r#"{"statusCode": 800, "returnObj": {"gatewayList": true}}"#,
        r#"{"statusCode": 800, "returnObj": {"gatewayList": "gw1,gw2"}}"#,
        r#"{"statusCode": 800, "returnObj": {"gatewayList": ["gw1"]}}"#,
        r#"{"statusCode": 800, "returnObj": [{"gatewayName": {"nested": true}}]}"#,
        r#"{"statusCode": 800, "returnObj": [{"gatewayName": ["a"]}]}"#,
    ] {
        let server = serve(json(200, body)).await;
        let r = client(&server.url)
            .gateway_list(&GatewayListRequest::default(), 1, 50)
            .await;
        assert!(matches!(r, Err(Error::Decode { .. })), "{body}: {r:?}");
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_typed_error_and_a_write_is_unknown() {
    let body = br#"{"statusCode": 800, "returnObj": {"res"#.to_vec();
    let o = against(Reply::Truncated(200, 4096, body)).await;
    for e in [&o.list, &o.count] {
        assert!(
            matches!(
                e,
                Error::Transport { connect: false, .. } | Error::Decode { .. }
            ),
            "{e:?}"
        );
    }
    // The request reached the server and the answer was lost: the write
    // may have happened, so the caller must re-read, not resend.
    assert!(o.write.is_unknown_outcome(), "{:?}", o.write);
}

#[tokio::test]
async fn a_huge_body_is_capped_not_buffered() {
    const HUGE: usize = 50 * 1024 * 1024;
    const { assert!(HUGE > MAX_RESPONSE_BYTES) };
    for announce in [true, false] {
        let o = against(Reply::Huge {
            len: HUGE,
            announce,
        })
        .await;
        for e in [&o.list, &o.count, &o.write] {
            assert!(is_decode(e), "announce={announce}: {e:?}");
            assert!(e.to_string().contains("limit"), "{e}");
        }
    }
}

#[tokio::test]
async fn an_error_status_with_a_huge_body_keeps_its_status() {
    let server = serve(Reply::Truncated(503, 64 * 1024 * 1024, Vec::new())).await;
    let e = client(&server.url)
        .gateway_count(&GatewayCountRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::HttpStatus { status: 503, .. }), "{e:?}");
    assert!(e.is_transient());
}
