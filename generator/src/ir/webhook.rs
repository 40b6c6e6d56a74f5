//! Webhooks: requests the API sends to its users (OpenAPI 3.1).

use super::{HttpMethod, Ty};

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// The key in `webhooks`.
    pub name: String,
    pub method: HttpMethod,
    /// The payload's media type and type, if the request has a body.
    pub content_type: Option<String>,
    pub payload: Option<Ty>,
    /// One line for the crate docs: the summary, else the description's first line.
    pub summary: Option<String>,
    pub source: String,
}
