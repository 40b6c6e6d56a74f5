//! The SDK's runtime: hand-written, shared by every operation, and never touched by
//! the code generator. Generated code describes requests; this module sends them
//! (credentials, retries, timeouts, logging), decodes responses, and walks pages.

mod attempt;
mod base_url;
mod body;
mod client;
mod credentials;
pub mod de;
mod encoding;
mod error;
// The live event stream, with its WebSocket: the `events` feature.
#[cfg(feature = "events")]
mod events;
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

pub use client::{ApiInfo, Client, ClientBuilder, SchemeKind, SecuritySchemeInfo};
pub use encoding::{Query, QueryStyle, push_path_param};
pub use error::{DecodeError, Error, ErrorBody, ErrorKind, StatusError, TransportError};
#[cfg(feature = "events")]
pub use events::{Chats, EventStream, Events, EventsInfo, Frame, SentMessage, decode_frame};
pub use multipart::{FilePart, Multipart};
pub use nullable::Nullable;
pub use pagination::{Paginated, next_cursor};
pub use redact::Secret;
pub use request::{Operation, Request, RequestOptions, RequestParts};
pub use reqwest::Method;
pub use response::{ApiResponse, ByteStream, RawResponse};
/// The TLS library of `wss://` event streams, for
/// [`ClientBuilder::events_tls_config`].
#[cfg(feature = "rustls")]
pub use rustls;
