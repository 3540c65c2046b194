//! Pass 2 for VPC attachments and their health checks, one gateway at a
//! time. A health check belongs to its attachment: it is deleted before a
//! VPC that goes and added after a VPC that comes.

use super::compare::{
    compare_health_check, compare_vpc, json, left_as_is, left_as_is_note, sorted,
};
use super::identity::{Fate, REPLACE_REQUESTED};
use super::impact::Effect;
use super::{new_action, PlanError, Planner};
use crate::action::{address, AttributeChange, ChangeKind, Impact, Operation, ResourceKind};
use crate::inventory::{LiveHealthCheck, LiveVpc};
use crate::model::{HealthCheck, Kind, VpcAttachment};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

/// The gateway the VPCs of one pass hang off.
struct VpcScope<'s> {
    gw: &'s str,
    fate: Fate,
    /// The gateway is replaced or deleted: so is everything under it.
    gw_gone: bool,
    /// The attribute that forces the gateway's replace.
    forced_by: Option<String>,
    gw_dep: Option<usize>,
}

/// One attachment, desired and live.
struct VpcPair<'v> {
    id: &'v str,
    vaddr: String,
    haddr: String,
    live: Option<&'v LiveVpc>,
    desired: Option<&'v VpcAttachment>,
}

/// What happens to an attachment, with its attribute changes and the
/// first one that forces a replace.
struct VpcFate {
    fate: Fate,
    changes: Vec<AttributeChange>,
    forced: Option<String>,
}

/// What happens to an attachment's health check around its VPC's action.
#[derive(Default)]
struct CheckPlan {
    /// The delete, built before the VPC's action.
    delete: Option<usize>,
    /// The create, replace or update built after the VPC's action.
    after_vpc: Option<(ChangeKind, Vec<AttributeChange>)>,
}

/// The VPC as shown and sent: health check apart, subnets canonical.
fn strip_check(v: &VpcAttachment) -> VpcAttachment {
    let mut v = v.clone();
    v.health_check = None;
    v.subnets = sorted(&v.subnets);
    v.subnets_v6 = sorted(&v.subnets_v6);
    v
}

fn strip_live_check(v: &LiveVpc) -> LiveVpc {
    let mut v = v.clone();
    v.health_check = None;
    v
}

/// The subnet sent with a new health check: the one holding `src_ip`.
fn check_subnet(v: &VpcAttachment, check: &HealthCheck) -> Option<IpNet> {
    let all = || v.subnets.iter().chain(&v.subnets_v6);
    all()
        .find(|s| s.contains(&check.src_ip))
        .or_else(|| all().next())
        .copied()
}

impl Planner<'_> {
    pub(super) fn vpc_actions(&mut self, gw_name: &str) -> Result<(), PlanError> {
        let Some(g) = self.id.gws.get(gw_name) else {
            return Ok(());
        };
        let (fate, desired, live) = (g.fate, g.desired, g.live);
        if fate == Fate::Unmanaged {
            return Ok(());
        }
        let scope = VpcScope {
            gw: gw_name,
            fate,
            gw_gone: matches!(fate, Fate::Replace | Fate::Delete),
            forced_by: g.forced.clone(),
            gw_dep: self.built.gateway(gw_name),
        };
        let live_vpcs: BTreeMap<&str, &LiveVpc> = live
            .map(|l| l.vpcs.iter().map(|v| (v.id.as_str(), v)).collect())
            .unwrap_or_default();
        let mut desired_vpcs: BTreeMap<&str, &VpcAttachment> = BTreeMap::new();
        if let Some(d) = desired {
            for v in &d.vpcs {
                if desired_vpcs.insert(v.id.as_str(), v).is_some() {
                    return Err(PlanError::Duplicate {
                        kind: "VPC attachment",
                        name: format!("{gw_name}.{}", v.id),
                    });
                }
            }
        }
        let ids: BTreeSet<&str> = live_vpcs
            .keys()
            .chain(desired_vpcs.keys())
            .copied()
            .collect();
        for id in ids {
            let pair = VpcPair {
                id,
                vaddr: address::vpc(gw_name, id),
                haddr: address::health_check(gw_name, id),
                live: live_vpcs.get(id).copied(),
                desired: desired_vpcs.get(id).copied(),
            };
            self.vpc_step(&scope, pair)?;
        }
        Ok(())
    }

    /// The fate of one attachment: `None` when there is nothing on either
    /// side. Notes the changes it leaves as is.
    fn vpc_fate(&mut self, s: &VpcScope, v: &VpcPair) -> Result<Option<VpcFate>, PlanError> {
        let (fate, changes, forced) = match (v.live, v.desired) {
            (Some(l), Some(d)) => {
                let (mut changes, forced) = compare_vpc(d, l);
                let forced = forced.or_else(|| {
                    self.id
                        .requested
                        .replaces(&v.vaddr)
                        .then(|| REPLACE_REQUESTED.to_string())
                });
                let left = left_as_is(ResourceKind::Vpc, &mut changes);
                if s.gw_gone || forced.is_some() {
                    changes.extend(left);
                } else if !left.is_empty() {
                    self.notes.push(left_as_is_note(&v.vaddr, &left));
                }
                if s.gw_gone {
                    (
                        Fate::Replace,
                        changes,
                        s.forced_by.clone().map(|a| format!("gateway.{a}")),
                    )
                } else if forced.is_some() {
                    (Fate::Replace, changes, forced)
                } else {
                    (Fate::Keep, changes, None)
                }
            }
            (Some(_), None) => {
                if s.fate == Fate::Delete || self.id.prune.contains(&Kind::Vpcs) {
                    (Fate::Delete, Vec::new(), None)
                } else if s.gw_gone {
                    return Err(PlanError::BlockedByUnmanaged {
                        address: address::gateway(s.gw),
                        blocker: v.vaddr.clone(),
                    });
                } else {
                    (Fate::Unmanaged, Vec::new(), None)
                }
            }
            (None, Some(_)) => (Fate::Create, Vec::new(), None),
            (None, None) => return Ok(None),
        };
        Ok(Some(VpcFate {
            fate,
            changes,
            forced,
        }))
    }

    fn vpc_step(&mut self, s: &VpcScope, v: VpcPair) -> Result<(), PlanError> {
        let Some(VpcFate {
            fate: vfate,
            changes,
            forced,
        }) = self.vpc_fate(s, &v)?
        else {
            return Ok(());
        };
        if vfate == Fate::Replace && v.desired.is_some_and(|d| d.protect) {
            return Err(PlanError::protected(
                v.vaddr,
                forced.unwrap_or_default(),
                &changes,
            ));
        }
        let check = self.check_plan(s, &v, vfate, &forced)?;
        // Under a replaced gateway the old attachment must go before the
        // gateway and the new one come after it: two actions.
        let vfate = if vfate == Fate::Replace && s.gw_gone {
            if let Some(l) = v.live {
                let n = self.push_vpc_delete(s.gw, v.id, l);
                self.edge_opt(n, check.delete);
            }
            Fate::Create
        } else {
            vfate
        };
        let lh = v.live.and_then(|l| l.health_check.as_ref());
        let vpc_node = match vfate {
            Fate::Create | Fate::Replace => {
                let Some(d) = v.desired else { return Ok(()) };
                let n = self.vpc_create(s, &v, vfate == Fate::Replace, d, changes);
                self.edge_opt(n, check.delete);
                Some(n)
            }
            Fate::Keep if !changes.is_empty() => {
                let (Some(l), Some(d)) = (v.live, v.desired) else {
                    return Ok(());
                };
                Some(self.vpc_update(s, &v, l, d, changes))
            }
            Fate::Delete => {
                let Some(l) = v.live else { return Ok(()) };
                let n = self.push_vpc_delete(s.gw, v.id, l);
                self.edge_opt(n, check.delete);
                None
            }
            Fate::Unmanaged => {
                self.note_unmanaged(v.vaddr.clone(), ResourceKind::Vpc);
                if lh.is_some() {
                    self.note_unmanaged(v.haddr.clone(), ResourceKind::HealthCheck);
                }
                None
            }
            Fate::Keep => None,
        };
        if let Some((change, hchanges)) = check.after_vpc {
            let dh = v.desired.and_then(|d| d.health_check.as_ref());
            let (Some(d), Some(dh)) = (v.desired, dh) else {
                return Ok(());
            };
            let n = self.check_action(s, &v, change, hchanges, d, dh)?;
            self.edge_opt(n, vpc_node);
            self.edge_opt(n, s.gw_dep);
        }
        Ok(())
    }

    /// Decides the health check's fate; builds its delete now when the
    /// check (or its VPC) goes.
    fn check_plan(
        &mut self,
        s: &VpcScope,
        v: &VpcPair,
        vfate: Fate,
        forced: &Option<String>,
    ) -> Result<CheckPlan, PlanError> {
        let lh = v.live.and_then(|l| l.health_check.as_ref());
        let dh = v.desired.and_then(|d| d.health_check.as_ref());
        let vpc_goes = matches!(vfate, Fate::Replace | Fate::Delete);
        let requested = self.id.requested.replaces(&v.haddr);
        let mut plan = CheckPlan::default();
        match (lh, dh) {
            (Some(l), Some(_)) if l.unreadable && !vpc_goes && !requested => {
                // Unreadable values are not evidence of a difference: no
                // endless update, no re-create; say so instead.
                self.notes.push(format!(
                    "{}: the health check's settings are not readable through the API and are not compared",
                    v.haddr
                ));
            }
            (Some(l), Some(d)) => {
                let (changes, identity_changed) = compare_health_check(l, d);
                let identity_changed = identity_changed || requested;
                if vpc_goes || identity_changed {
                    if v.desired.is_some_and(|d| d.protect) {
                        let attribute = if requested {
                            REPLACE_REQUESTED.into()
                        } else if identity_changed {
                            "src_ip/dst_ip".into()
                        } else {
                            forced.clone().unwrap_or_default()
                        };
                        return Err(PlanError::protected(v.haddr.clone(), attribute, &[]));
                    }
                    if vpc_goes {
                        plan.delete = Some(self.push_hc_delete(s.gw, v.id, l));
                        plan.after_vpc = Some((ChangeKind::Create, Vec::new()));
                    } else {
                        plan.after_vpc = Some((ChangeKind::Replace, changes));
                    }
                } else if !changes.is_empty() {
                    plan.after_vpc = Some((ChangeKind::Update, changes));
                }
            }
            (Some(l), None) => {
                if vpc_goes || self.id.prune.contains(&Kind::HealthChecks) {
                    plan.delete = Some(self.push_hc_delete(s.gw, v.id, l));
                } else if vfate != Fate::Unmanaged {
                    self.note_unmanaged(v.haddr.clone(), ResourceKind::HealthCheck);
                }
            }
            (None, Some(_)) => plan.after_vpc = Some((ChangeKind::Create, Vec::new())),
            (None, None) => {}
        }
        Ok(plan)
    }

    /// Adds the attachment, deleting the old one first when `replace`.
    fn vpc_create(
        &mut self,
        s: &VpcScope,
        v: &VpcPair,
        replace: bool,
        d: &VpcAttachment,
        changes: Vec<AttributeChange>,
    ) -> usize {
        let mut calls = Vec::new();
        let mut impact = Vec::new();
        if replace {
            calls.push(Operation::DeleteVpc {
                gateway: s.gw.to_string(),
                vpc_id: v.id.to_string(),
            });
            if let Some(l) = v.live {
                let gone: Vec<IpNet> = l.subnets.iter().chain(&l.subnets_v6).copied().collect();
                if !gone.is_empty() {
                    impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
                }
            }
        }
        calls.push(Operation::AddVpc {
            gateway: s.gw.to_string(),
            vpc: strip_check(d),
        });
        let change = if replace {
            ChangeKind::Replace
        } else {
            ChangeKind::Create
        };
        let mut a = new_action(
            v.vaddr.clone(),
            ResourceKind::Vpc,
            change,
            Some(s.gw.to_string()),
            changes,
            v.live.and_then(|l| json(&strip_live_check(l))),
            json(&strip_check(d)),
            calls,
        );
        a.impact = impact;
        let n = self.push(a, Effect::None);
        self.edge_opt(n, s.gw_dep);
        let binds: Vec<usize> = self
            .built
            .of(s.gw)
            .into_iter()
            .flat_map(|b| &b.binds)
            .map(|(_, n)| *n)
            .collect();
        for b in binds {
            self.graph.edge(n, b);
        }
        n
    }

    /// Subnets change in place.
    fn vpc_update(
        &mut self,
        s: &VpcScope,
        v: &VpcPair,
        l: &LiveVpc,
        d: &VpcAttachment,
        changes: Vec<AttributeChange>,
    ) -> usize {
        let gone: Vec<IpNet> = l
            .subnets
            .iter()
            .chain(&l.subnets_v6)
            .filter(|s| !d.subnets.contains(s) && !d.subnets_v6.contains(s))
            .copied()
            .collect();
        let mut a = new_action(
            v.vaddr.clone(),
            ResourceKind::Vpc,
            ChangeKind::Update,
            Some(s.gw.to_string()),
            changes,
            json(&strip_live_check(l)),
            json(&strip_check(d)),
            vec![Operation::UpdateVpc {
                gateway: s.gw.to_string(),
                vpc: strip_check(d),
            }],
        );
        if !gone.is_empty() {
            a.impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
        }
        self.push(a, Effect::None)
    }

    /// The health check's create, replace or update, after its VPC.
    fn check_action(
        &mut self,
        s: &VpcScope,
        v: &VpcPair,
        change: ChangeKind,
        changes: Vec<AttributeChange>,
        d: &VpcAttachment,
        check: &HealthCheck,
    ) -> Result<usize, PlanError> {
        let subnet = check_subnet(d, check).ok_or_else(|| PlanError::NoSubnet {
            address: v.haddr.clone(),
        })?;
        let (gateway, vpc_id) = (s.gw.to_string(), v.id.to_string());
        let add = Operation::AddHealthCheck {
            gateway: gateway.clone(),
            vpc_id: vpc_id.clone(),
            vpc_name: d.name.clone(),
            subnet,
            check: check.clone(),
        };
        let calls = match change {
            ChangeKind::Create => vec![add],
            ChangeKind::Replace => vec![
                Operation::DeleteHealthCheck {
                    gateway: gateway.clone(),
                    vpc_id,
                },
                add,
            ],
            _ => vec![Operation::UpdateHealthCheck {
                gateway: gateway.clone(),
                vpc_id,
                check: check.clone(),
            }],
        };
        let before = if change == ChangeKind::Create {
            None
        } else {
            v.live.and_then(|l| l.health_check.as_ref()).and_then(json)
        };
        let a = new_action(
            v.haddr.clone(),
            ResourceKind::HealthCheck,
            change,
            Some(gateway),
            changes,
            before,
            json(check),
            calls,
        );
        Ok(self.push(a, Effect::None))
    }

    fn push_vpc_delete(&mut self, gw: &str, vpc_id: &str, l: &LiveVpc) -> usize {
        let gone: Vec<IpNet> = l.subnets.iter().chain(&l.subnets_v6).copied().collect();
        let mut a = new_action(
            address::vpc(gw, vpc_id),
            ResourceKind::Vpc,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            json(&strip_live_check(l)),
            None,
            vec![Operation::DeleteVpc {
                gateway: gw.to_string(),
                vpc_id: vpc_id.to_string(),
            }],
        );
        if !gone.is_empty() {
            a.impact.push(Impact::PrefixesWithdrawn { prefixes: gone });
        }
        let n = self.push(a, Effect::None);
        self.built.child_delete(gw, n);
        n
    }

    fn push_hc_delete(&mut self, gw: &str, vpc_id: &str, live: &LiveHealthCheck) -> usize {
        let a = new_action(
            address::health_check(gw, vpc_id),
            ResourceKind::HealthCheck,
            ChangeKind::Delete,
            Some(gw.to_string()),
            Vec::new(),
            json(live),
            None,
            vec![Operation::DeleteHealthCheck {
                gateway: gw.to_string(),
                vpc_id: vpc_id.to_string(),
            }],
        );
        let n = self.push(a, Effect::None);
        self.built.child_delete(gw, n);
        n
    }
}
