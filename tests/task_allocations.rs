//! What tasks allocate. A small task is one allocation in the allocator's
//! 64-byte size class, and cancelling a task that catches nothing
//! (`task.cancel()`, then awaiting it) allocates nothing: the reason, with the
//! line that called `cancel`, fits in the task's metadata. This binary counts
//! the allocations of the thread that runs the loop, and the largest.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// count is a thread-local `Cell` with no destructor, usable at any time.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        LARGEST.with(|n| n.set(n.get().max(layout.size())));
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` above, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// The largest allocation since the last call.
fn take_largest() -> usize {
    LARGEST.with(|n| n.replace(0))
}

#[test]
fn a_small_task_is_one_allocation_of_at_most_56_bytes() {
    // The real clock: on the virtual one the loop records where each task
    // was spawned, for its reports. Nothing here waits on it.
    aio::run(async {
        // The first two batches grow the loop's registry and run queue to a
        // size the third fits in.
        let mut tasks = Vec::with_capacity(300);
        for _ in 0..2 {
            tasks.extend((0..100).map(|_| aio::create_task(std::future::pending::<()>())));
            aio::yield_now().await;
        }
        let before = allocations();
        take_largest();
        tasks.extend((0..100).map(|_| aio::create_task(std::future::pending::<()>())));
        assert_eq!(allocations() - before, 100, "one allocation per task");
        // 56 bytes and the allocator's own word fill a 64-byte chunk; the
        // next class is 80. (async-task's `std` feature, which aio does not
        // use, would add a word to every task.)
        let largest = take_largest();
        assert!(
            largest <= 56,
            "a parked task's allocation is {largest} bytes"
        );
        for task in &tasks {
            task.cancel();
        }
    });
}

#[test]
fn cancelling_and_awaiting_a_task_that_catches_nothing_allocates_nothing() {
    aio::Runner::with_clock(aio::Clock::Virtual).run(async {
        // The first rounds number the call site of `cancel` and grow the
        // loop's tables to their size (their keys are reused in another
        // order each round); the last must allocate nothing.
        for round in 0..3 {
            let tasks: Vec<_> = (0..40)
                .map(|_| aio::create_task(aio::sleep(Duration::from_secs(60))))
                .collect();
            let mut reasons = Vec::with_capacity(tasks.len());
            aio::yield_now().await;
            let before = allocations();
            for task in &tasks {
                task.cancel();
            }
            for task in tasks {
                reasons.push(task.await.unwrap_err());
            }
            if round == 2 {
                assert_eq!(allocations() - before, 0, "cancelling 40 tasks allocated");
            }
            for error in reasons {
                let reason = error.cancelled().expect("cancelled").reason();
                assert!(matches!(
                    reason,
                    aio::CancelReason::Explicit { message: None, .. }
                ));
            }
        }
    });
}
