//! EOP request signing, written for the emulator from REFERENCE §5 (it shares
//! nothing with `cda-api`, so a mistake on one side cannot hide on the other).
//!
//! canonicalise query → string to sign → key chain → header. The verifier
//! tries the documented client variants of the query (§5.5) and always hashes
//! the body bytes exactly as received.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Everything except the RFC 3986 unreserved characters is percent-encoded.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `eop-date` layout: the clock value is Beijing time, the `Z` is literal.
pub const EOP_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// Lower-case hex SHA-256 of the body bytes as sent.
pub fn body_digest(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The `eop-date` a correct client sends at `now`: Beijing wall clock + `Z`.
pub fn eop_date(now: DateTime<Utc>) -> String {
    (now + ChronoDuration::hours(8))
        .format(EOP_DATE_FORMAT)
        .to_string()
}

/// Reads an `eop-date` as Beijing time and returns the UTC instant it names.
pub fn parse_eop_date(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, EOP_DATE_FORMAT).ok()?;
    Some(naive.and_utc() - ChronoDuration::hours(8))
}

/// Decodes one query component: `+` is a space, then percent-decoding.
fn decode_component(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// Splits a raw query into decoded `(key, value)` pairs, in order.
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// The canonical query: decoded pairs sorted by key then value, re-encoded
/// with the RFC 3986 unreserved set (space → `%20`), joined by `&`.
pub fn canonical_query(raw: &str) -> String {
    let mut pairs = decode_query(raw);
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, RFC3986),
                utf8_percent_encode(v, RFC3986)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Query strings a legitimate client may have signed for the query we
/// received (REFERENCE §5.5): canonical (PY4), space as `+` (GO
/// `QueryEscape`), `%2C` → `,` (PYH), and the raw query as received.
pub fn query_variants(raw: &str) -> Vec<String> {
    let canonical = canonical_query(raw);
    let mut out = vec![canonical.clone()];
    for variant in [
        canonical.replace("%20", "+"),
        canonical.replace("%2C", ","),
        canonical.replace("%20", "+").replace("%2C", ","),
        raw.to_string(),
    ] {
        if !out.contains(&variant) {
            out.push(variant);
        }
    }
    out
}

/// The string to sign: each signed header as `name:value\n` (names sorted),
/// an empty line, the query, a line feed and the body digest.
pub fn string_to_sign(headers: &[(String, String)], query: &str, body: &[u8]) -> String {
    let mut sorted: Vec<&(String, String)> = headers.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (name, value) in sorted {
        out.push_str(name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(query);
    out.push('\n');
    out.push_str(&body_digest(body));
    out
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The signing key: `HMAC(HMAC(HMAC(SK, date), AK), date[0..8])`.
pub fn signing_key(ak: &str, sk: &str, eop_date: &str) -> Vec<u8> {
    let k_time = hmac(sk.as_bytes(), eop_date.as_bytes());
    let k_ak = hmac(&k_time, ak.as_bytes());
    let day = eop_date.get(0..8).unwrap_or(eop_date);
    hmac(&k_ak, day.as_bytes())
}

/// Base64 signature of a string to sign.
pub fn signature(ak: &str, sk: &str, eop_date: &str, string_to_sign: &str) -> String {
    BASE64.encode(hmac(
        &signing_key(ak, sk, eop_date),
        string_to_sign.as_bytes(),
    ))
}

/// The full `Eop-Authorization` header value for a request signed with the
/// two mandatory headers. Used by tests and the bench as an independent
/// client; the query must be given exactly as it will be sent.
pub fn authorization(
    ak: &str,
    sk: &str,
    request_id: &str,
    eop_date: &str,
    query: &str,
    body: &[u8],
) -> String {
    let headers = [
        ("ctyun-eop-request-id".to_string(), request_id.to_string()),
        ("eop-date".to_string(), eop_date.to_string()),
    ];
    let sts = string_to_sign(&headers, query, body);
    format!(
        "{ak} Headers=ctyun-eop-request-id;eop-date Signature={}",
        signature(ak, sk, eop_date, &sts)
    )
}

/// A parsed `Eop-Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader {
    pub access_key: String,
    /// Signed header names, lower-case.
    pub headers: Vec<String>,
    pub signature: String,
}

/// Parses `<AK> Headers=a;b Signature=<b64>` (also the singular `Header=`
/// one documentation page uses).
pub fn parse_authorization(value: &str) -> Option<AuthorizationHeader> {
    let mut parts = value.split_whitespace();
    let access_key = parts.next()?.to_string();
    let mut headers = None;
    let mut signature = None;
    for part in parts {
        if let Some(list) = part
            .strip_prefix("Headers=")
            .or_else(|| part.strip_prefix("Header="))
        {
            headers = Some(
                list.split(';')
                    .filter(|h| !h.is_empty())
                    .map(str::to_ascii_lowercase)
                    .collect::<Vec<_>>(),
            );
        } else if let Some(sig) = part.strip_prefix("Signature=") {
            signature = Some(sig.to_string());
        }
    }
    Some(AuthorizationHeader {
        access_key,
        headers: headers?,
        signature: signature?,
    })
}

/// Checks `presented` (base64) against the signature of `string_to_sign` in
/// constant time.
pub fn signature_matches(
    ak: &str,
    sk: &str,
    eop_date: &str,
    string_to_sign: &str,
    presented: &str,
) -> bool {
    let Ok(presented) = BASE64.decode(presented) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(&signing_key(ak, sk, eop_date)) else {
        return false;
    };
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&presented).is_ok()
}

/// Whether a client's `eop-date` instant is within `window` of `now`.
pub fn is_fresh(date: DateTime<Utc>, now: DateTime<Utc>, window: std::time::Duration) -> bool {
    let window = ChronoDuration::from_std(window).unwrap_or(ChronoDuration::MAX);
    (now - date).abs() <= window
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const AK: &str = "AK0123456789";
    const SK: &str = "SK0123456789";
    const RID: &str = "00000000-0000-4000-8000-000000000000";
    const DATE: &str = "20240102T030405Z";

    fn sig_of(header: &str) -> String {
        parse_authorization(header).unwrap().signature
    }

    #[test]
    fn reference_vectors() {
        let cases: [(&str, &str, &str); 6] = [
            ("", "", "10P6fGyrdLIIcdS6pFEyMhTlQjVWdWfZEwx4YkdDAow="),
            (
                "account=user%40sample.com&pageNo=1&pageSize=10&regionID=nm8",
                "",
                "zO09UZA44YhIo6fsySAAEDkeDHRfvjDT1IxIWswwA/A=",
            ),
            (
                "",
                "{\"gatewayName\":\"gw01\",\"lineID\":\"line-1\"}",
                "PxgDmWNr8JpWpXlk9BQipLILwfZ2WMR1H3DI/i8maEQ=",
            ),
            ("", "{}", "OS4B6Nmim8TlKcx4lnsRc8qkTLPsCK2vrhuIjS2jm00="),
            (
                "gatewayName=gw01&regionID=nm8",
                "",
                "8UmG09ULNRd6Dy8VzAUFy81twTmW8mkF3YSQfmy0I10=",
            ),
            (
                "search=gw%20prod%2C01",
                "",
                "m51kqnHWcYScxOInRLPKG0lU7thLKwMM/RSCPCy2354=",
            ),
        ];
        for (query, body, expected) in cases {
            let header = authorization(AK, SK, RID, DATE, query, body.as_bytes());
            assert_eq!(sig_of(&header), expected, "query {query:?} body {body:?}");
        }
    }

    #[test]
    fn chinese_body_and_calling_example_vectors() {
        let body = "{\"description\":\"北京IDC主线\",\"lineName\":\"bj-idc-a\"}";
        let header = authorization(AK, SK, RID, DATE, "", body.as_bytes());
        assert_eq!(
            sig_of(&header),
            "qpiosmado2sPQhb6xpdzerjcP/NgtM4pp3YQ6XGHju8="
        );
        let header = authorization(
            "3d98d123d633aaaaaaaaaaa5a60d4bb3",
            "173615ae4177bbbbbbbbbbbd17b1c3ed",
            "6f1c9a52-8d0e-4b7a-9c1e-2b5d7f0a4c11",
            "20261130T043000Z",
            "",
            b"{\"page\": \"1\", \"pageSize\": \"2\"}",
        );
        assert_eq!(
            header,
            "3d98d123d633aaaaaaaaaaa5a60d4bb3 Headers=ctyun-eop-request-id;eop-date \
             Signature=NuIPUWPKXJOVpP2/zqSWVEWppYvY39sEcDbIMPXGLWY="
        );
    }

    #[test]
    fn eop_date_is_beijing_wall_clock() {
        let cases = [
            ((2026, 11, 29, 20, 30, 0), "20261130T043000Z"),
            ((2024, 1, 1, 19, 4, 5), "20240102T030405Z"),
            ((2026, 12, 31, 15, 59, 59), "20261231T235959Z"),
            ((2026, 12, 31, 16, 0, 0), "20270101T000000Z"),
        ];
        for ((y, mo, d, h, mi, s), expected) in cases {
            let utc = Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
            assert_eq!(eop_date(utc), expected);
            assert_eq!(parse_eop_date(expected), Some(utc));
        }
    }

    #[test]
    fn canonical_query_sorts_and_reencodes() {
        assert_eq!(
            canonical_query("b=2&a=x+y&c=1%2C2&a=w"),
            "a=w&a=x%20y&b=2&c=1%2C2"
        );
        let variants = query_variants("search=gw+prod,01");
        assert!(variants.contains(&"search=gw%20prod%2C01".to_string()));
        assert!(variants.contains(&"search=gw+prod%2C01".to_string()));
        assert!(variants.contains(&"search=gw%20prod,01".to_string()));
    }

    #[test]
    fn parses_header_and_rejects_garbage() {
        let parsed =
            parse_authorization("AK1 Headers=ctyun-eop-request-id;eop-date Signature=abc=")
                .unwrap();
        assert_eq!(parsed.access_key, "AK1");
        assert_eq!(parsed.headers, ["ctyun-eop-request-id", "eop-date"]);
        assert_eq!(parsed.signature, "abc=");
        assert!(parse_authorization("AK1 Signature=abc").is_none());
        assert!(parse_authorization("").is_none());
    }

    #[test]
    fn verification_is_exact() {
        let sts = string_to_sign(
            &[
                ("eop-date".into(), DATE.into()),
                ("ctyun-eop-request-id".into(), RID.into()),
            ],
            "",
            b"",
        );
        let good = "10P6fGyrdLIIcdS6pFEyMhTlQjVWdWfZEwx4YkdDAow=";
        assert!(signature_matches(AK, SK, DATE, &sts, good));
        assert!(!signature_matches(AK, "other", DATE, &sts, good));
        assert!(!signature_matches(AK, SK, DATE, &sts, "not base64!"));
    }

    #[test]
    fn freshness_window() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 20, 30, 0).unwrap();
        let window = std::time::Duration::from_secs(15 * 60);
        let beijing = parse_eop_date(&eop_date(now)).unwrap();
        assert!(is_fresh(beijing, now, window));
        // A client stamping UTC with the literal Z is read 8 hours early.
        let utc_stamped = parse_eop_date(&now.format(EOP_DATE_FORMAT).to_string()).unwrap();
        assert!(!is_fresh(utc_stamped, now, window));
        assert!(is_fresh(now - ChronoDuration::minutes(14), now, window));
        assert!(!is_fresh(now + ChronoDuration::minutes(16), now, window));
    }
}
