//! Handling the SDK's errors: by kind, with the API's error body, and the ones worth
//! telling a user about.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example handle_errors -- <bridge-id>
//! ```
//!
//! Hand-written (not generated). `tests/tests/examples.rs` runs [`find_bridge`] and
//! [`explain`] against a local server that answers 404, 401 and 500.

use beeper_desktop_api::models::Bridge;
use beeper_desktop_api::{Client, Error, ErrorKind};

/// The bridge, or `None` when the server says there is no such bridge; any other
/// failure is the caller's.
pub async fn find_bridge(client: &Client, bridge_id: &str) -> Result<Option<Bridge>, Error> {
    match client.bridges().retrieve(bridge_id).await {
        Ok(bridge) => Ok(Some(bridge)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// One line for a person: what to do about the error.
pub fn explain(error: &Error) -> String {
    // `ErrorKind` is #[non_exhaustive]: new kinds may come in a minor release.
    let advice = match error.kind() {
        ErrorKind::MissingCredentials | ErrorKind::Authentication => {
            "check BEEPER_ACCESS_TOKEN (Beeper Desktop > Settings > Developers)"
        }
        ErrorKind::Connection | ErrorKind::Timeout => "is Beeper Desktop running?",
        ErrorKind::RateLimited | ErrorKind::Server => "the server is struggling; try later",
        ErrorKind::Config => "check BEEPER_BASE_URL",
        _ => "unexpected",
    };
    // A status error carries the status, headers and the API's {code, message}.
    let detail = match error.as_status() {
        Some(status) => format!(
            "{} {}: {}",
            status.status.as_u16(),
            status.code().unwrap_or("-"),
            status.message().unwrap_or(&status.raw_body)
        ),
        // Display is one line: what failed, where, after how many attempts.
        None => error.to_string(),
    };
    format!("{advice} ({detail}; {} attempt(s))", error.attempts())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let bridge_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "local-whatsapp".to_string());
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => return eprintln!("{}", explain(&e)),
    };
    match find_bridge(&client, &bridge_id).await {
        Ok(Some(bridge)) => println!("{}: {}", bridge_id, bridge.display_name),
        Ok(None) => println!("no bridge {bridge_id}"),
        Err(e) => eprintln!("{}", explain(&e)),
    }
}
