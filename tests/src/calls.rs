//! How a scenario calls an operation: bounded in time, with the response checked for
//! Prism's violation header, paginated operations walked a few pages, public
//! operations called with and without a token. Shared by the conformance runner and
//! the per-operation tests, so that both run the same calls.

use std::fmt::Debug;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use beeper_desktop_api::runtime::{Operation, Paginated, Request};
use beeper_desktop_api::{Client, Error, ErrorKind};
use futures_util::{Stream, StreamExt};
use serde_json::Value;

/// Bound on one call, retries included (the clients make none).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Pages walked by the bounded walks of paginated operations.
pub const WALK_PAGES: usize = 2;

/// The clients a scenario calls with: one with a token, one without any.
pub struct Clients {
    pub client: Client,
    pub anonymous: Client,
}

impl Clients {
    /// Clients of the server at `base_url` that never retry, so that each call is one
    /// request.
    pub fn new(base_url: &str, token: &str) -> Result<Clients, Error> {
        let builder = || {
            Client::builder()
                .base_url(base_url)
                .max_retries(0)
                .timeout(Duration::from_secs(20))
        };
        Ok(Clients {
            client: builder().access_token(token).build()?,
            anonymous: builder().build()?,
        })
    }
}

/// Where what the calls print goes, once a test asks for it ([`observe`]).
static OBSERVER: OnceLock<fn(String)> = OnceLock::new();

/// Hands `observer` everything the calls of this process can print of what the SDK
/// gives them: `Debug` of each request before it is sent, of each response, page,
/// item and stream, and of each error its `Display`, `Debug`, sources and the message
/// of the panic an `unwrap()` of it raises (for the panic hook to see). For the canary
/// test, which searches all of it for a secret; without it, nothing is formatted.
pub fn observe(observer: fn(String)) {
    let _ = OBSERVER.set(observer);
}

fn show(text: impl FnOnce() -> String) {
    if let Some(observer) = OBSERVER.get() {
        observer(text());
    }
}

/// Everything a program may print of `error`: `Display`, `Debug`, each source's, and
/// (through the panic hook) the message of an `unwrap()` of it.
pub fn show_error(error: &Error) {
    show(|| {
        let mut text = format!("{error}\n{error:?}\n");
        let mut source = std::error::Error::source(error);
        while let Some(s) = source {
            text.push_str(&format!("{s}\n{s:?}\n"));
            source = s.source();
        }
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let result: Result<(), &Error> = std::hint::black_box(Err(error));
            result.unwrap();
        }));
        text
    });
}

/// What a scenario reports: a short note on success, the error otherwise.
pub type Outcome = Result<String, String>;

pub fn none<T>(_: T) -> String {
    String::new()
}

pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Sends one request, bounded in time; an error becomes its description. A success
/// that carries Prism's `sl-violations` header (a request or response that does not
/// match the spec, at any severity) is a failure too.
pub async fn call<P: Operation + Debug>(request: impl Into<Request<P>>) -> Result<P::Output, String>
where
    P::Output: Debug,
{
    let request = request.into();
    show(|| format!("{request:?}"));
    let response = bounded(request.send_with_response()).await?.map_err(|e| {
        show_error(&e);
        describe(&e)
    })?;
    show(|| format!("{response:?}"));
    if let Some(violations) = violations(&response.headers) {
        return Err(format!(
            "{} with Prism violations: {violations}",
            response.status
        ));
    }
    Ok(response.data)
}

async fn bounded<T>(future: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(CALL_TIMEOUT, future)
        .await
        .map_err(|_| format!("no answer within {} s", CALL_TIMEOUT.as_secs()))
}

/// A public operation: with the token, then with the client that has none.
pub async fn public<P: Operation + Debug>(
    with_token: impl Into<Request<P>>,
    without_token: impl Into<Request<P>>,
) -> Outcome
where
    P::Output: Debug,
{
    call(with_token).await?;
    call(without_token)
        .await
        .map_err(|e| format!("without a token: {e}"))?;
    Ok("also without a token".into())
}

/// A paginated operation: its first page, then two walks of the SDK's streams. The
/// mock servers answer the same example page, with `hasMore: true` and the same
/// cursor, forever: a walk capped at `WALK_PAGES` pages must end there by itself, and
/// an uncapped one must end with `RepeatedCursor` after the pages it could follow
/// (the first request's cursor, then the example's), never loop.
pub async fn paginated<P: Paginated + Debug>(request: impl Into<Request<P>>) -> Outcome
where
    P::Output: Debug,
    P::Item: Debug,
{
    let request = request.into();
    let page = call(request.clone()).await?;
    let per_page = P::into_items(page).len();
    if per_page == 0 {
        // An empty example page: the item stream would fetch pages without yielding
        // items, so walk the pages themselves.
        let capped = walk(request.clone().max_pages(WALK_PAGES).pages())
            .await
            .map_err(|e| format!("capped walk: {e}"))?;
        expect_end(capped, WALK_PAGES, None, "capped walk")?;
        let uncapped = walk(request.pages())
            .await
            .map_err(|e| format!("uncapped walk: {e}"))?;
        expect_end(
            uncapped,
            2,
            Some(ErrorKind::RepeatedCursor),
            "uncapped walk",
        )?;
        return Ok(format!(
            "empty page; walked {WALK_PAGES} pages, and an uncapped walk stopped at a repeated cursor"
        ));
    }
    let capped = walk(request.clone().max_pages(WALK_PAGES).stream())
        .await
        .map_err(|e| format!("capped stream walk: {e}"))?;
    expect_end(capped, per_page * WALK_PAGES, None, "capped stream walk")?;
    let uncapped = walk(request.stream())
        .await
        .map_err(|e| format!("uncapped stream walk: {e}"))?;
    expect_end(
        uncapped,
        per_page * 2,
        Some(ErrorKind::RepeatedCursor),
        "uncapped stream walk",
    )?;
    Ok(format!(
        "{per_page} per page; a walk capped at {WALK_PAGES} pages yielded {} items, an uncapped one stopped at a repeated cursor",
        per_page * WALK_PAGES
    ))
}

/// How a walk ended: the number of `Ok` items, then the error that ended it, if any.
type WalkEnd = (usize, Option<Error>);

fn expect_end(
    (items, end): WalkEnd,
    want_items: usize,
    want_end: Option<ErrorKind>,
    what: &str,
) -> Result<(), String> {
    let end_kind = end.as_ref().map(Error::kind);
    if items != want_items || end_kind != want_end {
        let end = end.map_or("its natural end".to_string(), |e| describe(&e));
        return Err(format!(
            "{what}: {items} items then {end}; expected {want_items} items then {}",
            want_end.map_or("its natural end".to_string(), |k| format!("{k:?}"))
        ));
    }
    Ok(())
}

/// Reads a whole stream of results (bounded in time and length): how many were `Ok`
/// before it ended, and the error that ended it, if one did.
async fn walk<T: Debug>(
    stream: impl Stream<Item = Result<T, Error>> + Debug,
) -> Result<WalkEnd, String> {
    // Far more than any walk here should yield: a walk that does not stop is an error.
    const LIMIT: usize = 10_000;
    show(|| format!("{stream:?}"));
    let results: Vec<Result<T, Error>> = bounded(stream.take(LIMIT).collect()).await?;
    for r in &results {
        match r {
            Ok(item) => show(|| format!("{item:?}")),
            Err(e) => show_error(e),
        }
    }
    if results.len() == LIMIT {
        return Err(format!("did not end after {LIMIT} results"));
    }
    let mut ok = 0;
    for r in results {
        match r {
            Ok(_) => ok += 1,
            Err(e) => return Ok((ok, Some(e))),
        }
    }
    Ok((ok, None))
}

/// Prism's `sl-violations` header, as `[location] message; ...`.
fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let raw = headers.get("sl-violations")?.to_str().ok()?;
    let text = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(items)) => validation_messages(&items),
        _ => raw.to_string(),
    };
    Some(text)
}

fn validation_messages(items: &[Value]) -> String {
    items
        .iter()
        .map(|v| {
            let location = v
                .get("location")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .map(|p| {
                            p.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| p.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let severity = v.get("severity").and_then(Value::as_str).unwrap_or("?");
            let message = v.get("message").and_then(Value::as_str).unwrap_or("?");
            format!("[{severity} {location}] {message}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// An error, with Prism's validation messages when it answered 422.
///
/// This spec documents a `default` error response with an example, so Prism answers a
/// 422 (or 401) with that example rather than with its own problem+json; the
/// validation messages then only travel in the `sl-violations` header.
pub fn describe(error: &Error) -> String {
    let mut text = error.to_string();
    if let Some(status) = error.as_status() {
        if let Some(violations) = violations(&status.headers) {
            text.push_str(&format!(" | Prism violations: {violations}"));
            return text;
        }
        let validation = status
            .body
            .as_ref()
            .and_then(|b| b.json.get("validation"))
            .and_then(Value::as_array);
        match validation {
            Some(items) if !items.is_empty() => {
                text.push_str(&format!(" | validation: {}", validation_messages(items)));
            }
            _ if status.status.as_u16() >= 400 && !status.raw_body.is_empty() => {
                text.push_str(&format!(" | body: {}", status.raw_body));
            }
            _ => {}
        }
    }
    text
}
