//! Access key / secret key, from the environment or a credentials file.
//!
//! The secret key is a [`SecretString`]: it is exposed only to the signer and
//! never appears in `Debug`, logs or serialised output.

use crate::error::Error;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

/// Environment variable holding the access key (the official SDKs' name).
pub const ENV_ACCESS_KEY: &str = "CTYUN_AK";
/// Environment variable holding the secret key.
pub const ENV_SECRET_KEY: &str = "CTYUN_SK";
/// Optional environment variable holding the account (login e-mail).
pub const ENV_ACCOUNT: &str = "CTYUN_ACCOUNT";

/// API credentials.
#[derive(Clone)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: SecretString,
    /// CTyun account e-mail, sent as `account` where the API wants it.
    pub account: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"(sensitive)")
            .field("account", &self.account)
            .finish()
    }
}

impl Credentials {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials {
            access_key: access_key.into(),
            secret_key: SecretString::from(secret_key.into()),
            account: None,
        }
    }

    /// From `CTYUN_AK` / `CTYUN_SK` (and optional `CTYUN_ACCOUNT`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Credentials::from_env`], reading variables through `lookup`
    /// (tests use this instead of mutating the process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let access_key = get(ENV_ACCESS_KEY);
        let secret_key = get(ENV_SECRET_KEY);
        match (access_key, secret_key) {
            (Some(ak), Some(sk)) => Ok(Credentials {
                access_key: ak,
                secret_key: SecretString::from(sk),
                account: get(ENV_ACCOUNT),
            }),
            (ak, _) => Err(Error::Credentials(format!(
                "{} is not set: set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY}, or use a credentials file",
                if ak.is_none() { ENV_ACCESS_KEY } else { ENV_SECRET_KEY }
            ))),
        }
    }

    /// From a credentials file of `name = value` lines:
    ///
    /// ```text
    /// # CTyun CDA credentials (chmod 600)
    /// ak = 3d98d123d633…
    /// sk = 173615ae4177…
    /// account = netops@example.com   # optional
    /// ```
    ///
    /// Names `access_key`/`secret_key` and `CTYUN_AK`/`CTYUN_SK` are accepted
    /// too; values may be quoted. On Unix the file is refused when group or
    /// others can read or write it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let shown = path.display();
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::Credentials(format!("cannot read credentials file {shown}: {e}"))
        })?;
        check_mode(path, &meta)?;
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Credentials(format!("cannot read credentials file {shown}: {e}"))
        })?;
        Self::parse(&text)
            .map_err(|msg| Error::Credentials(format!("credentials file {shown}: {msg}")))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut ak = None;
        let mut sk = None;
        let mut account = None;
        for (idx, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            let Some((name, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
                // Never echo the line: it may be a secret on its own.
                return Err(format!("line {} is not `name = value`", idx + 1));
            };
            let value = unquote(value.trim()).to_owned();
            match name.trim().to_ascii_lowercase().as_str() {
                "ak" | "access_key" | "accesskey" | "ctyun_ak" => ak = Some(value),
                "sk" | "secret_key" | "secretkey" | "ctyun_sk" => {
                    sk = Some(SecretString::from(value))
                }
                "account" | "ctyun_account" => account = Some(value),
                other => return Err(format!("line {}: unknown name `{other}`", idx + 1)),
            }
        }
        match (ak, sk) {
            (Some(access_key), Some(secret_key))
                if !access_key.is_empty() && !secret_key.expose_secret().is_empty() =>
            {
                Ok(Credentials {
                    access_key,
                    secret_key,
                    account: account.filter(|a| !a.is_empty()),
                })
            }
            _ => Err("needs both `ak = …` and `sk = …`".into()),
        }
    }
}

fn strip_comment(line: &str) -> &str {
    // Only whole-line comments and ` #` trailing comments: keys never contain
    // a space followed by '#'.
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &std::fs::Metadata) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::Credentials(format!(
            "credentials file {} has mode {mode:04o}, readable or writable by group or others; \
             run `chmod 600 {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), Error> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Write;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::new("AKVISIBLE", "SUPERSECRETVALUE");
        let text = format!("{c:?}");
        assert!(text.contains("AKVISIBLE"));
        assert!(!text.contains("SUPERSECRETVALUE"), "{text}");
        assert!(text.contains("(sensitive)"));
    }

    #[test]
    fn from_lookup_reads_both_keys() {
        let env: HashMap<&str, &str> = [
            ("CTYUN_AK", "ak1"),
            ("CTYUN_SK", "sk1"),
            ("CTYUN_ACCOUNT", "a@b.c"),
        ]
        .into();
        let c = Credentials::from_lookup(|n| env.get(n).map(|v| v.to_string())).unwrap();
        assert_eq!(c.access_key, "ak1");
        assert_eq!(c.secret_key.expose_secret(), "sk1");
        assert_eq!(c.account.as_deref(), Some("a@b.c"));

        let missing = Credentials::from_lookup(|n| (n == "CTYUN_AK").then(|| "ak".to_string()));
        let err = missing.unwrap_err().to_string();
        assert!(err.contains("CTYUN_SK"), "{err}");
    }

    fn write_file(mode: u32, text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        f
    }

    #[test]
    fn from_file_parses_private_file() {
        let f = write_file(
            0o600,
            "# creds\nak = AK1\nsk = \"SK 1\"\naccount = ops@example.com # mine\n",
        );
        let c = Credentials::from_file(f.path()).unwrap();
        assert_eq!(c.access_key, "AK1");
        assert_eq!(c.secret_key.expose_secret(), "SK 1");
        assert_eq!(c.account.as_deref(), Some("ops@example.com"));
    }

    #[cfg(unix)]
    #[test]
    fn from_file_refuses_group_or_world_readable() {
        for mode in [0o640, 0o604, 0o660] {
            let f = write_file(mode, "ak = A\nsk = TOPSECRET\n");
            let err = Credentials::from_file(f.path()).unwrap_err().to_string();
            assert!(err.contains(&f.path().display().to_string()), "{err}");
            assert!(err.contains(&format!("{mode:04o}")), "{err}");
            assert!(!err.contains("TOPSECRET"));
        }
    }

    #[test]
    fn from_file_rejects_incomplete_or_malformed() {
        let f = write_file(0o600, "ak = A\n");
        assert!(Credentials::from_file(f.path()).is_err());
        let f = write_file(0o600, "ak = A\nTOPSECRETLINE\n");
        let err = Credentials::from_file(f.path()).unwrap_err().to_string();
        assert!(!err.contains("TOPSECRETLINE"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }
}
