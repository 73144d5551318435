//! `task_group!(|tg| body)`: asyncio's `async with TaskGroup() as tg:`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Token};

const USAGE: &str = "write `task_group!(|tg| { ... })` (or `task_group!(supervise |tg| { ... })`)";

struct GroupInput {
    supervise: bool,
    tg: Ident,
    body: Expr,
}

impl Parse for GroupInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(format!("task_group! needs a body: {USAGE}")));
        }
        let mut supervise = false;
        if input.peek(Ident) {
            let mode: Ident = input.parse()?;
            if mode != "supervise" {
                let message = if input.peek(Token![|]) {
                    format!(
                        "unknown task_group! mode `{mode}`: the only mode is `supervise`; {USAGE}"
                    )
                } else {
                    format!("name the group between bars, `|{mode}|`: {USAGE}")
                };
                return Err(syn::Error::new(mode.span(), message));
            }
            supervise = true;
        }
        let open: Token![|] = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `|tg|` naming the group: {USAGE}"),
            )
        })?;
        let tg: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected a name for the group between the bars: {USAGE}"),
            )
        })?;
        input.parse::<Token![|]>().map_err(|e| {
            syn::Error::new(e.span(), format!("expected `|` after `|{tg}`: {USAGE}"))
        })?;
        let _ = open;
        if input.is_empty() {
            return Err(input.error(format!("task_group! needs a body after `|{tg}|`: {USAGE}")));
        }
        let body: Expr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens after the group's body: put the whole body in one block; {USAGE}"
            )));
        }
        Ok(GroupInput {
            supervise,
            tg,
            body,
        })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let GroupInput {
        supervise,
        tg,
        body,
    } = match syn::parse2::<GroupInput>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let async_body = crate::async_body(&body);
    let runner = if supervise {
        quote!(run_supervised)
    } else {
        quote!(run_group)
    };
    // The group's state is named with the user's `tg` span, so that borrow
    // errors (a child borrowing too short a local, `tg` escaping) point there.
    let state = quote_spanned!(tg.span()=> __aio_task_group);
    quote! {
        {
            let #state = ::aio::TaskGroup::__new(#supervise);
            let #tg = &#state;
            ::aio::__private::#runner(#tg, #async_body).await
        }
    }
}
