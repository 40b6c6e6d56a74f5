//! Conformance runner: every operation of the SDK, once, against a Prism mock server
//! that serves `spec/beeper-desktop-api.yaml`.
//!
//! `cargo xtask conformance` installs and starts Prism, then runs
//! `cargo run -p sdk-tests --bin conformance -- <base-url>`. The runner can also be
//! pointed by hand at a Prism that is already listening.
//!
//! Prism validates each request against the spec (a violation answers 422, a missing
//! or wrong bearer token 401) and answers with the spec's example, which the SDK must
//! decode. One line per operation (`ok   <name>` or `FAIL <name>: <error>`), then
//! `N passed, N failed`; the exit status is 1 when anything failed.
//!
//! Date-time arguments: this crate does not depend on `chrono`, so the runner gets its
//! `chrono::DateTime<Utc>` values by deserializing an SDK model that holds one
//! (`ChatsRemindersCreateBodyReminder`) and reusing its field.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use beeper_desktop_api::models::{
    BridgesLoginSessionsStepsSubmitBodySource, BridgesLoginSessionsStepsSubmitBodyType, ChatType,
    ChatsRemindersCreateBodyReminder, ChatsSearchInbox, ChatsSearchScope, ChatsSearchType,
    ChatsStartBodyUser, ChatsUpdateBodyDraft, Direction, LoginRemoveScope,
    MessagesSearchMediaTypesItem, OutgoingAttachment, VerificationPurpose,
};
use beeper_desktop_api::runtime::{Operation, Paginated, Request, Secret};
use beeper_desktop_api::{Client, Error, FilePart};
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};

const TOKEN: &str = "conformance-token";
const ACCOUNT: &str = "local-whatsapp_ba_EvYDBBsZbRQAy3UOSWqG0LuTVkc";
const ACCOUNT_2: &str = "local-telegram_ba_QFrb5lrLPhO3OT5MFBeTWv0x4BI";
const CHAT: &str = "!chat1:beeper.local";
const CHAT_2: &str = "!chat2:beeper.local";
const MESSAGE: &str = "$message1:beeper.local";
const USER: &str = "@alice:beeper.local";
const BRIDGE: &str = "local-whatsapp";
const LOGIN: &str = "login-1";
const LOGIN_SESSION: &str = "login-session-1";
const STEP: &str = "step-1";
const SETUP_REQUEST: &str = "setupRequest-1";
const VERIFICATION: &str = "verification-1";
const MXC: &str = "mxc://beeper.local/AbCdEf123";
const RECOVERY_KEY: &str = "EsTc 1234 5678 9abc defg hijk lmno pqrs tuvw xyz1 2345 6789";

/// Bound on one call, retries included (the client makes none here).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Pages walked by the bounded walks of paginated operations.
const WALK_PAGES: usize = 3;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url] = args.as_slice() else {
        eprintln!("usage: conformance <base-url>    (for example http://127.0.0.1:4010)");
        std::process::exit(2);
    };
    let client = Client::builder()
        .base_url(base_url.as_str())
        .access_token(TOKEN)
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_else(|e| {
            eprintln!("conformance: cannot build the client: {e}");
            std::process::exit(2);
        });
    // No credentials at all: proves that the public operations send no Authorization.
    let anonymous = Client::builder()
        .base_url(base_url.as_str())
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_else(|e| {
            eprintln!("conformance: cannot build the client without a token: {e}");
            std::process::exit(2);
        });

    let mut t = Tally::default();
    run_all(&client, &anonymous, &mut t).await;
    println!("{} passed, {} failed", t.passed, t.failed);
    if t.failed > 0 {
        std::process::exit(1);
    }
}

/// Every operation, in the order of the spec's paths.
async fn run_all(c: &Client, anon: &Client, t: &mut Tally) {
    // A `chrono::DateTime<Utc>` without depending on chrono: through an SDK model.
    let reminder: ChatsRemindersCreateBodyReminder = serde_json::from_value(json!({
        "remindAt": "2030-01-02T03:04:05Z",
        "dismissOnIncomingMessage": true,
    }))
    .expect("the reminder model deserializes");
    let after = reminder.remind_at;
    let before = after + Duration::from_secs(86_400);

    // --- accounts
    t.record(
        "accounts.list",
        call(c.accounts().list())
            .await
            .map(|v| count(v.len(), "account")),
    );
    t.record(
        "accounts.retrieve",
        call(c.accounts().retrieve(ACCOUNT)).await.map(none),
    );
    t.record(
        "accounts.contacts.search",
        call(c.accounts().contacts().search(ACCOUNT, "alice"))
            .await
            .map(|v| count(v.items.len(), "contact")),
    );
    t.record(
        "accounts.contacts.list",
        paginated(
            c.accounts()
                .contacts()
                .list(ACCOUNT)
                .cursor("cursor-1")
                .direction(Direction::After)
                .limit(10)
                .query("ali"),
        )
        .await,
    );

    // --- bridges
    t.record(
        "bridges.list",
        call(c.bridges().list())
            .await
            .map(|v| count(v.items.len(), "bridge")),
    );
    t.record(
        "bridges.retrieve",
        call(c.bridges().retrieve(BRIDGE)).await.map(none),
    );
    t.record(
        "bridges.retrieve_capabilities",
        call(c.bridges().retrieve_capabilities(BRIDGE))
            .await
            .map(none),
    );
    t.record(
        "bridges.login_flows.list",
        call(c.bridges().login_flows().list(BRIDGE))
            .await
            .map(|v| count(v.items.len(), "flow")),
    );
    t.record(
        "bridges.login_sessions.create",
        call(
            c.bridges()
                .login_sessions()
                .create(BRIDGE)
                .flow_id("qr")
                .account_id(ACCOUNT),
        )
        .await
        .map(none),
    );
    t.record(
        "bridges.login_sessions.retrieve",
        call(c.bridges().login_sessions().retrieve(BRIDGE, LOGIN_SESSION))
            .await
            .map(none),
    );
    t.record(
        "bridges.login_sessions.cancel",
        call(c.bridges().login_sessions().cancel(BRIDGE, LOGIN_SESSION))
            .await
            .map(none),
    );
    let fields: BTreeMap<String, Secret<String>> =
        [("phone_number".to_string(), "+15551234567".into())].into();
    t.record(
        "bridges.login_sessions.steps.submit",
        call(
            c.bridges()
                .login_sessions()
                .steps()
                .submit(
                    BRIDGE,
                    LOGIN_SESSION,
                    STEP,
                    BridgesLoginSessionsStepsSubmitBodyType::UserInput,
                )
                .fields(fields)
                .source(BridgesLoginSessionsStepsSubmitBodySource::Api),
        )
        .await
        .map(none),
    );

    // --- client-level operations
    t.record(
        "focus",
        call(
            c.focus()
                .chat_id(CHAT)
                .message_id(MESSAGE)
                .draft_text("Draft from the conformance run"),
        )
        .await
        .map(none),
    );
    t.record("search", call(c.search("dinner")).await.map(none));

    // --- bridge logins
    t.record(
        "bridges.logins.list",
        call(c.bridges().logins().list(BRIDGE))
            .await
            .map(|v| count(v.items.len(), "login")),
    );
    t.record(
        "bridges.logins.retrieve",
        call(c.bridges().logins().retrieve(BRIDGE, LOGIN))
            .await
            .map(none),
    );
    t.record(
        "bridges.logins.remove",
        call(
            c.bridges()
                .logins()
                .remove(BRIDGE, LOGIN, LoginRemoveScope::CurrentDevice),
        )
        .await
        .map(none),
    );

    // --- chats
    t.record(
        "chats.list",
        paginated(
            c.chats()
                .list()
                .account_ids([ACCOUNT, ACCOUNT_2])
                .direction(Direction::Before)
                .limit(25),
        )
        .await,
    );
    t.record(
        "chats.create",
        call(
            c.chats()
                .create(ACCOUNT, [USER, "@bob:beeper.local"], ChatType::Group)
                .title("Conformance group")
                .message_text("Hello, group"),
        )
        .await
        .map(none),
    );
    t.record(
        "chats.search",
        paginated(
            c.chats()
                .search()
                .query("dinner")
                .account_ids([ACCOUNT, ACCOUNT_2])
                .inbox(ChatsSearchInbox::Primary)
                .scope(ChatsSearchScope::Titles)
                .r#type(ChatsSearchType::Single)
                .include_muted(true)
                .unread_only(false)
                .label_id("label-1")
                .last_activity_after(after)
                .last_activity_before(before)
                .direction(Direction::Before)
                .limit(20),
        )
        .await,
    );
    let user = ChatsStartBodyUser {
        phone_number: Some("+15551234567".into()),
        full_name: Some("Alice Example".into()),
        ..Default::default()
    };
    t.record(
        "chats.start",
        call(
            c.chats()
                .start(ACCOUNT, user)
                .allow_invite(true)
                .message_text("Hi Alice"),
        )
        .await
        .map(none),
    );
    t.record(
        "chats.retrieve",
        call(c.chats().retrieve(CHAT).max_participant_count(50))
            .await
            .map(none),
    );
    t.record(
        "chats.update",
        call(
            c.chats()
                .update(CHAT)
                .title("Renamed by the conformance run")
                .clear_description()
                .is_pinned(true)
                .draft(ChatsUpdateBodyDraft::new("Draft text")),
        )
        .await
        .map(|_| "title set, description cleared".to_string()),
    );
    t.record(
        "chats.archive",
        call(c.chats().archive(CHAT).archived(true)).await.map(none),
    );
    t.record(
        "chats.mark_read",
        call(c.chats().mark_read(CHAT).message_id(MESSAGE))
            .await
            .map(none),
    );
    t.record(
        "chats.mark_unread",
        call(c.chats().mark_unread(CHAT)).await.map(none),
    );
    t.record(
        "chats.notify_anyway",
        call(c.chats().notify_anyway(CHAT)).await.map(none),
    );
    t.record(
        "chats.reminders.create",
        call(c.chats().reminders().create(CHAT, reminder))
            .await
            .map(none),
    );
    t.record(
        "chats.reminders.delete",
        call(c.chats().reminders().delete(CHAT)).await.map(none),
    );
    t.record(
        "chats.messages.reactions.add",
        call(
            c.chats()
                .messages()
                .reactions()
                .add(CHAT, MESSAGE, "👍")
                .transaction_id("txn-1"),
        )
        .await
        .map(none),
    );
    t.record(
        "chats.messages.reactions.delete",
        call(c.chats().messages().reactions().delete(CHAT, MESSAGE, "👍"))
            .await
            .map(none),
    );

    // --- messages
    t.record(
        "messages.list",
        paginated(
            c.messages()
                .list(CHAT)
                .direction(Direction::Before)
                .cursor("cursor-1"),
        )
        .await,
    );
    let attachment = OutgoingAttachment {
        file_name: Some("photo.png".into()),
        mime_type: Some("image/png".into()),
        ..OutgoingAttachment::new("upload-1")
    };
    t.record(
        "messages.send",
        call(
            c.messages()
                .send(CHAT)
                .text("Hello from the conformance run")
                .reply_to_message_id(MESSAGE)
                .attachment(attachment),
        )
        .await
        .map(none),
    );
    t.record(
        "messages.retrieve",
        call(c.messages().retrieve(CHAT, MESSAGE)).await.map(none),
    );
    t.record(
        "messages.update",
        call(c.messages().update(CHAT, MESSAGE, "Edited text"))
            .await
            .map(none),
    );
    t.record(
        "messages.delete",
        call(c.messages().delete(CHAT, MESSAGE).for_everyone(true))
            .await
            .map(none),
    );
    t.record(
        "messages.search",
        paginated(
            c.messages()
                .search()
                .query("dinner")
                .account_ids([ACCOUNT, ACCOUNT_2])
                .chat_ids([CHAT, CHAT_2])
                .chat_type(ChatType::Single)
                .media_types(vec![
                    MessagesSearchMediaTypesItem::Image,
                    MessagesSearchMediaTypesItem::Link,
                ])
                .include_muted(true)
                .exclude_low_priority(false)
                .date_after(after)
                .date_before(before)
                .sender("me")
                .direction(Direction::Before)
                .limit(20),
        )
        .await,
    );

    // --- labels
    t.record(
        "labels.list",
        call(c.labels().list())
            .await
            .map(|v| count(v.len(), "label")),
    );

    // --- assets
    t.record(
        "assets.download",
        call(c.assets().download(MXC)).await.map(none),
    );
    t.record(
        "assets.serve",
        call(c.assets().serve(MXC))
            .await
            .map(|b| count(b.len(), "byte")),
    );
    let file = FilePart::bytes(b"conformance upload\n".to_vec())
        .file_name("hello.txt")
        .mime_type("text/plain");
    t.record(
        "assets.upload",
        call(
            c.assets()
                .upload(file)
                .file_name("hello.txt")
                .mime_type("text/plain"),
        )
        .await
        .map(none),
    );
    t.record(
        "assets.upload_base64",
        call(
            c.assets()
                .upload_base64("aGVsbG8K")
                .file_name("hello.txt")
                .mime_type("text/plain"),
        )
        .await
        .map(none),
    );

    // --- info and app setup; the public ones also run without a token
    t.record(
        "info.retrieve",
        public(c.info().retrieve(), anon.info().retrieve()).await,
    );
    t.record(
        "app.setup.retrieve",
        public(c.app().setup().retrieve(), anon.app().setup().retrieve()).await,
    );
    t.record(
        "app.setup.start",
        public(c.app().setup().start(), anon.app().setup().start()).await,
    );
    t.record(
        "app.setup.email",
        public(
            c.app().setup().email("alice@example.com", SETUP_REQUEST),
            anon.app().setup().email("alice@example.com", SETUP_REQUEST),
        )
        .await,
    );
    t.record(
        "app.setup.response",
        public(
            c.app().setup().response("123456", SETUP_REQUEST),
            anon.app().setup().response("123456", SETUP_REQUEST),
        )
        .await,
    );
    t.record(
        "app.setup.register",
        public(
            c.app()
                .setup()
                .register("lead-token", SETUP_REQUEST, "alice"),
            anon.app()
                .setup()
                .register("lead-token", SETUP_REQUEST, "alice"),
        )
        .await,
    );
    let v = c.app().setup().verifications();
    t.record(
        "app.setup.verifications.list",
        call(v.list())
            .await
            .map(|r| count(r.items.len(), "verification")),
    );
    t.record(
        "app.setup.verifications.create",
        call(v.create().purpose(VerificationPurpose::Login).user_id(USER))
            .await
            .map(none),
    );
    t.record(
        "app.setup.verifications.retrieve",
        call(v.retrieve(VERIFICATION)).await.map(none),
    );
    t.record(
        "app.setup.verifications.accept",
        call(v.accept(VERIFICATION)).await.map(none),
    );
    t.record(
        "app.setup.verifications.cancel",
        call(
            v.cancel(VERIFICATION)
                .code("m.user")
                .reason("Cancelled by the conformance run"),
        )
        .await
        .map(none),
    );
    t.record(
        "app.setup.verifications.qr.confirm_scanned",
        call(v.qr().confirm_scanned(VERIFICATION)).await.map(none),
    );
    t.record(
        "app.setup.verifications.qr.scan",
        call(v.qr().scan("MATRIX\u{2}qr-data")).await.map(none),
    );
    t.record(
        "app.setup.verifications.sas.start",
        call(v.sas().start(VERIFICATION)).await.map(none),
    );
    t.record(
        "app.setup.verifications.sas.confirm",
        call(v.sas().confirm(VERIFICATION)).await.map(none),
    );
    let rk = c.app().setup().recovery_key();
    t.record(
        "app.setup.recovery_key.verify",
        call(rk.verify(RECOVERY_KEY)).await.map(none),
    );
    t.record(
        "app.setup.recovery_key.reset.create",
        call(rk.reset().create().existing_recovery_key(RECOVERY_KEY))
            .await
            .map(none),
    );
    t.record(
        "app.setup.recovery_key.reset.confirm",
        call(rk.reset().confirm(RECOVERY_KEY)).await.map(none),
    );
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    fn record(&mut self, name: &str, result: Result<String, String>) {
        match result {
            Ok(note) => {
                self.passed += 1;
                if note.is_empty() {
                    println!("ok   {name}");
                } else {
                    println!("ok   {name} ({note})");
                }
            }
            Err(error) => {
                self.failed += 1;
                println!("FAIL {name}: {error}");
            }
        }
    }
}

fn none<T>(_: T) -> String {
    String::new()
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Sends one request, bounded in time; an error becomes its description. A success
/// that carries Prism's `sl-violations` header (a request or response that does not
/// match the spec, at any severity) is a failure too.
async fn call<P: Operation>(request: Request<P>) -> Result<P::Output, String> {
    let response = bounded(request.send_with_response())
        .await?
        .map_err(|e| describe(&e))?;
    if let Some(violations) = violations(&response.headers) {
        return Err(format!(
            "{} with Prism violations: {violations}",
            response.status
        ));
    }
    Ok(response.data)
}

async fn bounded<T>(future: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(CALL_TIMEOUT, future)
        .await
        .map_err(|_| format!("no answer within {} s", CALL_TIMEOUT.as_secs()))
}

/// A public operation: with the token, then with the client that has none.
async fn public<P: Operation>(
    with_token: Request<P>,
    without_token: Request<P>,
) -> Result<String, String> {
    call(with_token).await?;
    call(without_token)
        .await
        .map_err(|e| format!("without a token: {e}"))?;
    Ok("also without a token".into())
}

/// A paginated operation: its first page, then a walk of the SDK's item stream that
/// stops by itself after about `WALK_PAGES` pages (Prism answers the same example page,
/// with `hasMore: true`, forever).
async fn paginated<P: Paginated>(request: Request<P>) -> Result<String, String> {
    let page = call(request.clone()).await?;
    let per_page = P::into_items(page).len();
    if per_page == 0 {
        // An empty example page: the item stream would fetch pages without yielding
        // items, so walk the pages themselves.
        let pages = walk(request.pages(), WALK_PAGES)
            .await
            .map_err(|e| format!("walk: {e}"))?;
        if pages != WALK_PAGES {
            return Err(format!("walk: {pages} pages, expected {WALK_PAGES}"));
        }
        return Ok(format!("empty page; walked {pages} pages"));
    }
    let wanted = per_page * WALK_PAGES;
    let items = walk(request.stream(), wanted)
        .await
        .map_err(|e| format!("stream walk: {e}"))?;
    if items != wanted {
        return Err(format!("stream walk: {items} items, expected {wanted}"));
    }
    Ok(format!(
        "{} per page; stream walk stopped after {items} items",
        per_page
    ))
}

/// The first `n` entries of a stream of results: how many were `Ok`, or the first error.
async fn walk<T>(stream: impl Stream<Item = Result<T, Error>>, n: usize) -> Result<usize, String> {
    let results: Vec<Result<T, Error>> = bounded(stream.take(n).collect()).await?;
    let mut ok = 0;
    for r in results {
        r.map_err(|e| describe(&e))?;
        ok += 1;
    }
    Ok(ok)
}

/// Prism's `sl-violations` header, as `[location] message; ...`.
fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let raw = headers.get("sl-violations")?.to_str().ok()?;
    let text = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(items)) => validation_messages(&items),
        _ => raw.to_string(),
    };
    Some(text)
}

fn validation_messages(items: &[Value]) -> String {
    items
        .iter()
        .map(|v| {
            let location = v
                .get("location")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .map(|p| {
                            p.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| p.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            let severity = v.get("severity").and_then(Value::as_str).unwrap_or("?");
            let message = v.get("message").and_then(Value::as_str).unwrap_or("?");
            format!("[{severity} {location}] {message}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// An error, with Prism's validation messages when it answered 422.
///
/// This spec documents a `default` error response with an example, so Prism answers a
/// 422 (or 401) with that example rather than with its own problem+json; the
/// validation messages then only travel in the `sl-violations` header.
fn describe(error: &Error) -> String {
    let mut text = error.to_string();
    if let Some(status) = error.as_status() {
        if let Some(violations) = violations(&status.headers) {
            text.push_str(&format!(" | Prism violations: {violations}"));
            return text;
        }
        let validation = status
            .body
            .as_ref()
            .and_then(|b| b.json.get("validation"))
            .and_then(Value::as_array);
        match validation {
            Some(items) if !items.is_empty() => {
                text.push_str(&format!(" | validation: {}", validation_messages(items)));
            }
            _ if status.status.as_u16() >= 400 && !status.raw_body.is_empty() => {
                text.push_str(&format!(" | body: {}", status.raw_body));
            }
            _ => {}
        }
    }
    text
}
