//! `cargo bench -p sdk-benches`: decode throughput of a large `bridges.list` response,
//! and the per-request overhead of `accounts.list`, each as a ratio against baselines
//! measured in the same run.

use beeper_desktop_api::models::BridgeListResponse;
use sdk_benches::{compare, report};
use serde_json::json;

/// The same shape as the SDK's models, as a plain `#[derive(Deserialize)]` would have it:
/// no unknown-field keeping, enums as strings. The practical ceiling.
mod plain {
    use serde::Deserialize;
    use std::collections::HashMap;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct BridgeListResponse {
        pub items: Vec<Bridge>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct Bridge {
        pub id: String,
        pub accounts: Vec<Account>,
        pub active_account_count: i64,
        pub display_name: String,
        pub provider: String,
        pub status: String,
        pub supports_multiple_accounts: bool,
        #[serde(rename = "type")]
        pub kind: String,
        pub network: Option<String>,
        pub status_text: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct Account {
        #[serde(rename = "accountID")]
        pub account_id: String,
        pub bridge: AccountBridge,
        pub status: String,
        pub user: User,
        pub capabilities: Option<HashMap<String, serde_json::Value>>,
        #[serde(rename = "loginID")]
        pub login_id: Option<String>,
        pub network: Option<String>,
        #[serde(rename = "statusText")]
        pub status_text: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    pub struct AccountBridge {
        pub id: String,
        pub provider: String,
        #[serde(rename = "type")]
        pub kind: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct User {
        pub id: String,
        pub cannot_message: Option<bool>,
        pub email: Option<String>,
        pub full_name: Option<String>,
        #[serde(rename = "imgURL")]
        pub img_url: Option<String>,
        pub is_self: Option<bool>,
        pub phone_number: Option<String>,
        pub username: Option<String>,
    }
}

/// 2,000 bridges with 3 accounts each, every documented field filled.
fn bridges_body() -> Vec<u8> {
    let account = |b: usize, a: usize| {
        json!({
            "accountID": format!("local-whatsapp_ba_{b:05}_{a}"),
            "bridge": {"id": format!("local-whatsapp-{b}"), "provider": "local", "type": "whatsapp"},
            "status": "connected",
            "user": {
                "id": format!("@user{b}_{a}:beeper.com"), "cannotMessage": false, "email": format!("user{b}.{a}@example.com"),
                "fullName": format!("User Number {b} {a}"), "imgURL": format!("mxc://beeper.com/avatar{b}{a}"), "isSelf": a == 0,
                "phoneNumber": "+15550101001", "username": format!("user{b}_{a}")
            },
            "capabilities": {"reactions": true, "edits": false},
            "loginID": format!("login-{b}-{a}"),
            "network": "WhatsApp",
            "statusText": "Connected"
        })
    };
    let items: Vec<_> = (0..2000)
        .map(|b| {
            json!({
                "id": format!("local-whatsapp-{b}"), "accounts": (0..3).map(|a| account(b, a)).collect::<Vec<_>>(),
                "activeAccountCount": 3, "displayName": "WhatsApp", "provider": "local", "status": "connected",
                "supportsMultipleAccounts": true, "type": "whatsapp", "network": "WhatsApp", "statusText": "3 accounts"
            })
        })
        .collect();
    serde_json::to_vec(&json!({"items": items})).unwrap()
}

fn decode() {
    let body = bridges_body();
    // The SDK's models must read it all, and agree with the plain model.
    let sdk: BridgeListResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(sdk.items.len(), 2000);
    assert_eq!(
        sdk.items[1999].accounts[2].user.full_name.as_deref(),
        Some("User Number 1999 2")
    );
    let results = compare(
        15,
        3,
        &mut [
            ("SDK models (BridgeListResponse)", &mut || {
                std::hint::black_box(
                    serde_json::from_slice::<BridgeListResponse>(std::hint::black_box(&body))
                        .unwrap(),
                );
            }),
            ("plain #[derive(Deserialize)] model", &mut || {
                std::hint::black_box(
                    serde_json::from_slice::<plain::BridgeListResponse>(std::hint::black_box(
                        &body,
                    ))
                    .unwrap(),
                );
            }),
            ("serde_json::Value", &mut || {
                std::hint::black_box(
                    serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body))
                        .unwrap(),
                );
            }),
        ],
    );
    report(
        &format!(
            "decode bridges.list: 2,000 bridges x 3 accounts, {:.2} MB",
            body.len() as f64 / 1e6
        ),
        &results,
        Some(body.len()),
    );
    let sdk = results[0].1.as_secs_f64();
    println!(
        "  => SDK models take {:.3}x the time of the plain derive, {:.3}x that of Value",
        sdk / results[1].1.as_secs_f64(),
        sdk / results[2].1.as_secs_f64()
    );
}

fn requests() {
    let bench = sdk_benches::AccountsRequests::start();
    let results = compare(
        21,
        200,
        &mut [
            ("SDK accounts().list()", &mut || assert_eq!(bench.sdk(), 3)),
            ("SDK accounts().list(), one no-op hook", &mut || {
                assert_eq!(bench.sdk_hooked(), 3)
            }),
            (
                "bare reqwest GET, decoded into the same models",
                &mut || assert_eq!(bench.bare(), 3),
            ),
        ],
    );
    report(
        "per-request time of accounts.list over keep-alive (127.0.0.1)",
        &results,
        None,
    );
    println!(
        "  => the SDK takes {:.3}x the time of a bare reqwest GET that decodes the same body",
        results[0].1.as_secs_f64() / results[2].1.as_secs_f64()
    );
    println!(
        "  => a no-op hook makes a request take {:.3}x the time without one",
        results[1].1.as_secs_f64() / results[0].1.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent; keep that fast.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipped: run with `cargo bench -p sdk-benches`");
        return;
    }
    decode();
    requests();
}
