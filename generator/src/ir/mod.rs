//! The intermediate model: plain data that records every decision lowering made
//! (names, shapes, optionality, wire names, the resource tree). Emitters print it and
//! look nothing up in the spec. Its `Debug` output is snapshotted, so that a reviewer
//! sees in one diff what a spec change does.

mod events;
mod render;
mod walk;
mod webhook;

use std::collections::BTreeMap;
use std::fmt;

pub use events::EventStream;
pub use render::{render, ty as render_ty};
pub use webhook::Webhook;

/// A Rust identifier in the two forms lowering decided: `rust` as code writes it
/// (`r#type`, `self_`), `bare` as other names and file names are built from it
/// (`type`). It reads as its `rust` form.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name {
    pub rust: String,
    pub bare: String,
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.rust
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.rust
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rust)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.rust, f)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.rust == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.rust == *other
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    /// The title as prose names the API after a preposition: `the Stripe API`; a
    /// title with its own article keeps it (`The Foo API` -> `the Foo API`).
    pub title_phrase: String,
    pub version: String,
    pub description: Option<String>,
    /// The crate's name as in Cargo.toml (`beeper-desktop-api`).
    pub crate_name: String,
    /// The crate's name as a path (`beeper_desktop_api`).
    pub crate_ident: String,
    /// The call shown in the crate's documentation: accessors and method of the first
    /// operation that takes no arguments (`["accounts", "list"]`).
    pub crate_example: Option<Vec<Name>>,
    pub default_base_url: Option<String>,
    pub env: EnvVars,
    pub security_schemes: Vec<SecurityScheme>,
    /// Every distinct security requirement of the operations, in order of first use:
    /// what `Client::from_env` checks the environment against.
    pub security_alternatives: Vec<Vec<String>>,
    /// Whether every operation needs credentials (none is public or optional).
    pub credentials_required: bool,
    /// Sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// The files of `models/`, by module name; each type is in exactly one.
    pub model_files: Vec<ModelFile>,
    /// The root of the resource tree; its operations are methods of the client itself.
    pub root: Resource,
    /// The live event stream, when the spec declares one (`x-sdk-events`).
    pub events: Option<EventStream>,
    /// Requests the API sends (OpenAPI 3.1 `webhooks`): their payload types are in
    /// `types`; the client has no methods for them.
    pub webhooks: Vec<Webhook>,
    /// What the crate's manifest says about the package.
    pub package: Package,
    /// Wire names of every field the spec marks secret, in any type or parameter
    /// (sorted): what the runtime keeps out of excerpts of bodies whose schema it does
    /// not know (the escape hatch, the event stream). See `lower/secrets.rs`.
    pub secret_fields: Vec<String>,
    /// The header parameters' defaults, `(wire name, value)`, each pair once in the
    /// order operations first use it: what the crate docs list as sent by default.
    pub header_defaults: Vec<(String, String)>,
    /// The servers operations have of their own (`Operation::server`), each once in
    /// the order operations first use it.
    pub servers: Vec<ServerUse>,
}

/// A server of its own that operations are sent to, and which ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUse {
    /// As in `OperationServer::url`.
    pub url: String,
    pub relative: bool,
    pub default: Option<String>,
    /// The operations sent to it, by `Operation::sdk_name`.
    pub operations: Vec<String>,
}

/// The server an operation is sent to instead of the client's base URL: the first of
/// its own `servers`, else of its path item's, when that is not the document's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationServer {
    /// The URL with its variables at their defaults, without a trailing `/`: absolute
    /// (`https://upload.box.com/api/2.0`), or relative (`/v2`), which the runtime
    /// resolves against the client's base URL (RFC 3986), so that it follows it.
    pub url: String,
    pub relative: bool,
    /// Where it points while the client's base URL is the document's server: `url`
    /// itself when absolute; `None` for a relative one when the document names no
    /// absolute server.
    pub default: Option<String>,
}

/// The package metadata of the generated crate: `x-sdk` keys, else generic defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The crate's own version, semver of its Rust API (`x-sdk.crate-version`); without
    /// it, the API's version when Cargo accepts it, else `0.1.0`.
    pub version: String,
    pub description: String,
    pub repository: Option<String>,
    pub homepage: Option<String>,
    pub documentation: Option<String>,
    /// At most 5, as crates.io allows.
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
    /// The crate's licence, an SPDX expression (`--license`, `x-sdk.license`, or
    /// `info.license`); `None` leaves the manifest without one.
    pub license: Option<String>,
    /// Whether the default features include TLS (`rustls`): not when every server of
    /// the document is plain `http://` (see `lower/servers.rs`).
    pub tls_by_default: bool,
}

/// One file of the models, `src/models/<module>.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFile {
    pub module: String,
    pub doc: String,
    /// The types written in it, in the order of `Api::types`.
    pub types: Vec<String>,
    /// The response enums by status (`Response::by_status_name`) written in it.
    pub response_enums: Vec<String>,
    /// Types of other files that it names (`use super::{..}`).
    pub imports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVars {
    /// The variable of the access token, when the API has one scheme and it takes a
    /// token (the same as that scheme's `env`).
    pub access_token: Option<String>,
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub name: String,
    pub kind: SecuritySchemeKind,
    /// Environment variables `Client::from_env` reads its credential from: one, or
    /// the user name and the password of a basic scheme.
    pub env: Vec<String>,
    /// The `ClientBuilder` method generated to set its credential, named after the
    /// scheme (`client_id`), or after what the API's one scheme is (`access_token`,
    /// `basic_auth`).
    pub setter: Name,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecuritySchemeKind {
    /// `Authorization: Bearer <token>`; also OAuth 2 and OpenID Connect access tokens.
    Bearer,
    Basic,
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema this type comes from.
    pub source: String,
    /// The finished documentation (see `lower::doc_text`): the spec's description with
    /// the generator's notes, or a fallback where the spec has none.
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// An enum of strings (or of integers) that keeps values it does not know.
    Enum(Enum),
    Union(Union),
    /// `pub type Name = Ty;`
    Alias(Ty),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    pub additional: Additional,
    /// Name of the field that holds undeclared keys (unless they are dropped).
    pub extra_field: String,
    /// Reachable from a request body: optional nullable fields get three states there,
    /// because a PATCH needs "leave as is" (absent) apart from "clear" (null).
    pub in_request: bool,
    /// Sent as `multipart/form-data`: a plain struct whose binary fields are files,
    /// turned into a form rather than serialized.
    pub multipart: bool,
}

/// What happens to object keys that are not declared properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// Kept in an `extra` map of JSON values, and written back unchanged.
    Keep,
    /// `additionalProperties: <schema>`: kept in an `extra` map of that type.
    Typed(Ty),
    /// `additionalProperties: false`: dropped when read.
    Drop,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Name,
    pub wire: String,
    /// JSON pointer of the property's schema.
    pub source: String,
    pub ty: Ty,
    pub presence: Presence,
    /// The finished documentation: the description, then notes (default, constant,
    /// read-only), or a fallback where the spec says nothing.
    pub doc: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Boxed because the field closes a cycle of types.
    pub boxed: bool,
    /// A single-value `enum`: the field can only hold this value.
    pub constant: Option<serde_json::Value>,
    /// The model's chaining setter (`with_<field>`) for a field that is not an argument
    /// of `new`, so that a `#[non_exhaustive]` struct can still be built outside the
    /// crate; `None` for arguments and constants.
    pub setter: Option<Name>,
    /// For a best-effort list, the wire names of the secret fields its item type
    /// reaches (`*` when an item is a secret itself): an item that does not decode is
    /// kept as JSON, and its `Debug` hides them. See `lower/secrets.rs`.
    pub undecoded_secrets: Vec<String>,
}

impl Field {
    /// Required and not fixed: an argument of the constructor (and of the method).
    pub fn is_argument(&self) -> bool {
        matches!(self.presence, Presence::Required) && self.constant.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Presence {
    /// `T`; an error when missing.
    Required,
    /// `Option<T>`: required but may be `null`.
    RequiredNullable,
    /// `Option<T>`: absent and `null` both read as `None`; `None` is not written.
    Optional,
    /// `Option<Nullable<T>>`: absent (`None`), `null` and a value are three states.
    OptionalNullable,
    /// `T`, filled with the spec's `default` when absent.
    Defaulted(serde_json::Value),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub variants: Vec<EnumVariant>,
    /// The values are integers (a `oneOf` of integer `const`s, each named by its
    /// `title`), written as JSON numbers; each variant's `wire` is its value in decimal.
    pub integer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
    /// The variant's documentation: its wire value, and the spec's description of it
    /// when it has one (lower leaves that description here for the doc pass).
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose value tells the variants apart; `None` for an untagged union,
    /// which picks the variant the value fits best (see `Evidence`).
    pub tag: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// Wire names of the secret fields its variants reach (see `lower/secrets.rs`):
    /// its `Unknown` JSON, a value no variant read, is shown without their values.
    pub secret_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    /// Values of the tag that select this variant (tagged unions only).
    pub tag_values: Vec<String>,
    pub boxed: bool,
    /// The variant's documentation: the tag values that select it, or what it holds.
    pub doc: String,
    /// What a value of this variant looks like (untagged unions only).
    pub evidence: Evidence,
}

/// What the spec says a value of a variant looks like, by which an untagged union picks
/// the variant a value fits best: the kind of JSON value, and for objects the keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    pub kind: JsonKind,
    /// Keys the variant requires.
    pub required: Vec<String>,
    /// Keys with one allowed value (a single-value `enum` or `const`), required or not.
    pub constants: Vec<(String, serde_json::Value)>,
    /// Every key the variant declares.
    pub known: Vec<String>,
    /// Any key is the variant's own (a map, or typed `additionalProperties`).
    pub open: bool,
    /// The values a string variant takes, when it is an enum: other strings are not it.
    pub strings: Vec<String>,
    /// The kind of each declared property's value: not used to pick a variant (reading
    /// it tells), only to know which variants a value can tell apart.
    pub property_kinds: Vec<(String, JsonKind)>,
}

/// The kind of JSON value a variant reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonKind {
    /// Anything: a nested union, or any JSON value.
    #[default]
    Any,
    Object,
    Array,
    String,
    Integer,
    Number,
    Bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    /// A string that is a secret (`format: password`, `x-sdk-secret: true`): never
    /// shown by `Debug`, sent as the plain string.
    Secret,
    Bool,
    Integer(IntFormat),
    Number(NumFormat),
    DateTime,
    Date,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A file of a multipart body (`format: binary` there): the runtime's `FilePart`.
    File,
    /// Any JSON value.
    Any,
    /// A JSON object with any keys.
    Object,
    Named(String),
    Array(Box<Ty>),
    Map(Box<Ty>),
    /// A nullable value inside a collection.
    Option(Box<Ty>),
    /// An item the API sends on a best-effort basis (the list's `x-sdk-best-effort`):
    /// decoded when it has the documented shape, else kept as JSON with why
    /// (`runtime::BestEffort`).
    BestEffort(Box<Ty>),
    /// A JSON array of fixed length whose items have their own types (`prefixItems`).
    Tuple(Vec<Ty>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntFormat {
    I32,
    I64,
    U32,
    U64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NumFormat {
    F32,
    F64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// snake_case names from the root: `["bridges", "login_sessions"]`; empty for the root.
    pub path: Vec<String>,
    /// The accessor's struct: `BridgesLoginSessions`; `Client` for the root.
    pub type_name: String,
    /// The accessor method on the parent (`login_sessions`); empty for the root.
    pub accessor: Name,
    /// The file it is written into, `src/resources/<module>.rs`: its top-level
    /// resource's (`bridges`), `mod` for the root.
    pub module: String,
    /// The spec's description, or a sentence naming the resource.
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
    pub children: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`, or one derived from method and path.
    pub id: String,
    /// Dotted place in the resource tree: `bridges.login_sessions.create`.
    pub sdk_name: String,
    pub method_name: Name,
    /// The parameters struct: `BridgesLoginSessionsCreateParams`.
    pub params_name: String,
    /// The request type the operation's method returns, with a setter per optional
    /// parameter: `BridgesLoginSessionsCreateRequest`.
    pub request_name: String,
    /// That struct's documentation.
    pub params_doc: String,
    /// The request type's documentation.
    pub request_doc: String,
    pub http_method: HttpMethod,
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub response: Response,
    pub auth: Auth,
    /// A server of its own, instead of the client's base URL.
    pub server: Option<OperationServer>,
    /// May be sent again after a failure where the server may have acted on it.
    pub idempotent: bool,
    pub pagination: Option<Pagination>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The method's documentation: summary, description, the HTTP call, and how a
    /// paginated result reads. Plain prose: emit escapes what rustdoc would read as
    /// links or HTML.
    pub doc: String,
    /// The paragraph after it that links the request type and each of its setters:
    /// Markdown with intra-doc links, printed as it is.
    pub setters_doc: String,
    /// The compiled example in the method's documentation.
    pub example: Example,
    pub deprecated: bool,
    pub source: String,
    /// Wire names whose values are secret in this operation's parameters, request body
    /// and responses (sorted), `*` when a whole body is: what the runtime keeps out of
    /// the excerpts of its response bodies that errors hold. See `lower/secrets.rs`.
    pub secret_fields: Vec<String>,
}

/// A call of an operation as its documentation shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Example {
    /// Accessors from the client, then the method: `["bridges", "retrieve"]`.
    pub call: Vec<Name>,
    pub args: Vec<ExampleArg>,
    /// The setters a caller most likely needs, called after the method: the optional
    /// parameters and body fields the spec's own request examples set, at most three.
    pub setters: Vec<ExampleSetter>,
    /// The variable the result is bound to (`accounts`, `page`); `None` for `()`.
    pub binding: Option<String>,
}

/// One setter of an example call: `.text("Hello from Rust!")`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleSetter {
    pub name: Name,
    pub value: ExampleArg,
}

/// One argument of an example call.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleArg {
    /// `"account-1"`, derived from the wire name.
    Str(String),
    /// `["account-1"]`
    StrList(Vec<String>),
    Bool(bool),
    Int(i64),
    Number(f64),
    /// The first variant of a string enum: `models::Direction::Before`.
    EnumVariant {
        ty: String,
        variant: String,
    },
    /// A file of a multipart body, read from this path.
    File(String),
    /// Raw bytes of a binary body.
    Bytes,
    /// The text of a text body.
    Text(String),
    /// A value too long to write inline: a parameter of the example function.
    Variable {
        name: String,
        ty: Ty,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Safe methods never change state, so any failure may be retried.
    pub fn is_safe(self) -> bool {
        matches!(
            self,
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Options | HttpMethod::Trace
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// Index into `Operation::params`.
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Name,
    pub wire: String,
    /// JSON pointer of the parameter (where it is declared, for a shared one).
    pub source: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    /// How a query parameter is written; `None` for path, header and cookie
    /// parameters (one value, lists comma-separated).
    pub query: Option<QueryEncoding>,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The parameter's `example` (or its first inline `examples` entry), as the spec
    /// gives it.
    pub example: Option<serde_json::Value>,
    /// A header parameter's default as the header's text (`2024-06-01`): sent when the
    /// call does not set the parameter and the client has no default header of that
    /// name. Such a parameter is never an argument of the method, even when required.
    pub default: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a query parameter is written: its style, and the shape of its value, which
/// decides which of the style's forms applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryEncoding {
    pub style: ParamStyle,
    pub shape: ValueShape,
}

/// What a parameter's value is, as its type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A string, number, boolean or string enum.
    Scalar,
    /// A list (or tuple).
    List,
    /// A struct or map.
    Object,
    /// Unknown until run time: a union, or any JSON value.
    Any,
}

/// How a query parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `a=1&a=2` for a list, `k1=v1&k2=v2` for an object.
    FormExploded,
    /// `a=1,2` for a list, `o=k1,v1,k2,v2` for an object.
    FormCompact,
    /// `a=1%202` for a list.
    SpaceDelimited,
    /// `a=1|2` for a list.
    PipeDelimited,
    /// `o[k1]=v1&o[k2]=v2`.
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub media: BodyMedia,
    /// The media type sent as `Content-Type`.
    pub content_type: String,
    pub ty: Ty,
    pub required: bool,
    /// The body schema is an object defined inline: its fields are set through the
    /// request builder, the required ones as arguments of the method.
    pub flattened: Option<FlattenedBody>,
    pub doc: Option<String>,
    /// The media type's `example` (or its first inline `examples` entry): a request as
    /// the spec's author would send it.
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlattenedBody {
    /// The body struct (also in `Api::types`).
    pub type_name: String,
    pub fields: Vec<Field>,
    /// How the builder sets each field, in the order of `fields`.
    pub setters: Vec<BodySetter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodySetter {
    /// The builder's setter (or the method's argument); differs from the field's name
    /// only where a parameter already has that name.
    pub name: Name,
    pub role: SetterRole,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetterRole {
    /// A required argument of the operation's method.
    Argument,
    /// A setter on the request; `clear` (when the field is nullable) sends `null`.
    Setter { clear: Option<ClearSetter> },
    /// Fixed by the spec (a constant) or read-only: not set by the user.
    Fixed,
}

/// The setter that sends a nullable body field as `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClearSetter {
    pub name: Name,
    pub doc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    Json,
    FormUrlEncoded,
    Multipart,
    /// Raw bytes sent as they are (`application/octet-stream`, `image/png`, ...).
    Binary,
    Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// One entry per 2xx status that has its own shape; more than one makes an enum.
    pub kind: ResponseKind,
    /// Name of the enum when responses differ by status.
    pub by_status_name: Option<String>,
    /// That enum's documentation.
    pub doc: String,
    pub statuses: Vec<StatusResponse>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusResponse {
    /// `None` for a `2XX` range.
    pub status: Option<u16>,
    pub variant: String,
    pub kind: ResponseKind,
    /// The variant's documentation in the enum by status.
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseKind {
    /// No content: `()`.
    Empty,
    Json(Ty),
    Text,
    /// Any other media type: bytes, or a stream of them.
    Bytes,
    /// Differs by status; see `Response::statuses`.
    ByStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// `security: []`: no credentials are sent.
    None,
    /// Any one of these alternatives (the spec's security requirement objects), each
    /// naming schemes of `Api::security_schemes` that are all sent together; the first
    /// that is fully configured is sent. `optional` if a requirement also allows none.
    Schemes {
        alternatives: Vec<Vec<String>>,
        optional: bool,
    },
}

/// How a list operation's pages are walked: written in `x-sdk-pagination` or inferred
/// from the operation's parameters and response (see `lower/pagination.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The page's list field; `None` when the page is the list itself.
    pub items_field: Option<FieldStep>,
    pub item_ty: Ty,
    pub walk: PageWalk,
    /// The rule that recognised the pattern; `None` when `x-sdk-pagination` says it.
    pub inferred: Option<String>,
}

/// Where the next page is, for each pattern the SDK can walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageWalk {
    /// A query parameter takes a cursor the page gives.
    Cursor {
        /// Index into `Operation::params` of the cursor parameter.
        param: usize,
        next: CursorSource,
        /// The page's "more pages" flag, if it has one.
        has_more: Option<FieldPath>,
        /// Index of the direction parameter, and the cursor field to follow for each of
        /// its values (wire value -> field).
        direction: Option<(usize, BTreeMap<String, FieldPath>)>,
    },
    /// A query parameter takes how many items to skip: advanced by the items received.
    Offset {
        param: usize,
        has_more: Option<FieldPath>,
        /// The number of items of the whole list.
        total: Option<FieldPath>,
    },
    /// A query parameter takes the page number: advanced by one.
    PageNumber {
        param: usize,
        /// The number of the first page, when the parameter is not set.
        first: i64,
        has_more: Option<FieldPath>,
        total_pages: Option<FieldPath>,
    },
    /// The page gives the full URL of the next page.
    NextUrl { next: FieldPath },
    /// The response's `Link` header has the URL of the next page (`rel="next"`).
    LinkHeader,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorSource {
    /// A field of the page.
    Field(FieldPath),
    /// A field of the page's last item (Stripe's `starting_after` takes the last id).
    LastItem(FieldPath),
}

/// A field of the page, or of an object inside it: `links.next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// The wire names joined by `.`, as written in `x-sdk-pagination`.
    pub wire: String,
    pub steps: Vec<FieldStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    /// Rust name of the field.
    pub rust: String,
    pub wire: String,
    /// The type the field belongs to.
    pub owner: String,
    /// Settled once the types are final (a page's optional nullable fields become
    /// plain options then).
    pub access: FieldAccess,
    /// The value before this step is a union, and the field is read from its variant
    /// (union type, variant) whose struct is `owner`; another variant has no such field
    /// (`links.pages.next` where `pages` is `anyOf` forward or backward links).
    pub variant_of: Option<(String, String)>,
}

/// How a field's value is reached from its struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldAccess {
    /// `T`: always there.
    Plain,
    /// `Option<T>`.
    Optional,
    /// `Option<Nullable<T>>`.
    OptionalNullable,
}
