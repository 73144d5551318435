//! Cancelling a task that catches nothing (`task.cancel()`, then awaiting
//! it) allocates nothing: the reason, with the line that called `cancel`,
//! fits in the task's metadata. This binary counts the allocations of the
//! thread that runs the loop.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// count is a thread-local `Cell` with no destructor, usable at any time.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
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
