//! The HTTP side: the shared state ([`App`]), the router, and the
//! `serve`/`spawn` entry points. API requests go through `api`
//! (authentication, faults, dispatch to handlers, persistence); the
//! `/_emulator/*` routes through `admin`.

mod admin;
mod api;
mod auth;

use crate::config::{Account, Config, SeedSource};
use crate::dialect::DialectSetting;
use crate::error::Error;
use crate::faults::{FaultConfig, Faults, RateWindow};
use crate::seed::{self, Seed};
use crate::store::{HistoryEntry, IdGen, Store};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

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
    dialect: DialectSetting,
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
                dialect: config.dialect,
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

    /// The dialect in force.
    pub fn dialect(&self) -> DialectSetting {
        lock(&self.inner).dialect
    }

    /// Switches the dialect; the next call is answered in it.
    pub fn set_dialect(&self, dialect: DialectSetting) {
        lock(&self.inner).dialect = dialect;
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
            inner.faults.lag.clear();
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

/// The router over shared state. Serve it with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>()`), as [`serve`]
/// does, or the admin endpoints refuse every caller.
pub fn router_for(app: Arc<App>) -> Router {
    Router::new()
        .route("/_emulator/state", get(admin::state))
        .route("/_emulator/reset", post(admin::reset))
        .route("/_emulator/stats", get(admin::stats))
        .route("/_emulator/history", get(admin::history))
        .route(
            "/_emulator/faults",
            get(admin::faults_get).put(admin::faults_put),
        )
        .route("/_emulator/seed", post(admin::seed))
        .route(
            "/_emulator/dialect",
            get(admin::dialect_get).put(admin::dialect_put),
        )
        .fallback(api::call)
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
