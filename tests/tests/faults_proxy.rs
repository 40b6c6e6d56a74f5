//! Proxies and the local token, and the base URL read from the environment. Alone in
//! its test binary, as one test: it changes the process environment (`HTTP_PROXY`),
//! which every other test would otherwise see.

use beeper_desktop_api::{Client, ErrorKind};
use sdk_tests::TOKEN;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

#[tokio::test]
async fn a_loopback_base_url_bypasses_env_proxies_unless_one_is_asked_for() {
    // The fake proxy answers like the API, so that a request it gets also succeeds:
    // only what it recorded tells the two paths apart.
    let proxy = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    let server = FaultServer::start(vec![Reply::json(200, &json!([]))]).await;
    // SAFETY: the only test of this binary; no other thread reads the environment.
    unsafe {
        for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::set_var(var, &proxy.url);
        }
        for var in ["NO_PROXY", "no_proxy"] {
            std::env::remove_var(var);
        }
    }

    // 127.0.0.1 and localhost: straight to the server, the token stays on the machine.
    let localhost = server.url.replace("127.0.0.1", "localhost");
    for base in [server.url.as_str(), localhost.as_str()] {
        let client = Client::builder()
            .base_url(base)
            .access_token(TOKEN)
            .build()
            .unwrap();
        client.accounts().list().await.unwrap();
    }
    assert_eq!(proxy.attempts(), 0, "the proxy saw {:?}", proxy.received());
    assert_eq!(server.attempts(), 2);

    // Asked for: every request goes through it, in the absolute form proxies get.
    let client = Client::builder()
        .base_url(&server.url)
        .access_token(TOKEN)
        .proxy(&proxy.url)
        .build()
        .unwrap();
    client.accounts().list().await.unwrap();
    let through = proxy.received();
    assert_eq!(through.len(), 1);
    assert_eq!(through[0].target, format!("{}/v1/accounts", server.url));
    assert_eq!(server.attempts(), 2);

    // A base URL from the environment is checked like any other.
    unsafe {
        std::env::set_var("BEEPER_BASE_URL", format!("{}/?x=1", server.url));
    }
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("query"), "{err}");
}
