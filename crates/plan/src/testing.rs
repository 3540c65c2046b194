//! Test support shared by the crate's unit tests, integration tests and
//! benches: the live objects the API would list once a desired object is
//! applied. Only built for tests (`cfg(test)`) or with the `testing` feature
//! (enabled by the crate's own dev-dependency), so it is no public API.

use crate::inventory::{LiveHealthCheck, LiveLine, LiveVpc};
use crate::model::{
    HealthCheck, IpVersion, LineType, PhysicalLine, PortType, SwitchPort, VpcAttachment,
};

/// Desired IPv4 line number `n` on switch `sw1`: port `GE1/0/n`, VLAN
/// `1000 + n`, interconnect `10.255.n.1/30` ↔ `10.255.n.2/30`, 100 Mbps.
pub fn desired_line(name: &str, n: u8) -> PhysicalLine {
    let net = |text: String| text.parse().ok();
    PhysicalLine {
        name: name.into(),
        id: None,
        switch: SwitchPort {
            hostname: "sw1".into(),
            port: format!("GE1/0/{n}"),
            port_type: PortType::TenG,
            ip: None,
        },
        line_type: LineType::Ipran,
        bandwidth: 100,
        vlan: Some(1000 + u16::from(n)),
        ip_version: IpVersion::Ipv4,
        local_ip: net(format!("10.255.{n}.1/30")),
        remote_ip: net(format!("10.255.{n}.2/30")),
        local_ip_v6: None,
        remote_ip_v6: None,
        access_point: None,
        shared: false,
        description: None,
        protect: false,
    }
}

/// The line the API would list once `line` is applied, under this `id` and
/// bound to this `gateway` (ids and bindings are the caller's choice).
pub fn live_line(line: &PhysicalLine, id: String, gateway: Option<String>) -> LiveLine {
    LiveLine {
        id,
        name: line.name.clone(),
        gateway,
        hostname: line.switch.hostname.clone(),
        port: line.switch.port.clone(),
        port_type: Some(line.switch.port_type),
        line_type: Some(line.line_type),
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
    }
}

/// The VPC attachment (and its health check) the API would list once `vpc`
/// is applied.
pub fn live_vpc(vpc: &VpcAttachment) -> LiveVpc {
    LiveVpc {
        id: vpc.id.clone(),
        name: vpc.name.clone(),
        bandwidth: vpc.bandwidth,
        ip_version: vpc.ip_version,
        network_segment: vpc.network_segment,
        network_segment_v6: vpc.network_segment_v6,
        subnets: vpc.subnets.clone(),
        subnets_v6: vpc.subnets_v6.clone(),
        dc_type: vpc.dc_type.clone(),
        health_check: vpc.health_check.as_ref().map(live_health_check),
    }
}

/// The health check the API would list once `check` is applied.
pub fn live_health_check(check: &HealthCheck) -> LiveHealthCheck {
    LiveHealthCheck {
        unreadable: false,
        src_ip: check.src_ip,
        dst_ip: check.dst_ip,
        interval: check.interval,
        packets: check.packets,
        auto_switch: check.auto_switch,
    }
}
