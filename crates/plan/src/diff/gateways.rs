//! Pass 2 for gateways: creates and replaces (built before their children)
//! and deletes (built after them, so they can wait for every child).

use super::compare::{json, left_as_is_note};
use super::identity::Fate;
use super::impact::Effect;
use super::{new_action, PlanError, Planner};
use crate::action::{address, ChangeKind, Operation, ResourceKind};
use crate::inventory::LiveGateway;
use crate::model::Gateway;
use serde::Serialize;

/// A gateway as shown before and after: its own attributes, no children.
#[derive(Serialize)]
struct GatewaySummary<'a> {
    name: &'a str,
    hostname: &'a Option<String>,
    access_point: &'a Option<String>,
    description: &'a Option<String>,
}

fn gateway_summary(g: &Gateway) -> GatewaySummary<'_> {
    GatewaySummary {
        name: &g.name,
        hostname: &g.hostname,
        access_point: &g.access_point,
        description: &g.description,
    }
}

fn live_gateway_summary(g: &LiveGateway) -> GatewaySummary<'_> {
    GatewaySummary {
        name: &g.name,
        hostname: &g.hostname,
        access_point: &g.access_point,
        description: &g.description,
    }
}

impl Planner<'_> {
    pub(super) fn gateway_actions(&mut self) -> Result<(), PlanError> {
        let names: Vec<&str> = self.id.gws.names().collect();
        for name in names {
            let name = name.to_owned();
            let Some(g) = self.id.gws.get(&name) else {
                continue;
            };
            let addr = address::gateway(&name);
            match (g.fate, g.desired) {
                (Fate::Create | Fate::Replace, Some(d)) => {
                    let hostname = self
                        .id
                        .hostname(d, g.live)
                        .or_else(|| g.live.and_then(|l| l.hostname.clone()))
                        .ok_or_else(|| PlanError::NoHostname {
                            address: addr.clone(),
                        })?;
                    let create = Operation::CreateGateway {
                        name: name.clone(),
                        hostname,
                        access_point: d.access_point.clone(),
                        description: d.description.clone(),
                    };
                    let after = json(&gateway_summary(d));
                    let action = if g.fate == Fate::Create {
                        new_action(
                            addr,
                            ResourceKind::Gateway,
                            ChangeKind::Create,
                            Some(name.clone()),
                            Vec::new(),
                            None,
                            after,
                            vec![create],
                        )
                    } else {
                        new_action(
                            addr,
                            ResourceKind::Gateway,
                            ChangeKind::Replace,
                            Some(name.clone()),
                            g.changes.clone(),
                            g.live.and_then(|l| json(&live_gateway_summary(l))),
                            after,
                            vec![Operation::DeleteGateway { name: name.clone() }, create],
                        )
                    };
                    let n = self.push(action, Effect::None);
                    self.built.at(&name).create = Some(n);
                }
                (Fate::Keep, _) if !g.left_as_is.is_empty() => {
                    let note = left_as_is_note(&addr, &g.left_as_is);
                    self.notes.push(note);
                }
                (Fate::Unmanaged, _) => {
                    self.note_unmanaged(addr, ResourceKind::Gateway);
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub(super) fn gateway_deletes(&mut self) {
        let gone: Vec<(&str, Option<&LiveGateway>)> = self
            .id
            .gws
            .iter()
            .filter(|(_, g)| g.fate == Fate::Delete)
            .map(|(n, g)| (n, g.live))
            .collect();
        for (name, live) in gone {
            let name = name.to_owned();
            let a = new_action(
                address::gateway(&name),
                ResourceKind::Gateway,
                ChangeKind::Delete,
                Some(name.clone()),
                Vec::new(),
                live.and_then(|l| json(&live_gateway_summary(l))),
                None,
                vec![Operation::DeleteGateway { name: name.clone() }],
            );
            let n = self.push(a, Effect::None);
            self.built.at(&name).delete = Some(n);
        }
    }
}
