//! BGP key references. A literal key is masked in every snippet before
//! anything can report on it, and the problem never echoes it.

use super::Conv;
use crate::desired::fields::SECRET_REF_FIELDS;
use crate::desired::node::{Node, Value};
use crate::model::SecretRef;

impl Conv<'_> {
    /// Masks every scalar of a `key:` value except the names under a
    /// well-formed `env:`/`file:` reference, so no snippet shows a secret.
    pub(super) fn redact_literal_key(&mut self, n: &Node) {
        match &n.value {
            Value::Map(pairs) => {
                for (k, v) in pairs {
                    let is_ref = matches!(&k.value, Value::Str(s) if SECRET_REF_FIELDS.contains(&s.as_str()));
                    if !is_ref || !matches!(v.value, Value::Str(_)) {
                        self.redact_all(v);
                    }
                }
            }
            _ => self.redact_all(n),
        }
    }

    fn redact_all(&mut self, n: &Node) {
        match &n.value {
            Value::Seq(items) => items.iter().for_each(|i| self.redact_all(i)),
            Value::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                self.redact_all(k);
                self.redact_all(v);
            }),
            _ => {
                self.c.redact(n.loc);
                self.c.redact(n.def);
            }
        }
    }

    pub(super) fn secret_ref(&mut self, n: &Node, path: &str) -> Option<SecretRef> {
        if !matches!(n.value, Value::Map(_)) {
            // Deliberately not echoing the value: it is probably the key.
            self.fail(
                n.loc,
                path,
                "literal secret (not shown)",
                "BGP keys must not be written in the file; reference them instead".to_owned(),
                Some("use `{ env: NAME }` (an environment variable) or `{ file: PATH }` (a file outside git)".to_owned()),
            );
            return None;
        }
        let o = self.object(n, path, "a BGP key reference", SECRET_REF_FIELDS)?;
        let env = self.opt(&o, "env", Self::nonempty_string);
        let file = self.opt(&o, "file", Self::nonempty_string);
        match (env, file) {
            (Some(_), Some(_)) => {
                self.fail(
                    o.loc,
                    path,
                    "both given",
                    "a BGP key reference has either `env` or `file`, not both".to_owned(),
                    None,
                );
                None
            }
            (None, None) => {
                self.fail(
                    o.loc,
                    path,
                    "no reference",
                    "a BGP key reference needs `env: NAME` or `file: PATH`".to_owned(),
                    None,
                );
                None
            }
            (Some(env), None) => {
                let valid = env
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    let at = o.get("env").map_or(o.loc, |n| n.loc);
                    self.fail(
                        at,
                        &o.p("env"),
                        "not a variable name",
                        "an environment variable name has letters, digits and `_`, and does not start with a digit".to_owned(),
                        None,
                    );
                }
                Some(SecretRef::Env(env))
            }
            (None, Some(file)) => Some(SecretRef::File(file)),
        }
    }
}
