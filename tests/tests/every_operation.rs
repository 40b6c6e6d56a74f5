//! Every operation of the spec, as the generator's IR lists them, played by its scenario
//! (`tests/src/scenarios.rs`) against a local HTTP server on 127.0.0.1 that answers with
//! the operation's documented response. Each request is checked against the spec, not
//! against the SDK: method, path template, required query parameters, credentials,
//! content type and required body fields; and every query parameter and JSON body
//! property the spec declares is sent by at least one request of the scenario. An operation without a scenario fails here
//! with its name (and `cargo xtask conformance` fails the same way).

use std::process::Command;

use sdk_tests::calls::Clients;
use sdk_tests::coverage::{self, SPEC, SpecOperation};
use sdk_tests::scenarios::{Scenario, scenarios};
use sdk_tests::{RequestExt, TOKEN, resolve, spec};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[test]
fn every_operation_has_a_scenario() {
    let operations = coverage::spec_operations(SPEC).unwrap();
    assert!(!operations.is_empty());
    if let Err(message) = coverage::pair(&operations, &scenarios()) {
        panic!("{message}");
    }
}

/// The spec with one more operation, `chats.pin`, that no scenario calls.
fn spec_with_a_new_operation() -> std::path::PathBuf {
    let text = std::fs::read_to_string(SPEC).unwrap();
    let added = "\npaths:
  /v1/chats/{chatID}/pin:
    post:
      operationId: pinChat
      x-sdk-method: chats.pin
      summary: Pin a chat
      tags: [Chats]
      parameters:
        - {name: chatID, in: path, required: true, description: The chat., schema: {type: string}}
      responses:
        '204': {description: Pinned.}
";
    assert_eq!(text.matches("\npaths:\n").count(), 1);
    let edited = text.replacen("\npaths:\n", added, 1);
    let path = std::env::temp_dir().join(format!("every-operation-{}.yaml", std::process::id()));
    std::fs::write(&path, edited).unwrap();
    path
}

#[test]
fn an_operation_without_a_scenario_fails_with_its_name() {
    let path = spec_with_a_new_operation();
    let path_str = path.to_str().unwrap();

    let operations = coverage::spec_operations(path_str).unwrap();
    let message = match coverage::pair(&operations, &scenarios()) {
        Ok(_) => panic!("an operation without a scenario must fail"),
        Err(message) => message,
    };
    assert!(
        message.starts_with(
            "1 operation(s) of the spec have no scenario in tests/src/scenarios.rs:\n  \
             chats.pin (POST /v1/chats/{chatID}/pin, operationId pinChat)\n"
        ),
        "{message}"
    );

    // The conformance runner refuses to start, with the same message.
    let output = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(["--spec", path_str, "--coverage"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("chats.pin (POST /v1/chats/{chatID}/pin, operationId pinChat)"),
        "{stderr}"
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_scenario_for_no_operation_or_a_second_one_is_an_error() {
    let operations = coverage::spec_operations(SPEC).unwrap();
    let mut all = scenarios();
    let idle: sdk_tests::scenarios::Run = |_| Box::pin(async { Ok(String::new()) });
    all.push(Scenario {
        operation: "chats.pin",
        run: idle,
    });
    all.push(Scenario {
        operation: "accounts.list",
        run: idle,
    });
    let message = match coverage::pair(&operations, &all) {
        Ok(_) => panic!("a stray or second scenario must fail"),
        Err(message) => message,
    };
    assert!(
        message.contains(
            "scenarios in tests/src/scenarios.rs for no operation of the spec:\n  chats.pin\n"
        ),
        "{message}"
    );
    assert!(
        message.contains("two scenarios for accounts.list\n"),
        "{message}"
    );
}

#[tokio::test]
async fn every_operation_against_a_local_server() {
    let operations = coverage::spec_operations(SPEC).unwrap();
    let all = scenarios();
    let paired = coverage::pair(&operations, &all).unwrap_or_else(|m| panic!("{m}"));
    let mut failures = Vec::new();
    for (op, scenario) in &paired {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(documented_response(op))
            .mount(&server)
            .await;
        let clients = Clients::new(&server.uri(), TOKEN).unwrap();

        let outcome = (scenario.run)(&clients).await;

        let requests = server.received_requests().await.unwrap_or_default();
        let mut problems = Vec::new();
        if let Err(e) = outcome {
            problems.push(e);
        }
        if requests.is_empty() {
            problems.push("sent no request".into());
        }
        for (i, request) in requests.iter().enumerate() {
            for problem in check_request(op, request) {
                problems.push(format!("request {}: {problem}", i + 1));
            }
        }
        for name in query_parameters(op) {
            let sent = requests.iter().any(|r| {
                r.url
                    .query_pairs()
                    .any(|(k, _)| k == name || k.starts_with(&format!("{name}[")))
            });
            if !sent {
                problems.push(format!(
                    "query parameter `{name}` never sent: the scenario should set it"
                ));
            }
        }
        for name in body_properties(op) {
            let sent = requests.iter().any(|r| {
                serde_json::from_slice::<Value>(&r.body).is_ok_and(|b| b.get(name).is_some())
            });
            if !sent {
                problems.push(format!(
                    "body property `{name}` never sent: the scenario should set it"
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{op}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        paired.len(),
        failures.join("\n")
    );
}

fn operation(op: &SpecOperation) -> &'static Value {
    &spec()["paths"][&op.path][op.method.to_ascii_lowercase()]
}

/// The first success response the spec documents for `op`, with its example.
fn documented_response(op: &SpecOperation) -> ResponseTemplate {
    let responses = operation(op)["responses"].as_object().expect("responses");
    let (code, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .unwrap_or_else(|| panic!("{op}: no success response"));
    let status = code.parse().unwrap_or(200);
    let content = resolve(response).get("content").and_then(Value::as_object);
    match content.and_then(|c| c.iter().next()) {
        None => ResponseTemplate::new(status),
        Some((media, body)) if media.contains("json") => {
            let example = body
                .get("example")
                .unwrap_or_else(|| panic!("{op}: no example of its {media} response"));
            ResponseTemplate::new(status).set_body_json(example)
        }
        Some((media, _)) => ResponseTemplate::new(status)
            .set_body_raw(format!("the body of {}", op.name).into_bytes(), media),
    }
}

/// The parameters the spec declares for `op`, at the path or the operation.
fn parameters(op: &SpecOperation) -> Vec<&'static Value> {
    let path_params = spec()["paths"][&op.path]["parameters"].as_array();
    let params = operation(op)["parameters"].as_array();
    path_params
        .into_iter()
        .chain(params)
        .flatten()
        .map(resolve)
        .collect()
}

fn query_parameters(op: &SpecOperation) -> Vec<&'static str> {
    parameters(op)
        .into_iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect()
}

/// What is wrong with `request` as a request of `op`, by the spec.
fn check_request(op: &SpecOperation, request: &Request) -> Vec<String> {
    let mut problems = Vec::new();
    let spec_op = operation(op);
    if request.method.as_str() != op.method {
        problems.push(format!("method {}", request.method));
    }
    if !matches_template(request.url.path(), &op.path) {
        problems.push(format!("path {} does not match", request.url.path()));
    }

    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    for p in parameters(op) {
        let name = p["name"].as_str().unwrap_or_default();
        let required = p["required"].as_bool().unwrap_or(false);
        if p["in"] == "query" && required && !query.iter().any(|(k, _)| k == name) {
            problems.push(format!("required query parameter `{name}` missing"));
        }
    }

    let security = spec_op.get("security").unwrap_or(&spec()["security"]);
    let requirements = security.as_array().cloned().unwrap_or_default();
    let optional = requirements
        .iter()
        .any(|r| r.as_object().is_some_and(|o| o.is_empty()));
    let authorization = request.header_str("authorization");
    let bearer = format!("Bearer {TOKEN}");
    match (requirements.is_empty(), authorization.as_deref()) {
        (true, Some(_)) => problems.push("a public operation sent credentials".into()),
        (false, None) if !optional => problems.push("no Authorization header".into()),
        (false, Some(a)) if a != bearer => problems.push(format!("Authorization {a:?}")),
        _ => {}
    }

    let body = spec_op.get("requestBody").map(resolve);
    let declared = body
        .and_then(|b| b["content"].as_object())
        .and_then(|c| c.iter().next());
    match declared {
        None if !request.body.is_empty() => {
            problems.push("a body the spec does not declare".into())
        }
        None => {}
        Some((media, content)) => {
            let required = body.is_some_and(|b| b["required"].as_bool().unwrap_or(false));
            if request.body.is_empty() {
                if required {
                    problems.push("no body, but the spec requires one".into());
                } else if media.contains("json") {
                    // The official SDKs send a declared JSON body even when it is
                    // optional and nothing is set (`{}`, e.g. chats.notify_anyway).
                    problems.push("no JSON body; the official SDKs send one (`{}`)".into());
                }
                return problems;
            }
            let content_type = request.header_str("content-type").unwrap_or_default();
            if !content_type.starts_with(media.as_str()) {
                problems.push(format!(
                    "content type {content_type:?}, the spec says {media}"
                ));
            }
            if media.contains("json") {
                check_json_body(request, resolve(&content["schema"]), &mut problems);
            }
        }
    }
    problems
}

/// The JSON body has every property its schema requires, and none it forbids
/// (`additionalProperties: false`).
fn check_json_body(request: &Request, schema: &Value, problems: &mut Vec<String>) {
    let Ok(sent) = serde_json::from_slice::<Value>(&request.body) else {
        problems.push("the body is not JSON".into());
        return;
    };
    for key in schema["required"].as_array().into_iter().flatten() {
        let key = key.as_str().unwrap_or_default();
        if sent.get(key).is_none() {
            problems.push(format!("required body property `{key}` missing in {sent}"));
        }
    }
    if schema["additionalProperties"] == Value::Bool(false) {
        let declared = schema["properties"].as_object();
        for key in sent.as_object().into_iter().flat_map(|o| o.keys()) {
            if !declared.is_some_and(|d| d.contains_key(key)) {
                problems.push(format!("body property `{key}` the spec forbids in {sent}"));
            }
        }
    }
}

/// `/v1/chats/%21a%3Ab/read` matches `/v1/chats/{chatID}/read`: literal segments are
/// equal, and each `{name}` is one non-empty segment.
fn matches_template(path: &str, template: &str) -> bool {
    let sent: Vec<&str> = path.split('/').collect();
    let wanted: Vec<&str> = template.split('/').collect();
    sent.len() == wanted.len()
        && sent.iter().zip(&wanted).all(|(s, w)| {
            if w.starts_with('{') && w.ends_with('}') {
                !s.is_empty()
            } else {
                s == w
            }
        })
}

/// The properties of the JSON body the spec declares for `op`.
fn body_properties(op: &SpecOperation) -> Vec<&'static str> {
    let Some(body) = operation(op).get("requestBody").map(resolve) else {
        return vec![];
    };
    let schema = resolve(&body["content"]["application/json"]["schema"]);
    schema["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}
