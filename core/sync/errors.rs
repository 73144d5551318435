//! The errors of the queue and barrier primitives.

use std::fmt;

/// `put_nowait` on a full queue (asyncio's `QueueFull`); gives the item back.
///
/// ```
/// let queue = aio::Queue::new(1);
/// queue.put_nowait("first").unwrap();
/// let err = queue.put_nowait("second").unwrap_err();
/// assert_eq!(err, aio::sync::PutError::Full(aio::sync::QueueFull("second")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// `get_nowait` on an empty queue (asyncio's `QueueEmpty`).
///
/// ```
/// let queue = aio::Queue::<u32>::new(0);
/// assert_eq!(queue.get_nowait(), Err(aio::sync::QueueEmpty));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

/// A put or get on a queue that was shut down (asyncio's `QueueShutDown`).
/// For a put, the item comes back.
///
/// ```
/// aio::run(async {
///     let queue = aio::Queue::new(0);
///     queue.shutdown(false);
///     let err = queue.put("late").await.unwrap_err();
///     assert_eq!(err, aio::sync::QueueShutDown("late"));
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueShutDown<T = ()>(pub T);

/// `task_done` called more times than items were put (asyncio's
/// `ValueError`).
///
/// ```
/// let queue = aio::Queue::<u32>::new(0);
/// assert_eq!(queue.task_done(), Err(aio::sync::TooManyTaskDone));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyTaskDone;

/// A barrier wait that ended because the barrier was reset or aborted
/// (asyncio's `BrokenBarrierError`).
///
/// ```
/// aio::run(async {
///     let barrier = aio::Barrier::new(2);
///     barrier.abort();
///     assert_eq!(barrier.wait().await, Err(aio::sync::BrokenBarrier));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBarrier;

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full; await put() to wait for room")
    }
}

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is empty; await get() to wait for an item")
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue was shut down")
    }
}

impl fmt::Display for TooManyTaskDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called more times than items were put; call it once per get()")
    }
}

impl fmt::Display for BrokenBarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier was reset or aborted while waiting")
    }
}

impl<T: fmt::Debug> std::error::Error for QueueFull<T> {}
impl std::error::Error for QueueEmpty {}
impl<T: fmt::Debug> std::error::Error for QueueShutDown<T> {}
impl std::error::Error for TooManyTaskDone {}
impl std::error::Error for BrokenBarrier {}
