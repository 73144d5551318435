//! Synchronisation primitives for tasks of one loop: asyncio's `Lock`,
//! `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, queues and
//! `Barrier`.
//!
//! They are single-loop types (not `Send`): share them between tasks with
//! `Rc`, or by reference with task-group children. Waiters are served first
//! in first out; a waiter cancelled while waiting leaves no trace, and one
//! cancelled after being handed the lock, a permit, a notification, an item
//! or room passes it on.
//!
//! ```
//! use std::time::Duration;
//!
//! aio::Runner::with_clock(aio::Clock::Virtual).run(async {
//!     let done = aio::Lock::new(Vec::new());
//!     let two_at_a_time = aio::Semaphore::new(2);
//!     aio::task_group!(|tg| {
//!         for n in 1..=4 {
//!             let (done, sem) = (&done, &two_at_a_time);
//!             tg.create_task(async move {
//!                 let _permit = sem.acquire().await;
//!                 aio::sleep(Duration::from_secs(1)).await; // download n
//!                 done.lock().await.push(n);
//!             });
//!         }
//!     })
//!     .unwrap();
//!     assert_eq!(*done.lock().await, [1, 2, 3, 4]);
//!     assert_eq!(aio::get_running_loop().time(), 2.0, "two at a time");
//! });
//! ```

mod barrier;
mod condition;
mod errors;
mod event;
mod lock;
mod queue;
mod queue_order;
mod queue_stream;
mod queue_waits;
mod semaphore;
mod waiters;

pub use barrier::Barrier;
pub use condition::Condition;
pub use errors::{BrokenBarrier, QueueEmpty, QueueFull, QueueShutDown, TooManyTaskDone};
pub use event::{Event, EventWait};
pub use lock::{Acquire, Lock, LockGuard};
pub use queue::{BaseQueue, LifoQueue, PriorityQueue, PutError, Queue};
pub use queue_order::{Fifo, Lifo, Priority, QueueOrder};
pub use queue_waits::{Get, Put};
pub use semaphore::{AcquirePermit, BoundedSemaphore, OverRelease, Permit, Semaphore};
