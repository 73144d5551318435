//! `gather`: run several awaitables concurrently, results in input order.

use crate::runtime::{ChildWake, ReadyList};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Runs `futures` concurrently and returns their values in input order, or the
/// first error as soon as it happens, as asyncio's `gather()`.
///
/// The futures are owned by the gather: on the first `Err` the others are
/// dropped (cancelled, their cleanup run). A [`Task`](crate::Task) passed by
/// value is awaited through its handle, so it is cancelled with them, and
/// when the gather itself is cancelled, as asyncio cancels a gather's
/// children. (asyncio lets the others run on after the first error; pass
/// `&mut task` to keep a task running past the gather.)
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let work = (1..=3u64).map(|i| async move {
///         aio::sleep(Duration::from_secs(4 - i)).await;
///         Ok::<_, String>(i * 10)
///     });
///     assert_eq!(aio::gather(work).await, Ok(vec![10, 20, 30]));
/// });
/// ```
pub fn gather<I, F, T, E>(futures: I) -> Gather<F::IntoFuture, FailFast>
where
    I: IntoIterator<Item = F>,
    F: IntoFuture<Output = Result<T, E>>,
{
    Gather::new(futures.into_iter().map(IntoFuture::into_future))
}

/// Runs `futures` concurrently and returns every outcome in input order, as
/// asyncio's `gather(..., return_exceptions=True)`: nothing fails early.
///
/// ```
/// let outcomes = aio::run(aio::gather_all(vec![
///     Box::pin(async { Ok(1) }) as std::pin::Pin<Box<dyn std::future::Future<Output = Result<i32, &str>>>>,
///     Box::pin(async { Err("bad") }),
/// ]));
/// assert_eq!(outcomes, vec![Ok(1), Err("bad")]);
/// ```
pub fn gather_all<I, F>(futures: I) -> Gather<F::IntoFuture, ReturnAll>
where
    I: IntoIterator<Item = F>,
    F: IntoFuture,
{
    Gather::new(futures.into_iter().map(IntoFuture::into_future))
}

/// Mode of [`gather`]: the first `Err` ends it.
///
/// ```
/// aio::run(async {
///     let checks = [Ok(1), Err("no"), Ok(3)].map(|r| async move { r });
///     let first_error: aio::Gather<_, aio::FailFast> = aio::gather(checks);
///     assert_eq!(first_error.await, Err("no"));
/// });
/// ```
pub struct FailFast;
/// Mode of [`gather_all`]: every outcome is returned.
///
/// ```
/// aio::run(async {
///     let checks = [Ok(1), Err("no")].map(|r| async move { r });
///     let every: aio::Gather<_, aio::ReturnAll> = aio::gather_all(checks);
///     assert_eq!(every.await, [Ok(1), Err("no")]);
/// });
/// ```
pub struct ReturnAll;

enum Slot<F: Future> {
    Running(F),
    Done(F::Output),
    Taken,
}

/// The future of [`gather`] and [`gather_all`]; `Mode` is [`FailFast`] or
/// [`ReturnAll`].
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let pages = (1..=3u64).map(|n| async move {
///         aio::sleep(Duration::from_secs(n)).await;
///         Ok::<_, std::io::Error>(format!("page {n}"))
///     });
///     let all: aio::Gather<_, aio::FailFast> = aio::gather(pages);
///     assert_eq!(all.await.unwrap(), ["page 1", "page 2", "page 3"]);
///     assert_eq!(aio::get_running_loop().time(), 3.0); // concurrently
/// });
/// ```
#[must_use = "nothing runs unless the gather is awaited"]
pub struct Gather<F: Future, Mode> {
    slots: Pin<Box<[Slot<F>]>>,
    wakers: Vec<(Arc<ChildWake>, Waker)>,
    ready: Arc<ReadyList>,
    buf: Vec<usize>,
    left: usize,
    _mode: std::marker::PhantomData<Mode>,
}

impl<F: Future, Mode> Gather<F, Mode> {
    fn new(futures: impl IntoIterator<Item = F>) -> Self {
        let slots: Box<[Slot<F>]> = futures.into_iter().map(Slot::Running).collect();
        let left = slots.len();
        Gather {
            slots: Box::into_pin(slots),
            wakers: Vec::new(),
            ready: Arc::new(ReadyList::default()),
            buf: Vec::new(),
            left,
            _mode: std::marker::PhantomData,
        }
    }

    /// Polls the futures that were woken (all of them the first time); calls
    /// `on_done` with each finished index. Stops early if it returns false.
    fn poll_ready(
        &mut self,
        cx: &mut Context<'_>,
        mut on_done: impl FnMut(&F::Output) -> bool,
    ) -> bool {
        self.ready.set_parent(cx.waker());
        if self.wakers.is_empty() {
            self.buf = (0..self.slots.len()).collect();
            self.wakers = (0..self.slots.len())
                .map(|i| {
                    let wake = ChildWake::new(i, self.ready.clone());
                    (wake.clone(), Waker::from(wake))
                })
                .collect();
        } else {
            self.ready.take(&mut self.buf);
        }
        for &i in &self.buf {
            // SAFETY: the slots live in a pinned boxed slice; a `Running`
            // future is polled in place and only replaced (dropped in place)
            // by `Done`, never moved.
            let slot = unsafe { self.slots.as_mut().get_unchecked_mut().get_unchecked_mut(i) };
            let Slot::Running(future) = slot else {
                continue;
            };
            let (wake, waker) = &self.wakers[i];
            wake.unqueue();
            // SAFETY: as above, the future does not move while pinned here.
            let future = unsafe { Pin::new_unchecked(future) };
            if let Poll::Ready(output) = future.poll(&mut Context::from_waker(waker)) {
                *slot = Slot::Done(output);
                self.left -= 1;
                if let Slot::Done(output) = slot {
                    if !on_done(output) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn take_all(&mut self) -> Vec<F::Output> {
        // SAFETY: every slot is `Done` (no future left to keep pinned); the
        // outputs are plain values that may move.
        let slots = unsafe { self.slots.as_mut().get_unchecked_mut() };
        slots
            .iter_mut()
            .map(|slot| match std::mem::replace(slot, Slot::Taken) {
                Slot::Done(output) => output,
                _ => unreachable!("every future finished before the outputs are taken"),
            })
            .collect()
    }
}

impl<F, T, E> Future for Gather<F, FailFast>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `Gather` is Unpin: what must stay pinned is in the boxed slice.
        let this = self.get_mut();
        let mut failed = false;
        this.poll_ready(cx, |output| {
            failed = output.is_err();
            !failed
        });
        if failed {
            // Take the error, then drop (cancel) every other future.
            // SAFETY: slots are replaced in place, never moved while running.
            let slots = unsafe { this.slots.as_mut().get_unchecked_mut() };
            let error = slots.iter_mut().find_map(|slot| match slot {
                Slot::Done(Err(_)) => match std::mem::replace(slot, Slot::Taken) {
                    Slot::Done(Err(e)) => Some(e),
                    _ => None,
                },
                _ => None,
            });
            for slot in slots.iter_mut() {
                *slot = Slot::Taken;
            }
            return Poll::Ready(Err(error.expect("a failed output was recorded")));
        }
        if this.left > 0 {
            return Poll::Pending;
        }
        Poll::Ready(this.take_all().into_iter().collect())
    }
}

impl<F: Future> Future for Gather<F, ReturnAll> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.poll_ready(cx, |_| true);
        if this.left > 0 {
            return Poll::Pending;
        }
        Poll::Ready(this.take_all())
    }
}
