//! The futures of a queue's `put` and `get`: waiting for room or an item,
//! first in first out.

use super::errors::QueueShutDown;
use super::queue::BaseQueue;
use super::queue_order::QueueOrder;
use super::waiters::{WaiterKey, Waiters};
use crate::runtime::{Wait, note_wait};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

const PUT: Wait = Wait::On("a queue (put)");
const GET: Wait = Wait::On("a queue (get)");

/// Whether it is the turn of the waiter `key` names in `waiters`: it was
/// notified (and leaves the line), or, new, nobody waits before it. `None`
/// while it waits on (its waker refreshed).
fn take_turn(
    waiters: &RefCell<Waiters>,
    key: &mut Option<WaiterKey>,
    cx: &Context<'_>,
    wait: Wait,
) -> Option<bool> {
    let Some(waiting) = *key else {
        // Newcomers queue behind earlier waiters.
        return Some(waiters.borrow().is_empty());
    };
    let mut waiters = waiters.borrow_mut();
    if waiters.is_notified(waiting) {
        waiters.remove(waiting);
        *key = None;
        return Some(true);
    }
    waiters.update(waiting, cx.waker());
    note_wait(wait);
    None
}

/// A dropped waiter leaves the line; if it had been given its turn, the
/// next one gets it.
fn leave(waiters: &RefCell<Waiters>, key: Option<WaiterKey>) {
    if let Some(key) = key {
        let mut waiters = waiters.borrow_mut();
        if waiters.remove(key) {
            waiters.notify_one();
        }
    }
}

/// The future of [`BaseQueue::put`]: waits for room, then stores the item.
///
/// ```
/// aio::run(async {
///     let queue = aio::Queue::new(1);
///     let put: aio::sync::Put<'_, _, _> = queue.put("job");
///     assert!(queue.empty(), "put only when awaited");
///     put.await.unwrap();
///     assert_eq!(queue.qsize(), 1);
/// });
/// ```
#[must_use = "the item is only put when awaited"]
pub struct Put<'a, T, O: QueueOrder<T>> {
    queue: &'a BaseQueue<T, O>,
    item: Option<T>,
    key: Option<WaiterKey>,
}

impl<'a, T, O: QueueOrder<T>> Put<'a, T, O> {
    pub(super) fn new(queue: &'a BaseQueue<T, O>, item: T) -> Self {
        Put {
            queue,
            item: Some(item),
            key: None,
        }
    }
}

impl<T, O: QueueOrder<T>> Unpin for Put<'_, T, O> {}

impl<T, O: QueueOrder<T>> Future for Put<'_, T, O> {
    type Output = Result<(), QueueShutDown<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let queue = self.queue;
        let Some(turn) = take_turn(&queue.putters, &mut self.key, cx, PUT) else {
            return Poll::Pending;
        };
        let Some(item) = self.item.take() else {
            panic!("aio: a queue's put was polled after it completed; await it once");
        };
        if queue.shut_down.get() {
            return Poll::Ready(Err(QueueShutDown(item)));
        }
        if turn && !queue.full() {
            queue.store(item);
            return Poll::Ready(Ok(()));
        }
        self.item = Some(item);
        self.key = Some(queue.putters.borrow_mut().push(cx.waker()));
        note_wait(PUT);
        Poll::Pending
    }
}

impl<T, O: QueueOrder<T>> Drop for Put<'_, T, O> {
    fn drop(&mut self) {
        // Cancelled after being given room: the next putter gets it.
        leave(&self.queue.putters, self.key);
    }
}

/// The future of [`BaseQueue::get`]: waits for an item and takes it.
///
/// ```
/// aio::run(async {
///     let queue = aio::Queue::new(0);
///     queue.put_nowait("job").unwrap();
///     let get: aio::sync::Get<'_, _, _> = queue.get();
///     assert_eq!(get.await, Ok("job"));
/// });
/// ```
#[must_use = "an item is only taken when awaited"]
pub struct Get<'a, T, O: QueueOrder<T>> {
    queue: &'a BaseQueue<T, O>,
    key: Option<WaiterKey>,
}

impl<'a, T, O: QueueOrder<T>> Get<'a, T, O> {
    pub(super) fn new(queue: &'a BaseQueue<T, O>) -> Self {
        Get { queue, key: None }
    }
}

impl<T, O: QueueOrder<T>> Future for Get<'_, T, O> {
    type Output = Result<T, QueueShutDown>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let queue = self.queue;
        let Some(turn) = take_turn(&queue.getters, &mut self.key, cx, GET) else {
            return Poll::Pending;
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
        note_wait(GET);
        Poll::Pending
    }
}

impl<T, O: QueueOrder<T>> Drop for Get<'_, T, O> {
    fn drop(&mut self) {
        // Cancelled after an item was meant for it: pass it on.
        leave(&self.queue.getters, self.key);
    }
}
