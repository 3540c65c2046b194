//! The error catalogue: every `errorCode` the emulator returns, with its
//! HTTP status and English and Chinese base messages.

/// One catalogue row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub http: u16,
    pub message: &'static str,
    pub description: &'static str,
}

/// Declares [`Code`], [`Code::ALL`] and [`Code::info`] from one table, so a
/// new code cannot be missing from the list or the catalogue.
macro_rules! catalogue {
    ($($variant:ident => $code:literal, $http:literal, $message:literal, $description:literal;)*) => {
        /// Every error the emulator returns: errorCode, HTTP status, English
        /// and Chinese base messages. `docs/emulator.md` reproduces this table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: [Code; [$(stringify!($variant)),*].len()] = [$(Code::$variant),*];

            pub fn info(self) -> CodeInfo {
                match self {
                    $(Code::$variant => CodeInfo {
                        code: $code,
                        http: $http,
                        message: $message,
                        description: $description,
                    },)*
                }
            }
        }
    };
}

catalogue! {
    MissingAuthorization => "CDA.Auth.MissingAuthorization", 401,
        "missing signature header",
        "缺少签名请求头";
    MalformedAuthorization => "CDA.Auth.MalformedAuthorization", 401,
        "malformed Eop-Authorization header",
        "Eop-Authorization 格式错误";
    UnknownAccessKey => "CDA.Auth.UnknownAccessKey", 401,
        "unknown access key",
        "AccessKey 不存在";
    SignatureMismatch => "CDA.Auth.SignatureMismatch", 401,
        "signature does not match",
        "签名校验失败";
    InvalidDate => "CDA.Auth.InvalidDate", 401,
        "eop-date is not yyyymmddTHHMMSSZ",
        "eop-date 格式错误";
    RequestExpired => "CDA.Auth.RequestExpired", 401,
        "eop-date is outside the allowed window (read as Beijing time)",
        "请求时间超出有效期（按北京时间）";
    Throttling => "CDA.Request.Throttling", 429,
        "request rate exceeded, retry later",
        "请求过于频繁，请稍后重试";
    UnknownEndpoint => "CDA.Request.UnknownEndpoint", 404,
        "no such API",
        "接口不存在";
    MethodNotAllowed => "CDA.Request.MethodNotAllowed", 405,
        "HTTP method not allowed for this API",
        "请求方法不支持";
    MalformedBody => "CDA.Request.MalformedBody", 200,
        "request body is not a JSON object",
        "请求体不是合法的 JSON 对象";
    MissingParameter => "CDA.Request.MissingParameter", 200,
        "required parameter missing",
        "缺少必填参数";
    InvalidParameter => "CDA.Request.InvalidParameter", 200,
        "invalid parameter value",
        "参数取值错误";
    InvalidIpVersion => "CDA.Request.InvalidIpVersion", 200,
        "ipVersion must be IPV4, IPV6 or DUALSTACK",
        "ipVersion 只能为 IPV4、IPV6 或 DUALSTACK";
    InternalError => "CDA.Service.InternalError", 500,
        "internal error",
        "服务内部错误";
    BadGateway => "CDA.Service.BadGateway", 502,
        "bad gateway",
        "网关错误";
    ServiceUnavailable => "CDA.Service.Unavailable", 503,
        "service unavailable",
        "服务暂不可用";
    GatewayNameDuplicate => "CDA.Gateway.NameDuplicate", 200,
        "a gateway with this name already exists",
        "专线网关名称已存在";
    GatewayInvalidName => "CDA.Gateway.InvalidName", 200,
        "gateway name must be 2-20 letters or digits",
        "专线网关名称须为2-20位字母或数字";
    GatewayNotFound => "CDA.Gateway.NotFound", 200,
        "gateway not found",
        "专线网关不存在";
    GatewayHasBoundLines => "CDA.Gateway.HasBoundLines", 200,
        "gateway still has bound physical lines",
        "专线网关仍绑定物理专线，无法删除";
    GatewayHasVpcs => "CDA.Gateway.HasVpcs", 200,
        "gateway still has VPCs",
        "专线网关下仍有VPC，无法删除";
    GatewayHasRoutes => "CDA.Gateway.HasRoutes", 200,
        "gateway still has routes",
        "专线网关下仍有路由，无法删除";
    LineInvalidName => "CDA.PhysicalLine.InvalidName", 200,
        "line name must be 2-63 characters without Chinese",
        "物理专线名称须为2-63个字符且不含中文";
    LineInvalidVlan => "CDA.PhysicalLine.InvalidVlan", 200,
        "vlan must be 1-4094 (required when tag=1)",
        "VLAN 取值范围1-4094（tag=1时必填）";
    LineInvalidBandwidth => "CDA.PhysicalLine.InvalidBandwidth", 200,
        "bandwidth must be 1-999999999 Mbps",
        "带宽取值范围1-999999999 Mbps";
    LineInterconnectMismatch => "CDA.PhysicalLine.InterconnectIpMismatch", 200,
        "interconnect IPs do not match ipVersion",
        "互联IP与ipVersion不匹配";
    LineNotFound => "CDA.PhysicalLine.NotFound", 200,
        "physical line not found",
        "物理专线不存在";
    LineBoundFieldImmutable => "CDA.PhysicalLine.BoundFieldImmutable", 200,
        "a bound line may only change bandwidth and lineName",
        "已绑定网关的物理专线只能修改带宽和名称";
    LineBound => "CDA.PhysicalLine.Bound", 200,
        "physical line is bound to a gateway",
        "物理专线已绑定专线网关，无法删除";
    LineAlreadyBound => "CDA.PhysicalLine.AlreadyBound", 200,
        "physical line is already bound to a gateway",
        "物理专线已绑定专线网关";
    LineNotBound => "CDA.PhysicalLine.NotBound", 200,
        "physical line is not bound to this gateway",
        "物理专线未绑定该专线网关";
    LineInUseByRoute => "CDA.PhysicalLine.InUseByRoute", 200,
        "a route on the gateway still uses this line",
        "网关下仍有路由使用该物理专线";
    VpcAlreadyAttached => "CDA.Vpc.AlreadyAttached", 200,
        "VPC is already attached to this gateway",
        "VPC已添加到该专线网关";
    VpcNotFound => "CDA.Vpc.NotFound", 200,
        "VPC is not attached to this gateway",
        "专线网关下不存在该VPC";
    VpcImmutableField => "CDA.Vpc.ImmutableField", 200,
        "only the subnets of a VPC can be modified",
        "VPC仅支持修改子网";
    StaticRouteNoBoundLine => "CDA.StaticRoute.NoBoundLine", 200,
        "gateway has no bound physical line",
        "专线网关未绑定物理专线";
    StaticRouteBgpExists => "CDA.StaticRoute.BgpRouteExists", 200,
        "gateway already has a BGP route",
        "专线网关已存在BGP动态路由";
    StaticRouteInvalidNextHop => "CDA.StaticRoute.InvalidNextHop", 200,
        "next hop is not the remote IP of a line bound to the gateway",
        "下一跳不是网关已绑定物理专线的对端互联IP";
    StaticRouteIpVersionImmutable => "CDA.StaticRoute.IpVersionImmutable", 200,
        "ipVersion of a static route cannot be changed",
        "静态路由不支持修改ipVersion";
    StaticRouteIpVersionMismatch => "CDA.StaticRoute.IpVersionMismatch", 200,
        "destinations and next hops do not match ipVersion",
        "目的网段/下一跳与ipVersion不匹配";
    StaticRouteNotFound => "CDA.StaticRoute.NotFound", 200,
        "static route not found",
        "静态路由不存在";
    StaticRouteDuplicateDestination => "CDA.StaticRoute.DuplicateDestination", 200,
        "a static route on this gateway already has this destination",
        "该网关已存在相同目的网段的静态路由";
    BgpRouteNoBoundLine => "CDA.BgpRoute.NoBoundLine", 200,
        "gateway has no bound physical line",
        "专线网关未绑定物理专线";
    BgpRouteStaticExists => "CDA.BgpRoute.StaticRouteExists", 200,
        "gateway already has a static route",
        "专线网关已存在静态路由";
    BgpRouteInvalidPeer => "CDA.BgpRoute.InvalidPeer", 200,
        "BGP peer must use a line bound to the gateway and its remote IP",
        "BGP邻居须为网关已绑定物理专线及其对端互联IP";
    BgpRouteIpVersionImmutable => "CDA.BgpRoute.IpVersionImmutable", 200,
        "ipVersion of a BGP route cannot be changed",
        "BGP路由不支持修改ipVersion";
    BgpRouteIpVersionMismatch => "CDA.BgpRoute.IpVersionMismatch", 200,
        "networks and peers do not match ipVersion",
        "网段/邻居与ipVersion不匹配";
    BgpRouteNotFound => "CDA.BgpRoute.NotFound", 200,
        "BGP route not found",
        "BGP动态路由不存在";
    BgpRouteDuplicate => "CDA.BgpRoute.Duplicate", 200,
        "gateway already has a BGP route for this ipVersion",
        "该网关已存在相同ipVersion的BGP路由";
    HealthCheckInvalidInterval => "CDA.HealthCheck.InvalidInterval", 200,
        "interval must be 2-5 seconds",
        "检测间隔须为2-5秒";
    HealthCheckInvalidPacketCount => "CDA.HealthCheck.InvalidPacketCount", 200,
        "ntimest must be 5-10",
        "检测包数须为5-10";
    HealthCheckExists => "CDA.HealthCheck.AlreadyExists", 200,
        "VPC already has a health check",
        "该VPC已设置健康检查";
    HealthCheckNotFound => "CDA.HealthCheck.NotFound", 200,
        "VPC has no health check",
        "该VPC未设置健康检查";
    SwitchDuplicate => "CDA.Switch.Duplicate", 200,
        "switch already exists",
        "交换机已存在";
    SwitchNotFound => "CDA.Switch.NotFound", 200,
        "switch not found",
        "交换机不存在";
    AccountAuthDuplicate => "CDA.AccountAuth.Duplicate", 200,
        "authorization already exists",
        "授权已存在";
    AccountAuthNotFound => "CDA.AccountAuth.NotFound", 200,
        "authorization not found",
        "授权不存在";
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
}
