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
    let event = ident(event_type);
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
        format!(" let mut events = client.events().subscribe({krate}::Chats::All).await?;"),
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
            pub fn events(&self) -> crate::runtime::Events<crate::models::#event> {
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
    if api.events.is_none() {
        return TokenStream::new();
    }
    quote! {
        #[cfg(feature = "events")]
        mod events;
        #[cfg(feature = "events")]
        pub use runtime::{Chats, EventStream, SentMessage};
    }
}
