//! `cda export`: the live estate written as a desired-state file that plans
//! to zero changes against the same estate.
//!
//! References are by name, as a person would write them: bindings, next hops
//! and BGP peers name lines, never `lineID`s. Lines keep their `id:` pin, so
//! the file adopts exactly the exported lines. BGP keys cannot be read back
//! (only their hash is kept), so each becomes an environment-variable
//! placeholder ([`bgp_key_env`]) the user must fill in before planning.
//! `prune` is left empty: an exported file starts by managing without
//! deleting anything.

use crate::inventory::{Inventory, LiveBgpRoute, LiveGateway, LiveLine, LiveStaticRoute, LiveVpc};
use crate::model::{
    BgpPeer, BgpRoute, DesiredState, Gateway, HealthCheck, LineType, NextHop, PhysicalLine,
    PortType, SecretRef, StaticRoute, SwitchPort, VpcAttachment,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Where the exported file's header points editors for the schema: the
/// schema committed in the repository, relative to a file at its root.
pub const SCHEMA_PATH: &str = "./docs/cda.schema.json";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the desired state as YAML: {0}")]
    Yaml(String),
    /// A live identity the desired-state rules reject: writing it would
    /// give a file that does not validate, and usually means the server
    /// reported an ID (or another field) where the name should be.
    #[error("cannot export {object}: {rule}; the file would not validate. The server may report names differently (`cda doctor` checks how it answers)")]
    InvalidName { object: String, rule: String },
}

/// Every name in `state` that the desired-state rules reject, as the
/// [`ExportError::InvalidName`] of the first one.
pub fn check_names(state: &DesiredState) -> Result<(), ExportError> {
    use crate::identity_check::{gateway_name_problem, line_name_problem};
    let lines = state.physical_lines.iter().map(|l| {
        (
            format!("physical line `{}`", l.name.escape_debug()),
            line_name_problem(&l.name),
        )
    });
    let gateways = state.gateways.iter().map(|g| {
        (
            format!("gateway `{}`", g.name.escape_debug()),
            gateway_name_problem(&g.name),
        )
    });
    match lines
        .chain(gateways)
        .find_map(|(object, rule)| rule.map(|r| (object, r)))
    {
        Some((object, rule)) => Err(ExportError::InvalidName { object, rule }),
        None => Ok(()),
    }
}

/// The exported state and what the user must check by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub state: DesiredState,
    /// One sentence per value that could not be exported faithfully (an
    /// unmodelled port or line type, a next hop no line explains, …). The
    /// binary prints them; the file plans to zero changes only when empty.
    pub warnings: Vec<String>,
}

/// The live estate as a desired state; see [`export`] for the warnings.
pub fn desired_from_inventory(
    live: &Inventory,
    region: &str,
    account: Option<&str>,
) -> DesiredState {
    export(live, region, account).state
}

/// The live estate as a desired state, with warnings about anything that
/// could not be represented exactly.
pub fn export(live: &Inventory, region: &str, account: Option<&str>) -> Export {
    // Normalised exactly as the diff sees it (empty texts dropped, lists
    // sorted), so the file states what the diff will compare against.
    let mut live = live.clone();
    live.normalise();
    let live = &live;
    let mut warnings = Vec::new();
    let by_id: BTreeMap<&str, &LiveLine> = live.lines.iter().map(|l| (l.id.as_str(), l)).collect();

    let mut physical_lines: Vec<PhysicalLine> = live
        .lines
        .iter()
        .map(|line| physical_line(line, &mut warnings))
        .collect();
    physical_lines.sort_by(|a, b| a.name.cmp(&b.name));

    let mut gateways: Vec<Gateway> = live
        .gateways
        .iter()
        .map(|gw| gateway(gw, live, &by_id, &mut warnings))
        .collect();
    gateways.sort_by(|a, b| a.name.cmp(&b.name));

    Export {
        state: DesiredState {
            region: region.to_string(),
            account: account.map(str::to_string),
            prune: Vec::new(),
            physical_lines,
            gateways,
        },
        warnings,
    }
}

/// The environment variable an exported BGP peer's key is read from:
/// `CDA_BGP_KEY_<GATEWAY>_<LINE>`, upper-cased, anything but letters and
/// digits as `_`.
pub fn bgp_key_env(gateway: &str, line: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("CDA_BGP_KEY_{}_{}", clean(gateway), clean(line))
}

/// The file text: a header pointing editors at the schema, then the YAML.
/// Refuses a state with a name the desired-state rules reject ([`check_names`]).
pub fn to_yaml(state: &DesiredState) -> Result<String, ExportError> {
    check_names(state)?;
    let body = serde_saphyr::to_string(state).map_err(|e| ExportError::Yaml(e.to_string()))?;
    let mut out = format!("# yaml-language-server: $schema={SCHEMA_PATH}\n");
    out.push_str("# Written by `cda export` from the live estate");
    match &state.account {
        Some(account) => out.push_str(&format!(
            " of region {}, account {account}.\n",
            state.region
        )),
        None => out.push_str(&format!(" of region {}.\n", state.region)),
    }
    out.push_str("# `prune` is empty: nothing live is deleted until you list kinds there.\n");
    if has_keys(state) {
        out.push_str(
            "# BGP keys are never exported: set each `key: { env: … }` variable before planning.\n",
        );
    }
    out.push_str(&body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn has_keys(state: &DesiredState) -> bool {
    state
        .gateways
        .iter()
        .flat_map(|g| &g.bgp)
        .flat_map(|r| &r.peers)
        .any(|p| p.key.is_some())
}

fn physical_line(line: &LiveLine, warnings: &mut Vec<String>) -> PhysicalLine {
    let port_type = line.port_type.unwrap_or_else(|| {
        warnings.push(format!(
            "physical line {}: the API reported a port type cda does not model; exported as 10G, check it",
            line.name
        ));
        PortType::TenG
    });
    let line_type = line.line_type.unwrap_or_else(|| {
        warnings.push(format!(
            "physical line {}: the API reported a line type cda does not model; exported as IPRAN, check it",
            line.name
        ));
        LineType::Ipran
    });
    PhysicalLine {
        name: line.name.clone(),
        id: Some(line.id.clone()),
        switch: SwitchPort {
            hostname: line.hostname.clone(),
            port: line.port.clone(),
            port_type,
            ip: None,
        },
        line_type,
        bandwidth: line.bandwidth,
        vlan: line.vlan,
        ip_version: line.ip_version,
        local_ip: line.local_ip,
        remote_ip: line.remote_ip,
        local_ip_v6: line.local_ip_v6,
        remote_ip_v6: line.remote_ip_v6,
        access_point: line.access_point.clone(),
        shared: line.shared,
        description: line.description.clone(),
        protect: false,
    }
}

fn gateway(
    gw: &LiveGateway,
    live: &Inventory,
    by_id: &BTreeMap<&str, &LiveLine>,
    warnings: &mut Vec<String>,
) -> Gateway {
    // Lines bound to this gateway, from the gateway's list and from the
    // lines' own `vrfName`, so either side of the binding is enough.
    let mut bound: Vec<&LiveLine> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for id in &gw.line_ids {
        match by_id.get(id.as_str()) {
            Some(line) => bound.push(line),
            None => {
                warnings.push(format!(
                    "gateway {}: bound line {id} is not in the inventory; exported by its id, name it",
                    gw.name
                ));
                lines.push(id.clone());
            }
        }
    }
    for line in &live.lines {
        if line.gateway.as_deref() == Some(gw.name.as_str())
            && !bound.iter().any(|b| b.id == line.id)
        {
            bound.push(line);
        }
    }
    lines.extend(bound.iter().map(|l| l.name.clone()));
    lines.sort();
    lines.dedup();

    let resolver = LineResolver {
        gateway: &gw.name,
        bound: &bound,
        all: &live.lines,
        by_id,
    };
    for v in &gw.vpcs {
        if v.health_check.as_ref().is_some_and(|hc| hc.unreadable) {
            warnings.push(format!(
                "health_check.{}.{}: the API does not return this health check's settings in a readable form; it is left out of the file (add it by hand)",
                gw.name, v.id
            ));
        }
    }
    let mut vpcs: Vec<VpcAttachment> = gw.vpcs.iter().map(vpc).collect();
    vpcs.sort_by(|a, b| a.id.cmp(&b.id));

    Gateway {
        name: gw.name.clone(),
        hostname: gw.hostname.clone(),
        access_point: gw.access_point.clone(),
        description: gw.description.clone(),
        lines,
        vpcs,
        static_routes: gw
            .static_routes
            .iter()
            .map(|r| static_route(r, &resolver, warnings))
            .collect(),
        bgp: gw
            .bgp_routes
            .iter()
            .map(|r| bgp_route(r, &resolver, warnings))
            .collect(),
        protect: false,
    }
}

fn vpc(vpc: &LiveVpc) -> VpcAttachment {
    VpcAttachment {
        id: vpc.id.clone(),
        name: vpc.name.clone(),
        bandwidth: vpc.bandwidth,
        ip_version: vpc.ip_version,
        network_segment: vpc.network_segment,
        network_segment_v6: vpc.network_segment_v6,
        subnets: vpc.subnets.clone(),
        subnets_v6: vpc.subnets_v6.clone(),
        dc_type: vpc.dc_type.clone(),
        health_check: vpc
            .health_check
            .as_ref()
            .filter(|hc| !hc.unreadable)
            .map(|hc| HealthCheck {
                src_ip: hc.src_ip,
                dst_ip: hc.dst_ip,
                interval: hc.interval,
                packets: hc.packets,
                auto_switch: hc.auto_switch,
            }),
        protect: false,
    }
}

/// Turns the addresses and ids the API reports into line names.
struct LineResolver<'a> {
    gateway: &'a str,
    bound: &'a [&'a LiveLine],
    all: &'a [LiveLine],
    by_id: &'a BTreeMap<&'a str, &'a LiveLine>,
}

impl LineResolver<'_> {
    /// The line whose remote interconnect address is `ip`, preferring lines
    /// bound to this gateway.
    fn by_remote_ip(&self, ip: IpAddr) -> Option<&LiveLine> {
        let matches = |l: &&LiveLine| {
            l.remote_ip.map(|n| n.addr()) == Some(ip)
                || l.remote_ip_v6.map(|n| n.addr()) == Some(ip)
        };
        self.bound
            .iter()
            .copied()
            .find(matches)
            .or_else(|| self.all.iter().find(|l| matches(l)))
    }

    fn name_for_ip(&self, ip: IpAddr, what: &str, warnings: &mut Vec<String>) -> String {
        match self.by_remote_ip(ip) {
            Some(line) => line.name.clone(),
            None => {
                warnings.push(format!(
                    "gateway {}: {what} {ip} is no line's remote address; exported as the address, name the line",
                    self.gateway
                ));
                ip.to_string()
            }
        }
    }
}

fn static_route(
    route: &LiveStaticRoute,
    lines: &LineResolver<'_>,
    warnings: &mut Vec<String>,
) -> StaticRoute {
    // A dual-stack route lists each line once per family; the file names the
    // line once and lets the version pick the addresses.
    let mut next_hops: Vec<NextHop> = Vec::new();
    for hop in route.next_hops.iter().chain(&route.next_hops_v6) {
        let hop = NextHop {
            line: lines.name_for_ip(hop.remote_ip, "next hop", warnings),
            priority: hop.priority,
            track: hop.track,
            // Not shown by the server: the file leaves BFD off, which the
            // plan does not compare against an unshown value.
            bfd: hop.bfd.unwrap_or(false),
        };
        match next_hops.iter().find(|h| h.line == hop.line) {
            Some(existing) if *existing == hop => {}
            Some(_) => {
                warnings.push(format!(
                    "gateway {}: static route {:?} reaches line {} with different settings per IP version; both exported",
                    lines.gateway,
                    route.dst.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    hop.line
                ));
                next_hops.push(hop);
            }
            None => next_hops.push(hop),
        }
    }
    StaticRoute {
        dst: route.dst.clone(),
        next_hops,
        protect: false,
    }
}

fn bgp_route(
    route: &LiveBgpRoute,
    lines: &LineResolver<'_>,
    warnings: &mut Vec<String>,
) -> BgpRoute {
    let mut peers: Vec<BgpPeer> = Vec::new();
    for peer in &route.peers {
        let line = peer
            .line_id
            .as_deref()
            .and_then(|id| lines.by_id.get(id).map(|l| l.name.clone()))
            .or_else(|| peer.line_name.clone())
            .unwrap_or_else(|| lines.name_for_ip(peer.ip, "BGP peer", warnings));
        let exported = BgpPeer {
            neighbor: (peer.neighbor != line).then(|| peer.neighbor.clone()),
            key: peer
                .key_hash
                .as_ref()
                .map(|_| SecretRef::Env(bgp_key_env(lines.gateway, &line))),
            line,
            peer_as: peer.peer_as,
            bfd: peer.bfd,
        };
        match peers.iter().find(|p| p.line == exported.line) {
            Some(existing) if *existing == exported => {}
            Some(_) => {
                warnings.push(format!(
                    "gateway {}: BGP peers over line {} differ per IP version; both exported",
                    lines.gateway, exported.line
                ));
                peers.push(exported);
            }
            None => peers.push(exported),
        }
    }
    BgpRoute {
        ip_version: route.ip_version,
        networks: route.networks.clone(),
        peers,
        multipath: route.multipath,
        protect: false,
    }
}
