//! What an interrupted apply must still do so that no replace stays half
//! done.
//!
//! A replace of one object in one action (a VPC's detach and re-attach, a
//! gateway's delete and create, a line's) is finished by letting the action
//! run: a first signal never stops an action in flight. But some replaces
//! are two actions: under a replaced gateway each child is deleted before
//! the gateway and created again after it (VPCs, health checks, bindings,
//! routes, each under one address), a health check goes before its VPC is
//! replaced, and a line moved to another gateway is unbound from one and
//! bound to the other. Once the first half is done (or in flight), the
//! second half, and whatever it waits for, must run.

use super::State;
use plan::{Action, ChangeKind, Plan, ResourceKind};
use std::collections::HashSet;

/// Where an action stands when the signal arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Pending,
    Running,
    Done,
    /// Failed, skipped or not started.
    Ended,
}

impl Phase {
    pub(super) fn of(state: &State) -> Phase {
        match state {
            State::Pending => Phase::Pending,
            State::Running(_) => Phase::Running,
            State::Finished(super::ActionStatus::Done) => Phase::Done,
            State::Finished(_) => Phase::Ended,
        }
    }
}

/// The object an action takes down or brings back: its address, except for
/// a binding, which is the line's (moving a line to another gateway unbinds
/// it under one address and binds it under another).
fn object(action: &Action) -> &str {
    if action.kind == ResourceKind::Binding {
        let gateway = action.gateway.as_deref().unwrap_or_default();
        let line = action
            .address
            .strip_prefix("binding.")
            .and_then(|rest| rest.strip_prefix(gateway))
            .and_then(|rest| rest.strip_prefix('.'));
        if let Some(line) = line {
            return line;
        }
    }
    &action.address
}

fn brings_back(action: &Action) -> bool {
    matches!(action.change, ChangeKind::Create | ChangeKind::Replace)
}

/// After a first signal: for each action, whether it must still run. Those
/// are the pending actions that bring back an object a delete of this run
/// took down (done or in flight), the pending actions they depend on, and,
/// for each such dependency that is itself a delete, the action that brings
/// its object back (so finishing a gateway's replace finishes every child's
/// replace with it). `phases` is indexed like `plan.actions`.
pub fn must_finish(plan: &Plan, phases: &[Phase]) -> Vec<bool> {
    let actions = &plan.actions;
    let pending = |i: usize| phases.get(i) == Some(&Phase::Pending);
    let taken_down: HashSet<&str> = actions
        .iter()
        .zip(phases)
        .filter(|(a, p)| {
            a.change == ChangeKind::Delete && matches!(p, Phase::Done | Phase::Running)
        })
        .map(|(a, _)| object(a))
        .collect();
    let bringing_back = |object_taken: &str| -> Vec<usize> {
        (0..actions.len())
            .filter(|&j| {
                pending(j) && brings_back(&actions[j]) && object(&actions[j]) == object_taken
            })
            .collect()
    };
    let mut queue: Vec<usize> = taken_down.iter().flat_map(|o| bringing_back(o)).collect();
    let mut keep = vec![false; actions.len()];
    while let Some(i) = queue.pop() {
        if keep[i] {
            continue;
        }
        keep[i] = true;
        let action = &actions[i];
        for dep in &action.depends_on {
            if let Some(d) = actions.iter().position(|a| a.id == *dep) {
                if pending(d) {
                    queue.push(d);
                }
            }
        }
        if action.change == ChangeKind::Delete {
            queue.extend(bringing_back(object(action)));
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use plan::Operation;

    fn action(
        id: usize,
        address: &str,
        kind: ResourceKind,
        change: ChangeKind,
        depends_on: &[usize],
    ) -> Action {
        let gateway = address.split('.').nth(1).map(str::to_owned);
        Action {
            id,
            address: address.into(),
            kind,
            change,
            gateway,
            attributes: Vec::new(),
            before: None,
            after: None,
            impact: Vec::new(),
            depends_on: depends_on.to_vec(),
            calls: vec![Operation::DeleteGateway { name: "x".into() }],
        }
    }

    fn plan(actions: Vec<Action>) -> Plan {
        Plan {
            format_version: plan::action::FORMAT_VERSION.into(),
            region: "r".into(),
            account: None,
            actions,
            unmanaged: Vec::new(),
            notes: Vec::new(),
            fingerprints: Default::default(),
            mass_destroy: None,
            requested: Default::default(),
        }
    }

    fn kept(plan: &Plan, phases: &[Phase]) -> Vec<String> {
        must_finish(plan, phases)
            .iter()
            .zip(&plan.actions)
            .filter(|(k, _)| **k)
            .map(|(_, a)| a.address.clone())
            .collect()
    }

    use ChangeKind::{Create, Delete, Replace, Update};
    use Phase::{Done, Pending, Running};
    use ResourceKind::{Binding, Gateway, HealthCheck, PhysicalLine, StaticRoute, Vpc};

    /// A gateway replaced with two VPCs and a route under it: each child is
    /// deleted before the gateway and created after it.
    fn gateway_replace() -> Plan {
        plan(vec![
            action(0, "health_check.gw.v1", HealthCheck, Delete, &[]),
            action(1, "vpc.gw.v1", Vpc, Delete, &[0]),
            action(2, "vpc.gw.v2", Vpc, Delete, &[]),
            action(
                3,
                "static_route.gw.IPV4[10.0.0.0/8]",
                StaticRoute,
                Delete,
                &[],
            ),
            action(4, "gateway.gw", Gateway, Replace, &[1, 2, 3]),
            action(5, "vpc.gw.v1", Vpc, Create, &[4]),
            action(6, "health_check.gw.v1", HealthCheck, Create, &[5]),
            action(7, "vpc.gw.v2", Vpc, Create, &[4]),
            action(
                8,
                "static_route.gw.IPV4[10.0.0.0/8]",
                StaticRoute,
                Create,
                &[4],
            ),
            action(9, "physical_line.other", PhysicalLine, Update, &[]),
        ])
    }

    #[test]
    fn nothing_begun_nothing_to_finish() {
        let plan = gateway_replace();
        assert!(kept(&plan, &[Pending; 10]).is_empty());
        // An unrelated update in flight finishes by itself.
        let mut phases = [Pending; 10];
        phases[9] = Running;
        assert!(kept(&plan, &phases).is_empty());
    }

    #[test]
    fn one_childs_delete_done_finishes_the_whole_gateway_replace() {
        let plan = gateway_replace();
        let mut phases = [Pending; 10];
        phases[2] = Done; // vpc.gw.v2 detached
        let kept = kept(&plan, &phases);
        // The gateway's replace waits for every child's delete, and each
        // of those children comes back; the unrelated update does not run.
        assert_eq!(
            kept,
            [
                "health_check.gw.v1",
                "vpc.gw.v1",
                "static_route.gw.IPV4[10.0.0.0/8]",
                "gateway.gw",
                "vpc.gw.v1",
                "health_check.gw.v1",
                "vpc.gw.v2",
                "static_route.gw.IPV4[10.0.0.0/8]",
            ]
        );
    }

    #[test]
    fn a_delete_in_flight_counts_as_begun() {
        let plan = plan(vec![
            action(0, "health_check.gw.v1", HealthCheck, Delete, &[]),
            action(1, "vpc.gw.v1", Vpc, Replace, &[0]),
            action(2, "health_check.gw.v1", HealthCheck, Create, &[1]),
            action(3, "vpc.gw.v9", Vpc, Create, &[]),
        ]);
        assert_eq!(
            kept(&plan, &[Running, Pending, Pending, Pending]),
            ["vpc.gw.v1", "health_check.gw.v1"]
        );
    }

    #[test]
    fn a_line_moved_between_gateways_is_bound_again() {
        let plan = plan(vec![
            action(0, "binding.gwa.line-1", Binding, Delete, &[]),
            action(1, "binding.gwb.line-1", Binding, Create, &[0]),
            action(2, "binding.gwb.line-2", Binding, Create, &[]),
        ]);
        assert_eq!(
            kept(&plan, &[Done, Pending, Pending]),
            ["binding.gwb.line-1"]
        );
        // A plain unbind (the line goes away) brings nothing back.
        let plan = plan_of_unbind();
        assert!(kept(&plan, &[Done, Pending]).is_empty());
    }

    fn plan_of_unbind() -> Plan {
        plan(vec![
            action(0, "binding.gwa.line-1", Binding, Delete, &[]),
            action(1, "physical_line.line-1", PhysicalLine, Delete, &[0]),
        ])
    }
}
