//! One API request: method check, authentication, parameters, rate limit
//! and injected faults, then the handler under the state lock, history,
//! persistence and the response.

use super::auth::{authenticate, header_str};
use super::{json_response, lock, App, Inner};
use crate::dialect::response::{self, GatewayIds};
use crate::dialect::table::{self, ResponseRules};
use crate::dialect::{gateway_id, request, Identity, Style};
use crate::faults::{Decision, FaultKind};
use crate::handlers::{self, Access, Ctx, Endpoint};
use crate::sign;
use crate::store::HistoryEntry;
use crate::wire::{ApiError, Code, Params};
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A response body that fails at once: hyper then closes the connection
/// without writing a response, which is how a dropped connection looks to
/// the client.
struct Severed;

impl HttpBody for Severed {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "emulated connection drop",
        ))))
    }
}

fn severed() -> Response {
    Response::new(Body::new(Severed))
}

/// The error an injected fault answers with; the drops answer with none.
fn injected_error(fault: FaultKind) -> Option<Code> {
    match fault {
        FaultKind::Throttle => Some(Code::Throttling),
        FaultKind::Http500 => Some(Code::InternalError),
        FaultKind::Http502 => Some(Code::BadGateway),
        FaultKind::Http503 => Some(Code::ServiceUnavailable),
        FaultKind::DropBefore | FaultKind::DropAfter => None,
    }
}

fn record(app: &App, key: &str, failure: Option<&ApiError>, fault: Option<FaultKind>) {
    let mut inner = lock(&app.inner);
    let stats = &mut inner.stats;
    stats.requests += 1;
    let ep = stats.endpoints.entry(key.to_string()).or_default();
    ep.requests += 1;
    if let Some(e) = failure {
        ep.errors += 1;
        stats.errors += 1;
        *stats
            .error_codes
            .entry(e.code.info().code.to_string())
            .or_default() += 1;
    }
    if let Some(f) = fault {
        *stats.faults.entry(f.name().to_string()).or_default() += 1;
    }
}

/// How this call's answers are shaped: the endpoint's behaviour in the
/// dialect in force.
#[derive(Clone, Copy)]
struct Edge {
    style: Style,
    rules: Option<&'static ResponseRules>,
}

fn fail(app: &App, edge: Edge, key: &str, e: ApiError, fault: Option<FaultKind>) -> Response {
    record(app, key, Some(&e), fault);
    json_response(
        e.http_status(),
        &response::failure(edge.style, edge.rules, &e),
    )
}

/// The router's fallback: every request that is not an admin route is an
/// API call.
pub(super) async fn call(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let method = parts.method.clone();
    let key = format!("{} {}", method, path);
    let setting = app.dialect();
    // Before the endpoint is known only the dialect-wide error form applies.
    let early = Edge {
        style: setting.style_for(&path),
        rules: None,
    };
    let Ok(body) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return fail(
            &app,
            early,
            &key,
            ApiError::new(Code::MalformedBody, "body too large or unreadable"),
            None,
        );
    };
    let Some(endpoint) = handlers::find(&path) else {
        return fail(
            &app,
            early,
            &key,
            ApiError::new(Code::UnknownEndpoint, path.clone()),
            None,
        );
    };
    let style = setting.style_for(endpoint.path);
    let switches = table::switches(style, endpoint.path);
    let edge = Edge {
        style,
        rules: switches.and_then(|s| s.response.as_ref()),
    };
    let request_rules = switches.and_then(|s| s.request.as_ref());
    let identity = setting.identity();
    let allowed = match endpoint.access {
        Access::Read => method == Method::GET || method == Method::POST,
        Access::Write => method == Method::POST,
    };
    if !allowed {
        return fail(
            &app,
            edge,
            &key,
            ApiError::new(Code::MethodNotAllowed, method.to_string()),
            None,
        );
    }
    let who = match authenticate(&app, &parts.headers, &raw_query, &body) {
        Ok(who) => who,
        Err(e) => return fail(&app, edge, &key, e, None),
    };
    let params = match request::extract(request_rules, &sign::decode_query(&raw_query), &body) {
        Ok(p) => p,
        Err(e) => return fail(&app, edge, &key, e, None),
    };
    let now = Utc::now();
    let (decision, throttled) = {
        let mut inner = lock(&app.inner);
        let decision: Decision = inner.faults.decide(
            method.as_str(),
            endpoint.path,
            endpoint.access == Access::Read,
        );
        let limit = inner.faults.config.qps;
        let throttled = limit.is_some_and(|q| !inner.rate.admit(now.timestamp_millis(), q));
        (decision, throttled)
    };
    if throttled {
        return fail(
            &app,
            edge,
            &key,
            ApiError::new(Code::Throttling, "qps limit"),
            None,
        );
    }
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if let Some(code) = decision.fault.and_then(injected_error) {
        return fail(&app, edge, &key, ApiError::new(code, ""), decision.fault);
    }
    if decision.fault == Some(FaultKind::DropBefore) {
        record(&app, &key, None, decision.fault);
        return severed();
    }
    let trace_id = header_str(&parts.headers, "ctyun-eop-request-id")
        .unwrap_or("")
        .to_string();
    let call = Call {
        endpoint,
        email: &who.email,
        path: &path,
        trace_id: trace_id.clone(),
        // The reference dialect reads the gateway key exactly as before.
        resolve: (identity == Identity::Id || request_rules.is_some()).then_some(identity),
    };
    match dispatch(&app, call, params) {
        Err(e) => fail(&app, edge, &key, e, decision.fault),
        Ok((return_obj, wrote, ids)) => {
            if wrote {
                if let Err(e) = app.persist().await {
                    tracing::error!("emulator state not saved: {e}");
                }
            }
            record(&app, &key, None, decision.fault);
            if decision.fault == Some(FaultKind::DropAfter) {
                return severed();
            }
            let mut body = response::success(edge.rules, &return_obj, ids.as_ref(), &trace_id);
            if setting.incomplete_inline_lists && endpoint.path == "/v4/cda/gateway/list" {
                body = response::abridge_inline_lists(body);
            }
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
                body,
            )
                .into_response()
        }
    }
}

/// One authenticated call, ready for its handler.
struct Call<'a> {
    endpoint: &'static Endpoint,
    email: &'a str,
    path: &'a str,
    trace_id: String,
    /// Resolve the gateway key (`vrfName`) with this identity first.
    resolve: Option<Identity>,
}

/// Runs the handler under the state lock; a failed write leaves no trace.
/// Also returns gateway name → ID when `vrfName` is an ID on this server.
fn dispatch(
    app: &App,
    call: Call<'_>,
    mut params: Params,
) -> Result<(String, bool, Option<GatewayIds>), ApiError> {
    let Call {
        endpoint,
        email,
        path,
        trace_id,
        resolve,
    } = call;
    let now = Utc::now();
    let mut inner = lock(&app.inner);
    let Inner {
        store,
        ids,
        faults,
        stats,
        ..
    } = &mut *inner;
    let granted_to_me = if endpoint.path.ends_with("/own/list") {
        store
            .accounts
            .iter()
            .filter(|(owner, _)| owner.as_str() != email)
            .flat_map(|(owner, st)| {
                st.account_auths
                    .iter()
                    .filter(|a| a.auth_account == email || a.auth_account_id == email)
                    .map(|a| (owner.clone(), a.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        Vec::new()
    };
    let st = store.accounts.entry(email.to_string()).or_default();
    if let Some(identity) = resolve {
        request::resolve_gateway(identity, st, &mut params)?;
    }
    let backup = (endpoint.access == Access::Write).then(|| st.clone());
    let delay_ms = faults.delay_ms();
    // A read sees every object as it was `visibilityDelayMs` ago; writes
    // and their rules see the current state.
    let mut lagged = match endpoint.access {
        Access::Write => None,
        Access::Read => faults
            .lag
            .view(email, now.timestamp_millis(), delay_ms)
            .cloned(),
    };
    let st = lagged.as_mut().unwrap_or(st);
    let mut ctx = Ctx {
        account: email,
        st,
        ids,
        now,
        visible_delay_ms: delay_ms,
        max_page_size: i64::from(app.max_page_size),
        trace_id,
        granted_to_me,
    };
    match (endpoint.handler)(&mut ctx, &params) {
        Ok(outcome) => {
            let wrote = outcome.effect.is_some();
            let ids = (resolve == Some(Identity::Id)).then(|| {
                ctx.st
                    .gateways
                    .iter()
                    .map(|g| (g.name.clone(), gateway_id(&g.fuid)))
                    .collect()
            });
            if let (Some(_), Some(before)) = (&outcome.effect, &backup) {
                faults
                    .lag
                    .wrote(email, now.timestamp_millis(), delay_ms, before, ctx.st);
            }
            if let Some(effect) = outcome.effect {
                let seq = store.history.last().map_or(1, |h| h.seq + 1);
                store.history.push(HistoryEntry {
                    seq,
                    time: now.to_rfc3339(),
                    account: email.to_string(),
                    endpoint: path.to_string(),
                    action: effect.action.to_string(),
                    kind: effect.kind.to_string(),
                    key: effect.key,
                    id: effect.id,
                });
                stats.writes_committed += 1;
            }
            Ok((outcome.return_obj, wrote, ids))
        }
        Err(e) => {
            if let Some(backup) = backup {
                if let Some(st) = store.accounts.get_mut(email) {
                    *st = backup;
                }
            }
            Err(e)
        }
    }
}
