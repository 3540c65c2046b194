//! Server dialects: how the real CDA server would behave if one of the
//! public sources were right (`DIALECTS.md` §2–3).
//!
//! A dialect is data, not code: [`table`] holds one table of switches per
//! dialect (where parameters are read, which fields are accepted and
//! required, the response shape). The switches apply at the edges of a call
//! — [`request`] turns the raw query and body into the [`Params`] the
//! handlers already understand, [`response`] reshapes the handler's
//! reference answer — so the handlers stay dialect-agnostic.
//!
//! [`Params`]: crate::wire::Params

pub mod request;
pub mod response;
pub mod table;

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What `--dialect` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// Today's tolerant union of every source (REFERENCE.md). The default.
    #[default]
    Reference,
    /// The generated Go wrappers taken literally.
    Go,
    /// The official Python SDK `ctyunsdk_cda20220909` 2.0.0 taken literally.
    Py4,
    /// The official API pages taken literally (gateway/list only).
    Doc,
    /// Per endpoint, one of the above, chosen from the seed.
    Shuffle,
}

/// One concrete behaviour an endpoint can have (a dialect other than
/// `shuffle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Reference,
    Go,
    Py4,
    Doc,
}

/// What `vrfName` means on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Identity {
    /// `vrfName` is the gateway's name (GO responses, reference).
    Name,
    /// `vrfName` is an opaque gateway ID distinct from the name, which
    /// rows show in `displayName` (DOC gateway/list, PY4 "专线网关ID").
    Id,
}

impl Dialect {
    pub const ALL: [Dialect; 5] = [
        Dialect::Reference,
        Dialect::Go,
        Dialect::Py4,
        Dialect::Doc,
        Dialect::Shuffle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Reference => "reference",
            Dialect::Go => "go",
            Dialect::Py4 => "py4",
            Dialect::Doc => "doc",
            Dialect::Shuffle => "shuffle",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = text.trim().to_ascii_lowercase();
        Dialect::ALL
            .into_iter()
            .find(|d| d.name() == wanted)
            .ok_or_else(|| {
                Error::Config(format!(
                    "unknown dialect {text:?}: use reference, go, py4, doc or shuffle"
                ))
            })
    }
}

/// `clap` value parser for `--dialect`.
pub fn parse_dialect(text: &str) -> Result<Dialect, Error> {
    text.parse()
}

impl Style {
    pub const ALL: [Style; 4] = [Style::Reference, Style::Go, Style::Py4, Style::Doc];

    pub fn name(self) -> &'static str {
        match self {
            Style::Reference => "reference",
            Style::Go => "go",
            Style::Py4 => "py4",
            Style::Doc => "doc",
        }
    }

    /// The gateway identity a server of this one style has.
    pub fn identity(self) -> Identity {
        match self {
            Style::Reference | Style::Go => Identity::Name,
            Style::Py4 | Style::Doc => Identity::Id,
        }
    }
}

/// The dialect in force: the admin API shows and replaces it
/// (`/_emulator/dialect`), `Config::dialect` sets it at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DialectSetting {
    pub dialect: Dialect,
    /// Only used by `shuffle`.
    #[serde(default)]
    pub seed: u64,
    /// Gateway rows carry `srList`/`vpcList` with fields missing (each
    /// VPC's `bandwidth`, each next hop's `bfd`), as a server that
    /// abridges them would: clients must notice and read the gateway's
    /// own lists (issue #17). `doc-incomplete` where a dialect is named.
    #[serde(default, rename = "incompleteInlineLists")]
    pub incomplete_inline_lists: bool,
}

/// FNV-1a then a splitmix finaliser: stable across platforms and releases,
/// which a `shuffle` seed promises.
pub(crate) fn mix(seed: u64, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl DialectSetting {
    pub fn new(dialect: Dialect, seed: u64) -> Self {
        DialectSetting {
            dialect,
            seed,
            incomplete_inline_lists: false,
        }
    }

    /// A dialect by name, with `doc-incomplete` for `doc` whose gateway
    /// rows carry incomplete inline lists.
    pub fn parse(name: &str, seed: u64) -> Result<Self, Error> {
        let name = name.trim();
        match name.to_ascii_lowercase().as_str() {
            "doc-incomplete" => Ok(DialectSetting {
                incomplete_inline_lists: true,
                ..DialectSetting::new(Dialect::Doc, seed)
            }),
            _ => Ok(DialectSetting::new(name.parse()?, seed)),
        }
    }

    /// The behaviour of the endpoint at `path` (its canonical path from the
    /// endpoint table).
    pub fn style_for(&self, path: &str) -> Style {
        match self.dialect {
            Dialect::Reference => Style::Reference,
            Dialect::Go => Style::Go,
            Dialect::Py4 => Style::Py4,
            Dialect::Doc => Style::Doc,
            Dialect::Shuffle => {
                let pick = mix(self.seed, path) % Style::ALL.len() as u64;
                Style::ALL[usize::try_from(pick).unwrap_or(0)]
            }
        }
    }

    /// A server has one gateway identity whatever its endpoints do, so
    /// `shuffle` draws it once from the seed, not per endpoint.
    pub fn identity(&self) -> Identity {
        match self.dialect {
            Dialect::Reference | Dialect::Go => Identity::Name,
            Dialect::Py4 | Dialect::Doc => Identity::Id,
            Dialect::Shuffle => {
                if mix(self.seed, "gateway identity") & 1 == 1 {
                    Identity::Id
                } else {
                    Identity::Name
                }
            }
        }
    }

    /// Whether calls go through the tolerant path unchanged.
    pub fn is_reference(&self) -> bool {
        self.dialect == Dialect::Reference
    }
}

/// The opaque gateway ID of a py4/doc server: stable (derived from the
/// gateway's `fuid`), distinct from its name (names are letters and digits
/// only) and from the `fuid` itself.
pub fn gateway_id(fuid: &str) -> String {
    let hex: String = fuid
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(12)
        .collect();
    format!("cdagw-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_parse_and_print() {
        for d in Dialect::ALL {
            assert_eq!(d.name().parse::<Dialect>().unwrap(), d);
        }
        assert_eq!(" GO ".parse::<Dialect>().unwrap(), Dialect::Go);
        assert!("py3".parse::<Dialect>().is_err());
    }

    #[test]
    fn shuffle_is_a_function_of_seed_and_path() {
        let a = DialectSetting::new(Dialect::Shuffle, 7);
        let b = DialectSetting::new(Dialect::Shuffle, 7);
        let paths = [
            "/v4/cda/gateway/list",
            "/v4/cda/vpc/list",
            "/v4/cda/vpc/add",
        ];
        for p in paths {
            assert_eq!(a.style_for(p), b.style_for(p));
        }
        let picks: std::collections::HashSet<Style> = (0..64)
            .map(|s| DialectSetting::new(Dialect::Shuffle, s).style_for(paths[0]))
            .collect();
        assert_eq!(picks.len(), 4, "every style is drawn for some seed");
        let ids: std::collections::HashSet<bool> = (0..64)
            .map(|s| DialectSetting::new(Dialect::Shuffle, s).identity() == Identity::Id)
            .collect();
        assert_eq!(ids.len(), 2);
    }

    #[test]
    fn gateway_ids_are_stable_and_not_names() {
        let id = gateway_id("3f2a9c1e-0b7d-4e55-9a1b-2c3d4e5f6a7b");
        assert_eq!(id, "cdagw-3f2a9c1e0b7d");
        assert_eq!(id, gateway_id("3f2a9c1e-0b7d-4e55-9a1b-2c3d4e5f6a7b"));
        assert!(!id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
