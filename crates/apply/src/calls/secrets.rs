//! BGP keys: read from their `{ env }` / `{ file }` reference at call time,
//! sent, and never kept. A dry run shows `(sensitive)` without reading them.

use super::ApiBackend;
use crate::executor::CallError;
use plan::model::SecretRef;
use secrecy::SecretString;

/// Read a secret reference. Files are relative to the current directory;
/// one trailing newline is dropped.
pub fn resolve_secret(reference: &SecretRef) -> Result<String, String> {
    match reference {
        SecretRef::Env(name) => {
            std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))
        }
        SecretRef::File(path) => std::fs::read_to_string(path)
            .map(|s| {
                s.strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&s)
                    .to_owned()
            })
            .map_err(|e| format!("cannot read key file {path}: {e}")),
    }
}

impl ApiBackend {
    /// The key of BGP peer `peer`, ready for the request body.
    pub(super) fn secret(
        &self,
        reference: &Option<SecretRef>,
        peer: &str,
    ) -> Result<Option<SecretString>, CallError> {
        match reference {
            None => Ok(None),
            Some(_) if self.dry_run => Ok(Some(SecretString::from(
                cda_api::wire::SENSITIVE.to_owned(),
            ))),
            Some(r) => resolve_secret(r)
                .map(|k| Some(SecretString::from(k)))
                .map_err(|e| CallError::permanent(format!("BGP key for peer {peer}: {e}"))),
        }
    }
}
