//! Health checks: `health-check/*` (and the delete path in the endpoint
//! table).

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::requests;
use crate::types::*;

requests! {
    HealthCheckAddRequest => HEALTH_CHECK_ADD -> WriteReceipt = decode::receipt;
    HealthCheckUpdateRequest => HEALTH_CHECK_UPDATE -> WriteReceipt = decode::receipt;
    HealthCheckGetRequest => HEALTH_CHECK_GET -> Option<HealthCheck> =
        decode::health_check_setting;
    HealthCheckStatusRequest => HEALTH_CHECK_STATUS -> Vec<HealthCheckStatus> =
        decode::items(&shapes::HEALTH_STATUSES);
    HealthCheckDeleteRequest => HEALTH_CHECK_DELETE -> WriteReceipt = decode::receipt;
}

impl Client {
    pub async fn health_check_add(
        &self,
        request: &HealthCheckAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn health_check_update(
        &self,
        request: &HealthCheckUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    /// The health check of a (gateway, VPC), `None` when there is none.
    pub async fn health_check_get(
        &self,
        request: &HealthCheckGetRequest,
    ) -> Result<Option<HealthCheck>, Error> {
        self.send(request).await
    }

    pub async fn health_check_status(
        &self,
        request: &HealthCheckStatusRequest,
    ) -> Result<Vec<HealthCheckStatus>, Error> {
        self.send(request).await
    }

    /// Deletes a health check at the endpoint table's path (see
    /// [`crate::endpoints::HEALTH_CHECK_DELETE`]).
    pub async fn health_check_delete(
        &self,
        request: &HealthCheckDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }
}
