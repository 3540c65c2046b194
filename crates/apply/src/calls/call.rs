//! One write, ready to send: a typed `cda-api` request held without its
//! type, so any endpoint fits and adding one needs no new match arm here.

use cda_api::endpoints::Endpoint;
use cda_api::{AnyRequest, ApiRequest, Client, WirePreview, WriteReceipt};
use serde_json::Value;

/// One request, typed when built, erased once built.
#[derive(Debug)]
pub struct Call(AnyRequest<WriteReceipt>);

impl Call {
    pub fn new<R: ApiRequest<Response = WriteReceipt> + 'static>(request: R) -> Self {
        Call(AnyRequest::new(request))
    }

    pub fn endpoint(&self) -> &'static Endpoint {
        self.0.endpoint()
    }

    /// The request exactly as it goes on the wire, secrets included.
    pub fn wire_preview(&self) -> Result<WirePreview, cda_api::Error> {
        self.0.wire_preview()
    }

    /// The request as it goes on the wire, secrets redacted.
    pub fn redacted_body(&self) -> Result<Value, cda_api::Error> {
        let preview = self.wire_preview()?.redacted();
        Ok(preview.body.unwrap_or_else(|| Value::String(preview.query)))
    }

    /// The request as `client` sends it now (the server's own `vrfName`,
    /// the placement it settled on), secrets redacted.
    pub fn redacted_body_for(&self, client: &Client) -> Result<Value, cda_api::Error> {
        let preview = self.0.wire_for(client)?.redacted();
        Ok(preview.body.unwrap_or_else(|| Value::String(preview.query)))
    }

    pub async fn send(&self, client: &Client) -> Result<WriteReceipt, cda_api::Error> {
        self.0.send(client).await
    }
}
