//! An echo bot: answers `!ping` with `pong` in any chat, over the live event stream.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example echo_bot
//! ```
//!
//! Hand-written (not generated); `cargo test --workspace` compiles it.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use beeper_desktop_api::models::Event;
use beeper_desktop_api::runtime::BestEffort;
use beeper_desktop_api::{ChatSubscription, Client, Error};
use futures_util::StreamExt;

/// Messages answered recently: an upsert can repeat a message (an edit, a status).
struct Answered {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Answered {
    const KEEP: usize = 1024;

    /// True the first time `id` is seen.
    fn first_time(&mut self, id: &str) -> bool {
        if !self.ids.insert(id.to_string()) {
            return false;
        }
        self.order.push_back(id.to_string());
        if self.order.len() > Self::KEEP
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        true
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    let mut events = client.events().subscribe(ChatSubscription::All).await?;
    let mut answered = Answered {
        ids: HashSet::new(),
        order: VecDeque::new(),
    };
    eprintln!("listening; send !ping in any chat");
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            // One frame the SDK could not read; the stream goes on.
            Err(e) => {
                eprintln!("skipped an event: {e}");
                continue;
            }
        };
        match event {
            Event::MessageUpserted(upsert) => {
                // Best effort: a message that does not decode is kept as JSON; skip it.
                let messages = upsert.entries.unwrap_or_default().into_iter();
                for message in messages.filter_map(BestEffort::into_decoded) {
                    let is_ping = message.text.as_deref().map(str::trim) == Some("!ping");
                    if !is_ping
                        || message.is_sender == Some(true)
                        || !answered.first_time(&message.id)
                    {
                        continue;
                    }
                    let reply = client
                        .messages()
                        .send(&upsert.chat_id)
                        .text("pong")
                        .reply_to_message_id(&message.id);
                    match events
                        .send_and_confirm(reply, Duration::from_secs(30))
                        .await
                    {
                        Ok(sent) => eprintln!("answered in {}: {}", sent.chat_id, sent.message_id),
                        Err(e) => eprintln!("could not answer in {}: {e}", upsert.chat_id),
                    }
                }
            }
            // Events may have been missed: a bot that must not miss a `!ping` would list
            // the messages of `chat_ids` since `since` here.
            Event::Resync(resync) => eprintln!(
                "may have missed events in {:?} since {:?} ({})",
                resync.chat_ids, resync.since, resync.reason
            ),
            _ => {}
        }
    }
    Ok(())
}
