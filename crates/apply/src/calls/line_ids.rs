//! Line IDs: a line this plan creates has no ID until the API lists it (the
//! API returns no IDs), so a reference by name is resolved by listing lines.

use super::{read_error, ApiBackend, KNOWN_AFTER_APPLY};
use crate::executor::{doubling_delay, CallError};
use cda_api::types as api;
use plan::action::LineRef;
use std::time::Duration;

/// The wait after the first line listing that lacks a new line.
const FIRST_WAIT: Duration = Duration::from_millis(200);

/// Listings before a new line counts as missing.
const LISTINGS: u32 = 6;

impl ApiBackend {
    fn remember(&self, name: &str, id: &str) {
        self.line_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), id.to_owned());
    }

    fn known(&self, name: &str) -> Option<String> {
        self.line_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }

    /// Every line in scope; remembers the ID of each named one.
    pub(super) async fn list_lines(&self) -> Result<Vec<api::PhysicalLine>, CallError> {
        let req = api::PhysicalLineListRequest {
            region_id: Some(self.region.clone()),
            account: self.account.clone(),
            ..Default::default()
        };
        let lines = self
            .client
            .physical_line_list_all(&req)
            .await
            .map_err(read_error)?;
        self.client.learn_lines(&lines);
        for line in &lines {
            if let (Some(id), Some(name)) = (line.id(), line.line_name.as_deref()) {
                self.remember(name, id);
            }
        }
        Ok(lines)
    }

    /// The `lineID` of a line reference: from the plan, from a previous
    /// lookup, or by listing lines (a line created moments ago may take a
    /// little while to show in lists).
    pub(super) async fn line_id(&self, line: &LineRef) -> Result<String, CallError> {
        if let Some(id) = &line.id {
            return Ok(id.clone());
        }
        if let Some(id) = self.known(&line.name) {
            return Ok(id);
        }
        if self.dry_run {
            return Ok(KNOWN_AFTER_APPLY.to_owned());
        }
        for listing in 0..LISTINGS {
            self.list_lines().await?;
            if let Some(id) = self.known(&line.name) {
                return Ok(id);
            }
            tokio::time::sleep(doubling_delay(FIRST_WAIT, listing)).await;
        }
        Err(CallError::permanent(format!(
            "physical line {} not found after creating it",
            line.name
        )))
    }
}
