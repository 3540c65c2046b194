//! The request edge: raw query and body → the normalised [`Params`] the
//! handlers read, following the endpoint's [`RequestRules`].

use super::table::{Placement, RequestRules};
use super::{gateway_id, Identity};
use crate::store::AccountState;
use crate::wire::{ApiError, Code, Params};

/// Reads a call's parameters. Without rules (reference, or a fallback
/// endpoint) the query overlays the JSON body as before; with rules only
/// the dialect's placement is read, fields outside its schema are dropped,
/// required ones are checked and renames applied.
pub fn extract(
    rules: Option<&RequestRules>,
    query: &[(String, String)],
    body: &[u8],
) -> Result<Params, ApiError> {
    let Some(rules) = rules else {
        return Params::parse(query, body);
    };
    let mut params = Params::parse_from(query, body, rules.placement == Placement::Query)?;
    params.retain_fields(rules.accepted);
    if let Some(missing) = rules.required.iter().find(|f| !params.contains(&[f])) {
        return Err(ApiError::new(Code::MissingParameter, *missing));
    }
    for (from, to) in rules.renames {
        params.rename(from, to);
    }
    Ok(params)
}

/// Turns the gateway key into the name the handlers look up. `gatewayName`
/// is always the name and wins when present; `vrfName` is the name on a
/// [`Identity::Name`] server and the opaque ID on an [`Identity::Id`] one,
/// where a name or unknown ID in `vrfName` is `CDA.Gateway.NotFound` (as a
/// real server keyed by ID would answer). DOC's `search` filter takes an ID
/// as well as a name.
pub fn resolve_gateway(
    identity: Identity,
    st: &AccountState,
    params: &mut Params,
) -> Result<(), ApiError> {
    let by_id = |text: &str| {
        st.gateways
            .iter()
            .find(|g| gateway_id(&g.fuid) == text)
            .map(|g| g.name.clone())
    };
    if params.str(&["gatewayName"]).is_none() {
        if let Some(vrf) = params.str(&["vrfName"]) {
            let name = match identity {
                Identity::Name => vrf,
                Identity::Id => {
                    by_id(&vrf).ok_or_else(|| ApiError::new(Code::GatewayNotFound, vrf))?
                }
            };
            params.set_str("gatewayName", &name);
        }
    }
    params.remove("vrfName");
    if identity == Identity::Id {
        if let Some(name) = params.str(&["search"]).and_then(|s| by_id(&s)) {
            params.set_str("search", &name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Gateway;

    const RULES: RequestRules = RequestRules {
        placement: Placement::Query,
        accepted: &["vrfName", "note", "lineID"],
        required: &["vrfName"],
        renames: &[("note", "description")],
    };

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn strict_rules_read_one_placement_and_name_the_missing_field() {
        let e = extract(Some(&RULES), &[], br#"{"vrfName":"x"}"#).unwrap_err();
        assert_eq!(e.code, Code::MissingParameter);
        assert_eq!(e.detail, "vrfName");
        let p = extract(
            Some(&RULES),
            &q(&[("vrfName", "x"), ("gatewayName", "g"), ("note", "n")]),
            b"not even json",
        )
        .unwrap();
        assert_eq!(p.str(&["vrfName"]).as_deref(), Some("x"));
        assert_eq!(p.str(&["gatewayName"]), None, "outside the schema");
        assert_eq!(p.str(&["description"]).as_deref(), Some("n"));
        let p = extract(None, &q(&[("a", "1")]), br#"{"b":2}"#).unwrap();
        assert!(p.contains(&["a"]) && p.contains(&["b"]));
    }

    #[test]
    fn vrf_name_is_an_id_only_on_id_servers() {
        let mut st = AccountState::default();
        st.gateways.push(Gateway {
            name: "gw1".into(),
            fuid: "abcdef12-3456-7890".into(),
            ..Default::default()
        });
        let id = gateway_id("abcdef12-3456-7890");
        let mut p = Params::from_value(serde_json::json!({ "vrfName": id }));
        resolve_gateway(Identity::Id, &st, &mut p).unwrap();
        assert_eq!(p.str(&["gatewayName"]).as_deref(), Some("gw1"));
        assert!(!p.contains(&["vrfName"]));
        let mut p = Params::from_value(serde_json::json!({ "vrfName": id }));
        resolve_gateway(Identity::Name, &st, &mut p).unwrap();
        assert_eq!(p.str(&["gatewayName"]), Some(id.clone()));
        let mut p = Params::from_value(serde_json::json!({ "vrfName": "gw1" }));
        let e = resolve_gateway(Identity::Id, &st, &mut p).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), (Code::GatewayNotFound, "gw1"));
        let mut p = Params::from_value(serde_json::json!({ "gatewayName": "gw1", "vrfName": "x" }));
        resolve_gateway(Identity::Id, &st, &mut p).unwrap();
        assert_eq!(p.str(&["gatewayName"]).as_deref(), Some("gw1"));
    }
}
