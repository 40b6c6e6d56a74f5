//! `Error::is_retryable` agrees with the retry rule: for each failure, a client with one
//! retry sends the request a second time exactly when the error it returns says the
//! failure is retryable, against a server on 127.0.0.1 that fails on purpose.

use std::time::Duration;

use beeper_desktop_api::{Client, Error, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply, refusing_url};
use serde_json::json;

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .access_token(TOKEN)
        .max_retries(1)
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(10))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

/// The operations the cases send: a GET, a POST, and a DELETE the spec marks
/// `x-sdk-idempotent`.
#[derive(Debug, Clone, Copy)]
enum Call {
    Get,
    Post,
    IdempotentDelete,
}

async fn fail(client: &Client, call: Call) -> Error {
    let result = match call {
        Call::Get => client.accounts().list().await.map(drop),
        Call::Post => client
            .messages()
            .send("!chat:beeper.local")
            .text("hi")
            .await
            .map(drop),
        Call::IdempotentDelete => client
            .bridges()
            .login_sessions()
            .cancel("local-whatsapp", "session-1")
            .await
            .map(drop),
    };
    result.expect_err("the server fails on purpose")
}

/// Sends `call` to a server that answers every request with `reply`: the error's
/// `is_retryable()` is `retryable`, and the client sent the request twice exactly when
/// its rule retried.
async fn case(call: Call, reply: Reply, retryable: bool, retried: bool) {
    let what = format!("{call:?} answered {reply:?}");
    let server = FaultServer::start(vec![reply]).await;
    let error = fail(&client(&server.url), call).await;
    let sent = if retried { 2 } else { 1 };
    assert_eq!(server.attempts(), sent, "{what}: requests sent");
    assert_eq!(error.attempts(), sent as u32, "{what}: {error}");
    assert_eq!(error.is_retryable(), retryable, "{what}: {error}");
}

fn status(code: u16) -> Reply {
    Reply::json(code, &json!({"code": "X", "message": "failed on purpose"}))
}

#[tokio::test]
async fn statuses_are_retryable_as_the_client_retries_them() {
    for code in [408, 409, 429, 500, 502, 503] {
        case(Call::Get, status(code), true, true).await;
    }
    for code in [400, 401, 403, 404, 422] {
        case(Call::Get, status(code), false, false).await;
    }
    // A request that changes state: only where the server cannot have acted.
    for code in [408, 429, 503] {
        case(Call::Post, status(code), true, true).await;
    }
    for code in [409, 500, 502, 400, 404] {
        case(Call::Post, status(code), false, false).await;
    }
}

#[tokio::test]
async fn the_servers_x_should_retry_decides() {
    let yes = status(400).with_header("x-should-retry", "true");
    case(Call::Post, yes, true, true).await;
    let no = status(503).with_header("x-should-retry", "false");
    case(Call::Get, no, false, false).await;
}

#[tokio::test]
async fn a_timeout_or_a_broken_connection_is_retryable_for_a_get_only() {
    case(Call::Get, Reply::Hang, true, true).await;
    case(Call::Post, Reply::Hang, false, false).await;
    case(Call::Get, Reply::Close, true, true).await;
    case(Call::Post, Reply::Close, false, false).await;
}

#[tokio::test]
async fn a_refused_connection_is_retryable_whatever_the_method() {
    let url = refusing_url().await;
    for call in [Call::Get, Call::Post] {
        let error = fail(&client(&url), call).await;
        assert_eq!(error.kind(), ErrorKind::Connection, "{call:?}: {error}");
        assert_eq!(error.attempts(), 2, "{call:?}: {error}");
        assert!(error.is_retryable(), "{call:?}: {error}");
    }
}

/// The one case where the answer is narrower than the rule, as documented: the client
/// retries an `x-sdk-idempotent` DELETE like a GET, but its error does not record the
/// mark, so `is_retryable()` answers as for any DELETE that may have acted.
#[tokio::test]
async fn an_idempotent_state_change_is_not_called_retryable_after_it_may_have_acted() {
    case(Call::IdempotentDelete, status(500), false, true).await;
    case(Call::IdempotentDelete, Reply::Hang, false, true).await;
    case(Call::IdempotentDelete, status(503), true, true).await;
}

#[tokio::test]
async fn other_kinds_are_not_retryable() {
    // A success of the wrong shape: the same request decodes the same way.
    let server = FaultServer::start(vec![Reply::json(200, &json!({"not": "a list"}))]).await;
    let error = fail(&client(&server.url), Call::Get).await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(!error.is_retryable());
    assert_eq!(server.attempts(), 1);

    // Refused before sending: no token.
    let anonymous = Client::builder()
        .base_url(&server.url)
        .max_retries(1)
        .build()
        .unwrap();
    let error = fail(&anonymous, Call::Get).await;
    assert_eq!(error.kind(), ErrorKind::MissingCredentials);
    assert!(!error.is_retryable());
    assert_eq!(server.attempts(), 1, "nothing more was sent");
}
