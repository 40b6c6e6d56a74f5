//! `client.events()`, for an API with a live event stream (`Api::events`). Prints
//! what lowering decided; an API without a stream gets nothing from here.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, ident};
use crate::ir::{Api, EventStream};

/// The file `src/events.rs`, when the API has a stream.
pub fn events_rs(api: &Api) -> Option<TokenStream> {
    let events = api.events.as_ref()?;
    let krate = &api.crate_ident;
    let EventStream {
        path,
        event_type,
        tag,
        resync_tag,
        resync_variant,
        auth,
        doc,
    } = events;
    let mut docs = doc.as_deref().map(doc_lines).unwrap_or_default();
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.extend([
        format!(" The live event stream at `{path}`: a `Stream` of `Result<{event_type}, Error>`."),
        format!(" After a reconnect or a gap in `seq`, it yields `{event_type}::{resync_variant}`: list what changed since then to catch up."),
        String::new(),
        " ```no_run".to_string(),
        " use futures_util::StreamExt;".to_string(),
        format!(" # async fn example(client: {krate}::Client) -> Result<(), {krate}::Error> {{"),
        format!(" let mut events = client.events().subscribe({krate}::ChatSubscription::All).await?;"),
        " while let Some(event) = events.next().await {".to_string(),
        "     match event? {".to_string(),
        format!("         {krate}::models::{event_type}::{resync_variant}(resync) => println!(\"catch up: {{resync:?}}\"),"),
        "         other => println!(\"{other:?}\"),".to_string(),
        "     }".to_string(),
        " }".to_string(),
        " # Ok(())".to_string(),
        " # }".to_string(),
        " ```".to_string(),
    ]);
    let (alternatives, optional) = super::operation::auth_tokens(auth);
    Some(quote! {
        //! The live event stream of the API.

        impl crate::Client {
            #(#[doc = #docs])*
            pub fn events(&self) -> crate::Events {
                crate::runtime::Events::new(self.runtime(), &EVENTS)
            }
        }

        static EVENTS: crate::runtime::EventsInfo = crate::runtime::EventsInfo {
            path: #path,
            tag: #tag,
            resync: #resync_tag,
            auth: #alternatives,
            auth_optional: #optional,
        };
    })
}

/// Items of `lib.rs` for the stream: its module and the runtime types users name.
pub fn lib_items(api: &Api) -> TokenStream {
    let Some(events) = &api.events else {
        return TokenStream::new();
    };
    let event = ident(&events.event_type);
    let stream_doc = [
        " The live event stream (`client.events().subscribe(..)`): a `Stream` of".to_string(),
        format!(
            " `Result<models::{}, Error>` that is `Unpin`, so that it can be stored in a",
            events.event_type
        ),
        " struct and read with `while let Some(event) = stream.next().await`.".to_string(),
    ];
    quote! {
        #[cfg(feature = "events")]
        mod events;
        #[cfg(feature = "events")]
        pub use runtime::{ChatSubscription, SentMessage};

        #(#[doc = #stream_doc])*
        #[cfg(feature = "events")]
        pub type EventStream = runtime::EventStream<models::#event>;

        /// What `client.events()` returns: the stream's settings, then `subscribe(..)`.
        #[cfg(feature = "events")]
        pub type Events = runtime::Events<models::#event>;

        /// The old name of [`ChatSubscription`], which `client.chats()` (the chats
        /// resource) made confusing.
        #[cfg(feature = "events")]
        #[deprecated(note = "renamed `ChatSubscription`")]
        pub type Chats = runtime::ChatSubscription;
    }
}
