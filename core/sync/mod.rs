//! Synchronisation primitives for tasks of one loop: asyncio's `Lock`,
//! `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, queues and
//! `Barrier`.
//!
//! They are single-loop types (not `Send`): share them between tasks with
//! `Rc`, or by reference with task-group children. Waiters are served first
//! in first out; a waiter cancelled while waiting leaves no trace, and one
//! cancelled after being handed the lock, a permit, a notification, an item
//! or room passes it on.

mod barrier;
mod condition;
mod errors;
mod event;
mod lock;
mod queue;
mod queue_stream;
mod semaphore;
mod waiters;

pub use barrier::Barrier;
pub use condition::Condition;
pub use errors::{BrokenBarrier, QueueEmpty, QueueFull, QueueShutDown, TooManyTaskDone};
pub use event::{Event, EventWait};
pub use lock::{Acquire, Lock, LockGuard};
pub use queue::{
    BaseQueue, Fifo, Get, Lifo, LifoQueue, Priority, PriorityQueue, Put, PutError, Queue,
    QueueOrder,
};
pub use semaphore::{AcquirePermit, BoundedSemaphore, OverRelease, Permit, Semaphore};
