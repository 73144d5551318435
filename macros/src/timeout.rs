//! `timeout!(duration, body)`: asyncio's `async with timeout(duration):`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

const USAGE: &str =
    "write `timeout!(Duration::from_secs(5), { ... })` or `timeout!(duration, |scope| { ... })`";

struct TimeoutInput {
    duration: Expr,
    scope: Option<Ident>,
    body: Expr,
}

impl Parse for TimeoutInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(format!("timeout! needs a duration and a body: {USAGE}")));
        }
        if input.peek(syn::token::Brace) || input.peek(Token![|]) {
            return Err(input.error(format!("timeout! needs a duration first: {USAGE}")));
        }
        let duration: Expr = input.parse()?;
        if input.is_empty() {
            return Err(syn::Error::new(
                duration.span(),
                format!("timeout! needs a body after the duration: {USAGE}"),
            ));
        }
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `,` between the duration and the body: {USAGE}"),
            )
        })?;
        if input.is_empty() {
            return Err(syn::Error::new(
                duration.span(),
                format!("timeout! needs a body after the duration: {USAGE}"),
            ));
        }
        let scope = crate::parse_binding(input, "scope", USAGE)?;
        let body: Expr = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens after the body: put the whole body in one block; {USAGE}"
            )));
        }
        Ok(TimeoutInput {
            duration,
            scope,
            body,
        })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let TimeoutInput {
        duration,
        scope,
        body,
    } = match syn::parse2::<TimeoutInput>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let async_body = crate::async_body(&body);
    let duration = quote_spanned!(duration.span()=> ::aio::__private::duration(#duration));
    match scope {
        None => quote! {
            ::aio::must_be_inside_async_code!(::aio::timeout(#duration, #async_body))
        },
        Some(scope) => quote! {
            {
                let #scope = ::aio::CancelScope::__timeout(#duration);
                let #scope = &#scope;
                ::aio::must_be_inside_async_code!(::aio::__private::with_scope(#scope, #async_body))
            }
        },
    }
}
