//! Emulator configuration: accounts, state file, seed, faults.

use crate::dialect::{Dialect, DialectSetting};
use crate::error::Error;
use crate::faults::FaultConfig;
use crate::seed::Seed;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// Access key of the built-in demo account. Public on purpose: it only
/// opens the local emulator.
pub const DEMO_ACCESS_KEY: &str = "cdademo0accesskey000000000000001";
/// Secret key of the built-in demo account (public, emulator only).
pub const DEMO_SECRET_KEY: &str = "cdademo0secretkey000000000000001";
/// E-mail of the built-in demo account.
pub const DEMO_ACCOUNT: &str = "demo@cda.local";

/// One set of credentials the emulator accepts. Several access keys may
/// share an e-mail; objects belong to the e-mail.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub access_key: String,
    pub secret_key: String,
    /// The CTyun account e-mail (`account` on the wire).
    pub email: String,
}

impl Account {
    pub fn new(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        email: impl Into<String>,
    ) -> Self {
        Account {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            email: email.into(),
        }
    }

    /// The demo account.
    pub fn demo() -> Self {
        Account::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, DEMO_ACCOUNT)
    }
}

// The secret key never appears in debug output.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("email", &self.email)
            .finish()
    }
}

/// Parses `AK:SK:EMAIL` (the CLI's `--account`).
impl FromStr for Account {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self, Error> {
        let mut parts = spec.splitn(3, ':');
        let (Some(ak), Some(sk), Some(email)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Error::AccountSpec {
                reason: "expected AK:SK:EMAIL".into(),
            });
        };
        let (ak, sk, email) = (ak.trim(), sk.trim(), email.trim());
        if ak.is_empty() || sk.is_empty() {
            return Err(Error::AccountSpec {
                reason: "access key and secret key must not be empty".into(),
            });
        }
        if !email.contains('@') {
            return Err(Error::AccountSpec {
                reason: format!("account e-mail {email:?} has no '@'"),
            });
        }
        Ok(Account::new(ak, sk, email))
    }
}

/// `clap` value parser for `--account AK:SK:EMAIL`.
pub fn parse_account(spec: &str) -> Result<Account, Error> {
    spec.parse()
}

/// Where the initial inventory comes from.
#[derive(Debug, Clone)]
pub enum SeedSource {
    /// A YAML or JSON file (see `docs/emulator.md`).
    File(PathBuf),
    /// An inventory built in code (tests, benches).
    Inline(Seed),
}

impl From<PathBuf> for SeedSource {
    fn from(path: PathBuf) -> Self {
        SeedSource::File(path)
    }
}

impl From<Seed> for SeedSource {
    fn from(seed: Seed) -> Self {
        SeedSource::Inline(seed)
    }
}

/// Everything the emulator needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Accepted credentials. Requests signed with any other AK are refused.
    pub accounts: Vec<Account>,
    /// Persist the state here after every write; loaded at start when the
    /// file exists (it then wins over `seed`).
    pub state_file: Option<PathBuf>,
    /// Initial inventory, applied when no state file exists yet, and again
    /// by `POST /_emulator/reset`.
    pub seed: Option<SeedSource>,
    pub faults: FaultConfig,
    /// `eop-date` freshness window (either side of now). Default 15 min.
    pub freshness: Duration,
    /// Largest `pageSize` honoured; larger requests are clamped. Default 50.
    pub max_page_size: u32,
    /// How the server speaks (`docs/emulator.md`, "Dialects"). Default
    /// `reference`.
    pub dialect: DialectSetting,
}

impl Config {
    /// One demo account ([`DEMO_ACCESS_KEY`], [`DEMO_SECRET_KEY`],
    /// [`DEMO_ACCOUNT`]), in memory, no seed, no faults.
    pub fn demo() -> Self {
        Config {
            accounts: vec![Account::demo()],
            state_file: None,
            seed: None,
            faults: FaultConfig::default(),
            freshness: Duration::from_secs(15 * 60),
            max_page_size: 50,
            dialect: DialectSetting::default(),
        }
    }

    pub fn with_seed(mut self, seed: impl Into<SeedSource>) -> Self {
        self.seed = Some(seed.into());
        self
    }

    pub fn with_state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    pub fn with_faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Serve in `dialect`; `seed` only matters for `shuffle`.
    pub fn with_dialect(mut self, dialect: Dialect, seed: u64) -> Self {
        self.dialect = DialectSetting::new(dialect, seed);
        self
    }

    pub fn with_account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::demo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_spec_parses_and_hides_secret() {
        let a: Account = "AK1:SK1:ops@example.com".parse().unwrap();
        assert_eq!(a, Account::new("AK1", "SK1", "ops@example.com"));
        assert!(!format!("{a:?}").contains("SK1"));
        assert!("AK1:SK1".parse::<Account>().is_err());
        assert!("AK1::a@b".parse::<Account>().is_err());
        let e = "AK1:TOPSECRET:nomail".parse::<Account>().unwrap_err();
        assert!(!e.to_string().contains("TOPSECRET"));
    }
}
