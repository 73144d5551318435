//! `catch_cancel`: asyncio's `try: ... except CancelledError:`, the place
//! where a cancellation becomes a value that cleanup code can act on.

use crate::cancel::cancelled::Cancelled;
use crate::cancel::catcher::{CatcherSlot, take_catchable};
use crate::cancel::frames::enter;
use crate::cancel::registry::CancelRegistry;
use crate::cancel::state::CancelState;
use crate::runtime::expect_current;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `future`; if the enclosing task or scope is cancelled while it runs,
/// `future` is dropped (its `Drop` cleanup runs) and the caller gets
/// `Err(cancelled)`, asyncio's `except CancelledError:`. A cancellation
/// that something inside caught and passed on (a `task_group!` cancelled
/// from outside, an awaited task, a [`reraise`](crate::Cancelled::reraise))
/// arrives here too, as a re-raised exception reaches the next `except`.
///
/// After catching, the caller may `.await` anything (async cleanup: a
/// goodbye message, a flush) and then decides:
/// - pass it on: in a task or group child, `return Err(c)` (the task or
///   child then counts as cancelled); anywhere, `c.reraise().await`;
/// - or suppress it: go on and return a value.
///
/// Without any `catch_cancel` (or [`cancelled`](crate::cancelled), or an
/// awaited [`Task`](crate::Task)) in it, a cancelled task is simply dropped
/// where it waits, at no cost. Catching does not make cleanup unbounded:
/// a second cancel request, or the grace period of whoever cancelled
/// (`Task::cancel_with_grace`, `task_group!(grace = d, ..)`), drops it for
/// good.
///
/// Cancel-safe: dropping the `catch_cancel` future drops `future`.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let task = aio::create_task(async {
///         match aio::catch_cancel(aio::sleep(Duration::from_secs(60))).await {
///             Ok(()) => "finished",
///             Err(_cancelled) => {
///                 // Async cleanup, then suppress: the task ends with a value.
///                 aio::sleep(Duration::from_secs(1)).await;
///                 "cleaned up"
///             }
///         }
///     });
///     aio::sleep(Duration::from_secs(1)).await;
///     task.cancel();
///     assert_eq!(task.await.unwrap(), "cleaned up");
/// });
/// ```
pub fn catch_cancel<F: IntoFuture>(future: F) -> CatchCancel<F::IntoFuture> {
    CatchCancel {
        future: Some(future.into_future()),
        scope: CancelState::catching(),
        slot: CatcherSlot::default(),
    }
}

/// The future of [`catch_cancel`]: `Ok` with the future's output, or
/// `Err(Cancelled)` if the code around it was cancelled first.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let quick: aio::CatchCancel<_> = aio::catch_cancel(async { 5 });
///     assert_eq!(quick.await, Ok(5)); // nothing cancelled it
/// });
/// ```
#[must_use = "catch_cancel does nothing unless awaited"]
pub struct CatchCancel<F> {
    future: Option<F>,
    /// Catch points inside `future` nest under this one, so that the
    /// innermost gets a cancellation first.
    scope: CancelState,
    slot: CatcherSlot,
}

impl<F: Future> Future for CatchCancel<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned (polled and dropped in
        // place, never moved out); the other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        expect_current("aio::catch_cancel", |core| {
            let registry = CancelRegistry::of(core);
            this.slot.wait(core, &registry, cx.waker());
            this.scope.key.set(this.slot.key());
            // The innermost catch point gets a cancellation first.
            if registry.catchers(this.slot.key()) <= 1 {
                if let Some(cancelled) = take_catchable(core, &registry) {
                    this.future = None;
                    this.slot.release(&registry);
                    return Poll::Ready(Err(cancelled));
                }
            }
            // SAFETY: as above: the `Option` holding the future is never moved.
            let mut slot = unsafe { Pin::new_unchecked(&mut this.future) };
            let Some(running) = slot.as_mut().as_pin_mut() else {
                panic!("catch_cancel was polled after it completed; await it once");
            };
            let polled = enter(core, &this.scope, || running.poll(cx));
            // Passed on from inside (a group, an awaited task, a reraise):
            // it ends the future here, as an exception reaching `except`.
            if let Some(cancelled) = this.scope.take_passed() {
                slot.set(None);
                this.slot.release(&registry);
                return Poll::Ready(Err(cancelled));
            }
            match polled {
                Poll::Ready(value) => {
                    slot.set(None);
                    this.slot.release(&registry);
                    Poll::Ready(Ok(value))
                }
                Poll::Pending => Poll::Pending,
            }
        })
    }
}

impl<F> Drop for CatchCancel<F> {
    fn drop(&mut self) {
        // The future first: its catch points leave before this one.
        self.future = None;
        if self.slot.is_registered() {
            crate::runtime::with_current(|core| self.slot.release(&CancelRegistry::of(core)));
        }
    }
}
