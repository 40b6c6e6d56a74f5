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
