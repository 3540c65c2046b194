//! The `/_emulator/*` routes: state, reset, stats, history, faults and
//! seeding, for loopback clients only.

use super::{json_response, App};
use crate::dialect::DialectSetting;
use crate::faults::FaultConfig;
use crate::seed::Seed;
use crate::sign;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

fn loopback_only(req: &Request) -> Option<Response> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    match peer {
        // `to_canonical`: a v4 client of a `[::]` listener shows as ::ffff:127.0.0.1.
        Some(addr) if addr.ip().to_canonical().is_loopback() => None,
        _ => Some(json_response(
            403,
            &json!({ "error": "admin endpoints answer loopback clients only" }),
        )),
    }
}

pub(super) async fn state(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let store = app.store().redacted();
    json_response(200, &serde_json::to_value(store).unwrap_or(Value::Null))
}

pub(super) async fn reset(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let empty = req.uri().query().is_some_and(|q| {
        sign::decode_query(q)
            .iter()
            .any(|(k, v)| k == "empty" && (v == "1" || v == "true"))
    });
    match app.reset(empty).await {
        Ok(()) => json_response(200, &json!({ "reset": true, "empty": empty })),
        Err(e) => json_response(500, &json!({ "error": e.to_string() })),
    }
}

pub(super) async fn stats(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(
        200,
        &serde_json::to_value(app.stats()).unwrap_or(Value::Null),
    )
}

pub(super) async fn history(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(200, &json!({ "history": app.history() }))
}

pub(super) async fn faults_get(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(
        200,
        &serde_json::to_value(app.faults()).unwrap_or(Value::Null),
    )
}

pub(super) async fn faults_put(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let Ok(body) = axum::body::to_bytes(req.into_body(), 1024 * 1024).await else {
        return json_response(400, &json!({ "error": "unreadable body" }));
    };
    match serde_json::from_slice::<FaultConfig>(&body) {
        Ok(faults) => {
            app.set_faults(faults);
            json_response(
                200,
                &serde_json::to_value(app.faults()).unwrap_or(Value::Null),
            )
        }
        Err(e) => json_response(400, &json!({ "error": e.to_string() })),
    }
}

pub(super) async fn seed(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let Ok(body) = axum::body::to_bytes(req.into_body(), 16 * 1024 * 1024).await else {
        return json_response(400, &json!({ "error": "unreadable body" }));
    };
    let text = String::from_utf8_lossy(&body);
    let result = match Seed::parse(&text, "request body") {
        Ok(seed) => app.add_seed(&seed).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => json_response(200, &json!({ "seeded": true })),
        Err(e) => json_response(400, &json!({ "error": e.to_string() })),
    }
}

/// The dialect in force, and for each endpoint the behaviour it has (the
/// point of `shuffle`: which dialect each endpoint drew).
fn dialect_view(app: &App) -> Value {
    let setting = app.dialect();
    let endpoints: serde_json::Map<String, Value> = crate::handlers::ENDPOINTS
        .iter()
        .map(|e| (e.path.to_string(), json!(setting.style_for(e.path))))
        .collect();
    json!({
        "dialect": setting.dialect,
        "seed": setting.seed,
        "identity": setting.identity(),
        "endpoints": endpoints,
    })
}

pub(super) async fn dialect_get(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(200, &dialect_view(&app))
}

pub(super) async fn dialect_put(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let Ok(body) = axum::body::to_bytes(req.into_body(), 64 * 1024).await else {
        return json_response(400, &json!({ "error": "unreadable body" }));
    };
    match serde_json::from_slice::<DialectSetting>(&body) {
        Ok(setting) => {
            app.set_dialect(setting);
            json_response(200, &dialect_view(&app))
        }
        Err(e) => json_response(
            400,
            &json!({ "error": format!("{e} (expected {{\"dialect\": \"reference|go|py4|doc|shuffle\", \"seed\": N}})") }),
        ),
    }
}
