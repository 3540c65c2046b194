//! The live estate as the API reports it, normalised so that equal estates
//! compare equal (lists sorted, CIDRs canonical).
//!
//! `apply` fills this in from `cda-api` list calls (refresh); `plan` never does
//! I/O. Secrets never enter it: a live BGP key is stored as its hash
//! ([`crate::secret_hash`]) the moment it is read.

use crate::action::{address, ResourceKind};
use crate::model::{IpVersion, LineType, PortType};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
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
    /// The API says a check is set but returns its settings in a form that
    /// cannot be read (an opaque `settingItem`/`data` string, DIALECTS §5
    /// #13). The other fields are then placeholders and are never compared.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

impl LiveHealthCheck {
    /// A check that exists but whose settings cannot be read.
    pub fn unreadable() -> Self {
        LiveHealthCheck {
            src_ip: IpAddr::from([0, 0, 0, 0]),
            dst_ip: IpAddr::from([0, 0, 0, 0]),
            interval: 0,
            packets: 0,
            auto_switch: false,
            unreadable: true,
        }
    }
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
    /// `None` when the server's rows do not show BFD (GO's static-route
    /// rows have no `bfd`): then it is not compared, never guessed.
    pub bfd: Option<bool>,
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

/// Fingerprint of an address that does not exist in the live estate.
pub const ABSENT: &str = "absent";

/// An [`Inventory`] in canonical form by construction (see
/// [`Inventory::normalise`]), so [`crate::diff::plan_normalised`] needs no
/// check and no copy. Read it through `Deref`; it cannot be changed in
/// place, which would break the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct NormalisedInventory(Inventory);

impl NormalisedInventory {
    /// Normalises `inventory` (a no-op on one that is canonical already,
    /// apart from the walk).
    pub fn new(mut inventory: Inventory) -> Self {
        inventory.normalise();
        NormalisedInventory(inventory)
    }

    pub fn into_inner(self) -> Inventory {
        self.0
    }
}

impl From<Inventory> for NormalisedInventory {
    fn from(inventory: Inventory) -> Self {
        NormalisedInventory::new(inventory)
    }
}

impl std::ops::Deref for NormalisedInventory {
    type Target = Inventory;
    fn deref(&self) -> &Inventory {
        &self.0
    }
}

impl AsRef<Inventory> for NormalisedInventory {
    fn as_ref(&self) -> &Inventory {
        &self.0
    }
}

impl Inventory {
    /// Puts the inventory in canonical form so that equal estates compare
    /// equal whatever order and spelling the API listed them in: every list
    /// sorted, destination and subnet CIDRs truncated to their network
    /// address, duplicates removed. Interconnect addresses keep their host
    /// bits (they name an interface, not a network).
    pub fn normalise(&mut self) {
        for line in &mut self.lines {
            line.description = line.description.take().filter(|d| !d.is_empty());
            line.access_point = line.access_point.take().filter(|d| !d.is_empty());
        }
        self.lines.sort_by(|a, b| line_key(a).cmp(&line_key(b)));
        for gw in &mut self.gateways {
            gw.line_ids.sort();
            gw.line_ids.dedup();
            for vpc in &mut gw.vpcs {
                vpc.network_segment = vpc.network_segment.map(|n| n.trunc());
                vpc.network_segment_v6 = vpc.network_segment_v6.map(|n| n.trunc());
                canonical_cidrs(&mut vpc.subnets);
                canonical_cidrs(&mut vpc.subnets_v6);
            }
            gw.vpcs.sort_by(|a, b| a.id.cmp(&b.id));
            for route in &mut gw.static_routes {
                canonical_cidrs(&mut route.dst);
                route.next_hops.sort_by_key(hop_key);
                route.next_hops_v6.sort_by_key(hop_key);
            }
            gw.static_routes
                .sort_by(|a, b| route_key(a).cmp(&route_key(b)));
            for route in &mut gw.bgp_routes {
                canonical_cidrs(&mut route.networks);
                route.peers.sort_by(|a, b| peer_key(a).cmp(&peer_key(b)));
            }
            gw.bgp_routes.sort_by_key(|r| (r.ip_version, r.id.clone()));
        }
        self.gateways.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// The inventory in canonical form, with the form in its type.
    pub fn into_normalised(self) -> NormalisedInventory {
        NormalisedInventory::new(self)
    }

    /// True when [`Inventory::normalise`] would change nothing; lets the
    /// planner skip copying an inventory the caller already normalised.
    pub fn is_normalised(&self) -> bool {
        let lines_ok =
            self.lines.iter().all(|l| {
                l.description.as_deref() != Some("") && l.access_point.as_deref() != Some("")
            }) && sorted_by(&self.lines, |a, b| line_key(a) <= line_key(b));
        lines_ok
            && sorted_by(&self.gateways, |a, b| a.name <= b.name)
            && self.gateways.iter().all(|gw| {
                sorted_by(&gw.line_ids, |a, b| a < b)
                    && sorted_by(&gw.vpcs, |a, b| a.id <= b.id)
                    && gw.vpcs.iter().all(|v| {
                        v.network_segment.is_none_or(|n| n == n.trunc())
                            && v.network_segment_v6.is_none_or(|n| n == n.trunc())
                            && canonical(&v.subnets)
                            && canonical(&v.subnets_v6)
                    })
                    && sorted_by(&gw.static_routes, |a, b| route_key(a) <= route_key(b))
                    && gw.static_routes.iter().all(|r| {
                        canonical(&r.dst)
                            && sorted_by(&r.next_hops, |a, b| hop_key(a) <= hop_key(b))
                            && sorted_by(&r.next_hops_v6, |a, b| hop_key(a) <= hop_key(b))
                    })
                    && sorted_by(&gw.bgp_routes, |a, b| {
                        (a.ip_version, &a.id) <= (b.ip_version, &b.id)
                    })
                    && gw.bgp_routes.iter().all(|r| {
                        canonical(&r.networks)
                            && sorted_by(&r.peers, |a, b| peer_key(a) <= peer_key(b))
                    })
            })
    }

    /// Line ID → the line's position in `lines` (the last of lines
    /// sharing an ID).
    pub fn line_positions(&self) -> HashMap<&str, usize> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect()
    }

    /// The lines each gateway lists, found by ID in `positions`
    /// ([`Inventory::line_positions`]).
    pub fn bound_lines(&self, positions: &HashMap<&str, usize>) -> BoundLines {
        let mut bound = BoundLines {
            at: Vec::with_capacity(self.lines.len()),
            start: Vec::with_capacity(self.gateways.len() + 1),
        };
        for gw in &self.gateways {
            bound.start.push(bound.at.len());
            bound.at.extend(gw.line_ids.iter().map(|id| {
                positions
                    .get(id.as_str())
                    .and_then(|&i| u32::try_from(i).ok())
                    .unwrap_or(BoundLines::UNKNOWN)
            }));
        }
        bound.start.push(bound.at.len());
        bound
    }

    /// Address → fingerprint of every live object, using the same address
    /// scheme as [`crate::action::Action::address`]. Call on a normalised
    /// inventory; [`crate::planfile::stale`] compares two of these maps.
    pub fn fingerprints(&self) -> BTreeMap<String, String> {
        self.fingerprints_with(&self.bound_lines(&self.line_positions()))
    }

    /// [`Inventory::fingerprints`], with the gateways' lines already found
    /// (the plan has them from matching lines).
    pub fn fingerprints_with(&self, bound: &BoundLines) -> BTreeMap<String, String> {
        // Gathered a kind at a time, each kind in gateway order, the kinds
        // in the order their addresses sort in
        // ([`ResourceKind::address_rank`]): the list is then nearly sorted,
        // and putting 200,000 addresses into the map is a walk rather than
        // a sort scattered over memory. A later entry for an address wins,
        // as an insert would.
        let mut gateways = Vec::with_capacity(self.gateways.len());
        let (mut bindings, mut vpcs, mut checks) = (Vec::new(), Vec::new(), Vec::new());
        let (mut statics, mut bgp) = (Vec::new(), Vec::new());
        for (g, gw) in self.gateways.iter().enumerate() {
            // Children have their own addresses; a gateway's own fingerprint
            // covers only what a gateway replace depends on.
            let own = (&gw.name, &gw.hostname, &gw.access_point, &gw.description);
            gateways.push((address::gateway(&gw.name), fingerprint(&own)));
            for (id, at) in gw.line_ids.iter().zip(bound.of(g)) {
                let line = self.lines.get(*at as usize);
                let name = line.map_or(id.as_str(), |l| l.name.as_str());
                bindings.push((
                    address::binding(&gw.name, name),
                    fingerprint(&(&gw.name, id)),
                ));
            }
            for vpc in &gw.vpcs {
                let mut bare = vpc.clone();
                bare.health_check = None;
                vpcs.push((address::vpc(&gw.name, &vpc.id), fingerprint(&bare)));
                if let Some(check) = &vpc.health_check {
                    checks.push((address::health_check(&gw.name, &vpc.id), fingerprint(check)));
                }
            }
            for route in &gw.static_routes {
                statics.push((
                    address::static_route(&gw.name, route.ip_version, &route.dst),
                    fingerprint(route),
                ));
            }
            for route in &gw.bgp_routes {
                bgp.push((
                    address::bgp_route(&gw.name, route.ip_version),
                    fingerprint(route),
                ));
            }
        }
        let lines = self
            .lines
            .iter()
            .map(|line| (address::physical_line(&line.name), fingerprint(line)))
            .collect();
        let mut by_kind: [Vec<(String, String)>; 7] = Default::default();
        for (kind, list) in [
            (ResourceKind::PhysicalLine, lines),
            (ResourceKind::Gateway, gateways),
            (ResourceKind::Binding, bindings),
            (ResourceKind::Vpc, vpcs),
            (ResourceKind::HealthCheck, checks),
            (ResourceKind::StaticRoute, statics),
            (ResourceKind::BgpRoute, bgp),
        ] {
            by_kind[kind.address_rank()] = list;
        }
        by_kind.into_iter().flatten().collect()
    }
}

/// The live lines each gateway lists, as positions in [`Inventory::lines`],
/// one run per gateway in the inventory's order: each ID is looked up once
/// and the plan's passes and fingerprints read the positions.
#[derive(Debug, Clone, Default)]
pub struct BoundLines {
    /// [`BoundLines::UNKNOWN`] where no live line has the ID.
    at: Vec<u32>,
    /// Where each gateway's run starts in `at`; one more at the end.
    start: Vec<usize>,
}

impl BoundLines {
    pub const UNKNOWN: u32 = u32::MAX;

    /// The positions of the lines gateway `gw` (its position in
    /// [`Inventory::gateways`]) lists, in the order of its `line_ids`.
    pub fn of(&self, gw: usize) -> &[u32] {
        match (self.start.get(gw), self.start.get(gw + 1)) {
            (Some(&a), Some(&b)) => self.at.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// SHA-256 of the canonical JSON of a live object.
fn fingerprint<T: Serialize + ?Sized>(value: &T) -> String {
    // An object's JSON is small: written whole, then hashed at once
    // rather than a token at a time. Serialising plain data cannot fail; if it ever did, the hash differs
    // and the plan is stale, which is the safe direction.
    let json = serde_json::to_vec(value).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(&json)))
}

fn canonical_cidrs(list: &mut Vec<IpNet>) {
    for net in list.iter_mut() {
        *net = net.trunc();
    }
    list.sort();
    list.dedup();
}

fn sorted_by<T>(list: &[T], in_order: impl Fn(&T, &T) -> bool) -> bool {
    list.windows(2).all(|w| in_order(&w[0], &w[1]))
}

/// Network addresses, strictly increasing (what `canonical_cidrs` makes).
fn canonical(list: &[IpNet]) -> bool {
    list.iter().all(|n| *n == n.trunc()) && sorted_by(list, |a, b| a < b)
}

fn line_key(l: &LiveLine) -> (&str, &str) {
    (&l.name, &l.id)
}

fn hop_key(h: &LiveNextHop) -> (u32, IpAddr, bool, Option<bool>) {
    (h.priority, h.remote_ip, h.track, h.bfd)
}

fn route_key(r: &LiveStaticRoute) -> (IpVersion, &[IpNet], &str) {
    (r.ip_version, &r.dst, &r.id)
}

type PeerKey<'a> = (Option<&'a str>, Option<&'a str>, IpAddr, &'a str);

fn peer_key(p: &LiveBgpPeer) -> PeerKey<'_> {
    (
        p.line_id.as_deref(),
        p.line_name.as_deref(),
        p.ip,
        &p.neighbor,
    )
}
