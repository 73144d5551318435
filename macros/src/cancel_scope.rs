//! `cancel_scope!(|scope| body)`: Trio's `with CancelScope() as scope:`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Token};

const USAGE: &str = "write `cancel_scope!(|scope| { ... })`, optionally with \
     `deadline = instant,` or `grace = duration,` before `|scope|`";

struct ScopeInput {
    deadline: Option<Expr>,
    grace: Option<Expr>,
    scope: Option<Ident>,
    body: Expr,
}

impl Parse for ScopeInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(format!("cancel_scope! needs a body: {USAGE}")));
        }
        let mut deadline = None;
        let mut grace = None;
        while input.peek(Ident) && input.peek2(Token![=]) {
            let name: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = crate::parse_option_value(input, &name, USAGE)?;
            let slot = match name.to_string().as_str() {
                "deadline" => &mut deadline,
                "grace" => &mut grace,
                _ => {
                    return Err(syn::Error::new(
                        name.span(),
                        format!(
                            "unknown cancel_scope! option `{name}`: the options are `deadline` \
                             and `grace`; {USAGE}"
                        ),
                    ));
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    name.span(),
                    format!("`{name}` is given twice: {USAGE}"),
                ));
            }
            *slot = Some(value);
        }
        let scope = crate::parse_binding(input, "scope", USAGE)?;
        if input.is_empty() {
            return Err(input.error(format!("cancel_scope! needs a body: {USAGE}")));
        }
        let body: Expr = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens after the body: put the whole body in one block; {USAGE}"
            )));
        }
        Ok(ScopeInput {
            deadline,
            grace,
            scope,
            body,
        })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let ScopeInput {
        deadline,
        grace,
        scope,
        body,
    } = match syn::parse2::<ScopeInput>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let async_body = crate::async_body(&body);
    let deadline = deadline.map(|d| {
        let span = d.span();
        quote_spanned!(span=> .with_deadline(#d))
    });
    let grace = grace.map(|g| {
        let span = g.span();
        quote_spanned!(span=> .with_grace(::aio::__private::duration(#g)))
    });
    let scope =
        scope.unwrap_or_else(|| Ident::new("__aio_scope_ref", proc_macro2::Span::call_site()));
    quote! {
        {
            let __aio_scope = ::aio::CancelScope::new() #deadline #grace;
            let #scope = &__aio_scope;
            ::aio::must_be_inside_async_code!(#scope.run(#async_body))
        }
    }
}
