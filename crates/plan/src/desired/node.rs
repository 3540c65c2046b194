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
    pub offset: u32,
    /// Length (bytes or characters; 0 when unknown).
    pub len: u32,
}

impl Loc {
    fn from_saphyr(l: &serde_saphyr::Location) -> Self {
        Loc {
            line: u32::try_from(l.line()).unwrap_or(u32::MAX),
            col: u32::try_from(l.column()).unwrap_or(u32::MAX),
            // Files are capped far below 4 GiB.
            offset: u32::try_from(l.span().offset()).unwrap_or(u32::MAX),
            len: u32::try_from(l.span().len()).unwrap_or(u32::MAX),
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
    fn visit_string<E: de::Error>(self, mut v: String) -> Result<Value, E> {
        // The scanner's buffer grew by doubling; the tree of a large file
        // holds ~100,000s of these.
        v.shrink_to_fit();
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
        // Growth by doubling leaves up to half unused, in every list.
        items.shrink_to_fit();
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some(k) = map.next_key::<Node>()? {
            let v = map.next_value::<Node>()?;
            pairs.push((k, v));
        }
        pairs.shrink_to_fit();
        Ok(Value::Map(pairs))
    }
}

impl Node {
    /// The node at a field path (`gateways[0].lines[1]`), or the deepest
    /// node on the way there, and whether the whole path was found.
    ///
    /// Locations are looked up on demand instead of being recorded for
    /// every path while reading: a map of a million paths would cost more
    /// memory than the file.
    pub(crate) fn lookup(&self, path: &str) -> (&Node, bool) {
        let mut node = self;
        for seg in path.split('.').filter(|s| !s.is_empty()) {
            let (name, mut rest) = match seg.find('[') {
                Some(i) => (&seg[..i], &seg[i..]),
                None => (seg, ""),
            };
            if !name.is_empty() {
                match node.field(name) {
                    Some(n) => node = n,
                    None => return (node, false),
                }
            }
            while let Some(r) = rest.strip_prefix('[') {
                let Some((idx, after)) = r.split_once(']') else {
                    return (node, false);
                };
                rest = after;
                match (&node.value, idx.parse::<usize>()) {
                    (Value::Seq(items), Ok(i)) if i < items.len() => node = &items[i],
                    _ => return (node, false),
                }
            }
        }
        (node, true)
    }

    /// The value of the first key `name` of a mapping.
    fn field(&self, name: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == name))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tree(text: &str) -> Node {
        serde_saphyr::from_str_with_options(text, crate::desired::options()).unwrap()
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let n = tree("a: 1\nb: 2\na: 3\n");
        let Value::Map(pairs) = &n.value else {
            panic!()
        };
        let keys: Vec<_> = pairs
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect();
        assert_eq!(
            keys,
            [
                (Value::Str("a".into()), Value::Int(1)),
                (Value::Str("b".into()), Value::Int(2)),
                (Value::Str("a".into()), Value::Int(3)),
            ]
        );
    }

    #[test]
    fn lookup_follows_fields_and_indices() {
        let n = tree("g:\n  - name: x\n    l: [a, b]\n");
        let (b, found) = n.lookup("g[0].l[1]");
        assert!(found);
        assert_eq!(b.value, Value::Str("b".into()));
        assert_eq!((b.loc.line, b.loc.col), (3, 12));
        // Missing parts stop at the deepest node found.
        let (item, found) = n.lookup("g[0].nope");
        assert!(!found);
        assert_eq!((item.loc.line, item.loc.col), (2, 5));
        assert!(!n.lookup("g[7]").1);
        assert!(!n.lookup("g[x]").1);
        assert!(n.lookup("").1);
    }
}
