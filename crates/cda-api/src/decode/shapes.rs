//! Where each list endpoint puts its items and which spellings of a field
//! an item may carry twice.

/// How to find and decode the items of a list endpoint.
pub(crate) struct ListShape {
    /// Documented container names, tried first.
    pub containers: &'static [&'static str],
    /// Fields only an item has (an object carrying one is a single
    /// flattened item, not a wrapper).
    pub item_keys: &'static [&'static str],
    /// Alias groups of the item type, see [`super::dedup_aliases`].
    pub groups: &'static [&'static [&'static str]],
}

pub(crate) const GATEWAYS: ListShape = ListShape {
    containers: &["lineGatewayList", "gatewayList"],
    item_keys: &["gatewayName", "vrfName", "displayName"],
    groups: groups::GATEWAY,
};
pub(crate) const LINES: ListShape = ListShape {
    containers: &["physicalLineList", "lineList"],
    item_keys: &["lineID", "lineId", "lineName"],
    groups: groups::LINE,
};
pub(crate) const VPCS: ListShape = ListShape {
    containers: &["vpcList"],
    item_keys: &["vpcID", "vpcId"],
    groups: groups::VPC,
};
pub(crate) const STATIC_ROUTES: ListShape = ListShape {
    containers: &["staticRouteList", "srList"],
    item_keys: &["SRID", "SRId", "srid", "srId"],
    groups: groups::STATIC_ROUTE,
};
pub(crate) const BGP_ROUTES: ListShape = ListShape {
    containers: &["bgpRouteList", "BGPRouteList"],
    item_keys: &["BGPID", "BGPId", "bgpId", "bgpid"],
    groups: groups::BGP_ROUTE,
};
pub(crate) const SWITCHES: ListShape = ListShape {
    containers: &["result", "switchList"],
    item_keys: &["switchID", "switchId"],
    groups: groups::SWITCH,
};
pub(crate) const HEALTH_STATUSES: ListShape = ListShape {
    containers: &["statusList"],
    item_keys: &["status"],
    groups: groups::HEALTH_STATUS,
};
pub(crate) const ACCOUNT_AUTHS: ListShape = ListShape {
    containers: &["accountAuthList", "result"],
    item_keys: &["fuid", "authAccountId", "authAccountID"],
    groups: groups::ACCOUNT_AUTH,
};

/// Alias groups per item type (mirrors the `alias`es in `types`).
pub(crate) mod groups {
    pub const LINE: &[&[&str]] = &[
        &["lineID", "lineId"],
        &["linecode", "lineCode"],
        &["regionID", "regionId"],
        &["localConnectIP", "localConnectIp"],
        &["remoteConnectIP", "remoteConnectIp"],
        &["localConnectIPv6", "localConnectIpv6"],
        &["remoteConnectIPv6", "remoteConnectIpv6"],
    ];
    pub const GATEWAY: &[&[&str]] = &[&["projectIdEcs", "projectIDEcs", "projectIDcs"]];
    pub const VPC: &[&[&str]] = &[
        &["vpcID", "vpcId"],
        &["vrfName", "gatewayName"],
        &["vpcSubnetIPv6", "vpcSubnetIpv6"],
        &["vpcNetworkSegmentIPv6", "vpcNetworkSegmentIpv6"],
        &["bandwidth", "virtualBandwidth"],
        &["ctUserId", "ctUserID"],
    ];
    pub const STATIC_ROUTE: &[&[&str]] = &[
        &["SRID", "SRId", "srid", "srId"],
        &["gatewayName", "vrfName"],
        &["dstCidrV6", "dstCidrv6"],
        &["nextHopV6", "nextHopv6"],
        &["remoteGatewayIp", "remoteGatewayIP"],
    ];
    pub const BGP_ROUTE: &[&[&str]] = &[
        &["BGPID", "BGPId", "bgpId", "bgpid"],
        &["gatewayName", "vrfName"],
        &["BGPList", "bgpList"],
        &["BGPIpv6List", "BGPIPv6List", "bgpIpv6List"],
        &["multiPathNum", "multiPathNumber"],
        &["multiPathNumIpv6", "multiPathNumberIpv6"],
        &["BGPNeighbor", "BGPNeighborIpv6", "bgpNeighbor"],
        &["BGPIP", "BGPIPv6", "BGPIp", "bgpIp"],
        &["lineID", "lineId"],
        &["peerAS", "peerAs"],
        &["BGPKey", "bgpKey"],
    ];
    pub const SWITCH: &[&[&str]] = &[&["switchID", "switchId"], &["switchName", "name"]];
    pub const HEALTH_CHECK: &[&[&str]] = &[
        &["srcIP", "srcIp"],
        &["dstIP", "dstIp"],
        &["ntimest", "nTimest", "ntimes"],
    ];
    pub const HEALTH_STATUS: &[&[&str]] = &[&["vpcId", "vpcID"], &["vrfName", "gatewayName"]];
    pub const ACCOUNT_AUTH: &[&[&str]] = &[
        &["accountId", "accountID"],
        &["vpcID", "vpcId"],
        &["gatewayName", "vrfName"],
        &["authAccountId", "authAccountID"],
        &["regionID", "regionId"],
    ];
}
