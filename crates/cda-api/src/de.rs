//! Tolerant field decoders for response types: the sources disagree on
//! whether numbers are numbers or strings, whether lists are arrays or
//! comma-separated strings, and whether absent values are `null`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn scalar_to_string(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// String, number or bool → `Some(String)`; `null` and `""` → `None` (the
/// API sends `""` for unset fields, and callers should not have to tell the
/// two apart). A list or an object is an error: taking its JSON text as,
/// say, a gateway name would turn a broken answer into a plausible object.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    match Value::deserialize(d)? {
        Value::Array(_) => Err(D::Error::custom("expected a string, got a list")),
        Value::Object(_) => Err(D::Error::custom("expected a string, got an object")),
        v => Ok(scalar_to_string(v).filter(|s| !s.is_empty())),
    }
}

/// Number or numeric string → `Some(u64)`; `null`/`""` → `None`.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    use serde::de::Error;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a non-negative integer, got {n}"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an integer, got {s:?}"))),
        other => Err(D::Error::custom(format!(
            "expected an integer, got {other}"
        ))),
    }
}

fn value_to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `true`/`false`, `1`/`0`, `"true"`/`"1"` → `Some(bool)`; `null` → `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        v => value_to_bool(&v)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a boolean, got {v}"))),
    }
}

/// As [`opt_bool`], absent or `null` → `false`.
pub fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_bool(d)?.unwrap_or(false))
}

/// Array of scalars, a string of items separated by commas and/or
/// whitespace (GO and PY4 type `vpcSubnet` as one string, DIALECTS §5 #12),
/// a JSON-encoded array in a string, or `null` → `Vec<String>`. Objects
/// inside the array contribute their id (`lineID`/`lineId`/`id`).
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => Vec::new(),
        Value::String(s) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Vec<Value>>(&s) {
                Ok(items) => items
                    .into_iter()
                    .filter_map(scalar_to_string)
                    .filter(|s| !s.is_empty())
                    .collect(),
                Err(_) => split_items(&s),
            }
        }
        Value::String(s) => split_items(&s),
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(map) => ["lineID", "lineId", "id"]
                    .iter()
                    .find_map(|k| map.get(*k).cloned().and_then(scalar_to_string)),
                other => scalar_to_string(other),
            })
            .filter(|s| !s.is_empty())
            .collect(),
        other => scalar_to_string(other).into_iter().collect(),
    })
}

fn split_items(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

/// A list of objects, with `null` → empty.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// As [`opt_u64`], narrowed to `u32`, absent → `None`.
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    match opt_u64(d)? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{n} is out of range"))),
    }
}

/// As [`opt_u32`], absent or `null` → 0.
pub fn u32_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(opt_u32(d)?.unwrap_or(0))
}

/// As [`opt_string`], absent or `null` → "".
pub fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// A secret string (BGP key); `null`/`""` → `None`.
pub fn opt_secret<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<secrecy::SecretString>, D::Error> {
    Ok(opt_string(d)?
        .filter(|s| !s.is_empty())
        .map(secrecy::SecretString::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "string_list")]
        l: Vec<String>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn tolerant_scalars() {
        let p = probe(r#"{"s": 65001, "n": "1000", "b": 1, "l": "10.0.0.0/24, 10.1.0.0/24"}"#);
        assert_eq!(p.s.as_deref(), Some("65001"));
        assert_eq!(p.n, Some(1000));
        assert_eq!(p.b, Some(true));
        assert_eq!(p.l, vec!["10.0.0.0/24", "10.1.0.0/24"]);
        assert_eq!(probe(r#"{"s": ""}"#).s, None);
        let p = probe(r#"{"s": null, "n": "", "b": "false", "l": null}"#);
        assert_eq!(p.s, None);
        assert_eq!(p.n, None);
        assert_eq!(p.b, Some(false));
        assert!(p.l.is_empty());
        let p = probe(r#"{"l": "10.0.0.0/24 10.1.0.0/24,\n10.2.0.0/24"}"#);
        assert_eq!(p.l, vec!["10.0.0.0/24", "10.1.0.0/24", "10.2.0.0/24"]);
        let p = probe(r#"{"l": "[\"10.0.0.0/24\", \"10.1.0.0/24\"]"}"#);
        assert_eq!(p.l, vec!["10.0.0.0/24", "10.1.0.0/24"]);
        let p = probe(r#"{"l": ["a", {"lineId": "b"}, 3]}"#);
        assert_eq!(p.l, vec!["a", "b", "3"]);
        assert!(serde_json::from_str::<Probe>(r#"{"n": "ten"}"#).is_err());
    }
}
