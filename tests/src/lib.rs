//! Helpers shared by the workspace tests: the spec's examples, and a local HTTP server
//! with an SDK client pointed at it.
//!
//! The user guide (docs/using-the-sdk.md) is included below so that its examples are compiled as doctests.
#![doc = include_str!("../../docs/using-the-sdk.md")]

use std::sync::OnceLock;

use beeper_desktop_api::Client;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub mod alloc_count;
pub mod calls;
#[cfg(feature = "coverage")]
pub mod coverage;
pub mod events_reading;
pub mod faults;
pub mod log_capture;
pub mod proxy;
pub mod scenarios;
pub mod soak;
pub mod tls;
pub mod ws_raw;
pub mod ws_server;

pub const TOKEN: &str = "test-token-3f9a";

/// The spec as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../spec/beeper-desktop-api.yaml"
        );
        let text = std::fs::read_to_string(path).expect("the spec is readable");
        serde_yaml::from_str(&text).expect("the spec is valid YAML")
    })
}

/// The example of the first success response of `METHOD path`, as documented.
pub fn example(method: &str, path: &str) -> Value {
    let op = &spec()["paths"][path][method.to_ascii_lowercase()];
    assert!(op.is_object(), "no operation {method} {path} in the spec");
    let responses = op["responses"].as_object().expect("responses");
    let (_, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .expect("a success response");
    let response = resolve(response);
    response["content"]["application/json"]["example"].clone()
}

/// `value`, or what its `$ref` points at in the spec.
pub fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            spec()
                .pointer(pointer)
                .unwrap_or_else(|| panic!("unresolved {reference}"))
        }
        None => value,
    }
}

/// A local HTTP server and a client of it.
pub struct TestServer {
    pub server: MockServer,
    pub client: Client,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let server = MockServer::start().await;
        let client = Client::builder()
            .base_url(server.uri())
            .access_token(TOKEN)
            .build()
            .expect("client builds");
        TestServer { server, client }
    }

    /// Answers every request with `status` and the JSON `body`.
    pub async fn respond(&self, status: u16, body: Value) {
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    /// Every request received so far.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The one request received; fails if there were more or none.
    pub async fn only_request(&self) -> Request {
        let mut requests = self.requests().await;
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {}",
            requests.len()
        );
        requests.remove(0)
    }
}

/// What a test asserts about a request on the wire.
pub trait RequestExt {
    fn header_str(&self, name: &str) -> Option<String>;
    fn json_body(&self) -> Value;
}

impl RequestExt for Request {
    fn header_str(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Asserts method, raw (percent-encoded) path, raw query and the bearer token.
pub fn assert_request(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "method");
    assert_eq!(request.url.path(), path, "raw path");
    assert_eq!(request.url.query(), query, "raw query");
    assert_eq!(
        request.header_str("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str()),
        "Authorization"
    );
}
