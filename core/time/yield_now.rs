//! `yield_now`: asyncio's `sleep(0)`, a turn for everyone else.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Lets every other ready task run once before the caller continues.
///
/// ```
/// aio::run(async {
///     let task = aio::create_task(async { 1 });
///     aio::yield_now().await;
///     assert!(task.is_done());
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
#[derive(Debug)]
#[must_use = "yield_now does nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
