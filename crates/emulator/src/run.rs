//! `cda emulator serve`: the options the binary's clap layer fills in, and
//! the function that runs the emulator until told to stop.

use crate::config::{Account, Config, SeedSource, DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_SECRET_KEY};
use crate::dialect::{Dialect, DialectSetting};
use crate::error::Error;
use crate::faults::FaultConfig;
use crate::server::{serve_app, App};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Default `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Options of `cda emulator serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `--listen` (default 127.0.0.1:8787).
    pub listen: SocketAddr,
    /// `--state FILE`.
    pub state_file: Option<PathBuf>,
    /// `--seed FILE` (YAML or JSON).
    pub seed_file: Option<PathBuf>,
    /// `--account AK:SK:EMAIL`, repeatable (parse with
    /// [`crate::parse_account`]). Empty = the demo account.
    pub accounts: Vec<Account>,
    /// `--latency-ms`.
    pub latency_ms: u64,
    /// `--jitter-ms`.
    pub jitter_ms: u64,
    /// `--fault-rate P` (0–1), split evenly between 5xx, throttling and
    /// the two connection drops.
    pub fault_rate: f64,
    /// `--fault-seed`.
    pub fault_seed: u64,
    /// `--qps` hard limit.
    pub qps: Option<u32>,
    /// `--dialect` (default `reference`).
    pub dialect: Dialect,
    /// `--dialect-seed` (used by `shuffle`).
    pub dialect_seed: u64,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            state_file: None,
            seed_file: None,
            accounts: Vec::new(),
            latency_ms: 0,
            jitter_ms: 0,
            fault_rate: 0.0,
            fault_seed: 0,
            qps: None,
            dialect: Dialect::Reference,
            dialect_seed: 0,
        }
    }
}

impl ServeOptions {
    /// The library configuration these options describe.
    pub fn config(&self) -> Result<Config, Error> {
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(Error::Config(format!(
                "--fault-rate {} is not within 0..1",
                self.fault_rate
            )));
        }
        if self.qps == Some(0) {
            return Err(Error::Config("--qps must be at least 1".into()));
        }
        let mut config = Config::demo();
        if !self.accounts.is_empty() {
            config.accounts = self.accounts.clone();
        }
        config.state_file = self.state_file.clone();
        config.seed = self.seed_file.clone().map(SeedSource::File);
        config.faults = FaultConfig {
            seed: self.fault_seed,
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            qps: self.qps,
            ..FaultConfig::default().with_fault_rate(self.fault_rate)
        };
        config.dialect = DialectSetting::new(self.dialect, self.dialect_seed);
        Ok(config)
    }
}

/// The lines printed at start: where to connect and which credentials work.
/// Secret keys of user-supplied accounts are never printed.
pub fn banner(options: &ServeOptions, addr: SocketAddr) -> String {
    let mut out = format!("cda emulator listening on http://{addr}\n");
    if options.accounts.is_empty() {
        out.push_str("demo credentials (accepted by this emulator only):\n");
        out.push_str(&format!("  CTYUN_AK={DEMO_ACCESS_KEY}\n"));
        out.push_str(&format!("  CTYUN_SK={DEMO_SECRET_KEY}\n"));
        out.push_str(&format!("  account: {DEMO_ACCOUNT}\n"));
    } else {
        out.push_str("accounts:\n");
        for a in &options.accounts {
            out.push_str(&format!("  {} ({})\n", a.access_key, a.email));
        }
    }
    if let Some(path) = &options.state_file {
        out.push_str(&format!("state file: {}\n", path.display()));
    }
    match options.dialect {
        Dialect::Reference => {}
        Dialect::Shuffle => out.push_str(&format!(
            "dialect: shuffle, seed {} (GET /_emulator/dialect shows each endpoint's)\n",
            options.dialect_seed
        )),
        other => out.push_str(&format!("dialect: {other}\n")),
    }
    out.push_str(
        "admin: /_emulator/{state,stats,history,faults,reset,seed,dialect} (loopback only)\n",
    );
    out.push_str("press Ctrl-C (or send SIGTERM) to stop; the state is saved");
    out
}

/// Refuses a `--state` path whose directory is missing (or not a
/// directory) before anything is printed: the state is written after every
/// change, so a bad path would otherwise fail on the first write, after the
/// banner said the server was listening.
pub fn check_state_path(path: &Path) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if dir.is_dir() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "--state {}: the directory {} does not exist; create it first or choose another path",
        path.display(),
        dir.display()
    )))
}

/// Runs the emulator until `shutdown` completes (the binary passes its
/// SIGINT/SIGTERM handling), then stops cleanly: in-flight requests
/// finish and the state is saved.
pub async fn run(
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    if let Some(path) = &options.state_file {
        check_state_path(path)?;
    }
    let config = options.config()?;
    let app = App::new(config)?;
    // Written once now, so a file that cannot be written (permissions, a
    // directory in its place) fails here rather than on the first change.
    app.persist().await?;
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| Error::Bind {
            addr: options.listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(Error::Serve)?;
    println!("{}", banner(&options, addr));
    serve_app(listener, app, shutdown).await?;
    println!("cda emulator stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_shows_demo_credentials_but_never_user_secrets() {
        let addr: SocketAddr = "127.0.0.1:8787".parse().unwrap();
        let demo = banner(&ServeOptions::default(), addr);
        assert!(demo.contains(DEMO_ACCESS_KEY) && demo.contains(DEMO_SECRET_KEY));
        let custom = ServeOptions {
            accounts: vec!["AKX:SUPERSECRET:ops@example.com".parse().unwrap()],
            ..ServeOptions::default()
        };
        let text = banner(&custom, addr);
        assert!(text.contains("AKX") && !text.contains("SUPERSECRET"));
    }

    #[test]
    fn a_state_file_in_a_missing_directory_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_state_path(&dir.path().join("state.json")).is_ok());
        assert!(check_state_path(Path::new("state.json")).is_ok());
        let missing = dir.path().join("missing").join("x.json");
        let e = check_state_path(&missing).unwrap_err().to_string();
        assert!(e.contains(&missing.display().to_string()), "{e}");
        assert!(e.contains("does not exist"), "{e}");
    }

    #[test]
    fn options_map_to_config() {
        let o = ServeOptions {
            fault_rate: 0.4,
            fault_seed: 9,
            qps: Some(3),
            latency_ms: 5,
            dialect: Dialect::Shuffle,
            dialect_seed: 11,
            ..ServeOptions::default()
        };
        let c = o.config().unwrap();
        assert_eq!(c.dialect, DialectSetting::new(Dialect::Shuffle, 11));
        assert!(banner(&o, "127.0.0.1:1".parse().unwrap()).contains("shuffle, seed 11"));
        assert_eq!(c.accounts[0].access_key, DEMO_ACCESS_KEY);
        assert_eq!(c.faults.seed, 9);
        assert_eq!(c.faults.qps, Some(3));
        assert!((c.faults.error_rate - 0.1).abs() < 1e-9);
        assert!(ServeOptions {
            fault_rate: 1.5,
            ..ServeOptions::default()
        }
        .config()
        .is_err());
    }
}
