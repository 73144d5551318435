//! `stream! { .. }` and `try_stream! { .. }`: async generators, Python's
//! `async def` with `yield`.
//!
//! The body becomes an `async move` block in which each `yield value` is
//! `yielder.send(value).await`; `aio::Generator` polls the block and hands
//! out what it yields. Only yields the body can reach are rewritten: a
//! `yield` inside a closure, a nested async block, an item or another macro
//! would run in some other future, so it is an error that says so.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Ident, Item, Macro, Stmt};

/// Which macro: `stream!` (items are the yielded values) or `try_stream!`
/// (items are `Ok(value)`, and a `?` ends the stream with `Err(e)`).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Plain,
    Try,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Plain => "stream!",
            Kind::Try => "try_stream!",
        }
    }
}

pub(crate) fn expand(input: TokenStream, kind: Kind) -> TokenStream {
    match generator(input, kind) {
        Ok(tokens) => tokens,
        Err(err) => err.to_compile_error(),
    }
}

fn generator(input: TokenStream, kind: Kind) -> syn::Result<TokenStream> {
    let name = kind.name();
    if input.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "{name} needs a body that yields: write `{name} {{ for i in 0..3 {{ yield i; }} }}`"
            ),
        ));
    }
    let mut stmts = syn::parse::Parser::parse2(Block::parse_within, input).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("{e}: the body of {name} is statements, as in an `async` block"),
        )
    })?;
    let yielder = Ident::new("__aio_yielder", Span::mixed_site());
    let mut rewrite = Rewrite {
        kind,
        yielder: &yielder,
        inside: None,
        errors: None,
    };
    for stmt in &mut stmts {
        rewrite.visit_stmt_mut(stmt);
    }
    if let Some(errors) = rewrite.errors {
        return Err(errors);
    }
    // A generator has no final value (Python's `return value` in an async
    // generator is a syntax error): a trailing expression must be `()`, which
    // this checks where the user wrote it.
    if let Some(Stmt::Expr(tail, semi @ None)) = stmts.last_mut() {
        let end = Ident::new("__aio_end", Span::mixed_site());
        let unit = quote_spanned!(tail.span()=> ());
        *tail = Expr::Verbatim(quote!(let #end: #unit = #tail));
        *semi = Some(Default::default());
    }
    let slot = Ident::new("__aio_slot", Span::mixed_site());
    Ok(quote! {
        {
            let (#yielder, #slot) = ::aio::__private::yielder();
            ::aio::Generator::__new(#slot, async move { #(#stmts)* })
        }
    })
}

/// A place in the body whose code is some other function or future.
#[derive(Clone, Copy)]
struct Inside {
    what: &'static str,
    instead: &'static str,
}

const CLOSURE: Inside = Inside {
    what: "a closure",
    instead: "use a `for` loop instead of the closure, or collect the values and yield them",
};
const ASYNC_BLOCK: Inside = Inside {
    what: "an async block",
    instead: "await it in the body and `yield` what it returns",
};
const ITEM: Inside = Inside {
    what: "a nested item",
    instead: "return the value from the item and `yield` it in the body",
};

/// Rewrites the body's yields and reports the misuse it finds.
struct Rewrite<'a> {
    kind: Kind,
    yielder: &'a Ident,
    /// What the visitor is inside of when it is not the generator's own
    /// future, and how to yield from there instead.
    inside: Option<Inside>,
    errors: Option<syn::Error>,
}

impl Rewrite<'_> {
    fn error(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    fn within(&mut self, what: Inside, visit: impl FnOnce(&mut Self)) {
        let outer = self.inside.replace(what);
        visit(self);
        self.inside = outer;
    }
}

impl VisitMut for Rewrite<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) => self.within(CLOSURE, |v| visit_mut::visit_expr_mut(v, expr)),
            Expr::Async(_) => self.within(ASYNC_BLOCK, |v| visit_mut::visit_expr_mut(v, expr)),
            Expr::Yield(y) => {
                visit_mut::visit_expr_yield_mut(self, y);
                let span = y.yield_token.span;
                if let Some(Inside { what, instead }) = self.inside {
                    let name = self.kind.name();
                    return self.error(syn::Error::new(
                        span,
                        format!(
                            "`yield` inside {what} cannot reach the {name} generator, which \
                             only sees the yields of its own body: {instead}"
                        ),
                    ));
                }
                let value = match y.expr.take() {
                    Some(value) => value.into_token_stream(),
                    None => quote!(()),
                };
                let send = match self.kind {
                    Kind::Plain => quote_spanned!(span=> send),
                    Kind::Try => quote_spanned!(span=> send_ok),
                };
                let yielder = self.yielder;
                *expr = Expr::Verbatim(quote_spanned!(span=> #yielder.#send(#value).await));
            }
            Expr::Return(ret) if self.inside.is_none() => {
                visit_mut::visit_expr_return_mut(self, ret);
                if ret.expr.is_some() {
                    let hint = match self.kind {
                        Kind::Plain => "`yield` the value, then `return;`",
                        Kind::Try => {
                            "`yield` the value, then `return;`, or end with an error: `Err(e)?`"
                        }
                    };
                    let message = format!("a generator returns no value: {hint}");
                    self.error(syn::Error::new_spanned(&*ret, message));
                }
            }
            Expr::Try(t) if self.inside.is_none() => {
                visit_mut::visit_expr_try_mut(self, t);
                let span = t.question_token.span;
                if self.kind == Kind::Plain {
                    return self.error(syn::Error::new(
                        span,
                        "`?` cannot end a `stream!`: use `aio::try_stream!`, whose items are \
                         `Result`s and which ends with the error",
                    ));
                }
                // The error is the stream's last item.
                let (yielder, value) = (self.yielder, &t.expr);
                *expr = Expr::Verbatim(quote_spanned! {span=>
                    match #value {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(error) => {
                            #yielder.send_err(error);
                            return;
                        }
                    }
                });
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        self.within(ITEM, |v| visit_mut::visit_item_mut(v, item));
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        if is_generator(&mac.path) {
            return; // it rewrites its own yields
        }
        if let Some(span) = find_yield(mac.tokens.clone()) {
            let path = mac.path.to_token_stream().to_string().replace(' ', "");
            let name = self.kind.name();
            self.error(syn::Error::new(
                span,
                format!(
                    "`yield` inside `{path}!` cannot reach the {name} generator, which only \
                     sees the yields of its own body: let the macro compute the value, then \
                     `yield` it"
                ),
            ));
        }
    }
}

/// `stream!`, `try_stream!` or a path ending in them.
fn is_generator(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "stream" || s.ident == "try_stream")
}

/// The first `yield` in a macro's tokens, not counting those of a nested
/// generator macro.
fn find_yield(tokens: TokenStream) -> Option<Span> {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(ident) if ident == "yield" => return Some(ident.span()),
            TokenTree::Ident(ident) if ident == "stream" || ident == "try_stream" => {
                if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    tokens.next();
                    tokens.next(); // the nested generator's body
                }
            }
            TokenTree::Group(group) => {
                if let Some(span) = find_yield(group.stream()) {
                    return Some(span);
                }
            }
            _ => {}
        }
    }
    None
}
