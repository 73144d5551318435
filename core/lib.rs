//! # aio
//!
//! Python asyncio's model of concurrency for Rust: one event loop on one
//! thread, many tasks taking turns at their `.await` points, structured into
//! scopes, with the loop's clock replaceable by a virtual one that makes timing
//! tests instant and exact.
//!
//! ```
//! use std::time::Duration;
//!
//! async fn say_after(delay: u64, what: &str) -> String {
//!     aio::sleep(Duration::from_millis(delay)).await;
//!     what.to_string()
//! }
//!
//! // A program calls `aio::run(async { .. })` (or uses `#[aio::main]`); this
//! // example runs on a virtual clock, so the sleeps take no wall time.
//! aio::Runner::with_clock(aio::Clock::Virtual).run(async {
//!     let start = aio::now();
//!     let t1 = aio::create_task(say_after(2000, "world"));
//!     let t2 = aio::create_task(say_after(1000, "hello"));
//!     assert_eq!(t2.await.unwrap(), "hello");
//!     assert_eq!(t1.await.unwrap(), "world");
//!     assert_eq!(aio::now() - start, Duration::from_secs(2)); // concurrently
//! });
//! ```
//!
//! The pieces, with their asyncio names:
//!
//! | asyncio | aio |
//! |---|---|
//! | `asyncio.run(main())` | [`run`], `#[aio::main]` |
//! | `asyncio.Runner` | [`Runner`] |
//! | `asyncio.create_task` | [`create_task`] → [`Task`] |
//! | `asyncio.sleep` | [`sleep`], [`sleep_until`], [`yield_now`] |
//! | `asyncio.get_running_loop()` | [`get_running_loop`] → [`EventLoop`] |
//! | `loop.call_soon_threadsafe` | [`LoopHandle`] |
//! | `asyncio.Future` | [`Promise`] |
//! | `asyncio.current_task()` / `all_tasks()` | [`current_task`], [`all_tasks`] |
//! | `async with TaskGroup() as tg` | [`task_group!`] → [`TaskGroup`], [`ChildHandle`] |
//! | `async with timeout(d)`, `wait_for` | [`timeout!`], [`timeout()`], [`timeout_at`], [`wait_for`], [`move_on_after`] |
//! | `shield` | [`shield()`] |
//! | `gather`, `wait`, `as_completed` | [`gather()`], [`gather!`], [`gather_all()`], [`wait`], [`as_completed`] |
//! | `wait(FIRST_COMPLETED)` + cancel the rest | [`select_first!`] |
//! | `Lock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore` | [`Lock`], [`Event`], [`Condition`], [`Semaphore`], [`BoundedSemaphore`] |
//! | `Queue`, `PriorityQueue`, `LifoQueue`, `Barrier` | [`Queue`], [`PriorityQueue`], [`LifoQueue`], [`Barrier`] |
//! | `to_thread`, `run_in_executor` | [`to_thread`], [`run_in_executor`] with a [`ThreadPool`] |
//! | `run_coroutine_threadsafe` | [`run_coroutine_threadsafe`] → [`ThreadsafeFuture`] |
//! | async generators, `async for` | [`stream!`], [`try_stream!`] → [`Generator`]; [`Stream`], [`StreamExt`] |
//! | `open_connection`, `start_server`, sockets | [`net`]: [`net::open_connection`], [`net::start_server`], [`net::TcpStream`], [`net::UdpSocket`] |
//! | `create_subprocess_exec`, `create_subprocess_shell` | [`process`]: [`process::Command`], [`process::shell`] → [`process::Child`] |
//! | `loop.add_signal_handler`, Ctrl-C | [`EventLoop::add_signal_handler`], [`signal`]: [`signal::ctrl_c`], [`signal::Signals`] |
//! | (tokio's `interval`) | [`interval`], [`interval_at`] → [`Interval`] |
//! | `loop.set_debug`, `asyncio pstree` | [`EventLoop::set_debug`], [`task_tree`] → [`TaskTree`]; [`testing`] (advance a virtual clock, `wait_all_tasks_blocked`) |
//! | (aiohttp, with hyper) | `http` (feature `hyper`): `http::get`, `http::Client`, `http::serve` |

#![deny(missing_docs)]

extern crate self as aio;

mod cancel;
mod debug;
mod event_loop;
#[cfg(feature = "hyper")]
pub mod http;
pub mod net;
#[cfg(unix)]
pub mod process;
mod runner;
mod runtime;
mod scope;
#[cfg(unix)]
pub mod signal;
mod stream;
pub mod sync;
mod task;
mod threads;
mod time;
mod waiting;

#[doc = include_str!("scope/cancel_scope_macro.md")]
pub use aio_macros::cancel_scope;
#[doc = include_str!("waiting/gather_macro.md")]
pub use aio_macros::gather;
#[doc = include_str!("waiting/gather_all_macro.md")]
pub use aio_macros::gather_all;
/// Runs an `async fn main()` on a new event loop, as
/// `fn main() { aio::run(async { .. }) }` (asyncio's
/// `asyncio.run(main())`):
///
/// ```
/// #[aio::main]
/// async fn main() {
///     let task = aio::create_task(async { 6 * 7 });
///     assert_eq!(task.await.unwrap(), 42);
/// }
/// ```
///
/// `main` may return anything a plain `main` may, such as
/// `Result<(), E>`. Options, comma-separated: `clock = real` (the default)
/// or `clock = virtual`; `debug` turns debug mode on
/// ([`EventLoop::set_debug`]); `seed = N` seeds the loop's fair choices
/// ([`EventLoop::seed_random`]); `ctrl_c = "graceful"` handles SIGTERM as
/// Ctrl-C and lets the main task await its cleanup after the first one
/// ([`Runner::graceful_signals`]; a second signal exits at once with 130).
///
/// ```
/// use std::time::Duration;
///
/// #[aio::main(clock = virtual, debug)]
/// async fn main() -> Result<(), std::num::ParseIntError> {
///     aio::sleep(Duration::from_secs(3600)).await; // instant on this clock
///     let n: u32 = "7".parse()?;
///     assert_eq!(n, 7);
///     Ok(())
/// }
/// ```
///
/// # Returns
///
/// The attribute turns `async fn main() -> R` into a plain `fn main() -> R`
/// that makes a [`Runner`] with the chosen clock, applies the options and
/// runs the body on it; the function returns what the body returns, once
/// the loop has closed as [`run`] describes (tasks still alive are
/// cancelled and their cleanup runs).
///
/// # Common mistakes
///
/// Each is an error at the attribute or the function, saying what to write:
/// a `main` that is not `async` ("`#[aio::main]` needs an async function"),
/// has parameters or generics, an unknown option ("unknown option `flavor`
/// for `#[aio::main]`: the options are ..."), an option given twice.
///
/// ```compile_fail
/// #[aio::main]
/// fn main() {}
/// ```
///
/// ```compile_fail
/// #[aio::main(flavor = current_thread)]
/// async fn main() {}
/// ```
pub use aio_macros::main;
#[doc = include_str!("waiting/select_first.md")]
pub use aio_macros::select_first;
/// An async generator (Python's `async def` with `yield`), iterated with
/// `while let Some(item) = stream.next().await` (asyncio's `async for`):
///
/// ```
/// use aio::StreamExt;
/// use std::time::Duration;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let start = aio::now();
///     let mut pages = aio::stream! {
///         for page in 1..=3 {
///             aio::sleep(Duration::from_millis(10)).await; // fetch it
///             yield format!("page {page}");
///         }
///     };
///     let mut seen = Vec::new();
///     while let Some(page) = pages.next().await {
///         seen.push(page);
///     }
///     assert_eq!(seen, ["page 1", "page 2", "page 3"]);
///     assert_eq!(aio::now() - start, Duration::from_millis(30)); // virtual time
/// });
/// ```
///
/// The body is like an `async move` block (captures are moved in; capture a
/// reference to borrow) in which `yield value;` hands `value` to whoever
/// iterates and suspends until the next item is asked for. Nothing runs
/// until the first item is asked for. `return;` ends the stream. For a body
/// that can fail with `?`, use [`try_stream!`].
///
/// # Returns
///
/// An [`aio::Generator<T, _>`](Generator) (a value, not awaited: it is
/// `impl Stream<Item = T>`), where `T` is the type of the yielded values.
/// Return it from a function as `impl Stream<Item = T>`.
///
/// # Common mistakes
///
/// A `yield` inside a closure, a nested `async` block or another macro
/// cannot reach the generator ("`yield` inside a closure cannot reach the
/// stream! generator"): use a `for` loop, or compute the value and `yield`
/// it in the body.
///
/// ```compile_fail
/// let _numbers = aio::stream! {
///     let items = vec![1, 2, 3];
///     items.iter().for_each(|i| {
///         yield *i;
///     });
/// };
/// ```
///
/// A `?` ("`?` cannot end a `stream!`: use `aio::try_stream!`"), or a
/// returned value ("a generator returns no value: `yield` the value, then
/// `return;`"):
///
/// ```compile_fail
/// let _numbers = aio::stream! {
///     let n: u32 = "12".parse()?;
///     yield n;
/// };
/// ```
#[doc(inline)]
pub use aio_macros::stream;
#[doc = include_str!("scope/task_group_macro.md")]
pub use aio_macros::task_group;
/// Runs an `async fn` test on a new event loop with a virtual clock: time
/// jumps whenever every task waits on a timer, so timeouts take no wall time.
///
/// ```
/// use std::time::Duration;
///
/// #[aio::test]
/// async fn a_slow_reply_times_out() {
///     let reply = aio::timeout!(Duration::from_secs(30), {
///         aio::sleep(Duration::from_secs(3600)).await; // the server hangs
///     });
///     assert!(reply.is_err());
///     assert_eq!(aio::get_running_loop().time(), 30.0); // and no wall time
/// }
/// # fn main() {}
/// ```
///
/// The test returns nothing or `Result<(), E>` with `E: Debug`. Options:
/// `clock = virtual` (the default) or `clock = real`; `debug` turns debug
/// mode on; `seed = N` replays the fair choices of a run (the start branch
/// of each unbiased [`select_first!`]) from seed `N`.
///
/// On the virtual clock, a test that can never make progress (every task
/// waits on something nothing can set, and no timer is left) fails with a
/// deadlock report showing what each task waits on, instead of hanging.
///
/// # Returns
///
/// The attribute turns `async fn name() -> R` into a `#[test] fn name() -> R`
/// that runs the body on a [`Runner`] with the chosen clock.
///
/// # Common mistakes
///
/// A test that is not `async` ("`#[aio::test]` needs an async function:
/// write `async fn ...()`"), or that returns a value the harness cannot
/// report ("an `#[aio::test]` returns nothing or `Result<(), E>` with
/// `E: Debug`"): assert on the value instead. `ctrl_c` is not an option of
/// tests.
///
/// ```compile_fail
/// #[aio::test]
/// async fn returns_a_number() -> u32 {
///     42
/// }
/// # fn main() {}
/// ```
pub use aio_macros::test;
#[doc = include_str!("scope/timeout_macro.md")]
pub use aio_macros::timeout;
/// An async generator whose `?` ends the stream with the error:
///
/// ```
/// use aio::{Stream, StreamExt};
///
/// fn numbers(text: &str) -> impl Stream<Item = Result<u32, std::num::ParseIntError>> + '_ {
///     aio::try_stream! {
///         for word in text.split(' ') {
///             aio::yield_now().await;
///             yield word.parse::<u32>()?;
///         }
///     }
/// }
///
/// aio::run(async {
///     let all: Vec<_> = numbers("1 2 x 3").collect().await;
///     assert_eq!(all.len(), 3, "the stream ends with the first error");
///     assert_eq!(all[..2], [Ok(1), Ok(2)]);
///     assert!(all[2].is_err());
/// });
/// ```
///
/// Like [`stream!`], but `yield value;` yields `Ok(value)` and a `?` on an
/// error yields `Err(e)` (converted with `From`, as `?` does) and ends the
/// stream.
///
/// # Returns
///
/// An [`aio::Generator`] that is `impl Stream<Item = Result<T, E>>`
/// (a value, not awaited). `E` usually needs naming, as in the function's
/// return type above.
///
/// # Common mistakes
///
/// Returning the error instead of raising it ("a generator returns no value:
/// `yield` the value, then `return;`, or end with an error: `Err(e)?`"):
///
/// ```compile_fail
/// let _numbers = aio::try_stream! {
///     yield 1;
///     return Err::<(), std::io::Error>(std::io::Error::other("boom"));
/// };
/// ```
#[doc(inline)]
pub use aio_macros::try_stream;
pub use cancel::{
    CancelReason, Cancelled, CancelledFuture, CatchCancel, Reraise, cancelled, catch_cancel,
};
pub use debug::testing;
pub use debug::{NodeKind, TaskTree, TreeNode, task_tree};
pub use event_loop::{EventLoop, get_running_loop};
/// An async iterator, what `async for` walks: `futures_core::Stream`. aio's
/// generators, [`as_completed`], a reader's
/// [`lines`](crate::net::StreamReader::lines), a listener's
/// [`incoming`](crate::net::TcpListener::incoming) and a queue's
/// [`stream`](crate::sync::BaseQueue::stream) are all streams. Waiting on an
/// [`Event`] is not: it is one value, awaited once.
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
pub use runner::{Runner, run};
pub use runtime::Clock;
pub use scope::{
    CancelHandle, CancelScope, ChildError, ChildHandle, ChildOutcome, Elapsed, Failure, GroupError,
    GroupHandle, ScopeRun, Shield, Start, StartError, Started, TaskGroup, Timeout, TimeoutDuration,
    TimeoutScope, current_effective_deadline, move_on_after, move_on_at, shield, timeout,
    timeout_at, wait_for,
};
pub use stream::Generator;
pub use sync::{
    Barrier, BoundedSemaphore, Condition, Event, LifoQueue, Lock, PriorityQueue, Queue, Semaphore,
};
pub use task::{
    AbortOnDrop, CallbackHandle, DEFAULT_SHUTDOWN_GRACE, InvalidStateError, JoinTarget, Panic,
    Promise, PromiseRef, PromiseWait, Task, TaskError, TaskJoin, TaskRef, all_tasks, create_task,
    current_task,
};
pub use threads::{
    Blocking, DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT, LoopClosed, LoopHandle, LoopWork, PerCore,
    PoolShutDown, ThreadPool, ThreadsafeCall, ThreadsafeFuture, WaitTimedOut,
    run_coroutine_threadsafe, run_in_executor, run_per_core, to_thread,
};
pub use time::{
    Interval, MissedTickBehavior, Sleep, YieldNow, interval, interval_at, now, sleep, sleep_until,
    yield_now,
};
pub use waiting::{
    AsCompleted, FailFast, Gather, ReturnAll, ReturnWhen, Wait, as_completed, gather, gather_all,
    wait,
};

/// Items the macros expand to. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::runner::Runner;
    pub use crate::runtime::Clock;
    pub use crate::scope::{__duration as duration, __with_scope as with_scope};
    pub use crate::scope::{__run_group as run_group, __run_supervised as run_supervised};
    pub use crate::scope::{BodyOut, GroupAnchor, PlainBody, ResultBody};
    pub use crate::stream::{__yielder as yielder, Yielder};
    pub use crate::threads::{BuildOnLoop, SendFuture};
    pub use crate::waiting::{__branch_future as branch_future, __poll_branch as poll_branch};
    pub use crate::waiting::{__gather_poll as gather_poll, GatherSlot};
    pub use crate::waiting::{SelectFirst, select_first};
}

/// Awaits a macro's future. The macros that await (`task_group!`,
/// `timeout!`, `cancel_scope!`, `select_first!`, `gather!`) go through it so
/// that, used outside async code, rustc's error ("`await` is only allowed
/// inside `async` functions and blocks", at the macro call) ends with a
/// note naming this macro: "this error originates in the macro
/// `::aio::must_be_inside_async_code`".
#[doc(hidden)]
#[macro_export]
macro_rules! must_be_inside_async_code {
    ($future:expr) => {
        $future.await
    };
}

#[doc = include_str!("../docs/guide.md")]
pub mod guide {}
