//! Who is calling: the `Eop-Authorization` signature checked against the
//! configured accounts, then the request's freshness.

use super::App;
use crate::sign;
use crate::wire::{ApiError, Code};
use axum::http::HeaderMap;
use chrono::Utc;

pub(super) struct Authenticated {
    pub(super) email: String,
}

pub(super) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn authenticate(
    app: &App,
    headers: &HeaderMap,
    raw_query: &str,
    body: &[u8],
) -> Result<Authenticated, ApiError> {
    let Some(value) = header_str(headers, "eop-authorization") else {
        return Err(ApiError::new(
            Code::MissingAuthorization,
            "Eop-Authorization",
        ));
    };
    let parsed = sign::parse_authorization(value)
        .ok_or_else(|| ApiError::new(Code::MalformedAuthorization, ""))?;
    for required in ["ctyun-eop-request-id", "eop-date"] {
        if !parsed.headers.iter().any(|h| h == required) {
            return Err(ApiError::new(
                Code::MalformedAuthorization,
                format!("{required} must be signed"),
            ));
        }
    }
    let mut signed = Vec::new();
    for name in &parsed.headers {
        let Some(v) = header_str(headers, name) else {
            return Err(ApiError::new(Code::MissingAuthorization, name.clone()));
        };
        signed.push((name.clone(), v.trim().to_string()));
    }
    let account = app
        .accounts
        .get(&parsed.access_key)
        .ok_or_else(|| ApiError::new(Code::UnknownAccessKey, ""))?;
    let date = header_str(headers, "eop-date").unwrap_or_default().trim();
    let when = sign::parse_eop_date(date)
        .ok_or_else(|| ApiError::new(Code::InvalidDate, date.to_string()))?;
    let ok = sign::query_variants(raw_query).iter().any(|query| {
        let sts = sign::string_to_sign(&signed, query, body);
        sign::signature_matches(
            &account.access_key,
            &account.secret_key,
            date,
            &sts,
            &parsed.signature,
        )
    });
    if !ok {
        return Err(ApiError::new(Code::SignatureMismatch, ""));
    }
    // Freshness after the signature, so a stale but authentic request is
    // told it is stale rather than forged.
    if !sign::is_fresh(when, Utc::now(), app.freshness) {
        return Err(ApiError::new(Code::RequestExpired, date.to_string()));
    }
    Ok(Authenticated {
        email: account.email.clone(),
    })
}
