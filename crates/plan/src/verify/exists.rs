//! "Is it there already?", asked just before a create: an object with the
//! identity the create would give appeared since the plan was read (a
//! second apply of the same file from another directory, a colleague in
//! the console). Creating it anyway would make a second one where the API
//! allows duplicates (a line is a physical circuit order), so the executor
//! fails the action instead and names what it found.
//!
//! Identity is the diff's: a line and a gateway by name, a VPC attachment
//! by VPC id, a health check by its attachment, a static route by IP
//! version and destinations, a BGP route by IP version (one per gateway).

use super::{observed_name, operation_name, Observed, WrongObservation};
use crate::action::{address, Operation};
use ipnet::IpNet;
use std::collections::BTreeSet;

/// For a create: the live object that already has its identity, named by
/// address and live id; `None` when there is none, or `op` creates nothing.
/// `observed` is what [`super::reread`] asks for.
pub fn existing(op: &Operation, observed: &Observed) -> Result<Option<String>, WrongObservation> {
    let wrong = || WrongObservation {
        operation: operation_name(op),
        observed: observed_name(observed),
    };
    Ok(match (op, observed) {
        (Operation::CreateLine { line }, Observed::Lines { lines, .. }) => lines
            .iter()
            .find(|l| l.name == line.name)
            .map(|l| format!("{} (lineID {})", address::physical_line(&l.name), l.id)),
        (Operation::CreateGateway { name, .. }, Observed::Gateways { names }) => names
            .iter()
            .any(|n| n == name)
            .then(|| address::gateway(name)),
        (Operation::AddVpc { gateway, vpc }, Observed::Vpcs(vpcs)) => vpcs
            .iter()
            .any(|v| v.id == vpc.id)
            .then(|| address::vpc(gateway, &vpc.id)),
        (
            Operation::AddHealthCheck {
                gateway, vpc_id, ..
            },
            Observed::HealthCheck(check),
        ) => check
            .is_some()
            .then(|| address::health_check(gateway, vpc_id)),
        (Operation::AddStaticRoute { gateway, route }, Observed::StaticRoutes(routes)) => {
            let wanted: BTreeSet<IpNet> = route
                .dst_v4
                .iter()
                .chain(&route.dst_v6)
                .map(IpNet::trunc)
                .collect();
            routes
                .iter()
                .find(|r| {
                    r.ip_version == route.ip_version
                        && r.dst.iter().map(IpNet::trunc).collect::<BTreeSet<_>>() == wanted
                })
                .map(|r| {
                    format!(
                        "{} (SRID {})",
                        address::static_route(gateway, r.ip_version, &r.dst),
                        r.id
                    )
                })
        }
        (Operation::AddBgpRoute { gateway, route }, Observed::BgpRoutes(routes)) => routes
            .iter()
            .find(|r| r.ip_version == route.ip_version)
            .map(|r| {
                format!(
                    "{} (id {})",
                    address::bgp_route(gateway, r.ip_version),
                    r.id
                )
            }),
        (
            Operation::CreateLine { .. }
            | Operation::CreateGateway { .. }
            | Operation::AddVpc { .. }
            | Operation::AddHealthCheck { .. }
            | Operation::AddStaticRoute { .. }
            | Operation::AddBgpRoute { .. },
            _,
        ) => return Err(wrong()),
        _ => None,
    })
}

/// Whether `op` creates an object (and so is checked with [`existing`]
/// before it is sent).
pub fn creates(op: &Operation) -> bool {
    matches!(
        op,
        Operation::CreateLine { .. }
            | Operation::CreateGateway { .. }
            | Operation::AddVpc { .. }
            | Operation::AddHealthCheck { .. }
            | Operation::AddStaticRoute { .. }
            | Operation::AddBgpRoute { .. }
    )
}
