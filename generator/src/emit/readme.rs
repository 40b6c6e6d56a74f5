//! The crate's README: what a user reads on crates.io and, through
//! `#![doc = include_str!("../README.md")]`, on the crate's front page in rustdoc, where
//! every Rust block is compiled as a doctest. Written from the IR (names, environment
//! variables, the operations it shows) and from what the runtime does (configuration,
//! errors, retries, features), so that it cannot drift from either.

use super::resources::example_call;
use super::{EmitOptions, GENERATED_MARKER, manifest};
use crate::ir::{Api, ExampleArg, Operation, Resource};

pub fn readme(api: &Api, options: &EmitOptions) -> String {
    let source_name = &options.source_name;
    let krate = api.crate_ident.as_str();
    let name = api.crate_name.as_str();
    let title = &api.title_phrase;
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
        "A Rust client of {title}, generated from its OpenAPI spec: typed models, a \
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
    // Exactly what the blocks below need, `xtask/tests/readme_check.rs` checks: each is
    // built as pasted, in a crate of its own with these dependencies.
    md.code(
        "toml",
        &format!(
            "[dependencies]\n{name} = \"{requirement}\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
             {}serde_json = \"1\" # for JSON values beyond the spec",
            if api.events.is_some() {
                "futures-util = \"0.3\" # for `StreamExt` on the live events\n"
            } else {
                ""
            }
        ),
    );
    md.line(
        "Every example below is a whole program: paste it into `src/main.rs` of a crate with \
         these dependencies.",
    );
    md.blank();
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
    let first = first.filter(|op| inline_call(krate, op).is_some());
    if let Some(op) = first {
        let call = inline_call(krate, op).unwrap_or_default();
        let body = match &op.example.binding {
            Some(b) => format!("let {b} = {call}.await?;\nprintln!(\"{{{b}:?}}\");"),
            None => format!("{call}.await?;"),
        };
        md.code("rust,no_run", &program(krate, &[], &body));
    }
    md.line(
        "Every operation returns a request type of its own (its docs page lists the \
         operation's optional parameters as setters): await it for the value, call \
         `.send_with_response()` for the value with the status and headers, or set options \
         for this request first (`.with_timeout(..)`, `.with_max_retries(..)`, \
         `.with_header(..)`). Each method's documentation has an example of its call.",
    );

    configuration(&mut md, api);
    servers(&mut md, api);
    header_defaults(&mut md, api);
    errors(&mut md, krate, first);
    retries(&mut md);
    if let Some(op) = ops
        .iter()
        .find(|o| o.pagination.is_some() && inline_call(krate, o).is_some())
    {
        pagination(&mut md, krate, op);
    }
    if let Some(op) = ops.iter().find(|o| {
        o.example
            .args
            .iter()
            .any(|a| matches!(a, ExampleArg::File(_)))
            && inline_call(krate, o).is_some()
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

/// A whole program, as every block of the README is (a reader pastes it as it is; no
/// line is hidden): `uses`, then an async `main` that makes a client from the
/// environment and runs `body`.
fn program(krate: &str, uses: &[String], body: &str) -> String {
    let mut out = String::new();
    for u in uses {
        out.push_str(&format!("use {u};\n"));
    }
    if !uses.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "#[tokio::main]\nasync fn main() -> Result<(), {krate}::Error> {{\n    \
         let client = {krate}::Client::from_env()?;\n"
    ));
    for line in body.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out.push_str("    Ok(())\n}");
    out
}

/// An operation's example call without `.await`, when every argument is written inline
/// (a program of the README has no parameters to take the others from).
fn inline_call(krate: &str, op: &Operation) -> Option<String> {
    let (params, call) = example_call(krate, &op.example);
    (params.len() == 1).then_some(call)
}

fn operations(resource: &Resource) -> Vec<&Operation> {
    let mut out: Vec<&Operation> = resource.operations.iter().collect();
    for child in &resource.children {
        out.extend(operations(child));
    }
    out
}

fn features(md: &mut Md, api: &Api, name: &str, requirement: &str) {
    let tls_default = api.package.tls_by_default;
    md.line("Features (the default ones are marked):");
    md.blank();
    md.line("| feature | what it gives |");
    md.line("|---|---|");
    md.line(&format!(
        "| `rustls`{} | `https` base URLs (and `wss://`), through rustls |",
        if tls_default { " (default)" } else { "" }
    ));
    md.line("| `native-tls` | `https` base URLs (and `wss://`) through the platform's TLS (OpenSSL on Linux) |");
    if api.events.is_some() {
        md.line(
            "| `events` (default) | `client.events()`, the live event stream over a WebSocket |",
        );
    }
    md.blank();
    let krate = name.replace('-', "_");
    let (why, dependency) = if tls_default {
        (
            "A server on plain HTTP needs no TLS: without the default features the build is \
             lighter (fewer crates, a shorter build, a smaller binary), and an `https` base URL is \
             an `ErrorKind::Config` error.",
            format!("{name} = {{ version = \"{requirement}\", default-features = false }}"),
        )
    } else {
        (
            "Every server the API describes is plain HTTP, so TLS is not a default feature: \
             the build is lighter (fewer crates, a shorter build, a smaller binary). An `https` \
             base URL needs `rustls` or `native-tls`; without either it is an \
             `ErrorKind::Config` error that says so.",
            format!("{name} = {{ version = \"{requirement}\", features = [\"rustls\"] }}"),
        )
    };
    md.line(&format!(
        "{why} `{krate}::reqwest` is the `reqwest` this crate uses, for passing your own client \
         to `ClientBuilder::http_client`."
    ));
    md.blank();
    md.code("toml", &dependency);
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
        .map(|call| format!("\n        {call}"))
        .unwrap_or_default();
    md.code(
        "rust,no_run",
        &format!(
            "use std::time::Duration;\n\n\
             fn main() -> Result<(), {krate}::Error> {{\n    \
             let client = {krate}::Client::builder()\n        \
             .base_url(\"{base}\"){token}\n        \
             .timeout(Duration::from_secs(30)) // per attempt (the default)\n        \
             .max_retries(2) // the default\n        \
             .default_header(\"x-app\", \"my-app\")\n        \
             .build()?;\n\n    \
             // Start from the environment, then override; or from a client, sharing its\n    \
             // connection pool:\n    \
             let patient = {krate}::Client::builder().from_env().timeout(Duration::from_secs(120)).build()?;\n    \
             let eager = client.to_builder().max_retries(0).build()?;\n    \
             println!(\"{{}} {{}} {{}}\", client.base_url(), patient.base_url(), eager.base_url());\n    \
             Ok(())\n}}"
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

/// The servers operations have of their own, and where a client pointed elsewhere
/// sends them.
fn servers(md: &mut Md, api: &Api) {
    if api.servers.is_empty() {
        return;
    }
    md.section("Servers");
    md.line(&format!(
        "Operations go to the client's base URL ({}), but for these, which the spec gives a \
         server of their own:",
        match &api.default_base_url {
            Some(url) => format!(
                "`{url}` unless `base_url(..)` or `{}` says otherwise",
                api.env.base_url
            ),
            None => format!("set with `base_url(..)` or `{}`", api.env.base_url),
        }
    ));
    md.blank();
    for s in &api.servers {
        const SHOWN: usize = 5;
        let mut ops: Vec<String> = s
            .operations
            .iter()
            .take(SHOWN)
            .map(|o| format!("`{o}`"))
            .collect();
        if s.operations.len() > SHOWN {
            ops.push(format!("and {} more", s.operations.len() - SHOWN));
        }
        let place = match (&s.default, s.relative) {
            (_, false) => format!("`{}`", s.url),
            (Some(d), true) => format!("`{}`, relative to the base URL (`{d}` by default)", s.url),
            (None, true) => format!("`{}`, relative to the base URL", s.url),
        };
        md.line(&format!("- {place}: {}", ops.join(", ")));
    }
    md.blank();
    let mapping = if api.servers.iter().any(|s| !s.relative) {
        "; `ClientBuilder::server_url(server, url)` sends one server's operations to another \
         URL instead (the server's URL as listed above)"
    } else {
        ""
    };
    md.line(&format!(
        "While the client's base URL is the spec's server, each of these goes to its own. A \
         client pointed at another base URL (a mock server in tests, a proxy, a staging \
         deployment) sends them there too, so that no request (and no credential) goes to a \
         server you did not name{mapping}. A relative server always follows the base URL, and \
         `.with_base_url(..)` on a request sends that request to the URL given, whatever its \
         server. Credentials go with each request to its server; redirects and next-page URLs \
         are followed only on the origin the request went to."
    ));
}

/// The headers the spec gives defaults, and how a user sends other values.
fn header_defaults(md: &mut Md, api: &Api) {
    let Some((name, _)) = api.header_defaults.first() else {
        return;
    };
    md.section("Headers sent by default");
    md.line(
        "The spec gives these header parameters a default, which an operation that takes \
         one sends when the call does not set it:",
    );
    md.blank();
    for (name, value) in &api.header_defaults {
        md.line(&format!("- `{name}: {value}`"));
    }
    md.blank();
    md.line(&format!(
        "A default header of the client with that name is sent instead, by every operation \
         (`Client::builder().default_header(\"{name}\", \"…\")`), and a value set on the call \
         (the operation's setter) wins over both."
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
    md.line("| `Server`, `OtherStatus` | 500 to 599; any other status that is not a success |");
    md.line("| `Protocol` | the server broke HTTP: a status outside 100 to 599 (not retried) |");
    md.line("| `Connection`, `Timeout` | no complete response (after the retries) |");
    md.line("| `Decode` | the body does not have the documented shape (with the JSON path that failed) |");
    md.line("| `ResponseTooLarge` | the body is larger than the client's limit |");
    md.line("| `InvalidRequest`, `MissingCredentials`, `Config` | refused before sending |");
    md.line("| `RepeatedCursor` | a page walk was handed a cursor (or offset, page, URL) it had already followed, or the same page twice: it stops instead of looping |");
    md.line("| `ForeignNextPage` | a page walk was handed a next-page URL on another server: not followed, so that the credentials stay with the configured one |");
    md.blank();
    md.line(
        "`error.is_retryable()` says whether the client's retry rule (below) would send the \
         request again: a connection error, a timeout, or a 408, 409, 429 or 5xx for a GET; \
         for a POST, PUT, PATCH or DELETE only when the server cannot have acted on it. The \
         client has already retried such a failure `max_retries` times when it returns it; \
         this is for retries of your own, later.",
    );
    md.blank();
    let Some(op) = op else { return };
    let call = inline_call(krate, op).unwrap_or_default();
    md.code(
        "rust,no_run",
        &program(
            krate,
            &[format!("{krate}::ErrorKind")],
            &format!(
                "match {call}.await {{\n    \
                 Ok(_) => println!(\"done\"),\n    \
                 Err(e) if e.kind() == ErrorKind::NotFound => println!(\"not there\"),\n    \
                 // Worth sending again later, by the retry rule below:\n    \
                 Err(e) if e.is_retryable() => eprintln!(\"try again later: {{e}}\"),\n    \
                 // The status, headers and the API's error body, if the server answered:\n    \
                 Err(e) => match e.as_status() {{\n        \
                 Some(status) => eprintln!(\"{{}}: {{:?}}\", status.status, status.message()),\n        \
                 None => eprintln!(\"{{e}}\"),\n    \
                 }},\n}}"
            ),
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
    let call = inline_call(krate, op).unwrap_or_default();
    md.line("Awaiting a paginated operation gives one page; `.stream()` yields every item of every page, fetching the next page as the loop goes (`.pages()` every page), and `.collect_all()` collects them.");
    md.blank();
    md.code(
        "rust,no_run",
        &program(
            krate,
            &[],
            &format!(
                "let page = {call}.await?;\n\
                 println!(\"{{page:?}}\");\n\n\
                 let mut items = {call}.stream();\n\
                 while let Some(item) = items.try_next().await? {{\n    \
                 println!(\"{{item:?}}\");\n\
                 }}\n\n\
                 // At most 10 pages, collected:\n\
                 let some = {call}.max_pages(10).collect_all().await?;\n\
                 println!(\"{{}} items\", some.len());"
            ),
        ),
    );
    md.line("`.stream()` and `.pages()` are named types (`Items`, `Pages`) that can be stored in a struct; they are also `futures` streams. A walk stops at the last page, and with `ErrorKind::RepeatedCursor` if the server hands back a cursor it already followed.");
}

fn uploads(md: &mut Md, krate: &str, op: &Operation) {
    md.section("Uploads");
    let call = inline_call(krate, op).unwrap_or_default();
    md.line(&format!(
        "Files go as `{krate}::FilePart`: `FilePart::path(..)` streams a file from disk, \
         `FilePart::bytes(..)` sends bytes in memory, `FilePart::reader(..)` any `AsyncRead`; \
         `.file_name(..)` and `.mime_type(..)` set what the server is told."
    ));
    md.blank();
    let binding = op.example.binding.as_deref().unwrap_or("uploaded");
    md.code(
        "rust,no_run",
        &program(
            krate,
            &[],
            &format!("let {binding} = {call}.await?;\nprintln!(\"{{{binding}:?}}\");"),
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
        &program(
            krate,
            &["futures_util::StreamExt".to_string()],
            &format!(
                "let mut events = client.events().subscribe({krate}::ChatSubscription::All).await?;\n\
                 while let Some(event) = events.next().await {{\n    \
                 match event? {{\n        \
                 {krate}::models::{}::{}(resync) => println!(\"catch up: {{resync:?}}\"),\n        \
                 other => println!(\"{{other:?}}\"),\n    \
                 }}\n}}",
                events.event_type, events.resync_variant
            ),
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
        &program(
            krate,
            &["serde_json::Value".to_string()],
            "let value: Value = client.get(\"/new-endpoint\").query(\"limit\", 10).await?;\n\
             println!(\"{value}\");",
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
        .map(|call| format!("\n        {call}"))
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
            "fn main() -> Result<(), {krate}::Error> {{\n    \
             let mock_server_uri = \"http://127.0.0.1:8080\"; // e.g. wiremock's `MockServer::uri()`\n    \
             let client = {krate}::Client::builder()\n        \
             .base_url(mock_server_uri){credential}\n        \
             .max_retries(0)\n        \
             .build()?;\n    \
             println!(\"{{}}\", client.base_url());\n    \
             Ok(())\n}}"
        ),
    );
}
