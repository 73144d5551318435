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

/// The future of [`yield_now`]: pending once (asking to be polled again at
/// once), then ready.
///
/// ```
/// use std::{cell::Cell, rc::Rc};
///
/// aio::run(async {
///     let turns = Rc::new(Cell::new(0));
///     let t = turns.clone();
///     let _other = aio::create_task(async move { t.set(t.get() + 1) });
///     let pause: aio::YieldNow = aio::yield_now();
///     pause.await;
///     assert_eq!(turns.get(), 1, "the other task ran meanwhile");
/// });
/// ```
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
