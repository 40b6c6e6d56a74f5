//! The operations of the API's own documentation against a real HTTP server on 127.0.0.1: what
//! goes on the wire (method, raw path, query, JSON body, token), and the docs'
//! example responses decoded with their fields checked.

use beeper_desktop_api::models::{
    AccountStatus, BridgeLoginStatus, BridgeProvider, BridgeStatus,
    BridgesLoginSessionsStepsSubmitSource, BridgesLoginSessionsStepsSubmitType, CurrentStep,
    Direction, DisappearingTimerCapabilityType, LoginRemoveScope, LoginSessionCancelResponseStatus,
    LoginSessionStatus,
};
use sdk_tests::{RequestExt, TestServer, assert_request, example};
use serde_json::json;

#[tokio::test]
async fn accounts_list() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/accounts")).await;

    let accounts = t.client.accounts().list().await.unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/accounts", None);
    assert!(req.body.is_empty());
    assert_eq!(accounts.len(), 3);
    let matrix = &accounts[0];
    assert_eq!(matrix.account_id, "matrix");
    assert_eq!(matrix.bridge.id, "matrix");
    assert_eq!(matrix.bridge.provider, BridgeProvider::Cloud);
    assert_eq!(matrix.bridge.r#type, "matrix");
    assert_eq!(matrix.status, AccountStatus::Connected);
    assert_eq!(matrix.user.id, "@batuhan:beeper.com");
    assert_eq!(matrix.user.cannot_message, Some(true));
    assert_eq!(matrix.user.email.as_deref(), Some("batuhan@example.com"));
    assert_eq!(matrix.user.full_name.as_deref(), Some("Batuhan İçöz"));
    assert_eq!(matrix.user.img_url.as_deref(), Some("imgURL"));
    assert_eq!(matrix.user.is_self, Some(true));
    assert_eq!(matrix.user.username.as_deref(), Some("batuhan:beeper.com"));
    assert_eq!(matrix.capabilities.as_ref().unwrap()["foo"], json!("bar"));
    assert_eq!(matrix.login_id.as_deref(), Some("matrix"));
    assert_eq!(matrix.network.as_deref(), Some("Beeper"));
    assert_eq!(matrix.status_text.as_deref(), Some("statusText"));
    let whatsapp = &accounts[2];
    assert_eq!(
        whatsapp.account_id,
        "local-whatsapp_ba_EvYDBBsZbRQAy3UOSWqG0LuTVkc"
    );
    assert_eq!(whatsapp.bridge.provider, BridgeProvider::Local);
    assert_eq!(whatsapp.user.phone_number.as_deref(), Some("+15550101001"));
    assert!(whatsapp.extra.is_empty());
}

#[tokio::test]
async fn accounts_retrieve_encodes_the_id_as_one_segment() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/accounts/{accountID}"))
        .await;

    let account = t
        .client
        .accounts()
        .retrieve("slackgo.TEAM/USER 1")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/accounts/slackgo.TEAM%2FUSER%201", None);
    assert_eq!(account.account_id, "accountID");
    assert_eq!(account.bridge.provider, BridgeProvider::Cloud);
    assert_eq!(account.status, AccountStatus::Connected);
    assert_eq!(account.user.id, "id");
    assert_eq!(account.user.phone_number.as_deref(), Some("phoneNumber"));
    assert_eq!(account.login_id.as_deref(), Some("loginID"));
}

#[tokio::test]
async fn accounts_contacts_search() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/accounts/{accountID}/contacts"))
        .await;

    let results = t
        .client
        .accounts()
        .contacts()
        .search("@batuhan:beeper.com", "alice & bob")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "GET",
        "/v1/accounts/@batuhan:beeper.com/contacts",
        Some("query=alice%20%26%20bob"),
    );
    assert_eq!(results.items.len(), 1);
    let alice = &results.items[0];
    assert_eq!(alice.id, "@alice:beeper.com");
    assert_eq!(alice.cannot_message, Some(false));
    assert_eq!(alice.full_name.as_deref(), Some("Alice Example"));
    assert_eq!(alice.phone_number.as_deref(), Some("+14155552671"));
    assert_eq!(alice.username.as_deref(), Some("@alice"));
}

#[tokio::test]
async fn accounts_contacts_list_one_page() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example("GET", "/v1/accounts/{accountID}/contacts/list"),
    )
    .await;

    let page = t
        .client
        .accounts()
        .contacts()
        .list("matrix")
        .cursor("c0")
        .direction(Direction::Before)
        .limit(25)
        .query("ali")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "GET",
        "/v1/accounts/matrix/contacts/list",
        Some("cursor=c0&direction=before&limit=25&query=ali"),
    );
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, "@alice:beeper.com");
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.oldest_cursor.as_deref(), Some("cursor-older-1"));
    assert_eq!(page.newest_cursor.as_deref(), Some("cursor-newer-1"));
}

#[tokio::test]
async fn bridges_list() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/bridges")).await;

    let bridges = t.client.bridges().list().await.unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/bridges", None);
    assert_eq!(bridges.items.len(), 1);
    let bridge = &bridges.items[0];
    assert_eq!(bridge.id, "id");
    assert_eq!(bridge.accounts.len(), 1);
    assert_eq!(bridge.accounts[0].account_id, "accountID");
    assert_eq!(bridge.active_account_count, 0);
    assert_eq!(bridge.display_name, "displayName");
    assert_eq!(bridge.provider, BridgeProvider::Cloud);
    assert_eq!(bridge.status, BridgeStatus::Available);
    assert!(bridge.supports_multiple_accounts);
    assert_eq!(bridge.r#type, "type");
    assert_eq!(bridge.network.as_deref(), Some("network"));
    assert_eq!(bridge.status_text.as_deref(), Some("statusText"));
}

#[tokio::test]
async fn bridges_retrieve() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/bridges/{bridgeID}"))
        .await;

    let bridge = t.client.bridges().retrieve("local-whatsapp").await.unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/bridges/local-whatsapp", None);
    assert_eq!(bridge.id, "id");
    assert_eq!(bridge.accounts[0].user.email.as_deref(), Some("email"));
    assert_eq!(bridge.status, BridgeStatus::Available);
}

#[tokio::test]
async fn bridges_retrieve_capabilities_reads_snake_case_wire_names() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/bridges/{bridgeID}/capabilities"))
        .await;

    let caps = t
        .client
        .bridges()
        .retrieve_capabilities("local-whatsapp")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/bridges/local-whatsapp/capabilities", None);
    let group = &caps.group_creation["foo"];
    assert_eq!(group.type_description, "type_description");
    let avatar = group.avatar.as_ref().unwrap();
    assert!(avatar.allowed);
    assert_eq!(avatar.max_length, Some(0));
    assert_eq!(avatar.min_length, Some(0));
    assert_eq!(avatar.required, Some(true));
    let settings = avatar.settings.as_ref().unwrap();
    assert_eq!(settings.types, vec![DisappearingTimerCapabilityType::Empty]);
    assert_eq!(settings.omit_empty_timer, Some(true));
    assert_eq!(settings.timers, Some(vec![0]));
    for field in [
        &group.disappear,
        &group.name,
        &group.parent,
        &group.participants,
        &group.topic,
        &group.username,
    ] {
        assert!(field.as_ref().unwrap().allowed);
    }
    let resolve = &caps.resolve_identifier;
    assert!(resolve.any_phone && resolve.contact_list && resolve.create_dm && resolve.search);
    assert!(resolve.lookup_email && resolve.lookup_phone && resolve.lookup_username);
    assert_eq!(caps.image_pack_import, Some(true));
}

#[tokio::test]
async fn bridges_login_flows_list() {
    let t = TestServer::start().await;
    t.respond(200, example("GET", "/v1/bridges/{bridgeID}/login-flows"))
        .await;

    let flows = t
        .client
        .bridges()
        .login_flows()
        .list("local-whatsapp")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(&req, "GET", "/v1/bridges/local-whatsapp/login-flows", None);
    assert_eq!(flows.items.len(), 1);
    assert_eq!(flows.items[0].id, "id");
    assert_eq!(flows.items[0].description.as_deref(), Some("description"));
    assert_eq!(flows.items[0].name.as_deref(), Some("name"));
}

/// The documented LoginSession example, checked field by field.
fn assert_documented_login_session(session: &beeper_desktop_api::models::LoginSession) {
    assert_eq!(session.bridge_id, "bridgeID");
    assert_eq!(session.login_session_id, "loginSessionID");
    assert_eq!(session.status, LoginSessionStatus::WaitingForInput);
    assert_eq!(session.account.as_ref().unwrap().account_id, "accountID");
    assert_eq!(session.account_id.as_deref(), Some("accountID"));
    let Some(CurrentStep::UserInput(step)) = &session.current_step else {
        panic!("expected a user_input step, got {:?}", session.current_step);
    };
    assert_eq!(step.step_id, "stepID");
    assert_eq!(step.fields.len(), 1);
    let field = &step.fields[0];
    assert_eq!(field.id, "id");
    assert_eq!(field.initial_value.as_deref(), Some("initialValue"));
    assert_eq!(field.label.as_deref(), Some("label"));
    assert_eq!(field.optional, Some(true));
    assert_eq!(field.placeholder.as_deref(), Some("placeholder"));
    assert_eq!(field.r#type.as_deref(), Some("type"));
    assert_eq!(step.attachments.as_ref().unwrap(), &vec![json!({})]);
    assert_eq!(step.instructions.as_deref(), Some("instructions"));
    let error = session.error.as_ref().unwrap();
    assert_eq!(error.code, "code");
    assert_eq!(error.message, "message");
    assert_eq!(error.details.as_ref().unwrap()["foo"], json!("bar"));
    let login = session.login.as_ref().unwrap();
    assert_eq!(login.bridge_id, "bridgeID");
    assert_eq!(login.login_id, "loginID");
    assert_eq!(login.remove_scopes, vec![LoginRemoveScope::CurrentDevice]);
    assert_eq!(login.status, BridgeLoginStatus::Connected);
    assert_eq!(
        login.account_ids.as_ref().unwrap(),
        &vec!["string".to_string()]
    );
    assert_eq!(login.status_text.as_deref(), Some("statusText"));
    assert_eq!(login.user.as_ref().unwrap().id, "id");
    assert_eq!(session.login_id.as_deref(), Some("loginID"));
}

#[tokio::test]
async fn bridges_login_sessions_create() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example("POST", "/v1/bridges/{bridgeID}/login-sessions"),
    )
    .await;

    let session = t
        .client
        .bridges()
        .login_sessions()
        .create("local-whatsapp")
        .flow_id("qr")
        .login_id("login-7")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "POST",
        "/v1/bridges/local-whatsapp/login-sessions",
        None,
    );
    assert_eq!(
        req.header_str("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        req.json_body(),
        json!({"flowID": "qr", "loginID": "login-7"})
    );
    assert_documented_login_session(&session);
}

#[tokio::test]
async fn bridges_login_sessions_create_without_options_sends_an_empty_object() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example("POST", "/v1/bridges/{bridgeID}/login-sessions"),
    )
    .await;

    t.client
        .bridges()
        .login_sessions()
        .create("local-whatsapp")
        .await
        .unwrap();

    assert_eq!(t.only_request().await.json_body(), json!({}));
}

#[tokio::test]
async fn bridges_login_sessions_retrieve() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example(
            "GET",
            "/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}",
        ),
    )
    .await;

    let session = t
        .client
        .bridges()
        .login_sessions()
        .retrieve("local-whatsapp", "123")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "GET",
        "/v1/bridges/local-whatsapp/login-sessions/123",
        None,
    );
    assert_documented_login_session(&session);
}

#[tokio::test]
async fn bridges_login_sessions_cancel() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example(
            "DELETE",
            "/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}",
        ),
    )
    .await;

    let response = t
        .client
        .bridges()
        .login_sessions()
        .cancel("local-whatsapp", "123")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "DELETE",
        "/v1/bridges/local-whatsapp/login-sessions/123",
        None,
    );
    assert!(req.body.is_empty());
    assert_eq!(response.bridge_id, "bridgeID");
    assert_eq!(response.login_session_id, "loginSessionID");
    assert_eq!(response.status, LoginSessionCancelResponseStatus::Cancelled);
}

#[tokio::test]
async fn bridges_login_sessions_steps_submit() {
    let t = TestServer::start().await;
    t.respond(
        200,
        example(
            "POST",
            "/v1/bridges/{bridgeID}/login-sessions/{loginSessionID}/steps/{stepID}",
        ),
    )
    .await;

    let session = t
        .client
        .bridges()
        .login_sessions()
        .steps()
        .submit(
            "local-whatsapp",
            "123",
            "x",
            BridgesLoginSessionsStepsSubmitType::Cookies,
        )
        // Plain strings: the map's secret values convert.
        .fields([("session", "abc")])
        .last_url("https://web.whatsapp.com/")
        .source(BridgesLoginSessionsStepsSubmitSource::Webview)
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "POST",
        "/v1/bridges/local-whatsapp/login-sessions/123/steps/x",
        None,
    );
    assert_eq!(
        req.json_body(),
        json!({"type": "cookies", "fields": {"session": "abc"}, "lastURL": "https://web.whatsapp.com/", "source": "webview"})
    );
    assert_documented_login_session(&session);
}

/// The official SDKs send `{}` to notify-anyway; the spec declares that (empty, optional)
/// JSON body, and this SDK sends the same bytes, with the JSON content type.
#[tokio::test]
async fn chats_notify_anyway_sends_an_empty_json_object() {
    let t = TestServer::start().await;
    t.respond(200, example("POST", "/v1/chats/{chatID}/notify-anyway"))
        .await;

    let chat = t
        .client
        .chats()
        .notify_anyway("!chat1:beeper.local")
        .await
        .unwrap();

    let req = t.only_request().await;
    assert_request(
        &req,
        "POST",
        "/v1/chats/!chat1:beeper.local/notify-anyway",
        None,
    );
    assert_eq!(String::from_utf8_lossy(&req.body), "{}");
    assert_eq!(
        req.header_str("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(chat.id, "!chat1:beeper.local");
}
