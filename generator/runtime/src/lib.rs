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
//! - `rustls` (default): https (and the event stream's wss) through rustls.
//! - `native-tls`: https (and wss) through the platform's TLS.
//! - `events` (default): live event streams over a WebSocket ([`Events`]), opened
//!   through the same HTTP client as every request.
//!
//! Without a TLS feature, an https base URL is an [`ErrorKind::Config`] error before
//! anything is sent.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly) marks what each feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod attempt;
mod base_url;
mod body;
// What an event stream holds for its reader, in bytes.
#[cfg(feature = "events")]
mod budget;
mod builder;
mod client;
mod credentials;
mod custom;
pub mod de;
mod encoding;
mod error;
// The live event stream, with its WebSocket: the `events` feature. `events` (the
// builder) starts `ws` (the connection task) through `upgrade` (the connection) and
// returns an `event_stream` (the reader's end); `frame` is the protocol they share.
#[cfg(feature = "events")]
mod event_stream;
#[cfg(feature = "events")]
mod events;
mod extras;
#[cfg(feature = "events")]
mod frame;
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
#[cfg(feature = "events")]
mod ws_writer;

pub use api::{ApiInfo, SchemeKind, SecuritySchemeInfo};
pub use builder::ClientBuilder;
pub use client::Client;
pub use custom::{Custom, FromResponse, RawBody};
pub use de::{BestEffort, Undecoded};
pub use encoding::{Query, QueryStyle, push_path_param};
pub use error::{DecodeError, Error, ErrorBody, ErrorKind, StatusError, TransportError};
#[cfg(feature = "events")]
#[cfg_attr(docsrs, doc(cfg(feature = "events")))]
pub use event_stream::{EventStream, SentMessage};
#[cfg(feature = "events")]
#[cfg_attr(docsrs, doc(cfg(feature = "events")))]
pub use events::Events;
#[cfg(feature = "events")]
#[cfg_attr(docsrs, doc(cfg(feature = "events")))]
pub use frame::{ChatSubscription, EventsInfo, Frame, decode_frame};
pub use hook::{AfterAttempt, AttemptOutcome, AttemptRequest, Hook, HookFuture};
pub use multipart::{FilePart, Multipart};
pub use nullable::Nullable;
pub use options::RequestOptions;
pub use pagination::{
    Items, NextPage, Pages, Paginated, from_i64, link_next, next_cursor, next_offset,
    next_page_number, to_i64,
};
pub use parts::RequestParts;
pub use redact::{Secret, ShownJson, WHOLE_BODY};
pub use request::{Operation, Request};
pub use response::{ApiResponse, ByteStream, RawResponse};

/// The HTTP client this crate sends requests with (for its `Method`, `StatusCode`,
/// `HeaderMap`, and a `reqwest::Client` of the same version for
/// `ClientBuilder::http_client`).
pub use reqwest;
/// The JSON library of bodies and extra fields.
pub use serde_json;
