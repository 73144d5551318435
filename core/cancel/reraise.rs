//! `Cancelled::reraise`: passing a caught cancellation on from anywhere.

use crate::cancel::cancelled::Cancelled;
use crate::cancel::catcher::reraise;
use crate::cancel::registry::CancelRegistry;
use crate::runtime::expect_current;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

impl Cancelled {
    /// Passes the cancellation on, as `raise` in asyncio's `except
    /// CancelledError:`: the next [`catch_cancel`](crate::catch_cancel) out
    /// receives it; with none between here and the task or scope it came
    /// from (a `timeout!`, `cancel_scope!`, `task_group!`, a group child or
    /// the task), that one ends as cancelled at once. A `timeout!` whose own
    /// deadline it was returns `Err(Elapsed)`.
    ///
    /// The future never completes: whatever awaits it is dropped.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let outcome = aio::timeout!(Duration::from_secs(1), {
    ///         if let Err(c) = aio::catch_cancel(aio::sleep(Duration::from_secs(5))).await {
    ///             aio::sleep(Duration::from_millis(100)).await; // cleanup
    ///             match c.reraise().await {}
    ///         }
    ///         "finished"
    ///     });
    ///     assert!(outcome.is_err());
    /// });
    /// ```
    pub fn reraise(self) -> Reraise {
        Reraise {
            cancelled: Some(self),
        }
    }
}

/// The future of [`Cancelled::reraise`]: it never completes, since it ends
/// the enclosing task or scope as cancelled.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let task = aio::create_task(async {
///         if let Err(c) = aio::catch_cancel(aio::sleep(Duration::from_secs(60))).await {
///             let again: aio::Reraise = c.reraise();
///             match again.await {} // ends the task, cancelled
///         }
///     });
///     aio::yield_now().await;
///     task.cancel();
///     assert!(task.await.unwrap_err().is_cancelled());
/// });
/// ```
#[must_use = "reraise does nothing unless awaited"]
pub struct Reraise {
    cancelled: Option<Cancelled>,
}

impl Future for Reraise {
    type Output = Infallible;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Infallible> {
        if let Some(cancelled) = self.cancelled.take() {
            expect_current("Cancelled::reraise", |core| {
                reraise(core, &CancelRegistry::of(core), cancelled.origin);
            });
        }
        // The scope it ended drops this future when the poll returns.
        Poll::Pending
    }
}
