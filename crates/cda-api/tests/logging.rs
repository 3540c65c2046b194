//! Debug-level logging shows request and response bodies with secrets
//! redacted, and spans carry endpoint, request id, attempt and status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use cda_api::types::{BgpPeer, BgpRouteAddRequest, GatewayScopedRequest};
use common::{client, ok, TestServer};
use secrecy::SecretString;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_logs_redact_bgp_keys_in_requests_and_responses() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(|req, _| {
        if req.path.ends_with("/list") {
            ok(json!({"bgpRouteList": [{"BGPID": "b-1", "BGPNeighbor": "n", "BGPIP": "10.255.0.2",
                                        "lineName": "a", "peerAS": "65001", "BGPKey": "resp-secret-key", "bfd": true}]}))
        } else {
            common::write_ok()
        }
    })
    .await;
    let c = client(&server);
    let req = BgpRouteAddRequest {
        gateway_name: "gw".into(),
        ip_version: "IPV4".into(),
        bgp_list: vec![BgpPeer {
            bgp_neighbor: "n".into(),
            bgp_ip: "10.255.0.2".into(),
            peer_as: "65001".into(),
            bgp_key: Some(SecretString::from("req-secret-key".to_string())),
            ..Default::default()
        }],
        ..Default::default()
    };
    let receipt = c.bgp_route_add(&req).await.unwrap();
    c.bgp_route_list(&GatewayScopedRequest {
        gateway_name: "gw".into(),
        ..Default::default()
    })
    .await
    .unwrap();

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("request body"), "{logs}");
    assert!(logs.contains("response body"), "{logs}");
    assert!(logs.contains("(sensitive)"), "{logs}");
    assert!(!logs.contains("req-secret-key"), "{logs}");
    assert!(!logs.contains("resp-secret-key"), "{logs}");
    assert!(!logs.contains(common::SK), "{logs}");
    // Span fields name the call.
    assert!(logs.contains("endpoint=\"bgp_route_add\""), "{logs}");
    assert!(logs.contains(&receipt.request_id), "{logs}");
    assert!(logs.contains("attempt=1"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
}
