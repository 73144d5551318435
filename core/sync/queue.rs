//! `Queue`, `LifoQueue` and `PriorityQueue`: asyncio's queues, one mechanism
//! with three orders.

use super::errors::{QueueEmpty, QueueFull, QueueShutDown, TooManyTaskDone};
use super::waiters::{WaiterKey, Waiters};
use crate::runtime::{Wait, note_wait};
use event_listener::{Event as Listeners, EventListener};
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The order in which a queue hands out its items.
pub trait QueueOrder<T>: Default {
    /// Stores an item.
    fn push(&mut self, item: T);
    /// Takes the next item out.
    fn pop(&mut self) -> Option<T>;
    /// How many items are stored.
    fn len(&self) -> usize;
    /// True with no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out ([`Queue`]).
pub struct Fifo<T>(VecDeque<T>);
/// Last in, first out ([`LifoQueue`]).
pub struct Lifo<T>(Vec<T>);
/// Smallest first, equal items in the order put ([`PriorityQueue`]).
pub struct Priority<T: Ord> {
    heap: BinaryHeap<Reverse<(T, u64)>>,
    next: u64,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            next: 0,
        }
    }
}

impl<T> QueueOrder<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> QueueOrder<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> QueueOrder<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.next += 1;
        self.heap.push(Reverse((item, self.next)));
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse((item, _))| item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

/// asyncio's `Queue`: first in, first out.
pub type Queue<T> = BaseQueue<T, Fifo<T>>;
/// asyncio's `LifoQueue`: last in, first out.
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;
/// asyncio's `PriorityQueue`: smallest item first; ties in the order put.
pub type PriorityQueue<T> = BaseQueue<T, Priority<T>>;

/// Why `put_nowait` refused an item; the item comes back.
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
    getters: RefCell<Waiters>,
    putters: RefCell<Waiters>,
    unfinished: Cell<usize>,
    all_done: Listeners,
    shut_down: Cell<bool>,
    _items: std::marker::PhantomData<T>,
}

impl<T, O: QueueOrder<T>> BaseQueue<T, O> {
    /// A queue holding at most `maxsize` items (0: no limit).
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
    pub fn qsize(&self) -> usize {
        self.items.borrow().len()
    }

    /// True with no items queued.
    pub fn empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// True when a `put` would wait.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() >= self.maxsize
    }

    /// The limit given to `new` (0: none).
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Puts an item, waiting for room. Errors (giving the item back) if the
    /// queue is shut down.
    pub fn put(&self, item: T) -> Put<'_, T, O> {
        Put {
            queue: self,
            item: Some(item),
            key: None,
        }
    }

    /// Takes the next item, waiting for one. Errors once the queue is shut
    /// down and (for a plain shutdown) drained.
    pub fn get(&self) -> Get<'_, T, O> {
        Get {
            queue: self,
            key: None,
        }
    }

    /// Puts an item if there is room now.
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
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        self.take().ok_or(QueueEmpty)
    }

    /// Marks one item taken with `get` as processed.
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
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.get()
    }

    fn store(&self, item: T) {
        self.items.borrow_mut().push(item);
        self.unfinished.set(self.unfinished.get() + 1);
        self.getters.borrow_mut().notify_one();
    }

    fn take(&self) -> Option<T> {
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

/// The future of [`BaseQueue::put`].
#[must_use = "the item is only put when awaited"]
pub struct Put<'a, T, O: QueueOrder<T>> {
    queue: &'a BaseQueue<T, O>,
    item: Option<T>,
    key: Option<WaiterKey>,
}

impl<T, O: QueueOrder<T>> Unpin for Put<'_, T, O> {}

impl<T, O: QueueOrder<T>> Future for Put<'_, T, O> {
    type Output = Result<(), QueueShutDown<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let queue = self.queue;
        let turn = match self.key {
            Some(key) => {
                let mut putters = queue.putters.borrow_mut();
                if putters.is_notified(key) {
                    putters.remove(key);
                    self.key = None;
                    true
                } else {
                    putters.update(key, cx.waker());
                    note_wait(Wait::On("a queue (put)"));
                    return Poll::Pending;
                }
            }
            // Newcomers queue behind earlier putters.
            None => queue.putters.borrow().is_empty(),
        };
        let item = self.item.take().expect("a put is awaited once");
        if queue.shut_down.get() {
            return Poll::Ready(Err(QueueShutDown(item)));
        }
        if turn && !queue.full() {
            queue.store(item);
            return Poll::Ready(Ok(()));
        }
        self.item = Some(item);
        self.key = Some(queue.putters.borrow_mut().push(cx.waker()));
        note_wait(Wait::On("a queue (put)"));
        Poll::Pending
    }
}

impl<T, O: QueueOrder<T>> Drop for Put<'_, T, O> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut putters = self.queue.putters.borrow_mut();
            if putters.remove(key) {
                // Cancelled after being given room: the next putter gets it.
                putters.notify_one();
            }
        }
    }
}

/// The future of [`BaseQueue::get`].
#[must_use = "an item is only taken when awaited"]
pub struct Get<'a, T, O: QueueOrder<T>> {
    queue: &'a BaseQueue<T, O>,
    key: Option<WaiterKey>,
}

impl<T, O: QueueOrder<T>> Future for Get<'_, T, O> {
    type Output = Result<T, QueueShutDown>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let queue = self.queue;
        let turn = match self.key {
            Some(key) => {
                let mut getters = queue.getters.borrow_mut();
                if getters.is_notified(key) {
                    getters.remove(key);
                    self.key = None;
                    true
                } else {
                    getters.update(key, cx.waker());
                    note_wait(Wait::On("a queue (get)"));
                    return Poll::Pending;
                }
            }
            None => queue.getters.borrow().is_empty(),
        };
        if turn {
            if let Some(item) = queue.take() {
                return Poll::Ready(Ok(item));
            }
        }
        if queue.shut_down.get() && queue.empty() {
            return Poll::Ready(Err(QueueShutDown(())));
        }
        self.key = Some(queue.getters.borrow_mut().push(cx.waker()));
        note_wait(Wait::On("a queue (get)"));
        Poll::Pending
    }
}

impl<T, O: QueueOrder<T>> Drop for Get<'_, T, O> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut getters = self.queue.getters.borrow_mut();
            if getters.remove(key) {
                // Cancelled after an item was meant for it: pass it on.
                getters.notify_one();
            }
        }
    }
}
