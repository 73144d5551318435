//! The loop's run queue: what is ready to be polled, in the order it became
//! ready.

use crate::runtime::loop_core::Ready;
use std::collections::VecDeque;

/// Capacity kept however empty the queue gets (4 KiB of entries).
const KEEP: usize = 512;

/// A FIFO that hands memory back after a burst: once it has drained to a
/// quarter of its capacity, the capacity halves. Spawning a million tasks at
/// once must not leave megabytes of queue behind for the rest of the run.
pub(crate) struct RunQueue {
    items: VecDeque<Ready>,
}

impl RunQueue {
    pub(crate) fn new() -> Self {
        RunQueue {
            items: VecDeque::with_capacity(64),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, item: Ready) {
        self.items.push_back(item);
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Ready> {
        let item = self.items.pop_front();
        let capacity = self.items.capacity();
        // Halving only at a quarter full costs O(1) per pop, amortised.
        if capacity > KEEP && self.items.len() < capacity / 4 {
            self.items.shrink_to(capacity / 2);
        }
        item
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The entries, in the order they will run.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Ready> {
        self.items.iter()
    }

    /// Takes every entry out, leaving the queue empty.
    pub(crate) fn take_all(&mut self) -> VecDeque<Ready> {
        std::mem::take(&mut self.items)
    }
}
