//! A generic YAML node tree that keeps the source location of every node.
//!
//! serde-saphyr hands us `Spanned<T>` for any `T`; deserialising the whole
//! document into this tree first (instead of straight into the model) lets
//! the converter report every problem with its location, keep going after
//! the first one, and see duplicate keys, which typed deserialisation hides.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Where a node sits in the source, as serde-saphyr reports it: 1-based
/// line and column, and an offset and length. serde-saphyr documents these
/// as counted in characters; the version we use reports bytes.
/// [`super::diagnostics::LineIndex::byte_range`] accepts either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Loc {
    pub line: u32,
    pub col: u32,
    /// Offset of the node's first character (bytes or characters).
    pub char_offset: usize,
    /// Length (bytes or characters; 0 when unknown).
    pub char_len: usize,
}

impl Loc {
    fn from_saphyr(l: &serde_saphyr::Location) -> Self {
        Loc {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            col: u32::try_from(l.column()).unwrap_or(u32::MAX),
            char_offset: l.span().offset(),
            char_len: l.span().len(),
        }
    }

    pub(crate) fn from_error(l: &serde_saphyr::Location) -> Self {
        Self::from_saphyr(l)
    }
}

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    /// Where the node is used (an alias's own position for `*a`).
    pub loc: Loc,
    /// Where the node's text is (the anchored definition for `*a`).
    pub def: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Pairs in source order, duplicates kept so they can be reported.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What the user wrote, in words, for "expected X, found Y" messages.
    /// Never includes the value itself (it may be a secret).
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            loc: Loc::from_saphyr(&s.referenced),
            def: Loc::from_saphyr(&s.defined),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some(k) = map.next_key::<Node>()? {
            let v = map.next_value::<Node>()?;
            pairs.push((k, v));
        }
        Ok(Value::Map(pairs))
    }
}
