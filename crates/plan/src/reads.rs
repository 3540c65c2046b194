//! What a plan needs refresh to read: every gateway's child lists (VPC
//! attachments, health checks, static and BGP routes), or only those of the
//! gateways the file manages.
//!
//! A live gateway the file does not declare, while `prune` leaves gateways
//! alone, is unmanaged: the plan proposes nothing for it nor for anything
//! on it, so its child lists (three calls or more per gateway) are not
//! read. Its bindings still are: they come with the line rows.
//!
//! The one use of an unmanaged gateway's children is the identity check
//! ([`crate::identity_check`]): a declared gateway missing live may be one
//! listed under another name, recognised by the VPCs and routes it shares.
//! So while any declared gateway is missing live, every child list is read.

use crate::action::{address, Plan, ResourceKind};
use crate::model::{DesiredState, Kind};
use std::collections::BTreeSet;

/// Whose child lists refresh reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needs {
    /// Every gateway's (`--refresh-all`, export, doctor).
    All,
    /// What a plan of a file needs.
    File {
        declared: BTreeSet<String>,
        prune_gateways: bool,
    },
    /// What a saved plan read: all but these gateways'.
    Except(BTreeSet<String>),
}

impl Needs {
    /// What a plan of `desired` needs.
    pub fn of_file(desired: &DesiredState) -> Needs {
        Needs::File {
            declared: desired.gateways.iter().map(|g| g.name.clone()).collect(),
            prune_gateways: desired.prune.contains(&Kind::Gateways),
        }
    }

    /// What the refresh a saved plan was made from read: not the child
    /// lists of an unmanaged gateway of which it holds no child. (Had it
    /// read children that were there, it would hold them; and whatever an
    /// unmanaged gateway has, the plan changes nothing on it.)
    pub fn of_saved_plan(plan: &Plan) -> Needs {
        let unmanaged = plan
            .unmanaged
            .iter()
            .filter(|u| u.kind == ResourceKind::Gateway)
            .filter_map(|u| u.address.strip_prefix("gateway."));
        let skipped = unmanaged
            .filter(|name| {
                let children = [
                    address::vpc(name, ""),
                    address::health_check(name, ""),
                    format!("static_route.{name}."),
                    format!("bgp_route.{name}."),
                ];
                !children.iter().any(|prefix| {
                    plan.fingerprints
                        .range(prefix.clone()..)
                        .next()
                        .is_some_and(|(a, _)| a.starts_with(prefix.as_str()))
                })
            })
            .map(str::to_owned)
            .collect();
        Needs::Except(skipped)
    }

    /// Of the live gateways named `live`, those whose child lists are not
    /// read.
    pub fn skipped<'a>(&self, live: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        match self {
            Needs::All => BTreeSet::new(),
            Needs::File {
                prune_gateways: true,
                ..
            } => BTreeSet::new(),
            Needs::File { declared, .. } => {
                let live: BTreeSet<&str> = live.into_iter().collect();
                if declared.iter().any(|d| !live.contains(d.as_str())) {
                    // The identity check may need them (module docs).
                    return BTreeSet::new();
                }
                live.into_iter()
                    .filter(|name| !declared.contains(*name))
                    .map(str::to_owned)
                    .collect()
            }
            Needs::Except(skipped) => live
                .into_iter()
                .filter(|name| skipped.contains(*name))
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(declared: &[&str], prune_gateways: bool) -> Needs {
        Needs::File {
            declared: declared.iter().map(|s| (*s).to_owned()).collect(),
            prune_gateways,
        }
    }

    fn names(set: &BTreeSet<String>) -> Vec<&str> {
        set.iter().map(String::as_str).collect()
    }

    #[test]
    fn undeclared_gateways_are_not_read_unless_pruned() {
        let live = ["gw1", "gw2", "other"];
        assert_eq!(
            names(&file(&["gw1", "gw2"], false).skipped(live)),
            ["other"]
        );
        assert!(file(&["gw1", "gw2"], true).skipped(live).is_empty());
        assert!(Needs::All.skipped(live).is_empty());
    }

    #[test]
    fn a_declared_gateway_missing_live_reads_everything() {
        let live = ["gw1", "other"];
        assert!(file(&["gw1", "gw2"], false).skipped(live).is_empty());
    }

    #[test]
    fn a_saved_plan_skips_what_it_did_not_read() {
        let mut plan = Plan {
            format_version: crate::action::FORMAT_VERSION.into(),
            region: "nm8".into(),
            account: None,
            actions: Vec::new(),
            unmanaged: Vec::new(),
            notes: Vec::new(),
            fingerprints: Default::default(),
            mass_destroy: None,
            requested: Default::default(),
        };
        for (name, kind) in [
            ("quiet", ResourceKind::Gateway),
            ("busy", ResourceKind::Gateway),
        ] {
            plan.unmanaged.push(crate::action::Unmanaged {
                address: address::gateway(name),
                kind,
            });
            plan.fingerprints.insert(address::gateway(name), "x".into());
        }
        plan.fingerprints
            .insert(address::vpc("busy", "vpc-1"), "x".into());
        plan.fingerprints
            .insert(address::gateway("gw1"), "x".into());
        let needs = Needs::of_saved_plan(&plan);
        assert_eq!(names(&needs.skipped(["gw1", "quiet", "busy"])), ["quiet"]);
    }
}
