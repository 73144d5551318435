//! Async iteration, asyncio's `async for`: the [`Generator`] behind the
//! `stream!` and `try_stream!` macros (an async generator, `async def` with
//! `yield`), and the `Stream` and `StreamExt` traits users iterate with.
//!
//! Imports nothing from the other folders: a generator is plain futures
//! machinery and works on any executor.

mod generator;

/// An async iterator, what `async for` walks: `futures_core::Stream`. aio's
/// generators, [`as_completed`](crate::as_completed), a reader's
/// [`lines`](crate::net::StreamReader::lines), a listener's
/// [`incoming`](crate::net::TcpListener::incoming) and a queue's
/// [`stream`](crate::sync::BaseQueue::stream) are all streams. Waiting on an
/// [`Event`](crate::Event) is not: it is one value, awaited once.
///
/// ```
/// use aio::{Stream, StreamExt};
///
/// fn countdown(from: u32) -> impl Stream<Item = u32> {
///     aio::stream! {
///         for i in (1..=from).rev() {
///             yield i;
///         }
///     }
/// }
///
/// aio::run(async {
///     assert_eq!(countdown(3).collect::<Vec<_>>().await, [3, 2, 1]);
/// });
/// ```
#[doc(inline)]
pub use futures_core::Stream;
/// The adapters of `futures::StreamExt` (`next`, `map`, `filter`, `take`,
/// `collect`...), so that one import makes any [`Stream`] iterable.
///
/// ```
/// use aio::StreamExt;
///
/// aio::run(async {
///     let mut squares = aio::stream! {
///         for i in 1.. {
///             yield i;
///         }
///     }
///     .map(|i| i * i)
///     .take(3);
///     while let Some(square) = squares.next().await {
///         println!("{square}");
///     }
/// });
/// ```
#[doc(inline)]
pub use futures_util::StreamExt;
pub use generator::Generator;

pub use generator::{__yielder, Yielder};
