//! The loop and other threads: a bounded thread pool, `to_thread` and
//! `run_in_executor` for blocking work, `run_coroutine_threadsafe` for work
//! submitted from outside, the `Send` `LoopHandle`, and `run_per_core` (one
//! loop per core, each on its own thread).
//!
//! Imports the kernel and `task`.

mod loop_handle;
mod loop_work;
mod per_core;
mod run_coroutine_threadsafe;
mod thread_pool;
mod threadsafe_future;
mod to_thread;

pub use loop_handle::{LoopClosed, LoopHandle, ThreadsafeCall};
pub use loop_work::{BuildOnLoop, LoopWork, SendFuture};
pub use per_core::{PerCore, run_per_core};
pub use run_coroutine_threadsafe::run_coroutine_threadsafe;
pub use thread_pool::{PoolShutDown, ThreadPool};
pub use threadsafe_future::{ThreadsafeFuture, WaitTimedOut};
pub use to_thread::{Blocking, run_in_executor, to_thread};

pub use thread_pool::DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT;
pub(crate) use thread_pool::{set_default_pool, shutdown_default_pool};

/// A thread that cannot start: no address space holds a stack of 2^47 bytes.
#[cfg(test)]
fn unstartable_thread() -> std::thread::Builder {
    std::thread::Builder::new().stack_size(1 << 47)
}
