//! What list and write calls return, whatever the resource.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `totalCount`, when the server sent it.
    pub total_count: Option<u64>,
    pub page_no: u32,
    pub page_size: u32,
}

/// What a successful write returns: enough to journal it. CDA mutations
/// return no object ids (REFERENCE §1.1), so there is nothing else to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WriteReceipt {
    pub endpoint: &'static str,
    pub request_id: String,
    /// `returnObj.traceId`/`traceID`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}
