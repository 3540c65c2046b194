//! The saved plan (`cda plan --out FILE`): the plan, the hash of the desired
//! state it was made from, the fingerprints of everything it read (inside
//! [`Plan::fingerprints`]), creation time and optional expiry, sealed with a
//! content hash so that an edited file is refused.
//!
//! No secret is ever in it: BGP keys stay [`crate::model::SecretRef`]s and
//! live keys only appear as `(sensitive)`.

use crate::action::Plan;
use crate::inventory::{Inventory, ABSENT};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the plan-file layout; bumped on any incompatible change.
pub const PLAN_FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFile {
    pub version: u32,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// [`desired_hash`] of the desired-state file the plan was made from.
    pub desired_hash: String,
    pub plan: Plan,
    /// SHA-256 over every field above (see [`PlanFile::compute_hash`]).
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    #[error("not a cda plan file: {0}")]
    Malformed(String),
    #[error(
        "plan file version {found} is not supported (this cda reads version {PLAN_FILE_VERSION})"
    )]
    UnsupportedVersion { found: String },
    #[error("plan file was modified after it was written (content hash {found} does not match {expected})")]
    Tampered { expected: String, found: String },
}

/// The fields the content hash covers, borrowed, in a fixed order.
#[derive(Serialize)]
struct Sealed<'a> {
    version: u32,
    created_at: &'a DateTime<Utc>,
    expires_at: &'a Option<DateTime<Utc>>,
    desired_hash: &'a str,
    plan: &'a Plan,
}

/// Hash of the desired-state file's bytes, as stored in a plan file.
pub fn desired_hash(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

impl PlanFile {
    pub fn new(
        plan: Plan,
        desired_hash: String,
        created_at: DateTime<Utc>,
        ttl: Option<TimeDelta>,
    ) -> PlanFile {
        let expires_at = ttl.and_then(|t| created_at.checked_add_signed(t));
        let mut file = PlanFile {
            version: PLAN_FILE_VERSION,
            created_at,
            expires_at,
            desired_hash,
            plan,
            content_hash: String::new(),
        };
        file.content_hash = file.compute_hash();
        file
    }

    /// SHA-256 of the canonical JSON of every field but the hash itself.
    pub fn compute_hash(&self) -> String {
        let sealed = Sealed {
            version: self.version,
            created_at: &self.created_at,
            expires_at: &self.expires_at,
            desired_hash: &self.desired_hash,
            plan: &self.plan,
        };
        // Plain data always serialises; an empty hash would never verify.
        let bytes = serde_json::to_vec(&sealed).unwrap_or_default();
        format!("sha256:{}", hex::encode(Sha256::digest(&bytes)))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses and verifies a plan file: version first (so a newer layout is
    /// reported as such, not as garbage), then the content hash.
    pub fn from_json(text: &str) -> Result<PlanFile, PlanFileError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
        match value.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(PLAN_FILE_VERSION)) => {}
            Some(v) => {
                return Err(PlanFileError::UnsupportedVersion {
                    found: v.to_string(),
                })
            }
            None => return Err(PlanFileError::Malformed("no `version` field".into())),
        }
        let file: PlanFile =
            serde_json::from_value(value).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
        let expected = file.compute_hash();
        if expected != file.content_hash {
            return Err(PlanFileError::Tampered {
                expected,
                found: file.content_hash,
            });
        }
        Ok(file)
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|e| now >= e)
    }
}

/// Addresses whose live state changed since the plan was made: a different
/// fingerprint, gone, or present where the plan saw nothing. Empty means the
/// plan may be applied as saved.
pub fn stale(plan: &Plan, now_live: &Inventory) -> Vec<String> {
    let mut now = now_live.clone();
    now.normalise();
    let current = now.fingerprints();
    let mut out: Vec<String> = plan
        .fingerprints
        .iter()
        .filter(|(addr, fp)| {
            current.get(*addr).map(String::as_str).unwrap_or(ABSENT) != fp.as_str()
        })
        .map(|(addr, _)| addr.clone())
        .collect();
    // The plan read the whole estate, so an object it did not see is new.
    out.extend(
        current
            .keys()
            .filter(|a| !plan.fingerprints.contains_key(*a))
            .cloned(),
    );
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, ChangeKind, ResourceKind, FORMAT_VERSION};
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    fn sample() -> PlanFile {
        let plan = Plan {
            format_version: FORMAT_VERSION.into(),
            region: "nm8".into(),
            account: None,
            actions: vec![Action {
                id: 0,
                address: "gateway.gw1".into(),
                kind: ResourceKind::Gateway,
                change: ChangeKind::Delete,
                gateway: Some("gw1".into()),
                attributes: vec![],
                before: None,
                after: None,
                impact: vec![],
                depends_on: vec![],
                calls: vec![crate::action::Operation::DeleteGateway { name: "gw1".into() }],
            }],
            unmanaged: vec![],
            notes: Vec::new(),
            fingerprints: BTreeMap::from([("gateway.gw1".to_string(), "sha256:00".to_string())]),
            mass_destroy: None,
        };
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        PlanFile::new(
            plan,
            desired_hash(b"region: nm8\n"),
            at,
            Some(TimeDelta::hours(1)),
        )
    }

    #[test]
    fn round_trips_and_verifies() {
        let file = sample();
        let back = PlanFile::from_json(&file.to_json()).unwrap();
        assert_eq!(back, file);
    }

    #[test]
    fn any_edit_is_detected() {
        let text = sample().to_json().replace("gateway.gw1", "gateway.gw2");
        assert!(matches!(
            PlanFile::from_json(&text),
            Err(PlanFileError::Tampered { .. })
        ));
        let text = sample()
            .to_json()
            .replace("2026-11-29T13:00:00Z", "2027-11-29T13:00:00Z");
        assert!(matches!(
            PlanFile::from_json(&text),
            Err(PlanFileError::Tampered { .. })
        ));
    }

    #[test]
    fn the_guard_verdict_is_sealed_and_older_files_without_it_load() {
        let mut file = sample();
        // Written before the guard: no `mass_destroy` key at all.
        assert!(!file.to_json().contains("mass_destroy"));
        assert_eq!(PlanFile::from_json(&file.to_json()).unwrap(), file);
        file.plan.mass_destroy = Some(crate::guard::MassDestroy {
            managed_live: 5,
            destroyed: 4,
            deleted: 4,
            replaced: 0,
            share_percent: 80,
            thresholds: crate::guard::Thresholds::DEFAULT,
            addresses: vec!["gateway.gw1".into()],
        });
        file.content_hash = file.compute_hash();
        let text = file.to_json();
        assert_eq!(PlanFile::from_json(&text).unwrap(), file);
        // Removing the warning from a saved plan is an edit like any other.
        let edited = text.replace("\"destroyed\": 4", "\"destroyed\": 1");
        assert!(matches!(
            PlanFile::from_json(&edited),
            Err(PlanFileError::Tampered { .. })
        ));
    }

    #[test]
    fn other_versions_and_garbage_are_refused() {
        let text = sample()
            .to_json()
            .replace("\"version\": 1", "\"version\": 2");
        assert_eq!(
            PlanFile::from_json(&text),
            Err(PlanFileError::UnsupportedVersion { found: "2".into() })
        );
        assert!(matches!(
            PlanFile::from_json("{}"),
            Err(PlanFileError::Malformed(_))
        ));
        assert!(matches!(
            PlanFile::from_json("not json"),
            Err(PlanFileError::Malformed(_))
        ));
    }

    #[test]
    fn expiry_is_creation_plus_ttl() {
        let file = sample();
        assert!(!file.is_expired(file.created_at + TimeDelta::minutes(59)));
        assert!(file.is_expired(file.created_at + TimeDelta::minutes(60)));
        let forever = PlanFile::new(
            file.plan.clone(),
            file.desired_hash.clone(),
            file.created_at,
            None,
        );
        assert!(!forever.is_expired(file.created_at + TimeDelta::days(3650)));
    }
}
