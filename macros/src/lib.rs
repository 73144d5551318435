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

/// Runs an `async fn main()` on a new aio event loop (`aio::run`).
///
/// `main` may return anything a plain `main` may, such as `Result<(), E>`.
/// Options: `clock = real` (default) or `clock = virtual`; `debug` turns
/// debug mode on (`EventLoop::set_debug`); `seed = N` seeds the loop's fair
/// choices (`EventLoop::seed_random`); `ctrl_c = "graceful"` handles SIGTERM
/// as Ctrl-C and lets the main task await its cleanup after the first one
/// (`Runner::graceful_signals`; a second signal exits at once with 130).
///
/// ```ignore
/// #[aio::main]
/// async fn main() {
///     aio::sleep(std::time::Duration::from_millis(10)).await;
///     println!("hello");
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` test on a new aio event loop with a virtual clock: time
/// jumps whenever every task waits on a timer, so timeouts take no wall time.
///
/// The test returns nothing or `Result<(), E>` with `E: Debug`.
/// Options: `clock = virtual` (default) or `clock = real`; `debug` turns
/// debug mode on; `seed = N` replays the fair choices of a run (the start
/// branch of each unbiased `select_first!`) from seed `N`.
///
/// On the virtual clock, a test that can never make progress (every task
/// waits on something nothing can set, and no timer is left) fails with a
/// deadlock report showing what each task waits on, instead of hanging.
///
/// ```ignore
/// #[aio::test]
/// async fn an_hour_passes_instantly() {
///     aio::sleep(std::time::Duration::from_secs(3600)).await;
/// }
/// ```
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

/// Runs a body inside a cancel scope, Trio's `with CancelScope() as scope:`.
///
/// `cancel_scope!(|scope| { ... })` awaits to `Option<T>`: `Some(value)` if
/// the body finished, `None` if the scope's own cancellation (its
/// `cancel()`, a `CancelHandle`'s, or its deadline) ended it. Options before
/// `|scope|`: `deadline = instant,` and `grace = duration,`.
#[proc_macro]
pub fn cancel_scope(input: TokenStream) -> TokenStream {
    cancel_scope::expand(input.into()).into()
}

/// Runs a body with a deadline, asyncio's `async with asyncio.timeout(d):`.
///
/// `timeout!(duration, { ... })` awaits to `Result<T, aio::Elapsed>`; at the
/// deadline the body is cancelled (dropped, cleanup run).
/// `timeout!(duration, |scope| { ... })` gives the body an
/// `&aio::CancelScope` to read and move the deadline.
#[proc_macro]
pub fn timeout(input: TokenStream) -> TokenStream {
    timeout::expand(input.into()).into()
}

/// Awaits several futures of any types concurrently and returns their values
/// as a tuple, in input order, as asyncio's `gather(a, b)`. Each future
/// returns a `Result` with the same error type; the first `Err` is returned at
/// once and the other futures are dropped (cancelled).
///
/// The macro awaits by itself, so it goes in async code:
/// `let (x, y) = aio::gather!(fetch_x(), fetch_y())?;`
#[proc_macro]
pub fn gather(input: TokenStream) -> TokenStream {
    gather::expand(input.into(), true).into()
}

/// Like `gather!`, but waits for every future and returns all outputs as a
/// tuple (asyncio's `gather(..., return_exceptions=True)`).
#[proc_macro]
pub fn gather_all(input: TokenStream) -> TokenStream {
    gather::expand(input.into(), false).into()
}

/// Races branches `pattern = future => handler`: the first future to complete
/// with a value matching its pattern wins; the others are dropped (their
/// cleanup runs) before its handler runs. Fair by default; `biased;` first
/// polls branches in order. A branch whose value does not match is disabled
/// and the rest go on; `else => expr` runs when all are disabled.
#[proc_macro]
pub fn select_first(input: TokenStream) -> TokenStream {
    select_first::expand(input.into()).into()
}

/// An async generator, Python's `async def` with `yield`: evaluates to an
/// `aio::Generator`, a `Stream` of the values the body yields.
///
/// The body is like an `async move` block (captures are moved in; capture a
/// reference to borrow) in which `yield value;` hands `value` to whoever
/// iterates and suspends until the next item is asked for. The body returns
/// nothing; `return;` ends the stream. For a body that can fail with `?`,
/// use `try_stream!`.
#[proc_macro]
pub fn stream(input: TokenStream) -> TokenStream {
    stream::expand(input.into(), stream::Kind::Plain).into()
}

/// An async generator that can fail: like `stream!`, but its items are
/// `Result<T, E>`. `yield value;` yields `Ok(value)`; a `?` on an error
/// yields `Err(e)` and ends the stream.
#[proc_macro]
pub fn try_stream(input: TokenStream) -> TokenStream {
    stream::expand(input.into(), stream::Kind::Try).into()
}
