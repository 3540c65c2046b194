//! Dialect `doc`: the official API pages taken literally (DIALECTS.md §2.3, §3.3).

use super::{ep, query, rows, Container, EnvField, RowShape, Switches};
use EnvField::{Description, Details, Error, ErrorCode, Message};

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

pub(super) static DOC: &[Switches] = &[ep(
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
