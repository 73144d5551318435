//! The loop's timers: a binary heap keyed by (deadline, insertion order) over a
//! slab of wakers, so that cancelling a timer is O(1) and ties fire in the order
//! they were set.

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

struct Slot {
    /// The sequence number of the timer living here; 0 when the slot is free.
    seq: u64,
    waker: Option<Waker>,
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
        self.next_seq += 1;
        let seq = self.next_seq;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Slot {
                    seq,
                    waker: Some(waker),
                };
                slot
            }
            None => {
                self.slots.push(Slot {
                    seq,
                    waker: Some(waker),
                });
                (self.slots.len() - 1) as u32
            }
        };
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
                match &mut slot.waker {
                    Some(w) if w.will_wake(waker) => {}
                    w => *w = Some(waker.clone()),
                }
            }
        }
    }

    /// Disarms a timer and gives back its waker; its heap entry is discarded
    /// lazily when it surfaces.
    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let slot = self.slots.get_mut(key.slot as usize)?;
        if slot.seq != key.seq {
            return None;
        }
        slot.seq = 0;
        self.free.push(key.slot);
        slot.waker.take()
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

    /// Pops the next timer whose deadline is at or before `now` and returns its
    /// waker. The caller wakes it after releasing the borrow on the timers.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Waker> {
        while let Some(Reverse((deadline, seq, slot))) = self.heap.peek().copied() {
            if deadline > now {
                return None;
            }
            self.heap.pop();
            let entry = &mut self.slots[slot as usize];
            if entry.seq == seq {
                entry.seq = 0;
                self.free.push(slot);
                if let Some(waker) = entry.waker.take() {
                    return Some(waker);
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
