//! `--replace` and `--target` against the planned graph: every address
//! must name an object of the estate (else the closest ones are
//! suggested), and a targeted plan keeps the targets' actions and what
//! they need — the actions they wait for, and the other half of every
//! replace it starts (an unbind's rebind, a deleted route's re-create), so
//! a partial plan never leaves a replace half done.

use super::{PlanError, Planner};
use std::collections::{BTreeSet, HashMap};

/// How many close addresses an error suggests.
const SUGGESTIONS: usize = 3;

impl Planner<'_> {
    /// Checks the requested addresses and, for `--target`, keeps the part
    /// of `order` they need (still in display order).
    pub(super) fn requested_scope(&self, order: Vec<usize>) -> Result<Vec<usize>, PlanError> {
        let requested = &self.id.requested;
        if requested.is_empty() {
            return Ok(order);
        }
        let known = self.known_addresses();
        for address in &requested.replace {
            self.check_replace(address, &known)?;
        }
        if !requested.is_partial() {
            return Ok(order);
        }
        for address in &requested.targets {
            if !known.contains(address.as_str()) {
                return Err(unknown("--target", address, &known));
            }
        }
        let keep = self.needed_by(&requested.targets);
        Ok(order.into_iter().filter(|n| keep[*n]).collect())
    }

    /// Every address of the estate, live or declared.
    fn known_addresses(&self) -> BTreeSet<String> {
        let mut known: BTreeSet<String> = self.id.live.fingerprints().into_keys().collect();
        known.extend(self.nodes.iter().map(|a| a.address.clone()));
        known.extend(self.unmanaged.iter().map(|u| u.address.clone()));
        known
    }

    fn check_replace(&self, address: &str, known: &BTreeSet<String>) -> Result<(), PlanError> {
        if self.nodes.iter().any(|a| a.address == address) {
            return Ok(());
        }
        if self.unmanaged.iter().any(|u| u.address == address) {
            return Err(PlanError::NotReplaceable {
                address: address.to_string(),
                reason: "it is not declared in the file, so cda leaves it alone".into(),
            });
        }
        if known.contains(address) {
            let reason = if address.starts_with("binding.") {
                "a binding has no replace of its own; replace its physical line instead"
            } else {
                "nothing in this plan can replace it"
            };
            return Err(PlanError::NotReplaceable {
                address: address.to_string(),
                reason: reason.into(),
            });
        }
        Err(unknown("--replace", address, known))
    }

    /// Marks the actions the targets need: their own, the ones they wait
    /// for, and every action of an address already kept (the halves of a
    /// replace), until nothing is added.
    fn needed_by(&self, targets: &[String]) -> Vec<bool> {
        let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
        for (n, a) in self.nodes.iter().enumerate() {
            by_address.entry(a.address.as_str()).or_default().push(n);
        }
        let mut keep = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = targets
            .iter()
            .filter_map(|t| by_address.get(t.as_str()))
            .flatten()
            .copied()
            .collect();
        while let Some(n) = stack.pop() {
            if std::mem::replace(&mut keep[n], true) {
                continue;
            }
            stack.extend(self.graph.deps[n].iter().copied().filter(|d| !keep[*d]));
            let same = by_address
                .get(self.nodes[n].address.as_str())
                .into_iter()
                .flatten();
            stack.extend(same.copied().filter(|s| !keep[*s]));
        }
        keep
    }
}

/// An address that names nothing, with the closest known ones.
fn unknown(flag: &'static str, address: &str, known: &BTreeSet<String>) -> PlanError {
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|k| (strsim::jaro_winkler(address, k), k))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    PlanError::UnknownAddress {
        flag,
        address: address.to_string(),
        suggestions: scored
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, k)| k.clone())
            .collect(),
    }
}
