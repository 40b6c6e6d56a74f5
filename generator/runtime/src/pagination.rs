//! Walking paginated lists as streams: by cursor, offset, page number, or a next-page
//! URL (in the body or the `Link` header), every walk with the same loop guard.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher, RandomState};

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};

use super::error::Error;
use super::parts::RequestParts;
use super::request::{Operation, Request};

/// An operation that returns one page of a list. Implemented by the generated
/// parameters of paginated operations.
pub trait Paginated: Operation + Clone {
    /// One item of a page.
    type Item: Send + 'static;

    /// Whether a page the same as the one before, byte for byte, ends the walk with an
    /// error. Set for walks whose next page is not taken from the page itself
    /// (offsets, page numbers, `Link` headers): against a server that ignores the
    /// parameter, they would otherwise go on until `max_pages`. Walks that take a
    /// cursor or URL from the page stop at the repeated cursor instead.
    const SAME_PAGE_ENDS_WALK: bool = false;

    /// Where the page after `page` is (`headers` are its response's), or `None` after
    /// the last page.
    fn next_page(&self, page: &Self::Output, headers: &HeaderMap) -> Option<NextPage<Self>>;

    /// The items of a page, in order.
    fn into_items(page: Self::Output) -> Vec<Self::Item>;
}

/// Where the next page of a walk is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage<P> {
    /// The same operation with other parameters: a cursor, an offset, a page number.
    Params(P),
    /// A URL the server gave, absolute or relative to the page's: requested with the
    /// operation's method and headers, on the client's origin only.
    Url(String),
}

/// The cursor of the page after this one, or `None` when this page is the last: the
/// server said there are no more (`has_more` false), the page is empty, or it gave no
/// cursor (or an empty one). One rule for every cursor and next-URL walk.
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

/// The offset of the page after this one: this page's offset (0 when unset) plus the
/// items it holds, or `None` when this page is empty, the server says there are no
/// more, or the next offset reaches the total.
pub fn next_offset(
    offset: Option<i64>,
    received: usize,
    has_more: Option<bool>,
    total: Option<i64>,
) -> Option<i64> {
    if received == 0 || has_more == Some(false) {
        return None;
    }
    let next = offset
        .unwrap_or(0)
        .checked_add(i64::try_from(received).ok()?)?;
    match total {
        Some(total) if next >= total => None,
        _ => Some(next),
    }
}

/// The number of the page after this one (`first` when the parameter is unset), or
/// `None` when this page is empty, the server says there are no more, or this page is
/// the last of `total_pages` (counted from 1 when `first` is 1, from 0 when it is 0).
pub fn next_page_number(
    page: Option<i64>,
    first: i64,
    is_empty: bool,
    has_more: Option<bool>,
    total_pages: Option<i64>,
) -> Option<i64> {
    if is_empty || has_more == Some(false) {
        return None;
    }
    let page = page.unwrap_or(first);
    match total_pages {
        Some(total) if page - first + 1 >= total => None,
        _ => page.checked_add(1),
    }
}

/// An integer parameter or field as the walk counts it.
pub fn to_i64<T: TryInto<i64>>(n: T) -> Option<i64> {
    n.try_into().ok()
}

/// A counted offset or page number as the parameter's integer type; `None` (the walk
/// ends) when it does not fit.
pub fn from_i64<T: TryFrom<i64>>(n: i64) -> Option<T> {
    T::try_from(n).ok()
}

/// The `rel="next"` URL of a `Link` header (RFC 8288), as GitHub gives it:
/// `<https://api.github.com/x?page=2>; rel="next", <…>; rel="last"`.
pub fn link_next(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>').map(|c| open + c) else {
                break;
            };
            let url = &rest[open + 1..close];
            let params_end = rest[close..].find('<').map_or(rest.len(), |n| close + n);
            let params = &rest[close + 1..params_end];
            let is_next = params.split([';', ',']).any(|p| {
                let Some((key, value)) = p.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next && !url.trim().is_empty() {
                return Some(url.trim().to_string());
            }
            rest = &rest[params_end..];
        }
    }
    None
}

/// Where a walk is: the next request, and every page request it already sent.
struct Walk<P> {
    next: Option<(Request<P>, Option<Url>)>,
    /// The digest of each page's URL requested: a request sent twice means the server
    /// handed back a cursor, offset or URL the walk already followed. 16 bytes a page
    /// (about 40 with the table's room), whatever the cursors' size.
    followed: HashSet<u128>,
    /// A digest of the last page's body: the same body again means a server that
    /// ignores the page parameter.
    last_body: Option<u128>,
    digest: Digest,
    /// An error to yield after the page just yielded, ending the walk.
    failed: Option<Error>,
    pages: usize,
}

/// `next` resolved against the URL of the page that gave it, if it is on the origin of
/// `base` (the rule redirects follow too); else the origin it is on.
fn same_origin(base: &str, this_url: &str, next: &str) -> Result<Url, String> {
    let base = Url::parse(base).map_err(|e| format!("base URL: {e}"))?;
    let this = Url::parse(this_url).map_err(|e| format!("page URL: {e}"))?;
    let next = this
        .join(next.trim())
        .map_err(|e| format!("not a URL: {e}"))?;
    if next.origin() == base.origin() {
        Ok(next)
    } else {
        Err(next.origin().ascii_serialization())
    }
}

/// One spelling of a page's URL whether it came from parameters or from the server, so
/// that a URL pointing back at a page requested by parameters counts as repeated.
fn page_key(base: &str, path: &str, query: &str) -> String {
    let text = if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{query}")
    };
    Url::parse(&text).map_or(text, |u| u.to_string())
}

/// The server a walk's request is sent to (the operation's own, or the base URL),
/// normalized as the client normalizes it: next-page URLs must stay on its origin.
fn walk_base<P>(request: &Request<P>, parts: &RequestParts) -> String {
    match request.client.base_for(parts, &request.options) {
        Ok(base) => base.into_owned(),
        // The request itself fails with this error; the text is never followed.
        Err(_) => request.options.base_url.clone().unwrap_or_default(),
    }
}

/// A 128-bit digest keyed for one walk: two SipHash-1-3 whose keys are random (std's
/// `RandomState`), so that a server, which cannot know them, cannot make two different
/// pages look the same (a false `RepeatedCursor`) by a collision it computed; a chance
/// one among a walk's pages is as likely as two random 128-bit numbers being equal.
struct Digest(RandomState, RandomState);

impl Digest {
    fn new() -> Digest {
        Digest(RandomState::new(), RandomState::new())
    }

    fn of(&self, bytes: &[u8]) -> u128 {
        let half = |keys: &RandomState| {
            let mut h = keys.build_hasher();
            h.write(bytes);
            h.finish()
        };
        (u128::from(half(&self.0)) << 64) | u128::from(half(&self.1))
    }
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
    /// `max_pages` cap. A server that hands back a cursor, offset or URL the walk
    /// already followed (the same one again, or a cycle), or the same page twice in a
    /// row, ends it with [`ErrorKind::RepeatedCursor`] after the pages read so far,
    /// instead of requesting forever. A next-page URL on another origin than the
    /// client's is not followed: [`ErrorKind::ForeignNextPage`] after the page that
    /// gave it.
    ///
    /// [`ErrorKind::RepeatedCursor`]: super::ErrorKind::RepeatedCursor
    /// [`ErrorKind::ForeignNextPage`]: super::ErrorKind::ForeignNextPage
    pub fn pages(self) -> Pages<P> {
        let walk = Walk {
            next: Some((self, None)),
            followed: HashSet::new(),
            last_body: None,
            digest: Digest::new(),
            failed: None,
            pages: 0,
        };
        let pages = stream::unfold(walk, |mut walk| async move {
            if let Some(e) = walk.failed.take() {
                return Some((Err(e), walk));
            }
            let (request, url) = walk.next.take()?;
            if request.walk.max_pages.is_some_and(|max| walk.pages >= max) {
                return None;
            }
            let mut parts = match request.params.build() {
                Ok(parts) => parts,
                Err(e) => return Some((Err(e), walk)),
            };
            let label = format!("{} {}", parts.method, parts.path);
            let base = walk_base(&request, &parts);
            let key = match url {
                Some(url) => {
                    let key = url.to_string();
                    parts.url = Some(key.clone());
                    key
                }
                None => page_key(&base, &parts.path, parts.query.as_str()),
            };
            if !walk.followed.insert(walk.digest.of(key.as_bytes())) {
                let e = Error::RepeatedCursor {
                    request: label,
                    page: walk.pages + 1,
                };
                return Some((Err(e), walk));
            }
            let raw = match request.client.execute(&parts, &request.options).await {
                Ok(raw) => raw,
                Err(e) => return Some((Err(e), walk)),
            };
            let body = walk.digest.of(&raw.body);
            if walk.last_body.replace(body) == Some(body) && P::SAME_PAGE_ENDS_WALK {
                let e = Error::RepeatedPage {
                    request: label,
                    page: walk.pages + 1,
                };
                return Some((Err(e), walk));
            }
            let page = match P::decode(raw) {
                Ok(page) => page,
                Err(e) => return Some((Err(e), walk)),
            };
            walk.pages += 1;
            let this_url = parts
                .url
                .clone()
                .unwrap_or_else(|| format!("{base}{}", parts.path));
            match request.params.next_page(&page.data, &page.headers) {
                None => {}
                Some(NextPage::Params(params)) => {
                    walk.next = Some((Request { params, ..request }, None));
                }
                Some(NextPage::Url(next)) => match same_origin(&base, &this_url, &next) {
                    Ok(url) => walk.next = Some((request, Some(url))),
                    // The page read is yielded first; the error ends the walk after it.
                    Err(origin) => {
                        walk.failed = Some(Error::ForeignNextPage {
                            request: label,
                            page: walk.pages + 1,
                            origin,
                        })
                    }
                },
            }
            Some((Ok(page.data), walk))
        });
        Pages {
            inner: Box::pin(pages),
        }
    }

    /// Every item of every page (up to the `max_items` cap).
    pub fn stream(self) -> Items<P> {
        let max_items = self.walk.max_items.unwrap_or(usize::MAX);
        let items = self
            .pages()
            .map_ok(|page| stream::iter(P::into_items(page).into_iter().map(Ok)))
            .try_flatten()
            .take(max_items);
        Items {
            inner: Box::pin(items),
        }
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

/// Every page of a paginated request, one request each, as
/// [`Request::pages`] walks them. A named, `Unpin` stream: loop over it with
/// `while let Some(page) = pages.try_next().await? { .. }`.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<P: Paginated> {
    inner: Pin<Box<dyn Stream<Item = Result<P::Output, Error>> + Send>>,
}

/// Every item of every page of a paginated request, as [`Request::stream`] walks
/// them. A named, `Unpin` stream: loop over it with
/// `while let Some(item) = items.try_next().await? { .. }`.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<P: Paginated> {
    inner: Pin<Box<dyn Stream<Item = Result<P::Item, Error>> + Send>>,
}

macro_rules! walk_stream {
    ($name:ident, $item:ident) => {
        impl<P: Paginated> $name<P> {
            /// The next one, `None` after the last; an error ends the walk.
            pub async fn next(&mut self) -> Option<Result<P::$item, Error>> {
                StreamExt::next(self).await
            }

            /// The next one, `Ok(None)` after the last: for
            /// `while let Some(x) = s.try_next().await? { .. }`.
            pub async fn try_next(&mut self) -> Result<Option<P::$item>, Error> {
                StreamExt::next(self).await.transpose()
            }
        }

        impl<P: Paginated> Stream for $name<P> {
            type Item = Result<P::$item, Error>;

            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                self.inner.as_mut().poll_next(cx)
            }
        }

        impl<P: Paginated> std::fmt::Debug for $name<P> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    };
}

walk_stream!(Pages, Output);
walk_stream!(Items, Item);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_advance_by_the_items_received_and_stop_at_the_total() {
        assert_eq!(next_offset(None, 10, None, None), Some(10));
        assert_eq!(next_offset(Some(10), 5, Some(true), Some(100)), Some(15));
        assert_eq!(next_offset(Some(90), 10, None, Some(100)), None);
        assert_eq!(next_offset(Some(10), 10, Some(false), None), None);
        assert_eq!(next_offset(Some(10), 0, Some(true), None), None);
    }

    #[test]
    fn page_numbers_stop_at_the_total_or_an_empty_page() {
        assert_eq!(next_page_number(None, 1, false, None, None), Some(2));
        assert_eq!(next_page_number(Some(2), 1, false, None, Some(3)), Some(3));
        assert_eq!(next_page_number(Some(3), 1, false, None, Some(3)), None);
        assert_eq!(next_page_number(None, 0, false, None, Some(2)), Some(1));
        assert_eq!(next_page_number(Some(1), 0, false, None, Some(2)), None);
        assert_eq!(next_page_number(Some(1), 1, true, None, None), None);
        assert_eq!(next_page_number(Some(1), 1, false, Some(false), None), None);
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            LINK,
            r#"<https://a.example/x?page=1>; rel="prev", <https://a.example/x?page=3>; rel="next", <https://a.example/x?page=9>; rel="last""#
                .parse()
                .unwrap(),
        );
        assert_eq!(link_next(&h).as_deref(), Some("https://a.example/x?page=3"));
        h.insert(LINK, "</x?page=2>; rel=\"next last\"".parse().unwrap());
        assert_eq!(link_next(&h).as_deref(), Some("/x?page=2"));
        h.insert(
            LINK,
            r#"<https://a.example/x?page=1>; rel="prev""#.parse().unwrap(),
        );
        assert_eq!(link_next(&h), None);
        assert_eq!(link_next(&HeaderMap::new()), None);
    }

    #[test]
    fn next_urls_stay_on_the_base_origin() {
        let base = "http://127.0.0.1:8080/api";
        let this = "http://127.0.0.1:8080/api/items";
        assert_eq!(
            same_origin(base, this, "?page=2").unwrap().as_str(),
            "http://127.0.0.1:8080/api/items?page=2"
        );
        assert_eq!(
            same_origin(base, this, "/api/items?after=x")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/api/items?after=x"
        );
        assert_eq!(
            same_origin(base, this, "https://evil.example/api/items?page=2").unwrap_err(),
            "https://evil.example"
        );
        assert_eq!(
            same_origin(base, this, "http://127.0.0.1:9090/api/items").unwrap_err(),
            "http://127.0.0.1:9090"
        );
        assert!(same_origin(base, this, "//evil.example/x").is_err());
    }

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
