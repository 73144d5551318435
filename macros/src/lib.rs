//! The procedural macros of [aio](https://docs.rs/aio). Use them through the
//! `aio` crate (`#[aio::main]`, `#[aio::test]`), which re-exports them.

mod cancel_scope;
mod entry;
mod gather;
#[cfg(test)]
mod robustness;
mod select_first;
mod stream;
mod task_group;
mod timeout;

use proc_macro::TokenStream;

/// Parses an optional `|name|` binding (a scope's); `usage` says what to
/// write instead when it is malformed.
pub(crate) fn parse_binding(
    input: syn::parse::ParseStream,
    what: &str,
    usage: &str,
) -> syn::Result<Option<syn::Ident>> {
    if !input.peek(syn::Token![|]) {
        return Ok(None);
    }
    input.parse::<syn::Token![|]>()?;
    let name: syn::Ident = input.parse().map_err(|e| {
        syn::Error::new(e.span(), format!("expected a name for the {what}: {usage}"))
    })?;
    input
        .parse::<syn::Token![|]>()
        .map_err(|e| syn::Error::new(e.span(), format!("expected `|` after `|{name}`: {usage}")))?;
    Ok(Some(name))
}

/// Parses the value of a `name = value,` option: every token up to the next
/// top-level `,`, which must be there (so a value is never read as running
/// into what follows, such as `|scope|`).
pub(crate) fn parse_option_value(
    input: syn::parse::ParseStream,
    name: &syn::Ident,
    usage: &str,
) -> syn::Result<syn::Expr> {
    let mut tokens = proc_macro2::TokenStream::new();
    while !input.is_empty() && !input.peek(syn::Token![,]) {
        tokens.extend(std::iter::once(input.parse::<proc_macro2::TokenTree>()?));
    }
    if input.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            format!("expected `,` after `{name} = ...`: {usage}"),
        ));
    }
    input.parse::<syn::Token![,]>()?;
    if tokens.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            format!("`{name} =` needs a value: {usage}"),
        ));
    }
    syn::parse2(tokens)
}

/// `async { body }`, reusing the body's own braces when it is a block (so no
/// "unnecessary braces" lint fires on the user's code).
pub(crate) fn async_body(body: &syn::Expr) -> proc_macro2::TokenStream {
    match body {
        syn::Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => {
            let block = &block.block;
            quote::quote!(async #block)
        }
        other => quote::quote!(async { #other }),
    }
}

/// # What it expands to
///
/// A plain `fn main() -> R` that holds the body as an inner
/// `async fn inner() -> R`, makes a `Runner` on the chosen clock, applies
/// the options to it (`debug`, `seed`, `ctrl_c`) and returns
/// `runner.run(inner())`. The function keeps its name, attributes and
/// visibility.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Main, args.into(), item.into()).into()
}

/// # What it expands to
///
/// A plain `#[test] fn name() -> R` that holds the body as an inner
/// `async fn inner() -> R`, makes a `Runner` on the chosen clock (virtual by
/// default), applies the options to it and returns `runner.run(inner())`:
/// the test harness sees a plain test.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Test, args.into(), item.into()).into()
}

/// # What it expands to
///
/// A block that makes a group anchor named like `tg` and awaits
/// `aio::__private::run_group` (or `run_supervised`) on an async closure
/// `async |tg| { body }`. The closure accepts a `&TaskGroup` of any lifetime,
/// so `tg` cannot leave it; the anchor ends with the block, so neither can a
/// handle. The body's value is sorted at compile time: an `Err` fails the
/// group, any other value is the group's.
#[proc_macro]
pub fn task_group(input: TokenStream) -> TokenStream {
    task_group::expand(input.into()).into()
}

/// # What it expands to
///
/// A block that makes `CancelScope::new()` (with `.with_deadline(instant)`
/// and `.with_grace(duration)` for the options), binds `scope` to a
/// reference to it, and awaits `scope.run(async { body })`.
#[proc_macro]
pub fn cancel_scope(input: TokenStream) -> TokenStream {
    cancel_scope::expand(input.into()).into()
}

/// # What it expands to
///
/// `aio::timeout(duration, async { body }).await`; with `|scope|`, a block
/// that makes the timeout's `CancelScope` first, binds `scope` to a
/// reference to it, and awaits the body in it. The duration is checked to
/// be a `Duration` where it is written.
#[proc_macro]
pub fn timeout(input: TokenStream) -> TokenStream {
    timeout::expand(input.into()).into()
}

/// # What it expands to
///
/// A block that pins each future in a slot on the stack (no allocation, no
/// task) and awaits one `poll_fn` that polls every unfinished slot in turn:
/// `Ready(Err(e))` at the first slot that failed (the block's end drops the
/// others), `Ready(Ok((a, b, ..)))` once all are done.
#[proc_macro]
pub fn gather(input: TokenStream) -> TokenStream {
    gather::expand(input.into(), true).into()
}

/// # What it expands to
///
/// As `gather!`: the futures are pinned in slots on the stack and polled in
/// turn by one `poll_fn`, which is ready with the tuple of every output once
/// all are done.
#[proc_macro]
pub fn gather_all(input: TokenStream) -> TokenStream {
    gather::expand(input.into(), false).into()
}

/// # What it expands to
///
/// A block that pins each branch's future on the stack, awaits a race that
/// polls them (from a random start unless `biased;`) and keeps the first
/// output matching its pattern, then leaves the inner block, dropping every
/// future, and `match`es that output against the winning branch's pattern to
/// run its handler in the enclosing code (so `break`, `return` and `?` work
/// there). No branch matching runs `else` (a panic without one).
#[proc_macro]
pub fn select_first(input: TokenStream) -> TokenStream {
    select_first::expand(input.into()).into()
}

/// # What it expands to
///
/// `aio::Generator::__new(slot, async move { body })`, where each `yield v;`
/// of the body (not of a closure or nested block inside it) is rewritten to
/// `yielder.send(v).await`: it puts `v` in a slot shared with the generator
/// and suspends until the generator hands it out.
#[proc_macro]
pub fn stream(input: TokenStream) -> TokenStream {
    stream::expand(input.into(), stream::Kind::Plain).into()
}

/// # What it expands to
///
/// As `stream!`, with `yield v;` rewritten to `yielder.send_ok(v).await`,
/// and a body that returns a `Result`: its `Err` (from a `?`) becomes the
/// last item.
#[proc_macro]
pub fn try_stream(input: TokenStream) -> TokenStream {
    stream::expand(input.into(), stream::Kind::Try).into()
}
