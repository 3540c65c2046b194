//! The seed inventory (YAML or JSON): lines, gateways with their bindings,
//! VPCs, health checks and routes, per account. It is applied through the
//! same handlers as API calls, so a seed obeys every business rule.

use crate::error::Error;
use crate::handlers::{self, Ctx, Outcome};
use crate::store::{AccountState, IdGen};
use crate::wire::Params;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub accounts: Vec<SeedAccount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedAccount {
    /// Account e-mail.
    pub account: String,
    /// `regionID` stored on every object. Default `nm8`.
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default)]
    pub switches: Vec<SeedSwitch>,
    #[serde(default)]
    pub lines: Vec<SeedLine>,
    #[serde(default)]
    pub gateways: Vec<SeedGateway>,
}

fn default_region() -> String {
    "nm8".into()
}
fn default_ipv4() -> String {
    "IPV4".into()
}
fn default_port_type() -> String {
    "10G".into()
}
fn default_line_type() -> String {
    "PON".into()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedSwitch {
    /// UUID.
    pub id: String,
    pub name: String,
    pub hostname: String,
    pub ip: String,
    #[serde(default)]
    pub factory: Option<String>,
    #[serde(default)]
    pub device_model: Option<String>,
    #[serde(default)]
    pub access_point: Option<String>,
    #[serde(default, rename = "as")]
    pub as_number: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedLine {
    pub name: String,
    /// Fixed `lineID`; generated (`pl-` + 10 characters) when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub hostname: String,
    /// Switch port (`portName`).
    pub port: String,
    #[serde(default = "default_port_type")]
    pub port_type: String,
    #[serde(default = "default_line_type")]
    pub line_type: String,
    pub bandwidth: u64,
    /// Present = tagged (`tag=1`).
    #[serde(default)]
    pub vlan: Option<u16>,
    #[serde(default = "default_ipv4")]
    pub ip_version: String,
    #[serde(default)]
    pub local_ip: Option<String>,
    #[serde(default)]
    pub remote_ip: Option<String>,
    #[serde(default)]
    pub local_ip_v6: Option<String>,
    #[serde(default)]
    pub remote_ip_v6: Option<String>,
    #[serde(default)]
    pub switch_ip: Option<String>,
    #[serde(default)]
    pub access_point: Option<String>,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub line_code: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedGateway {
    pub name: String,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default)]
    pub access_point: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Bound lines, by line name or ID.
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub vpcs: Vec<SeedVpc>,
    #[serde(default)]
    pub static_routes: Vec<SeedStaticRoute>,
    #[serde(default)]
    pub bgp_routes: Vec<SeedBgpRoute>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedVpc {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_ipv4")]
    pub ip_version: String,
    pub bandwidth: u64,
    #[serde(default)]
    pub dc_type: Option<String>,
    #[serde(default)]
    pub network_segment: Option<String>,
    #[serde(default)]
    pub network_segment_v6: Option<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub subnets_v6: Vec<String>,
    #[serde(default)]
    pub health_check: Option<SeedHealthCheck>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedHealthCheck {
    pub src_ip: String,
    pub dst_ip: String,
    /// Seconds, 2–5.
    pub interval: u8,
    /// Packet count (`ntimest`), 5–10.
    pub packets: u8,
    #[serde(default)]
    pub auto_switch: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedNextHop {
    /// A bound line's remote interconnect address.
    pub ip: String,
    pub priority: u32,
    #[serde(default)]
    pub track: bool,
    #[serde(default)]
    pub bfd: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedStaticRoute {
    /// Fixed `SRID`; generated (`sr-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default = "default_ipv4")]
    pub ip_version: String,
    #[serde(default)]
    pub dst: Vec<String>,
    #[serde(default)]
    pub dst_v6: Vec<String>,
    #[serde(default)]
    pub next_hops: Vec<SeedNextHop>,
    #[serde(default)]
    pub next_hops_v6: Vec<SeedNextHop>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedBgpPeer {
    /// `BGPNeighbor`.
    pub neighbor: String,
    /// `BGPIP`: the line's remote interconnect address.
    pub ip: String,
    /// Line name or ID (must be bound to the gateway).
    pub line: String,
    pub peer_as: u32,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub bfd: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedBgpRoute {
    /// Fixed `BGPID`; generated (`bgp-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default = "default_ipv4")]
    pub ip_version: String,
    #[serde(default)]
    pub networks: Vec<String>,
    #[serde(default)]
    pub networks_v6: Vec<String>,
    #[serde(default)]
    pub peers: Vec<SeedBgpPeer>,
    #[serde(default)]
    pub peers_v6: Vec<SeedBgpPeer>,
    /// Load-sharing line count; enables `multiPath` when present.
    #[serde(default)]
    pub multipath: Option<u8>,
}

impl Seed {
    /// Parses YAML, or JSON when the text starts with `{`.
    pub fn parse(text: &str, origin: &str) -> Result<Seed, Error> {
        let fail = |message: String| Error::Seed {
            origin: origin.to_string(),
            message,
        };
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| fail(e.to_string()))
        } else {
            serde_saphyr::from_str(text).map_err(|e| fail(e.to_string()))
        }
    }

    pub fn load(path: &Path) -> Result<Seed, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Seed::parse(&text, &path.display().to_string())
    }
}

fn obj(pairs: Vec<(&str, Value)>) -> Params {
    let mut map = Map::new();
    for (k, v) in pairs {
        if !v.is_null() {
            map.insert(k.to_string(), v);
        }
    }
    Params::from_value(Value::Object(map))
}

/// Applies `seed` to the accounts in `accounts` through the API handlers.
pub fn apply(
    seed: &Seed,
    accounts: &mut std::collections::BTreeMap<String, AccountState>,
    ids: &mut IdGen,
    now: DateTime<Utc>,
    origin: &str,
) -> Result<(), Error> {
    for account in &seed.accounts {
        let st = accounts.entry(account.account.clone()).or_default();
        let mut seeder = Seeder {
            st,
            ids,
            now,
            account: &account.account,
            region: json!(account.region),
        };
        seeder.account(account).map_err(|message| Error::Seed {
            origin: origin.to_string(),
            message: format!("account {}: {message}", account.account),
        })?;
    }
    Ok(())
}

fn hop(h: &SeedNextHop) -> Value {
    json!({ "remoteGatewayIp": h.ip, "priority": h.priority, "track": i64::from(h.track), "bfd": h.bfd })
}

/// One account being seeded: every object goes in through its API handler,
/// in the order the API requires (switches, lines, then each gateway with
/// its bindings, VPCs and routes).
struct Seeder<'a> {
    st: &'a mut AccountState,
    ids: &'a mut IdGen,
    now: DateTime<Utc>,
    account: &'a str,
    region: Value,
}

impl Seeder<'_> {
    fn call(&mut self, path: &str, params: Params, what: &str) -> Result<Outcome, String> {
        let endpoint = handlers::find(path).ok_or_else(|| format!("no endpoint {path}"))?;
        let mut ctx = Ctx {
            account: self.account,
            st: &mut *self.st,
            ids: &mut *self.ids,
            now: self.now,
            visible_delay_ms: 0,
            max_page_size: 50,
            trace_id: String::new(),
            granted_to_me: Vec::new(),
        };
        (endpoint.handler)(&mut ctx, &params).map_err(|e| {
            let env = e.envelope();
            format!(
                "{what}: {} ({})",
                env["message"].as_str().unwrap_or(""),
                env["errorCode"].as_str().unwrap_or("")
            )
        })
    }

    fn account(&mut self, a: &SeedAccount) -> Result<(), String> {
        for s in &a.switches {
            self.switch(s)?;
        }
        for l in &a.lines {
            self.line(l)?;
        }
        for g in &a.gateways {
            self.gateway(g)?;
        }
        Ok(())
    }

    fn switch(&mut self, s: &SeedSwitch) -> Result<(), String> {
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("switchId", json!(s.id)),
            ("name", json!(s.name)),
            ("hostname", json!(s.hostname)),
            ("ip", json!(s.ip)),
            ("factory", json!(s.factory)),
            ("deviceModel", json!(s.device_model)),
            ("accessPoint", json!(s.access_point)),
            ("as", json!(s.as_number)),
        ]);
        let what = format!("switch {}", s.name);
        self.call("/v4/cda/switch/add", p, &what)?;
        Ok(())
    }

    fn line(&mut self, l: &SeedLine) -> Result<(), String> {
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("lineName", json!(l.name)),
            ("hostname", json!(l.hostname)),
            ("portName", json!(l.port)),
            ("portType", json!(l.port_type)),
            ("lineType", json!(l.line_type)),
            ("bandwidth", json!(l.bandwidth)),
            ("tag", json!(i64::from(l.vlan.is_some()))),
            ("vlan", json!(l.vlan.unwrap_or(0))),
            ("ipVersion", json!(l.ip_version)),
            ("localConnectIP", json!(l.local_ip)),
            ("remoteConnectIP", json!(l.remote_ip)),
            ("localConnectIPv6", json!(l.local_ip_v6)),
            ("remoteConnectIPv6", json!(l.remote_ip_v6)),
            ("switchIp", json!(l.switch_ip)),
            ("accessPoint", json!(l.access_point)),
            ("isShared", json!(i64::from(l.shared))),
            ("location", json!(l.location)),
            ("lineCode", json!(l.line_code)),
            ("description", json!(l.description)),
        ]);
        let what = format!("line {}", l.name);
        let out = self.call("/v4/cda/physical-line/add", p, &what)?;
        if let (Some(fixed), Some(generated)) = (&l.id, out.effect.and_then(|e| e.id)) {
            if self.st.line(fixed).is_some() {
                return Err(format!("line {}: duplicate id {fixed}", l.name));
            }
            if let Some(line) = self.st.line_mut(&generated) {
                line.id = fixed.clone();
            }
        }
        Ok(())
    }

    fn gateway(&mut self, g: &SeedGateway) -> Result<(), String> {
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("gatewayName", json!(g.name)),
            ("account", json!(self.account)),
            ("hostname", json!(g.hostname)),
            ("accessPoint", json!(g.access_point)),
            ("description", json!(g.description)),
        ]);
        let what = format!("gateway {}", g.name);
        self.call("/v4/cda/gateway/add", p, &what)?;
        for line in &g.lines {
            let id = self
                .st
                .lines
                .iter()
                .find(|l| &l.name == line || &l.id == line)
                .map(|l| l.id.clone())
                .ok_or_else(|| format!("gateway {}: unknown line {line}", g.name))?;
            let p = obj(vec![("gatewayName", json!(g.name)), ("lineID", json!(id))]);
            let what = format!("binding {}/{line}", g.name);
            self.call("/v4/cda/physical-line/bind", p, &what)?;
        }
        for v in &g.vpcs {
            self.vpc(g, v)?;
        }
        for r in &g.static_routes {
            self.static_route(g, r)?;
        }
        for r in &g.bgp_routes {
            self.bgp_route(g, r)?;
        }
        Ok(())
    }

    fn vpc(&mut self, g: &SeedGateway, v: &SeedVpc) -> Result<(), String> {
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("gatewayName", json!(g.name)),
            ("vpcID", json!(v.id)),
            ("vpcName", json!(v.name)),
            ("ipVersion", json!(v.ip_version)),
            ("bandwidth", json!(v.bandwidth)),
            ("dcType", json!(v.dc_type)),
            ("vpcNetworkSegment", json!(v.network_segment)),
            ("vpcNetworkSegmentIPv6", json!(v.network_segment_v6)),
            ("vpcSubnet", json!(v.subnets)),
            ("vpcSubnetIPv6", json!(v.subnets_v6)),
        ]);
        let what = format!("vpc {}/{}", g.name, v.id);
        self.call("/v4/cda/vpc/add", p, &what)?;
        if let Some(h) = &v.health_check {
            let p = obj(vec![
                ("regionID", self.region.clone()),
                ("gatewayName", json!(g.name)),
                ("vpcID", json!(v.id)),
                ("vpcName", json!(v.name)),
                ("srcIP", json!(h.src_ip)),
                ("dstIP", json!(h.dst_ip)),
                ("interval", json!(h.interval)),
                ("ntimest", json!(h.packets)),
                ("autoRouteSwitching", json!(h.auto_switch)),
            ]);
            let what = format!("health check {}/{}", g.name, v.id);
            self.call("/v4/cda/health-check/add", p, &what)?;
        }
        Ok(())
    }

    fn static_route(&mut self, g: &SeedGateway, r: &SeedStaticRoute) -> Result<(), String> {
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("gatewayName", json!(g.name)),
            ("ipVersion", json!(r.ip_version)),
            ("dstCidr", json!(r.dst)),
            ("dstCidrV6", json!(r.dst_v6)),
            (
                "nextHop",
                Value::Array(r.next_hops.iter().map(hop).collect()),
            ),
            (
                "nextHopV6",
                Value::Array(r.next_hops_v6.iter().map(hop).collect()),
            ),
        ]);
        let what = format!("static route on {}", g.name);
        let out = self.call("/v4/cda/static-route/add", p, &what)?;
        if let (Some(fixed), Some(generated)) = (&r.id, out.effect.and_then(|e| e.id)) {
            if let Some(route) = self.st.static_routes.iter_mut().find(|x| x.id == generated) {
                route.id = fixed.clone();
            }
        }
        Ok(())
    }

    fn bgp_route(&mut self, g: &SeedGateway, r: &SeedBgpRoute) -> Result<(), String> {
        let st = &*self.st;
        let peer = |p: &SeedBgpPeer| {
            let line = st.lines.iter().find(|l| l.name == p.line || l.id == p.line);
            json!({
                "BGPNeighbor": p.neighbor,
                "BGPIP": p.ip,
                "lineID": line.map_or(p.line.clone(), |l| l.id.clone()),
                "peerAS": p.peer_as.to_string(),
                "BGPKey": p.key,
                "bfd": p.bfd,
            })
        };
        let peers: Vec<Value> = r.peers.iter().map(peer).collect();
        let peers_v6: Vec<Value> = r.peers_v6.iter().map(peer).collect();
        let p = obj(vec![
            ("regionID", self.region.clone()),
            ("gatewayName", json!(g.name)),
            ("ipVersion", json!(r.ip_version)),
            ("networkCidr", json!(r.networks)),
            ("networkCidrV6", json!(r.networks_v6)),
            ("BGPList", Value::Array(peers)),
            ("BGPIpv6List", Value::Array(peers_v6)),
            ("multiPath", json!(r.multipath.is_some())),
            ("multiPathNum", json!(r.multipath.map(|n| n.to_string()))),
        ]);
        let what = format!("BGP route on {}", g.name);
        let out = self.call("/v4/cda/bgp-route/add", p, &what)?;
        if let (Some(fixed), Some(generated)) = (&r.id, out.effect.and_then(|e| e.id)) {
            if let Some(route) = self.st.bgp_routes.iter_mut().find(|x| x.id == generated) {
                route.id = fixed.clone();
            }
        }
        Ok(())
    }
}
