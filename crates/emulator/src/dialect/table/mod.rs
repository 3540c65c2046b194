//! The switches of each dialect, endpoint by endpoint (`DIALECTS.md` §2–3).
//!
//! An endpoint missing from a dialect's table, or an aspect left `None`,
//! behaves as `reference`: that is where a source is silent or evidently
//! broken. `docs/emulator.md` lists every such fallback; keep both in step.

use super::Style;

mod doc;
mod go;
mod py4;

use doc::DOC;
use go::GO;
use py4::PY4;

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

use EnvField::{Description, Error, ErrorCode, Message};

/// The reference envelope (also PY4's: every PY4 model declares these).
pub const REFERENCE_ENVELOPE: &[EnvField] = &[Message, Description, ErrorCode, Error];

pub(super) const fn body(
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

pub(super) const fn query(
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

pub(super) const fn result(
    envelope: &'static [EnvField],
    keys: &'static [&'static str],
) -> Option<ResponseRules> {
    Some(ResponseRules {
        envelope,
        body: Body::Result(keys),
    })
}

pub(super) const fn rows(
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

pub(super) const fn ep(
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
    fn docs_list_every_switched_endpoint_and_required_field() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/emulator.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let start = docs.find("## Dialects").unwrap();
        let section = &docs[start..];
        for style in Style::ALL {
            let heading = format!("### `{}`", style.name());
            let Some(at) = section.find(&heading) else {
                assert!(table(style).is_empty(), "no {heading} section");
                continue;
            };
            let own = &section[at + heading.len()..];
            let own = &own[..own.find("\n### ").unwrap_or(own.len())];
            for s in table(style) {
                let last = s.path.rsplit('/').next().unwrap_or(s.path);
                assert!(own.contains(last), "{heading}: {}", s.path);
                for f in s.request.map_or(&[][..], |r| r.required) {
                    assert!(own.contains(&format!("`{f}`")), "{heading} {}: {f}", s.path);
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
