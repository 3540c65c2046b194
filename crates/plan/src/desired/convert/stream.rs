//! The streaming path: converts the file while it is parsed, one list item
//! at a time, and keeps no tree of the whole file.
//!
//! The tree path (`node.rs`, then the walk in this module's parent) costs
//! about twenty times the file in memory and most of the loader's time in
//! allocating and freeing that tree. Here each physical line and gateway is
//! read into a small tree of its own straight from the parser's events,
//! converted by the very same readers, and dropped, so the cost is the
//! file's and the model's.
//!
//! The items are read from the parser's events by `events` when the file
//! is written in plain YAML, else by serde-saphyr's live deserialiser.
//!
//! This path only ever succeeds on a file with no problem at all: at the
//! first sign of one (a conversion problem, a key unknown or given twice, a
//! document marker, anything the parser refuses) it gives up, and the
//! caller reads the file again on the tree path, which finds and reports
//! every problem exactly as before. So diagnostics come from one place.

use super::events::GiveUp;
use super::Conv;
use crate::desired::diagnostics::Collector;
use crate::desired::fields::{item, KINDS, TOP_FIELDS};
use crate::desired::node::{Node, Value};
use crate::model::DesiredState;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The error that stops the parse when the streaming path gives up; it is
/// never shown (the tree path reports what is wrong).
const GIVE_UP: &str = "left to the tree path";

fn give_up<E: de::Error>() -> E {
    E::custom(GIVE_UP)
}

/// Reads one model item from its own small tree (`Conv::line`, ...).
type ItemReader<'t, T> = fn(&mut Conv<'t>, &Node, &str) -> Option<T>;

impl<'t> Conv<'t> {
    /// The desired state of `text`, converted while parsing; `None` when
    /// the file has any problem or anything the tree path should judge.
    /// Cross-object rules are not checked here: the caller validates the
    /// state, as on the tree path.
    pub(crate) fn stream_file(file: &'t str, text: &'t str) -> Option<(Self, DesiredState)> {
        if unusual(text) {
            return None;
        }
        match Conv::from_events(file, text) {
            Ok(read) => Some(read),
            Err(GiveUp::Problem) => None,
            Err(GiveUp::Unusual) => Conv::from_serde(file, text),
        }
    }

    /// Like [`Conv::stream_file`], with serde-saphyr's live deserialiser,
    /// which reads any YAML (anchors, aliases, merge keys, tags, every
    /// spelling of a scalar) as the tree path does.
    pub(crate) fn from_serde(file: &'t str, text: &'t str) -> Option<(Self, DesiredState)> {
        let mut cv = Conv::streaming(Collector::new(file, text));
        let state = serde_saphyr::with_deserializer_from_str_with_options(
            text,
            crate::desired::options(),
            |de| TopLevel { cv: &mut cv }.deserialize(de),
        )
        .ok()?;
        (!cv.c.has_errors()).then_some((cv, state))
    }
}

/// Document markers, which the single-document reader used here and the
/// tree path's reader of every document treat differently (a null first
/// document, text after `...`, a second document): a marker anywhere but
/// on the first line of content sends the file to the tree path. Rare in a
/// desired-state file.
fn unusual(text: &str) -> bool {
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let marker = |l: &str| l.starts_with("---") || l.starts_with("...");
    lines.next().is_some_and(|l| l.starts_with("...")) || lines.any(marker)
}

/// The top-level mapping.
struct TopLevel<'c, 't> {
    cv: &'c mut Conv<'t>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = DesiredState;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DesiredState, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = DesiredState;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a desired state")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DesiredState, A::Error> {
        let cv = self.cv;
        let mut seen = [false; TOP_FIELDS.len()];
        let (mut region, mut account, mut prune) = (None, None, None);
        let (mut physical_lines, mut gateways) = (Vec::new(), Vec::new());
        while let Some(key) = map.next_key::<Node>()? {
            let Value::Str(key) = key.value else {
                return Err(give_up());
            };
            let Some(i) = TOP_FIELDS.iter().position(|f| *f == key) else {
                return Err(give_up());
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(give_up());
            }
            match key.as_str() {
                "physical_lines" => {
                    let list = List::new(cv, "physical_lines", Conv::line);
                    physical_lines = map.next_value_seed(list)?;
                }
                "gateways" => {
                    gateways = map.next_value_seed(List::new(cv, "gateways", Conv::gateway))?
                }
                "region" => region = Some(map.next_value::<Node>()?),
                "account" => account = Some(map.next_value::<Node>()?),
                _ => prune = Some(map.next_value::<Node>()?),
            }
        }
        // Null stands for absent, as on the tree path.
        let given = |n: Option<Node>| n.filter(|n| n.value != Value::Null);
        let region = given(region).and_then(|n| cv.nonempty_string(&n, "region"));
        let account = match given(account) {
            Some(n) => Some(cv.nonempty_string(&n, "account").ok_or_else(give_up)?),
            None => None,
        };
        let prune = cv.list(given(prune).as_ref(), "prune", |cv, n, p| {
            cv.choice(n, p, KINDS)
        });
        match region {
            Some(region) if !cv.c.has_errors() => Ok(DesiredState {
                region,
                account,
                prune,
                physical_lines,
                gateways,
            }),
            _ => Err(give_up()),
        }
    }
}

/// A list of lines or gateways: each item is read into its own tree,
/// converted and dropped before the next is parsed.
struct List<'c, 't, T> {
    cv: &'c mut Conv<'t>,
    path: &'static str,
    read: ItemReader<'t, T>,
}

impl<'c, 't, T> List<'c, 't, T> {
    fn new(cv: &'c mut Conv<'t>, path: &'static str, read: ItemReader<'t, T>) -> Self {
        List { cv, path, read }
    }
}

impl<'de, T> DeserializeSeed<'de> for List<'_, '_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for List<'_, '_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    /// `gateways:` with nothing after it is an empty list.
    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(node) = seq.next_element::<Node>()? {
            let path = item(self.path, out.len());
            match (self.read)(self.cv, &node, &path) {
                Some(v) if !self.cv.c.has_errors() => out.push(v),
                _ => return Err(give_up()),
            }
        }
        out.shrink_to_fit();
        Ok(out)
    }
}
