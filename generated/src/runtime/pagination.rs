//! Walking cursor-paginated lists as streams.

use std::collections::HashSet;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::Error;
use super::request::{Operation, Request};
use super::response::ApiResponse;

/// An operation that returns one page of a list. Implemented by the generated
/// parameters of paginated operations.
pub trait Paginated: Operation + Clone {
    /// One item of a page.
    type Item: Send + 'static;

    /// The parameters that fetch the page after `page`, or `None` after the last page.
    fn next_page(&self, page: &Self::Output) -> Option<Self>;

    /// The items of a page, in order.
    fn into_items(page: Self::Output) -> Vec<Self::Item>;
}

/// The cursor of the page after this one, or `None` when this page is the last: the
/// server said there are no more (`has_more` false), the page is empty, or it gave no
/// cursor (or an empty one). One rule for every paginated operation.
pub fn next_cursor(
    has_more: Option<bool>,
    is_empty: bool,
    cursor: Option<&String>,
) -> Option<String> {
    if has_more == Some(false) || is_empty {
        return None;
    }
    cursor.filter(|c| !c.is_empty()).cloned()
}

/// Bounds of one walk through the pages, set on the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WalkLimits {
    pub(crate) max_pages: Option<usize>,
    pub(crate) max_items: Option<usize>,
}

/// Where a walk is: the next request, and every page request it already sent.
struct Walk<P> {
    next: Option<Request<P>>,
    /// `path?query` of each page requested: a request sent twice means the server
    /// handed back a cursor the walk already followed.
    followed: HashSet<String>,
    pages: usize,
}

impl<P: Paginated> Request<P> {
    /// Ends a walk (`pages`, `stream`, `collect_all`) after `n` pages, as if the last
    /// page had been reached: a bound on how many requests one walk sends.
    pub fn max_pages(mut self, n: usize) -> Request<P> {
        self.walk.max_pages = Some(n);
        self
    }

    /// Ends a walk (`stream`, `collect_all`) after `n` items, as if the last page had
    /// been reached; no page beyond the one holding the `n`th item is fetched.
    pub fn max_items(mut self, n: usize) -> Request<P> {
        self.walk.max_items = Some(n);
        self
    }

    /// Every page, starting with this request's, fetched one at a time as the stream
    /// is polled. The stream ends after the last page, the first error, or the
    /// `max_pages` cap. A server that hands back a cursor the walk already followed
    /// (the same one again, or a cycle) ends it with [`ErrorKind::RepeatedCursor`]
    /// after the pages read so far, instead of requesting forever.
    ///
    /// [`ErrorKind::RepeatedCursor`]: super::ErrorKind::RepeatedCursor
    pub fn pages(self) -> impl Stream<Item = Result<P::Output, Error>> + Send + 'static {
        let walk = Walk {
            next: Some(self),
            followed: HashSet::new(),
            pages: 0,
        };
        stream::unfold(walk, |mut walk| async move {
            let request = walk.next.take()?;
            if request.walk.max_pages.is_some_and(|max| walk.pages >= max) {
                return None;
            }
            let parts = match request.params.build() {
                Ok(parts) => parts,
                Err(e) => return Some((Err(e), walk)),
            };
            let key = format!("{}?{}", parts.path, parts.query.as_str());
            if !walk.followed.insert(key) {
                let e = Error::RepeatedCursor {
                    request: format!("{} {}", parts.method, parts.path),
                    page: walk.pages + 1,
                };
                return Some((Err(e), walk));
            }
            let sent = request.client.execute(&parts, &request.options).await;
            match sent.and_then(P::decode).map(ApiResponse::into_data) {
                Ok(page) => {
                    walk.pages += 1;
                    walk.next = request
                        .params
                        .next_page(&page)
                        .map(|params| Request { params, ..request });
                    Some((Ok(page), walk))
                }
                Err(e) => Some((Err(e), walk)),
            }
        })
    }

    /// Every item of every page (up to the `max_items` cap).
    pub fn stream(self) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static {
        let max_items = self.walk.max_items.unwrap_or(usize::MAX);
        self.pages()
            .map_ok(|page| stream::iter(P::into_items(page).into_iter().map(Ok)))
            .try_flatten()
            .take(max_items)
    }

    /// Every item of every page, collected (up to the `max_items` cap).
    pub async fn collect_all(self) -> Result<Vec<P::Item>, Error> {
        self.stream().try_collect().await
    }

    /// The first `n` items at most, fetching only the pages they need.
    pub async fn take_items(self, n: usize) -> Result<Vec<P::Item>, Error> {
        self.stream().take(n).try_collect().await
    }
}

#[cfg(test)]
mod tests {
    use super::next_cursor;

    #[test]
    fn the_last_page_is_the_one_that_says_so_is_empty_or_has_no_cursor() {
        let c = "c2".to_string();
        assert_eq!(next_cursor(Some(true), false, Some(&c)), Some(c.clone()));
        assert_eq!(next_cursor(None, false, Some(&c)), Some(c.clone()));
        assert_eq!(next_cursor(Some(false), false, Some(&c)), None);
        assert_eq!(next_cursor(Some(true), true, Some(&c)), None);
        assert_eq!(next_cursor(Some(true), false, None), None);
        assert_eq!(next_cursor(Some(true), false, Some(&String::new())), None);
    }
}
