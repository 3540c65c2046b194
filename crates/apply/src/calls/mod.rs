//! The real [`Backend`]: each [`Operation`] becomes one `cda-api` call.
//!
//! * `build` — the request for an operation, held as a [`Call`].
//! * `line_ids` — line references without an ID (lines this plan creates)
//!   are resolved by listing lines after the creation: the API returns no
//!   IDs.
//! * `secrets` — BGP keys are read from their `{ env }` / `{ file }`
//!   reference at call time, sent, and never kept: journals and dry-run show
//!   `(sensitive)`.
//! * `applied` — "has it been applied?" re-reads exactly the object the call
//!   touches.

mod applied;
mod build;
mod call;
mod line_ids;
mod secrets;

pub use call::Call;
pub use secrets::resolve_secret;

use crate::executor::{Backend, CallError, ErrorClass, Prepared};
use cda_api::Client;
use plan::Operation;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Shown instead of a line ID that only exists once the plan has run.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

pub struct ApiBackend {
    client: Arc<Client>,
    region: String,
    account: Option<String>,
    /// Line name → `lineID`, from the plan and from lists after creation.
    line_ids: Mutex<HashMap<String, String>>,
    /// Build requests only: unknown line IDs and secrets become placeholders.
    dry_run: bool,
}

fn classify(e: cda_api::Error) -> CallError {
    let class = if e.is_unknown_outcome() {
        ErrorClass::UnknownOutcome
    } else if e.is_transient() {
        ErrorClass::Transient
    } else {
        ErrorClass::Permanent
    };
    CallError {
        request_id: e.request_id().map(str::to_owned),
        message: e.to_string(),
        class,
    }
}

/// Reads use the client's own retries; a failed read is final here.
fn read_error(e: cda_api::Error) -> CallError {
    CallError {
        request_id: e.request_id().map(str::to_owned),
        message: e.to_string(),
        class: ErrorClass::Permanent,
    }
}

impl ApiBackend {
    pub fn new(
        client: Arc<Client>,
        region: String,
        account: Option<String>,
        dry_run: bool,
    ) -> Self {
        ApiBackend {
            client,
            region,
            account,
            line_ids: Mutex::new(HashMap::new()),
            dry_run,
        }
    }

    fn account(&self) -> String {
        self.account.clone().unwrap_or_default()
    }
}

impl Backend for ApiBackend {
    type Call = Call;

    async fn prepare(&self, op: &Operation) -> Result<Prepared<Call>, CallError> {
        let call = self.build(op).await?;
        let ep = call.endpoint();
        let body = call
            .redacted_body_for(&self.client)
            .map_err(|e| CallError::permanent(e.to_string()))?;
        Ok(Prepared {
            method: ep.method.as_str(),
            path: ep.path,
            body,
            call,
        })
    }

    async fn send(&self, call: &Call) -> Result<Option<String>, CallError> {
        let receipt = call.send(&self.client).await.map_err(classify)?;
        Ok(Some(receipt.request_id))
    }

    async fn applied(&self, op: &Operation) -> Result<bool, CallError> {
        self.reread(op).await
    }

    async fn not_applied(&self, op: &Operation) -> Result<Vec<String>, CallError> {
        if self.dry_run {
            return Ok(Vec::new());
        }
        self.unapplied_attributes(op).await
    }

    async fn existing(&self, op: &Operation) -> Result<Option<String>, CallError> {
        if self.dry_run {
            return Ok(None);
        }
        self.existing_object(op).await
    }
}

#[cfg(test)]
mod tests;
