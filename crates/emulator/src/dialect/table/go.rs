//! Dialect `go`: the GO wrappers taken literally (DIALECTS.md §2.1, §3.1).

use super::{
    body, ep, result, rows, Body, Container, Counts, EnvField, Explode, ResponseRules, RowShape,
    SettingsShape, Switches,
};
use EnvField::{Description, Error, ErrorCode, ErrorDetail, Message, SubCode, SubMsg};

const GO_ENV: &[EnvField] = &[Message, Description, ErrorCode, Error, ErrorDetail];
/// bind/unbind and gateway/physical-line-list declare no `errorDetail`.
const GO_ENV_NO_DETAIL: &[EnvField] = &[Message, Description, ErrorCode, Error];
/// health-check calls declare no `error`.
const GO_ENV_HEALTH: &[EnvField] = &[Message, Description, ErrorCode, ErrorDetail];
/// physical-line/list: `subCode`/`subMsg`, no `description`/`errorCode`.
const GO_ENV_LINES: &[EnvField] = &[Message, SubCode, SubMsg, Error];

const GO_RESULT: &[&str] = &["result", "data", "errorMsg", "errorCode"];
const GO_RESULT_LINE: &[&str] = &["result", "errorMsg"];
const GO_RESULT_BIND: &[&str] = &["result", "data", "errorMsg"];
const GO_RESULT_HEALTH: &[&str] = &["result", "data", "errorCode", "errorMsg", "traceId"];

const GO_GATEWAY_ROW: RowShape = RowShape {
    renames: &[("projectIdEcs", "projectIDcs")],
    keep: Some(&[
        "fuid",
        "vrfName",
        "gatewayName",
        "accessPoint",
        "account",
        "isSwConfig",
        "lineList",
        "resourcePool",
        "resourcePoolName",
        "isAutomation",
        "projectIDcs",
        "lgcreateTime",
        "fuserLastUpdated",
        "deleteTime",
    ]),
    drop: &[],
    joined: &[],
    separator: ",",
    explode: None,
};

const GO_LINE_FIELDS: &[&str] = &[
    "lineId",
    "lineName",
    "account",
    "vrfName",
    "resourcePool",
    "resourcePoolName",
    "ipVersion",
    "localConnectIP",
    "remoteConnectIP",
    "localConnectIPv6",
    "remoteConnectIPv6",
    "hostname",
    "portType",
    "portName",
    "portNameBus",
    "bandwidth",
    "deviceIp",
    "lineType",
    "tag",
    "vlan",
    "isShared",
    "accessPoint",
    "location",
    "linecode",
    "description",
    "regionID",
    "fuid",
    "authorizedAccount",
    "projectIdEcs",
    "layer",
    "lineCreateTime",
    "fuserLastUpdated",
    "deleteTime",
    "customerId",
];

const GO_LINE_ROW: RowShape = RowShape {
    renames: &[("lineID", "lineId")],
    keep: Some(GO_LINE_FIELDS),
    drop: &[],
    joined: &[],
    separator: ",",
    explode: None,
};

/// gateway/physical-line-list: as physical-line/list minus `description`,
/// with `projectIDEcs` (capital ID).
const GO_BOUND_LINE_ROW: RowShape = RowShape {
    renames: &[("lineID", "lineId"), ("projectIdEcs", "projectIDEcs")],
    keep: Some(&[
        "lineId",
        "lineName",
        "account",
        "vrfName",
        "resourcePool",
        "resourcePoolName",
        "ipVersion",
        "localConnectIP",
        "remoteConnectIP",
        "localConnectIPv6",
        "remoteConnectIPv6",
        "hostname",
        "portType",
        "portName",
        "portNameBus",
        "bandwidth",
        "deviceIp",
        "lineType",
        "tag",
        "vlan",
        "isShared",
        "accessPoint",
        "location",
        "linecode",
        "regionID",
        "fuid",
        "authorizedAccount",
        "projectIDEcs",
        "layer",
        "lineCreateTime",
        "fuserLastUpdated",
        "deleteTime",
        "customerId",
    ]),
    drop: &[],
    joined: &[],
    separator: ",",
    explode: None,
};

const GO_VPC_ROW: RowShape = RowShape {
    renames: &[
        ("vpcID", "vpcId"),
        ("bandwidth", "virtualBandwidth"),
        ("vpcSubnetIPv6", "vpcSubnetIpv6"),
        ("vpcNetworkSegmentIPv6", "vpcNetworkSegmentIpv6"),
    ],
    keep: Some(&[
        "account",
        "vpcId",
        "vrfName",
        "dcType",
        "vpcSubnet",
        "vpcSubnetIpv6",
        "resourcePool",
        "ipVersion",
        "virtualBandwidth",
        "vpcName",
        "vpcNetworkSegment",
        "vpcNetworkSegmentIpv6",
        "ctUserId",
    ]),
    drop: &[],
    joined: &["vpcSubnet", "vpcSubnetIpv6"],
    separator: ",",
    explode: None,
};

/// One row per next hop (IPv6 hops too, as GO rows have no `nextHopV6`).
const GO_STATIC_ROW: RowShape = RowShape {
    renames: &[],
    keep: Some(&[
        "ipVersion",
        "gatewayName",
        "dstCidr",
        "dstCidrV6",
        "SRID",
        "remoteGatewayIp",
        "priority",
        "track",
    ]),
    drop: &[],
    joined: &[],
    separator: ",",
    explode: Some(Explode {
        lists: &["nextHop", "nextHopV6"],
        item_fields: &["remoteGatewayIp", "priority", "track"],
    }),
};

/// One row per BGP peer (IPv6 peers too), the peer's line by `lineName`.
const GO_BGP_ROW: RowShape = RowShape {
    renames: &[],
    keep: Some(&[
        "BGPID",
        "gatewayName",
        "ipVersion",
        "networkCidr",
        "networkCidrV6",
        "multiPath",
        "multiPathNumber",
        "multiPathType",
        "multiPathIpv6",
        "multiPathNumberIpv6",
        "BGPNeighbor",
        "BGPIP",
        "lineName",
        "peerAS",
        "BGPKey",
        "bfd",
    ]),
    drop: &[],
    joined: &[],
    separator: ",",
    explode: Some(Explode {
        lists: &["BGPList", "BGPIpv6List"],
        item_fields: &[
            "BGPNeighbor",
            "BGPIP",
            "lineName",
            "peerAS",
            "BGPKey",
            "bfd",
        ],
    }),
};

pub(super) static GO: &[Switches] = &[
    ep(
        "/v4/cda/gateway/list",
        body(
            &[
                "pageNo",
                "pageSize",
                "account",
                "projectID",
                "regionID",
                "gatewayName",
            ],
            &["pageNo", "pageSize", "account"],
        ),
        rows(
            GO_ENV,
            "lineGatewayList",
            GO_GATEWAY_ROW,
            Container::Flat(Counts::Count),
        ),
    ),
    ep(
        "/v4/cda/gateway/add",
        body(
            &[
                "gatewayName",
                "account",
                "resourcePool",
                "resourcePoolName",
                "hostname",
                "isSwConfig",
                "description",
            ],
            &[
                "gatewayName",
                "account",
                "resourcePool",
                "resourcePoolName",
                "hostname",
            ],
        ),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/gateway/delete",
        body(&["gatewayName"], &["gatewayName"]),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/physical-line/list",
        body(
            &["pageNo", "pageSize", "regionID", "type", "account"],
            &["pageNo", "pageSize"],
        ),
        rows(
            GO_ENV_LINES,
            "physicalLineList",
            GO_LINE_ROW,
            Container::Flat(Counts::TotalCurrent),
        ),
    ),
    ep(
        "/v4/cda/physical-line/add",
        body(
            &[
                "lineName",
                "account",
                "resourcePool",
                "resourcePoolName",
                "ipVersion",
                "hostname",
                "portType",
                "portName",
                "bandwidth",
                "lineType",
                "tag",
                "isShared",
                "localConnectIP",
                "remoteConnectIP",
                "localConnectIPv6",
                "remoteConnectIPv6",
                "vlan",
                "accessPoint",
                "location",
                "lineCode",
                "description",
            ],
            &[
                "lineName",
                "account",
                "resourcePool",
                "resourcePoolName",
                "ipVersion",
                "hostname",
                "portType",
                "portName",
                "bandwidth",
                "lineType",
                "tag",
                "isShared",
            ],
        ),
        result(GO_ENV, GO_RESULT_LINE),
    ),
    ep(
        "/v4/cda/physical-line/update",
        body(
            &[
                "lineID",
                "bandwidth",
                "lineName",
                "location",
                "lineCode",
                "description",
            ],
            &["lineID"],
        ),
        result(GO_ENV, GO_RESULT_LINE),
    ),
    ep(
        "/v4/cda/physical-line/delete",
        body(&["lineID"], &["lineID"]),
        result(GO_ENV, GO_RESULT_LINE),
    ),
    ep(
        "/v4/cda/physical-line/bind",
        body(&["gatewayName", "lineID"], &["gatewayName", "lineID"]),
        result(GO_ENV_NO_DETAIL, GO_RESULT_BIND),
    ),
    ep(
        "/v4/cda/physical-line/unbind",
        body(&["gatewayName", "lineID"], &["gatewayName", "lineID"]),
        result(GO_ENV_NO_DETAIL, GO_RESULT_BIND),
    ),
    ep(
        "/v4/cda/gateway/physical-line-list",
        body(&["gatewayName", "account"], &["gatewayName", "account"]),
        rows(
            GO_ENV_NO_DETAIL,
            "physicalLineList",
            GO_BOUND_LINE_ROW,
            Container::Flat(Counts::None),
        ),
    ),
    // vpc/add and vpc/delete: GO's structs are copies of gateway add/delete
    // (no vpcID) — broken, so reference.
    ep(
        "/v4/cda/vpc/update",
        body(
            &[
                "regionID",
                "gatewayName",
                "vpcID",
                "ipVersion",
                "bandwidth",
                "vpcSubnet",
                "vpcSubnetIPv6",
            ],
            &["regionID", "gatewayName", "vpcID", "ipVersion", "bandwidth"],
        ),
        result(GO_ENV, GO_RESULT_BIND),
    ),
    ep(
        "/v4/cda/vpc/list",
        body(&["gatewayName", "account"], &["gatewayName", "account"]),
        rows(GO_ENV, "vpcList", GO_VPC_ROW, Container::Flat(Counts::None)),
    ),
    ep(
        "/v4/cda/static-route/add",
        body(
            &[
                "ipVersion",
                "gatewayName",
                "dstCidr",
                "dstCidrV6",
                "nextHop",
                "nextHopV6",
            ],
            &["ipVersion", "gatewayName"],
        ),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/static-route/update",
        body(
            &[
                "SRID",
                "ipVersion",
                "dstCidr",
                "dstCidrV6",
                "nextHop",
                "nextHopV6",
            ],
            &["SRID", "ipVersion"],
        ),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/static-route/delete",
        body(&["SRID"], &["SRID"]),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/static-route/list",
        body(&["gatewayName", "account"], &["gatewayName", "account"]),
        rows(
            GO_ENV,
            "staticRouteList",
            GO_STATIC_ROW,
            Container::Flat(Counts::None),
        ),
    ),
    ep(
        "/v4/cda/bgp-route/add",
        body(
            &[
                "ipVersion",
                "gatewayName",
                "networkCidr",
                "networkCidrV6",
                "BGPList",
                "BGPIpv6List",
                "multiPath",
                "multiPathNum",
                "multiPathType",
                "multiPathIpv6",
                "multiPathNumIpv6",
            ],
            &["ipVersion", "gatewayName"],
        ),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/bgp-route/update",
        body(
            &[
                "BGPID",
                "ipVersion",
                "networkCidr",
                "networkCidrV6",
                "BGPList",
                "BGPIpv6List",
                "multiPath",
                "multiPathNum",
                "multiPathType",
                "multiPathIpv6",
                "multiPathNumIpv6",
            ],
            &["BGPID", "ipVersion"],
        ),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/bgp-route/delete",
        body(&["BGPId"], &["BGPId"]),
        result(GO_ENV, GO_RESULT),
    ),
    ep(
        "/v4/cda/bgp-route/list",
        body(&["gatewayName", "account"], &["gatewayName", "account"]),
        rows(
            GO_ENV,
            "bgpRouteList",
            GO_BGP_ROW,
            Container::Flat(Counts::None),
        ),
    ),
    ep(
        "/v4/cda/health-check/add",
        body(
            &[
                "regionID",
                "gatewayName",
                "vpcID",
                "vpcName",
                "vpcSubnet",
                "vpcSubnetID",
                "srcIP",
                "dstIP",
                "interval",
                "ntimest",
                "autoRouteSwitching",
            ],
            &[
                "regionID",
                "gatewayName",
                "vpcID",
                "vpcName",
                "vpcSubnet",
                "vpcSubnetID",
                "srcIP",
                "dstIP",
                "interval",
                "ntimest",
                "autoRouteSwitching",
            ],
        ),
        result(GO_ENV_HEALTH, GO_RESULT_HEALTH),
    ),
    ep(
        "/v4/cda/health-check/update",
        body(
            &[
                "regionID",
                "gatewayName",
                "vpcID",
                "interval",
                "ntimest",
                "autoRouteSwitching",
            ],
            &[
                "regionID",
                "gatewayName",
                "vpcID",
                "interval",
                "ntimest",
                "autoRouteSwitching",
            ],
        ),
        result(GO_ENV_HEALTH, GO_RESULT_HEALTH),
    ),
    ep(
        "/v4/cda/health-check/get",
        body(
            &["gatewayName", "vpcID", "vpcName"],
            &["gatewayName", "vpcID", "vpcName"],
        ),
        Some(ResponseRules {
            envelope: GO_ENV_HEALTH,
            body: Body::Settings(SettingsShape::FlatData),
        }),
    ),
    ep(
        "/v4/vpn/config/delete",
        body(
            &["regionID", "gatewayName", "vpcID"],
            &["regionID", "gatewayName", "vpcID"],
        ),
        result(GO_ENV_HEALTH, GO_RESULT_HEALTH),
    ),
];
