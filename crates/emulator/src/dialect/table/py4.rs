//! Dialect `py4`: the PY4 models taken literally (DIALECTS.md §2.2, §3.2).

use super::{
    body, ep, query, result, rows, Body, Container, Placement, RequestRules, ResponseRules,
    RowShape, SettingsShape, Switches, REFERENCE_ENVELOPE,
};

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

pub(super) static PY4: &[Switches] = &[
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
