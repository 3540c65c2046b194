//! Judging recorded exchanges: clock skew, signature, accepted placements
//! and gateway keys, each read, the dialect and the fields. A pure function
//! of the probes, so a live run and `--from-capture` reach the same verdict.

use super::capture::{Probe, ProbeKind};
use super::dialect::{self, Features};
use super::fields;
use super::report::{Check, Outcome, Report};
use cda_api::types::{
    BgpRouteListRequest, GatewayListRequest, GatewayPhysicalLineListRequest, HealthCheckGetRequest,
    PhysicalLineListRequest, StaticRouteListRequest, VpcListRequest,
};
use cda_api::{ApiRequest, Exchange, Paged, RawResponse};
use chrono::{DateTime, TimeDelta};
use serde_json::Value;
use std::collections::BTreeSet;

/// Skew up to this is normal (network and clock granularity).
pub const SKEW_WARN_SECS: i64 = 60;
/// Skew beyond this: EOP gateways refuse signed requests whose `eop-date`
/// is this far off (the emulator's window is 15 minutes; be stricter).
pub const SKEW_FAIL_SECS: i64 = 300;

/// The envelope of a successful answer: HTTP 2xx and `statusCode` 800.
pub fn answer(exchange: &Exchange) -> Option<Value> {
    if !exchange.status.is_some_and(|s| (200..300).contains(&s)) {
        return None;
    }
    let body = exchange.response_json()?;
    let ok = match body.get("statusCode")? {
        Value::Number(n) => n.as_i64() == Some(800),
        Value::String(s) => s.trim() == "800",
        _ => false,
    };
    ok.then_some(body)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What went wrong in one exchange, in one line.
pub fn failure(exchange: &Exchange) -> String {
    if let Some(error) = &exchange.error {
        if exchange.status.is_none() {
            return format!("no answer: {error}");
        }
    }
    let status = exchange.status.unwrap_or_default();
    let Some(body) = exchange.response_json() else {
        return format!("HTTP {status}, body is not JSON");
    };
    let first = |keys: &[&str]| keys.iter().find_map(|k| text(body.get(*k)));
    let code = first(&["errorCode", "error", "subCode"])
        .or_else(|| text(body.get("statusCode")))
        .unwrap_or_default();
    let message = first(&["message", "description", "msgDesc", "subMsg"]).unwrap_or_default();
    format!("HTTP {status}, {code}: {message}")
}

fn looks_like_auth_failure(exchange: &Exchange) -> bool {
    if matches!(exchange.status, Some(401 | 403)) {
        return true;
    }
    let text = failure(exchange).to_ascii_lowercase();
    ["signature", "auth", "accesskey", "access key"]
        .iter()
        .any(|w| text.contains(w))
}

/// The gateway the per-gateway reads are made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub name: String,
    /// What the server itself reports as `vrfName` (DIALECTS §4.1).
    pub vrf_name: String,
    pub listed: usize,
}

/// Picks `requested` (by name, `vrfName` or display name) or the first
/// gateway of the first successful `gateway/list` answer. `Ok(None)`: none
/// listed; `Err`: the requested one is not listed, or nothing was listed.
pub fn select_gateway(
    probes: &[Probe],
    requested: Option<&str>,
) -> Result<Option<Selected>, String> {
    let Some(body) = probes
        .iter()
        .filter(|p| p.endpoint == "gateway_list")
        .find_map(|p| answer(&p.exchange))
    else {
        return Err("no gateway/list call succeeded".into());
    };
    let paged = Paged {
        filters: &GatewayListRequest::default(),
        page_no: 1,
        page_size: 50,
    };
    let page = paged
        .decode(RawResponse {
            request_id: String::new(),
            body,
        })
        .map_err(|e| format!("cda cannot decode gateway/list: {e}"))?;
    let candidates: Vec<(String, String, Option<String>)> = page
        .items
        .iter()
        .filter_map(|g| {
            let name = g
                .gateway_name
                .clone()
                .or_else(|| g.display_name.clone())
                .or_else(|| g.vrf_name.clone())?;
            let vrf = g.vrf_name.clone().unwrap_or_else(|| name.clone());
            Some((name, vrf, g.display_name.clone()))
        })
        .collect();
    let listed = candidates.len();
    let chosen = match requested {
        None => candidates.into_iter().next(),
        Some(want) => {
            let found = candidates
                .into_iter()
                .find(|(n, v, d)| n == want || v == want || d.as_deref() == Some(want));
            if found.is_none() {
                return Err(format!("gateway {want} is not in gateway/list"));
            }
            found
        }
    };
    Ok(chosen.map(|(name, vrf_name, _)| Selected {
        name,
        vrf_name,
        listed,
    }))
}

/// Decodes an answer with cda's own decoder for the endpoint: what refresh
/// would get.
fn decode(endpoint: &str, body: Value) -> Result<String, String> {
    let raw = RawResponse {
        request_id: String::new(),
        body,
    };
    let rows = |n: usize| format!("{n} row{}", if n == 1 { "" } else { "s" });
    let result = match endpoint {
        "gateway_list" => Paged {
            filters: &GatewayListRequest::default(),
            page_no: 1,
            page_size: 50,
        }
        .decode(raw)
        .map(|p| rows(p.items.len())),
        "physical_line_list" => Paged {
            filters: &PhysicalLineListRequest::default(),
            page_no: 1,
            page_size: 50,
        }
        .decode(raw)
        .map(|p| rows(p.items.len())),
        "gateway_physical_line_list" => GatewayPhysicalLineListRequest::default()
            .decode(raw)
            .map(|v| rows(v.len())),
        "vpc_list" => VpcListRequest::default().decode(raw).map(|v| rows(v.len())),
        "static_route_list" => StaticRouteListRequest::default()
            .decode(raw)
            .map(|v| rows(v.len())),
        "bgp_route_list" => BgpRouteListRequest::default()
            .decode(raw)
            .map(|v| rows(v.len())),
        "health_check_get" => HealthCheckGetRequest::default()
            .decode(raw)
            .map(|h| match h {
                Some(_) => "settings read".to_owned(),
                None => "no readable settings".to_owned(),
            }),
        other => return Ok(format!("{other}: answered")),
    };
    result.map_err(|e| e.to_string())
}

/// `gateway_list` → `gateway/list`.
pub fn path_name(endpoint: &str) -> String {
    cda_api::endpoints::by_name(endpoint)
        .map(|e| {
            e.path
                .trim_start_matches("/v4/cda/")
                .trim_start_matches('/')
                .to_owned()
        })
        .unwrap_or_else(|| endpoint.to_owned())
}

fn clock_skew(probes: &[Probe]) -> Check {
    let measured = probes.iter().find_map(|p| {
        let date = p.exchange.response_header("date")?;
        let server = DateTime::parse_from_rfc2822(date).ok()?;
        let midway = p.exchange.sent_at + TimeDelta::milliseconds(p.exchange.elapsed_ms as i64 / 2);
        Some((server.to_utc() - midway).num_seconds())
    });
    let Some(skew) = measured else {
        return Check::new(
            Outcome::Warn,
            "clock skew",
            "the server sent no Date header",
        )
        .advise(
            "make sure this machine's clock is synchronised (NTP): the signature carries eop-date",
        );
    };
    let detail = format!(
        "{skew:+} s against the server's Date header (this clock is {})",
        if skew > 0 {
            "behind"
        } else if skew < 0 {
            "ahead"
        } else {
            "in step"
        }
    );
    let advice = "synchronise this machine's clock (NTP): the signature carries eop-date";
    match skew.abs() {
        s if s <= SKEW_WARN_SECS => Check::new(Outcome::Pass, "clock skew", detail),
        s if s <= SKEW_FAIL_SECS => Check::new(Outcome::Warn, "clock skew", detail).advise(advice),
        _ => Check::new(Outcome::Fail, "clock skew", detail).advise(advice),
    }
}

fn signature(probes: &[Probe]) -> Check {
    if probes.iter().any(|p| answer(&p.exchange).is_some()) {
        return Check::new(Outcome::Pass, "signature", "accepted (statusCode 800)");
    }
    let answered: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.exchange.status.is_some())
        .collect();
    match answered.iter().find(|p| looks_like_auth_failure(&p.exchange)).or(answered.first()) {
        None => Check::new(Outcome::Skip, "signature", "no answer to judge"),
        Some(p) if looks_like_auth_failure(&p.exchange) => Check::new(
            Outcome::Fail,
            "signature",
            format!("refused: {}", failure(&p.exchange)),
        )
        .advise("check the access key and secret key (CTYUN_AK/CTYUN_SK or --credentials), that the key is enabled, and the clock"),
        Some(p) => Check::new(
            Outcome::Fail,
            "signature",
            format!("not confirmed, every call failed: {}", failure(&p.exchange)),
        )
        .advise("run with --capture FILE and attach it to a bug report"),
    }
}

/// Accepted variants of one kind of probe on one endpoint, in probe order.
fn accepted<'a>(
    probes: &'a [Probe],
    kind: ProbeKind,
    endpoint: &str,
) -> Option<(Vec<&'a str>, Vec<&'a Probe>)> {
    let tried: Vec<&Probe> = probes
        .iter()
        .filter(|p| p.probe == kind && p.endpoint == endpoint)
        .collect();
    if tried.is_empty() {
        return None;
    }
    let ok = tried
        .iter()
        .filter(|p| answer(&p.exchange).is_some())
        .map(|p| p.variant.as_str())
        .collect();
    Some((ok, tried))
}

fn variants(
    report: &mut Report,
    features: &mut Features,
    probes: &[Probe],
    kind: ProbeKind,
    endpoint: &str,
) {
    let Some((ok, tried)) = accepted(probes, kind, endpoint) else {
        return;
    };
    let (name, feature, flag) = match kind {
        ProbeKind::Placement => ("GET parameters", "placement", "--get-params"),
        _ => ("gateway key", "key", "--gateway-key"),
    };
    let singles: Vec<&str> = ok.iter().copied().filter(|v| *v != "both").collect();
    dialect::observe_acceptance(features, endpoint, feature, &singles);
    let refused: Vec<String> = tried
        .iter()
        .filter(|p| !ok.contains(&p.variant.as_str()))
        .map(|p| format!("{} ({})", p.variant, failure(&p.exchange)))
        .collect();
    let mut detail = format!(
        "{} accepts {}",
        path_name(endpoint),
        if ok.is_empty() {
            "none".to_owned()
        } else {
            ok.join(", ")
        }
    );
    if !refused.is_empty() {
        detail.push_str(&format!("; refused {}", refused.join(", ")));
    }
    let check = if ok.contains(&"both") {
        Check::new(Outcome::Pass, name, detail)
    } else if let Some(one) = ok.first() {
        Check::new(Outcome::Warn, name, detail).advise(format!(
            "this server refuses both at once: run cda with {flag} {one}"
        ))
    } else {
        Check::new(Outcome::Fail, name, detail)
            .advise("no variant works: run with --capture FILE and attach it to a bug report")
    };
    report.push(check);
}

fn gateway(report: &mut Report, probes: &[Probe], requested: Option<&str>) {
    match select_gateway(probes, requested) {
        Err(e) if requested.is_some() => report.push(
            Check::new(Outcome::Fail, "gateway", e)
                .advise("give a gateway that `cda plan` would see, or leave out --gateway"),
        ),
        Err(e) => report.push(Check::new(Outcome::Skip, "gateway", e)),
        Ok(None) => report.push(
            Check::new(
                Outcome::Warn,
                "gateway",
                "none listed: per-gateway reads not checked",
            )
            .advise("run doctor again once the account has a gateway"),
        ),
        Ok(Some(s)) => report.push(Check::new(
            Outcome::Pass,
            "gateway",
            format!(
                "{} (vrfName {}), {} of {} listed",
                s.name,
                s.vrf_name,
                if requested.is_some() {
                    "chosen"
                } else {
                    "first"
                },
                s.listed
            ),
        )),
    }
}

/// Whether the listed gateway rows carry complete `vpcList`/`srList`, so
/// refresh can skip each gateway's `vpc/list` and `static-route/list`
/// (`refresh::inline`, issue #17).
fn inline_lists(probes: &[Probe]) -> Check {
    const NAME: &str = "inline lists";
    let Some(body) = probes
        .iter()
        .filter(|p| p.endpoint == "gateway_list")
        .find_map(|p| answer(&p.exchange))
    else {
        return Check::new(Outcome::Skip, NAME, "no gateway/list call succeeded");
    };
    let paged = Paged {
        filters: &GatewayListRequest::default(),
        page_no: 1,
        page_size: 50,
    };
    let Ok(page) = paged.decode(RawResponse {
        request_id: String::new(),
        body,
    }) else {
        return Check::new(Outcome::Skip, NAME, "cda cannot decode gateway/list");
    };
    if page.items.is_empty() {
        return Check::new(Outcome::Skip, NAME, "no gateway listed");
    }
    let rows = page.items.len();
    let gaps: Vec<String> = page
        .items
        .iter()
        .filter_map(crate::refresh::inline::gap)
        .collect();
    // Per gateway: bgp-route/list and one health-check/get per VPC, plus
    // vpc/list and static-route/list where the row cannot stand in.
    let vpcs: usize = page
        .items
        .iter()
        .map(|g| g.vpc_list.as_ref().map_or(1, Vec::len))
        .sum();
    let calls = rows + vpcs + 2 * gaps.len();
    let per_gateway = format!("{:.1}", calls as f64 / rows as f64);
    let detail = if gaps.is_empty() {
        format!(
            "the {rows} gateway rows carry complete vpcList and srList: plans will need \
             {per_gateway} calls per gateway (bgp-route/list, one health-check/get per VPC) \
             after the top-level lists, no vpc/list or static-route/list"
        )
    } else {
        format!(
            "{} of {rows} gateway rows lack complete vpcList/srList ({}): plans will need \
             {per_gateway} calls per gateway (those also read vpc/list and static-route/list)",
            gaps.len(),
            gaps[0]
        )
    };
    Check::new(Outcome::Pass, NAME, detail)
}

fn reads(report: &mut Report, probes: &[Probe]) {
    for p in probes.iter().filter(|p| p.probe == ProbeKind::Read) {
        let name = format!("read {}", path_name(&p.endpoint));
        let check = match answer(&p.exchange) {
            None => Check::new(Outcome::Fail, name, failure(&p.exchange))
                .advise("run with --capture FILE and attach it to a bug report"),
            Some(body) => match decode(&p.endpoint, body) {
                Ok(summary) => Check::new(Outcome::Pass, name, summary),
                Err(e) => Check::new(Outcome::Fail, name, format!("cda cannot decode it: {e}"))
                    .advise("run with --capture FILE and attach it to a bug report"),
            },
        };
        report.push(check);
    }
}

fn shapes(report: &mut Report, features: &mut Features, probes: &[Probe]) {
    let mut unknown = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for p in probes {
        if let Some(body) = answer(&p.exchange) {
            dialect::observe_answer(features, &p.endpoint, &body);
            let found = fields::check(&p.endpoint, &body);
            let at = path_name(&p.endpoint);
            unknown.extend(found.unknown.into_iter().map(|f| format!("{at} {f}")));
            missing.extend(found.missing.into_iter().map(|f| format!("{at} {f}")));
        }
    }
    let verdict = dialect::classify(features);
    report.push(match verdict.dialect {
        Some(name) => {
            let mut detail = format!("answers match `{name}`");
            if !verdict.also.is_empty() {
                detail.push_str(&format!(" (equally consistent: {})", verdict.also.join(", ")));
            }
            Check::new(Outcome::Pass, "dialect", detail)
        }
        None => {
            let closest = &verdict.fits[0];
            let detail = if closest.differences.is_empty() {
                "unknown: too little seen to judge".to_owned()
            } else {
                format!(
                    "unknown; closest `{}`, except {}",
                    closest.dialect,
                    closest.differences.join("; ")
                )
            };
            Check::new(Outcome::Warn, "dialect", detail)
                .advise("cda decodes every known shape; attach a --capture FILE to a bug report so the next release knows this one")
        }
    });
    report.push(if unknown.is_empty() {
        Check::new(Outcome::Pass, "unknown fields", "none")
    } else {
        Check::new(
            Outcome::Warn,
            "unknown fields",
            unknown.into_iter().collect::<Vec<_>>().join(", "),
        )
        .advise("cda ignores them; report them if they carry a setting cda should compare")
    });
    report.push(if missing.is_empty() {
        Check::new(Outcome::Pass, "expected fields", "all present")
    } else {
        Check::new(
            Outcome::Fail,
            "expected fields",
            format!(
                "missing {}",
                missing.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
        .advise("cda cannot identify these objects: attach a --capture FILE to a bug report")
    });
}

/// Whether gateway and line rows say which region they are in (#18): a
/// server may list every region's objects whatever `regionID` asks, and
/// cda can only leave the others alone by the rows' own region fields.
fn regions(probes: &[Probe]) -> Check {
    let mut judged = BTreeSet::new();
    let mut total = fields::RegionFields::default();
    for p in probes {
        // One answer per endpoint: the placement probes repeat the listing.
        if judged.contains(&p.endpoint) {
            continue;
        }
        let Some(found) = answer(&p.exchange).and_then(|b| fields::region_fields(&p.endpoint, &b))
        else {
            continue;
        };
        judged.insert(p.endpoint.clone());
        total.rows += found.rows;
        total.without += found.without;
        total.regions.extend(found.regions);
    }
    let seen = total.regions.iter().cloned().collect::<Vec<_>>().join(", ");
    if total.rows == 0 {
        Check::new(
            Outcome::Skip,
            "region fields",
            "no gateway or line rows to judge",
        )
    } else if total.without > 0 {
        Check::new(
            Outcome::Warn,
            "region fields",
            format!(
                "{} of {} gateway and line rows carry no regionID, regionId or resourcePool; cda keeps them as the region it asked for",
                total.without, total.rows
            ),
        )
        .advise("if this server lists every region's objects, a file for one region would manage them all: check with `cda export --region R`")
    } else {
        Check::new(
            Outcome::Pass,
            "region fields",
            format!(
                "every gateway and line row states its region ({seen}); cda ignores rows of other regions"
            ),
        )
    }
}

fn reachability(url: &str, probes: &[Probe]) -> Check {
    match probes.iter().find(|p| p.exchange.status.is_some()) {
        Some(p) => {
            let how = if url.starts_with("https://") {
                "over TLS, certificate verified"
            } else {
                "over plain http to a loopback address (an emulator)"
            };
            Check::new(
                Outcome::Pass,
                "endpoint",
                format!(
                    "{url} reachable {how}; first answer HTTP {} in {} ms",
                    p.exchange.status.unwrap_or_default(),
                    p.exchange.elapsed_ms
                ),
            )
        }
        None => {
            let why = probes
                .first()
                .and_then(|p| p.exchange.error.clone())
                .unwrap_or_else(|| "no call made".into());
            Check::new(Outcome::Fail, "endpoint", format!("{url} unreachable: {why}")).advise(
                "check --endpoint (CDA_ENDPOINT), DNS, proxy and firewall; a certificate error means TLS did not verify",
            )
        }
    }
}

/// Every check that recorded exchanges allow, in order. Past a failed
/// signature nothing else can be judged, so the rest is skipped.
pub fn analyse(report: &mut Report, url: &str, probes: &[Probe], requested_gateway: Option<&str>) {
    let reached = reachability(url, probes);
    let unreachable = reached.outcome == Outcome::Fail;
    report.push(reached);
    if unreachable {
        return;
    }
    report.push(clock_skew(probes));
    let signed = signature(probes);
    let refused = signed.outcome == Outcome::Fail;
    report.push(signed);
    if refused {
        report.push(Check::new(
            Outcome::Skip,
            "the rest",
            "placements, gateway keys, reads and shapes need an accepted call",
        ));
        return;
    }
    let mut features = Features::new();
    variants(
        report,
        &mut features,
        probes,
        ProbeKind::Placement,
        "gateway_list",
    );
    gateway(report, probes, requested_gateway);
    report.push(inline_lists(probes));
    variants(
        report,
        &mut features,
        probes,
        ProbeKind::Placement,
        "vpc_list",
    );
    variants(
        report,
        &mut features,
        probes,
        ProbeKind::GatewayKey,
        "vpc_list",
    );
    reads(report, probes);
    shapes(report, &mut features, probes);
    report.push(regions(probes));
}
