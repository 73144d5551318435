//! The futures of a queue's `put` and `get`: waiting for room or an item,
//! first in first out.

use super::errors::QueueShutDown;
use super::queue::BaseQueue;
use super::queue_order::QueueOrder;
use super::waiters::WaiterKey;
use crate::runtime::{Wait, note_wait};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

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
