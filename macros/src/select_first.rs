//! `select_first!`: race branches, keep the first to complete, cancel the rest.

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Pat, Token};

const USAGE: &str = "write `select_first! { value = future => handler, ... }`";

struct Branch {
    pat: Pat,
    future: Expr,
    handler: Expr,
}

struct SelectInput {
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<Expr>,
}

/// `->` written for `=>` in a branch (`v = fut -> handler`) parses as
/// `fut - > handler` and fails with "expected an expression": find the `->`
/// among the branch's tokens and say what to write instead.
fn thin_arrow_error(input: ParseStream) -> Option<syn::Error> {
    let mut cursor = input.cursor();
    while let Some((tree, next)) = cursor.token_tree() {
        if let TokenTree::Punct(p) = &tree {
            match p.as_char() {
                ',' => return None,
                '-' if p.spacing() == Spacing::Joint => {
                    if let Some((TokenTree::Punct(q), _)) = next.token_tree()
                        && q.as_char() == '>'
                    {
                        return Some(syn::Error::new(
                            p.span(),
                            format!("expected `=>` after the branch's future, found `->`: {USAGE}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        cursor = next;
    }
    None
}

fn peek_biased(input: ParseStream) -> bool {
    input.peek(Ident)
        && input.peek2(Token![;])
        && input.fork().parse::<Ident>().is_ok_and(|i| i == "biased")
}

impl Parse for SelectInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut biased = false;
        if peek_biased(input) {
            input.parse::<Ident>()?;
            input.parse::<Token![;]>()?;
            biased = true;
        }
        let mut branches = Vec::new();
        let mut otherwise: Option<Expr> = None;
        while !input.is_empty() {
            if peek_biased(input) {
                return Err(
                    input.error("`biased;` goes first, before every branch of select_first!")
                );
            }
            if input.peek(Token![else]) {
                let else_token: Token![else] = input.parse()?;
                input.parse::<Token![=>]>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected `=>` after `else`: write `else => expression`",
                    )
                })?;
                let expr: Expr = input.parse()?;
                if otherwise.is_some() {
                    return Err(syn::Error::new(
                        else_token.span,
                        "select_first! takes one `else` branch; remove this one",
                    ));
                }
                otherwise = Some(expr);
            } else {
                let pat = Pat::parse_multi_with_leading_vert(input)?;
                input.parse::<Token![=]>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected `=` after the branch's pattern: {USAGE}"),
                    )
                })?;
                let before = input.fork();
                let future: Expr = input
                    .parse()
                    .map_err(|e| thin_arrow_error(&before).unwrap_or(e))?;
                input.parse::<Token![=>]>().map_err(|_| {
                    syn::Error::new(
                        future.span(),
                        format!(
                            "expected `=>` after the branch's future, then its handler: {USAGE}"
                        ),
                    )
                })?;
                let handler: Expr = input.parse()?;
                branches.push(Branch {
                    pat,
                    future,
                    handler,
                });
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(e.span(), format!("expected `,` between branches: {USAGE}"))
            })?;
        }
        if branches.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("select_first! needs at least one branch: {USAGE}"),
            ));
        }
        if branches.len() > 64 {
            return Err(syn::Error::new(
                branches[64].pat.span(),
                "select_first! takes at most 64 branches; nest two selects for more",
            ));
        }
        Ok(SelectInput {
            biased,
            branches,
            otherwise,
        })
    }
}

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let SelectInput {
        biased,
        branches,
        otherwise,
    } = match syn::parse2::<SelectInput>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let n = branches.len();
    let types: Vec<_> = (0..n).map(|i| format_ident!("__T{}", i)).collect();
    let variants: Vec<_> = (0..n).map(|i| format_ident!("_{}", i)).collect();
    let futures: Vec<_> = (0..n)
        .map(|i| format_ident!("__aio_branch_{}", i))
        .collect();
    let pins = branches.iter().zip(&futures).map(|(b, f)| {
        let expr = &b.future;
        let into = quote_spanned!(expr.span()=> ::aio::__private::branch_future(#expr));
        quote!(let mut #f = ::core::pin::pin!(#into);)
    });
    let polls = branches.iter().enumerate().map(|(i, b)| {
        let (pat, f, variant) = (&b.pat, &futures[i], &variants[i]);
        quote! {
            #i => {
                #[allow(unused_variables, unreachable_patterns, clippy::redundant_pattern_matching)]
                let __polled = ::aio::__private::poll_branch(#f.as_mut(), __cx, |__v| match __v {
                    #pat => true,
                    _ => false,
                });
                __polled.map(|__o| __o.map(__SelectOut::#variant))
            }
        }
    });
    let arms = branches.iter().enumerate().map(|(i, b)| {
        let (pat, handler, variant) = (&b.pat, &b.handler, &variants[i]);
        quote!(::core::option::Option::Some(__SelectOut::#variant(#pat)) => #handler,)
    });
    let none = match otherwise {
        Some(expr) => quote!(#expr),
        None => quote!(::core::panic!(
            "select_first!: every branch completed without matching its pattern and there is no `else` branch"
        )),
    };
    quote! {
        {
            enum __SelectOut<#(#types),*> { #(#variants(#types)),* }
            let __won = {
                #(#pins)*
                ::aio::must_be_inside_async_code!(::aio::__private::select_first(
                    #n,
                    #biased,
                    |__i, __cx| match __i {
                        #(#polls)*
                        _ => ::core::task::Poll::Ready(::core::option::Option::None),
                    },
                ))
            };
            #[allow(unreachable_patterns)]
            match __won {
                #(#arms)*
                ::core::option::Option::None => #none,
                _ => ::core::unreachable!("select_first!: a pattern that matched no longer does"),
            }
        }
    }
}
