//! The future given to `aio::run` (or `run_until_complete`), run as the
//! loop's main task: cancelling it follows the same rules as any task's.

use crate::cancel::Cancelled;
use crate::runtime::{TaskMeta, with_current};
use crate::task::root;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

/// Wraps the main future: its output, or the cancellation that ended it.
pub(crate) struct MainFuture<F> {
    future: Option<F>,
    /// Bounds the cleanup after Ctrl-C (`None`: unbounded).
    grace: Option<std::time::Duration>,
}

impl<F> MainFuture<F> {
    pub(crate) fn new(future: F, grace: Option<std::time::Duration>) -> Self {
        MainFuture {
            future: Some(future),
            grace,
        }
    }
}

/// The metadata of the main task being polled.
fn main_meta() -> Option<NonNull<TaskMeta>> {
    with_current(|core| core.current_task_meta().filter(|(_, is_main)| *is_main))
        .flatten()
        .map(|(meta, _)| meta)
}

impl<F: Future> Future for MainFuture<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned (polled and dropped in
        // place, never moved out).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above, the `Option` holding the future is never moved.
        let mut slot = unsafe { Pin::new_unchecked(&mut this.future) };
        let Some(meta) = main_meta() else {
            // Polled outside the loop's main slot: just the future.
            let future = slot.as_mut().as_pin_mut().expect("polled after completion");
            return future.poll(cx).map(Ok);
        };
        // SAFETY: the main task's metadata lives while its poll does.
        let meta = unsafe { meta.as_ref() };
        let cancelled = if root::must_end(meta, true, cx.waker(), this.grace) {
            true
        } else {
            let future = slot.as_mut().as_pin_mut().expect("polled after completion");
            match future.poll(cx) {
                Poll::Pending if root::must_end(meta, true, cx.waker(), this.grace) => true,
                Poll::Pending => return Poll::Pending,
                Poll::Ready(value) => {
                    slot.set(None);
                    if !root::ended_cancelled(meta, true) {
                        root::end(meta, true);
                        return Poll::Ready(Ok(value));
                    }
                    true
                }
            }
        };
        debug_assert!(cancelled);
        slot.set(None);
        root::keep_reason(meta, true);
        let reason = root::reason(meta);
        root::end(meta, true);
        meta.mark_done(true);
        Poll::Ready(Err(reason))
    }
}
