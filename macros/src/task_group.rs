//! `task_group!(|tg| body)`: asyncio's `async with TaskGroup() as tg:`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

const USAGE: &str = "write `task_group!(|tg| { ... })` (or `task_group!(supervise |tg| { ... })`, \
     `task_group!(grace = Duration::from_secs(2), |tg| { ... })`)";

struct GroupInput {
    supervise: bool,
    grace: Option<Expr>,
    tg: Ident,
    body: Expr,
}

impl Parse for GroupInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(format!("task_group! needs a body: {USAGE}")));
        }
        let mut supervise = false;
        let mut grace = None;
        while input.peek(Ident) {
            let mode: Ident = input.parse()?;
            if mode == "grace" && input.peek(Token![=]) {
                if grace.is_some() {
                    return Err(syn::Error::new(
                        mode.span(),
                        format!("`grace` is given twice: {USAGE}"),
                    ));
                }
                input.parse::<Token![=]>()?;
                grace = Some(crate::parse_option_value(input, &mode, USAGE)?);
                continue;
            }
            if mode != "supervise" {
                let message = if input.peek(Token![|]) {
                    format!(
                        "unknown task_group! mode `{mode}`: the modes are `supervise` and \
                         `grace = duration,`; {USAGE}"
                    )
                } else {
                    format!("name the group between bars, `|{mode}|`: {USAGE}")
                };
                return Err(syn::Error::new(mode.span(), message));
            }
            if supervise {
                return Err(syn::Error::new(
                    mode.span(),
                    format!("`supervise` is given twice: {USAGE}"),
                ));
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
            grace,
            tg,
            body,
        })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let GroupInput {
        supervise,
        grace,
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
    let grace = match grace {
        Some(grace) => {
            let span = grace.span();
            quote_spanned!(span=> ::core::option::Option::Some(::aio::__private::duration(#grace)))
        }
        None => quote!(::core::option::Option::None),
    };
    // `tg` is the parameter of an async closure that must accept any
    // lifetime, so keeping it outside the body is an error naming `tg`. The
    // anchor (named like `tg`, so that an error about it names `tg` too)
    // ends with this block, and with it what children and handles may
    // borrow: a handle kept outside is an error, even if unused.
    let anchor = Ident::new(&tg.to_string(), tg.span());
    // The body's output is classified: an `Err` fails the group, any other
    // value is the group's.
    quote! {
        {
            let #anchor = ::aio::__private::GroupAnchor;
            ::aio::must_be_inside_async_code!(::aio::__private::#runner(
                &#anchor,
                ::core::panic::Location::caller(),
                #grace,
                async |#tg| {
                    #[allow(unused_imports)]
                    use ::aio::__private::{PlainBody as _, ResultBody as _};
                    let __aio_body = #async_body.await;
                    (&::aio::__private::BodyOut(::core::cell::Cell::new(
                        ::core::option::Option::Some(__aio_body),
                    )))
                    .__classify()
                },
            ))
        }
    }
}
