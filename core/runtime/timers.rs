//! The loop's timers: a binary heap keyed by (deadline, insertion order) over a
//! slab of wakers (or plain callbacks, asyncio's `call_at`), so that cancelling
//! a timer is O(1) and ties fire in the order they were set.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::Waker;
use std::time::Instant;

/// Names one armed timer; stale once the timer fired or was removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    slot: u32,
    seq: u64,
}

/// What a timer does when it fires.
pub(crate) enum Fire {
    /// Wakes a task.
    Wake(Waker),
    /// Runs a plain callback at the loop's next turn.
    Call(Call),
}

/// A plain callback of the loop's thread; boxed twice so that a run-queue
/// entry stays one word.
pub(crate) type Call = Box<Box<dyn FnOnce()>>;

struct Slot {
    /// The sequence number of the timer living here; 0 when the slot is free.
    seq: u64,
    held: Held,
}

/// What a slot holds, in 16 bytes: a free slot is a call slot with no call.
/// (An `Option<Fire>` takes 24, and every sleeping task would pay for it.)
enum Held {
    Wake(Waker),
    Call(Option<Call>),
}

impl Held {
    const EMPTY: Held = Held::Call(None);

    fn take(&mut self) -> Option<Fire> {
        match std::mem::replace(self, Held::EMPTY) {
            Held::Wake(waker) => Some(Fire::Wake(waker)),
            Held::Call(call) => call.map(Fire::Call),
        }
    }
}

impl From<Fire> for Held {
    fn from(fire: Fire) -> Held {
        match fire {
            Fire::Wake(waker) => Held::Wake(waker),
            Fire::Call(call) => Held::Call(Some(call)),
        }
    }
}

#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    slots: Vec<Slot>,
    free: Vec<u32>,
    next_seq: u64,
}

impl Timers {
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.insert_fire(deadline, Fire::Wake(waker))
    }

    /// Arms a timer that runs `call` at the loop's turn after `deadline`.
    pub(crate) fn insert_call(&mut self, deadline: Instant, call: Call) -> TimerKey {
        self.insert_fire(deadline, Fire::Call(call))
    }

    fn insert_fire(&mut self, deadline: Instant, fire: Fire) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Slot {
                    seq,
                    held: fire.into(),
                };
                slot
            }
            None => {
                self.slots.push(Slot {
                    seq,
                    held: fire.into(),
                });
                (self.slots.len() - 1) as u32
            }
        };
        // Timers removed long before their deadline (a timeout whose body
        // finished) stay in the heap until their deadlines surface. Rather
        // than grow past them, the heap sweeps them out when it is full and
        // they outnumber the armed timers: it stays within about four times
        // what the armed ones need, each sweep is paid for by the inserts
        // that filled the heap, and removing timers costs nothing more (a
        // thousand cancelled sleepers do not sweep a thousand times).
        if self.heap.len() == self.heap.capacity()
            && self.heap.len() >= 64
            && self.heap.len() > 2 * self.armed()
        {
            let slots = &self.slots;
            self.heap
                .retain(|Reverse((_, seq, slot))| slots[*slot as usize].seq == *seq);
        }
        self.heap.push(Reverse((deadline, seq, slot)));
        TimerKey { slot, seq }
    }

    /// True while the timer has neither fired nor been removed.
    pub(crate) fn is_armed(&self, key: TimerKey) -> bool {
        self.slots
            .get(key.slot as usize)
            .is_some_and(|s| s.seq == key.seq)
    }

    /// Replaces the waker of an armed timer unless it would wake the same task.
    pub(crate) fn update_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(slot) = self.slots.get_mut(key.slot as usize) {
            if slot.seq == key.seq {
                match &mut slot.held {
                    Held::Wake(w) if w.will_wake(waker) => {}
                    held => *held = Held::Wake(waker.clone()),
                }
            }
        }
    }

    /// Disarms a timer and gives back its waker (a callback is dropped); its
    /// heap entry is discarded lazily when it surfaces.
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.seq != key.seq {
            return None;
        }
        slot.seq = 0;
        self.free.push(key.slot);
        match slot.held.take() {
            Some(Fire::Wake(waker)) => Some(waker),
            _ => None,
        }
    }

    /// The earliest deadline of an armed timer, dropping dead heap entries.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((deadline, seq, slot))) = self.heap.peek().copied() {
            if self.slots[slot as usize].seq == seq {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }

    /// Pops the next timer whose deadline is at or before `now` and returns
    /// what it does. The caller acts on it after releasing the borrow on the
    /// timers.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Fire> {
        while let Some(Reverse((deadline, seq, slot))) = self.heap.peek().copied() {
            if deadline > now {
                return None;
            }
            self.heap.pop();
            let entry = &mut self.slots[slot as usize];
            if entry.seq == seq {
                entry.seq = 0;
                self.free.push(slot);
                if let Some(fire) = entry.held.take() {
                    return Some(fire);
                }
            }
        }
        None
    }

    /// How many timers are armed.
    pub(crate) fn armed(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Slot, Timers};
    use std::task::Waker;
    use std::time::{Duration, Instant};

    /// Every sleeping task has a slot: it stays three words.
    #[test]
    fn a_slot_is_three_words() {
        assert_eq!(std::mem::size_of::<Slot>(), 24);
    }

    /// A server whose timeouts mostly end early (the body finished) keeps a
    /// few armed and removes the rest: the heap must not keep every removed
    /// one until its deadline.
    #[test]
    fn removed_timers_do_not_pile_up_in_the_heap() {
        let mut timers = Timers::default();
        let start = Instant::now();
        let mut armed = Vec::new();
        for i in 0..100_000u64 {
            let deadline = start + Duration::from_secs(30) + Duration::from_nanos(i);
            armed.push(timers.insert(deadline, Waker::noop().clone()));
            if armed.len() > 100 {
                let key = armed.remove(0);
                timers.remove(key);
            }
        }
        assert_eq!(timers.armed(), 100);
        assert!(
            timers.heap.len() <= 1024,
            "{} entries for 100 armed timers",
            timers.heap.len()
        );
        // The armed ones still fire, in order.
        let mut fired = 0;
        while timers
            .pop_expired(start + Duration::from_secs(31))
            .is_some()
        {
            fired += 1;
        }
        assert_eq!(fired, 100);
        // Down to one armed timer at a time: still bounded.
        for i in 0..100_000u64 {
            let deadline = start + Duration::from_secs(60) + Duration::from_nanos(i);
            let key = timers.insert(deadline, Waker::noop().clone());
            timers.remove(key);
        }
        let key = timers.insert(start + Duration::from_secs(90), Waker::noop().clone());
        assert!(timers.is_armed(key));
        assert!(
            timers.heap.len() <= 1024,
            "{} entries for 1 armed timer",
            timers.heap.len()
        );
    }
}
