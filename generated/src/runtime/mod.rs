//! The SDK's runtime: hand-written, shared by every operation, and never touched by
//! the code generator. Generated code describes requests; this module sends them
//! (credentials, retries, timeouts, logging), decodes responses, and walks pages.

mod attempt;
mod base_url;
mod body;
mod client;
mod credentials;
mod custom;
#[doc(hidden)]
pub mod de;
mod encoding;
mod error;
// The live event stream, with its WebSocket: the `events` feature.
#[cfg(feature = "events")]
mod events;
mod extras;
mod hook;
mod multipart;
mod nullable;
mod pagination;
mod redact;
mod request;
mod response;
mod retry;
#[cfg(feature = "events")]
mod upgrade;
#[cfg(feature = "events")]
mod ws;
// rustls for `wss://` and for root certificates: the `rustls` feature.
#[cfg(feature = "rustls")]
mod ws_tls;

// What users name. The public items of this module are the crate's promise (see the
// README's "Stability"); everything re-exported `#[doc(hidden)]` below is plumbing the
// generated code calls, which may change in any release.
pub use client::{Client, ClientBuilder};
pub use custom::{Custom, FromResponse, RawBody};
pub use error::{DecodeError, Error, ErrorBody, ErrorKind, StatusError, TransportError};
#[cfg(feature = "events")]
pub use events::{Chats, EventStream, Events, SentMessage};
pub use hook::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
pub use multipart::FilePart;
pub use nullable::Nullable;
pub use pagination::{NextPage, Paginated};
pub use redact::Secret;
pub use request::{Operation, Request, RequestOptions};
pub use reqwest::Method;
pub use reqwest::header::HeaderMap;
pub use response::{ApiResponse, ByteStream};
/// The TLS library of `wss://` event streams, for
/// [`ClientBuilder::events_tls_config`].
#[cfg(feature = "rustls")]
pub use rustls;

// Plumbing for the generated code (and the benches): public because generated items in
// other modules, and the signatures of `Operation` and `Paginated`, name them.
#[doc(hidden)]
pub use client::{ApiInfo, SchemeKind, SecuritySchemeInfo};
#[doc(hidden)]
pub use encoding::{Query, QueryStyle, push_path_param};
#[cfg(feature = "events")]
#[doc(hidden)]
pub use events::{EventsInfo, Frame, decode_frame};
#[doc(hidden)]
pub use multipart::Multipart;
#[doc(hidden)]
pub use pagination::{from_i64, link_next, next_cursor, next_offset, next_page_number, to_i64};
#[doc(hidden)]
pub use request::RequestParts;
#[doc(hidden)]
pub use response::RawResponse;
