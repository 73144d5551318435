//! `Barrier`: asyncio's meeting point for a fixed number of tasks.

use super::errors::BrokenBarrier;
use crate::runtime::{Wait, note_wait};
use event_listener::{Event as Listeners, EventListener};
use std::cell::{Cell, RefCell};
use std::fmt;

/// A meeting point for `parties` tasks, as asyncio's `Barrier`: each `wait`
/// blocks until `parties` tasks are waiting, then all go on together. Each
/// gets a distinct index, `0..parties`, in the order they arrived. Until the
/// last of them is out, tasks coming back wait outside (asyncio's draining
/// phase), so each pass is made of `parties` distinct waits.
/// `reset` and `abort` make the tasks inside fail with [`BrokenBarrier`];
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
    state: Cell<State>,
    /// Tasks inside: waiting for the barrier to fill, or released and not
    /// yet out.
    count: Cell<usize>,
    /// Arrival tickets: a task's index is its rank among the tasks of its
    /// pass, so the tickets of those who left before the pass filled
    /// (cancelled) are skipped.
    next_ticket: Cell<u64>,
    first_ticket: Cell<u64>,
    left_early: RefCell<Vec<u64>>,
    /// Woken on every change of state.
    listeners: Listeners,
}

/// asyncio's barrier states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Tasks come in and wait for the barrier to fill.
    Filling,
    /// Full: the tasks inside are leaving; newcomers wait outside until the
    /// last one is out, so a fast task cannot join the pass it just left.
    Draining,
    /// `reset` with tasks inside: they fail as they leave; newcomers wait
    /// outside until the last one is out.
    Resetting,
    /// `abort`: every wait fails until `reset`.
    Broken,
}

impl Barrier {
    /// A barrier for `parties` tasks. Panics if `parties` is zero.
    ///
    /// ```
    /// let barrier = aio::Barrier::new(3);
    /// assert_eq!(barrier.parties(), 3);
    /// assert_eq!(barrier.n_waiting(), 0);
    /// ```
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "Barrier::new needs at least one party");
        Barrier {
            parties,
            state: Cell::new(State::Filling),
            count: Cell::new(0),
            next_ticket: Cell::new(0),
            first_ticket: Cell::new(0),
            left_early: RefCell::new(Vec::new()),
            listeners: Listeners::new(),
        }
    }

    /// Waits for the other parties; returns this task's arrival index.
    ///
    /// A task arriving while the previous pass is still leaving waits for
    /// the last one out before it enters.
    ///
    /// ```
    /// aio::run(async {
    ///     let barrier = aio::Barrier::new(3);
    ///     let (a, b, c) = aio::gather!(barrier.wait(), barrier.wait(), barrier.wait()).unwrap();
    ///     let mut indices = [a, b, c];
    ///     indices.sort();
    ///     assert_eq!(indices, [0, 1, 2]);
    /// });
    /// ```
    pub async fn wait(&self) -> Result<usize, BrokenBarrier> {
        self.until(|state| !matches!(state, State::Draining | State::Resetting))
            .await;
        if self.state.get() == State::Broken {
            return Err(BrokenBarrier);
        }
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket + 1);
        if self.count.get() == 0 {
            // The first of a new pass.
            self.first_ticket.set(ticket);
            self.left_early.borrow_mut().clear();
        }
        self.count.set(self.count.get() + 1);
        // Leaves when dropped: returned or cancelled, waiting or released.
        let _inside = Inside {
            barrier: self,
            ticket,
        };
        if self.count.get() < self.parties {
            self.until(|state| state != State::Filling).await;
        } else {
            self.set_state(State::Draining);
        }
        match self.state.get() {
            // The pass is complete and nobody enters until all left: the
            // tickets are settled.
            State::Draining => Ok(self.index(ticket)),
            _ => Err(BrokenBarrier),
        }
    }

    /// Lets the tasks inside fail with [`BrokenBarrier`] and makes the
    /// barrier usable again once they are out (also undoing `abort`).
    ///
    /// ```
    /// aio::run(async {
    ///     let barrier = aio::Barrier::new(2);
    ///     let (waited, ()) = aio::gather_all!(barrier.wait(), async {
    ///         aio::yield_now().await; // the other task is waiting
    ///         barrier.reset();
    ///     });
    ///     assert_eq!(waited, Err(aio::sync::BrokenBarrier));
    ///     assert!(!barrier.broken(), "usable again");
    /// });
    /// ```
    pub fn reset(&self) {
        if self.count.get() > 0 {
            self.set_state(State::Resetting);
        } else {
            self.set_state(State::Filling);
        }
    }

    /// Breaks the barrier: current and later waits fail until `reset`.
    ///
    /// ```
    /// aio::run(async {
    ///     let barrier = aio::Barrier::new(2);
    ///     barrier.abort();
    ///     assert!(barrier.wait().await.is_err());
    ///     barrier.reset();
    ///     assert!(!barrier.broken());
    /// });
    /// ```
    pub fn abort(&self) {
        self.set_state(State::Broken);
    }

    /// The number of tasks needed to pass.
    ///
    /// ```
    /// assert_eq!(aio::Barrier::new(4).parties(), 4);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many tasks wait for the barrier to fill now.
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// aio::run(async {
    ///     let barrier = Rc::new(aio::Barrier::new(3));
    ///     let b = barrier.clone();
    ///     let early = aio::create_task(async move { b.wait().await });
    ///     aio::yield_now().await;
    ///     assert_eq!(barrier.n_waiting(), 1);
    ///     early.cancel();
    /// });
    /// ```
    pub fn n_waiting(&self) -> usize {
        match self.state.get() {
            State::Filling => self.count.get(),
            _ => 0,
        }
    }

    /// True after `abort` (until `reset`).
    ///
    /// ```
    /// let barrier = aio::Barrier::new(2);
    /// barrier.abort();
    /// assert!(barrier.broken());
    /// ```
    pub fn broken(&self) -> bool {
        self.state.get() == State::Broken
    }

    fn index(&self, ticket: u64) -> usize {
        let earlier_left = self
            .left_early
            .borrow()
            .iter()
            .filter(|t| **t < ticket)
            .count();
        (ticket - self.first_ticket.get()) as usize - earlier_left
    }

    fn set_state(&self, state: State) {
        self.state.set(state);
        self.listeners.notify(usize::MAX);
    }

    async fn until(&self, ready: impl Fn(State) -> bool) {
        loop {
            if ready(self.state.get()) {
                return;
            }
            let listener: EventListener = self.listeners.listen();
            if ready(self.state.get()) {
                return;
            }
            note_wait(Wait::On("a barrier"));
            listener.await;
        }
    }
}

/// A task inside the barrier; the last one out ends a drain or a reset.
struct Inside<'a> {
    barrier: &'a Barrier,
    ticket: u64,
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        let barrier = self.barrier;
        if barrier.state.get() == State::Filling {
            // Cancelled before the pass filled: later arrivals move up.
            barrier.left_early.borrow_mut().push(self.ticket);
        }
        let count = barrier.count.get() - 1;
        barrier.count.set(count);
        if count == 0 {
            match barrier.state.get() {
                State::Draining | State::Resetting => barrier.set_state(State::Filling),
                _ => {
                    barrier.listeners.notify(usize::MAX);
                }
            }
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("state", &self.state.get())
            .field("count", &self.count.get())
            .finish()
    }
}
