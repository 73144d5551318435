//! A first-in-first-out queue of waiting tasks with hand-off: the shared
//! mechanism of `Lock`, `Semaphore`, `Condition` and `Queue`.
//!
//! A waiter is *notified* when it is handed what it waits for (the lock, a
//! permit, a notification, a place or an item). A waiter that goes away
//! (cancelled) after being notified reports it, so the owner can pass the
//! hand-off on to the next waiter: nothing is ever lost.

use crate::runtime::{Wait, note_wait};
use std::collections::VecDeque;
use std::task::{Poll, Waker};

/// Names one waiter; stale once the waiter left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WaiterKey {
    index: usize,
    generation: u64,
}

struct Slot {
    generation: u64,
    waker: Option<Waker>,
    notified: bool,
    live: bool,
}

#[derive(Default)]
pub(crate) struct Waiters {
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// Waiters not yet notified, oldest first.
    order: VecDeque<WaiterKey>,
    generation: u64,
}

impl Waiters {
    /// Queues a waiter at the back.
    pub(crate) fn push(&mut self, waker: &Waker) -> WaiterKey {
        self.generation += 1;
        let slot = Slot {
            generation: self.generation,
            waker: Some(waker.clone()),
            notified: false,
            live: true,
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index] = slot;
                index
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        let key = WaiterKey {
            index,
            generation: self.generation,
        };
        self.order.push_back(key);
        key
    }

    fn slot(&mut self, key: WaiterKey) -> Option<&mut Slot> {
        self.slots
            .get_mut(key.index)
            .filter(|s| s.live && s.generation == key.generation)
    }

    /// Keeps the waker of a waiter current.
    pub(crate) fn update(&mut self, key: WaiterKey, waker: &Waker) {
        if let Some(slot) = self.slot(key) {
            if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                slot.waker = Some(waker.clone());
            }
        }
    }

    /// True once the waiter was handed what it waits for.
    pub(crate) fn is_notified(&mut self, key: WaiterKey) -> bool {
        self.slot(key).is_some_and(|s| s.notified)
    }

    /// Notifies the oldest waiting waiter; `false` if there is none.
    pub(crate) fn notify_one(&mut self) -> bool {
        while let Some(key) = self.order.pop_front() {
            if let Some(slot) = self.slot(key) {
                slot.notified = true;
                if let Some(waker) = slot.waker.take() {
                    waker.wake();
                }
                return true;
            }
        }
        false
    }

    /// Notifies every waiting waiter; returns how many.
    pub(crate) fn notify_all(&mut self) -> usize {
        let mut n = 0;
        while self.notify_one() {
            n += 1;
        }
        n
    }

    /// Removes a waiter (it got what it waited for, or was cancelled).
    /// Returns true if it had been notified: a cancelled waiter's hand-off must
    /// then be passed on.
    pub(crate) fn remove(&mut self, key: WaiterKey) -> bool {
        let Some(slot) = self.slot(key) else {
            return false;
        };
        let notified = slot.notified;
        slot.live = false;
        slot.waker = None;
        self.free.push(key.index);
        if !notified {
            self.order.retain(|k| *k != key);
        }
        notified
    }

    /// One poll of a waiting future: ready once it was handed what it waits
    /// for; a newcomer with nobody ahead first tries `take_now`, else queues.
    /// While it waits, the task tree says it waits on `what`.
    pub(crate) fn poll_hand_off(
        &mut self,
        key: &mut Option<WaiterKey>,
        waker: &Waker,
        what: &'static str,
        take_now: impl FnOnce() -> bool,
    ) -> Poll<()> {
        let polled = self.hand_off(key, waker, take_now);
        if polled.is_pending() {
            note_wait(Wait::On(what));
        }
        polled
    }

    fn hand_off(
        &mut self,
        key: &mut Option<WaiterKey>,
        waker: &Waker,
        take_now: impl FnOnce() -> bool,
    ) -> Poll<()> {
        match *key {
            Some(k) if self.is_notified(k) => {
                self.remove(k);
                *key = None;
                Poll::Ready(())
            }
            Some(k) => {
                self.update(k, waker);
                Poll::Pending
            }
            None if self.is_empty() && take_now() => Poll::Ready(()),
            None => {
                *key = Some(self.push(waker));
                Poll::Pending
            }
        }
    }

    /// True when no waiter waits un-notified.
    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// How many waiters wait un-notified.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }
}
