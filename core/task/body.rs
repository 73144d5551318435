//! The future a spawned task really runs: the user's future plus
//! cancellation, panic capture, done callbacks and deregistration.

use crate::runtime::{TaskMeta, recording, with_current};
use crate::task::error::{Panic, TaskError};
use crate::task::{lost_failure, root};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a task's allocation holds once it finished: the value, or `None` when
/// it failed. Why it failed is in the metadata (the cancel code or kept
/// reason, or the panic's payload), so that a task returning `()` needs one
/// byte here rather than several words (every task pays for the larger of
/// its future and this).
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

/// How a task's future stopped, before the outcome is decided.
enum Stop<T> {
    Value(T),
    Cancelled,
    Panicked(Box<dyn std::any::Any + Send>),
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
        let meta = this.meta;
        let stop = if root::must_end(meta, false, cx.waker(), None) {
            Stop::Cancelled
        } else {
            // SAFETY: pinned in place, as argued above; not dropped yet.
            let future = unsafe { Pin::new_unchecked(&mut *this.future) };
            match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                Ok(Poll::Pending) if root::must_end(meta, false, cx.waker(), None) => {
                    Stop::Cancelled
                }
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(value)) => Stop::Value(value),
                Err(payload) => Stop::Panicked(payload),
            }
        };
        // Run the future's cleanup now, before anyone learns it is done. A panic
        // in a destructor becomes the task's outcome rather than the loop's.
        // SAFETY: the future is dropped once: `mark_done` right after keeps
        // `Drop` and any later poll away from it.
        let dropped = catch_unwind(AssertUnwindSafe(|| unsafe {
            ManuallyDrop::drop(&mut this.future)
        }));
        let stop = match (stop, dropped) {
            (_, Err(payload)) => Stop::Panicked(payload),
            // A value that holds the cancellation the task was handed means
            // the task passed it on (`return Err(c)`).
            (Stop::Value(_), Ok(())) if root::ended_cancelled(meta, false) => Stop::Cancelled,
            (stop, Ok(())) => stop,
        };
        let outcome = match stop {
            Stop::Value(value) => Ok(value),
            Stop::Cancelled => {
                root::keep_reason(meta, false);
                // Why is kept in the metadata; the error is built here only
                // for who looks now (done callbacks, debug mode's report),
                // else by the handle when it is awaited.
                if !meta.has_extra() && !recording() {
                    root::end(meta, false);
                    meta.mark_done(true);
                    return Poll::Ready(None);
                }
                Err(TaskError::Cancelled(root::reason(meta)))
            }
            Stop::Panicked(payload) => Err(TaskError::Panicked(Panic::new(payload))),
        };
        if let Err(error) = &outcome {
            lost_failure::task_failed(meta, error);
        }
        root::end(meta, false);
        meta.mark_done(matches!(outcome, Err(TaskError::Cancelled(_))));
        meta.run_callbacks(&outcome);
        Poll::Ready(match outcome {
            Ok(value) => Some(value),
            Err(TaskError::Cancelled(_)) => None,
            Err(TaskError::Panicked(panic)) => {
                meta.keep_panic(panic.into_payload());
                None
            }
        })
    }
}

impl<F> Drop for TaskFuture<'_, F> {
    fn drop(&mut self) {
        let meta = self.meta;
        let key = meta.registry_key();
        let shielded = meta.is_shielded();
        with_current(|core| {
            core.deregister(key);
            if shielded {
                core.shield_done();
            }
        });
        if !meta.is_done() {
            // Dropped before it finished (its loop closed under it). A panic
            // in its cleanup must not escape into the loop's shutdown.
            // SAFETY: not dropped yet (the task is not done), and never again.
            let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
                ManuallyDrop::drop(&mut self.future)
            }));
            root::end(meta, false);
            // The callbacks need not be `Send`: they go here, on the loop's
            // thread, not with the metadata wherever its last waker is.
            meta.drop_callbacks();
        }
    }
}
