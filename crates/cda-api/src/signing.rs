//! EOP request signing (REFERENCE §5.1), as small pure functions.
//!
//! canonical query → string to sign → key chain → `Eop-Authorization` value.
//! Nothing here reads the clock, the environment or the network: the caller
//! passes the instant, and [`eop_date`] renders it in Beijing time, so the
//! host's time zone cannot leak into a signature.

use base64::Engine as _;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Header carrying the request id (signed).
pub const HEADER_REQUEST_ID: &str = "ctyun-eop-request-id";
/// Header carrying the signing date (signed).
pub const HEADER_EOP_DATE: &str = "eop-date";
/// Header carrying the signature.
pub const HEADER_AUTHORIZATION: &str = "Eop-Authorization";
/// The signed header list, lower-case, `;`-separated, alphabetical.
pub const SIGNED_HEADERS: &str = "ctyun-eop-request-id;eop-date";

/// RFC 3986 unreserved characters stay as they are; everything else is
/// `%XX` (upper-case hex). Space therefore becomes `%20`, never `+`.
const RFC3986_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

type HmacSha256 = Hmac<Sha256>;

/// The `eop-date` header value for an instant: the Beijing (UTC+8) wall clock
/// formatted `YYYYMMDDTHHMMSSZ`, where the trailing `Z` is a literal character
/// (it does not mean UTC). Takes a UTC instant and never consults the host's
/// local time zone.
pub fn eop_date(utc: DateTime<Utc>) -> String {
    // Beijing is UTC+8 all year (no daylight saving), so adding eight hours
    // to the UTC wall clock is exact.
    (utc.naive_utc() + TimeDelta::hours(8))
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Percent-encodes one query key or value with the RFC 3986 unreserved set.
pub fn encode_component(raw: &str) -> String {
    utf8_percent_encode(raw, RFC3986_ENCODE).to_string()
}

/// The canonical query string: every key and value percent-encoded
/// ([`encode_component`]), pairs sorted by encoded key then encoded value,
/// joined as `k=v` with `&`. The client sends exactly this string in the URL
/// and signs exactly this string, so the server sees what was signed.
pub fn canonical_query<I, K, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut encoded: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(k, v)| (encode_component(k.as_ref()), encode_component(v.as_ref())))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-case hex SHA-256 of the body bytes exactly as sent (empty body →
/// the digest of the empty string).
pub fn body_sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The string to sign:
/// `ctyun-eop-request-id:<id>\neop-date:<date>\n\n<query>\n<hex sha256(body)>`.
/// Neither method, path nor host is signed.
pub fn string_to_sign(request_id: &str, eop_date: &str, query: &str, body: &[u8]) -> String {
    format!(
        "{HEADER_REQUEST_ID}:{request_id}\n{HEADER_EOP_DATE}:{eop_date}\n\n{query}\n{}",
        body_sha256_hex(body)
    )
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here;
    // the fallback keeps the function total without a panic path.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0u8; 32],
    }
}

/// The key chain: `kTime = HMAC(SK, date)`, `kAk = HMAC(kTime, AK)`,
/// `kDate = HMAC(kAk, date[0..8])`. Returns `kDate`.
pub fn signing_key(secret_key: &str, access_key: &str, eop_date: &str) -> [u8; 32] {
    let k_time = hmac_sha256(secret_key.as_bytes(), eop_date.as_bytes());
    let k_ak = hmac_sha256(&k_time, access_key.as_bytes());
    let day = eop_date.get(..8).unwrap_or(eop_date);
    hmac_sha256(&k_ak, day.as_bytes())
}

/// `Base64Std(HMAC(kDate, stringToSign))`, with `=` padding.
pub fn signature(
    secret_key: &str,
    access_key: &str,
    eop_date: &str,
    string_to_sign: &str,
) -> String {
    let k_date = signing_key(secret_key, access_key, eop_date);
    base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(&k_date, string_to_sign.as_bytes()))
}

/// The complete `Eop-Authorization` header value:
/// `<AK> Headers=ctyun-eop-request-id;eop-date Signature=<signature>`.
pub fn authorization(
    access_key: &str,
    secret_key: &str,
    request_id: &str,
    eop_date: &str,
    query: &str,
    body: &[u8],
) -> String {
    let sts = string_to_sign(request_id, eop_date, query, body);
    let sig = signature(secret_key, access_key, eop_date, &sts);
    format!("{access_key} Headers={SIGNED_HEADERS} Signature={sig}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../tests/fixtures/signing-vectors.json");

    fn field<'a>(vector: &'a Value, defaults: &'a Value, name: &str) -> &'a str {
        vector
            .get(name)
            .or_else(|| defaults.get(name))
            .and_then(Value::as_str)
            .unwrap()
    }

    #[test]
    fn every_signing_vector_matches() {
        let file: Value = serde_json::from_str(VECTORS).unwrap();
        let vectors = file["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 8, "fixture lost vectors");
        for v in vectors {
            let ak = field(v, &file, "ak");
            let sk = field(v, &file, "sk");
            let rid = field(v, &file, "request_id");
            let date = field(v, &file, "eop_date");
            let query = v["query_as_sent"].as_str().unwrap();
            let body = v["body_utf8"].as_str().unwrap().as_bytes();
            assert_eq!(
                body_sha256_hex(body),
                v["body_sha256_hex"].as_str().unwrap()
            );
            let sts = string_to_sign(rid, date, query, body);
            if let Some(expected) = v.get("string_to_sign").and_then(Value::as_str) {
                assert_eq!(sts, expected);
            }
            assert_eq!(
                authorization(ak, sk, rid, date, query, body),
                v["eop_authorization"].as_str().unwrap(),
                "vector with query {query:?} body {:?}",
                v["body_utf8"]
            );
        }
    }

    #[test]
    fn eop_date_from_utc_cases() {
        let file: Value = serde_json::from_str(VECTORS).unwrap();
        for case in file["eop_date_from_utc"].as_array().unwrap() {
            let utc: DateTime<Utc> = case["utc"].as_str().unwrap().parse().unwrap();
            assert_eq!(eop_date(utc), case["eop_date"].as_str().unwrap());
        }
    }

    #[test]
    fn canonical_query_sorts_and_encodes_rfc3986() {
        let q = canonical_query([
            ("regionID", "nm8"),
            ("pageSize", "10"),
            ("account", "user@sample.com"),
            ("pageNo", "1"),
        ]);
        assert_eq!(
            q,
            "account=user%40sample.com&pageNo=1&pageSize=10&regionID=nm8"
        );
        assert_eq!(
            canonical_query([("search", "gw prod,01")]),
            "search=gw%20prod%2C01"
        );
        assert_eq!(
            canonical_query([("k", "a~b-c_d.e/f+g")]),
            "k=a~b-c_d.e%2Ff%2Bg"
        );
        assert_eq!(canonical_query(Vec::<(&str, &str)>::new()), "");
        // Repeated keys sort by value.
        assert_eq!(canonical_query([("a", "2"), ("a", "1")]), "a=1&a=2");
    }

    #[test]
    fn key_chain_uses_the_day_prefix() {
        // A date differing only in the time of day changes kTime (and so the
        // key), but the day component must be the first 8 characters.
        let a = signing_key("sk", "ak", "20240102T030405Z");
        let b = signing_key("sk", "ak", "20240102T030406Z");
        assert_ne!(a, b);
        let expected_day = {
            let k_time = hmac_sha256(b"sk", b"20240102T030405Z");
            let k_ak = hmac_sha256(&k_time, b"ak");
            hmac_sha256(&k_ak, b"20240102")
        };
        assert_eq!(a, expected_day);
    }
}
