//! Walking cursor-paginated lists as streams.

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::Error;
use super::request::{Operation, Request};

/// An operation that returns one page of a list. Implemented by the generated
/// parameters of paginated operations.
pub trait Paginated: Operation + Clone {
    type Item: Send + 'static;

    /// The parameters that fetch the page after `page`, or `None` after the last page.
    fn next_page(&self, page: &Self::Output) -> Option<Self>;

    fn into_items(page: Self::Output) -> Vec<Self::Item>;
}

impl<P: Paginated> Request<P> {
    /// Every page, starting with this request's, fetched one at a time as the stream
    /// is polled. The stream ends after the last page or the first error.
    pub fn pages(self) -> impl Stream<Item = Result<P::Output, Error>> + Send + 'static {
        stream::unfold(Some(self), |state| async move {
            let request = state?;
            let next = request.clone();
            match request.send().await {
                Ok(page) => {
                    let following = next
                        .params
                        .next_page(&page)
                        .map(|params| Request { params, ..next });
                    Some((Ok(page), following))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
    }

    /// Every item of every page.
    pub fn stream(self) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(P::into_items(page).into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item of every page, collected.
    pub async fn collect_all(self) -> Result<Vec<P::Item>, Error> {
        self.stream().try_collect().await
    }

    /// The first `n` items at most, fetching only the pages they need.
    pub async fn take_items(self, n: usize) -> Result<Vec<P::Item>, Error> {
        self.stream().take(n).try_collect().await
    }
}
