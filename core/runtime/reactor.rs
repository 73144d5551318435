//! Which task waits on which socket: the loop's side of I/O readiness.
//!
//! Every I/O source is added to the loop's poller once, under a key. A task
//! that finds its socket not ready leaves its waker here for that direction
//! and arms the poller's interest; after the poller returns, the loop wakes the
//! tasks waiting on that source. The poller is one-shot: an event disarms its
//! source, so every task waiting on it is woken (a task whose direction is not
//! ready yet finds its operation would block and arms the interest again).

use polling::{Event, Events};
use std::task::Waker;

/// Read or write readiness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

#[derive(Default)]
struct Waiters {
    read: Option<Waker>,
    write: Option<Waker>,
}

impl Waiters {
    fn interest(&self, key: usize) -> Event {
        Event::new(key, self.read.is_some(), self.write.is_some())
    }
}

/// The sources of one loop, by key, with the tasks waiting on each.
#[derive(Default)]
pub(crate) struct Reactor {
    sources: Vec<Option<Waiters>>,
    free: Vec<usize>,
    /// Sources with at least one waiting task.
    waiting: usize,
}

impl Reactor {
    /// Makes room for a new source and returns its key.
    pub(crate) fn insert(&mut self) -> usize {
        match self.free.pop() {
            Some(key) => {
                self.sources[key] = Some(Waiters::default());
                key
            }
            None => {
                self.sources.push(Some(Waiters::default()));
                self.sources.len() - 1
            }
        }
    }

    /// Forgets a source (it has been deleted from the poller).
    pub(crate) fn remove(&mut self, key: usize) {
        if let Some(slot) = self.sources.get_mut(key) {
            if let Some(waiters) = slot.take() {
                if waiters.read.is_some() || waiters.write.is_some() {
                    self.waiting -= 1;
                }
                self.free.push(key);
            }
        }
    }

    /// Leaves `waker` to be woken when the source is ready in `direction`;
    /// returns the interest to arm in the poller.
    pub(crate) fn wait(&mut self, key: usize, direction: Direction, waker: &Waker) -> Event {
        let Some(Some(waiters)) = self.sources.get_mut(key) else {
            return Event::none(key);
        };
        let was_waiting = waiters.read.is_some() || waiters.write.is_some();
        let slot = match direction {
            Direction::Read => &mut waiters.read,
            Direction::Write => &mut waiters.write,
        };
        match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
        if !was_waiting {
            self.waiting += 1;
        }
        waiters.interest(key)
    }

    /// True when some task waits on a source.
    pub(crate) fn has_waiters(&self) -> bool {
        self.waiting > 0
    }

    /// Takes the wakers of every task waiting on a source that had an event.
    pub(crate) fn ready(&mut self, events: &Events, wake: &mut Vec<Waker>) {
        for event in events.iter() {
            let Some(Some(waiters)) = self.sources.get_mut(event.key) else {
                continue;
            };
            let was_waiting = waiters.read.is_some() || waiters.write.is_some();
            wake.extend(waiters.read.take());
            wake.extend(waiters.write.take());
            if was_waiting {
                self.waiting -= 1;
            }
        }
    }
}
