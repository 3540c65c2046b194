//! The HTTP side: authentication, faults, dispatch to handlers, persistence,
//! admin endpoints, and the `serve`/`spawn` entry points.

use crate::config::{Account, Config, SeedSource};
use crate::error::Error;
use crate::faults::{Decision, FaultConfig, FaultKind, Faults, RateWindow};
use crate::handlers::{self, Access, Ctx, Endpoint};
use crate::seed::{self, Seed};
use crate::sign;
use crate::store::{HistoryEntry, IdGen, Store};
use crate::wire::{success_text, ApiError, Code, Params};
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// Request and error counters, as `GET /_emulator/stats` reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// API requests received (admin calls are not counted).
    pub requests: u64,
    /// Responses with `statusCode: 900` (including auth and fault errors).
    pub errors: u64,
    /// Writes that committed (whether or not their response was delivered).
    pub writes_committed: u64,
    /// Per `"METHOD /path"`.
    pub endpoints: BTreeMap<String, EndpointStats>,
    /// Per errorCode.
    pub error_codes: BTreeMap<String, u64>,
    /// Per injected fault kind.
    pub faults: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointStats {
    pub requests: u64,
    pub errors: u64,
}

struct Inner {
    store: Store,
    ids: IdGen,
    faults: Faults,
    rate: RateWindow,
    stats: Stats,
}

/// Shared emulator state behind the router.
pub struct App {
    accounts: HashMap<String, Account>,
    state_file: Option<PathBuf>,
    freshness: std::time::Duration,
    max_page_size: u32,
    /// The seeded store `POST /_emulator/reset` returns to.
    initial: Store,
    inner: Mutex<Inner>,
    persist_lock: tokio::sync::Mutex<()>,
}

fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    // A handler cannot leave the state half-written (writes are restored on
    // error), so a poisoned lock is safe to keep using.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    /// Builds the state: the state file if it exists, else the seed.
    pub fn new(config: Config) -> Result<Arc<App>, Error> {
        if config.accounts.is_empty() {
            return Err(Error::Config("at least one account is required".into()));
        }
        let mut ids = IdGen::new(config.faults.seed);
        let mut initial = Store {
            version: 1,
            ..Store::default()
        };
        for account in &config.accounts {
            initial.accounts.entry(account.email.clone()).or_default();
        }
        let seed = match &config.seed {
            None => None,
            Some(SeedSource::Inline(seed)) => Some((seed.clone(), "inline seed".to_string())),
            Some(SeedSource::File(path)) => Some((Seed::load(path)?, path.display().to_string())),
        };
        if let Some((seed, origin)) = &seed {
            seed::apply(seed, &mut initial.accounts, &mut ids, Utc::now(), origin)?;
        }
        let store = match &config.state_file {
            Some(path) if path.exists() => {
                let text = std::fs::read(path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                let mut store: Store =
                    serde_json::from_slice(&text).map_err(|source| Error::StateFile {
                        path: path.clone(),
                        source,
                    })?;
                for account in &config.accounts {
                    store.accounts.entry(account.email.clone()).or_default();
                }
                store
            }
            _ => initial.clone(),
        };
        let accounts = config
            .accounts
            .iter()
            .map(|a| (a.access_key.clone(), a.clone()))
            .collect();
        let app = Arc::new(App {
            accounts,
            state_file: config.state_file.clone(),
            freshness: config.freshness,
            max_page_size: config.max_page_size.max(1),
            initial,
            inner: Mutex::new(Inner {
                store,
                ids,
                faults: Faults::new(config.faults.clone()),
                rate: RateWindow::default(),
                stats: Stats::default(),
            }),
            persist_lock: tokio::sync::Mutex::new(()),
        });
        Ok(app)
    }

    /// A copy of the full state (BGP keys included).
    pub fn store(&self) -> Store {
        lock(&self.inner).store.clone()
    }

    pub fn stats(&self) -> Stats {
        lock(&self.inner).stats.clone()
    }

    pub fn history(&self) -> Vec<HistoryEntry> {
        lock(&self.inner).store.history.clone()
    }

    pub fn faults(&self) -> FaultConfig {
        lock(&self.inner).faults.config.clone()
    }

    /// Replaces the fault configuration and re-seeds the fault RNG.
    pub fn set_faults(&self, faults: FaultConfig) {
        lock(&self.inner).faults.replace(faults);
    }

    /// Back to the seeded state (or empty with `empty`); stats and history
    /// cleared, faults kept.
    pub async fn reset(&self, empty: bool) -> Result<(), Error> {
        {
            let mut inner = lock(&self.inner);
            let mut store = self.initial.clone();
            if empty {
                for st in store.accounts.values_mut() {
                    *st = Default::default();
                }
            }
            inner.store = store;
            inner.stats = Stats::default();
        }
        self.persist().await
    }

    /// Adds a seed document to the current state.
    pub async fn add_seed(&self, seed: &Seed) -> Result<(), Error> {
        {
            let mut inner = lock(&self.inner);
            let Inner { store, ids, .. } = &mut *inner;
            let mut accounts = store.accounts.clone();
            seed::apply(seed, &mut accounts, ids, Utc::now(), "request body")?;
            store.accounts = accounts;
        }
        self.persist().await
    }

    /// Writes the state file (temp file + rename) if one is configured.
    pub async fn persist(&self) -> Result<(), Error> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let _guard = self.persist_lock.lock().await;
        let bytes = {
            let inner = lock(&self.inner);
            serde_json::to_vec_pretty(&inner.store).map_err(|e| Error::Config(e.to_string()))?
        };
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        tokio::fs::write(&tmp, &bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, path).await.map_err(io)?;
        Ok(())
    }
}

// ------------------------------------------------------------------ responses

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        bytes,
    )
        .into_response()
}

/// A response body that fails at once: hyper then closes the connection
/// without writing a response, which is how a dropped connection looks to
/// the client.
struct Severed;

impl HttpBody for Severed {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "emulated connection drop",
        ))))
    }
}

fn severed() -> Response {
    Response::new(Body::new(Severed))
}

// ------------------------------------------------------------------ API

struct Authenticated {
    email: String,
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn authenticate(
    app: &App,
    headers: &HeaderMap,
    raw_query: &str,
    body: &[u8],
) -> Result<Authenticated, ApiError> {
    let Some(value) = header_str(headers, "eop-authorization") else {
        return Err(ApiError::new(
            Code::MissingAuthorization,
            "Eop-Authorization",
        ));
    };
    let parsed = sign::parse_authorization(value)
        .ok_or_else(|| ApiError::new(Code::MalformedAuthorization, ""))?;
    for required in ["ctyun-eop-request-id", "eop-date"] {
        if !parsed.headers.iter().any(|h| h == required) {
            return Err(ApiError::new(
                Code::MalformedAuthorization,
                format!("{required} must be signed"),
            ));
        }
    }
    let mut signed = Vec::new();
    for name in &parsed.headers {
        let Some(v) = header_str(headers, name) else {
            return Err(ApiError::new(Code::MissingAuthorization, name.clone()));
        };
        signed.push((name.clone(), v.trim().to_string()));
    }
    let account = app
        .accounts
        .get(&parsed.access_key)
        .ok_or_else(|| ApiError::new(Code::UnknownAccessKey, ""))?;
    let date = header_str(headers, "eop-date").unwrap_or_default().trim();
    let when = sign::parse_eop_date(date)
        .ok_or_else(|| ApiError::new(Code::InvalidDate, date.to_string()))?;
    let ok = sign::query_variants(raw_query).iter().any(|query| {
        let sts = sign::string_to_sign(&signed, query, body);
        sign::signature_matches(
            &account.access_key,
            &account.secret_key,
            date,
            &sts,
            &parsed.signature,
        )
    });
    if !ok {
        return Err(ApiError::new(Code::SignatureMismatch, ""));
    }
    // Freshness after the signature, so a stale but authentic request is
    // told it is stale rather than forged.
    if !sign::is_fresh(when, Utc::now(), app.freshness) {
        return Err(ApiError::new(Code::RequestExpired, date.to_string()));
    }
    Ok(Authenticated {
        email: account.email.clone(),
    })
}

fn record(app: &App, key: &str, failure: Option<&ApiError>, fault: Option<FaultKind>) {
    let mut inner = lock(&app.inner);
    let stats = &mut inner.stats;
    stats.requests += 1;
    let ep = stats.endpoints.entry(key.to_string()).or_default();
    ep.requests += 1;
    if let Some(e) = failure {
        ep.errors += 1;
        stats.errors += 1;
        *stats
            .error_codes
            .entry(e.code.info().code.to_string())
            .or_default() += 1;
    }
    if let Some(f) = fault {
        *stats.faults.entry(f.name().to_string()).or_default() += 1;
    }
}

fn fail(app: &App, key: &str, e: ApiError, fault: Option<FaultKind>) -> Response {
    record(app, key, Some(&e), fault);
    json_response(e.http_status(), &e.envelope())
}

async fn api(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let method = parts.method.clone();
    let key = format!("{} {}", method, path);
    let Ok(body) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return fail(
            &app,
            &key,
            ApiError::new(Code::MalformedBody, "body too large or unreadable"),
            None,
        );
    };
    let Some(endpoint) = handlers::find(&path) else {
        return fail(
            &app,
            &key,
            ApiError::new(Code::UnknownEndpoint, path.clone()),
            None,
        );
    };
    let allowed = match endpoint.access {
        Access::Read => method == Method::GET || method == Method::POST,
        Access::Write => method == Method::POST,
    };
    if !allowed {
        return fail(
            &app,
            &key,
            ApiError::new(Code::MethodNotAllowed, method.to_string()),
            None,
        );
    }
    let who = match authenticate(&app, &parts.headers, &raw_query, &body) {
        Ok(who) => who,
        Err(e) => return fail(&app, &key, e, None),
    };
    let params = match Params::parse(&sign::decode_query(&raw_query), &body) {
        Ok(p) => p,
        Err(e) => return fail(&app, &key, e, None),
    };
    let now = Utc::now();
    let (decision, throttled) = {
        let mut inner = lock(&app.inner);
        let decision: Decision = inner.faults.decide(
            method.as_str(),
            endpoint.path,
            endpoint.access == Access::Read,
        );
        let limit = inner.faults.config.qps;
        let throttled = limit.is_some_and(|q| !inner.rate.admit(now.timestamp_millis(), q));
        (decision, throttled)
    };
    if throttled {
        return fail(
            &app,
            &key,
            ApiError::new(Code::Throttling, "qps limit"),
            None,
        );
    }
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    match decision.fault {
        Some(FaultKind::Throttle) => {
            return fail(
                &app,
                &key,
                ApiError::new(Code::Throttling, ""),
                decision.fault,
            )
        }
        Some(FaultKind::Http500) => {
            return fail(
                &app,
                &key,
                ApiError::new(Code::InternalError, ""),
                decision.fault,
            )
        }
        Some(FaultKind::Http502) => {
            return fail(
                &app,
                &key,
                ApiError::new(Code::BadGateway, ""),
                decision.fault,
            )
        }
        Some(FaultKind::Http503) => {
            return fail(
                &app,
                &key,
                ApiError::new(Code::ServiceUnavailable, ""),
                decision.fault,
            )
        }
        Some(FaultKind::DropBefore) => {
            record(&app, &key, None, decision.fault);
            return severed();
        }
        _ => {}
    }
    let trace_id = header_str(&parts.headers, "ctyun-eop-request-id")
        .unwrap_or("")
        .to_string();
    let result = dispatch(&app, endpoint, &who.email, &params, &path, trace_id);
    match result {
        Err(e) => fail(&app, &key, e, decision.fault),
        Ok((return_obj, wrote)) => {
            if wrote {
                if let Err(e) = app.persist().await {
                    tracing::error!("emulator state not saved: {e}");
                }
            }
            record(&app, &key, None, decision.fault);
            if decision.fault == Some(FaultKind::DropAfter) {
                return severed();
            }
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
                success_text(&return_obj),
            )
                .into_response()
        }
    }
}

/// Runs the handler under the state lock; a failed write leaves no trace.
fn dispatch(
    app: &App,
    endpoint: &Endpoint,
    email: &str,
    params: &Params,
    path: &str,
    trace_id: String,
) -> Result<(String, bool), ApiError> {
    let now = Utc::now();
    let mut inner = lock(&app.inner);
    let Inner {
        store,
        ids,
        faults,
        stats,
        ..
    } = &mut *inner;
    let granted_to_me = if endpoint.path.ends_with("/own/list") {
        store
            .accounts
            .iter()
            .filter(|(owner, _)| owner.as_str() != email)
            .flat_map(|(owner, st)| {
                st.account_auths
                    .iter()
                    .filter(|a| a.auth_account == email || a.auth_account_id == email)
                    .map(|a| (owner.clone(), a.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        Vec::new()
    };
    let st = store.accounts.entry(email.to_string()).or_default();
    let backup = (endpoint.access == Access::Write).then(|| st.clone());
    let mut ctx = Ctx {
        account: email,
        st,
        ids,
        now,
        visible_delay_ms: i64::try_from(faults.config.visibility_delay_ms).unwrap_or(i64::MAX),
        max_page_size: i64::from(app.max_page_size),
        trace_id,
        granted_to_me,
    };
    match (endpoint.handler)(&mut ctx, params) {
        Ok(outcome) => {
            let wrote = outcome.effect.is_some();
            if let Some(effect) = outcome.effect {
                let seq = store.history.last().map_or(1, |h| h.seq + 1);
                store.history.push(HistoryEntry {
                    seq,
                    time: now.to_rfc3339(),
                    account: email.to_string(),
                    endpoint: path.to_string(),
                    action: effect.action.to_string(),
                    kind: effect.kind.to_string(),
                    key: effect.key,
                    id: effect.id,
                });
                stats.writes_committed += 1;
            }
            Ok((outcome.return_obj, wrote))
        }
        Err(e) => {
            if let Some(backup) = backup {
                if let Some(st) = store.accounts.get_mut(email) {
                    *st = backup;
                }
            }
            Err(e)
        }
    }
}

// ------------------------------------------------------------------ admin

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

async fn admin_state(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    let store = app.store().redacted();
    json_response(200, &serde_json::to_value(store).unwrap_or(Value::Null))
}

async fn admin_reset(State(app): State<Arc<App>>, req: Request) -> Response {
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

async fn admin_stats(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(
        200,
        &serde_json::to_value(app.stats()).unwrap_or(Value::Null),
    )
}

async fn admin_history(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(200, &json!({ "history": app.history() }))
}

async fn admin_faults_get(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(denied) = loopback_only(&req) {
        return denied;
    }
    json_response(
        200,
        &serde_json::to_value(app.faults()).unwrap_or(Value::Null),
    )
}

async fn admin_faults_put(State(app): State<Arc<App>>, req: Request) -> Response {
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

async fn admin_seed(State(app): State<Arc<App>>, req: Request) -> Response {
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

/// The router over shared state. Serve it with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>()`), as [`serve`]
/// does, or the admin endpoints refuse every caller.
pub fn router_for(app: Arc<App>) -> Router {
    Router::new()
        .route("/_emulator/state", get(admin_state))
        .route("/_emulator/reset", post(admin_reset))
        .route("/_emulator/stats", get(admin_stats))
        .route("/_emulator/history", get(admin_history))
        .route(
            "/_emulator/faults",
            get(admin_faults_get).put(admin_faults_put),
        )
        .route("/_emulator/seed", post(admin_seed))
        .fallback(api)
        .with_state(app)
}

/// Builds the state from `config` and returns the router.
pub fn router(config: Config) -> Result<Router, Error> {
    Ok(router_for(App::new(config)?))
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> Result<(), Error> {
    let app = App::new(config)?;
    serve_app(listener, app, std::future::pending()).await
}

/// Serves `app` until `shutdown` completes, then saves the state.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    app.persist().await?;
    let service = router_for(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    // Without TCP_NODELAY, Nagle plus the client's delayed ACK stalls
    // multi-segment responses on keep-alive connections by ~40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)?;
    app.persist().await
}

/// A running emulator on `127.0.0.1:<random port>`.
pub struct Handle {
    pub addr: SocketAddr,
    app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), Error>>>,
}

impl Handle {
    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// In-process access to the state, stats, history and faults.
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Stops accepting, lets in-flight requests finish, saves the state.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|e| Error::Serve(std::io::Error::other(e.to_string())))?,
            None => Ok(()),
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `127.0.0.1:0` and serves `config` in a background task.
pub async fn spawn(config: Config) -> Result<Handle, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|source| Error::Bind {
            addr: "127.0.0.1:0".into(),
            source,
        })?;
    spawn_on(listener, config).await
}

/// Serves `config` on an already bound listener in a background task.
pub async fn spawn_on(listener: tokio::net::TcpListener, config: Config) -> Result<Handle, Error> {
    let addr = listener.local_addr().map_err(Error::Serve)?;
    let app = App::new(config)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve_app(listener, app.clone(), async move {
        let _ = stopped.await;
    }));
    Ok(Handle {
        addr,
        app,
        stop: Some(stop),
        task: Some(task),
    })
}
