//! `cancelled()`: waiting for the current task or scope to be cancelled.

use crate::cancel::cancelled::Cancelled;
use crate::cancel::catcher::{CatcherSlot, take_catchable};
use crate::cancel::registry::CancelRegistry;
use crate::runtime::{expect_current, with_current};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Resolves when the current task or scope has a cancel request, with that
/// cancellation. Awaiting it counts as catching: the cancellation is handed
/// to it (the task is not dropped), so code can race it against work.
///
/// Cancel-safe.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let task = aio::create_task(async {
///         aio::select_first! {
///             c = aio::cancelled() => format!("stopped: {}", c.reason()),
///             _ = aio::sleep(Duration::from_secs(60)) => "slept".to_string(),
///         }
///     });
///     aio::yield_now().await;
///     task.cancel();
///     assert!(task.await.unwrap().starts_with("stopped: cancelled at"));
/// });
/// ```
pub fn cancelled() -> CancelledFuture {
    CancelledFuture {
        slot: CatcherSlot::default(),
    }
}

/// The future of [`cancelled`]: the [`Cancelled`](crate::Cancelled) once
/// the code awaiting it is cancelled.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let scope = aio::CancelScope::new().with_deadline(aio::now() + Duration::from_secs(2));
///     let caught = scope
///         .run(async {
///             let stop: aio::CancelledFuture = aio::cancelled();
///             let c = stop.await; // waits for the deadline, then holds it
///             matches!(c.reason(), aio::CancelReason::Timeout { .. })
///         })
///         .await;
///     assert_eq!(caught, Some(true)); // caught, so the body returned a value
/// });
/// ```
#[must_use = "cancelled() does nothing unless awaited"]
pub struct CancelledFuture {
    slot: CatcherSlot,
}

impl Future for CancelledFuture {
    type Output = Cancelled;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Cancelled> {
        expect_current("aio::cancelled", |core| {
            let registry = CancelRegistry::of(core);
            if let Some(cancelled) = take_catchable(core, &registry) {
                self.slot.release(&registry);
                return Poll::Ready(cancelled);
            }
            self.slot.wait(core, &registry, cx.waker());
            crate::runtime::note_wait(crate::runtime::Wait::On("a cancellation"));
            Poll::Pending
        })
    }
}

impl Drop for CancelledFuture {
    fn drop(&mut self) {
        if self.slot.is_registered() {
            with_current(|core| self.slot.release(&CancelRegistry::of(core)));
        }
    }
}
