//! The region (resource pool) a file manages, and which listed rows belong
//! to it.
//!
//! cda sends `regionID` with every list call, but the official
//! `gateway/list` page has no such parameter (DIALECTS.md §2.3): a real
//! server may list an account's gateways of every region. Planning against
//! those rows would match, update, replace or — with `prune` — delete
//! another region's objects. So refresh keeps only the rows whose own
//! region field names the file's region; the rest are counted and ignored.
//!
//! A row that states no region at all is kept as the file's region: the
//! server was asked for that one region, and dropping the row would make
//! cda propose to create an object that exists. Children (VPCs, routes,
//! health checks, bindings) are not judged on their own: they follow their
//! gateway, since they are listed by gateway and their rows' region fields
//! (a VPC's `resourcePool`) may name the VPC's pool rather than the
//! gateway's.

use std::collections::BTreeSet;

/// The region a row states: the first non-empty of the fields given, in
/// order of authority (`regionID`, `regionId`, then `resourcePool`, which
/// the API documents as the same pool ID). `None` when it states none.
pub fn stated_region<'a>(fields: &[Option<&'a str>]) -> Option<&'a str> {
    fields
        .iter()
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
}

/// A listed row with the region it states (`None`: it states none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regional<T> {
    pub region: Option<String>,
    pub row: T,
}

impl<T> Regional<T> {
    pub fn new(region: Option<String>, row: T) -> Self {
        Regional { region, row }
    }

    /// Whether the row is `region`'s: it says so, or it says nothing (see
    /// the module documentation). Region IDs compare exactly: treating two
    /// spellings as one could put another region's objects under `prune`.
    pub fn belongs_to(&self, region: &str) -> bool {
        self.region.as_deref().is_none_or(|r| r == region)
    }
}

/// The rows of one region, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept<T> {
    /// The rows of the region, in listing order.
    pub rows: Vec<T>,
    /// Rows that state another region: never matched, updated, replaced or
    /// pruned.
    pub ignored: usize,
    /// Kept rows that state no region (treated as the region asked for).
    pub unstated: usize,
}

/// Keeps the rows that belong to `region` ([`Regional::belongs_to`]).
pub fn retain_region<T>(rows: impl IntoIterator<Item = Regional<T>>, region: &str) -> Kept<T> {
    let mut kept = Kept {
        rows: Vec::new(),
        ignored: 0,
        unstated: 0,
    };
    for row in rows {
        if !row.belongs_to(region) {
            kept.ignored += 1;
            continue;
        }
        if row.region.is_none() {
            kept.unstated += 1;
        }
        kept.rows.push(row.row);
    }
    kept
}

/// Every region the rows state, sorted (for a message naming them).
pub fn regions_seen<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a Regional<T>>,
) -> BTreeSet<String> {
    rows.into_iter().filter_map(|r| r.region.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_empty_field_is_the_region() {
        assert_eq!(stated_region(&[Some("nm8"), Some("nm9")]), Some("nm8"));
        assert_eq!(stated_region(&[None, Some(" "), Some("nm9 ")]), Some("nm9"));
        assert_eq!(stated_region(&[None, Some("")]), None);
        assert_eq!(stated_region(&[]), None);
    }

    #[test]
    fn other_regions_are_ignored_and_unstated_rows_kept() {
        let rows = vec![
            Regional::new(Some("nm8".into()), "a"),
            Regional::new(Some("nm9".into()), "b"),
            Regional::new(None, "c"),
            Regional::new(Some("NM8".into()), "d"),
        ];
        assert_eq!(
            regions_seen(&rows).into_iter().collect::<Vec<_>>(),
            ["NM8", "nm8", "nm9"]
        );
        let kept = retain_region(rows, "nm8");
        assert_eq!(kept.rows, ["a", "c"]);
        assert_eq!((kept.ignored, kept.unstated), (2, 1));
    }

    #[test]
    fn nothing_is_ignored_when_every_row_is_the_region() {
        let kept = retain_region((0..5).map(|i| Regional::new(Some("nm8".into()), i)), "nm8");
        assert_eq!(kept.rows, [0, 1, 2, 3, 4]);
        assert_eq!((kept.ignored, kept.unstated), (0, 0));
    }
}
