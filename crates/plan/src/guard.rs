//! The blast-radius guard: a plan that deletes or replaces a large share of
//! the managed live objects it read is far more often a misreading (a file
//! for the wrong region or account, a renamed object, a server answering in
//! an unexpected shape) than an intent. [`assess`] says so from the plan
//! alone, so a saved plan carries the same verdict as the one just made;
//! `apply` refuses such a plan unless told otherwise, and every rendering
//! leads with [`MassDestroy::message`].

use crate::action::{ChangeKind, Plan};
use crate::inventory::ABSENT;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// When the guard trips: more than `share_percent` % of the managed live
/// objects read **and** more than `min_objects` objects deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub share_percent: u32,
    pub min_objects: usize,
}

impl Thresholds {
    /// The defaults: more than 20% of the managed live objects and more than
    /// 3 objects. A small estate may lose 3 objects without ceremony; a
    /// large one may lose up to a fifth.
    pub const DEFAULT: Thresholds = Thresholds {
        share_percent: 20,
        min_objects: 3,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

/// Addresses named in the warning before "… and N more".
pub const ADDRESSES_SHOWN: usize = 10;

/// A plan that trips the guard: the counts, the first addresses destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassDestroy {
    /// Live objects the plan read that the file manages (declared, or of a
    /// kind listed in `prune`): every live object but the unmanaged ones.
    pub managed_live: usize,
    /// Deletions plus replacements (what `--max-destroy` counts).
    pub destroyed: usize,
    pub deleted: usize,
    pub replaced: usize,
    /// `destroyed` as a whole percentage of `managed_live`, rounded down.
    pub share_percent: u32,
    /// The thresholds it exceeded.
    pub thresholds: Thresholds,
    /// The first [`ADDRESSES_SHOWN`] addresses deleted or replaced, in plan order.
    pub addresses: Vec<String>,
}

/// Live objects the plan read that the file manages: every fingerprinted
/// live address (not [`ABSENT`]) that is not listed as unmanaged.
pub fn managed_live_count(plan: &Plan) -> usize {
    let unmanaged: BTreeSet<&str> = plan.unmanaged.iter().map(|u| u.address.as_str()).collect();
    plan.fingerprints
        .iter()
        .filter(|(address, fp)| fp.as_str() != ABSENT && !unmanaged.contains(address.as_str()))
        .count()
}

/// The guard with the default thresholds.
pub fn assess(plan: &Plan) -> Option<MassDestroy> {
    assess_with(plan, Thresholds::DEFAULT)
}

/// `Some` when the plan deletes or replaces more than `t.min_objects`
/// objects and more than `t.share_percent` % of the managed live objects.
pub fn assess_with(plan: &Plan, t: Thresholds) -> Option<MassDestroy> {
    let mut deleted = 0;
    let mut replaced = 0;
    let mut addresses = Vec::new();
    for action in &plan.actions {
        match action.change {
            ChangeKind::Delete => deleted += 1,
            ChangeKind::Replace => replaced += 1,
            ChangeKind::Create | ChangeKind::Update => continue,
        }
        if addresses.len() < ADDRESSES_SHOWN {
            addresses.push(action.address.clone());
        }
    }
    let destroyed = deleted + replaced;
    // An object read and destroyed is managed by definition; the max keeps
    // the share at most 100% even for a hand-made plan.
    let managed_live = managed_live_count(plan).max(destroyed);
    let over_share =
        (destroyed as u128) * 100 > u128::from(t.share_percent) * (managed_live as u128);
    if destroyed <= t.min_objects || !over_share {
        return None;
    }
    let share_percent = ((destroyed as u128 * 100) / (managed_live.max(1) as u128)) as u32;
    Some(MassDestroy {
        managed_live,
        destroyed,
        deleted,
        replaced,
        share_percent,
        thresholds: t,
        addresses,
    })
}

impl MassDestroy {
    /// One line: the counts and the share.
    pub fn headline(&self) -> String {
        format!(
            "This plan deletes or replaces {} of the {} managed live objects it read ({}%: {} deleted, {} replaced), more than {}% and more than {}.",
            self.destroyed,
            self.managed_live,
            self.share_percent,
            self.deleted,
            self.replaced,
            self.thresholds.share_percent,
            self.thresholds.min_objects,
        )
    }

    /// The addresses line: the first few, then how many more.
    pub fn addresses_line(&self) -> String {
        let more = self.destroyed.saturating_sub(self.addresses.len());
        let mut out = format!("First: {}", self.addresses.join(", "));
        if more > 0 {
            out.push_str(&format!(" … and {more} more"));
        }
        out.push('.');
        out
    }

    /// Why this usually happens.
    pub fn causes_line(&self) -> &'static str {
        "Likely causes: a file for the wrong region or account, an object renamed in the file, \
         or a server answering in an unexpected shape (names read differently)."
    }

    /// What to do.
    pub fn proceed_line(&self) -> String {
        format!(
            "Check the plan. If it is intended, run `cda apply` with `--max-destroy {}` (or more) \
             or `--allow-mass-destroy`; approving it interactively asks for the number {} instead of `yes`.",
            self.destroyed, self.destroyed
        )
    }

    /// Every line of the warning, in order.
    pub fn message_lines(&self) -> Vec<String> {
        vec![
            self.headline(),
            self.addresses_line(),
            self.causes_line().to_string(),
            self.proceed_line(),
        ]
    }

    /// The warning as one text, a line each.
    pub fn message(&self) -> String {
        self.message_lines().join("\n")
    }
}

/// What `apply` does with a plan, given the guard's verdict and the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The guard does not trip: approve with `yes` as usual.
    Proceed,
    /// The guard trips but a flag allows it: an interactive approval must
    /// type this count instead of `yes`.
    ProceedTypingCount(usize),
    /// The guard trips and no flag allows it: refuse before any call.
    Refuse,
}

/// The guard's verdict for `apply`: `max_destroy` is an explicit
/// `--max-destroy N` (it allows the plan when it covers the count; when it
/// does not, `--max-destroy`'s own refusal applies), `allow` is
/// `--allow-mass-destroy`.
pub fn decide(found: Option<&MassDestroy>, max_destroy: Option<usize>, allow: bool) -> Decision {
    match found {
        None => Decision::Proceed,
        Some(m) if allow || max_destroy.is_some_and(|max| m.destroyed <= max) => {
            Decision::ProceedTypingCount(m.destroyed)
        }
        Some(_) => Decision::Refuse,
    }
}

/// Whether an approval answer approves: `yes` normally, the exact count of
/// objects destroyed when the guard tripped (so approving a mass deletion
/// takes reading the number).
pub fn approves(answer: &str, decision: Decision) -> bool {
    let answer = answer.trim();
    match decision {
        Decision::Proceed => answer == "yes",
        Decision::ProceedTypingCount(n) => answer.parse::<usize>() == Ok(n),
        Decision::Refuse => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, ResourceKind, Unmanaged, FORMAT_VERSION};
    use std::collections::BTreeMap;

    fn action(n: usize, change: ChangeKind) -> Action {
        Action {
            id: n,
            address: format!("vpc.gw1.vpc-{n}"),
            kind: ResourceKind::Vpc,
            change,
            gateway: Some("gw1".into()),
            attributes: Vec::new(),
            before: None,
            after: None,
            impact: Vec::new(),
            depends_on: Vec::new(),
            calls: Vec::new(),
        }
    }

    /// `live` managed objects read, the given changes, `unmanaged` more.
    fn plan(live: usize, unmanaged: usize, changes: &[ChangeKind]) -> Plan {
        let mut fingerprints = BTreeMap::new();
        for i in 0..live + unmanaged {
            fingerprints.insert(format!("vpc.gw1.vpc-{i}"), format!("sha256:{i}"));
        }
        fingerprints.insert("vpc.gw1.new".into(), ABSENT.into());
        Plan {
            format_version: FORMAT_VERSION.into(),
            region: "nm8".into(),
            account: None,
            actions: changes
                .iter()
                .enumerate()
                .map(|(i, c)| action(i, *c))
                .collect(),
            unmanaged: (live..live + unmanaged)
                .map(|i| Unmanaged {
                    address: format!("vpc.gw1.vpc-{i}"),
                    kind: ResourceKind::Vpc,
                })
                .collect(),
            fingerprints,
            mass_destroy: None,
            requested: Default::default(),
            notes: Vec::new(),
        }
    }

    use ChangeKind::{Create, Delete, Replace, Update};

    #[test]
    fn counts_managed_live_objects_only() {
        let p = plan(10, 5, &[]);
        assert_eq!(managed_live_count(&p), 10);
    }

    #[test]
    fn trips_only_above_both_thresholds() {
        // 4 of 10 (40%): both exceeded.
        let m = assess(&plan(10, 0, &[Delete, Delete, Replace, Delete])).unwrap();
        assert_eq!((m.destroyed, m.deleted, m.replaced), (4, 3, 1));
        assert_eq!((m.managed_live, m.share_percent), (10, 40));
        // 3 of 3: 100%, but not more than 3 objects.
        assert_eq!(assess(&plan(3, 0, &[Delete, Delete, Delete])), None);
        // 4 of 20 is exactly 20%: not more than 20%.
        assert_eq!(assess(&plan(20, 0, &[Delete; 4])), None);
        // 5 of 20 is 25%.
        assert!(assess(&plan(20, 0, &[Delete; 5])).is_some());
        // Creates and updates never count.
        assert_eq!(
            assess(&plan(4, 0, &[Create, Update, Create, Update, Create])),
            None
        );
    }

    #[test]
    fn unmanaged_objects_do_not_dilute_the_share() {
        // 4 of 10 managed trips even with 100 unmanaged objects beside them.
        assert!(assess(&plan(10, 100, &[Delete; 4])).is_some());
    }

    #[test]
    fn thresholds_are_parameters() {
        let p = plan(10, 0, &[Delete; 4]);
        let lax = Thresholds {
            share_percent: 50,
            min_objects: 3,
        };
        assert_eq!(assess_with(&p, lax), None);
    }

    #[test]
    fn message_names_counts_addresses_causes_and_the_way_on() {
        let m = assess(&plan(30, 0, &[Delete; 12])).unwrap();
        let text = m.message();
        assert!(text.contains("12 of the 30 managed live objects"), "{text}");
        assert!(text.contains("vpc.gw1.vpc-0, vpc.gw1.vpc-1"), "{text}");
        assert!(text.contains("… and 2 more"), "{text}");
        assert!(text.contains("wrong region or account"), "{text}");
        assert!(text.contains("--max-destroy 12"), "{text}");
        assert!(text.contains("--allow-mass-destroy"), "{text}");
    }

    #[test]
    fn explicit_flags_allow_and_typed_count_approves() {
        let m = assess(&plan(10, 0, &[Delete; 6])).unwrap();
        assert_eq!(decide(None, None, false), Decision::Proceed);
        assert_eq!(decide(Some(&m), None, false), Decision::Refuse);
        assert_eq!(decide(Some(&m), Some(5), false), Decision::Refuse);
        assert_eq!(
            decide(Some(&m), Some(6), false),
            Decision::ProceedTypingCount(6)
        );
        assert_eq!(
            decide(Some(&m), None, true),
            Decision::ProceedTypingCount(6)
        );
        let typed = Decision::ProceedTypingCount(6);
        assert!(approves("6\n", typed));
        assert!(!approves("yes", typed));
        assert!(!approves("5", typed));
        assert!(!approves("06x", typed));
        assert!(approves(" yes \n", Decision::Proceed));
        assert!(!approves("6", Decision::Proceed));
        assert!(!approves("yes", Decision::Refuse));
    }
}
