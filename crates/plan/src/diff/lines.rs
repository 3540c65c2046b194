//! Pass 2 for physical lines and their bindings to gateways.

use super::compare::json;
use super::identity::{Fate, LineEntry};
use super::impact::Effect;
use super::{new_action, PlanError, Planner};
use crate::action::{address, Action, ChangeKind, Impact, LineRef, Operation, ResourceKind};

/// The action for one line, if it changes.
fn line_action(e: &LineEntry) -> Option<Action> {
    let addr = address::physical_line(&e.key);
    let live_ref = |l: &crate::inventory::LiveLine| LineRef {
        name: l.name.clone(),
        id: Some(l.id.clone()),
    };
    match (e.fate, e.desired, e.live) {
        (Fate::Create, Some(d), _) => Some(new_action(
            addr,
            ResourceKind::PhysicalLine,
            ChangeKind::Create,
            None,
            Vec::new(),
            None,
            json(d),
            vec![Operation::CreateLine { line: d.clone() }],
        )),
        (Fate::Replace, Some(d), Some(l)) => Some(new_action(
            addr,
            ResourceKind::PhysicalLine,
            ChangeKind::Replace,
            None,
            e.changes.clone(),
            json(l),
            json(d),
            vec![
                Operation::DeleteLine { line: live_ref(l) },
                Operation::CreateLine { line: d.clone() },
            ],
        )),
        (Fate::Keep, Some(d), Some(l)) if !e.changes.is_empty() => {
            let name = (d.name != l.name).then(|| d.name.clone());
            let bandwidth = (d.bandwidth != l.bandwidth).then_some(d.bandwidth);
            let description = if e.description_change {
                d.description.clone()
            } else {
                None
            };
            Some(new_action(
                addr,
                ResourceKind::PhysicalLine,
                ChangeKind::Update,
                None,
                e.changes.clone(),
                json(l),
                json(d),
                vec![Operation::UpdateLine {
                    line: live_ref(l),
                    name,
                    bandwidth,
                    description,
                }],
            ))
        }
        (Fate::Delete, _, Some(l)) => Some(new_action(
            addr,
            ResourceKind::PhysicalLine,
            ChangeKind::Delete,
            None,
            Vec::new(),
            json(l),
            None,
            vec![Operation::DeleteLine { line: live_ref(l) }],
        )),
        _ => None,
    }
}

impl Planner<'_> {
    pub(super) fn line_actions(&mut self) {
        for i in 0..self.id.lines.len() {
            let e = &self.id.lines[i];
            if e.fate == Fate::Unmanaged {
                let addr = address::physical_line(&e.key);
                self.note_unmanaged(addr, ResourceKind::PhysicalLine);
                continue;
            }
            if let Some(a) = line_action(e) {
                let key = e.key.clone();
                let n = self.push(a, Effect::None);
                self.built.line.insert(key, n);
            }
        }
    }

    pub(super) fn binding_actions(&mut self) -> Result<(), PlanError> {
        // Unbinds first (build order is the display tie-break).
        self.unbind_actions()?;
        self.bind_actions();
        Ok(())
    }

    fn unbind_actions(&mut self) -> Result<(), PlanError> {
        for i in 0..self.id.lines.len() {
            if !self.id.unbinds(&self.id.lines[i]) {
                continue;
            }
            let e = &self.id.lines[i];
            let (Some(x), Some(l)) = (e.live_gw.clone(), e.live) else {
                continue;
            };
            let key = e.key.clone();
            let carried = self
                .id
                .gws
                .get(&x)
                .is_some_and(|g| self.id.live_routes_use_line(g, &key));
            // Leaving an unmanaged gateway is fine unless its routes use the line.
            if carried && self.id.gw_fate(&x) == Fate::Unmanaged {
                return Err(PlanError::BlockedByUnmanaged {
                    address: address::binding(&x, &key),
                    blocker: format!("routes of gateway `{x}` using it"),
                });
            }
            let mut action = new_action(
                address::binding(&x, &key),
                ResourceKind::Binding,
                ChangeKind::Delete,
                Some(x.clone()),
                Vec::new(),
                Some(serde_json::json!({"gateway": x, "line": key})),
                None,
                vec![Operation::UnbindLine {
                    gateway: x.clone(),
                    line: LineRef {
                        name: l.name.clone(),
                        id: Some(l.id.clone()),
                    },
                }],
            );
            if carried {
                action.impact.push(Impact::LineDown {
                    lines: vec![key.clone()],
                });
            }
            let n = self.push(action, self.binding_effect(&x, &key, false));
            self.built.at(&x).unbinds.push((key.clone(), n));
            self.built.unbind.insert((x, key), n);
        }
        Ok(())
    }

    /// A line that stays bound where it is: unmanaged when the file does
    /// not declare the binding.
    fn binding_stays(&mut self, i: usize, y: &str) {
        let e = &self.id.lines[i];
        let gw = self.id.gws.get(y);
        let undeclared = if e.desired.is_none() || gw.is_none_or(|g| g.desired.is_none()) {
            self.id.gw_fate(y) != Fate::Unmanaged
        } else {
            !gw.and_then(|g| g.desired)
                .is_some_and(|g| g.lines.contains(&e.key))
        };
        if undeclared {
            let addr = address::binding(y, &e.key);
            self.note_unmanaged(addr, ResourceKind::Binding);
        }
    }

    fn bind_actions(&mut self) {
        for i in 0..self.id.lines.len() {
            let e = &self.id.lines[i];
            let Some(y) = e.target_gw.clone() else {
                continue;
            };
            if e.live_gw.as_ref() == Some(&y) && !self.id.unbinds(e) {
                self.binding_stays(i, &y);
                continue;
            }
            let key = e.key.clone();
            let line_ref = e.line_ref();
            let live_gw = e.live_gw.clone();
            let action = new_action(
                address::binding(&y, &key),
                ResourceKind::Binding,
                ChangeKind::Create,
                Some(y.clone()),
                Vec::new(),
                None,
                Some(serde_json::json!({"gateway": y, "line": key})),
                vec![Operation::BindLine {
                    gateway: y.clone(),
                    line: line_ref,
                }],
            );
            let n = self.push(action, self.binding_effect(&y, &key, true));
            let gw_dep = self.built.gateway(&y);
            self.edge_opt(n, gw_dep);
            let line_dep = self.built.line.get(&key).copied();
            self.edge_opt(n, line_dep);
            if let Some(x) = live_gw {
                let unbind = self.built.unbind.get(&(x, key.clone())).copied();
                self.edge_opt(n, unbind);
            }
            self.built.at(&y).binds.push((key, n));
        }
    }
}
