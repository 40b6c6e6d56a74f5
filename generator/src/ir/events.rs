//! The live event stream of an API (`x-sdk-events`), as lowering decided it.

use super::Auth;

/// A WebSocket that pushes events, all of one union type tagged by a property.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// Path of the WebSocket, appended to the client's base URL (`/v1/ws`).
    pub path: String,
    /// Rust name of the union of events (`Event`), one of `Api::types`.
    pub event_type: String,
    /// Wire name of the property that tells events apart (`type`).
    pub tag: String,
    /// Tag value of the variant the SDK yields itself after a reconnect or a gap.
    pub resync_tag: String,
    /// Rust name of that variant (`Resync`).
    pub resync_variant: String,
    /// Credentials of the upgrade request: the document's default security.
    pub auth: Auth,
    /// Docs of `Client::events`.
    pub doc: Option<String>,
}
