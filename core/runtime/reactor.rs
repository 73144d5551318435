//! Which task waits on which socket, and what the poller last said about it:
//! the loop's side of I/O readiness.
//!
//! Every I/O source is registered with the loop's poller once, under a key,
//! edge-triggered: each change of readiness is reported once. The reactor
//! keeps, per source and direction, whether the source may be ready (an edge
//! came, or nothing said otherwise yet) and the task waiting for it. An
//! operation is tried only while its direction may be ready; one that would
//! block (or a short read or write) clears it, and the task waits for the
//! next edge, so no system call is made that is known to fail. A direction
//! whose end was reported (end of stream, an error) stays ready for good: no
//! edge comes after that one.

use crate::runtime::poller::Readiness;
use std::task::Waker;

/// Read or write readiness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    fn bit(self) -> u8 {
        match self {
            Direction::Read => 1,
            Direction::Write => 2,
        }
    }

    /// The bit saying the direction's end was reported.
    fn closed_bit(self) -> u8 {
        self.bit() << 2
    }
}

struct Source {
    read: Option<Waker>,
    write: Option<Waker>,
    /// The directions that may be ready (`Direction::bit`) and those whose
    /// end was reported (`Direction::closed_bit`, never cleared).
    ready: u8,
}

impl Source {
    fn is_waiting(&self) -> bool {
        self.read.is_some() || self.write.is_some()
    }
}

/// The sources of one loop, by key, with the tasks waiting on each.
#[derive(Default)]
pub(crate) struct Reactor {
    sources: Vec<Option<Source>>,
    free: Vec<usize>,
    /// Sources with at least one waiting task.
    waiting: usize,
}

impl Reactor {
    /// Makes room for a new source (taken to be ready both ways until an
    /// operation says otherwise) and returns its key.
    pub(crate) fn insert(&mut self) -> usize {
        let source = Some(Source {
            read: None,
            write: None,
            ready: 3,
        });
        match self.free.pop() {
            Some(key) => {
                self.sources[key] = source;
                key
            }
            None => {
                self.sources.push(source);
                self.sources.len() - 1
            }
        }
    }

    /// Forgets a source (it has been deleted from the poller).
    pub(crate) fn remove(&mut self, key: usize) {
        if let Some(slot) = self.sources.get_mut(key) {
            if let Some(source) = slot.take() {
                if source.is_waiting() {
                    self.waiting -= 1;
                }
                self.free.push(key);
            }
        }
    }

    /// True unless the source is known not to be ready in `direction`.
    pub(crate) fn may_be_ready(&self, key: usize, direction: Direction) -> bool {
        match self.sources.get(key) {
            Some(Some(source)) => source.ready & (direction.bit() | direction.closed_bit()) != 0,
            _ => true,
        }
    }

    /// The last operation in `direction` drained the source (a short read or
    /// write): the next one waits for an edge first.
    pub(crate) fn clear_ready(&mut self, key: usize, direction: Direction) {
        if let Some(Some(source)) = self.sources.get_mut(key) {
            source.ready &= !direction.bit();
        }
    }

    /// The operation in `direction` would block: leaves `waker` to be woken
    /// at the source's next edge that way.
    pub(crate) fn wait(&mut self, key: usize, direction: Direction, waker: &Waker) {
        let Some(Some(source)) = self.sources.get_mut(key) else {
            return;
        };
        let was_waiting = source.is_waiting();
        source.ready &= !direction.bit();
        let slot = match direction {
            Direction::Read => &mut source.read,
            Direction::Write => &mut source.write,
        };
        match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
        if !was_waiting {
            self.waiting += 1;
        }
    }

    /// True when some task waits on a source.
    pub(crate) fn has_waiters(&self) -> bool {
        self.waiting > 0
    }

    /// Records what a wait of the poller reported and takes the wakers of the
    /// tasks waiting for it.
    pub(crate) fn ready(&mut self, events: impl Iterator<Item = Readiness>, wake: &mut Vec<Waker>) {
        for event in events {
            let Some(Some(source)) = self.sources.get_mut(event.key) else {
                continue;
            };
            let was_waiting = source.is_waiting();
            if event.read_closed {
                source.ready |= Direction::Read.closed_bit();
            }
            if event.write_closed {
                source.ready |= Direction::Write.closed_bit();
            }
            if event.read || event.read_closed {
                source.ready |= Direction::Read.bit();
                wake.extend(source.read.take());
            }
            if event.write || event.write_closed {
                source.ready |= Direction::Write.bit();
                wake.extend(source.write.take());
            }
            if was_waiting && !source.is_waiting() {
                self.waiting -= 1;
            }
        }
    }
}
