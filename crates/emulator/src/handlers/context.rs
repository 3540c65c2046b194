//! What a handler works on ([`Ctx`]: the account's state, IDs, the clock)
//! and the shapes of its answers: an error, a read, a committed write.

use super::{Effect, Outcome};
use crate::store::{AccountAuth, AccountState, IdGen, Meta};
use crate::wire::{result_object, ApiError, Code};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::Value;

/// Everything a handler may touch.
pub struct Ctx<'a> {
    pub account: &'a str,
    pub st: &'a mut AccountState,
    pub ids: &'a mut IdGen,
    pub now: DateTime<Utc>,
    /// Created objects become visible in lists this many ms after creation.
    pub visible_delay_ms: i64,
    pub max_page_size: i64,
    pub trace_id: String,
    /// Authorizations other accounts granted to this one (only filled for
    /// `accountauth/own/list`), as (granting account, authorization).
    pub granted_to_me: Vec<(String, AccountAuth)>,
}

impl Ctx<'_> {
    pub(super) fn now_ms(&self) -> i64 {
        self.now.timestamp_millis()
    }
    pub(super) fn stamp(&self) -> String {
        (self.now + ChronoDuration::hours(8))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
    pub(super) fn meta(&self) -> Meta {
        Meta {
            created: self.stamp(),
            updated: self.stamp(),
            visible_at_ms: if self.visible_delay_ms > 0 {
                self.now_ms() + self.visible_delay_ms
            } else {
                0
            },
        }
    }
    pub(super) fn written(&self) -> Value {
        result_object(&self.trace_id)
    }
}

pub(super) fn err(code: Code, detail: impl Into<String>) -> ApiError {
    ApiError::new(code, detail)
}

pub(super) fn read(return_obj: Value) -> Result<Outcome, ApiError> {
    Ok(Outcome {
        return_obj: return_obj.to_string(),
        effect: None,
    })
}

pub(super) fn wrote(
    ctx: &Ctx,
    action: &'static str,
    kind: &'static str,
    key: String,
    id: Option<String>,
) -> Result<Outcome, ApiError> {
    Ok(Outcome {
        return_obj: ctx.written().to_string(),
        effect: Some(Effect {
            action,
            kind,
            key,
            id,
        }),
    })
}
