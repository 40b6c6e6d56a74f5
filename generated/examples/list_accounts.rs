//! Lists the chat accounts connected to Beeper Desktop.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example list_accounts
//! ```
//!
//! Hand-written (not generated). `tests/tests/examples.rs` runs [`account_lines`]
//! against a local server.

use beeper_desktop_api::{Client, Error};

/// One line per account: its ID, network and status.
pub async fn account_lines(client: &Client) -> Result<Vec<String>, Error> {
    let accounts = client.accounts().list().await?;
    Ok(accounts
        .iter()
        .map(|account| {
            let network = account.network.as_deref().unwrap_or("?");
            format!("{} ({network}): {}", account.account_id, account.status)
        })
        .collect())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // BEEPER_ACCESS_TOKEN, and optionally BEEPER_BASE_URL (default http://localhost:23373).
    let client = Client::from_env()?;
    for line in account_lines(&client).await? {
        println!("{line}");
    }
    Ok(())
}
