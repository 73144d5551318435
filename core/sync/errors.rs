//! The errors of the queue and barrier primitives.

use std::fmt;

/// `put_nowait` on a full queue (asyncio's `QueueFull`); gives the item back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// `get_nowait` on an empty queue (asyncio's `QueueEmpty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

/// A put or get on a queue that was shut down (asyncio's `QueueShutDown`).
/// For a put, the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueShutDown<T = ()>(pub T);

/// `task_done` called more times than items were put (asyncio's
/// `ValueError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyTaskDone;

/// A barrier wait that ended because the barrier was reset or aborted
/// (asyncio's `BrokenBarrierError`).
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
