//! The runtime of the SDKs that `sdk-generator` makes from OpenAPI documents: one HTTP
//! client that every generated operation goes through. Generated code describes a
//! request ([`Operation`]: method, path, query, headers, body, credentials); this
//! crate sends it (credentials, retries with backoff, timeouts, size limits, hooks,
//! logging), decodes the response into typed errors or values, walks pages, and keeps
//! secrets out of everything it prints. It is written by hand, compiled and tested once,
//! and shared by every generated SDK, which depends on it by version.
//!
//! Users of an SDK meet this crate through the SDK's re-export (`<sdk>::runtime`): its
//! [`Error`] and [`ErrorKind`], [`Hook`]s, [`Secret`], [`FilePart`], the escape hatch's
//! [`Request`]`<`[`Custom`]`<T>>`. Generated code calls the rest: [`sdk_client!`] and
//! [`operation_request!`] define the SDK's client and one request type per operation.
//!
//! # Features
//! - `rustls` (default): https through rustls.
//! - `native-tls`: https through the platform's TLS.
//! - `events` (default): live event streams over a WebSocket ([`Events`]).
//!
//! Without a TLS feature, an https base URL is an [`ErrorKind::Config`] error before
//! anything is sent.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod attempt;
mod base_url;
mod body;
mod builder;
mod client;
mod credentials;
mod custom;
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
mod operation_request;
mod options;
mod pagination;
mod parts;
mod redact;
mod request;
mod response;
mod retry;
mod sdk_client;
mod send;
#[cfg(feature = "events")]
mod upgrade;
#[cfg(feature = "events")]
mod ws;
// rustls for `wss://` and for root certificates: the `rustls` feature.
#[cfg(feature = "rustls")]
mod ws_tls;

pub use api::{ApiInfo, SchemeKind, SecuritySchemeInfo};
pub use builder::ClientBuilder;
pub use client::Client;
pub use custom::{Custom, FromResponse, RawBody};
pub use de::{BestEffort, Undecoded};
pub use encoding::{Query, QueryStyle, push_path_param};
pub use error::{DecodeError, Error, ErrorBody, ErrorKind, StatusError, TransportError};
#[cfg(feature = "events")]
pub use events::{Chats, EventStream, Events, EventsInfo, Frame, SentMessage, decode_frame};
pub use hook::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
pub use multipart::{FilePart, Multipart};
pub use nullable::Nullable;
pub use options::RequestOptions;
pub use pagination::{
    Items, NextPage, Pages, Paginated, from_i64, link_next, next_cursor, next_offset,
    next_page_number, to_i64,
};
pub use parts::RequestParts;
pub use redact::Secret;
pub use request::{Operation, Request};
pub use response::{ApiResponse, ByteStream, RawResponse};

/// The HTTP client this crate sends requests with (for its `Method`, `StatusCode`,
/// `HeaderMap`, and a `reqwest::Client` of the same version for
/// `ClientBuilder::http_client`).
pub use reqwest;
/// The TLS library of `wss://` event streams, for `ClientBuilder::events_tls_config`.
#[cfg(feature = "rustls")]
pub use rustls;
/// The JSON library of bodies and extra fields.
pub use serde_json;
