//! `Barrier`: asyncio's meeting point for a fixed number of tasks.

use super::errors::BrokenBarrier;
use crate::runtime::{note_wait, Wait};
use event_listener::{Event as Listeners, EventListener};
use std::cell::Cell;
use std::fmt;

/// A meeting point for `parties` tasks, as asyncio's `Barrier`: each `wait`
/// blocks until `parties` tasks are waiting, then all go on together. Each
/// gets a distinct index, `0..parties`, in the order they arrived.
/// `reset` and `abort` make current waiters fail with [`BrokenBarrier`];
/// after `abort` every wait fails until `reset`.
///
/// ```
/// use std::rc::Rc;
/// aio::run(async {
///     let barrier = Rc::new(aio::Barrier::new(2));
///     let b = barrier.clone();
///     let other = aio::create_task(async move { b.wait().await });
///     let mine = barrier.wait().await.unwrap();
///     let theirs = other.await.unwrap().unwrap();
///     assert_eq!(mine + theirs, 1); // indices 0 and 1
/// });
/// ```
pub struct Barrier {
    parties: usize,
    waiting: Cell<usize>,
    /// Bumped each time the barrier fills and lets its waiters go.
    passed: Cell<u64>,
    /// Bumped by `reset` and `abort`: waiters of an earlier epoch fail.
    epoch: Cell<u64>,
    broken: Cell<bool>,
    listeners: Listeners,
}

impl Barrier {
    /// A barrier for `parties` tasks. Panics if `parties` is zero.
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "Barrier::new needs at least one party");
        Barrier {
            parties,
            waiting: Cell::new(0),
            passed: Cell::new(0),
            epoch: Cell::new(0),
            broken: Cell::new(false),
            listeners: Listeners::new(),
        }
    }

    /// Waits for the other parties; returns this task's arrival index.
    pub async fn wait(&self) -> Result<usize, BrokenBarrier> {
        if self.broken.get() {
            return Err(BrokenBarrier);
        }
        let index = self.waiting.get();
        if index + 1 == self.parties {
            self.waiting.set(0);
            self.passed.set(self.passed.get() + 1);
            self.listeners.notify(usize::MAX);
            return Ok(index);
        }
        self.waiting.set(index + 1);
        let (passed, epoch) = (self.passed.get(), self.epoch.get());
        // Leaves no trace if cancelled while waiting.
        let mut seat = Seat {
            barrier: self,
            passed,
            epoch,
            left: false,
        };
        loop {
            if let Some(outcome) = seat.outcome(index) {
                seat.left = true;
                return outcome;
            }
            let listener: EventListener = self.listeners.listen();
            if let Some(outcome) = seat.outcome(index) {
                seat.left = true;
                return outcome;
            }
            note_wait(Wait::On("a barrier"));
            listener.await;
        }
    }

    /// Lets current waiters fail with [`BrokenBarrier`] and empties the
    /// barrier for reuse (also undoing `abort`).
    pub fn reset(&self) {
        self.epoch.set(self.epoch.get() + 1);
        self.waiting.set(0);
        self.broken.set(false);
        self.listeners.notify(usize::MAX);
    }

    /// Breaks the barrier: current and later waits fail until `reset`.
    pub fn abort(&self) {
        self.epoch.set(self.epoch.get() + 1);
        self.waiting.set(0);
        self.broken.set(true);
        self.listeners.notify(usize::MAX);
    }

    /// The number of tasks needed to pass.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many tasks wait now.
    pub fn n_waiting(&self) -> usize {
        self.waiting.get()
    }

    /// True after `abort` (until `reset`).
    pub fn broken(&self) -> bool {
        self.broken.get()
    }
}

struct Seat<'a> {
    barrier: &'a Barrier,
    passed: u64,
    epoch: u64,
    left: bool,
}

impl Seat<'_> {
    fn outcome(&self, index: usize) -> Option<Result<usize, BrokenBarrier>> {
        if self.barrier.passed.get() != self.passed {
            Some(Ok(index))
        } else if self.barrier.epoch.get() != self.epoch {
            Some(Err(BrokenBarrier))
        } else {
            None
        }
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        // Cancelled while still waiting in this round: give the place back.
        if !self.left && self.outcome(0).is_none() {
            self.barrier
                .waiting
                .set(self.barrier.waiting.get().saturating_sub(1));
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("waiting", &self.n_waiting())
            .field("broken", &self.broken())
            .finish()
    }
}
