//! The loop's run queue: what is ready to be polled, in the order it became
//! ready.
//!
//! An entry is one word, so that a burst of a million spawns costs 8 MB of
//! queue, not 16: a task's `Runnable` is a pointer to its (8-aligned) header,
//! a callback is a pointer to its box with the low bit set, and the main
//! future is the word 2.

use crate::runtime::loop_core::Ready;
use crate::runtime::task_meta::TaskMeta;
use async_task::Runnable;
use std::collections::VecDeque;
use std::ptr::NonNull;

/// Capacity kept however empty the queue gets (4 KiB of entries).
const KEEP: usize = 512;
/// The low bit of a callback's entry.
const CALL: usize = 1;
/// The main future's entry.
const MAIN: usize = 2;

/// One `Ready`, packed in a word (see the module comment).
struct Packed(NonNull<()>);

impl Packed {
    #[inline]
    fn new(item: Ready) -> Packed {
        match item {
            Ready::Task(runnable) => {
                let ptr = runnable.into_raw();
                debug_assert!(ptr.as_ptr().addr() & (CALL | MAIN) == 0);
                Packed(ptr)
            }
            Ready::Call(call) => {
                let ptr = NonNull::from(Box::leak(call)).cast::<()>();
                Packed(ptr.map_addr(|a| a | CALL))
            }
            Ready::Main => {
                Packed(NonNull::new(std::ptr::without_provenance_mut(MAIN)).expect("not zero"))
            }
        }
    }

    #[inline]
    fn into_ready(self) -> Ready {
        let addr = self.0.as_ptr().addr();
        if addr == MAIN {
            return Ready::Main;
        }
        if addr & CALL != 0 {
            let ptr = self.0.map_addr(|a| {
                std::num::NonZeroUsize::new(a.get() & !CALL).expect("a box's address")
            });
            // The entry was made by `new` from `Box::leak` of this very box
            // (the low bit, set there, is cleared again), and each entry is
            // unpacked once: the box is owned again exactly once. Entries are
            // only packed and unpacked on the loop's thread.
            // SAFETY: as just argued.
            return Ready::Call(unsafe { Box::from_raw(ptr.cast().as_ptr()) });
        }
        // The entry was made by `new` from `Runnable::into_raw` (its address
        // has neither tag: a task header is 8-aligned and never at 2), and is
        // unpacked once, on the loop's thread, which is where the task's
        // `Runnable` may be run or dropped.
        // SAFETY: `from_raw` gets a pointer from `into_raw`, once, as argued.
        Ready::Task(unsafe { Runnable::<TaskMeta>::from_raw(self.0) })
    }
}

impl Packed {
    /// The id of the task this entry runs, if it is a task; `main` for the
    /// main future's entry. The entry stays queued.
    fn task_id(&self, main: Option<u64>) -> Option<u64> {
        let addr = self.0.as_ptr().addr();
        if addr == MAIN {
            return main;
        }
        if addr & CALL != 0 {
            return None;
        }
        // The entry came from `Runnable::into_raw` (see `into_ready`); the
        // `Runnable` made here is only read, on the loop's thread, and never
        // run or dropped, so the queue still owns the task alone.
        // SAFETY: as just argued.
        let runnable =
            std::mem::ManuallyDrop::new(unsafe { Runnable::<TaskMeta>::from_raw(self.0) });
        Some(runnable.metadata().id())
    }
}

/// A FIFO that hands memory back after a burst: once it has drained to a
/// quarter of its capacity, the capacity halves. Spawning a million tasks at
/// once must not leave megabytes of queue behind for the rest of the run.
pub(crate) struct RunQueue {
    items: VecDeque<Packed>,
}

impl RunQueue {
    pub(crate) fn new() -> Self {
        RunQueue {
            items: VecDeque::with_capacity(64),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, item: Ready) {
        self.items.push_back(Packed::new(item));
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Ready> {
        let item = self.items.pop_front();
        let capacity = self.items.capacity();
        // Halving only at a quarter full costs O(1) per pop, amortised.
        if capacity > KEEP && self.items.len() < capacity / 4 {
            self.items.shrink_to(capacity / 2);
        }
        item.map(Packed::into_ready)
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The ids of the queued tasks, in the order they will run (`main` for
    /// the main future's entry; callbacks are left out).
    pub(crate) fn task_ids(&self, main: Option<u64>) -> Vec<u64> {
        self.items.iter().filter_map(|p| p.task_id(main)).collect()
    }

    /// Takes every entry out, leaving the queue empty; dropping what it
    /// returns drops the entries (forgetting it leaks them).
    pub(crate) fn take_all(&mut self) -> RunQueue {
        std::mem::replace(self, RunQueue::new())
    }
}

impl Drop for RunQueue {
    fn drop(&mut self) {
        while let Some(item) = self.items.pop_front() {
            drop(item.into_ready());
        }
    }
}
