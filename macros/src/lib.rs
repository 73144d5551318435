//! The procedural macros of [aio](https://docs.rs/aio). Use them through the
//! `aio` crate (`#[aio::main]`, `#[aio::test]`), which re-exports them.

mod entry;

use proc_macro::TokenStream;

/// Runs an `async fn main()` on a new aio event loop (`aio::run`).
///
/// `main` may return anything a plain `main` may, such as `Result<(), E>`.
/// Option: `clock = real` (default) or `clock = virtual`.
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
/// Option: `clock = virtual` (default) or `clock = real`.
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
