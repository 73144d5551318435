//! `Queue`, `LifoQueue` and `PriorityQueue`: asyncio's queues, one mechanism
//! with three orders.

use super::errors::{QueueEmpty, QueueFull, QueueShutDown, TooManyTaskDone};
use super::queue_order::{Fifo, Lifo, Priority, QueueOrder};
use super::queue_waits::{Get, Put};
use super::waiters::Waiters;
use crate::runtime::{Wait, note_wait};
use event_listener::{Event as Listeners, EventListener};
use std::cell::{Cell, RefCell};
use std::fmt;

/// asyncio's `Queue`: first in, first out.
///
/// ```
/// aio::run(async {
///     let jobs = aio::Queue::new(10);
///     jobs.put("first").await.unwrap();
///     jobs.put("second").await.unwrap();
///     assert_eq!(jobs.get().await, Ok("first"));
/// });
/// ```
pub type Queue<T> = BaseQueue<T, Fifo<T>>;
/// asyncio's `LifoQueue`: last in, first out.
///
/// ```
/// aio::run(async {
///     let pages = aio::LifoQueue::new(0);
///     pages.put("home").await.unwrap();
///     pages.put("settings").await.unwrap();
///     assert_eq!(pages.get().await, Ok("settings"));
/// });
/// ```
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;
/// asyncio's `PriorityQueue`: smallest item first; ties in the order put.
///
/// ```
/// aio::run(async {
///     let work = aio::PriorityQueue::new(0);
///     work.put((5, "backup")).await.unwrap();
///     work.put((1, "page the on-call")).await.unwrap();
///     work.put((1, "reply")).await.unwrap();
///     assert_eq!(work.get().await, Ok((1, "page the on-call")));
///     assert_eq!(work.get().await, Ok((1, "reply")));
/// });
/// ```
pub type PriorityQueue<T> = BaseQueue<T, Priority<T>>;

/// Why `put_nowait` refused an item; the item comes back.
///
/// ```
/// use aio::sync::{PutError, QueueShutDown};
///
/// let queue = aio::Queue::new(0);
/// queue.shutdown(false);
/// match queue.put_nowait("job") {
///     Err(PutError::ShutDown(QueueShutDown(job))) => assert_eq!(job, "job"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutError<T> {
    /// The queue is full.
    Full(QueueFull<T>),
    /// The queue was shut down.
    ShutDown(QueueShutDown<T>),
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(full) => fmt::Display::fmt(full, f),
            PutError::ShutDown(shut) => fmt::Display::fmt(shut, f),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for PutError<T> {}

/// An async queue between tasks of one loop, as asyncio's queues; see
/// [`Queue`], [`LifoQueue`], [`PriorityQueue`].
///
/// With a `maxsize` above zero, `put` waits for room; `get` waits for an item.
/// Waiting getters and putters are served first in first out. `task_done` and
/// `join` track items being processed; `shutdown` ends it as in Python 3.13.
///
/// ```
/// aio::run(async {
///     let queue = aio::Queue::new(1);
///     queue.put("first").await.unwrap();
///     assert!(queue.full());
///     assert_eq!(queue.get().await.unwrap(), "first");
///     queue.task_done().unwrap();
///     queue.join().await;
/// });
/// ```
pub struct BaseQueue<T, O: QueueOrder<T>> {
    items: RefCell<O>,
    maxsize: usize,
    pub(super) getters: RefCell<Waiters>,
    pub(super) putters: RefCell<Waiters>,
    unfinished: Cell<usize>,
    all_done: Listeners,
    pub(super) shut_down: Cell<bool>,
    _items: std::marker::PhantomData<T>,
}

impl<T, O: QueueOrder<T>> BaseQueue<T, O> {
    /// A queue holding at most `maxsize` items (0: no limit).
    ///
    /// ```
    /// let queue = aio::Queue::<String>::new(100);
    /// assert_eq!(queue.maxsize(), 100);
    /// assert!(queue.empty());
    /// ```
    pub fn new(maxsize: usize) -> Self {
        BaseQueue {
            items: RefCell::new(O::default()),
            maxsize,
            getters: RefCell::new(Waiters::default()),
            putters: RefCell::new(Waiters::default()),
            unfinished: Cell::new(0),
            all_done: Listeners::new(),
            shut_down: Cell::new(false),
            _items: std::marker::PhantomData,
        }
    }

    /// How many items are queued.
    ///
    /// ```
    /// let queue = aio::Queue::new(0);
    /// queue.put_nowait('a').unwrap();
    /// queue.put_nowait('b').unwrap();
    /// assert_eq!(queue.qsize(), 2);
    /// ```
    pub fn qsize(&self) -> usize {
        self.items.borrow().len()
    }

    /// True with no items queued.
    ///
    /// ```
    /// let queue = aio::Queue::new(0);
    /// assert!(queue.empty());
    /// queue.put_nowait(1).unwrap();
    /// assert!(!queue.empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// True when a `put` would wait; never for a queue without a limit.
    ///
    /// ```
    /// let queue = aio::Queue::new(1);
    /// queue.put_nowait(1).unwrap();
    /// assert!(queue.full());
    /// assert!(!aio::Queue::<u8>::new(0).full());
    /// ```
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() >= self.maxsize
    }

    /// The limit given to `new` (0: none).
    ///
    /// ```
    /// assert_eq!(aio::Queue::<u8>::new(8).maxsize(), 8);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Puts an item, waiting for room. Errors (giving the item back) if the
    /// queue is shut down.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let queue = aio::Queue::new(1);
    ///     queue.put(1).await.unwrap();
    ///     // Full: a second put waits until a consumer makes room.
    ///     let second = aio::timeout(Duration::from_secs(1), queue.put(2)).await;
    ///     assert!(second.is_err());
    ///     assert_eq!(queue.get().await, Ok(1));
    ///     queue.put(2).await.unwrap();
    /// });
    /// ```
    pub fn put(&self, item: T) -> Put<'_, T, O> {
        Put::new(self, item)
    }

    /// Takes the next item, waiting for one. Errors once the queue is shut
    /// down and (for a plain shutdown) drained.
    ///
    /// ```
    /// aio::run(async {
    ///     let queue = aio::Queue::new(0);
    ///     let consumer = async {
    ///         let mut got = Vec::new();
    ///         while let Ok(item) = queue.get().await {
    ///             got.push(item);
    ///         }
    ///         got // the queue was shut down and drained
    ///     };
    ///     let producer = async {
    ///         queue.put(1).await.unwrap();
    ///         queue.put(2).await.unwrap();
    ///         queue.shutdown(false);
    ///     };
    ///     let (got, ()) = aio::gather_all!(consumer, producer);
    ///     assert_eq!(got, [1, 2]);
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, T, O> {
        Get::new(self)
    }

    /// Puts an item if there is room now.
    ///
    /// ```
    /// let queue = aio::Queue::new(1);
    /// assert!(queue.put_nowait("a").is_ok());
    /// assert!(matches!(queue.put_nowait("b"), Err(aio::sync::PutError::Full(_))));
    /// ```
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        if self.shut_down.get() {
            return Err(PutError::ShutDown(QueueShutDown(item)));
        }
        if self.full() {
            return Err(PutError::Full(QueueFull(item)));
        }
        self.store(item);
        Ok(())
    }

    /// Takes an item if one is queued.
    ///
    /// ```
    /// let queue = aio::Queue::new(0);
    /// queue.put_nowait("a").unwrap();
    /// assert_eq!(queue.get_nowait(), Ok("a"));
    /// assert_eq!(queue.get_nowait(), Err(aio::sync::QueueEmpty));
    /// ```
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        self.take().ok_or(QueueEmpty)
    }

    /// Marks one item taken with `get` as processed; see [`join`](Self::join).
    ///
    /// ```
    /// let queue = aio::Queue::new(0);
    /// queue.put_nowait("job").unwrap();
    /// let _job = queue.get_nowait().unwrap();
    /// assert_eq!(queue.task_done(), Ok(()));
    /// assert!(queue.task_done().is_err(), "only one item was put");
    /// ```
    pub fn task_done(&self) -> Result<(), TooManyTaskDone> {
        let unfinished = self.unfinished.get();
        if unfinished == 0 {
            return Err(TooManyTaskDone);
        }
        self.unfinished.set(unfinished - 1);
        if unfinished == 1 {
            self.all_done.notify(usize::MAX);
        }
        Ok(())
    }

    /// Waits until every item put has been marked with `task_done`.
    ///
    /// ```
    /// use std::{rc::Rc, time::Duration};
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let queue = Rc::new(aio::Queue::new(0));
    ///     for job in 1..=3 {
    ///         queue.put_nowait(job).unwrap();
    ///     }
    ///     let q = queue.clone();
    ///     let worker = aio::create_task(async move {
    ///         while let Ok(_job) = q.get().await {
    ///             aio::sleep(Duration::from_secs(1)).await; // work on it
    ///             q.task_done().unwrap();
    ///         }
    ///     });
    ///     queue.join().await;
    ///     assert!(queue.empty());
    ///     worker.cancel();
    /// });
    /// ```
    pub async fn join(&self) {
        loop {
            if self.unfinished.get() == 0 {
                return;
            }
            let listener: EventListener = self.all_done.listen();
            if self.unfinished.get() == 0 {
                return;
            }
            note_wait(Wait::On("a queue (join)"));
            listener.await;
        }
    }

    /// Shuts the queue down: later puts fail; gets drain what is left, then
    /// fail. With `immediate`, queued items are dropped (and counted as done
    /// for `join`) and gets fail at once. Every waiter is woken.
    ///
    /// ```
    /// aio::run(async {
    ///     let queue = aio::Queue::new(0);
    ///     queue.put_nowait("left").unwrap();
    ///     queue.shutdown(false);
    ///     assert!(queue.put("late").await.is_err());
    ///     assert_eq!(queue.get().await, Ok("left"), "drained first");
    ///     assert!(queue.get().await.is_err());
    /// });
    /// ```
    pub fn shutdown(&self, immediate: bool) {
        self.shut_down.set(true);
        if immediate {
            let mut dropped = 0;
            while self.items.borrow_mut().pop().is_some() {
                dropped += 1;
            }
            let left = self.unfinished.get().saturating_sub(dropped);
            self.unfinished.set(left);
            if left == 0 {
                self.all_done.notify(usize::MAX);
            }
        }
        self.getters.borrow_mut().notify_all();
        self.putters.borrow_mut().notify_all();
    }

    /// True once `shutdown` was called.
    ///
    /// ```
    /// let queue = aio::Queue::<u8>::new(0);
    /// assert!(!queue.is_shut_down());
    /// queue.shutdown(true);
    /// assert!(queue.is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.get()
    }

    pub(super) fn store(&self, item: T) {
        self.items.borrow_mut().push(item);
        self.unfinished.set(self.unfinished.get() + 1);
        self.getters.borrow_mut().notify_one();
    }

    pub(super) fn take(&self) -> Option<T> {
        let item = self.items.borrow_mut().pop()?;
        self.putters.borrow_mut().notify_one();
        Some(item)
    }
}

impl<T, O: QueueOrder<T>> fmt::Debug for BaseQueue<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("qsize", &self.qsize())
            .field("maxsize", &self.maxsize)
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
