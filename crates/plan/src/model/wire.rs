//! How the CDA API spells the model's enums, both ways, in one place:
//! `as_api` for what a request sends (the same spelling the desired-state
//! file uses), `from_api` for what a response may hold. Servers differ in
//! what they answer: some send `ipVersion` as a number (`0`, `1`, `2`),
//! some a port type as `GE`/`10GE`; every spelling seen is read here.

use super::{IpVersion, LineType, PortType};

/// Surrounding blanks and case do not matter in a response.
fn normalised(text: &str) -> String {
    text.trim().to_ascii_uppercase()
}

impl IpVersion {
    pub const ALL: [IpVersion; 3] = [IpVersion::Ipv4, IpVersion::Ipv6, IpVersion::DualStack];

    /// The API's spelling: `IPV4`, `IPV6` or `DUALSTACK`.
    pub const fn as_api(self) -> &'static str {
        match self {
            IpVersion::Ipv4 => "IPV4",
            IpVersion::Ipv6 => "IPV6",
            IpVersion::DualStack => "DUALSTACK",
        }
    }

    /// Reads `ipVersion` from a response: a name (any case) or the numeric
    /// code some servers send, `0` IPv4, `1` dual stack, `2` IPv6. `None`
    /// for anything else, an empty value included (where the API leaves
    /// it out, the caller decides what that means).
    pub fn from_api(text: &str) -> Option<Self> {
        match normalised(text).as_str() {
            "IPV4" | "0" => Some(IpVersion::Ipv4),
            "DUALSTACK" | "1" => Some(IpVersion::DualStack),
            "IPV6" | "2" => Some(IpVersion::Ipv6),
            _ => None,
        }
    }
}

impl LineType {
    pub const ALL: [LineType; 2] = [LineType::Pon, LineType::Ipran];

    /// The API's spelling: `PON` or `IPRAN`.
    pub const fn as_api(self) -> &'static str {
        match self {
            LineType::Pon => "PON",
            LineType::Ipran => "IPRAN",
        }
    }

    /// Reads `lineType` from a response (any case); `None` for a type the
    /// model does not know.
    pub fn from_api(text: &str) -> Option<Self> {
        match normalised(text).as_str() {
            "PON" => Some(LineType::Pon),
            "IPRAN" => Some(LineType::Ipran),
            _ => None,
        }
    }
}

impl PortType {
    pub const ALL: [PortType; 2] = [PortType::OneG, PortType::TenG];

    /// The API's spelling: `1G` or `10G`.
    pub const fn as_api(self) -> &'static str {
        match self {
            PortType::OneG => "1G",
            PortType::TenG => "10G",
        }
    }

    /// Reads `portType` from a response (any case), including the `GE` and
    /// `10GE` some servers list; `None` for a type the model does not know.
    pub fn from_api(text: &str) -> Option<Self> {
        match normalised(text).as_str() {
            "1G" | "GE" => Some(PortType::OneG),
            "10G" | "10GE" => Some(PortType::TenG),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn every_spelling_sent_is_read_back_and_matches_the_files() {
        for v in IpVersion::ALL {
            assert_eq!(IpVersion::from_api(v.as_api()), Some(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_api());
        }
        for v in LineType::ALL {
            assert_eq!(LineType::from_api(v.as_api()), Some(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_api());
        }
        for v in PortType::ALL {
            assert_eq!(PortType::from_api(v.as_api()), Some(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_api());
        }
    }

    #[test]
    fn ip_version_numeric_codes_case_and_blanks() {
        let read = |s| IpVersion::from_api(s);
        assert_eq!(read("0"), Some(IpVersion::Ipv4));
        assert_eq!(read("1"), Some(IpVersion::DualStack));
        assert_eq!(read("2"), Some(IpVersion::Ipv6));
        assert_eq!(read(" ipv6 "), Some(IpVersion::Ipv6));
        assert_eq!(read("DualStack"), Some(IpVersion::DualStack));
        for unknown in ["", " ", "3", "IPV5", "v4"] {
            assert_eq!(read(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn port_and_line_type_aliases() {
        assert_eq!(PortType::from_api("GE"), Some(PortType::OneG));
        assert_eq!(PortType::from_api("10ge"), Some(PortType::TenG));
        assert_eq!(PortType::from_api(" 10G"), Some(PortType::TenG));
        assert_eq!(PortType::from_api("40G"), None);
        assert_eq!(LineType::from_api("ipran"), Some(LineType::Ipran));
        assert_eq!(LineType::from_api("MPLS"), None);
        assert_eq!(LineType::from_api(""), None);
    }
}
