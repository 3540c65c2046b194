//! Cross-account VPC authorisation: `accountauth/*`.

use super::Client;
use crate::decode::{self, shapes};
use crate::error::Error;
use crate::request::{paged_requests, requests};
use crate::types::*;

paged_requests! {
    AccountAuthListRequest => ACCOUNT_AUTH_LIST -> AccountAuth = shapes::ACCOUNT_AUTHS;
}

requests! {
    AccountAuthAddRequest => ACCOUNT_AUTH_ADD -> WriteReceipt = decode::receipt;
    AccountAuthDeleteRequest => ACCOUNT_AUTH_DELETE -> WriteReceipt = decode::receipt;
}

impl Client {
    pub async fn account_auth_add(
        &self,
        request: &AccountAuthAddRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn account_auth_delete(
        &self,
        request: &AccountAuthDeleteRequest,
    ) -> Result<WriteReceipt, Error> {
        self.send(request).await
    }

    pub async fn account_auth_list(
        &self,
        request: &AccountAuthListRequest,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<AccountAuth>, Error> {
        self.page(request, page_no, page_size).await
    }

    pub async fn account_auth_list_all(
        &self,
        request: &AccountAuthListRequest,
    ) -> Result<Vec<AccountAuth>, Error> {
        self.all_pages(request).await
    }
}
