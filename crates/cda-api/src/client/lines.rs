//! Physical lines: `physical-line/*` and `shared-physical-line/list`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::{paged_requests, requests};
use crate::types::*;

paged_requests! {
    PhysicalLineListRequest => PHYSICAL_LINE_LIST -> PhysicalLine = shapes::LINES;
    SharedPhysicalLineListRequest => SHARED_PHYSICAL_LINE_LIST -> PhysicalLine = shapes::LINES;
}

requests! {
    PhysicalLineAddRequest => PHYSICAL_LINE_ADD -> WriteReceipt = decode::receipt;
    PhysicalLineUpdateRequest => PHYSICAL_LINE_UPDATE -> WriteReceipt = decode::receipt;
    PhysicalLineDeleteRequest => PHYSICAL_LINE_DELETE -> WriteReceipt = decode::receipt;
    PhysicalLineCountRequest => PHYSICAL_LINE_COUNT -> u64 = decode::number;
    AccessPointListRequest => PHYSICAL_LINE_ACCESS_POINT_LIST -> Vec<String> =
        decode::access_point_names;
    PhysicalLineBindRequest => PHYSICAL_LINE_BIND -> WriteReceipt = decode::receipt;
    PhysicalLineUnbindRequest => PHYSICAL_LINE_UNBIND -> WriteReceipt = decode::receipt;
}

impl Client {
    pub async fn physical_line_list(
        &self,
        request: &PhysicalLineListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<PhysicalLine>, Error> {
        self.page(request, page_no, page_size).await
    }

    pub async fn physical_line_list_all(
        &self,
        request: &PhysicalLineListRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.all_pages(request).await
    }

    pub async fn shared_physical_line_list(
        &self,
        request: &PhysicalLineListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<PhysicalLine>, Error> {
        let shared = SharedPhysicalLineListRequest(request.clone());
        self.page(&shared, page_no, page_size).await
    }

    pub async fn shared_physical_line_list_all(
        &self,
        request: &PhysicalLineListRequest,
    ) -> Result<Vec<PhysicalLine>, Error> {
        self.all_pages(&SharedPhysicalLineListRequest(request.clone()))
            .await
    }

    pub async fn physical_line_add(
        &self,
        request: &PhysicalLineAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn physical_line_update(
        &self,
        request: &PhysicalLineUpdateRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn physical_line_delete(
        &self,
        request: &PhysicalLineDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn physical_line_count(
        &self,
        request: &PhysicalLineCountRequest,
    ) -> Result<u64, Error> {
        self.send(request).await
    }

    /// Access point(s) of a line (`AP1`/`AP2`).
    pub async fn physical_line_access_point_list(
        &self,
        request: &AccessPointListRequest,
    ) -> Result<Vec<String>, Error> {
        self.send(request).await
    }

    pub async fn physical_line_bind(
        &self,
        request: &LineBindingRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(&PhysicalLineBindRequest(request.clone())).await
    }

    pub async fn physical_line_unbind(
        &self,
        request: &LineBindingRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(&PhysicalLineUnbindRequest(request.clone())).await
    }
}
