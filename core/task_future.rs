//! The future a spawned task really runs: the user's future plus cancellation,
//! panic capture, done callbacks and deregistration.

use crate::current::with_current;
use crate::task_error::TaskError;
use crate::task_meta::TaskMeta;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

pub(crate) struct TaskFuture<'m, F> {
    meta: &'m TaskMeta,
    /// The user's future; `None` once it finished or was cancelled.
    future: Option<F>,
}

impl<'m, F: Future> TaskFuture<'m, F> {
    pub(crate) fn new(meta: &'m TaskMeta, future: F) -> Self {
        TaskFuture {
            meta,
            future: Some(future),
        }
    }
}

impl<F> Future for TaskFuture<'_, F>
where
    F: Future,
    F::Output: 'static,
{
    type Output = Result<F::Output, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of the
        // `Option`, only polled in place and dropped in place (`Pin::set`).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: same structural pinning: the `Option` is never moved again.
        let mut slot = unsafe { Pin::new_unchecked(&mut this.future) };
        let outcome = match slot.as_mut().as_pin_mut() {
            None => Err(TaskError::Cancelled),
            Some(_) if this.meta.cancel_requested() => Err(TaskError::Cancelled),
            Some(future) => match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                Ok(Poll::Pending) => return Poll::Pending,
                Ok(Poll::Ready(value)) => Ok(value),
                Err(payload) => Err(TaskError::Panicked(payload)),
            },
        };
        // Run the future's cleanup now, before anyone learns it is done. A panic
        // in a destructor becomes the task's outcome rather than the loop's.
        let outcome = match catch_unwind(AssertUnwindSafe(|| slot.set(None))) {
            Ok(()) => outcome,
            Err(payload) => Err(TaskError::Panicked(payload)),
        };
        this.meta
            .mark_done(matches!(outcome, Err(TaskError::Cancelled)));
        this.meta.run_callbacks(&outcome);
        Poll::Ready(outcome)
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
    }
}
