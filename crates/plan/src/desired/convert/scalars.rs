//! Scalars: strings, integers, booleans, enum choices, addresses and
//! CIDRs, each reported where it cannot be read and kept where it can.

use super::{Conv, Obj};
use crate::desired::fields::did_you_mean;
use crate::desired::node::{Node, Value};
use ipnet::IpNet;
use std::net::IpAddr;

impl Conv<'_> {
    /// A string. Unquoted numbers and booleans are taken as written
    /// (`name: 2024` is the name "2024").
    pub(super) fn string(&mut self, n: &Node, path: &str) -> Option<String> {
        match &n.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(self.raw(n)),
            _ => {
                self.type_error(n, path, "a string");
                None
            }
        }
    }

    pub(super) fn nonempty_string(&mut self, n: &Node, path: &str) -> Option<String> {
        let s = self.string(n, path)?;
        if s.trim().is_empty() {
            self.c
                .error(n.loc, path, "empty", "must not be empty".to_owned(), None);
        }
        Some(s)
    }

    pub(super) fn int(&mut self, n: &Node, path: &str, min: u64, max: u64) -> Option<u64> {
        match &n.value {
            Value::Int(i) => {
                let field = path.rsplit('.').next().unwrap_or(path);
                if *i < i128::from(min) || *i > i128::from(max) {
                    self.c.error(
                        n.loc,
                        path,
                        "out of range",
                        format!("`{field}` must be between {min} and {max}, found {i}"),
                        None,
                    );
                }
                u64::try_from(*i).ok()
            }
            // An integer too long for the parser arrives as a float; say
            // it is out of range rather than "a decimal number".
            #[allow(clippy::cast_precision_loss)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() > max as f64 => {
                let field = path.rsplit('.').next().unwrap_or(path);
                self.fail(
                    n.loc,
                    path,
                    "out of range",
                    format!("`{field}` must be between {min} and {max}, found a larger integer"),
                    None,
                );
                None
            }
            Value::Str(s) if s.trim().parse::<i128>().is_ok() => {
                self.fail(
                    n.loc,
                    path,
                    "expected an integer",
                    "expected an integer, found a string".to_owned(),
                    Some("remove the quotes".to_owned()),
                );
                None
            }
            _ => {
                self.type_error(n, path, "an integer");
                None
            }
        }
    }

    pub(super) fn int_as<T: TryFrom<u64>>(
        &mut self,
        n: &Node,
        path: &str,
        min: u64,
        max: u64,
    ) -> Option<T> {
        // The range check has reported any value that does not fit.
        self.int(n, path, min, max)
            .and_then(|v| T::try_from(v).ok())
    }

    fn boolean(&mut self, n: &Node, path: &str) -> Option<bool> {
        match &n.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.type_error(n, path, "`true` or `false`");
                None
            }
        }
    }

    pub(super) fn opt_bool(&mut self, o: &Obj<'_>, field: &str) -> bool {
        o.get(field)
            .and_then(|n| self.boolean(n, &o.p(field)))
            .unwrap_or(false)
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        n: &Node,
        path: &str,
        options: &[(&'static str, T)],
    ) -> Option<T> {
        let Value::Str(s) = &n.value else {
            let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
            self.type_error(n, path, &format!("one of {}", names.join(", ")));
            return None;
        };
        if let Some((_, v)) = options.iter().find(|(name, _)| name == s) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(s, _)| *s).collect();
        let help = did_you_mean(s, names.iter().copied()).map(|m| format!("did you mean `{m}`?"));
        self.fail(
            n.loc,
            path,
            "unknown value",
            format!("unknown value `{s}`, expected one of {}", names.join(", ")),
            help,
        );
        None
    }

    pub(super) fn ip_addr(&mut self, n: &Node, path: &str) -> Option<IpAddr> {
        let s = self.string(n, path)?;
        match s.trim().parse::<IpAddr>() {
            Ok(a) => Some(a),
            Err(_) => {
                let help = s
                    .split_once('/')
                    .filter(|(a, _)| a.parse::<IpAddr>().is_ok())
                    .map(|(a, _)| format!("write the address without a prefix length: `{a}`"));
                self.fail(
                    n.loc,
                    path,
                    "not an IP address",
                    format!("`{s}` is not an IP address"),
                    help,
                );
                None
            }
        }
    }

    fn parse_cidr(&mut self, n: &Node, path: &str, example: &str) -> Option<IpNet> {
        let s = self.string(n, path)?;
        match s.trim().parse::<IpNet>() {
            Ok(net) => Some(net),
            Err(_) => {
                if let Some((len, max)) = prefix_too_long(s.trim()) {
                    self.fail(
                        n.loc,
                        path,
                        "prefix too long",
                        format!("prefix length {len} is longer than {max} (`{s}`)"),
                        None,
                    );
                    return None;
                }
                let help = if s.trim().parse::<IpAddr>().is_ok() {
                    Some("add the prefix length, e.g. `/32` for one IPv4 host or `/128` for one IPv6 host".to_owned())
                } else {
                    None
                };
                self.fail(
                    n.loc,
                    path,
                    "not a CIDR",
                    format!("`{s}` is not an address with prefix length (e.g. `{example}`)"),
                    help,
                );
                None
            }
        }
    }

    /// A destination, subnet or network: a CIDR with no host bits set.
    pub(super) fn network(&mut self, n: &Node, path: &str) -> Option<IpNet> {
        let net = self.parse_cidr(n, path, "10.10.0.0/16")?;
        if net.trunc() != net {
            self.c.error(
                n.loc,
                path,
                "host bits set",
                format!("`{net}` is not a network address: host bits are set"),
                Some(format!("did you mean `{}`?", net.trunc())),
            );
        }
        Some(net)
    }

    /// An interconnect IP: a host address with the prefix length of the
    /// interconnect subnet (not its network or broadcast address).
    pub(super) fn interface(&mut self, n: &Node, path: &str) -> Option<IpNet> {
        let net = self.parse_cidr(n, path, "10.255.0.1/30")?;
        let bad = match net {
            // /31 and /32 have no network or broadcast address (RFC 3021).
            IpNet::V4(v4) if v4.prefix_len() <= 30 => {
                if v4.addr() == v4.network() {
                    Some("the network address of its subnet")
                } else if v4.addr() == v4.broadcast() {
                    Some("the broadcast address of its subnet")
                } else {
                    None
                }
            }
            // The all-zero host is the subnet-router anycast address.
            IpNet::V6(v6) if v6.prefix_len() <= 126 && v6.addr() == v6.network() => {
                Some("the subnet-router anycast (all-zero host) address of its subnet")
            }
            _ => None,
        };
        if let Some(what) = bad {
            self.c.error(
                n.loc,
                path,
                "not a host address",
                format!("`{net}` is {what}, not a host address"),
                None,
            );
        }
        Some(net)
    }
}

/// An address whose prefix length is a number beyond its family's width
/// (`10.0.0.0/33`): the length and the width, so the message can say so
/// rather than call the whole value malformed.
fn prefix_too_long(s: &str) -> Option<(u32, u32)> {
    let (addr, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let max = match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    };
    (len > max).then_some((len, max))
}

#[cfg(test)]
mod tests {
    use super::prefix_too_long;

    #[test]
    fn a_prefix_beyond_the_family_width_is_named() {
        assert_eq!(prefix_too_long("10.0.0.0/33"), Some((33, 32)));
        assert_eq!(prefix_too_long("2001:db8::/129"), Some((129, 128)));
        assert_eq!(prefix_too_long("10.0.0.0/32"), None);
        assert_eq!(prefix_too_long("10.0.0/33"), None);
        assert_eq!(prefix_too_long("10.0.0.0/x"), None);
        assert_eq!(prefix_too_long("10.0.0.0"), None);
    }
}
