//! One way to follow a `$ref`, whatever it points at: schemas, parameters, request
//! bodies and responses are each a [`Component`] kind, and [`Lowerer::resolve_ref`]
//! follows a chain of references of any kind to the item at its end, reporting a
//! reference to the wrong kind of thing and a chain that leads back to itself.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{Components, Parameter, ReferenceOr, RequestBody, Response, Schema};

use super::Lowerer;
use crate::diagnostics::{Diagnostic, Kind};
use crate::json_pointer::{percent_decode, pointer_push, unescape_token};

/// A kind of thing that lives under `#/components/<section>` and may be referenced.
pub(crate) trait Component: Sized + 'static {
    /// The key under `components`: `schemas`, `requestBodies`.
    const SECTION: &'static str;
    /// The kind as messages name it: `request body`.
    const WHAT: &'static str;

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;

    /// The target of a reference: its key, the item (or the next reference), and its
    /// pointer. `None` when the reference does not name one of this kind.
    fn lookup<'a>(
        lowerer: &Lowerer<'a>,
        reference: &str,
    ) -> Option<(String, &'a ReferenceOr<Self>, String)> {
        in_components(lowerer, reference)
    }
}

/// The key `#/components/<section>/<key>` names, decoded (`~1`, `%20`); `None` for a
/// reference to anything else, including a place inside a component
/// (`#/components/schemas/Pet/properties/owner`). Whether the key exists is not checked.
pub(crate) fn component_key<T: Component>(reference: &str) -> Option<String> {
    let rest = reference
        .strip_prefix("#/components/")?
        .strip_prefix(T::SECTION)?
        .strip_prefix('/')?;
    (!rest.contains('/')).then(|| unescape_token(&percent_decode(rest)))
}

/// `#/components/<section>/<key>` -> the key, the entry, and its pointer.
fn in_components<'a, T: Component>(
    lowerer: &Lowerer<'a>,
    reference: &str,
) -> Option<(String, &'a ReferenceOr<T>, String)> {
    let doc: &'a openapiv3::OpenAPI = lowerer.doc;
    let key = component_key::<T>(reference)?;
    let target = T::section(doc.components.as_ref()?).get(&key)?;
    let pointer = pointer_push(&format!("/components/{}", T::SECTION), &key);
    Some((key, target, pointer))
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    const WHAT: &'static str = "schema";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }

    /// A schema may also sit anywhere else in the document (see `foreign`); such a
    /// schema is keyed by the reference itself.
    fn lookup<'a>(
        lowerer: &Lowerer<'a>,
        reference: &str,
    ) -> Option<(String, &'a ReferenceOr<Self>, String)> {
        let foreign: &'a IndexMap<String, ReferenceOr<Schema>> = lowerer.foreign;
        if let Some(target) = foreign.get(reference) {
            let pointer = reference.trim_start_matches('#').to_string();
            return Some((reference.to_string(), target, pointer));
        }
        in_components(lowerer, reference)
    }
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    const WHAT: &'static str = "parameter";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    const WHAT: &'static str = "request body";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    const WHAT: &'static str = "response";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// What a `ReferenceOr` holds, seen the same way whether the item is boxed or not.
pub(crate) enum View<'s, T> {
    Ref(&'s str),
    Item(&'s T),
}

pub(crate) trait RefOr<T> {
    fn view(&self) -> View<'_, T>;
}

impl<T> RefOr<T> for ReferenceOr<T> {
    fn view(&self) -> View<'_, T> {
        match self {
            ReferenceOr::Reference { reference } => View::Ref(reference),
            ReferenceOr::Item(item) => View::Item(item),
        }
    }
}

impl<T> RefOr<T> for ReferenceOr<Box<T>> {
    fn view(&self) -> View<'_, T> {
        match self {
            ReferenceOr::Reference { reference } => View::Ref(reference),
            ReferenceOr::Item(item) => View::Item(item),
        }
    }
}

impl<T, R: RefOr<T> + ?Sized> RefOr<T> for &R {
    fn view(&self) -> View<'_, T> {
        (**self).view()
    }
}

/// The item at the end of a chain of references.
pub(crate) struct Resolved<'s, T> {
    pub item: &'s T,
    /// The item's JSON pointer.
    pub pointer: String,
    /// Its key under `components`, when a reference led to it.
    pub key: Option<String>,
}

/// Why a reference could not be followed.
pub(crate) enum RefError {
    /// Already reported: a reference that points nowhere (by `load`), or a cycle.
    Reported,
    /// The reference names something in the document, but not of the kind wanted.
    WrongKind { reference: String, at: String },
}

impl<'a> Lowerer<'a> {
    /// Whether a local `$ref` names anything at all in the document.
    pub(crate) fn resolves(&self, reference: &str) -> bool {
        reference
            .strip_prefix('#')
            .is_some_and(|fragment| self.raw.pointer(&percent_decode(fragment)).is_some())
    }

    /// Follows references to the item at the end of the chain, reporting a chain that
    /// leads back to itself; a reference to the wrong kind is left to the caller.
    pub(crate) fn follow<'s, T: Component, R: RefOr<T> + ?Sized>(
        &mut self,
        start: &'s R,
        pointer: &str,
    ) -> Result<Resolved<'s, T>, RefError>
    where
        'a: 's,
    {
        let mut view = start.view();
        let mut at = pointer.to_string();
        let mut key = None;
        let mut seen = HashSet::new();
        loop {
            let reference = match view {
                View::Item(item) => {
                    return Ok(Resolved {
                        item,
                        pointer: at,
                        key,
                    });
                }
                View::Ref(reference) => reference,
            };
            let ref_at = pointer_push(&at, "$ref");
            let Some((k, target, target_at)) = T::lookup(self, reference) else {
                // A reference that points nowhere, or into another document, was
                // reported when the document was loaded.
                return Err(if self.resolves(reference) {
                    RefError::WrongKind {
                        reference: reference.to_string(),
                        at: ref_at,
                    }
                } else {
                    RefError::Reported
                });
            };
            if !seen.insert(k.clone()) {
                self.diags.push(
                    Diagnostic::error(
                        Kind::CyclicRef,
                        ref_at,
                        format!("`$ref` chain through `{reference}` leads back to itself"),
                    )
                    .with_hint(format!("a reference must end at a {}", T::WHAT)),
                );
                return Err(RefError::Reported);
            }
            at = target_at;
            key = Some(k);
            view = target.view();
        }
    }

    /// Like [`Lowerer::follow`], and reports a reference to the wrong kind of thing.
    pub(crate) fn resolve_ref<'s, T: Component, R: RefOr<T> + ?Sized>(
        &mut self,
        start: &'s R,
        pointer: &str,
    ) -> Option<Resolved<'s, T>>
    where
        'a: 's,
    {
        match self.follow(start, pointer) {
            Ok(resolved) => Some(resolved),
            Err(RefError::WrongKind { reference, at }) => {
                self.wrong_kind::<T>(&reference, at);
                None
            }
            Err(RefError::Reported) => None,
        }
    }

    /// The key one reference names (not following further), reporting a reference to
    /// the wrong kind of thing: a schema reference names the type of its key.
    pub(crate) fn ref_key<T: Component>(&mut self, reference: &str, at: &str) -> Option<String> {
        if let Some((key, _, _)) = T::lookup(self, reference) {
            return Some(key);
        }
        if self.resolves(reference) {
            self.wrong_kind::<T>(reference, at.to_string());
        }
        None
    }

    pub(crate) fn wrong_kind<T: Component>(&mut self, reference: &str, at: String) {
        self.diags.push(
            Diagnostic::error(
                Kind::InvalidValue,
                at,
                format!("`$ref` points to `{reference}`, which is not a {}", T::WHAT),
            )
            .with_hint(format!(
                "{} references have the form #/components/{}/Name",
                T::WHAT,
                T::SECTION
            )),
        );
    }
}
