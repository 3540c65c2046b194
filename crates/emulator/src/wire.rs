//! The response envelope (REFERENCE §1.1), the error catalogue and request
//! parameters read from the query string and/or a JSON body.

use serde_json::{json, Map, Value};

/// Every error the emulator returns: errorCode, HTTP status, English and
/// Chinese base messages. `docs/emulator.md` reproduces this table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    MissingAuthorization,
    MalformedAuthorization,
    UnknownAccessKey,
    SignatureMismatch,
    InvalidDate,
    RequestExpired,
    Throttling,
    UnknownEndpoint,
    MethodNotAllowed,
    MalformedBody,
    MissingParameter,
    InvalidParameter,
    InvalidIpVersion,
    InternalError,
    BadGateway,
    ServiceUnavailable,
    GatewayNameDuplicate,
    GatewayInvalidName,
    GatewayNotFound,
    GatewayHasBoundLines,
    GatewayHasVpcs,
    GatewayHasRoutes,
    LineInvalidName,
    LineInvalidVlan,
    LineInvalidBandwidth,
    LineInterconnectMismatch,
    LineNotFound,
    LineBoundFieldImmutable,
    LineBound,
    LineAlreadyBound,
    LineNotBound,
    LineInUseByRoute,
    VpcAlreadyAttached,
    VpcNotFound,
    VpcImmutableField,
    StaticRouteNoBoundLine,
    StaticRouteBgpExists,
    StaticRouteInvalidNextHop,
    StaticRouteIpVersionImmutable,
    StaticRouteIpVersionMismatch,
    StaticRouteNotFound,
    StaticRouteDuplicateDestination,
    BgpRouteNoBoundLine,
    BgpRouteStaticExists,
    BgpRouteInvalidPeer,
    BgpRouteIpVersionImmutable,
    BgpRouteIpVersionMismatch,
    BgpRouteNotFound,
    BgpRouteDuplicate,
    HealthCheckInvalidInterval,
    HealthCheckInvalidPacketCount,
    HealthCheckExists,
    HealthCheckNotFound,
    SwitchDuplicate,
    SwitchNotFound,
    AccountAuthDuplicate,
    AccountAuthNotFound,
}

/// One catalogue row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub http: u16,
    pub message: &'static str,
    pub description: &'static str,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 57] = [
        Code::MissingAuthorization,
        Code::MalformedAuthorization,
        Code::UnknownAccessKey,
        Code::SignatureMismatch,
        Code::InvalidDate,
        Code::RequestExpired,
        Code::Throttling,
        Code::UnknownEndpoint,
        Code::MethodNotAllowed,
        Code::MalformedBody,
        Code::MissingParameter,
        Code::InvalidParameter,
        Code::InvalidIpVersion,
        Code::InternalError,
        Code::BadGateway,
        Code::ServiceUnavailable,
        Code::GatewayNameDuplicate,
        Code::GatewayInvalidName,
        Code::GatewayNotFound,
        Code::GatewayHasBoundLines,
        Code::GatewayHasVpcs,
        Code::GatewayHasRoutes,
        Code::LineInvalidName,
        Code::LineInvalidVlan,
        Code::LineInvalidBandwidth,
        Code::LineInterconnectMismatch,
        Code::LineNotFound,
        Code::LineBoundFieldImmutable,
        Code::LineBound,
        Code::LineAlreadyBound,
        Code::LineNotBound,
        Code::LineInUseByRoute,
        Code::VpcAlreadyAttached,
        Code::VpcNotFound,
        Code::VpcImmutableField,
        Code::StaticRouteNoBoundLine,
        Code::StaticRouteBgpExists,
        Code::StaticRouteInvalidNextHop,
        Code::StaticRouteIpVersionImmutable,
        Code::StaticRouteIpVersionMismatch,
        Code::StaticRouteNotFound,
        Code::StaticRouteDuplicateDestination,
        Code::BgpRouteNoBoundLine,
        Code::BgpRouteStaticExists,
        Code::BgpRouteInvalidPeer,
        Code::BgpRouteIpVersionImmutable,
        Code::BgpRouteIpVersionMismatch,
        Code::BgpRouteNotFound,
        Code::BgpRouteDuplicate,
        Code::HealthCheckInvalidInterval,
        Code::HealthCheckInvalidPacketCount,
        Code::HealthCheckExists,
        Code::HealthCheckNotFound,
        Code::SwitchDuplicate,
        Code::SwitchNotFound,
        Code::AccountAuthDuplicate,
        Code::AccountAuthNotFound,
    ];

    pub fn info(self) -> CodeInfo {
        let (code, http, message, description) = match self {
            Code::MissingAuthorization => (
                "CDA.Auth.MissingAuthorization",
                401,
                "missing signature header",
                "缺少签名请求头",
            ),
            Code::MalformedAuthorization => (
                "CDA.Auth.MalformedAuthorization",
                401,
                "malformed Eop-Authorization header",
                "Eop-Authorization 格式错误",
            ),
            Code::UnknownAccessKey => (
                "CDA.Auth.UnknownAccessKey",
                401,
                "unknown access key",
                "AccessKey 不存在",
            ),
            Code::SignatureMismatch => (
                "CDA.Auth.SignatureMismatch",
                401,
                "signature does not match",
                "签名校验失败",
            ),
            Code::InvalidDate => (
                "CDA.Auth.InvalidDate",
                401,
                "eop-date is not yyyymmddTHHMMSSZ",
                "eop-date 格式错误",
            ),
            Code::RequestExpired => (
                "CDA.Auth.RequestExpired",
                401,
                "eop-date is outside the allowed window (read as Beijing time)",
                "请求时间超出有效期（按北京时间）",
            ),
            Code::Throttling => (
                "CDA.Request.Throttling",
                429,
                "request rate exceeded, retry later",
                "请求过于频繁，请稍后重试",
            ),
            Code::UnknownEndpoint => (
                "CDA.Request.UnknownEndpoint",
                404,
                "no such API",
                "接口不存在",
            ),
            Code::MethodNotAllowed => (
                "CDA.Request.MethodNotAllowed",
                405,
                "HTTP method not allowed for this API",
                "请求方法不支持",
            ),
            Code::MalformedBody => (
                "CDA.Request.MalformedBody",
                200,
                "request body is not a JSON object",
                "请求体不是合法的 JSON 对象",
            ),
            Code::MissingParameter => (
                "CDA.Request.MissingParameter",
                200,
                "required parameter missing",
                "缺少必填参数",
            ),
            Code::InvalidParameter => (
                "CDA.Request.InvalidParameter",
                200,
                "invalid parameter value",
                "参数取值错误",
            ),
            Code::InvalidIpVersion => (
                "CDA.Request.InvalidIpVersion",
                200,
                "ipVersion must be IPV4, IPV6 or DUALSTACK",
                "ipVersion 只能为 IPV4、IPV6 或 DUALSTACK",
            ),
            Code::InternalError => (
                "CDA.Service.InternalError",
                500,
                "internal error",
                "服务内部错误",
            ),
            Code::BadGateway => ("CDA.Service.BadGateway", 502, "bad gateway", "网关错误"),
            Code::ServiceUnavailable => (
                "CDA.Service.Unavailable",
                503,
                "service unavailable",
                "服务暂不可用",
            ),
            Code::GatewayNameDuplicate => (
                "CDA.Gateway.NameDuplicate",
                200,
                "a gateway with this name already exists",
                "专线网关名称已存在",
            ),
            Code::GatewayInvalidName => (
                "CDA.Gateway.InvalidName",
                200,
                "gateway name must be 2-20 letters or digits",
                "专线网关名称须为2-20位字母或数字",
            ),
            Code::GatewayNotFound => (
                "CDA.Gateway.NotFound",
                200,
                "gateway not found",
                "专线网关不存在",
            ),
            Code::GatewayHasBoundLines => (
                "CDA.Gateway.HasBoundLines",
                200,
                "gateway still has bound physical lines",
                "专线网关仍绑定物理专线，无法删除",
            ),
            Code::GatewayHasVpcs => (
                "CDA.Gateway.HasVpcs",
                200,
                "gateway still has VPCs",
                "专线网关下仍有VPC，无法删除",
            ),
            Code::GatewayHasRoutes => (
                "CDA.Gateway.HasRoutes",
                200,
                "gateway still has routes",
                "专线网关下仍有路由，无法删除",
            ),
            Code::LineInvalidName => (
                "CDA.PhysicalLine.InvalidName",
                200,
                "line name must be 2-63 characters without Chinese",
                "物理专线名称须为2-63个字符且不含中文",
            ),
            Code::LineInvalidVlan => (
                "CDA.PhysicalLine.InvalidVlan",
                200,
                "vlan must be 1-4094 (required when tag=1)",
                "VLAN 取值范围1-4094（tag=1时必填）",
            ),
            Code::LineInvalidBandwidth => (
                "CDA.PhysicalLine.InvalidBandwidth",
                200,
                "bandwidth must be 1-999999999 Mbps",
                "带宽取值范围1-999999999 Mbps",
            ),
            Code::LineInterconnectMismatch => (
                "CDA.PhysicalLine.InterconnectIpMismatch",
                200,
                "interconnect IPs do not match ipVersion",
                "互联IP与ipVersion不匹配",
            ),
            Code::LineNotFound => (
                "CDA.PhysicalLine.NotFound",
                200,
                "physical line not found",
                "物理专线不存在",
            ),
            Code::LineBoundFieldImmutable => (
                "CDA.PhysicalLine.BoundFieldImmutable",
                200,
                "a bound line may only change bandwidth and lineName",
                "已绑定网关的物理专线只能修改带宽和名称",
            ),
            Code::LineBound => (
                "CDA.PhysicalLine.Bound",
                200,
                "physical line is bound to a gateway",
                "物理专线已绑定专线网关，无法删除",
            ),
            Code::LineAlreadyBound => (
                "CDA.PhysicalLine.AlreadyBound",
                200,
                "physical line is already bound to a gateway",
                "物理专线已绑定专线网关",
            ),
            Code::LineNotBound => (
                "CDA.PhysicalLine.NotBound",
                200,
                "physical line is not bound to this gateway",
                "物理专线未绑定该专线网关",
            ),
            Code::LineInUseByRoute => (
                "CDA.PhysicalLine.InUseByRoute",
                200,
                "a route on the gateway still uses this line",
                "网关下仍有路由使用该物理专线",
            ),
            Code::VpcAlreadyAttached => (
                "CDA.Vpc.AlreadyAttached",
                200,
                "VPC is already attached to this gateway",
                "VPC已添加到该专线网关",
            ),
            Code::VpcNotFound => (
                "CDA.Vpc.NotFound",
                200,
                "VPC is not attached to this gateway",
                "专线网关下不存在该VPC",
            ),
            Code::VpcImmutableField => (
                "CDA.Vpc.ImmutableField",
                200,
                "only the subnets of a VPC can be modified",
                "VPC仅支持修改子网",
            ),
            Code::StaticRouteNoBoundLine => (
                "CDA.StaticRoute.NoBoundLine",
                200,
                "gateway has no bound physical line",
                "专线网关未绑定物理专线",
            ),
            Code::StaticRouteBgpExists => (
                "CDA.StaticRoute.BgpRouteExists",
                200,
                "gateway already has a BGP route",
                "专线网关已存在BGP动态路由",
            ),
            Code::StaticRouteInvalidNextHop => (
                "CDA.StaticRoute.InvalidNextHop",
                200,
                "next hop is not the remote IP of a line bound to the gateway",
                "下一跳不是网关已绑定物理专线的对端互联IP",
            ),
            Code::StaticRouteIpVersionImmutable => (
                "CDA.StaticRoute.IpVersionImmutable",
                200,
                "ipVersion of a static route cannot be changed",
                "静态路由不支持修改ipVersion",
            ),
            Code::StaticRouteIpVersionMismatch => (
                "CDA.StaticRoute.IpVersionMismatch",
                200,
                "destinations and next hops do not match ipVersion",
                "目的网段/下一跳与ipVersion不匹配",
            ),
            Code::StaticRouteNotFound => (
                "CDA.StaticRoute.NotFound",
                200,
                "static route not found",
                "静态路由不存在",
            ),
            Code::StaticRouteDuplicateDestination => (
                "CDA.StaticRoute.DuplicateDestination",
                200,
                "a static route on this gateway already has this destination",
                "该网关已存在相同目的网段的静态路由",
            ),
            Code::BgpRouteNoBoundLine => (
                "CDA.BgpRoute.NoBoundLine",
                200,
                "gateway has no bound physical line",
                "专线网关未绑定物理专线",
            ),
            Code::BgpRouteStaticExists => (
                "CDA.BgpRoute.StaticRouteExists",
                200,
                "gateway already has a static route",
                "专线网关已存在静态路由",
            ),
            Code::BgpRouteInvalidPeer => (
                "CDA.BgpRoute.InvalidPeer",
                200,
                "BGP peer must use a line bound to the gateway and its remote IP",
                "BGP邻居须为网关已绑定物理专线及其对端互联IP",
            ),
            Code::BgpRouteIpVersionImmutable => (
                "CDA.BgpRoute.IpVersionImmutable",
                200,
                "ipVersion of a BGP route cannot be changed",
                "BGP路由不支持修改ipVersion",
            ),
            Code::BgpRouteIpVersionMismatch => (
                "CDA.BgpRoute.IpVersionMismatch",
                200,
                "networks and peers do not match ipVersion",
                "网段/邻居与ipVersion不匹配",
            ),
            Code::BgpRouteNotFound => (
                "CDA.BgpRoute.NotFound",
                200,
                "BGP route not found",
                "BGP动态路由不存在",
            ),
            Code::BgpRouteDuplicate => (
                "CDA.BgpRoute.Duplicate",
                200,
                "gateway already has a BGP route for this ipVersion",
                "该网关已存在相同ipVersion的BGP路由",
            ),
            Code::HealthCheckInvalidInterval => (
                "CDA.HealthCheck.InvalidInterval",
                200,
                "interval must be 2-5 seconds",
                "检测间隔须为2-5秒",
            ),
            Code::HealthCheckInvalidPacketCount => (
                "CDA.HealthCheck.InvalidPacketCount",
                200,
                "ntimest must be 5-10",
                "检测包数须为5-10",
            ),
            Code::HealthCheckExists => (
                "CDA.HealthCheck.AlreadyExists",
                200,
                "VPC already has a health check",
                "该VPC已设置健康检查",
            ),
            Code::HealthCheckNotFound => (
                "CDA.HealthCheck.NotFound",
                200,
                "VPC has no health check",
                "该VPC未设置健康检查",
            ),
            Code::SwitchDuplicate => (
                "CDA.Switch.Duplicate",
                200,
                "switch already exists",
                "交换机已存在",
            ),
            Code::SwitchNotFound => (
                "CDA.Switch.NotFound",
                200,
                "switch not found",
                "交换机不存在",
            ),
            Code::AccountAuthDuplicate => (
                "CDA.AccountAuth.Duplicate",
                200,
                "authorization already exists",
                "授权已存在",
            ),
            Code::AccountAuthNotFound => (
                "CDA.AccountAuth.NotFound",
                200,
                "authorization not found",
                "授权不存在",
            ),
        };
        CodeInfo {
            code,
            http,
            message,
            description,
        }
    }
}

/// A failed call: rendered as a `statusCode: 900` envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    /// What exactly was wrong (field name, value); appended to both messages.
    pub detail: String,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
        }
    }

    pub fn http_status(&self) -> u16 {
        self.code.info().http
    }

    /// The failure envelope.
    pub fn envelope(&self) -> Value {
        let info = self.code.info();
        let (message, description) = if self.detail.is_empty() {
            (info.message.to_string(), info.description.to_string())
        } else {
            (
                format!("{}: {}", info.message, self.detail),
                format!("{}：{}", info.description, self.detail),
            )
        };
        json!({
            "statusCode": 900,
            "message": message,
            "description": description,
            "errorCode": info.code,
            "error": info.code,
            "returnObj": null,
        })
    }
}

/// The success envelope around a `returnObj`.
pub fn success(return_obj: Value) -> Value {
    json!({
        "statusCode": 800,
        "message": "",
        "description": "",
        "errorCode": "",
        "error": "",
        "returnObj": return_obj,
    })
}

/// The success envelope around a `returnObj` given as JSON text.
pub fn success_text(return_obj: &str) -> String {
    format!(
        "{{\"statusCode\":800,\"message\":\"\",\"description\":\"\",\"errorCode\":\"\",\"error\":\"\",\"returnObj\":{return_obj}}}"
    )
}

/// The result object of a mutating call.
pub fn result_object(trace_id: &str) -> Value {
    json!({
        "result": "1",
        "data": null,
        "errorCode": null,
        "errorMsg": null,
        "traceId": trace_id,
    })
}

/// Request parameters: the JSON body object, overlaid with the query string
/// (GO sends a JSON body even on GET; DOC/PYH/PY4 use the query).
#[derive(Debug, Clone, Default)]
pub struct Params {
    map: Map<String, Value>,
}

fn missing(names: &[&str]) -> ApiError {
    ApiError::new(Code::MissingParameter, names.first().copied().unwrap_or(""))
}

fn invalid(name: &str, why: &str) -> ApiError {
    ApiError::new(Code::InvalidParameter, format!("{name} {why}"))
}

impl Params {
    /// Reads the body (must be empty or a JSON object) and the query.
    pub fn parse(query: &[(String, String)], body: &[u8]) -> Result<Params, ApiError> {
        let mut map = Map::new();
        let trimmed = body.iter().filter(|b| !b.is_ascii_whitespace()).count();
        if trimmed > 0 {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(obj)) => map = obj,
                Ok(_) => return Err(ApiError::new(Code::MalformedBody, "not an object")),
                Err(e) => return Err(ApiError::new(Code::MalformedBody, e.to_string())),
            }
        }
        let mut from_query: Map<String, Value> = Map::new();
        for (k, v) in query {
            match from_query.get_mut(k) {
                Some(Value::Array(items)) => items.push(Value::String(v.clone())),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(v.clone())]);
                }
                None => {
                    from_query.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        map.extend(from_query);
        Ok(Params { map })
    }

    /// Wraps an already-built object (the seed loader calls handlers this way).
    pub fn from_value(value: Value) -> Params {
        match value {
            Value::Object(map) => Params { map },
            _ => Params::default(),
        }
    }

    /// First of `names` present with a non-null value.
    pub fn raw(&self, names: &[&str]) -> Option<&Value> {
        names
            .iter()
            .filter_map(|n| self.map.get(*n))
            .find(|v| !v.is_null())
    }

    /// A string; numbers and booleans are accepted as their text. Empty
    /// strings count as absent (GO always sends every field, empty or not).
    pub fn str(&self, names: &[&str]) -> Option<String> {
        let text = match self.raw(names)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    pub fn req_str(&self, names: &[&str]) -> Result<String, ApiError> {
        self.str(names).ok_or_else(|| missing(names))
    }

    /// An integer given as a JSON number or a numeric string.
    pub fn int(&self, names: &[&str]) -> Result<Option<i64>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| invalid(name, "must be an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| invalid(name, "must be an integer")),
            Some(_) => Err(invalid(name, "must be an integer")),
        }
    }

    pub fn req_int(&self, names: &[&str]) -> Result<i64, ApiError> {
        self.int(names)?.ok_or_else(|| missing(names))
    }

    /// A boolean given as JSON, `"true"`/`"false"`, or `1`/`0`.
    pub fn bool(&self, names: &[&str]) -> Result<Option<bool>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(invalid(name, "must be a boolean")),
            },
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(invalid(name, "must be a boolean")),
            },
            Some(_) => Err(invalid(name, "must be a boolean")),
        }
    }

    /// A list of strings: a JSON array, or (from a query string) a
    /// comma-separated string or repeated keys.
    pub fn str_list(&self, names: &[&str]) -> Result<Option<Vec<String>>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        match self.raw(names) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_string()),
                    _ => Err(invalid(name, "must be a list of strings")),
                })
                .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(Value::String(s)) => Ok(Some(
                s.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            )),
            Some(_) => Err(invalid(name, "must be a list of strings")),
        }
    }

    /// A list of objects (a JSON array, or a JSON array text in a query).
    pub fn obj_list(&self, names: &[&str]) -> Result<Option<Vec<Params>>, ApiError> {
        let name = names.first().copied().unwrap_or("");
        let parsed;
        let items = match self.raw(names) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => {
                parsed = serde_json::from_str::<Vec<Value>>(s)
                    .map_err(|_| invalid(name, "must be a list of objects"))?;
                &parsed
            }
            Some(_) => return Err(invalid(name, "must be a list of objects")),
        };
        items
            .iter()
            .map(|v| match v {
                Value::Object(map) => Ok(Params { map: map.clone() }),
                _ => Err(invalid(name, "must be a list of objects")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    pub fn contains(&self, names: &[&str]) -> bool {
        self.raw(names).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_complete() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let info = code.info();
            assert!(seen.insert(info.code), "duplicate {}", info.code);
            assert_eq!(info.code.split('.').count(), 3, "{}", info.code);
            assert!(!info.message.is_empty() && !info.description.is_empty());
        }
    }

    #[test]
    fn docs_list_every_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/emulator.md");
        let docs = std::fs::read_to_string(path).unwrap();
        for code in Code::ALL {
            let info = code.info();
            assert!(
                docs.contains(&format!("`{}`", info.code)),
                "docs/emulator.md lacks {}",
                info.code
            );
        }
    }

    #[test]
    fn success_text_matches_success() {
        let inner = json!({"a": [1, "x"]});
        let text: Value = serde_json::from_str(&success_text(&inner.to_string())).unwrap();
        assert_eq!(text, success(inner));
    }

    #[test]
    fn error_envelope_has_both_messages() {
        let env = ApiError::new(Code::GatewayNameDuplicate, "gw01").envelope();
        assert_eq!(env["statusCode"], 900);
        assert_eq!(env["errorCode"], "CDA.Gateway.NameDuplicate");
        assert_eq!(env["error"], "CDA.Gateway.NameDuplicate");
        assert!(env["message"].as_str().unwrap().contains("already exists"));
        assert!(env["description"].as_str().unwrap().contains("已存在"));
    }

    #[test]
    fn params_from_query_and_body() {
        let q = vec![
            ("pageNo".to_string(), "2".to_string()),
            ("dst".to_string(), "a".to_string()),
            ("dst".to_string(), "b".to_string()),
        ];
        let p = Params::parse(&q, br#"{"pageSize":"5","flag":"true","n":3,"e":""}"#).unwrap();
        assert_eq!(p.int(&["pageNo"]).unwrap(), Some(2));
        assert_eq!(p.int(&["pageSize"]).unwrap(), Some(5));
        assert_eq!(p.bool(&["flag"]).unwrap(), Some(true));
        assert_eq!(p.int(&["n"]).unwrap(), Some(3));
        assert_eq!(p.str(&["e"]), None);
        assert_eq!(p.str_list(&["dst"]).unwrap().unwrap(), ["a", "b"]);
        assert!(Params::parse(&[], b"[1]").is_err());
        assert!(Params::parse(&[], b"{").is_err());
        assert!(Params::parse(&[], b"  ").is_ok());
        let bad = Params::parse(&[], br#"{"pageNo":"x"}"#).unwrap();
        assert_eq!(
            bad.int(&["pageNo"]).unwrap_err().code,
            Code::InvalidParameter
        );
    }
}
