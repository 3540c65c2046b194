//! How requests are shaped for a server whose dialect is unknown
//! (DIALECTS.md §3.5, §4): where GET parameters travel, which gateway key
//! is sent, and the `vrfName` each gateway has on this server.
//!
//! By default a GET carries its parameters in the query *and* as a JSON
//! body, and every gateway-scoped call carries `gatewayName` *and*
//! `vrfName` — each official source sends only one of each, and a server
//! of one kind ignores the other (DIALECTS §4.1, §4.2). Should a server
//! refuse a read for a parameter, the client tries the single forms once
//! and keeps the one that works for the rest of the process
//! ([`Client::call`](super::Client::call)). A user may pin either choice
//! (`--get-params`, `--gateway-key`), which also turns adaptation off.

use std::collections::HashMap;
use std::sync::Mutex;

/// Where the parameters of a GET travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GetParams {
    /// Query string only (PY4, DOC).
    Query,
    /// JSON body only (GO, 3P).
    Body,
    /// Both, same values (the default).
    Both,
}

/// Which gateway key a gateway-scoped call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum GatewayKey {
    /// `gatewayName` only (GO, PYH).
    #[serde(rename = "gatewayName")]
    GatewayName,
    /// `vrfName` only (PY4).
    #[serde(rename = "vrfName")]
    VrfName,
    /// Both (the default).
    #[serde(rename = "both")]
    Both,
}

impl std::str::FromStr for GetParams {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "query" => Ok(GetParams::Query),
            "body" => Ok(GetParams::Body),
            "both" => Ok(GetParams::Both),
            other => Err(format!("{other:?}: expected query, body or both")),
        }
    }
}

impl std::str::FromStr for GatewayKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gatewayname" | "gateway_name" | "gateway-name" => Ok(GatewayKey::GatewayName),
            "vrfname" | "vrf_name" | "vrf-name" => Ok(GatewayKey::VrfName),
            "both" => Ok(GatewayKey::Both),
            other => Err(format!("{other:?}: expected gatewayName, vrfName or both")),
        }
    }
}

impl GetParams {
    pub const ALL: [GetParams; 3] = [GetParams::Query, GetParams::Body, GetParams::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            GetParams::Query => "query",
            GetParams::Body => "body",
            GetParams::Both => "both",
        }
    }

    /// The parameters go in the query string.
    pub fn query(self) -> bool {
        self != GetParams::Body
    }

    /// The parameters go in a JSON body.
    pub fn body(self) -> bool {
        self != GetParams::Query
    }
}

impl std::fmt::Display for GetParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for GatewayKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GatewayKey::GatewayName => "gatewayName",
            GatewayKey::VrfName => "vrfName",
            GatewayKey::Both => "both",
        })
    }
}

/// The shape of one request on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireOptions {
    pub get_params: GetParams,
    pub gateway_key: GatewayKey,
}

impl Default for WireOptions {
    fn default() -> Self {
        WireOptions {
            get_params: GetParams::Both,
            gateway_key: GatewayKey::Both,
        }
    }
}

/// What the client has learnt about this server during the process.
///
/// A form is remembered per endpoint (a `shuffle` server may treat each
/// endpoint its own way) and also becomes the starting form of every
/// endpoint that has learnt none yet — writes included, which are never
/// retried in another form.
#[derive(Debug, Default)]
pub(crate) struct Learned {
    /// Endpoint name → the form that worked there.
    per_endpoint: Mutex<HashMap<&'static str, WireOptions>>,
    /// The form learnt last, for endpoints without one of their own.
    latest: Mutex<Option<WireOptions>>,
    /// Gateway name → the `vrfName` the server reports for it.
    vrf_names: Mutex<HashMap<String, String>>,
    /// The server's `vrfName` of a gateway → its name: the reverse of
    /// `vrf_names`, for rows that name their gateway by `vrfName`.
    gateway_names: Mutex<HashMap<String, String>>,
    /// `resourcePool` (the region ID) → the `resourcePoolName` rows show.
    pool_names: Mutex<HashMap<String, String>>,
}

impl Learned {
    pub fn options(&self, endpoint: &str, configured: WireOptions) -> WireOptions {
        let own = self
            .per_endpoint
            .lock()
            .ok()
            .and_then(|m| m.get(endpoint).copied());
        own.or_else(|| self.latest.lock().ok().and_then(|o| *o))
            .unwrap_or(configured)
    }

    pub fn set_options(&self, endpoint: &'static str, options: WireOptions) {
        if let Ok(mut m) = self.per_endpoint.lock() {
            m.insert(endpoint, options);
        }
        if let Ok(mut o) = self.latest.lock() {
            *o = Some(options);
        }
    }

    pub fn vrf_name(&self, gateway: &str) -> Option<String> {
        self.vrf_names.lock().ok()?.get(gateway).cloned()
    }

    pub fn record_vrf_name(&self, gateway: &str, vrf_name: &str) {
        if let Ok(mut m) = self.vrf_names.lock() {
            m.insert(gateway.to_owned(), vrf_name.to_owned());
        }
        if let Ok(mut m) = self.gateway_names.lock() {
            m.insert(vrf_name.to_owned(), gateway.to_owned());
        }
    }

    pub fn gateway_name(&self, vrf_name: &str) -> Option<String> {
        self.gateway_names.lock().ok()?.get(vrf_name).cloned()
    }

    pub fn pool_name(&self, pool: &str) -> Option<String> {
        self.pool_names.lock().ok()?.get(pool).cloned()
    }

    pub fn record_pool_name(&self, pool: &str, name: &str) {
        if let Ok(mut m) = self.pool_names.lock() {
            m.insert(pool.to_owned(), name.to_owned());
        }
    }
}

/// The other forms to try, in order (both first, then the single ones),
/// after a read carrying `current` was refused for a parameter. Only the
/// choices that matter for this call and are not pinned are varied.
pub(crate) fn alternatives(
    current: WireOptions,
    is_get: bool,
    gateway_scoped: bool,
    pinned_params: bool,
    pinned_key: bool,
) -> Vec<WireOptions> {
    let params: Vec<GetParams> = if is_get && !pinned_params {
        vec![GetParams::Both, GetParams::Query, GetParams::Body]
    } else {
        vec![current.get_params]
    };
    let keys: Vec<GatewayKey> = if gateway_scoped && !pinned_key {
        vec![
            GatewayKey::Both,
            GatewayKey::GatewayName,
            GatewayKey::VrfName,
        ]
    } else {
        vec![current.gateway_key]
    };
    let mut out = Vec::new();
    for &gateway_key in &keys {
        for &get_params in &params {
            let o = WireOptions {
                get_params,
                gateway_key,
            };
            if o != current {
                out.push(o);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_show() {
        assert_eq!("query".parse::<GetParams>(), Ok(GetParams::Query));
        assert_eq!("BODY".parse::<GetParams>(), Ok(GetParams::Body));
        assert_eq!("vrfName".parse::<GatewayKey>(), Ok(GatewayKey::VrfName));
        assert_eq!(
            "gatewayName".parse::<GatewayKey>(),
            Ok(GatewayKey::GatewayName)
        );
        assert!("header".parse::<GetParams>().is_err());
        assert!("id".parse::<GatewayKey>().is_err());
        assert_eq!(GatewayKey::VrfName.to_string(), "vrfName");
        assert_eq!(GetParams::Both.to_string(), "both");
    }

    #[test]
    fn alternatives_vary_only_what_is_both_and_relevant() {
        let both = WireOptions::default();
        let a = alternatives(both, true, true, false, false);
        assert_eq!(a.len(), 8);
        assert!(!a.contains(&both));
        // A POST varies only the key; an unscoped GET only the placement.
        assert_eq!(alternatives(both, false, true, false, false).len(), 2);
        assert_eq!(alternatives(both, true, false, false, false).len(), 2);
        // Pinned choices are never varied.
        assert!(alternatives(both, true, true, true, true).is_empty());
        // A form learnt on another endpoint can be left again, both first.
        let learnt = WireOptions {
            get_params: GetParams::Query,
            gateway_key: GatewayKey::Both,
        };
        let body = WireOptions {
            get_params: GetParams::Body,
            ..both
        };
        assert_eq!(
            alternatives(learnt, true, false, false, false),
            vec![both, body]
        );
    }
}
