//! Uploads a file, then sends it to a chat as a message with a caption.
//!
//! ```sh
//! BEEPER_ACCESS_TOKEN=... cargo run -p beeper-desktop-api --example send_attachment -- <chat-id> <file>
//! ```
//!
//! Hand-written (not generated). `tests/tests/examples.rs` runs [`send_file`] against
//! a local server and checks both requests.

use beeper_desktop_api::models::{MessageSendResponse, OutgoingAttachment};
use beeper_desktop_api::{Client, FilePart};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Uploads `file` (`multipart/form-data`), then sends a message to `chat_id` with the
/// upload attached and `caption` as its text.
pub async fn send_file(
    client: &Client,
    chat_id: &str,
    file: FilePart,
    caption: &str,
) -> Result<MessageSendResponse, BoxError> {
    let uploaded = client.assets().upload(file).await?;
    // The server reports a file it could not take in `error`, with a 200.
    let Some(upload_id) = uploaded.upload_id else {
        let why = uploaded.error.unwrap_or_else(|| "no upload ID".into());
        return Err(format!("upload refused: {why}").into());
    };
    // Models are #[non_exhaustive]: built with `new(required..)` and `with_<field>`.
    let mut attachment = OutgoingAttachment::new(upload_id);
    if let Some(name) = uploaded.file_name {
        attachment = attachment.with_file_name(name);
    }
    if let Some(mime) = uploaded.mime_type {
        attachment = attachment.with_mime_type(mime);
    }
    let sent = client
        .messages()
        .send(chat_id)
        .text(caption)
        .attachment(attachment)
        .await?;
    Ok(sent)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let (Some(chat_id), Some(path)) = (args.next(), args.next()) else {
        return Err("usage: send_attachment <chat-id> <file>".into());
    };
    let client = Client::from_env()?;
    // Named after the path, its MIME type guessed from the extension.
    let sent = send_file(&client, &chat_id, FilePart::path(&path), "sent from Rust").await?;
    println!(
        "sent to {} (pending ID {})",
        sent.chat_id, sent.pending_message_id
    );
    Ok(())
}
