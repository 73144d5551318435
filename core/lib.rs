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
//! aio::run(async {
//!     let t1 = aio::create_task(say_after(20, "world"));
//!     let t2 = aio::create_task(say_after(10, "hello"));
//!     assert_eq!(t2.await.unwrap(), "hello");
//!     assert_eq!(t1.await.unwrap(), "world");
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
//! | `open_connection`, `start_server`, sockets | [`net`]: [`net::open_connection`], [`net::start_server`], [`net::TcpStream`], [`net::UdpSocket`] |

#![deny(missing_docs)]

extern crate self as aio;

mod as_completed;
mod child_outcome;
mod clock;
mod ctrl_c;
mod current;
mod event_loop;
mod gather;
mod group;
mod group_child;
mod group_error;
mod group_wake;
mod io_source;
mod loop_core;
mod loop_handle;
mod main_task;
pub mod net;
mod promise;
mod reactor;
mod registry;
mod remote;
mod run_queue;
mod runner;
mod select;
mod shield;
pub mod sync;
mod task;
mod task_error;
mod task_future;
mod task_meta;
mod task_ref;
mod thread_pool;
mod threadsafe_future;
mod time;
mod timeout;
mod timers;
mod to_thread;
mod tuple_gather;
mod wait;

pub use aio_macros::{gather, gather_all, main, select_first, task_group, test, timeout};
pub use as_completed::{as_completed, AsCompleted};
pub use child_outcome::ChildOutcome;
pub use clock::Clock;
pub use event_loop::{create_task, get_running_loop, CallbackHandle, EventLoop};
pub use gather::{gather, gather_all, FailFast, Gather, ReturnAll};
pub use group::{GroupHandle, TaskGroup};
pub use group_child::ChildHandle;
pub use group_error::{ChildError, Failure, GroupError};
pub use loop_handle::LoopHandle;
pub use promise::{Cancelled, InvalidStateError, Promise};
pub use runner::{run, Runner};
pub use select::{select_first, SelectFirst};
pub use shield::shield;
pub use sync::{
    Barrier, BoundedSemaphore, Condition, Event, LifoQueue, Lock, PriorityQueue, Queue, Semaphore,
};
pub use task::Task;
pub use task_error::TaskError;
pub use task_ref::{all_tasks, current_task, TaskRef};
pub use thread_pool::{PoolShutDown, ThreadPool};
pub use threadsafe_future::{run_coroutine_threadsafe, ThreadsafeFuture, WaitTimedOut};
pub use time::{now, sleep, sleep_until, yield_now, Sleep, YieldNow};
pub use timeout::{
    move_on_after, move_on_at, timeout, timeout_at, wait_for, Elapsed, Timeout, TimeoutDuration,
    TimeoutScope,
};
pub use to_thread::{run_in_executor, to_thread, Blocking};
pub use wait::{wait, ReturnWhen, Wait};

/// Items the macros expand to. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::clock::Clock;
    pub use crate::group::{__run_group as run_group, __run_supervised as run_supervised};
    pub use crate::runner::Runner;
    pub use crate::select::{__branch_future as branch_future, __poll_branch as poll_branch};
    pub use crate::timeout::{__duration as duration, __with_scope as with_scope};
    pub use crate::tuple_gather::{__gather_poll as gather_poll, GatherSlot};
}
