//! The lock every runner shares (`--lock-url postgres://…`): a PostgreSQL
//! session-level advisory lock, keyed by region and account, held on one
//! connection kept open for the whole apply.
//!
//! The directory lock cannot stop two CI runners, or two colleagues'
//! checkouts, from applying the same file at once; both would create the
//! same new line. Any PostgreSQL server that every runner reaches can
//! serialise them: the lock lives in the server's memory, needs no table,
//! and is released by the server when the connection ends, so a killed
//! runner never leaves it behind.
//!
//! The key is a stable hash of the region and the account, so applies to
//! other estates do not wait on each other; nothing secret goes into it.
//! The connection's `application_name` names the holder (pid and host),
//! which a waiting runner prints.
//!
//! TLS: a loopback host or a Unix socket is reached in clear unless the URL
//! asks for `sslmode=require`; any other host only over TLS, with the
//! server's certificate verified against the web PKI roots (and
//! `sslrootcert=FILE` for a private CA). `sslmode=verify-full` and
//! `verify-ca` mean the same here; `sslmode=disable` is refused for a
//! remote host. Certificate verification is never turned off.

use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

/// How long connecting to the lock server may take at most.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum SharedLockError {
    #[error("--lock-url: {0}")]
    Url(String),
    #[error("cannot connect to the lock server {server}: {message}")]
    Connect { server: String, message: String },
    #[error(
        "another cda apply holds the lock for region {region} on {server} ({holder}){}",
        waited.map(|w| format!("; still after waiting {} (--lock-timeout)", crate::executor::seconds(w))).unwrap_or_default()
    )]
    Held {
        server: String,
        region: String,
        holder: String,
        waited: Option<Duration>,
    },
    #[error("the lock server {server} failed: {message}")]
    Server { server: String, message: String },
}

/// The advisory lock's key: the first 8 bytes of a SHA-256 over the
/// region and the account (an e-mail, or the access key's fingerprint).
pub fn advisory_key(region: &str, account: &str) -> i64 {
    // The region's length first: no two (region, account) pairs collide.
    let text = format!("cda apply\n{}\n{region}\n{account}", region.len());
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Held while an apply runs; released by [`SharedLock::release`], or by the
/// server when the connection closes (drop, crash, kill).
pub struct SharedLock {
    client: Client,
    connection: JoinHandle<()>,
    key: i64,
    server: String,
}

impl std::fmt::Debug for SharedLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLock")
            .field("server", &self.server)
            .field("key", &self.key)
            .finish()
    }
}

impl SharedLock {
    /// Take the lock of (`region`, `account`) on the server at `url`,
    /// waiting up to `timeout` while another runner holds it; `waiting` is
    /// told who holds it once, when the wait starts.
    pub async fn acquire(
        url: &str,
        region: &str,
        account: &str,
        timeout: Duration,
        waiting: impl FnOnce(&str),
    ) -> Result<SharedLock, SharedLockError> {
        let target = LockServer::parse(url)?;
        let server = target.describe();
        let (client, connection) = target.connect().await?;
        let lock = SharedLock {
            client,
            connection,
            key: advisory_key(region, account),
            server,
        };
        let held = |holder: String, waited| SharedLockError::Held {
            server: lock.server.clone(),
            region: region.to_owned(),
            holder,
            waited,
        };
        if lock.try_lock().await? {
            return Ok(lock);
        }
        let holder = lock.holder().await;
        if timeout.is_zero() {
            return Err(held(holder, None));
        }
        waiting(&holder);
        if lock.lock_within(timeout).await? {
            Ok(lock)
        } else {
            let holder = lock.holder().await;
            Err(held(holder, Some(timeout)))
        }
    }

    /// Unlock and close the connection. Dropping the lock releases it too
    /// (the server ends the session); this says so to the server first.
    pub async fn release(self) {
        if let Err(e) = self
            .client
            .query_one("SELECT pg_advisory_unlock($1)", &[&self.key])
            .await
        {
            tracing::warn!(
                "releasing the lock on {}: {e}; the server releases it as the connection closes",
                self.server
            );
        }
        drop(self.client);
        let _ = self.connection.await;
    }

    fn server_error(&self, e: &tokio_postgres::Error) -> SharedLockError {
        SharedLockError::Server {
            server: self.server.clone(),
            message: e.to_string(),
        }
    }

    async fn try_lock(&self) -> Result<bool, SharedLockError> {
        let row = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&self.key])
            .await
            .map_err(|e| self.server_error(&e))?;
        row.try_get(0).map_err(|e| self.server_error(&e))
    }

    /// Wait in the server for the lock, up to `timeout`: `lock_timeout`
    /// bounds the wait there, and the same timeout (plus a margin) bounds
    /// it here in case the server stops answering. `false` when it ran out.
    async fn lock_within(&self, timeout: Duration) -> Result<bool, SharedLockError> {
        let millis = timeout.as_millis().max(1);
        let wait = async {
            self.client
                .batch_execute(&format!("SET lock_timeout = {millis}"))
                .await?;
            let locked = self
                .client
                .execute("SELECT pg_advisory_lock($1)", &[&self.key])
                .await;
            self.client.batch_execute("SET lock_timeout = 0").await?;
            locked
        };
        match tokio::time::timeout(timeout + CONNECT_TIMEOUT, wait).await {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => Ok(false),
            Ok(Err(e)) => Err(self.server_error(&e)),
            Err(_) => Err(SharedLockError::Server {
                server: self.server.clone(),
                message: format!(
                    "no answer within {} while waiting for the lock",
                    crate::executor::seconds(timeout + CONNECT_TIMEOUT)
                ),
            }),
        }
    }

    /// Who holds the lock, as its connection named itself; the server's pid
    /// when the server does not show that to this user.
    async fn holder(&self) -> String {
        let query = "SELECT a.pid, a.application_name, a.client_addr::text, \
                     to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
                     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                     AND l.classid::bigint = $1 AND l.objid::bigint = $2";
        let (high, low) = ((self.key >> 32) & 0xffff_ffff, self.key & 0xffff_ffff);
        match self.client.query_opt(query, &[&high, &low]).await {
            Ok(Some(row)) => {
                let pid: i32 = row.try_get(0).unwrap_or_default();
                let name: Option<String> = row.try_get(1).ok().flatten();
                let addr: Option<String> = row.try_get(2).ok().flatten();
                let since: Option<String> = row.try_get(3).ok().flatten();
                let mut out = name
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("server process {pid}"));
                if let Some(addr) = addr {
                    out.push_str(&format!(", from {addr}"));
                }
                if let Some(since) = since {
                    out.push_str(&format!(", connected since {since}"));
                }
                out
            }
            Ok(None) => "released just now".into(),
            Err(e) => format!("holder not readable: {e}"),
        }
    }
}

/// A parsed `--lock-url`, with cda's reading of `sslmode` and
/// `sslrootcert` (which the driver does not know) taken out.
struct LockServer {
    config: Config,
    /// Extra CA certificates (PEM) besides the web PKI roots.
    root_cert: Option<PathBuf>,
}

impl LockServer {
    fn parse(url: &str) -> Result<LockServer, SharedLockError> {
        let (url, root_cert) = take_tls_options(url.trim());
        let mut config: Config = url.parse().map_err(|e: tokio_postgres::Error| {
            // The driver's message names the option, never its value.
            SharedLockError::Url(format!("not a PostgreSQL connection URL: {e}"))
        })?;
        if config.get_hosts().is_empty() {
            return Err(SharedLockError::Url("it names no host".into()));
        }
        let local = config.get_hosts().iter().all(is_local);
        match config.get_ssl_mode() {
            SslMode::Disable if !local => {
                return Err(SharedLockError::Url(
                    "sslmode=disable to a host that is not loopback: the lock's connection \
                     would cross the network in clear; cda connects to it over TLS only"
                        .into(),
                ))
            }
            // Remote: TLS always (the driver's `prefer` would fall back to clear).
            _ if !local => {
                config.ssl_mode(SslMode::Require);
            }
            _ => {}
        }
        config
            .application_name(holder_name())
            .connect_timeout(CONNECT_TIMEOUT);
        Ok(LockServer { config, root_cert })
    }

    /// `host:port/db`, never the user or password.
    fn describe(&self) -> String {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let db = self.config.get_dbname().unwrap_or_default();
        format!("{}:{port}/{db}", hosts.join(","))
    }

    async fn connect(&self) -> Result<(Client, JoinHandle<()>), SharedLockError> {
        let server = self.describe();
        let failed = |e: tokio_postgres::Error| SharedLockError::Connect {
            server: server.clone(),
            message: e.to_string(),
        };
        let log_end = |server: String| {
            move |result: Result<(), tokio_postgres::Error>| {
                if let Err(e) = result {
                    tracing::warn!("the connection to the lock server {server} ended: {e}");
                }
            }
        };
        if self.config.get_ssl_mode() == SslMode::Require {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
            let (client, connection) = self.config.connect(tls).await.map_err(failed)?;
            let end = log_end(server.clone());
            Ok((client, tokio::spawn(async move { end(connection.await) })))
        } else {
            let (client, connection) = self.config.connect(NoTls).await.map_err(failed)?;
            let end = log_end(server.clone());
            Ok((client, tokio::spawn(async move { end(connection.await) })))
        }
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, SharedLockError> {
        use rustls::pki_types::pem::PemObject as _;
        use rustls::pki_types::CertificateDer;
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = &self.root_cert {
            let unreadable = |e: &dyn std::fmt::Display| {
                SharedLockError::Url(format!("sslrootcert {}: {e}", path.display()))
            };
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
                let cert = cert.map_err(|e| unreadable(&e))?;
                roots.add(cert).map_err(|e| unreadable(&e))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SharedLockError::Url(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }
}

fn is_local(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

/// `sslmode=verify-full|verify-ca` read as `require` (the certificate is
/// always verified), and `sslrootcert=FILE` taken out: the driver knows
/// neither. Works on both the URL form (`?a=b&c=d`) and the key=value form.
fn take_tls_options(url: &str) -> (String, Option<PathBuf>) {
    let (head, params, separator) = if url.contains("://") {
        match url.split_once('?') {
            Some((head, query)) => (format!("{head}?"), query.to_owned(), "&"),
            None => return (url.to_owned(), None),
        }
    } else {
        (String::new(), url.to_owned(), " ")
    };
    let mut root_cert = None;
    let kept: Vec<String> = params
        .split(separator)
        .filter(|p| !p.is_empty())
        .filter_map(|p| match p.split_once('=') {
            Some(("sslrootcert", value)) => {
                let value = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
                root_cert = Some(PathBuf::from(value.as_ref()));
                None
            }
            Some(("sslmode", "verify-full" | "verify-ca")) => Some("sslmode=require".to_owned()),
            _ => Some(p.to_owned()),
        })
        .collect();
    let mut out = head;
    out.push_str(&kept.join(separator));
    (out.trim_end_matches('?').to_owned(), root_cert)
}

/// How this connection names itself to the server, so a waiting runner
/// can say who holds the lock.
fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown host".into());
    format!("cda apply pid {} on {host}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_stable_and_differs_by_region_and_account() {
        let k = advisory_key("nm8", "ops@example.com");
        assert_eq!(k, advisory_key("nm8", "ops@example.com"));
        assert_ne!(k, advisory_key("nm9", "ops@example.com"));
        assert_ne!(k, advisory_key("nm8", "dev@example.com"));
        // Not the two joined some other way.
        assert_ne!(advisory_key("a\nb", "c"), advisory_key("a", "b\nc"));
    }

    #[test]
    fn tls_options_the_driver_does_not_know_are_taken_out() {
        let (url, root) =
            take_tls_options("postgres://u:p@db.example:5432/locks?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5");
        assert_eq!(
            url,
            "postgres://u:p@db.example:5432/locks?sslmode=require&connect_timeout=5"
        );
        assert_eq!(root, Some(PathBuf::from("/etc/ca.pem")));
        let (url, root) = take_tls_options("host=db.example sslrootcert=/ca.pem dbname=x");
        assert_eq!(url, "host=db.example dbname=x");
        assert_eq!(root, Some(PathBuf::from("/ca.pem")));
        let (url, _) = take_tls_options("postgres://127.0.0.1:5/x?sslrootcert=a");
        assert_eq!(url, "postgres://127.0.0.1:5/x");
    }

    #[test]
    fn remote_hosts_get_verified_tls_and_loopback_is_left_as_asked() {
        let remote = LockServer::parse("postgres://cda@db.example:5433/locks").unwrap();
        assert_eq!(remote.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(remote.describe(), "db.example:5433/locks");
        assert!(remote.tls_config().is_ok());
        let err = LockServer::parse("postgres://db.example/x?sslmode=disable")
            .err()
            .unwrap();
        assert!(err.to_string().contains("in clear"), "{err}");

        for url in [
            "postgres://cda@127.0.0.1:5432/x",
            "postgres://cda@localhost/x?sslmode=disable",
            "postgres://cda@[::1]:5432/x",
        ] {
            let local = LockServer::parse(url).unwrap();
            assert_ne!(local.config.get_ssl_mode(), SslMode::Require, "{url}");
        }
        let asked = LockServer::parse("postgres://127.0.0.1/x?sslmode=require").unwrap();
        assert_eq!(asked.config.get_ssl_mode(), SslMode::Require);
    }

    #[test]
    fn a_bad_url_is_refused_without_echoing_it() {
        let err = LockServer::parse("postgres://u:hunter2@db.example/x?nonsense=1")
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(text.starts_with("--lock-url:"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let described = LockServer::parse("postgres://u:hunter2@db.example/x")
            .unwrap()
            .describe();
        assert!(
            !described.contains("hunter2") && !described.contains("u@"),
            "{described}"
        );
    }
}
