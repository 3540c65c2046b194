//! The saved plan (`cda plan --out FILE`): the plan, the hash of the desired
//! state it was made from, the fingerprints of everything it read (inside
//! [`Plan::fingerprints`]), creation time and optional expiry, sealed with a
//! content hash so that an edited file is refused.
//!
//! It records where it was made (endpoint, region, a fingerprint of the
//! access key: [`Origin`]) so that `apply` refuses it elsewhere.
//!
//! No secret is ever in it: BGP keys stay [`crate::model::SecretRef`]s and
//! live keys only appear as `(sensitive)`; the access key only as the first
//! 8 hex digits of its SHA-256, the secret key not at all.
//!
//! On disk (version 2) it is [`MAGIC`] followed by the compact JSON,
//! zlib-compressed: a plan creating 4,000 gateways is ~30 MB of JSON
//! (each create carries its object twice, for display and as the call's
//! body) and well under 2 MB compressed. Version 1 files (the same JSON,
//! pretty-printed, uncompressed) still load. `cda show --json` is the
//! readable form.

mod set;
mod zlib;

pub use set::{load, PlanSet, PLAN_SET_VERSION};

use crate::action::Plan;
use crate::inventory::{Inventory, ABSENT};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the plan-file layout; bumped on any incompatible change.
/// 2: zlib-compressed compact JSON behind [`MAGIC`].
pub const PLAN_FILE_VERSION: u32 = 2;

/// The oldest version this cda reads (1: uncompressed JSON).
const OLDEST_READ_VERSION: u32 = 1;

/// What a saved plan's bytes start with, so the file says what it is.
pub const MAGIC: &[u8] = b"cda-plan zlib\n";

/// Largest plan JSON inflated from a file (1 GiB; a 16,000-gateway
/// initial plan is ~120 MB): a crafted file cannot exhaust memory.
const MAX_INFLATED_BYTES: usize = 1 << 30;

/// zlib level: the fastest one. The plan's JSON is so repetitive that
/// higher levels save little space for several times the CPU.
const COMPRESSION_LEVEL: u8 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFile {
    pub version: u32,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// [`desired_hash`] of the desired-state file the plan was made from.
    pub desired_hash: String,
    pub plan: Plan,
    /// Where the plan was read; absent in files written before it was
    /// recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// SHA-256 over every field above (see [`PlanFile::compute_hash`]).
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    #[error("not a cda plan file: {0}")]
    Malformed(String),
    #[error(
        "plan file version {found} is not supported (this cda reads versions {OLDEST_READ_VERSION} to {PLAN_SET_VERSION})"
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
    // Left out when absent, so a file written before it still verifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<&'a Origin>,
}

/// The API a plan was read from: the endpoint, the region and whose access
/// key. A plan is only true of that estate; applied to another it would
/// create, change and delete the wrong things.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The endpoint as the user gave it, without credentials or query
    /// (`embedded emulator` for `--emulator`).
    pub endpoint: String,
    pub region: String,
    /// [`access_key_fingerprint`] of the access key used.
    pub access_key: String,
}

/// Not secret, and enough to tell two keys apart: the first 8 hex digits
/// of the access key's SHA-256 (the key itself is never written).
pub fn access_key_fingerprint(access_key: &str) -> String {
    let digest = hex::encode(Sha256::digest(access_key.trim().as_bytes()));
    format!("sha256:{}", &digest[..8])
}

impl Origin {
    /// What differs between where the plan was made (`self`) and where it
    /// is being applied (`now`), one line each; empty when they match.
    pub fn differences(&self, now: &Origin) -> Vec<String> {
        let mut out = Vec::new();
        let same_endpoint =
            self.endpoint.trim_end_matches('/') == now.endpoint.trim_end_matches('/');
        if !same_endpoint {
            out.push(format!(
                "endpoint: planned against {}, now {}",
                self.endpoint, now.endpoint
            ));
        }
        if self.region != now.region {
            out.push(format!(
                "region: planned in {}, now {}",
                self.region, now.region
            ));
        }
        if self.access_key != now.access_key {
            out.push(format!(
                "access key: planned with the key whose fingerprint is {}, now {}",
                self.access_key, now.access_key
            ));
        }
        out
    }
}

/// Feeds serialised JSON straight into a hash.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`MAGIC`], then `value`'s JSON zlib-compressed.
pub(crate) fn compressed_json(value: &impl Serialize) -> Vec<u8> {
    let mut zlib = zlib::ZlibWriter::new(MAGIC, COMPRESSION_LEVEL);
    // As in `PlanFile::encode`: neither step fails on plain data in memory.
    let mut buffered = std::io::BufWriter::with_capacity(WRITE_BUFFER, &mut zlib);
    let _ = serde_json::to_writer(&mut buffered, value);
    drop(buffered);
    zlib.finish().unwrap_or_default()
}

/// serde_json writes a few bytes at a time; hashing and compressing are
/// fed in pieces this large.
const WRITE_BUFFER: usize = 64 * 1024;

/// The sealed fields' JSON on its way into the file: hashed whole, and
/// compressed all but its closing brace, so that the hash can be added as
/// the file's last field once it is known.
struct Sealing {
    hasher: Sha256,
    zlib: zlib::ZlibWriter,
    held: Option<u8>,
}

impl std::io::Write for Sealing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Some((&last, rest)) = buf.split_last() else {
            return Ok(0);
        };
        self.hasher.update(buf);
        if let Some(held) = self.held.take() {
            self.zlib.write_all(&[held])?;
        }
        self.zlib.write_all(rest)?;
        self.held = Some(last);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sealing {
    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        use std::io::Write as _;
        let hash = format!("sha256:{}", hex::encode(self.hasher.finalize()));
        // The held byte closes the sealed object; the hash goes before it.
        if self.held.take() == Some(b'}') {
            self.zlib.write_all(b",\"content_hash\":")?;
            serde_json::to_writer(&mut self.zlib, &hash)?;
            self.zlib.write_all(b"}")?;
        }
        self.zlib.finish()
    }
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
        let mut file = PlanFile::unsealed(plan, desired_hash, created_at, ttl);
        file.content_hash = file.compute_hash();
        file
    }

    /// Record where the plan was read (and seal it).
    pub fn with_origin(mut self, origin: Origin) -> PlanFile {
        self.origin = Some(origin);
        self.content_hash = self.compute_hash();
        self
    }

    /// The bytes [`PlanFile::new`], [`PlanFile::with_origin`] and
    /// [`PlanFile::to_bytes`] give together, with the plan serialised once
    /// instead of three times (it is tens of MB of JSON for a large
    /// estate): the file's JSON is the sealed fields' JSON, which the hash
    /// covers, with the hash added as the last field.
    pub fn encode(
        plan: Plan,
        desired_hash: String,
        created_at: DateTime<Utc>,
        ttl: Option<TimeDelta>,
        origin: Option<Origin>,
    ) -> Vec<u8> {
        let mut file = PlanFile::unsealed(plan, desired_hash, created_at, ttl);
        file.origin = origin;
        let mut sealing = Sealing {
            hasher: Sha256::new(),
            zlib: zlib::ZlibWriter::new(MAGIC, COMPRESSION_LEVEL),
            held: None,
        };
        // Plain data always serialises, and compressing into memory does
        // not fail; were either to, the file would not verify.
        let mut buffered = std::io::BufWriter::with_capacity(WRITE_BUFFER, &mut sealing);
        let _ = serde_json::to_writer(&mut buffered, &file.sealed());
        drop(buffered);
        sealing.finish().unwrap_or_default()
    }

    fn unsealed(
        plan: Plan,
        desired_hash: String,
        created_at: DateTime<Utc>,
        ttl: Option<TimeDelta>,
    ) -> PlanFile {
        PlanFile {
            version: PLAN_FILE_VERSION,
            created_at,
            expires_at: ttl.and_then(|t| created_at.checked_add_signed(t)),
            desired_hash,
            plan,
            origin: None,
            content_hash: String::new(),
        }
    }

    fn sealed(&self) -> Sealed<'_> {
        Sealed {
            version: self.version,
            created_at: &self.created_at,
            expires_at: &self.expires_at,
            desired_hash: &self.desired_hash,
            plan: &self.plan,
            origin: self.origin.as_ref(),
        }
    }

    /// SHA-256 of the canonical JSON of every field but the hash itself.
    pub fn compute_hash(&self) -> String {
        // Streamed into the hash: a large plan's JSON is tens of MB. Plain
        // data always serialises; were it not to, the hash would not verify.
        let mut hasher = HashWriter(Sha256::new());
        let _ = serde_json::to_writer(&mut hasher, &self.sealed());
        format!("sha256:{}", hex::encode(hasher.0.finalize()))
    }

    /// The plan as compact JSON (the content of a version 2 file, before
    /// compression).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The bytes of a saved plan: [`MAGIC`], then the zlib-compressed JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        compressed_json(self)
    }

    /// Reads a saved plan as written by [`PlanFile::to_bytes`], or an
    /// uncompressed JSON one (version 1, or [`PlanFile::to_json`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<PlanFile, PlanFileError> {
        let Some(compressed) = bytes.strip_prefix(MAGIC) else {
            let text =
                std::str::from_utf8(bytes).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
            return PlanFile::from_json(text);
        };
        let json =
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_INFLATED_BYTES)
                .map_err(|e| PlanFileError::Malformed(format!("cannot decompress: {e}")))?;
        let text =
            std::str::from_utf8(&json).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
        PlanFile::from_json(text)
    }

    /// Parses and verifies a plan file's JSON: version first (so a newer
    /// layout is reported as such, not as garbage), then the content hash.
    pub fn from_json(text: &str) -> Result<PlanFile, PlanFileError> {
        // The version alone first: every other field is skipped unread.
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<serde_json::Value>,
        }
        let probe: Versioned =
            serde_json::from_str(text).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
        match probe.version {
            Some(v)
                if v.as_u64().is_some_and(|n| {
                    (u64::from(OLDEST_READ_VERSION)..=u64::from(PLAN_FILE_VERSION)).contains(&n)
                }) => {}
            Some(v) => {
                return Err(PlanFileError::UnsupportedVersion {
                    found: v.to_string(),
                })
            }
            None => return Err(PlanFileError::Malformed("no `version` field".into())),
        }
        let file: PlanFile =
            serde_json::from_str(text).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
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
pub(crate) mod tests {
    use super::*;
    use crate::action::{Action, ChangeKind, ResourceKind, FORMAT_VERSION};
    use chrono::TimeZone;
    use std::collections::BTreeMap;

    pub(super) fn sample() -> PlanFile {
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
            requested: Default::default(),
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
        let edited = text.replace("\"destroyed\":4", "\"destroyed\":1");
        assert!(matches!(
            PlanFile::from_json(&edited),
            Err(PlanFileError::Tampered { .. })
        ));
    }

    fn origin() -> Origin {
        Origin {
            endpoint: "https://cda.example.invalid".into(),
            region: "nm8".into(),
            access_key: access_key_fingerprint("AKDEMO"),
        }
    }

    #[test]
    fn the_origin_is_sealed_and_holds_no_key() {
        let file = sample().with_origin(origin());
        let text = file.to_json();
        assert!(!text.contains("AKDEMO"), "{text}");
        assert!(text.contains(&access_key_fingerprint("AKDEMO")), "{text}");
        assert_eq!(PlanFile::from_json(&text).unwrap(), file);
        let edited = text.replace("cda.example.invalid", "cda.other.invalid");
        assert!(matches!(
            PlanFile::from_json(&edited),
            Err(PlanFileError::Tampered { .. })
        ));
        // Without an origin the layout (and hash) is the older one.
        assert!(!sample().to_json().contains("origin"));
    }

    #[test]
    fn the_fingerprint_is_short_stable_and_tells_keys_apart() {
        let fp = access_key_fingerprint("AKDEMO");
        assert_eq!(fp.len(), "sha256:".len() + 8);
        assert_eq!(fp, access_key_fingerprint(" AKDEMO\n"));
        assert_ne!(fp, access_key_fingerprint("AKOTHER"));
    }

    #[test]
    fn differences_name_each_field_that_differs() {
        let made = origin();
        let mut now = origin();
        now.endpoint.push('/');
        assert!(made.differences(&now).is_empty());
        now.endpoint = "http://127.0.0.1:8787".into();
        now.access_key = access_key_fingerprint("AKOTHER");
        let diff = made.differences(&now);
        assert_eq!(diff.len(), 2, "{diff:?}");
        assert!(diff[0].starts_with(
            "endpoint: planned against https://cda.example.invalid, now http://127.0.0.1:8787"
        ));
        assert!(diff[1].starts_with("access key:"), "{diff:?}");
    }

    #[test]
    fn other_versions_and_garbage_are_refused() {
        let text = sample().to_json().replace("\"version\":2", "\"version\":3");
        assert_eq!(
            PlanFile::from_json(&text),
            Err(PlanFileError::UnsupportedVersion { found: "3".into() })
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
    fn saved_bytes_are_compressed_and_read_back() {
        let file = sample();
        let bytes = file.to_bytes();
        assert!(bytes.starts_with(MAGIC));
        assert_eq!(PlanFile::from_bytes(&bytes).unwrap(), file);
        // Uncompressed JSON is read too.
        assert_eq!(
            PlanFile::from_bytes(file.to_json().as_bytes()).unwrap(),
            file
        );
        // A damaged stream is malformed, not a panic.
        let mut cut = bytes.clone();
        cut.truncate(MAGIC.len() + 10);
        assert!(matches!(
            PlanFile::from_bytes(&cut),
            Err(PlanFileError::Malformed(_))
        ));
        assert!(matches!(
            PlanFile::from_bytes(b"\xff\xfe"),
            Err(PlanFileError::Malformed(_))
        ));
    }

    #[test]
    fn encoding_in_one_pass_gives_the_same_file() {
        let file = sample();
        let origin = Origin {
            endpoint: "https://cda.example".into(),
            region: "nm8".into(),
            access_key: access_key_fingerprint("AK"),
        };
        for origin in [None, Some(origin)] {
            let expected = match &origin {
                Some(o) => file.clone().with_origin(o.clone()),
                None => file.clone(),
            };
            let bytes = PlanFile::encode(
                file.plan.clone(),
                file.desired_hash.clone(),
                file.created_at,
                Some(TimeDelta::hours(1)),
                origin,
            );
            assert_eq!(bytes, expected.to_bytes());
            assert_eq!(PlanFile::from_bytes(&bytes).unwrap(), expected);
        }
    }

    #[test]
    fn a_version_1_file_still_loads() {
        // As cda wrote them before compression: pretty JSON, version 1,
        // sealed with version 1.
        let mut file = sample();
        file.version = 1;
        file.content_hash = file.compute_hash();
        let text = serde_json::to_string_pretty(&file).unwrap();
        assert!(text.contains("\"version\": 1"));
        assert_eq!(PlanFile::from_bytes(text.as_bytes()).unwrap(), file);
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
