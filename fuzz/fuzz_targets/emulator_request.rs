//! Arbitrary method, path, query, headers and body → the emulator's request
//! handling (its axum router, in process, through `tower::ServiceExt::oneshot`).
//!
//! Half the inputs are signed with the demo credentials so they get past
//! authentication and reach parameter parsing and the business rules; the
//! path is then usually one of the real endpoints (or an admin endpoint),
//! so the fuzzer does not spend its time on 404s.
//!
//! Invariants: no panic; every API answer (not `/_emulator/*`) is a JSON
//! envelope with `statusCode` 800 or 900.
#![no_main]

use arbitrary::Arbitrary;
use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt as _;

const ADMIN: &[&str] = &[
    "/_emulator/state",
    "/_emulator/stats",
    "/_emulator/history",
    "/_emulator/faults",
    "/_emulator/seed",
];

#[derive(Debug, Arbitrary)]
struct Input {
    method: u8,
    /// Picks a known endpoint (most values) or uses `raw_path`.
    endpoint: u8,
    raw_path: String,
    query: String,
    content_type: u8,
    sign: bool,
    body: Vec<u8>,
}

struct World {
    rt: tokio::runtime::Runtime,
    app: Arc<emulator::App>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let seed = emulator::Seed::parse(
            include_str!("../../examples/emulator-seed.yaml"),
            "examples/emulator-seed.yaml",
        )
        .unwrap();
        let app = emulator::App::new(emulator::Config::demo().with_seed(seed)).unwrap();
        World { rt, app }
    })
}

fuzz_target!(|input: Input| {
    let w = world();
    let endpoints = emulator::handlers::ENDPOINTS;
    let n = endpoints.len() + ADMIN.len();
    let i = usize::from(input.endpoint);
    let path = if i < n * 2 {
        let i = i % n;
        endpoints.get(i).map_or_else(
            || ADMIN[i - endpoints.len()].to_owned(),
            |e| e.path.to_owned(),
        )
    } else {
        format!("/{}", input.raw_path)
    };
    let method =
        ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"][usize::from(input.method) % 7];
    let uri = if input.query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{}", input.query)
    };
    let content_type = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/yaml",
    ][usize::from(input.content_type) % 4];
    let mut req = Request::builder()
        .method(method)
        .uri(&uri)
        .header("content-type", content_type);
    if input.sign {
        let date = emulator::sign::eop_date(chrono::Utc::now());
        let request_id = "fuzz-0000";
        let auth = emulator::sign::authorization(
            emulator::DEMO_ACCESS_KEY,
            emulator::DEMO_SECRET_KEY,
            request_id,
            &date,
            &input.query,
            &input.body,
        );
        req = req
            .header("ctyun-eop-request-id", request_id)
            .header("eop-date", date)
            .header("eop-authorization", auth);
    }
    // Not every byte string is a URI or a header value; those never reach
    // the server through hyper either.
    let Ok(req) = req.body(Body::from(input.body)) else {
        return;
    };
    w.rt.block_on(async {
        // Each input starts from the seeded state, so a crash reproduces
        // from its input alone.
        w.app.reset(false).await.unwrap();
        let router = emulator::router_for(w.app.clone());
        let resp = router.oneshot(req).await.unwrap();
        if method != "HEAD" && !path.starts_with("/_emulator/") {
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("API answer is not JSON ({e}): {bytes:?}"));
            let code = v.get("statusCode").and_then(serde_json::Value::as_i64);
            assert!(matches!(code, Some(800 | 900)), "{v}");
        }
    });
});
