//! A saved plan of several regions (plan file version 3): one plan-file
//! document per region, each sealed and bound to its origin exactly as a
//! one-region plan file is, and the list sealed as a whole, so that a region
//! cannot be dropped, added or swapped without the file being refused.
//! Stored as a one-region file is: [`MAGIC`], then the zlib-compressed
//! compact JSON.
//!
//! A plan of one region is still written as version 2; [`load`] reads
//! every version.

use super::{PlanFile, PlanFileError, MAGIC, MAX_INFLATED_BYTES};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the several-regions layout.
pub const PLAN_SET_VERSION: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSet {
    pub version: u32,
    /// One plan file per region, in region order.
    pub regions: Vec<PlanFile>,
    /// SHA-256 over the version and every region's own content hash.
    pub content_hash: String,
}

impl PlanSet {
    pub fn new(regions: Vec<PlanFile>) -> PlanSet {
        let mut set = PlanSet {
            version: PLAN_SET_VERSION,
            regions,
            content_hash: String::new(),
        };
        set.content_hash = set.compute_hash();
        set
    }

    fn compute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.version.to_string().as_bytes());
        for region in &self.regions {
            hasher.update(b"\n");
            hasher.update(region.content_hash.as_bytes());
        }
        format!("sha256:{}", hex::encode(hasher.finalize()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The bytes of the saved plan: [`MAGIC`], then the compressed JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        super::compressed_json(self)
    }
}

/// The plans a saved plan file holds (its bytes, compressed or not): one
/// for a one-region file (versions 1 and 2), one per region for a
/// version-3 file; every one verified, and the list too.
pub fn load(bytes: &[u8]) -> Result<Vec<PlanFile>, PlanFileError> {
    let inflated;
    let json = match bytes.strip_prefix(MAGIC) {
        Some(compressed) => {
            inflated = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
                compressed,
                MAX_INFLATED_BYTES,
            )
            .map_err(|e| PlanFileError::Malformed(format!("cannot decompress: {e}")))?;
            &inflated[..]
        }
        None => bytes,
    };
    let text = std::str::from_utf8(json).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
    #[derive(Deserialize)]
    struct Versioned {
        version: Option<serde_json::Value>,
    }
    let probe: Versioned =
        serde_json::from_str(text).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
    if probe.version.and_then(|v| v.as_u64()) != Some(u64::from(PLAN_SET_VERSION)) {
        // A one-region file, or a version the one-region reader reports.
        return Ok(vec![PlanFile::from_json(text)?]);
    }
    let set: PlanSet =
        serde_json::from_str(text).map_err(|e| PlanFileError::Malformed(e.to_string()))?;
    let expected = set.compute_hash();
    if expected != set.content_hash {
        return Err(PlanFileError::Tampered {
            expected,
            found: set.content_hash,
        });
    }
    if set.regions.is_empty() {
        return Err(PlanFileError::Malformed("no region's plan".into()));
    }
    // Each region's document verifies as a one-region file would.
    set.regions
        .iter()
        .map(|one| PlanFile::from_json(&one.to_json()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planfile::tests::sample;

    fn two() -> PlanSet {
        let nm8 = sample();
        let mut nm9 = sample();
        nm9.plan.region = "nm9".into();
        nm9.content_hash = nm9.compute_hash();
        PlanSet::new(vec![nm8, nm9])
    }

    #[test]
    fn one_region_and_several_load() {
        assert_eq!(load(&sample().to_bytes()).unwrap(), [sample()]);
        assert_eq!(load(sample().to_json().as_bytes()).unwrap(), [sample()]);
        let set = two();
        assert_eq!(load(&set.to_bytes()).unwrap(), set.regions);
        assert!(set.to_bytes().starts_with(MAGIC));
        assert!(set.to_json().contains("\"version\":3"));
    }

    #[test]
    fn a_region_dropped_or_edited_is_refused() {
        let mut set = two();
        set.regions.pop();
        assert!(matches!(
            load(&set.to_bytes()),
            Err(PlanFileError::Tampered { .. })
        ));
        let edited = two()
            .to_json()
            .replacen("\"region\":\"nm9\"", "\"region\":\"nm7\"", 1);
        assert_ne!(edited, two().to_json());
        assert!(matches!(
            load(edited.as_bytes()),
            Err(PlanFileError::Tampered { .. })
        ));
        let newer = two()
            .to_json()
            .replacen("\"version\":3", "\"version\":4", 1);
        assert_eq!(
            load(newer.as_bytes()),
            Err(PlanFileError::UnsupportedVersion { found: "4".into() })
        );
    }
}
