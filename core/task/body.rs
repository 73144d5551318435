//! The future a spawned task really runs: the user's future plus cancellation,
//! panic capture, done callbacks and deregistration.

use crate::runtime::with_current;
use crate::runtime::TaskMeta;
use crate::task::error::TaskError;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a task's allocation holds once it finished: the value, or `None` when
/// it failed. Why it failed is in the metadata (the cancelled flag, or the
/// panic's payload), so that a task returning `()` needs one byte here rather
/// than three words (every task pays for the larger of its future and this).
pub(crate) type RawOutcome<T> = Option<T>;

pub(crate) struct TaskFuture<'m, F> {
    meta: &'m TaskMeta,
    /// The user's future; dropped in place (and never touched again) once
    /// `meta` says the task is done.
    future: ManuallyDrop<F>,
}

impl<'m, F: Future> TaskFuture<'m, F> {
    pub(crate) fn new(meta: &'m TaskMeta, future: F) -> Self {
        TaskFuture {
            meta,
            future: ManuallyDrop::new(future),
        }
    }
}

impl<F> Future for TaskFuture<'_, F>
where
    F: Future,
    F::Output: 'static,
{
    type Output = RawOutcome<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved, only
        // polled and dropped in place.
        let this = unsafe { self.get_unchecked_mut() };
        // `async-task` never polls a future again after it returned `Ready`,
        // which is the only way `meta` becomes done while the future runs.
        debug_assert!(!this.meta.is_done());
        let outcome = if this.meta.cancel_requested() {
            Err(TaskError::Cancelled)
        } else {
            // SAFETY: pinned in place, as argued above; not dropped yet.
            let future = unsafe { Pin::new_unchecked(&mut *this.future) };
            match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(value)) => Ok(value),
                Err(payload) => Err(TaskError::Panicked(payload)),
            }
        };
        // Run the future's cleanup now, before anyone learns it is done. A panic
        // in a destructor becomes the task's outcome rather than the loop's.
        // SAFETY: the future is dropped once: `mark_done` right after keeps
        // `Drop` and any later poll away from it.
        let dropped = catch_unwind(AssertUnwindSafe(|| unsafe {
            ManuallyDrop::drop(&mut this.future)
        }));
        let outcome = match dropped {
            Ok(()) => outcome,
            Err(payload) => Err(TaskError::Panicked(payload)),
        };
        this.meta
            .mark_done(matches!(outcome, Err(TaskError::Cancelled)));
        this.meta.run_callbacks(&outcome);
        Poll::Ready(match outcome {
            Ok(value) => Some(value),
            Err(TaskError::Cancelled) => None,
            Err(TaskError::Panicked(payload)) => {
                this.meta.keep_panic(payload);
                None
            }
        })
    }
}

impl<F> Drop for TaskFuture<'_, F> {
    fn drop(&mut self) {
        let key = self.meta.registry_key();
        let shielded = self.meta.is_shielded();
        with_current(|core| {
            core.deregister(key);
            if shielded {
                core.shield_done();
            }
        });
        if !self.meta.is_done() {
            // Dropped before it finished (its loop closed under it).
            // SAFETY: not dropped yet (the task is not done), and never again.
            unsafe { ManuallyDrop::drop(&mut self.future) };
        }
    }
}
