//! One typed request per endpoint.
//!
//! Every request type names its entry in the endpoint table and the type its
//! answer decodes to ([`ApiRequest`]), so [`Client::send`] is the one way a
//! request goes out and comes back typed. Paginated lists name their item
//! type instead ([`PagedRequest`]); the client adds `pageNo`/`pageSize`
//! ([`Paged`]). [`AnyRequest`] erases the request type, for callers that keep
//! requests to different endpoints side by side (apply's calls).
//!
//! Adding an endpoint: a line in [`crate::endpoints`], a request type in
//! [`crate::types`], and one line binding them in the resource's file under
//! `client/`.

use crate::client::{Client, RawResponse};
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::types::Page;
use crate::wire::{wire_preview, WirePreview};
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

/// A request to one endpoint, and the type its answer decodes to.
pub trait ApiRequest: Serialize + Send + Sync {
    /// The decoded answer.
    type Response: Send;
    /// Where the request goes and how its parameters travel.
    const ENDPOINT: &'static Endpoint;
    /// Decodes a checked envelope (status and error codes already judged).
    fn decode(&self, response: RawResponse) -> Result<Self::Response, Error>;

    /// The exact request [`Client::send`] would send (secrets included; see
    /// [`WirePreview::redacted`]).
    fn wire_preview(&self) -> Result<WirePreview, Error> {
        wire_preview(Self::ENDPOINT, self)
    }
}

/// The filters of a paginated list endpoint; [`Paged`] adds the page.
pub trait PagedRequest: Serialize + Send + Sync {
    /// One listed object.
    type Item: Send;
    const ENDPOINT: &'static Endpoint;
    /// The items of one page.
    fn decode_items(response: &RawResponse) -> Result<Vec<Self::Item>, Error>;
}

/// One page of a paginated list: the filters plus `pageNo` and `pageSize`.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<'a, R: Serialize> {
    #[serde(flatten)]
    pub filters: &'a R,
    #[serde(rename = "pageNo")]
    pub page_no: u32,
    #[serde(rename = "pageSize")]
    pub page_size: u32,
}

impl<R: PagedRequest> ApiRequest for Paged<'_, R> {
    type Response = Page<R::Item>;
    const ENDPOINT: &'static Endpoint = R::ENDPOINT;

    fn decode(&self, response: RawResponse) -> Result<Page<R::Item>, Error> {
        Ok(Page {
            items: R::decode_items(&response)?,
            total_count: crate::decode::announced_total(&response),
            page_no: self.page_no,
            page_size: self.page_size,
        })
    }
}

/// Binds request types to their endpoint and response decoder:
/// `Request => ENDPOINT -> Response = decoder;`, where the decoder is a
/// function of the endpoint and the raw response (see `crate::decode`).
macro_rules! requests {
    ($($request:ty => $endpoint:ident -> $response:ty = $decode:expr;)*) => {$(
        impl $crate::request::ApiRequest for $request {
            type Response = $response;
            const ENDPOINT: &'static $crate::endpoints::Endpoint =
                &$crate::endpoints::$endpoint;

            fn decode(
                &self,
                response: $crate::client::RawResponse,
            ) -> Result<$response, $crate::error::Error> {
                ($decode)(Self::ENDPOINT, &response)
            }
        }
    )*};
}

/// Binds paged filter types to their endpoint and item type:
/// `Filters => ENDPOINT -> Item = list shape;`.
macro_rules! paged_requests {
    ($($request:ty => $endpoint:ident -> $item:ty = $shape:expr;)*) => {$(
        impl $crate::request::PagedRequest for $request {
            type Item = $item;
            const ENDPOINT: &'static $crate::endpoints::Endpoint =
                &$crate::endpoints::$endpoint;

            fn decode_items(
                response: &$crate::client::RawResponse,
            ) -> Result<Vec<$item>, $crate::error::Error> {
                $crate::decode::items(&$shape)(Self::ENDPOINT, response)
            }
        }
    )*};
}

pub(crate) use {paged_requests, requests};

/// A request of any [`ApiRequest`] type answering `T`, so requests to
/// different endpoints can share one collection.
pub struct AnyRequest<T> {
    request: Box<dyn ErasedRequest<T>>,
}

impl<T> AnyRequest<T> {
    pub fn new<R: ApiRequest<Response = T> + 'static>(request: R) -> Self {
        AnyRequest {
            request: Box::new(request),
        }
    }

    pub fn endpoint(&self) -> &'static Endpoint {
        self.request.endpoint()
    }

    /// The exact request [`AnyRequest::send`] would send (secrets included).
    pub fn wire_preview(&self) -> Result<WirePreview, Error> {
        self.request.preview()
    }

    /// The exact request `client` would send now: its learnt gateway keys
    /// and parameter placement (secrets included).
    pub fn wire_for(&self, client: &Client) -> Result<WirePreview, Error> {
        self.request.wire_for(client)
    }

    /// Sends it through `client`, as [`Client::send`] does.
    pub async fn send(&self, client: &Client) -> Result<T, Error> {
        self.request.send(client).await
    }
}

impl<T> std::fmt::Debug for AnyRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The parameters may carry secrets: name the endpoint only.
        f.debug_struct("AnyRequest")
            .field("endpoint", &self.endpoint().name)
            .finish_non_exhaustive()
    }
}

type SendFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The object-safe face of [`ApiRequest`] behind [`AnyRequest`].
trait ErasedRequest<T>: Send + Sync {
    fn endpoint(&self) -> &'static Endpoint;
    fn preview(&self) -> Result<WirePreview, Error>;
    fn wire_for(&self, client: &Client) -> Result<WirePreview, Error>;
    fn send<'a>(&'a self, client: &'a Client) -> SendFuture<'a, T>;
}

impl<R: ApiRequest> ErasedRequest<R::Response> for R {
    fn endpoint(&self) -> &'static Endpoint {
        R::ENDPOINT
    }

    fn preview(&self) -> Result<WirePreview, Error> {
        self.wire_preview()
    }

    fn wire_for(&self, client: &Client) -> Result<WirePreview, Error> {
        client.wire_for(R::ENDPOINT, self)
    }

    fn send<'a>(&'a self, client: &'a Client) -> SendFuture<'a, R::Response> {
        Box::pin(client.send(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::*;
    use secrecy::SecretString;
    use std::collections::BTreeSet;

    fn bound<R: ApiRequest>() -> &'static str {
        R::ENDPOINT.name
    }

    fn paged<R: PagedRequest + 'static>() -> &'static str {
        <Paged<'static, R> as ApiRequest>::ENDPOINT.name
    }

    #[test]
    fn every_endpoint_has_exactly_one_request_type() {
        let names = [
            paged::<GatewayListRequest>(),
            bound::<GatewayAddRequest>(),
            bound::<GatewayDeleteRequest>(),
            bound::<GatewayCountRequest>(),
            bound::<GatewayPhysicalLineListRequest>(),
            paged::<PhysicalLineListRequest>(),
            paged::<SharedPhysicalLineListRequest>(),
            bound::<PhysicalLineAddRequest>(),
            bound::<PhysicalLineUpdateRequest>(),
            bound::<PhysicalLineDeleteRequest>(),
            bound::<PhysicalLineCountRequest>(),
            bound::<AccessPointListRequest>(),
            bound::<PhysicalLineBindRequest>(),
            bound::<PhysicalLineUnbindRequest>(),
            bound::<VpcAddRequest>(),
            bound::<VpcUpdateRequest>(),
            bound::<VpcDeleteRequest>(),
            bound::<VpcListRequest>(),
            bound::<VpcCountRequest>(),
            bound::<VpcInfoRequest>(),
            bound::<StaticRouteAddRequest>(),
            bound::<StaticRouteUpdateRequest>(),
            bound::<StaticRouteDeleteRequest>(),
            bound::<StaticRouteListRequest>(),
            bound::<BgpRouteAddRequest>(),
            bound::<BgpRouteUpdateRequest>(),
            bound::<BgpRouteDeleteRequest>(),
            bound::<BgpRouteListRequest>(),
            bound::<SwitchListRequest>(),
            bound::<HealthCheckAddRequest>(),
            bound::<HealthCheckUpdateRequest>(),
            bound::<HealthCheckGetRequest>(),
            bound::<HealthCheckStatusRequest>(),
            bound::<HealthCheckDeleteRequest>(),
            bound::<LinkProbeAddRequest>(),
            bound::<LinkProbeDeleteRequest>(),
            bound::<LinkProbeQueryRequest>(),
            bound::<AccountAuthAddRequest>(),
            bound::<AccountAuthDeleteRequest>(),
            paged::<AccountAuthListRequest>(),
        ];
        let distinct: BTreeSet<_> = names.iter().copied().collect();
        assert_eq!(distinct.len(), names.len(), "an endpoint bound twice");
        let table: BTreeSet<_> = crate::endpoints::ALL.iter().map(|e| e.name).collect();
        assert_eq!(distinct, table);
    }

    #[test]
    fn shared_parameters_serialise_as_the_shared_type() {
        let scoped = GatewayScopedRequest {
            gateway_name: "gw1".into(),
            account: None,
            region_id: Some("nm8".into()),
        };
        let own = VpcListRequest(scoped.clone()).wire_preview().unwrap();
        let shared = wire_preview(&crate::endpoints::VPC_LIST, &scoped).unwrap();
        assert_eq!(own, shared);
        assert_eq!(own.query, "gatewayName=gw1&regionID=nm8&vrfName=gw1");
    }

    #[test]
    fn any_request_keeps_endpoint_and_wire_form() {
        let request = BgpRouteAddRequest {
            gateway_name: "gw".into(),
            ip_version: "IPV4".into(),
            bgp_list: vec![BgpPeer {
                bgp_ip: "10.0.0.2".into(),
                bgp_key: Some(SecretString::from("hunter2".to_string())),
                ..Default::default()
            }],
            ..Default::default()
        };
        let typed = request.wire_preview().unwrap();
        let any = AnyRequest::new(request);
        assert_eq!(any.endpoint(), &crate::endpoints::BGP_ROUTE_ADD);
        assert_eq!(any.wire_preview().unwrap(), typed);
        assert!(!format!("{any:?}").contains("hunter2"));
    }
}
