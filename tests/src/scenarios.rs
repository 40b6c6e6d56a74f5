//! One scenario per operation of the SDK, keyed by the operation's name in the
//! resource tree (`chats.reminders.create`, as in the spec's `x-sdk-method`): a call
//! with realistic arguments that sets every query parameter and every property of a
//! JSON body the operation has (the local test checks that each one is sent).
//!
//! The conformance runner plays them against Prism, and `tests/every_operation.rs`
//! against a local server; both take the list of operations from the generator's IR
//! of the spec ([`crate::coverage`]), so a new operation without a scenario here fails
//! both, with its name.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use beeper_desktop_api::FilePart;
use beeper_desktop_api::models::{
    BridgesLoginSessionsStepsSubmitSource, BridgesLoginSessionsStepsSubmitType, ChatType,
    ChatsRemindersCreateReminder, ChatsSearchInbox, ChatsSearchScope, ChatsSearchType,
    ChatsStartUser, ChatsUpdateDraft, Direction, LoginRemoveScope, MessagesSearchMediaType,
    OutgoingAttachment, VerificationPurpose,
};
use chrono::{DateTime, Utc};

use crate::calls::{Clients, Outcome, call, count, none, paginated, public};

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
/// The value of every argument the spec marks secret (recovery keys, the sign-in
/// code, the registration token, QR data, login step values): one value, so that the
/// canary test (`tests/tests/canary.rs`) can use it as its canary and find it
/// wherever it shows. Letters and digits only, so that it reads the same
/// percent-encoded and in JSON.
pub const SECRET: &str = "cAnAry5ecret7Qx2";

/// Runs one scenario with the given clients.
pub type Run = for<'a> fn(&'a Clients) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// The call of one operation.
pub struct Scenario {
    /// The operation's dotted name in the SDK's resource tree.
    pub operation: &'static str,
    pub run: Run,
}

/// `scenario!("name", |c| call(..))`, or `|c, anon|` for the client without a token too.
macro_rules! scenario {
    ($operation:literal, |$c:ident| $body:expr) => {
        Scenario {
            operation: $operation,
            run: |clients| {
                Box::pin(async move {
                    let $c = &clients.client;
                    $body
                })
            },
        }
    };
    ($operation:literal, |$c:ident, $anon:ident| $body:expr) => {
        Scenario {
            operation: $operation,
            run: |clients| {
                Box::pin(async move {
                    let ($c, $anon) = (&clients.client, &clients.anonymous);
                    $body
                })
            },
        }
    };
}

/// Every scenario; the order does not matter, the IR's order is the one that runs.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        scenario!("accounts.list", |c| call(c.accounts().list())
            .await
            .map(|v| count(v.len(), "account"))),
        scenario!("accounts.retrieve", |c| call(
            c.accounts().retrieve(ACCOUNT)
        )
        .await
        .map(none)),
        scenario!("accounts.contacts.search", |c| call(
            c.accounts().contacts().search(ACCOUNT, "alice")
        )
        .await
        .map(|v| count(v.items.len(), "contact"))),
        scenario!("accounts.contacts.list", |c| paginated(
            c.accounts()
                .contacts()
                .list(ACCOUNT)
                .cursor("cursor-1")
                .direction(Direction::After)
                .limit(10)
                .query("ali"),
        )
        .await),
        scenario!("bridges.list", |c| call(c.bridges().list())
            .await
            .map(|v| count(v.items.len(), "bridge"))),
        scenario!("bridges.retrieve", |c| call(c.bridges().retrieve(BRIDGE))
            .await
            .map(none)),
        scenario!("bridges.retrieve_capabilities", |c| call(
            c.bridges().retrieve_capabilities(BRIDGE)
        )
        .await
        .map(none)),
        scenario!("bridges.login_flows.list", |c| call(
            c.bridges().login_flows().list(BRIDGE)
        )
        .await
        .map(|v| count(v.items.len(), "flow"))),
        scenario!("bridges.login_sessions.create", |c| call(
            c.bridges()
                .login_sessions()
                .create(BRIDGE)
                .flow_id("qr")
                .account_id(ACCOUNT)
                .login_id(LOGIN),
        )
        .await
        .map(none)),
        scenario!("bridges.login_sessions.retrieve", |c| call(
            c.bridges().login_sessions().retrieve(BRIDGE, LOGIN_SESSION)
        )
        .await
        .map(none)),
        scenario!("bridges.login_sessions.cancel", |c| call(
            c.bridges().login_sessions().cancel(BRIDGE, LOGIN_SESSION)
        )
        .await
        .map(none)),
        scenario!("bridges.login_sessions.steps.submit", |c| {
            call(
                c.bridges()
                    .login_sessions()
                    .steps()
                    .submit(
                        BRIDGE,
                        LOGIN_SESSION,
                        STEP,
                        BridgesLoginSessionsStepsSubmitType::UserInput,
                    )
                    .fields([("phone_number", SECRET)])
                    .last_url("https://example.com/login/done")
                    .source(BridgesLoginSessionsStepsSubmitSource::Api),
            )
            .await
            .map(none)
        }),
        scenario!("focus", |c| call(
            c.focus()
                .chat_id(CHAT)
                .message_id(MESSAGE)
                .draft_text("Draft from the conformance run")
                .draft_attachment_path("/tmp/photo.png"),
        )
        .await
        .map(none)),
        scenario!("search", |c| call(c.search("dinner")).await.map(none)),
        scenario!("bridges.logins.list", |c| call(
            c.bridges().logins().list(BRIDGE)
        )
        .await
        .map(|v| count(v.items.len(), "login"))),
        scenario!("bridges.logins.retrieve", |c| call(
            c.bridges().logins().retrieve(BRIDGE, LOGIN)
        )
        .await
        .map(none)),
        scenario!("bridges.logins.remove", |c| call(
            c.bridges()
                .logins()
                .remove(BRIDGE, LOGIN, LoginRemoveScope::CurrentDevice),
        )
        .await
        .map(none)),
        scenario!("chats.list", |c| paginated(
            c.chats()
                .list()
                .account_ids([ACCOUNT, ACCOUNT_2])
                .direction(Direction::Before)
                .limit(25),
        )
        .await),
        scenario!("chats.create", |c| call(
            c.chats()
                .create(ACCOUNT, [USER, "@bob:beeper.local"], ChatType::Group)
                .title("Conformance group")
                .message_text("Hello, group"),
        )
        .await
        .map(none)),
        scenario!("chats.search", |c| {
            let (after, before) = (after(), before());
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
            .await
        }),
        scenario!("chats.start", |c| {
            let user = ChatsStartUser::new()
                .with_phone_number("+15551234567")
                .with_full_name("Alice Example");
            call(
                c.chats()
                    .start(ACCOUNT, user)
                    .allow_invite(true)
                    .message_text("Hi Alice"),
            )
            .await
            .map(none)
        }),
        scenario!("chats.retrieve", |c| call(
            c.chats().retrieve(CHAT).max_participant_count(50)
        )
        .await
        .map(none)),
        scenario!("chats.update", |c| call(
            c.chats()
                .update(CHAT)
                .title("Renamed by the conformance run")
                .clear_description()
                .img_url("/tmp/avatar.png")
                .is_archived(false)
                .is_low_priority(false)
                .is_muted(true)
                .is_pinned(true)
                .message_expiry_seconds(86_400)
                .draft(ChatsUpdateDraft::new("Draft text")),
        )
        .await
        .map(|_| "title set, description cleared".to_string())),
        scenario!("chats.archive", |c| call(
            c.chats().archive(CHAT).archived(true)
        )
        .await
        .map(none)),
        scenario!("chats.mark_read", |c| call(
            c.chats().mark_read(CHAT).message_id(MESSAGE)
        )
        .await
        .map(none)),
        scenario!("chats.mark_unread", |c| call(
            c.chats().mark_unread(CHAT).message_id(MESSAGE)
        )
        .await
        .map(none)),
        // Sends `{}`, as the official SDKs do: the spec declares that empty, optional
        // body, and tests/every_operation.rs checks that a declared JSON body is sent.
        scenario!("chats.notify_anyway", |c| call(
            c.chats().notify_anyway(CHAT)
        )
        .await
        .map(none)),
        scenario!("chats.reminders.create", |c| {
            let reminder = reminder();
            call(c.chats().reminders().create(CHAT, reminder))
                .await
                .map(none)
        }),
        scenario!("chats.reminders.delete", |c| call(
            c.chats().reminders().delete(CHAT)
        )
        .await
        .map(none)),
        scenario!("chats.messages.reactions.add", |c| call(
            c.chats()
                .messages()
                .reactions()
                .add(CHAT, MESSAGE, "👍")
                .transaction_id("txn-1"),
        )
        .await
        .map(none)),
        scenario!("chats.messages.reactions.delete", |c| call(
            c.chats().messages().reactions().delete(CHAT, MESSAGE, "👍")
        )
        .await
        .map(none)),
        scenario!("messages.list", |c| paginated(
            c.messages()
                .list(CHAT)
                .direction(Direction::Before)
                .cursor("cursor-1"),
        )
        .await),
        scenario!("messages.send", |c| {
            let attachment = OutgoingAttachment::new("upload-1")
                .with_file_name("photo.png")
                .with_mime_type("image/png");
            call(
                c.messages()
                    .send(CHAT)
                    .text("Hello from the conformance run")
                    .reply_to_message_id(MESSAGE)
                    .attachment(attachment),
            )
            .await
            .map(none)
        }),
        scenario!("messages.retrieve", |c| call(
            c.messages().retrieve(CHAT, MESSAGE)
        )
        .await
        .map(none)),
        scenario!("messages.update", |c| call(c.messages().update(
            CHAT,
            MESSAGE,
            "Edited text"
        ))
        .await
        .map(none)),
        scenario!("messages.delete", |c| call(
            c.messages().delete(CHAT, MESSAGE).for_everyone(true)
        )
        .await
        .map(none)),
        scenario!("messages.search", |c| {
            let (after, before) = (after(), before());
            paginated(
                c.messages()
                    .search()
                    .query("dinner")
                    .account_ids([ACCOUNT, ACCOUNT_2])
                    .chat_ids([CHAT, CHAT_2])
                    .chat_type(ChatType::Single)
                    .media_types(vec![
                        MessagesSearchMediaType::Image,
                        MessagesSearchMediaType::Link,
                    ])
                    .include_muted(true)
                    .exclude_low_priority(false)
                    .date_after(after)
                    .date_before(before)
                    .sender("me")
                    .direction(Direction::Before)
                    .limit(20),
            )
            .await
        }),
        scenario!("labels.list", |c| call(c.labels().list())
            .await
            .map(|v| count(v.len(), "label"))),
        scenario!("assets.download", |c| call(c.assets().download(MXC))
            .await
            .map(none)),
        scenario!("assets.serve", |c| call(c.assets().serve(MXC))
            .await
            .map(|b| count(b.len(), "byte"))),
        scenario!("assets.upload", |c| {
            let file = FilePart::bytes(b"conformance upload\n".to_vec())
                .file_name("hello.txt")
                .mime_type("text/plain");
            call(
                c.assets()
                    .upload(file)
                    .file_name("hello.txt")
                    .mime_type("text/plain"),
            )
            .await
            .map(none)
        }),
        scenario!("assets.upload_base64", |c| call(
            c.assets()
                .upload_base64("aGVsbG8K")
                .file_name("hello.txt")
                .mime_type("text/plain"),
        )
        .await
        .map(none)),
        scenario!("info.retrieve", |c, anon| public(
            c.info().retrieve(),
            anon.info().retrieve()
        )
        .await),
        scenario!("app.setup.retrieve", |c, anon| public(
            c.app().setup().retrieve(),
            anon.app().setup().retrieve()
        )
        .await),
        scenario!("app.setup.start", |c, anon| public(
            c.app().setup().start(),
            anon.app().setup().start()
        )
        .await),
        scenario!("app.setup.email", |c, anon| public(
            c.app().setup().email("alice@example.com", SETUP_REQUEST),
            anon.app().setup().email("alice@example.com", SETUP_REQUEST),
        )
        .await),
        scenario!("app.setup.response", |c, anon| public(
            c.app().setup().response(SECRET, SETUP_REQUEST),
            anon.app().setup().response(SECRET, SETUP_REQUEST),
        )
        .await),
        scenario!("app.setup.register", |c, anon| public(
            c.app().setup().register(SECRET, SETUP_REQUEST, "alice"),
            anon.app().setup().register(SECRET, SETUP_REQUEST, "alice"),
        )
        .await),
        scenario!("app.setup.verifications.list", |c| call(
            c.app().setup().verifications().list()
        )
        .await
        .map(|r| count(r.items.len(), "verification"))),
        scenario!("app.setup.verifications.create", |c| call(
            c.app()
                .setup()
                .verifications()
                .create()
                .purpose(VerificationPurpose::Login)
                .user_id(USER)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.retrieve", |c| call(
            c.app().setup().verifications().retrieve(VERIFICATION)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.accept", |c| call(
            c.app().setup().verifications().accept(VERIFICATION)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.cancel", |c| call(
            c.app()
                .setup()
                .verifications()
                .cancel(VERIFICATION)
                .code("m.user")
                .reason("Cancelled by the conformance run"),
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.qr.confirm_scanned", |c| call(
            c.app()
                .setup()
                .verifications()
                .qr()
                .confirm_scanned(VERIFICATION)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.qr.scan", |c| call(
            c.app().setup().verifications().qr().scan(SECRET)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.sas.start", |c| call(
            c.app().setup().verifications().sas().start(VERIFICATION)
        )
        .await
        .map(none)),
        scenario!("app.setup.verifications.sas.confirm", |c| call(
            c.app().setup().verifications().sas().confirm(VERIFICATION)
        )
        .await
        .map(none)),
        scenario!("app.setup.recovery_key.verify", |c| call(
            c.app().setup().recovery_key().verify(SECRET)
        )
        .await
        .map(none)),
        scenario!("app.setup.recovery_key.reset.create", |c| call(
            c.app()
                .setup()
                .recovery_key()
                .reset()
                .create()
                .existing_recovery_key(SECRET)
        )
        .await
        .map(none)),
        scenario!("app.setup.recovery_key.reset.confirm", |c| call(
            c.app().setup().recovery_key().reset().confirm(SECRET)
        )
        .await
        .map(none)),
    ]
}

fn reminder() -> ChatsRemindersCreateReminder {
    let mut reminder = ChatsRemindersCreateReminder::new(after());
    reminder.dismiss_on_incoming_message = Some(true);
    reminder
}

fn after() -> DateTime<Utc> {
    DateTime::from_timestamp(1_893_553_445, 0).expect("a valid time") // 2030-01-02T03:04:05Z
}

fn before() -> DateTime<Utc> {
    after() + Duration::from_secs(86_400)
}
