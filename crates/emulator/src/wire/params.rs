//! Request parameters read from the query string and/or a JSON body, with
//! the lenient typing the clients rely on (numbers as text, `1`/`0` booleans,
//! comma-separated lists).

use super::{ApiError, Code};
use serde_json::{Map, Value};

/// Request parameters: the JSON body object, overlaid with the query string
/// (GO sends a JSON body even on GET; DOC/PYH/PY4 use the query).
#[derive(Debug, Clone, Default)]
pub struct Params {
    map: Map<String, Value>,
}

fn missing(names: &[&str]) -> ApiError {
    ApiError::new(Code::MissingParameter, names.first().copied().unwrap_or(""))
}

fn invalid(name: &str, why: &str) -> ApiError {
    ApiError::new(Code::InvalidParameter, format!("{name} {why}"))
}

impl Params {
    /// Reads the body (must be empty or a JSON object) and the query.
    pub fn parse(query: &[(String, String)], body: &[u8]) -> Result<Params, ApiError> {
        let mut map = Map::new();
        let trimmed = body.iter().filter(|b| !b.is_ascii_whitespace()).count();
        if trimmed > 0 {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(obj)) => map = obj,
                Ok(_) => return Err(ApiError::new(Code::MalformedBody, "not an object")),
                Err(e) => return Err(ApiError::new(Code::MalformedBody, e.to_string())),
            }
        }
        let mut from_query: Map<String, Value> = Map::new();
        for (k, v) in query {
            match from_query.get_mut(k) {
                Some(Value::Array(items)) => items.push(Value::String(v.clone())),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(v.clone())]);
                }
                None => {
                    from_query.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        map.extend(from_query);
        Ok(Params { map })
    }

    /// Reads only the query string or only the body, as a strict dialect's
    /// server does; the other placement is not even parsed.
    pub fn parse_from(
        query: &[(String, String)],
        body: &[u8],
        from_query: bool,
    ) -> Result<Params, ApiError> {
        if from_query {
            Params::parse(query, b"")
        } else {
            Params::parse(&[], body)
        }
    }

    /// Keeps only the fields named (a dialect's request schema).
    pub fn retain_fields(&mut self, names: &[&str]) {
        self.map.retain(|k, _| names.contains(&k.as_str()));
    }

    /// Moves `from` to `to` (replacing `to`), if present.
    pub fn rename(&mut self, from: &str, to: &str) {
        if let Some(v) = self.map.remove(from) {
            self.map.insert(to.to_string(), v);
        }
    }

    pub fn set_str(&mut self, name: &str, value: &str) {
        self.map
            .insert(name.to_string(), Value::String(value.to_string()));
    }

    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Wraps an already-built object (the seed loader calls handlers this way).
    pub fn from_value(value: Value) -> Params {
        match value {
            Value::Object(map) => Params { map },
            _ => Params::default(),
        }
    }

    /// First of `names` present with a non-null value.
    pub fn raw(&self, names: &[&str]) -> Option<&Value> {
        names
            .iter()
            .filter_map(|n| self.map.get(*n))
            .find(|v| !v.is_null())
    }

    /// A string; numbers and booleans are accepted as their text. Empty
    /// strings count as absent (GO always sends every field, empty or not).
    pub fn str(&self, names: &[&str]) -> Option<String> {
        let text = match self.raw(names)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    pub fn req_str(&self, names: &[&str]) -> Result<String, ApiError> {
        self.str(names).ok_or_else(|| missing(names))
    }

    /// An integer given as a JSON number or a numeric string.
    pub fn int(&self, names: &[&str]) -> Result<Option<i64>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| invalid(name, "must be an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| invalid(name, "must be an integer")),
            Some(_) => Err(invalid(name, "must be an integer")),
        }
    }

    pub fn req_int(&self, names: &[&str]) -> Result<i64, ApiError> {
        self.int(names)?.ok_or_else(|| missing(names))
    }

    /// A boolean given as JSON, `"true"`/`"false"`, or `1`/`0`.
    pub fn bool(&self, names: &[&str]) -> Result<Option<bool>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(invalid(name, "must be a boolean")),
            },
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(invalid(name, "must be a boolean")),
            },
            Some(_) => Err(invalid(name, "must be a boolean")),
        }
    }

    /// A list of strings: a JSON array, or (from a query string) a
    /// comma-separated string or repeated keys.
    pub fn str_list(&self, names: &[&str]) -> Result<Option<Vec<String>>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_string()),
                    _ => Err(invalid(name, "must be a list of strings")),
                })
                .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(Value::String(s)) => Ok(Some(
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            )),
            Some(_) => Err(invalid(name, "must be a list of strings")),
        }
    }

    /// A list of objects (a JSON array, or a JSON array text in a query).
    pub fn obj_list(&self, names: &[&str]) -> Result<Option<Vec<Params>>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        let parsed;
        let items = match self.raw(names) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => {
                parsed = serde_json::from_str::<Vec<Value>>(s)
                    .map_err(|_| invalid(name, "must be a list of objects"))?;
                &parsed
            }
            Some(_) => return Err(invalid(name, "must be a list of objects")),
        };
        items
            .iter()
            .map(|v| match v {
                Value::Object(map) => Ok(Params { map: map.clone() }),
                _ => Err(invalid(name, "must be a list of objects")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn contains(&self, names: &[&str]) -> bool {
        self.raw(names).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_from_query_and_body() {
        let q = vec![
            ("pageNo".to_string(), "2".to_string()),
            ("dst".to_string(), "a".to_string()),
            ("dst".to_string(), "b".to_string()),
        ];
        let p = Params::parse(&q, br#"{"pageSize":"5","flag":"true","n":3,"e":""}"#).unwrap();
        assert_eq!(p.int(&["pageNo"]).unwrap(), Some(2));
        assert_eq!(p.int(&["pageSize"]).unwrap(), Some(5));
        assert_eq!(p.bool(&["flag"]).unwrap(), Some(true));
        assert_eq!(p.int(&["n"]).unwrap(), Some(3));
        assert_eq!(p.str(&["e"]), None);
        assert_eq!(p.str_list(&["dst"]).unwrap().unwrap(), ["a", "b"]);
        assert!(Params::parse(&[], b"[1]").is_err());
        assert!(Params::parse(&[], b"{").is_err());
        assert!(Params::parse(&[], b"  ").is_ok());
        let bad = Params::parse(&[], br#"{"pageNo":"x"}"#).unwrap();
        assert_eq!(
            bad.int(&["pageNo"]).unwrap_err().code,
            Code::InvalidParameter
        );
    }
}
