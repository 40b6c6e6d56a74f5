//! Walks every contact of one account, page after page, with `.stream()`.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example walk_contacts -- <account-id>
//! ```
//!
//! Hand-written (not generated). `tests/tests/examples.rs` runs [`contact_names`]
//! against a local server that serves two pages.

use beeper_desktop_api::{Client, Error};
use futures_util::TryStreamExt;

/// The name (or ID) of every contact of `account_id`, at most `max` of them.
///
/// `.stream()` asks for the next page with the cursor of the page before, only when
/// the items of that page have been read; `.max_items(..)` stops the walk there.
pub async fn contact_names(
    client: &Client,
    account_id: &str,
    max: usize,
) -> Result<Vec<String>, Error> {
    let stream = client
        .accounts()
        .contacts()
        .list(account_id)
        .limit(100)
        .max_items(max)
        .stream();
    // The stream borrows nothing, but it must be pinned to be polled.
    let mut stream = std::pin::pin!(stream);
    let mut names = Vec::new();
    while let Some(user) = stream.try_next().await? {
        names.push(user.full_name.unwrap_or(user.id));
    }
    Ok(names)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let account_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "local-whatsapp_ba_1".to_string());
    let client = Client::from_env()?;
    for name in contact_names(&client, &account_id, 10_000).await? {
        println!("{name}");
    }
    Ok(())
}
