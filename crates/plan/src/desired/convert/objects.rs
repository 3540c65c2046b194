//! One reader per model type, from the whole file down to a BGP peer.

use super::{placeholder_switch, Conv};
use crate::desired::fields::{
    BANDWIDTH_MAX, BGP_FIELDS, GATEWAY_FIELDS, HEALTH_CHECK_FIELDS, IP_VERSIONS, KINDS,
    LINE_FIELDS, LINE_TYPES, NEXT_HOP_FIELDS, PEER_FIELDS, PORT_TYPES, STATIC_ROUTE_FIELDS,
    SWITCH_FIELDS, TOP_FIELDS, VPC_FIELDS,
};
use crate::desired::node::{Node, Value};
use crate::model::{
    BgpPeer, BgpRoute, DesiredState, Gateway, HealthCheck, IpVersion, LineType, NextHop,
    PhysicalLine, StaticRoute, SwitchPort, VpcAttachment,
};

impl Conv<'_> {
    pub(crate) fn desired_state(&mut self, root: &Node) -> DesiredState {
        let mut state = DesiredState {
            region: String::new(),
            account: None,
            prune: Vec::new(),
            physical_lines: Vec::new(),
            gateways: Vec::new(),
        };
        if root.value == Value::Null {
            self.fail(
                root.loc,
                "",
                "empty",
                "the file is empty; it needs at least `region`".to_owned(),
                None,
            );
            return state;
        }
        let Some(o) = self.object(root, "", "the desired state", TOP_FIELDS) else {
            return state;
        };
        state.region = self
            .req(&o, "region", Self::nonempty_string)
            .unwrap_or_default();
        state.account = self.opt(&o, "account", Self::nonempty_string);
        state.prune = self.list(o.get("prune"), "prune", |cv, n, p| cv.choice(n, p, KINDS));
        state.physical_lines = self.list(o.get("physical_lines"), "physical_lines", Self::line);
        state.gateways = self.list(o.get("gateways"), "gateways", Self::gateway);
        state
    }

    pub(super) fn line(&mut self, n: &Node, path: &str) -> Option<PhysicalLine> {
        let o = self.object(n, path, "a physical line", LINE_FIELDS)?;
        let name = self.req(&o, "name", Self::nonempty_string);
        let id = self.opt(&o, "id", Self::nonempty_string);
        let switch = self.req(&o, "switch", Self::switch);
        let line_type = self.req(&o, "line_type", |cv, n, p| cv.choice(n, p, LINE_TYPES));
        let bandwidth = self.req(&o, "bandwidth", |cv, n, p| cv.int(n, p, 1, BANDWIDTH_MAX));
        let vlan = self.opt(&o, "vlan", |cv, n, p| cv.int_as::<u16>(n, p, 1, 4094));
        let ip_version = self.req(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS));
        let local_ip = self.opt(&o, "local_ip", Self::interface);
        let remote_ip = self.opt(&o, "remote_ip", Self::interface);
        let local_ip_v6 = self.opt(&o, "local_ip_v6", Self::interface);
        let remote_ip_v6 = self.opt(&o, "remote_ip_v6", Self::interface);
        let access_point = self.opt(&o, "access_point", Self::string);
        let shared = self.opt_bool(&o, "shared");
        let description = self.opt(&o, "description", Self::string);
        let protect = self.opt_bool(&o, "protect");
        // Only the name is needed to keep the line in the partial model; a
        // problem elsewhere is reported and a placeholder stands in (the
        // partial model is never returned, since a problem was reported).
        // Without a readable IP version, the family rules skip the line.
        let name = name?;
        if ip_version.is_none() {
            self.broken_lines.insert(name.clone());
        }
        Some(PhysicalLine {
            name,
            id,
            switch: switch.unwrap_or_else(placeholder_switch),
            line_type: line_type.unwrap_or(LineType::Pon),
            bandwidth: bandwidth.unwrap_or(0),
            vlan,
            ip_version: ip_version.unwrap_or(IpVersion::Ipv4),
            local_ip,
            remote_ip,
            local_ip_v6,
            remote_ip_v6,
            access_point,
            shared,
            description,
            protect,
        })
    }

    fn switch(&mut self, n: &Node, path: &str) -> Option<SwitchPort> {
        let o = self.object(n, path, "a switch port", SWITCH_FIELDS)?;
        let hostname = self.req(&o, "hostname", Self::nonempty_string);
        let port = self.req(&o, "port", Self::nonempty_string);
        let port_type = self.req(&o, "port_type", |cv, n, p| cv.choice(n, p, PORT_TYPES));
        let ip = self.opt(&o, "ip", Self::ip_addr);
        Some(SwitchPort {
            hostname: hostname?,
            port: port?,
            port_type: port_type?,
            ip,
        })
    }

    pub(super) fn gateway(&mut self, n: &Node, path: &str) -> Option<Gateway> {
        let o = self.object(n, path, "a gateway", GATEWAY_FIELDS)?;
        let name = self.req(&o, "name", Self::nonempty_string);
        let hostname = self.opt(&o, "hostname", Self::nonempty_string);
        let access_point = self.opt(&o, "access_point", Self::string);
        let description = self.opt(&o, "description", Self::string);
        let lines = self.list(o.get("lines"), &o.p("lines"), Self::nonempty_string);
        let vpcs = self.list(o.get("vpcs"), &o.p("vpcs"), Self::vpc);
        let static_routes = self.list(
            o.get("static_routes"),
            &o.p("static_routes"),
            Self::static_route,
        );
        let bgp = self.list(o.get("bgp"), &o.p("bgp"), Self::bgp);
        let protect = self.opt_bool(&o, "protect");
        Some(Gateway {
            name: name?,
            hostname,
            access_point,
            description,
            lines,
            vpcs,
            static_routes,
            bgp,
            protect,
        })
    }

    fn vpc(&mut self, n: &Node, path: &str) -> Option<VpcAttachment> {
        let o = self.object(n, path, "a VPC attachment", VPC_FIELDS)?;
        let id = self.req(&o, "id", Self::nonempty_string);
        let name = self.opt(&o, "name", Self::string);
        let bandwidth = self.req(&o, "bandwidth", |cv, n, p| cv.int(n, p, 1, BANDWIDTH_MAX));
        let ip_version = self
            .opt(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS))
            .unwrap_or(IpVersion::Ipv4);
        let network_segment = self.opt(&o, "network_segment", Self::network);
        let network_segment_v6 = self.opt(&o, "network_segment_v6", Self::network);
        let subnets = self.list(o.get("subnets"), &o.p("subnets"), Self::network);
        let subnets_v6 = self.list(o.get("subnets_v6"), &o.p("subnets_v6"), Self::network);
        let dc_type = self.opt(&o, "dc_type", Self::nonempty_string);
        let health_check = self.opt(&o, "health_check", Self::health_check);
        let protect = self.opt_bool(&o, "protect");
        Some(VpcAttachment {
            id: id?,
            name,
            bandwidth: bandwidth.unwrap_or(0),
            ip_version,
            network_segment,
            network_segment_v6,
            subnets,
            subnets_v6,
            dc_type,
            health_check,
            protect,
        })
    }

    fn health_check(&mut self, n: &Node, path: &str) -> Option<HealthCheck> {
        let o = self.object(n, path, "a health check", HEALTH_CHECK_FIELDS)?;
        let src_ip = self.req(&o, "src_ip", Self::ip_addr);
        let dst_ip = self.req(&o, "dst_ip", Self::ip_addr);
        let interval = self.req(&o, "interval", |cv, n, p| cv.int_as::<u8>(n, p, 2, 5));
        let packets = self.req(&o, "packets", |cv, n, p| cv.int_as::<u8>(n, p, 5, 10));
        let auto_switch = self.opt_bool(&o, "auto_switch");
        Some(HealthCheck {
            src_ip: src_ip?,
            dst_ip: dst_ip?,
            interval: interval.unwrap_or(0),
            packets: packets.unwrap_or(0),
            auto_switch,
        })
    }

    fn static_route(&mut self, n: &Node, path: &str) -> Option<StaticRoute> {
        let o = self.object(n, path, "a static route", STATIC_ROUTE_FIELDS)?;
        let dst = o
            .req(self, "dst")
            .map(|d| self.list(Some(d), &o.p("dst"), Self::network));
        let next_hops = o
            .req(self, "next_hops")
            .map(|d| self.list(Some(d), &o.p("next_hops"), Self::next_hop));
        let protect = self.opt_bool(&o, "protect");
        Some(StaticRoute {
            dst: dst?,
            next_hops: next_hops?,
            protect,
        })
    }

    fn next_hop(&mut self, n: &Node, path: &str) -> Option<NextHop> {
        let o = self.object(n, path, "a next hop", NEXT_HOP_FIELDS)?;
        let line = self.req(&o, "line", Self::nonempty_string);
        let priority = self.req(&o, "priority", |cv, n, p| {
            cv.int_as::<u32>(n, p, 0, u64::from(u32::MAX))
        });
        let track = self.opt_bool(&o, "track");
        let bfd = self.opt_bool(&o, "bfd");
        Some(NextHop {
            line: line?,
            priority: priority.unwrap_or(0),
            track,
            bfd,
        })
    }

    fn bgp(&mut self, n: &Node, path: &str) -> Option<BgpRoute> {
        let o = self.object(n, path, "a BGP route", BGP_FIELDS)?;
        let ip_version = self
            .opt(&o, "ip_version", |cv, n, p| cv.choice(n, p, IP_VERSIONS))
            .unwrap_or(IpVersion::Ipv4);
        let networks = self.list(o.get("networks"), &o.p("networks"), Self::network);
        let peers = o
            .req(self, "peers")
            .map(|d| self.list(Some(d), &o.p("peers"), Self::peer));
        let multipath = self.opt(&o, "multipath", |cv, n, p| {
            cv.int_as::<u8>(n, p, 1, u64::from(u8::MAX))
        });
        let protect = self.opt_bool(&o, "protect");
        Some(BgpRoute {
            ip_version,
            networks,
            peers: peers?,
            multipath,
            protect,
        })
    }

    fn peer(&mut self, n: &Node, path: &str) -> Option<BgpPeer> {
        // Mask the key before anything else can report on it.
        if let Value::Map(pairs) = &n.value {
            for (k, v) in pairs {
                if k.value == Value::Str("key".to_owned()) {
                    self.redact_literal_key(v);
                }
            }
        }
        let o = self.object(n, path, "a BGP peer", PEER_FIELDS)?;
        let line = self.req(&o, "line", Self::nonempty_string);
        let peer_as = self.req(&o, "peer_as", |cv, n, p| {
            cv.int_as::<u32>(n, p, 1, u64::from(u32::MAX))
        });
        let neighbor = self.opt(&o, "neighbor", Self::nonempty_string);
        let key = self.opt(&o, "key", Self::secret_ref);
        let bfd = self.opt_bool(&o, "bfd");
        Some(BgpPeer {
            line: line?,
            peer_as: peer_as.unwrap_or(0),
            neighbor,
            key,
            bfd,
        })
    }
}
