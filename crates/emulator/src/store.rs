//! The emulated estate: one [`AccountState`] per account e-mail, plus the
//! history of committed writes. This is also the state-file format.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Everything persisted to the state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    /// Format version of the state file.
    #[serde(default = "one")]
    pub version: u32,
    /// Keyed by account e-mail.
    #[serde(default)]
    pub accounts: BTreeMap<String, AccountState>,
    /// Every committed write, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

fn one() -> u32 {
    1
}

/// One committed write, as `GET /_emulator/history` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub seq: u64,
    /// RFC 3339 UTC.
    pub time: String,
    pub account: String,
    /// API path, e.g. `/v4/cda/gateway/add`.
    pub endpoint: String,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// `gateway`, `physicalLine`, `binding`, `vpc`, `healthCheck`,
    /// `staticRoute`, `bgpRoute`, `switch`, `linkProbe`, `accountAuth`.
    pub kind: String,
    /// The object's natural identity: name, `gateway/vpcID`,
    /// `gateway/ipVersion/destinations`, … Two creates with the same kind
    /// and key mean an object was created twice.
    pub key: String,
    /// The generated ID (`lineID`, `SRID`, `BGPID`, `fuid`), if any.
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub gateways: Vec<Gateway>,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub health_checks: Vec<HealthCheck>,
    #[serde(default)]
    pub static_routes: Vec<StaticRoute>,
    #[serde(default)]
    pub bgp_routes: Vec<BgpRoute>,
    #[serde(default)]
    pub switches: Vec<Switch>,
    #[serde(default)]
    pub link_probes: Vec<LinkProbe>,
    #[serde(default)]
    pub account_auths: Vec<AccountAuth>,
}

/// Common bookkeeping on every object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Beijing time `YYYY-MM-DD HH:MM:SS`, as the API shows times.
    pub created: String,
    pub updated: String,
    /// Epoch milliseconds before which lists do not show the object
    /// (eventual-consistency fault). 0 = always visible.
    #[serde(default)]
    pub visible_at_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub id: String,
    pub name: String,
    pub region_id: String,
    pub resource_pool: String,
    pub resource_pool_name: String,
    pub hostname: String,
    pub switch_ip: String,
    pub port_type: String,
    pub port_name: String,
    pub is_shared: i64,
    pub line_type: String,
    pub bandwidth: i64,
    pub tag: i64,
    pub vlan: i64,
    pub ip_version: String,
    pub local_ip: String,
    pub remote_ip: String,
    pub local_ip_v6: String,
    pub remote_ip_v6: String,
    pub access_point: String,
    pub location: String,
    pub line_code: String,
    pub description: String,
    /// Name of the gateway the line is bound to.
    pub gateway: Option<String>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    pub name: String,
    pub fuid: String,
    pub region_id: String,
    pub hostname: String,
    pub resource_pool: String,
    pub resource_pool_name: String,
    pub is_sw_config: bool,
    pub description: String,
    pub access_point: String,
    /// Bound line IDs, in binding order.
    pub lines: Vec<String>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    pub gateway: String,
    pub vpc_id: String,
    pub vpc_name: String,
    pub region_id: String,
    pub ip_version: String,
    pub bandwidth: i64,
    pub dc_type: String,
    pub network_segment: String,
    pub network_segment_v6: String,
    pub subnets: Vec<String>,
    pub subnets_v6: Vec<String>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub gateway: String,
    pub vpc_id: String,
    pub vpc_name: String,
    pub vpc_subnet: String,
    pub vpc_subnet_id: String,
    pub src_ip: String,
    pub dst_ip: String,
    pub interval: i64,
    pub ntimest: i64,
    pub auto_route_switching: bool,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NextHop {
    pub remote_gateway_ip: String,
    pub priority: i64,
    pub track: i64,
    pub bfd: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaticRoute {
    pub id: String,
    pub gateway: String,
    pub ip_version: String,
    pub dst_cidr: Vec<String>,
    pub dst_cidr_v6: Vec<String>,
    pub next_hop: Vec<NextHop>,
    pub next_hop_v6: Vec<NextHop>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpPeer {
    pub neighbor: String,
    pub ip: String,
    pub line_id: String,
    pub line_name: String,
    pub peer_as: String,
    /// The BGP key. Kept because the wire shows it; redacted in
    /// `GET /_emulator/state`.
    pub key: String,
    pub bfd: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpRoute {
    pub id: String,
    pub gateway: String,
    pub ip_version: String,
    pub network_cidr: Vec<String>,
    pub network_cidr_v6: Vec<String>,
    pub peers: Vec<BgpPeer>,
    pub peers_v6: Vec<BgpPeer>,
    pub multi_path: bool,
    pub multi_path_num: String,
    pub multi_path_type: String,
    pub multi_path_ipv6: bool,
    pub multi_path_num_ipv6: String,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Switch {
    pub switch_id: String,
    pub name: String,
    pub resource_pool: String,
    pub resource_pool_name: String,
    pub resource_type: String,
    pub factory: String,
    pub access_point: String,
    pub device_model: String,
    pub hostname: String,
    pub ip: String,
    pub login_port: String,
    pub as_number: i64,
    pub vtep_vlan: String,
    pub vtep_ip: String,
    pub sys_mac: String,
    pub has_bleaf_route: bool,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkProbe {
    pub gateway: String,
    pub service_id: String,
    pub src_ip: String,
    pub dst_ip: String,
    pub interval: String,
    pub packets: String,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAuth {
    pub fuid: String,
    pub region_id: String,
    pub vpc_id: String,
    pub vpc_name: String,
    pub gateway: String,
    pub auth_account_id: String,
    pub auth_account: String,
    pub description: String,
    pub meta: Meta,
}

/// The address part of `10.255.0.2/30` or `10.255.0.2`.
pub fn addr_of(text: &str) -> Option<IpAddr> {
    let addr = text.split_once('/').map_or(text, |(a, _)| a);
    addr.trim().parse().ok()
}

/// Whether two interconnect/next-hop strings name the same address.
pub fn same_addr(a: &str, b: &str) -> bool {
    matches!((addr_of(a), addr_of(b)), (Some(x), Some(y)) if x == y)
}

impl Meta {
    pub fn visible(&self, now_ms: i64) -> bool {
        self.visible_at_ms <= now_ms
    }
}

impl AccountState {
    pub fn gateway(&self, name: &str) -> Option<&Gateway> {
        self.gateways.iter().find(|g| g.name == name)
    }
    pub fn gateway_mut(&mut self, name: &str) -> Option<&mut Gateway> {
        self.gateways.iter_mut().find(|g| g.name == name)
    }
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.id == id)
    }
    pub fn line_mut(&mut self, id: &str) -> Option<&mut Line> {
        self.lines.iter_mut().find(|l| l.id == id)
    }
    /// Lines bound to `gateway`, in binding order.
    pub fn bound_lines(&self, gateway: &str) -> Vec<&Line> {
        self.gateway(gateway)
            .map(|g| g.lines.iter().filter_map(|id| self.line(id)).collect())
            .unwrap_or_default()
    }
}

/// Random identifiers in the real service's style, from a seeded RNG so
/// that runs with the same seed produce the same IDs.
#[derive(Debug)]
pub struct IdGen {
    rng: ChaCha8Rng,
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

impl IdGen {
    pub fn new(seed: u64) -> Self {
        IdGen {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x1d5e_ed00),
        }
    }

    /// `prefix` + 10 lower-case letters/digits, e.g. `pl-8k2m0q7x1c`.
    pub fn short(&mut self, prefix: &str) -> String {
        let mut out = String::from(prefix);
        for _ in 0..10 {
            let i = self.rng.gen_range(0..ALNUM.len());
            out.push(char::from(ALNUM[i]));
        }
        out
    }

    /// A v4 UUID string.
    pub fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.gen();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

// ---- wire rendering (REFERENCE field spellings) ----

impl Line {
    pub fn wire(&self, account: &str) -> Value {
        json!({
            "lineID": self.id,
            "fuid": self.id,
            "lineName": self.name,
            "account": account,
            "vrfName": self.gateway.clone().unwrap_or_default(),
            "regionID": self.region_id,
            "resourcePool": self.resource_pool,
            "resourcePoolName": self.resource_pool_name,
            "ipVersion": self.ip_version,
            "localConnectIP": self.local_ip,
            "remoteConnectIP": self.remote_ip,
            "localConnectIPv6": self.local_ip_v6,
            "remoteConnectIPv6": self.remote_ip_v6,
            "hostname": self.hostname,
            "switchIp": self.switch_ip,
            "portType": self.port_type,
            "portName": self.port_name,
            "portNameBus": self.port_name,
            "bandwidth": self.bandwidth,
            "deviceIp": self.switch_ip,
            "lineType": self.line_type,
            "tag": self.tag,
            "vlan": self.vlan,
            "isShared": self.is_shared,
            "accessPoint": self.access_point,
            "location": self.location,
            "linecode": self.line_code,
            "description": self.description,
            "authorizedAccount": "",
            "projectIdEcs": "0",
            "layer": "L3",
            "lineCreateTime": self.meta.created,
            "fuserLastUpdated": self.meta.updated,
            "deleteTime": "",
            "customerId": "",
        })
    }
}

impl Vpc {
    pub fn wire(&self, account: &str) -> Value {
        json!({
            "account": account,
            "vpcID": self.vpc_id,
            "vpcName": self.vpc_name,
            "vrfName": self.gateway,
            "gatewayName": self.gateway,
            "dcType": self.dc_type,
            "ipVersion": self.ip_version,
            "bandwidth": self.bandwidth,
            "vpcNetworkSegment": self.network_segment,
            "vpcNetworkSegmentIPv6": self.network_segment_v6,
            "vpcSubnet": self.subnets,
            "vpcSubnetIPv6": self.subnets_v6,
            "resourcePool": self.region_id,
            "ctUserId": "",
        })
    }
}

impl NextHop {
    pub fn wire(&self) -> Value {
        json!({
            "remoteGatewayIp": self.remote_gateway_ip,
            "priority": self.priority,
            "track": self.track,
            "bfd": self.bfd,
        })
    }
}

impl StaticRoute {
    pub fn wire(&self) -> Value {
        json!({
            "SRID": self.id,
            "gatewayName": self.gateway,
            "ipVersion": self.ip_version,
            "dstCidr": self.dst_cidr,
            "dstCidrV6": self.dst_cidr_v6,
            "nextHop": self.next_hop.iter().map(NextHop::wire).collect::<Vec<_>>(),
            "nextHopV6": self.next_hop_v6.iter().map(NextHop::wire).collect::<Vec<_>>(),
        })
    }
}

impl BgpPeer {
    pub fn wire(&self) -> Value {
        json!({
            "BGPNeighbor": self.neighbor,
            "BGPIP": self.ip,
            "lineID": self.line_id,
            "lineName": self.line_name,
            "peerAS": self.peer_as,
            "BGPKey": self.key,
            "bfd": self.bfd,
        })
    }
}

impl BgpRoute {
    pub fn wire(&self) -> Value {
        json!({
            "BGPID": self.id,
            "gatewayName": self.gateway,
            "ipVersion": self.ip_version,
            "networkCidr": self.network_cidr,
            "networkCidrV6": self.network_cidr_v6,
            "BGPList": self.peers.iter().map(BgpPeer::wire).collect::<Vec<_>>(),
            "BGPIpv6List": self.peers_v6.iter().map(BgpPeer::wire).collect::<Vec<_>>(),
            "multiPath": self.multi_path,
            "multiPathNumber": self.multi_path_num,
            "multiPathType": self.multi_path_type,
            "multiPathIpv6": self.multi_path_ipv6,
            "multiPathNumberIpv6": self.multi_path_num_ipv6,
        })
    }
}

impl Switch {
    pub fn wire(&self) -> Value {
        json!({
            "switchID": self.switch_id,
            "switchName": self.name,
            "factory": self.factory,
            "resourcePool": self.resource_pool,
            "resourceName": self.resource_pool_name,
            "hostname": self.hostname,
            "ip": self.ip,
            "loginPort": self.login_port,
            "vtepIp": self.vtep_ip,
            "vtepVlan": self.vtep_vlan,
            "deviceModel": self.device_model,
            "accessPoint": self.access_point,
            "as": self.as_number,
            "hasBleafRoute": self.has_bleaf_route,
            "sysMac": self.sys_mac,
            "resourceType": self.resource_type,
            "azone": "",
            "status": "active",
        })
    }
}

impl Store {
    /// The store as `GET /_emulator/state` shows it: BGP keys redacted.
    pub fn redacted(&self) -> Store {
        let mut copy = self.clone();
        for account in copy.accounts.values_mut() {
            for route in &mut account.bgp_routes {
                for peer in route.peers.iter_mut().chain(route.peers_v6.iter_mut()) {
                    if !peer.key.is_empty() {
                        peer.key = "***".to_string();
                    }
                }
            }
        }
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_compare_with_or_without_prefix() {
        assert!(same_addr("10.255.0.2/30", "10.255.0.2"));
        assert!(same_addr("2001:db8::2/126", "2001:db8:0::2"));
        assert!(!same_addr("10.255.0.2", "10.255.0.1"));
        assert!(!same_addr("garbage", "garbage"));
    }

    #[test]
    fn ids_look_real_and_are_deterministic() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        let id = a.short("pl-");
        assert_eq!(id, b.short("pl-"));
        assert_eq!(id.len(), 13);
        assert!(id[3..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let u = a.uuid();
        assert_eq!(uuid::Uuid::parse_str(&u).unwrap().get_version_num(), 4);
    }

    #[test]
    fn redaction_hides_bgp_keys_only_in_the_copy() {
        let mut store = Store::default();
        let mut acct = AccountState::default();
        acct.bgp_routes.push(BgpRoute {
            peers: vec![BgpPeer {
                key: "s3cret".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        store.accounts.insert("a@b".into(), acct);
        let red = store.redacted();
        assert_eq!(red.accounts["a@b"].bgp_routes[0].peers[0].key, "***");
        assert_eq!(store.accounts["a@b"].bgp_routes[0].peers[0].key, "s3cret");
    }
}
