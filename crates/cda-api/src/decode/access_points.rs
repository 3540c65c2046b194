//! `physical-line/access-point-list`.

use super::{find_list, push_unique, return_obj, text};
use serde_json::Value;

/// `physical-line/access-point-list`: `accessPoint` strings wherever they are
/// (flattened, in `returnObj`, or in list items).
pub(crate) fn access_points(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let ro = return_obj(body);
    for v in [ro.get("accessPoint"), body.get("accessPoint")]
        .into_iter()
        .flatten()
    {
        if let Some(s) = text(Some(v)) {
            push_unique(&mut out, [s]);
        }
    }
    let items = find_list(
        body,
        &["accessPointList", "result", "list"],
        &["accessPoint"],
    );
    for item in items {
        match &item {
            Value::String(s) => push_unique(&mut out, [s.clone()]),
            _ => {
                if let Some(s) = text(item.get("accessPoint")) {
                    push_unique(&mut out, [s]);
                }
            }
        }
    }
    out
}
