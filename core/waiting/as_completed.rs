//! `as_completed`: results in the order they finish, asyncio's
//! `asyncio.as_completed`.

use crate::runtime::{ChildWake, ReadyList};
use crate::scope::Elapsed;
use crate::time::{Sleep, sleep};
use futures_core::Stream;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

type Running<F> = Option<(Pin<Box<F>>, Arc<ChildWake>, Waker)>;

/// Runs `futures` concurrently and yields each output as it finishes, as
/// asyncio's `as_completed()`. A `futures_core::Stream`, and an async
/// iterator through [`AsCompleted::next`]. Dropping it cancels the futures
/// not yet finished.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut results = aio::as_completed((1..=3u64).rev().map(|i| async move {
///         aio::sleep(Duration::from_secs(i)).await;
///         i
///     }));
///     let mut order = Vec::new();
///     while let Some(i) = results.next().await {
///         order.push(i);
///     }
///     assert_eq!(order, [1, 2, 3]);
/// });
/// ```
pub fn as_completed<I, F>(futures: I) -> AsCompleted<F::IntoFuture>
where
    I: IntoIterator<Item = F>,
    F: IntoFuture,
{
    let ready = Arc::new(ReadyList::default());
    let running: Vec<Running<F::IntoFuture>> = futures
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let wake = ChildWake::new(i, ready.clone());
            Some((Box::pin(f.into_future()), wake.clone(), Waker::from(wake)))
        })
        .collect();
    AsCompleted {
        left: running.len(),
        fresh: (0..running.len()).collect(),
        running,
        ready,
        buf: Vec::new(),
        done: Vec::new(),
        timer: None,
        timeout_location: None,
        expired: false,
    }
}

/// The stream of [`as_completed`]: each output as its future finishes, by
/// [`next`](Self::next) or as a [`Stream`](crate::Stream).
///
/// ```
/// use aio::StreamExt;
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let results: aio::AsCompleted<_> = aio::as_completed([2, 1].map(|s| async move {
///         aio::sleep(Duration::from_secs(s)).await;
///         s
///     }));
///     assert_eq!(results.collect::<Vec<_>>().await, [1, 2]);
/// });
/// ```
pub struct AsCompleted<F: Future> {
    running: Vec<Running<F>>,
    /// Indices never polled yet.
    fresh: Vec<usize>,
    ready: Arc<ReadyList>,
    buf: Vec<usize>,
    /// Outputs finished but not yet yielded, in completion order.
    done: Vec<F::Output>,
    left: usize,
    timer: Option<Sleep>,
    /// Where `with_timeout` was called, for the error.
    timeout_location: Option<&'static std::panic::Location<'static>>,
    expired: bool,
}

impl<F: Future> AsCompleted<F> {
    /// Gives up after `timeout`: the next item is then `Err(Elapsed)` and
    /// the stream ends (asyncio's `as_completed(..., timeout=)`); use with
    /// [`next_within`](Self::next_within).
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let delays = [1, 60];
    ///     let mut replies = aio::as_completed(delays.map(|s| aio::sleep(Duration::from_secs(s))))
    ///         .with_timeout(Duration::from_secs(5));
    ///     assert_eq!(replies.next_within().await, Some(Ok(()))); // the 1 s one
    ///     assert!(replies.next_within().await.unwrap().is_err()); // time is up
    ///     assert_eq!(replies.next_within().await, None);
    ///     assert_eq!(aio::get_running_loop().time(), 5.0);
    /// });
    /// ```
    #[track_caller]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout_location = Some(std::panic::Location::caller());
        self.timer = Some(sleep(timeout));
        self
    }

    /// The next output in completion order; `None` when all were yielded.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let mut first = aio::as_completed([3, 1, 2].map(|s| async move {
    ///         aio::sleep(Duration::from_secs(s)).await;
    ///         s
    ///     }));
    ///     assert_eq!(first.next().await, Some(1));
    ///     assert_eq!(first.next().await, Some(2));
    ///     assert_eq!(first.next().await, Some(3));
    ///     assert_eq!(first.next().await, None);
    /// });
    /// ```
    pub async fn next(&mut self) -> Option<F::Output> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Like [`next`](Self::next), honouring [`with_timeout`](Self::with_timeout):
    /// `Some(Err(Elapsed))` once the time is up, then `None`.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let mut fast = aio::as_completed([aio::sleep(Duration::from_secs(1))])
    ///         .with_timeout(Duration::from_secs(5));
    ///     assert_eq!(fast.next_within().await, Some(Ok(())));
    ///     assert_eq!(fast.next_within().await, None); // all done in time
    /// });
    /// ```
    pub async fn next_within(&mut self) -> Option<Result<F::Output, Elapsed>> {
        std::future::poll_fn(|cx| {
            if self.expired {
                return Poll::Ready(None);
            }
            if let Poll::Ready(item) = self.poll_item(cx) {
                return Poll::Ready(item.map(Ok));
            }
            let Some(timer) = self.timer.as_mut() else {
                return Poll::Pending;
            };
            if Pin::new(&mut *timer).poll(cx).is_pending() {
                return Poll::Pending;
            }
            let deadline = timer.deadline().unwrap_or_else(crate::time::now);
            self.expired = true;
            self.running.clear(); // cancel what is left
            let location = self
                .timeout_location
                .unwrap_or_else(std::panic::Location::caller);
            Poll::Ready(Some(Err(Elapsed::new(deadline, location))))
        })
        .await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        if self.done.is_empty() && self.left > 0 {
            self.ready.set_parent(cx.waker());
            self.ready.take(&mut self.buf);
            self.buf.append(&mut self.fresh);
            for &i in &self.buf {
                let Some((future, wake, waker)) = self.running[i].as_mut() else {
                    continue;
                };
                wake.unqueue();
                if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(waker)) {
                    self.running[i] = None;
                    self.left -= 1;
                    self.done.push(output);
                }
            }
            self.done.reverse();
        }
        match self.done.pop() {
            Some(output) => Poll::Ready(Some(output)),
            None if self.left == 0 => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

impl<F: Future> Unpin for AsCompleted<F> {}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.get_mut().poll_item(cx)
    }
}
