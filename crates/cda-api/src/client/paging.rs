//! Walking a paginated list: one page after another ([`Client::all_pages`])
//! or, once the first page tells how many there are, side by side
//! ([`Client::all_pages_concurrently`]).

use super::Client;
use crate::error::Error;
use crate::request::{Paged, PagedRequest};
use crate::types::Page;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Upper bound on pages walked, against a server that ignores `pageNo`.
pub const MAX_PAGES: u32 = 1000;

impl Client {
    /// One page of a paginated list.
    pub async fn page<R: PagedRequest>(
        &self,
        filters: &R,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<R::Item>, Error> {
        self.send(&Paged {
            filters,
            page_no,
            page_size,
        })
        .await
    }

    /// Walks `pageNo` = 1, 2, … until `totalCount` items were collected or a
    /// page comes back empty; more than [`MAX_PAGES`] pages is an error.
    pub async fn all_pages<R: PagedRequest>(&self, filters: &R) -> Result<Vec<R::Item>, Error> {
        let size = self.inner.config.page_size.max(1);
        let mut out = Vec::new();
        for page_no in 1..=MAX_PAGES {
            let page = self.page(filters, page_no, size).await?;
            let n = page.items.len();
            out.extend(page.items);
            // A short page does not end the walk when no total is known: a
            // server may clamp pageSize below what was asked.
            let done = n == 0
                || page
                    .total_count
                    .is_some_and(|total| out.len() as u64 >= total);
            if done {
                return Ok(out);
            }
        }
        Err(Error::Decode {
            endpoint: R::ENDPOINT.name,
            request_id: String::new(),
            message: format!("more than {MAX_PAGES} pages; the server may be ignoring pageNo"),
        })
    }

    /// Every item of a paged list: the first page, then — once `totalCount`
    /// is known — all further pages at once, then (if the server sent no
    /// total, or fewer items than it said) page after page until an empty
    /// one, at most [`MAX_PAGES`] pages in all.
    ///
    /// Each call holds a permit of `permits` while it runs, so a caller
    /// making other calls at the same time bounds them all together.
    pub async fn all_pages_concurrently<R>(
        &self,
        filters: &R,
        permits: &Arc<Semaphore>,
    ) -> Result<Vec<R::Item>, Error>
    where
        R: PagedRequest + Clone + 'static,
        R::Item: 'static,
    {
        let size = self.inner.config.page_size.max(1);
        let first = self.page_with_permit(permits, filters, 1, size).await?;
        let total = first.total_count;
        // A server may clamp pageSize: the first page's length is the real stride.
        let stride = first.items.len() as u64;
        let mut items = first.items;
        let mut next = 2;
        if let Some(total) = total.filter(|&t| stride > 0 && t > stride) {
            let pages = u32::try_from(total.div_ceil(stride))
                .unwrap_or(MAX_PAGES)
                .min(MAX_PAGES);
            let mut tasks = JoinSet::new();
            for page_no in 2..=pages {
                let (client, permits, filters) =
                    (self.clone(), Arc::clone(permits), filters.clone());
                tasks.spawn(async move {
                    let page = client
                        .page_with_permit(&permits, &filters, page_no, size)
                        .await?;
                    Ok::<_, Error>((page_no, page.items))
                });
            }
            let mut pages_read = Vec::new();
            while let Some(joined) = tasks.join_next().await {
                pages_read.push(joined.map_err(|e| Error::Task {
                    endpoint: R::ENDPOINT.name,
                    message: e.to_string(),
                })??);
            }
            pages_read.sort_by_key(|(page_no, _)| *page_no);
            for (_, page) in pages_read {
                items.extend(page);
            }
            next = pages + 1;
        }
        if stride == 0 {
            return Ok(items);
        }
        // No total, or fewer items than announced: walk on until an empty page.
        while total.is_none_or(|t| (items.len() as u64) < t) && next <= MAX_PAGES {
            let page = self.page_with_permit(permits, filters, next, size).await?;
            if page.items.is_empty() {
                break;
            }
            items.extend(page.items);
            next += 1;
        }
        Ok(items)
    }

    async fn page_with_permit<R: PagedRequest>(
        &self,
        permits: &Semaphore,
        filters: &R,
        page_no: u32,
        page_size: u32,
    ) -> Result<Page<R::Item>, Error> {
        let _permit = permits.acquire().await.map_err(|e| Error::Task {
            endpoint: R::ENDPOINT.name,
            message: e.to_string(),
        })?;
        self.page(filters, page_no, page_size).await
    }
}

#[cfg(test)]
mod tests {
    use crate::endpoints as ep;
    use crate::request::Paged;
    use crate::types::GatewayListRequest;
    use crate::wire_preview;

    #[test]
    fn paged_request_adds_page_fields() {
        let req = GatewayListRequest {
            account: Some("a".into()),
            ..Default::default()
        };
        let p = wire_preview(
            &ep::GATEWAY_LIST,
            &Paged {
                filters: &req,
                page_no: 2,
                page_size: 50,
            },
        )
        .unwrap();
        assert_eq!(p.query, "account=a&pageNo=2&pageSize=50");
    }
}
