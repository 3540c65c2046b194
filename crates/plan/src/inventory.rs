//! The live estate as the API reports it, normalised so that equal estates
//! compare equal (lists sorted, CIDRs canonical).
//!
//! `apply` fills this in from `cda-api` list calls (refresh); `plan` never does
//! I/O. Secrets never enter it: a live BGP key is stored as its hash
//! ([`crate::secret_hash`]) the moment it is read.

use crate::model::{IpVersion, LineType, PortType};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Everything refresh read for one account and region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub lines: Vec<LiveLine>,
    pub gateways: Vec<LiveGateway>,
}

/// A physical line as listed by `physical-line/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveLine {
    /// `lineID`.
    pub id: String,
    pub name: String,
    /// Gateway the line is bound to (`vrfName`), if any.
    pub gateway: Option<String>,
    pub hostname: String,
    pub port: String,
    /// `None` when the API returned a value we do not model.
    pub port_type: Option<PortType>,
    pub line_type: Option<LineType>,
    pub bandwidth: u64,
    /// `Some` when tagged.
    pub vlan: Option<u16>,
    pub ip_version: IpVersion,
    pub local_ip: Option<IpNet>,
    pub remote_ip: Option<IpNet>,
    pub local_ip_v6: Option<IpNet>,
    pub remote_ip_v6: Option<IpNet>,
    pub access_point: Option<String>,
    pub shared: bool,
    pub description: Option<String>,
}

/// A gateway as listed by `gateway/list`, with its children from the
/// per-gateway list calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveGateway {
    pub name: String,
    pub hostname: Option<String>,
    pub access_point: Option<String>,
    pub description: Option<String>,
    /// IDs of bound lines (`lineList`), sorted.
    pub line_ids: Vec<String>,
    pub vpcs: Vec<LiveVpc>,
    pub static_routes: Vec<LiveStaticRoute>,
    pub bgp_routes: Vec<LiveBgpRoute>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveVpc {
    /// `vpcID`.
    pub id: String,
    pub name: Option<String>,
    pub bandwidth: u64,
    pub ip_version: IpVersion,
    pub network_segment: Option<IpNet>,
    pub network_segment_v6: Option<IpNet>,
    pub subnets: Vec<IpNet>,
    pub subnets_v6: Vec<IpNet>,
    pub dc_type: Option<String>,
    pub health_check: Option<LiveHealthCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveHealthCheck {
    pub src_ip: IpAddr,
    pub dst_ip: IpAddr,
    pub interval: u8,
    pub packets: u8,
    pub auto_switch: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveStaticRoute {
    /// `SRID`.
    pub id: String,
    pub ip_version: IpVersion,
    /// IPv4 and IPv6 destinations together, sorted.
    pub dst: Vec<IpNet>,
    /// IPv4 next hops (`nextHop`), sorted by (priority, address).
    pub next_hops: Vec<LiveNextHop>,
    /// IPv6 next hops (`nextHopV6`).
    pub next_hops_v6: Vec<LiveNextHop>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveNextHop {
    /// `remoteGatewayIp`: a bound line's remote interconnect address.
    pub remote_ip: IpAddr,
    pub priority: u32,
    pub track: bool,
    pub bfd: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveBgpRoute {
    /// `BGPID`.
    pub id: String,
    pub ip_version: IpVersion,
    /// IPv4 and IPv6 networks together, sorted.
    pub networks: Vec<IpNet>,
    /// IPv4 and IPv6 peers together, sorted by line id.
    pub peers: Vec<LiveBgpPeer>,
    pub multipath: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveBgpPeer {
    /// `BGPNeighbor`.
    pub neighbor: String,
    /// `BGPIP`.
    pub ip: IpAddr,
    /// `lineID` when the API gave it; refresh fills it from `lineName` otherwise.
    pub line_id: Option<String>,
    pub line_name: Option<String>,
    pub peer_as: u32,
    /// [`crate::secret_hash`] of the live key; the key itself is never kept.
    pub key_hash: Option<String>,
    pub bfd: bool,
}
