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

/// The `--emulator-seed` value that starts the embedded emulator empty.
pub const NO_SEED: &str = "none";

/// What a new embedded emulator starts from: nothing but the demo account
/// in region nm8 for `none`, the given seed file, or by default
/// [`EMULATOR_SEED`] under `dir` when present, else [`BUILT_IN_SEED`].
pub fn embedded_seed(dir: &Path, choice: Option<&str>) -> anyhow::Result<emulator::Seed> {
    match choice.map(str::trim).filter(|c| !c.is_empty()) {
        Some(NO_SEED) => Ok(emulator::Seed {
            accounts: vec![emulator::SeedAccount {
                account: emulator::DEMO_ACCOUNT.to_owned(),
                region: "nm8".to_owned(),
                ..emulator::SeedAccount::default()
            }],
        }),
        Some(file) => emulator::Seed::load(&dir.join(file))
            .with_context(|| format!("--emulator-seed {file} (CDA_EMULATOR_SEED)")),
        None => {
            let seed_path = dir.join(EMULATOR_SEED);
            if seed_path.exists() {
                Ok(emulator::Seed::load(&seed_path)?)
            } else {
                Ok(emulator::Seed::parse(BUILT_IN_SEED, "built-in seed")?)
            }
        }
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
        let first_use = !state.exists();
        if !first_use && global.emulator_seed.is_some() {
            tracing::warn!(
                "--emulator-seed (CDA_EMULATOR_SEED) is read only when {} is created; \
                 it exists, so its estate is used (delete it to start over)",
                state.display()
            );
        }
        let seed = embedded_seed(dir, global.emulator_seed.as_deref())?;
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
    fn embedded_seed_none_is_an_empty_demo_account() {
        let dir = tempfile::tempdir().unwrap();
        let seed = embedded_seed(dir.path(), Some("none")).unwrap();
        assert_eq!(seed.accounts.len(), 1);
        assert_eq!(seed.accounts[0].account, emulator::DEMO_ACCOUNT);
        assert!(seed.accounts[0].lines.is_empty() && seed.accounts[0].gateways.is_empty());
        // Default, without examples/ in the directory: the built-in estate.
        let built_in = embedded_seed(dir.path(), None).unwrap();
        assert!(!built_in.accounts[0].lines.is_empty());
        assert_eq!(embedded_seed(dir.path(), Some("")).unwrap(), built_in);
        let e = embedded_seed(dir.path(), Some("missing.yaml")).unwrap_err();
        assert!(
            format!("{e:#}").contains("--emulator-seed missing.yaml"),
            "{e:#}"
        );
    }

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
