//! A connection to the CDA API: the real endpoint with the user's
//! credentials, or the embedded emulator (`--emulator`).

use crate::cli::GlobalArgs;
use crate::paths::{EMULATOR_STATE_FILE, STATE_DIR};
use anyhow::Context as _;
use cda_api::{Client, ClientConfig, Credentials};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The seed used when `examples/emulator-seed.yaml` is not in the current
/// directory, so `--emulator` works from anywhere.
pub const BUILT_IN_SEED: &str = include_str!("../../../examples/emulator-seed.yaml");

/// Where `--emulator` keeps its state when run in `dir`:
/// `.cda/emulator-state.json`.
pub fn emulator_state(dir: &Path) -> PathBuf {
    dir.join(STATE_DIR).join(EMULATOR_STATE_FILE)
}
/// The seed `--emulator` looks for first, relative to the current directory.
pub const EMULATOR_SEED: &str = "examples/emulator-seed.yaml";

/// Environment variables choosing the embedded emulator's dialect (as
/// `cda emulator serve --dialect`/`--dialect-seed` do for a served one).
pub const DIALECT_ENV: &str = "CDA_EMULATOR_DIALECT";
pub const DIALECT_SEED_ENV: &str = "CDA_EMULATOR_DIALECT_SEED";

/// The embedded emulator's dialect from the values of [`DIALECT_ENV`] and
/// [`DIALECT_SEED_ENV`]; unset or empty means `reference` and seed 0.
pub fn embedded_dialect(
    dialect: Option<&str>,
    seed: Option<&str>,
) -> anyhow::Result<emulator::DialectSetting> {
    let dialect = dialect.map(str::trim).filter(|d| !d.is_empty());
    let seed = match seed.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<u64>()
            .with_context(|| format!("{DIALECT_SEED_ENV}={s} is not a non-negative integer"))?,
        None => 0,
    };
    match dialect {
        // `doc-incomplete`: `doc` with abridged inline lists.
        Some(d) => {
            emulator::DialectSetting::parse(d, seed).with_context(|| format!("{DIALECT_ENV}={d}"))
        }
        None => Ok(emulator::DialectSetting::new(
            emulator::Dialect::Reference,
            seed,
        )),
    }
}

pub struct Session {
    pub client: Arc<Client>,
    /// Account e-mail from the credentials (or the emulator's demo account),
    /// used when the desired-state file names none.
    pub account: Option<String>,
    /// Region to export when none is given (the emulator's).
    pub default_region: Option<String>,
    emulator: Option<emulator::Handle>,
}

impl Session {
    pub async fn connect(global: &GlobalArgs) -> anyhow::Result<Session> {
        if global.emulator {
            return Self::embedded(Path::new("."), global).await;
        }
        let credentials = match &global.credentials {
            Some(path) => Credentials::from_file(path)?,
            None => Credentials::from_env()?,
        };
        let account = credentials.account.clone();
        let mut config = ClientConfig::new(credentials).with_endpoint(global.endpoint.clone());
        config.rate_limit_per_sec = (global.rate_limit > 0).then_some(global.rate_limit);
        config.rate_limit_max = Some(global.rate_limit_max);
        global.apply_call_settings(&mut config);
        config.get_params = global.get_params;
        config.gateway_key = global.gateway_key;
        let client = Client::new(config).context("configuring the API client")?;
        Ok(Session {
            client: Arc::new(client),
            account,
            default_region: None,
            emulator: None,
        })
    }

    /// Start the emulator in this process on 127.0.0.1:0 with its demo
    /// account; its state lives under `dir`.
    async fn embedded(dir: &Path, global: &GlobalArgs) -> anyhow::Result<Session> {
        let state = emulator_state(dir);
        if let Some(parent) = state.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let seed_path = dir.join(EMULATOR_SEED);
        let seed = if seed_path.exists() {
            emulator::Seed::load(&seed_path)?
        } else {
            emulator::Seed::parse(BUILT_IN_SEED, "built-in seed")?
        };
        let default_region = seed
            .accounts
            .iter()
            .find(|a| a.account == emulator::DEMO_ACCOUNT)
            .or(seed.accounts.first())
            .map(|a| a.region.clone());
        let dialect = embedded_dialect(
            std::env::var(DIALECT_ENV).ok().as_deref(),
            std::env::var(DIALECT_SEED_ENV).ok().as_deref(),
        )?;
        let first_use = !state.exists();
        let mut config = emulator::Config::demo()
            .with_state_file(state)
            .with_seed(emulator::SeedSource::Inline(seed));
        config.dialect = dialect;
        let handle = emulator::spawn(config)
            .await
            .context("starting the embedded emulator")?;
        if first_use {
            // Created on first use, so the next invocation sees the same
            // estate even if the seed file changes meanwhile.
            handle
                .app()
                .persist()
                .await
                .context("saving the embedded emulator's state")?;
        }
        let mut credentials =
            Credentials::new(emulator::DEMO_ACCESS_KEY, emulator::DEMO_SECRET_KEY);
        credentials.account = Some(emulator::DEMO_ACCOUNT.to_owned());
        let mut config = ClientConfig::new(credentials).with_endpoint(handle.base_url());
        // Local calls: no reason to pace them.
        config.rate_limit_per_sec = None;
        config.get_params = global.get_params;
        config.gateway_key = global.gateway_key;
        let client = Client::new(config).context("configuring the API client")?;
        Ok(Session {
            client: Arc::new(client),
            account: Some(emulator::DEMO_ACCOUNT.to_owned()),
            default_region,
            emulator: Some(handle),
        })
    }

    /// Release the session: stops the embedded emulator cleanly (its state
    /// is saved after every write already).
    pub async fn close(self) {
        if let Some(handle) = self.emulator {
            if let Err(e) = handle.shutdown().await {
                tracing::warn!("stopping the embedded emulator: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_dialect_reads_both_variables() {
        let d = embedded_dialect(None, None).unwrap();
        assert_eq!(d, emulator::DialectSetting::default());
        let d = embedded_dialect(Some(" shuffle "), Some("42")).unwrap();
        assert_eq!(
            d,
            emulator::DialectSetting::new(emulator::Dialect::Shuffle, 42)
        );
        let e = embedded_dialect(Some("py3"), None).unwrap_err();
        assert!(format!("{e:#}").contains("CDA_EMULATOR_DIALECT=py3"));
        assert!(embedded_dialect(Some("go"), Some("-1")).is_err());
    }
}
