//! The crate built from `generator/tests/fixtures/constructs/hygiene.yaml`, whose
//! schemas, properties and parameters are named like what the generated code uses
//! itself (`Visitor`, `D`, `A`, `Option`, `map`, `key`, `self`, ...): it compiles, and
//! it sends and decodes those names as the spec says.

use fixture_hygiene::Client;
use fixture_hygiene::models::Operators;
use sdk_tests::faults::{FaultServer, Reply};
use serde_json::json;

#[tokio::test]
async fn types_named_like_the_decoders_helpers_decode() {
    let body = json!({
        "map": "m", "key": "k", "value": "v",
        "Visitor": {"value": "outer", "Visitor": {"value": "inner"}, "D": {"value": "d"}},
        "D": {"value": "d2", "Option": {"value": "o"}},
        "A": {"value": "a"},
        "Some": {"value": "some"}
    });
    let server = FaultServer::start(vec![Reply::json(200, &body)]).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let got = client
        .get_things("a/b")
        .map("query-map")
        .self_("query-self")
        .await
        .unwrap();
    assert_eq!(got.visitor.value, "outer");
    assert_eq!(got.visitor.visitor.as_ref().unwrap().value, "inner");
    assert_eq!(got.visitor.d.as_ref().unwrap().value, "d");
    assert_eq!(got.d.option.as_ref().unwrap().value, "o");
    assert_eq!(got.a.value, "a");
    assert_eq!(got.some.as_ref().unwrap().value, "some");
    assert_eq!((got.map2.as_str(), got.key2.as_str()), ("m", "k"));
    let target = &server.received()[0].target;
    // `Map` and `map` are both parameters: the first declared keeps `map()`.
    assert_eq!(target, "/things/a%2Fb?Self=query-self&Map=query-map");
}

#[tokio::test]
async fn operator_values_round_trip() {
    let server = FaultServer::start(vec![Reply::json(200, &json!("!~"))]).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let got = client.operators(Operators::GtEq).await.unwrap();
    assert_eq!(got, Operators::NotTilde);
    assert_eq!(server.received()[0].target, "/operators?op=%3E%3D");
}
