//! `gather!(a, b, ..)` and `gather_all!(a, b, ..)`: asyncio's `gather` for
//! futures of different types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

pub(crate) fn expand(input: TokenStream, fail_fast: bool) -> TokenStream {
    let name = if fail_fast { "gather!" } else { "gather_all!" };
    let futures = match Punctuated::<Expr, Token![,]>::parse_terminated.parse2(input) {
        Ok(futures) => futures,
        Err(err) => {
            return syn::Error::new(
                err.span(),
                format!("{name} takes futures separated by commas: write `{name}(a, b, c)`"),
            )
            .to_compile_error();
        }
    };
    if futures.is_empty() {
        return syn::Error::new(
            proc_macro2::Span::call_site(),
            format!("{name} needs at least one future: write `{name}(a, b)`"),
        )
        .to_compile_error();
    }
    let slots: Vec<_> = (0..futures.len())
        .map(|i| format_ident!("__aio_gather_{}", i))
        .collect();
    let pins = futures.iter().zip(&slots).map(|(future, slot)| {
        let new = quote_spanned!(future.span()=> ::aio::__private::GatherSlot::new(#future));
        quote!(let mut #slot = ::core::pin::pin!(#new);)
    });
    let polls = slots.iter().map(|slot| {
        if fail_fast {
            quote! {
                if #slot.as_mut().poll_slot(__cx) {
                    if #slot.failed() {
                        return ::core::task::Poll::Ready(::core::result::Result::Err(
                            match #slot.as_mut().take() {
                                ::core::result::Result::Err(e) => e,
                                ::core::result::Result::Ok(_) => ::core::unreachable!(),
                            },
                        ));
                    }
                } else {
                    __all = false;
                }
            }
        } else {
            quote!(if !#slot.as_mut().poll_slot(__cx) { __all = false; })
        }
    });
    let outputs = slots.iter().map(|slot| {
        if fail_fast {
            quote! {
                match #slot.as_mut().take() {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(_) => ::core::unreachable!(),
                }
            }
        } else {
            quote!(#slot.as_mut().take())
        }
    });
    let done = if fail_fast {
        quote!(::core::result::Result::Ok((#(#outputs,)*)))
    } else {
        quote!((#(#outputs,)*))
    };
    quote! {
        {
            #(#pins)*
            ::aio::must_be_inside_async_code!(::aio::__private::gather_poll(|__cx| {
                let mut __all = true;
                #(#polls)*
                if __all {
                    ::core::task::Poll::Ready(#done)
                } else {
                    ::core::task::Poll::Pending
                }
            }))
        }
    }
}
