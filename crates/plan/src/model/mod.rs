//! The desired state: what the YAML file declares, after validation.
//!
//! These are plain domain types. Source spans live beside them in
//! [`crate::desired::SourceMap`] so the diff code never has to unwrap a span,
//! while diagnostics can still point at `file:line:col`.
//!
//! The same types derive `JsonSchema`, which is how `docs/cda.schema.json` is
//! generated, and `Serialize`, which is how `cda export` writes a file.
//!
//! How the API spells the enums, both ways, is in [`wire`].

mod canonical;
pub mod wire;

use ipnet::IpNet;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// The whole desired-state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DesiredState {
    /// Resource pool (`regionID`), e.g. `nm8`.
    pub region: String,
    /// CTyun account e-mail the estate belongs to (sent as `account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Kinds whose live objects that the file does not declare are deleted.
    /// Live objects of other kinds are reported as unmanaged and left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prune: Vec<Kind>,
    /// Physical lines (物理专线), keyed by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub physical_lines: Vec<PhysicalLine>,
    /// Dedicated-line gateways (专线网关), keyed by name, with everything
    /// attached to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<Gateway>,
}

/// Where a file first uses one BGP key reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretUse<'a> {
    /// The gateway of the BGP route.
    pub gateway: &'a str,
    /// The line of the BGP peer whose key it is.
    pub line: &'a str,
    pub reference: &'a SecretRef,
}

impl DesiredState {
    /// Every BGP key reference the file uses, each once, where it is first
    /// used (gateways, their BGP routes and peers in file order): read
    /// them in this order and the first unreadable one is reported first.
    pub fn secret_uses(&self) -> impl Iterator<Item = SecretUse<'_>> {
        let mut seen: BTreeSet<&SecretRef> = BTreeSet::new();
        self.gateways
            .iter()
            .flat_map(|g| {
                g.bgp.iter().flat_map(move |r| {
                    r.peers.iter().filter_map(move |p| {
                        p.key.as_ref().map(|reference| SecretUse {
                            gateway: &g.name,
                            line: &p.line,
                            reference,
                        })
                    })
                })
            })
            .filter(move |u| seen.insert(u.reference))
    }

    /// Every BGP key reference the file uses: what
    /// [`crate::PlanOptions::secret_hashes`] must hold a hash for.
    pub fn secret_refs(&self) -> BTreeSet<SecretRef> {
        self.secret_uses().map(|u| u.reference.clone()).collect()
    }
}

/// Kinds of object a file can manage; used by `prune`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PhysicalLines,
    Gateways,
    Bindings,
    Vpcs,
    HealthChecks,
    Routes,
}

/// IP family of a line, VPC attachment or route (`ipVersion`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum IpVersion {
    #[serde(rename = "IPV4")]
    Ipv4,
    #[serde(rename = "IPV6")]
    Ipv6,
    #[serde(rename = "DUALSTACK")]
    DualStack,
}

impl IpVersion {
    pub fn has_v4(self) -> bool {
        matches!(self, IpVersion::Ipv4 | IpVersion::DualStack)
    }
    pub fn has_v6(self) -> bool {
        matches!(self, IpVersion::Ipv6 | IpVersion::DualStack)
    }
}

/// A physical line from the customer's IDC into CTyun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhysicalLine {
    /// Line name (`lineName`): 2–63 characters, no Chinese. The key.
    #[schemars(length(min = 2, max = 63))]
    pub name: String,
    /// Pin the line to an existing `lineID` (adopt it instead of creating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the line lands on the CTyun side.
    pub switch: SwitchPort,
    /// `PON` or `IPRAN`.
    pub line_type: LineType,
    /// Bandwidth in Mbps (1–999999999).
    #[schemars(range(min = 1, max = 999_999_999))]
    pub bandwidth: u64,
    /// VLAN 1–4094; present means tagged (`tag=1`), absent untagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4094))]
    pub vlan: Option<u16>,
    /// IP family of the interconnect.
    pub ip_version: IpVersion,
    /// CTyun-side interconnect IPv4 with prefix length, e.g. `10.255.0.1/30`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_ip: Option<IpNet>,
    /// Customer-side interconnect IPv4 with prefix length; the next hop of routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip: Option<IpNet>,
    /// CTyun-side interconnect IPv6 with prefix length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_ip_v6: Option<IpNet>,
    /// Customer-side interconnect IPv6 with prefix length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip_v6: Option<IpNet>,
    /// `AP1`/`AP2`, required in multi-AZ pools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^AP[12]$"))]
    pub access_point: Option<String>,
    /// Shared (`isShared=1`) or exclusive line. Default: exclusive.
    #[serde(default, skip_serializing_if = "is_false")]
    pub shared: bool,
    /// Free text, 2–200 characters, no Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 200))]
    pub description: Option<String>,
    /// Never deleted or replaced by apply.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect: bool,
}

/// The switch port a line lands on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchPort {
    /// Switch hostname (`hostname`).
    pub hostname: String,
    /// Port name (`portName`), e.g. `GE1/0/1`.
    pub port: String,
    /// `1G` or `10G` (`portType`).
    pub port_type: PortType,
    /// Switch management IP (`switchIp`), where the pool needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum LineType {
    #[serde(rename = "PON")]
    Pon,
    #[serde(rename = "IPRAN")]
    Ipran,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PortType {
    #[serde(rename = "1G")]
    OneG,
    #[serde(rename = "10G")]
    TenG,
}

/// A dedicated-line gateway and what hangs off it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    /// Gateway name (`gatewayName`): unique, 2–20 letters and digits. The key.
    #[schemars(regex(pattern = r"^[A-Za-z0-9]{2,20}$"))]
    pub name: String,
    /// Switch hostname sent on create; defaults to the switch of its first
    /// line by name (a live gateway on the switch of any of its lines keeps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `AP1`/`AP2` in multi-AZ pools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^AP[12]$"))]
    pub access_point: Option<String>,
    /// Free text sent on create, 2–200 characters, no Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 200))]
    pub description: Option<String>,
    /// Names of the physical lines bound to this gateway (bindings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// VPC attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<VpcAttachment>,
    /// Customer-side static routes. Mutually exclusive with `bgp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_routes: Vec<StaticRoute>,
    /// Customer-side BGP routes, at most one per IP version. Mutually
    /// exclusive with `static_routes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bgp: Vec<BgpRoute>,
    /// Never deleted or replaced by apply.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect: bool,
}

/// A VPC attached to a gateway; identity is (gateway, `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcAttachment {
    /// `vpcID`.
    pub id: String,
    /// `vpcName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Virtual bandwidth in Mbps (1–999999999).
    #[schemars(range(min = 1, max = 999_999_999))]
    pub bandwidth: u64,
    /// Defaults to IPV4.
    #[serde(default = "default_ipv4")]
    pub ip_version: IpVersion,
    /// VPC CIDR (`vpcNetworkSegment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_segment: Option<IpNet>,
    /// VPC IPv6 CIDR (`vpcNetworkSegmentIPv6`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_segment_v6: Option<IpNet>,
    /// IPv4 subnets reachable over the gateway (`vpcSubnet`), full list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<IpNet>,
    /// IPv6 subnets (`vpcSubnetIPv6`), full list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets_v6: Vec<IpNet>,
    /// Pool type (`dcType`), `CNP` or `EMAZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dc_type: Option<String>,
    /// Health check of this attachment; identity is (gateway, vpc id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
    /// Never deleted or replaced by apply.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect: bool,
}

/// Health check of a VPC attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// A free address inside one of the VPC's subnets (`srcIP`).
    pub src_ip: IpAddr,
    /// The line's remote interconnect IP or a customer business IP (`dstIP`).
    pub dst_ip: IpAddr,
    /// Seconds between probes, 2–5 (`interval`).
    #[schemars(range(min = 2, max = 5))]
    pub interval: u8,
    /// Probe count, 5–10 (`ntimest`).
    #[schemars(range(min = 5, max = 10))]
    pub packets: u8,
    /// Switch routes automatically on failure (`autoRouteSwitching`).
    #[serde(default)]
    pub auto_switch: bool,
}

/// A static route: a set of destinations and the next hops that reach them.
/// Identity is (gateway, ip version, destination set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaticRoute {
    /// Destination CIDRs (network addresses), IPv4 and/or IPv6; at least one.
    #[schemars(length(min = 1))]
    pub dst: Vec<IpNet>,
    /// Next hops; each names a line bound to this gateway; at least one.
    #[schemars(length(min = 1))]
    pub next_hops: Vec<NextHop>,
    /// Never deleted or replaced by apply.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect: bool,
}

impl StaticRoute {
    /// The route's `ipVersion`, from its destinations: IPV4 or IPV6 when all
    /// are of one family, DUALSTACK when both appear (IPV4 when empty).
    /// Part of the route's identity (gateway, ip version, destination set).
    pub fn ip_version(&self) -> IpVersion {
        let v4 = self.dst.iter().any(|d| matches!(d, IpNet::V4(_)));
        let v6 = self.dst.iter().any(|d| matches!(d, IpNet::V6(_)));
        match (v4, v6) {
            (true, true) => IpVersion::DualStack,
            (false, true) => IpVersion::Ipv6,
            _ => IpVersion::Ipv4,
        }
    }
}

/// One path of a static route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextHop {
    /// Name of a line bound to the gateway; its remote IP is the next hop.
    pub line: String,
    /// Lower is preferred.
    pub priority: u32,
    /// Track the path (`track=1`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub track: bool,
    /// BFD on this path.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bfd: bool,
}

/// A BGP route of a gateway; identity is (gateway, ip version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BgpRoute {
    /// Defaults to IPV4.
    #[serde(default = "default_ipv4")]
    pub ip_version: IpVersion,
    /// Customer-side networks announced (`networkCidr`/`networkCidrV6`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<IpNet>,
    /// Peers, one per line; at least one.
    #[schemars(length(min = 1))]
    pub peers: Vec<BgpPeer>,
    /// Multipath: number of load-sharing lines (1–255); absent = off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub multipath: Option<u8>,
    /// Never deleted or replaced by apply.
    #[serde(default, skip_serializing_if = "is_false")]
    pub protect: bool,
}

/// A BGP neighbour reached over one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BgpPeer {
    /// Name of a line bound to the gateway; the peer IP is its remote IP.
    pub line: String,
    /// Peer AS number (1–4294967295).
    #[schemars(range(min = 1))]
    pub peer_as: u32,
    /// Neighbour name (`BGPNeighbor`); defaults to the line name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbor: Option<String>,
    /// MD5 key, only as a reference: `{ env: NAME }` or `{ file: PATH }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<SecretRef>,
    /// BFD on this session.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bfd: bool,
}

/// Where a secret comes from. Literal secrets are not accepted in the file.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SecretRef {
    /// Read from this environment variable at plan and apply time.
    Env(String),
    /// Read from this file (trailing newline trimmed).
    File(String),
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_ipv4() -> IpVersion {
    IpVersion::Ipv4
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn peer(line: &str, key: Option<SecretRef>) -> BgpPeer {
        BgpPeer {
            line: line.into(),
            peer_as: 65001,
            neighbor: None,
            key,
            bfd: false,
        }
    }

    fn gateway(name: &str, peers: Vec<BgpPeer>) -> Gateway {
        Gateway {
            name: name.into(),
            hostname: None,
            access_point: None,
            description: None,
            lines: Vec::new(),
            vpcs: Vec::new(),
            static_routes: Vec::new(),
            bgp: vec![BgpRoute {
                ip_version: IpVersion::Ipv4,
                networks: Vec::new(),
                peers,
                multipath: None,
                protect: false,
            }],
            protect: false,
        }
    }

    #[test]
    fn secret_refs_lists_each_key_reference_once_at_its_first_use() {
        let k1 = SecretRef::Env("K1".into());
        let k2 = SecretRef::File("keys/k2".into());
        let state = DesiredState {
            region: "nm8".into(),
            account: None,
            prune: Vec::new(),
            physical_lines: Vec::new(),
            gateways: vec![
                gateway("gw1", vec![peer("a", None), peer("b", Some(k2.clone()))]),
                gateway(
                    "gw2",
                    vec![peer("c", Some(k1.clone())), peer("d", Some(k2.clone()))],
                ),
            ],
        };
        let uses: Vec<(&str, &str, &SecretRef)> = state
            .secret_uses()
            .map(|u| (u.gateway, u.line, u.reference))
            .collect();
        assert_eq!(uses, vec![("gw1", "b", &k2), ("gw2", "c", &k1)]);
        assert_eq!(state.secret_refs(), BTreeSet::from([k1, k2]));
        let none = DesiredState {
            gateways: vec![gateway("gw1", vec![peer("a", None)])],
            ..state
        };
        assert!(none.secret_refs().is_empty());
    }
}
