//! The switches of each dialect, endpoint by endpoint (`DIALECTS.md` §2–3).
//!
//! An endpoint missing from a dialect's table, or an aspect left `None`,
//! behaves as `reference`: that is where a source is silent or evidently
//! broken. `docs/emulator.md` lists every such fallback; keep both in step.

use super::Style;

/// Where a call's parameters are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The query string only; a body is ignored (PY4/DOC GETs).
    Query,
    /// The JSON body only; the query is ignored (GO, and every POST).
    Body,
}

/// What a strict dialect accepts in a request.
#[derive(Debug, Clone, Copy)]
pub struct RequestRules {
    pub placement: Placement,
    /// The request schema: every other field is ignored, as a server
    /// decoding into this source's struct would. Nested objects (next hops,
    /// BGP peers) pass as they are.
    pub accepted: &'static [&'static str],
    /// Fields that must be present (any non-null value, even `""` or `0`:
    /// GO always sends them, empty or not). Missing → 900
    /// `CDA.Request.MissingParameter` naming the first one missing.
    pub required: &'static [&'static str],
    /// `(source spelling, handler spelling)` renames applied after the
    /// filter (PY4's `note` is the line's `description`).
    pub renames: &'static [(&'static str, &'static str)],
}

/// Envelope fields besides `statusCode` (and `returnObj` when the body is
/// nested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvField {
    Message,
    Description,
    ErrorCode,
    Error,
    /// GO: an (empty) object.
    ErrorDetail,
    /// DOC gateway/list: "错误明细", a string.
    Details,
    /// GO physical-line/list: "返回码".
    SubCode,
    /// GO physical-line/list: "返回码相应描述".
    SubMsg,
}

/// How list rows are reshaped.
#[derive(Debug, Clone, Copy)]
pub struct RowShape {
    /// `(reference spelling, dialect spelling)`.
    pub renames: &'static [(&'static str, &'static str)],
    /// After renames: keep only these fields (`None`: keep all but `drop`).
    pub keep: Option<&'static [&'static str]>,
    pub drop: &'static [&'static str],
    /// List fields served as one string, items joined with `separator`.
    pub joined: &'static [&'static str],
    pub separator: &'static str,
    /// One row per item of these lists instead of one per object (next
    /// hops, BGP peers): the item's `item_fields` are copied into the row
    /// and the lists removed.
    pub explode: Option<Explode>,
}

#[derive(Debug, Clone, Copy)]
pub struct Explode {
    pub lists: &'static [&'static str],
    pub item_fields: &'static [&'static str],
}

/// Paging counts of a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    None,
    /// `count` = total (GO gateway/list).
    Count,
    /// `totalCount` and `currentCount`.
    TotalCurrent,
}

/// Where the rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// GO: no `returnObj`. One row → its fields at the envelope's top level;
    /// several → `returnObj` is a bare array of rows (GO cannot express
    /// them); none → no row fields. Counts at the top level.
    Flat(Counts),
    /// `returnObj.<name>`, with or without `totalCount`/`currentCount`.
    Nested(&'static str, bool),
}

/// How health-check/get's settings come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsShape {
    /// GO: `result`, `data` (opaque string), `errorMsg`, `traceId` at the top
    /// level.
    FlatData,
    /// PY4: `returnObj` = {`result`, `settingItem` (opaque string),
    /// `error_msg`, `traceID`}.
    SettingItem,
}

/// The `returnObj` of a success.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// Rows read from the reference container `from`.
    Rows {
        from: &'static str,
        rows: RowShape,
        container: Container,
    },
    /// A write's result object with exactly these keys (`result`, `data`,
    /// `errorMsg`, `errorCode`, `traceId`, `traceID`).
    Result(&'static [&'static str]),
    Settings(SettingsShape),
}

#[derive(Debug, Clone, Copy)]
pub struct ResponseRules {
    pub envelope: &'static [EnvField],
    pub body: Body,
}

/// One endpoint's switches in one dialect.
#[derive(Debug, Clone, Copy)]
pub struct Switches {
    pub path: &'static str,
    pub request: Option<RequestRules>,
    pub response: Option<ResponseRules>,
}

/// The switches of `path` in `style`; `None` = reference for everything.
pub fn switches(style: Style, path: &str) -> Option<&'static Switches> {
    let table: &[Switches] = match style {
        Style::Reference => return None,
        Style::Go => GO,
        Style::Py4 => PY4,
        Style::Doc => DOC,
    };
    table.iter().find(|s| s.path == path)
}

/// Every table, for the documentation test.
pub fn table(style: Style) -> &'static [Switches] {
    match style {
        Style::Reference => &[],
        Style::Go => GO,
        Style::Py4 => PY4,
        Style::Doc => DOC,
    }
}

use EnvField::{Description, Details, Error, ErrorCode, ErrorDetail, Message, SubCode, SubMsg};

/// The reference envelope (also PY4's: every PY4 model declares these).
pub const REFERENCE_ENVELOPE: &[EnvField] = &[Message, Description, ErrorCode, Error];

const fn body(
    accepted: &'static [&'static str],
    required: &'static [&'static str],
) -> Option<RequestRules> {
    Some(RequestRules {
        placement: Placement::Body,
        accepted,
        required,
        renames: &[],
    })
}

const fn query(
    accepted: &'static [&'static str],
    required: &'static [&'static str],
) -> Option<RequestRules> {
    Some(RequestRules {
        placement: Placement::Query,
        accepted,
        required,
        renames: &[],
    })
}

const fn result(
    envelope: &'static [EnvField],
    keys: &'static [&'static str],
) -> Option<ResponseRules> {
    Some(ResponseRules {
        envelope,
        body: Body::Result(keys),
    })
}

const fn rows(
    envelope: &'static [EnvField],
    from: &'static str,
    rows: RowShape,
    container: Container,
) -> Option<ResponseRules> {
    Some(ResponseRules {
        envelope,
        body: Body::Rows {
            from,
            rows,
            container,
        },
    })
}

const fn ep(
    path: &'static str,
    request: Option<RequestRules>,
    response: Option<ResponseRules>,
) -> Switches {
    Switches {
        path,
        request,
        response,
    }
}

// ---- go: GO wrappers (`internal/core/cda/cda_cda_*_api.go`) ----

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

static GO: &[Switches] = &[
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

// ---- py4: ctyunsdk_cda20220909 2.0.0 models ----

const PY4_VPC_ROW: RowShape = RowShape {
    renames: &[],
    keep: Some(&[
        "account",
        "vpcID",
        "vrfName",
        "dcType",
        "vpcSubnet",
        "resourcePool",
        "ipVersion",
        "bandwidth",
        "vpcName",
        "vpcSubnetIPv6",
        "vpcNetworkSegment",
        "ctUserId",
        "vpcNetworkSegmentIPv6",
    ]),
    drop: &[],
    joined: &["vpcSubnet", "vpcSubnetIPv6"],
    separator: ", ",
    explode: None,
};

const PY4_RESULT_TRACE_ID: &[&str] = &["result", "data", "errorCode", "errorMsg", "traceID"];
const PY4_RESULT_TRACE_ID_LOWER: &[&str] = &["result", "data", "errorCode", "errorMsg", "traceId"];

static PY4: &[Switches] = &[
    // gateway/list, gateway/add, gateway/delete: no model or an empty one.
    // physical-line/list, add, delete; gateway/physical-line-list: no model.
    ep(
        "/v4/cda/physical-line/update",
        Some(RequestRules {
            placement: Placement::Body,
            accepted: &["lineID", "lineName", "note"],
            required: &["lineID"],
            renames: &[("note", "description")],
        }),
        None,
    ),
    ep(
        "/v4/cda/physical-line/bind",
        body(&["vrfName", "lineID"], &["vrfName", "lineID"]),
        None,
    ),
    ep(
        "/v4/cda/physical-line/unbind",
        body(&["vrfName", "lineID"], &["vrfName", "lineID"]),
        None,
    ),
    ep(
        "/v4/cda/vpc/add",
        body(
            &[
                "regionID",
                "vpcName",
                "vpcID",
                "ipVersion",
                "bandwidth",
                "account",
                "vrfName",
                "vpcNetworkSegment",
                "vpcNetworkSegmentIPv6",
                "vpcSubnet",
                "vpcSubnetIPv6",
            ],
            &[
                "regionID",
                "vpcName",
                "vpcID",
                "ipVersion",
                "bandwidth",
                "account",
                "vrfName",
            ],
        ),
        None,
    ),
    ep(
        "/v4/cda/vpc/update",
        body(
            &[
                "regionID",
                "vrfName",
                "vpcID",
                "ipVersion",
                "bandwidth",
                "vpcSubnet",
                "vpcSubnetIPv6",
            ],
            &["regionID", "vrfName", "vpcID", "ipVersion", "bandwidth"],
        ),
        None,
    ),
    ep(
        "/v4/cda/vpc/delete",
        body(
            &["regionID", "vrfName", "vpcID"],
            &["regionID", "vrfName", "vpcID"],
        ),
        None,
    ),
    ep(
        "/v4/cda/vpc/list",
        query(&["vrfName"], &["vrfName"]),
        rows(
            REFERENCE_ENVELOPE,
            "vpcList",
            PY4_VPC_ROW,
            Container::Nested("vpcList", false),
        ),
    ),
    // static-route/add: no model.
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
        result(REFERENCE_ENVELOPE, PY4_RESULT_TRACE_ID),
    ),
    ep(
        "/v4/cda/static-route/delete",
        body(&["regionID", "SRID"], &["regionID", "SRID"]),
        None,
    ),
    // static-route/list: the response is untyped, so reference rows.
    ep(
        "/v4/cda/static-route/list",
        query(&["vrfName"], &["vrfName"]),
        None,
    ),
    // bgp-route/add: no model.
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
        result(REFERENCE_ENVELOPE, PY4_RESULT_TRACE_ID_LOWER),
    ),
    ep(
        "/v4/cda/bgp-route/delete",
        body(&["regionID", "BGPID"], &["regionID", "BGPID"]),
        None,
    ),
    // bgp-route/list: the response is untyped, so reference rows.
    ep(
        "/v4/cda/bgp-route/list",
        query(&["vrfName"], &["vrfName"]),
        None,
    ),
    // health-check add/update: empty models (no body is ever sent).
    ep(
        "/v4/cda/health-check/add",
        None,
        result(REFERENCE_ENVELOPE, PY4_RESULT_TRACE_ID),
    ),
    ep(
        "/v4/cda/health-check/update",
        None,
        result(REFERENCE_ENVELOPE, PY4_RESULT_TRACE_ID),
    ),
    // health-check/get: empty request model, but a coherent response.
    ep(
        "/v4/cda/health-check/get",
        None,
        Some(ResponseRules {
            envelope: REFERENCE_ENVELOPE,
            body: Body::Settings(SettingsShape::SettingItem),
        }),
    ),
];

// ---- doc: the official API pages (gateway/list only) ----

const DOC_ENV: &[EnvField] = &[Message, Description, ErrorCode, Error, Details];

/// The page lists `vrfName` (ID), `displayName` (name) and no `gatewayName`;
/// it ends at `fuserLast…`, so the reference fields after it are kept.
const DOC_GATEWAY_ROW: RowShape = RowShape {
    renames: &[],
    keep: None,
    drop: &["gatewayName", "fuid"],
    joined: &[],
    separator: ",",
    explode: None,
};

static DOC: &[Switches] = &[ep(
    "/v4/cda/gateway/list",
    query(
        &["pageNo", "pageSize", "account", "search"],
        &["pageNo", "pageSize", "account"],
    ),
    rows(
        DOC_ENV,
        "lineGatewayList",
        DOC_GATEWAY_ROW,
        Container::Nested("lineGatewayList", true),
    ),
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_are_accepted_fields() {
        for style in Style::ALL {
            for s in table(style) {
                if let Some(r) = s.request {
                    for f in r.required {
                        assert!(r.accepted.contains(f), "{} {}: {f}", style.name(), s.path);
                    }
                }
            }
        }
    }

    #[test]
    fn every_path_is_an_endpoint() {
        for style in Style::ALL {
            for s in table(style) {
                assert!(crate::handlers::find(s.path).is_some(), "{}", s.path);
            }
        }
    }
}
