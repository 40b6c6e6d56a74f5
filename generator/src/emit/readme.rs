//! The crate's README: what a user reads on crates.io and, through
//! `#![doc = include_str!("../README.md")]`, on the crate's front page in rustdoc, where
//! every Rust block is compiled as a doctest. Written from the IR (names, environment
//! variables, the operations it shows) and from what the runtime does (configuration,
//! errors, retries, features), so that it cannot drift from either.

use super::resources::{call_chain, example_args};
use super::{EmitOptions, GENERATED_MARKER, manifest};
use crate::ir::{Api, ExampleArg, Operation, Resource};

pub fn readme(api: &Api, options: &EmitOptions) -> String {
    let source_name = &options.source_name;
    let krate = api.crate_ident.as_str();
    let name = api.crate_name.as_str();
    let title = &api.title;
    let major = api.package.version.split('.').next().unwrap_or("0");
    // `0.x` releases break on the minor version: depend on that.
    let requirement = if major == "0" {
        api.package
            .version
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".")
    } else {
        major.to_string()
    };
    let ops = operations(&api.root);
    let mut md = Md::default();
    md.line(&format!(
        "<!-- {GENERATED_MARKER} by sdk-generator from {source_name}. Do not edit: change the spec and run `{}`. -->",
        options.regenerate_command
    ));
    md.blank();
    md.line(&format!("# {name}"));
    md.blank();
    md.line(&format!(
        "A Rust client of the {title}, generated from its OpenAPI spec: typed models, a \
         client built from the environment, retries, timeouts, typed errors{}.",
        if ops.iter().any(|o| o.pagination.is_some()) {
            ", pagination"
        } else {
            ""
        }
    ));
    if let Some(d) = &api.description {
        // As in every doc comment: fences marked as text, bare URLs as links.
        md.blank();
        for line in super::doc_lines(d.trim()) {
            md.line(line.strip_prefix(' ').unwrap_or(&line));
        }
    }
    md.blank();
    md.line(&format!(
        "This is version {} of the crate, made from version {} of the API's spec \
         (`{krate}::API_VERSION`). The crate's version follows semver of its Rust API, not the \
         API's: an API release that only adds things is a minor release here too, and a \
         change that breaks Rust code is a new major version even when the API's number did \
         not move.",
        api.package.version, api.version
    ));

    md.section("Install");
    md.code(
        "toml",
        &format!(
            "[dependencies]\n{name} = \"{requirement}\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
             futures-util = \"0.3\" # for `.stream()`{}",
            if api.events.is_some() {
                " and the live events"
            } else {
                ""
            }
        ),
    );
    features(&mut md, api, name, &requirement);

    md.section("Quick start");
    for line in super::crate_root::env_doc_lines(api) {
        md.line(&line);
    }
    md.blank();
    let first = api
        .crate_example
        .as_ref()
        .and_then(|call| ops.iter().find(|o| &o.example.call == call))
        .or(ops.first());
    if let Some(op) = first.filter(|op| example_args(krate, &op.example.args).0.len() == 1) {
        let (_, args) = example_args(krate, &op.example.args);
        let call = format!("{}({})", call_chain(&op.example.call), args.join(", "));
        let body = match &op.example.binding {
            Some(b) => format!("    let {b} = {call}.await?;\n    println!(\"{{{b}:?}}\");"),
            None => format!("    {call}.await?;"),
        };
        md.code(
            "rust,no_run",
            &format!(
                "use {krate}::Client;\n\n\
                 #[tokio::main(flavor = \"current_thread\")]\n\
                 async fn main() -> Result<(), {krate}::Error> {{\n    \
                 let client = Client::from_env()?;\n{body}\n    Ok(())\n}}"
            ),
        );
    }
    md.line(
        "Every operation returns a request type of its own (its docs page lists the \
         operation's optional parameters as setters): await it for the value, call \
         `.send_with_response()` for the value with the status and headers, or set options \
         for this request first (`.with_timeout(..)`, `.with_max_retries(..)`, \
         `.with_header(..)`). Each method's documentation has an example of its call.",
    );

    configuration(&mut md, api);
    errors(&mut md, krate, first);
    retries(&mut md);
    if let Some(op) = ops.iter().find(|o| o.pagination.is_some()) {
        pagination(&mut md, krate, op);
    }
    if let Some(op) = ops.iter().find(|o| {
        o.example
            .args
            .iter()
            .any(|a| matches!(a, ExampleArg::File(_)))
    }) {
        uploads(&mut md, krate, op);
    }
    events(&mut md, api);
    beyond_the_spec(&mut md, krate);
    testing(&mut md, api);
    if let Some(license) = &api.package.license {
        md.section("License");
        if license == "MIT OR Apache-2.0" {
            md.line("Licensed under either of Apache License, Version 2.0 (`LICENSE-APACHE`) or MIT license (`LICENSE-MIT`) at your option.");
        } else {
            md.line(&format!("Licensed under `{license}` (an SPDX expression)."));
        }
    }
    md.text
}

#[derive(Default)]
struct Md {
    text: String,
}

impl Md {
    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }
    fn blank(&mut self) {
        self.text.push('\n');
    }
    fn section(&mut self, title: &str) {
        if !self.text.ends_with("\n\n") {
            self.blank();
        }
        self.line(&format!("## {title}"));
        self.blank();
    }
    fn code(&mut self, lang: &str, code: &str) {
        self.line(&format!("```{lang}"));
        self.line(code);
        self.line("```");
        self.blank();
    }
}

fn operations(resource: &Resource) -> Vec<&Operation> {
    let mut out: Vec<&Operation> = resource.operations.iter().collect();
    for child in &resource.children {
        out.extend(operations(child));
    }
    out
}

fn features(md: &mut Md, api: &Api, name: &str, requirement: &str) {
    md.line("Features (the default ones are marked):");
    md.blank();
    md.line("| feature | what it gives |");
    md.line("|---|---|");
    md.line("| `rustls` (default) | `https` base URLs, through rustls |");
    md.line("| `native-tls` | `https` base URLs through the platform's TLS (OpenSSL on Linux) |");
    if api.events.is_some() {
        md.line(
            "| `events` (default) | `client.events()`, the live event stream over a WebSocket |",
        );
    }
    md.blank();
    md.line(&format!(
        "A server on plain HTTP needs no TLS: without the default features the build is \
         lighter (fewer crates, a shorter build, a smaller binary), and an `https` base URL is \
         an `ErrorKind::Config` error. `{}::reqwest` is the `reqwest` this crate uses, for \
         passing your own client to `ClientBuilder::http_client`.",
        name.replace('-', "_")
    ));
    md.blank();
    md.code(
        "toml",
        &format!("{name} = {{ version = \"{requirement}\", default-features = false }}"),
    );
    md.line(&format!(
        "The oldest Rust it builds with is {}.",
        manifest::RUST_VERSION
    ));
}

fn configuration(md: &mut Md, api: &Api) {
    let krate = &api.crate_ident;
    md.section("Configuration");
    let base = api
        .default_base_url
        .as_deref()
        .unwrap_or("https://api.example.com");
    let token = credential_call(api, "…")
        .map(|call| format!("\n    {call}"))
        .unwrap_or_default();
    md.code(
        "rust,no_run",
        &format!(
            "use std::time::Duration;\n\n\
             # fn example() -> Result<(), {krate}::Error> {{\n\
             let client = {krate}::Client::builder()\n    \
             .base_url(\"{base}\"){token}\n    \
             .timeout(Duration::from_secs(30))      // per attempt (the default)\n    \
             .max_retries(2)                        // the default\n    \
             .default_header(\"x-app\", \"my-app\")\n    \
             .build()?;\n\n\
             // Start from the environment, then override:\n\
             let patient = {krate}::Client::builder().from_env().timeout(Duration::from_secs(120)).build()?;\n\
             # let _ = (client, patient);\n# Ok(())\n# }}"
        ),
    );
    md.line(&format!(
        "`Client::from_env()` reads `{}`{}. The builder also sets a connect timeout, \
         the time a response body may stay silent (`idle_timeout`, 30 s), the largest body \
         read (`max_response_size`, 64 MiB), a proxy, headers whose value is never shown \
         (`sensitive_header`), and an existing `reqwest::Client`. Base URLs must be http or \
         https, with a host and no query: anything else is an `ErrorKind::Config` error before \
         anything is sent. Every setting but the HTTP client can be changed for one request \
         (`.with_timeout(..)`, `.with_base_url(..)`, ...).",
        api.env.base_url,
        match &api.env.access_token {
            Some(t) => format!(" and `{t}`"),
            None => String::new(),
        }
    ));
}

fn errors(md: &mut Md, krate: &str, op: Option<&&Operation>) {
    md.section("Errors");
    md.line(&format!(
        "Every call returns `Result<_, {krate}::Error>`; `error.kind()` says what went wrong:"
    ));
    md.blank();
    md.line("| kind | when |");
    md.line("|---|---|");
    md.line("| `BadRequest`, `Authentication`, `PermissionDenied`, `NotFound`, `Conflict`, `UnprocessableEntity`, `RateLimited` | 400, 401, 403, 404, 409, 422, 429 |");
    md.line("| `Server`, `OtherStatus` | 500 and above; any other status that is not a success |");
    md.line("| `Connection`, `Timeout` | no complete response (after the retries) |");
    md.line("| `Decode` | the body does not have the documented shape (with the JSON path that failed) |");
    md.line("| `ResponseTooLarge` | the body is larger than the client's limit |");
    md.line("| `InvalidRequest`, `MissingCredentials`, `Config` | refused before sending |");
    md.blank();
    let Some(op) = op else { return };
    let (params, args) = example_args(krate, &op.example.args);
    let call = format!("{}({})", call_chain(&op.example.call), args.join(", "));
    md.code(
        "rust,no_run",
        &format!(
            "use {krate}::ErrorKind;\n\n\
             # async fn example({}) {{\n\
             match {call}.await {{\n    \
             Ok(_) => println!(\"done\"),\n    \
             Err(e) if e.kind() == ErrorKind::NotFound => println!(\"not there\"),\n    \
             // The status, headers and the API's error body, if the server answered:\n    \
             Err(e) => match e.as_status() {{\n        \
             Some(status) => eprintln!(\"{{}}: {{:?}}\", status.status, status.message()),\n        \
             None => eprintln!(\"{{e}}\"),\n    \
             }},\n}}\n# }}",
            params.join(", ")
        ),
    );
    md.line(
        "Nothing a server sends makes the client panic: unknown enum values are kept \
         (`Unknown(String)`), unknown fields are kept in each struct's `extra` map, and a \
         union variant the crate does not know is kept as JSON.",
    );
}

fn retries(md: &mut Md) {
    md.section("Retries");
    md.line(
        "A request is sent again, up to `max_retries` times (2 by default), after a \
         connection error, a timeout, or a 408, 409, 429 or 5xx response; the wait doubles \
         from 0.5 s up to 8 s, with jitter, and a `Retry-After` of up to 60 s is used instead. \
         A POST, PUT, PATCH or DELETE is only sent again when the server cannot have acted on \
         it (the connection was refused, or it answered 408, 429 or 503), unless the spec \
         marks the operation as safe to repeat.",
    );
}

fn pagination(md: &mut Md, krate: &str, op: &Operation) {
    md.section("Pagination");
    let (params, args) = example_args(krate, &op.example.args);
    let call = format!("{}({})", call_chain(&op.example.call), args.join(", "));
    md.line("Awaiting a paginated operation gives one page; `.stream()` yields every item of every page, fetching the next page as the stream is read.");
    md.blank();
    md.code(
        "rust,no_run",
        &format!(
            "use futures_util::TryStreamExt;\n\n\
             # async fn example({}) -> Result<(), {krate}::Error> {{\n\
             let page = {call}.await?;\n\
             let everything: Vec<_> = {call}.stream().try_collect().await?;\n\
             // At most 10 pages, collected:\n\
             let some = {call}.max_pages(10).collect_all().await?;\n\
             # let _ = (page, everything, some);\n# Ok(())\n# }}",
            params.join(", ")
        ),
    );
    md.line("`.pages()` yields whole pages. A walk stops at the last page, and with `ErrorKind::RepeatedCursor` if the server hands back a cursor it already followed.");
}

fn uploads(md: &mut Md, krate: &str, op: &Operation) {
    md.section("Uploads");
    let (params, args) = example_args(krate, &op.example.args);
    let call = format!("{}({})", call_chain(&op.example.call), args.join(", "));
    md.line(&format!(
        "Files go as `{krate}::FilePart`: `FilePart::path(..)` streams a file from disk, \
         `FilePart::bytes(..)` sends bytes in memory, `FilePart::reader(..)` any `AsyncRead`; \
         `.file_name(..)` and `.mime_type(..)` set what the server is told."
    ));
    md.blank();
    let binding = op.example.binding.as_deref().unwrap_or("_uploaded");
    md.code(
        "rust,no_run",
        &format!(
            "# async fn example({}) -> Result<(), {krate}::Error> {{\n\
             let {binding} = {call}.await?;\n# Ok(())\n# }}",
            params.join(", ")
        ),
    );
}

fn events(md: &mut Md, api: &Api) {
    let Some(events) = &api.events else { return };
    let krate = &api.crate_ident;
    md.section("Live events");
    md.line(&format!(
        "`client.events()` (feature `events`) opens the WebSocket at `{}` with a request of the \
         client's own HTTP client (its TLS, proxy, credentials and hooks), and yields typed \
         events. After a reconnect, or when events may have been missed (a gap in `seq`), it \
         yields `{}::{}` before the next item: list what changed since then to catch up. The \
         stream connects again on its own (with a backoff that grows until a connection has \
         stayed healthy), leaves a peer that stops answering pings or taking writes, holds at \
         most `max_buffered_bytes` of frames for a reader that reads slowly (the socket is not \
         read meanwhile, so nothing is dropped), and `close()` or a drop ends it within 2 s.",
        events.path, events.event_type, events.resync_variant
    ));
    md.blank();
    md.code(
        "rust,no_run",
        &format!(
            "use futures_util::StreamExt;\n\n\
             # async fn example(client: {krate}::Client) -> Result<(), {krate}::Error> {{\n\
             let mut events = client.events().subscribe({krate}::Chats::All).await?;\n\
             while let Some(event) = events.next().await {{\n    \
             match event? {{\n        \
             {krate}::models::{}::{}(resync) => println!(\"catch up: {{resync:?}}\"),\n        \
             other => println!(\"{{other:?}}\"),\n    \
             }}\n}}\n# Ok(())\n# }}",
            events.event_type, events.resync_variant
        ),
    );
}

/// The ways around the generated methods, which every API outgrows now and then.
fn beyond_the_spec(md: &mut Md, krate: &str) {
    md.section("Beyond the spec");
    md.line(
        "An endpoint the spec does not describe yet is one call away, with the same \
         authentication, retries, timeouts and typed errors as the generated methods \
         (`Client::request`, `get`, `post`, `put`, `patch`, `delete`; the type is yours, \
         `serde_json::Value` takes anything):",
    );
    md.blank();
    md.code(
        "rust,no_run",
        &format!(
            "# async fn example(client: {krate}::Client) -> Result<(), {krate}::Error> {{\n\
             let value: serde_json::Value = client.get(\"/new-endpoint\").query(\"limit\", 10).await?;\n\
             # let _ = value;\n# Ok(())\n# }}"
        ),
    );
    md.line(
        "Every generated request also takes parameters the spec lacks: \
         `.with_query(name, value)` adds a query parameter and `.with_body_field(name, value)` \
         a field of its JSON body. A hook (`ClientBuilder::hook`, the `runtime::Hook` trait) \
         sees every attempt's request before it is sent, and may change it, and every \
         attempt's outcome, and may ask for a retry: for tracing exporters, metrics or a token \
         refresh.",
    );
}

/// How the README's examples configure a credential: the setter of the first scheme
/// of the API's first security requirement (`.access_token("…")`, `.api_key("…")`,
/// `.basic_auth("user", "…")`), or `None` for an API without credentials.
fn credential_call(api: &Api, secret: &str) -> Option<String> {
    let name = api.security_alternatives.first()?.first()?;
    let scheme = api.security_schemes.iter().find(|s| &s.name == name)?;
    let setter = &scheme.setter.rust;
    Some(match scheme.kind {
        crate::ir::SecuritySchemeKind::Basic => format!(".{setter}(\"user\", \"{secret}\")"),
        _ => format!(".{setter}(\"{secret}\")"),
    })
}

fn testing(md: &mut Md, api: &Api) {
    let krate = api.crate_ident.as_str();
    let credential = credential_call(api, "test-secret")
        .map(|call| format!("\n    {call}"))
        .unwrap_or_default();
    md.section("Testing your code");
    md.line(
        "Point the client at a mock server (for example `wiremock`'s `MockServer::uri()`), \
         with retries off so that a request the mock does not expect fails at once:",
    );
    md.blank();
    md.code(
        "rust,no_run",
        &format!(
            "# fn example(mock_server_uri: &str) -> Result<(), {krate}::Error> {{\n\
             let client = {krate}::Client::builder()\n    \
             .base_url(mock_server_uri){credential}\n    \
             .max_retries(0)\n    \
             .build()?;\n# let _ = client;\n# Ok(())\n# }}"
        ),
    );
}
