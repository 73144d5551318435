//! Submitting a future to a loop from another thread: asyncio's
//! `run_coroutine_threadsafe`, and the task that runs the future on the loop
//! and reports its outcome to the [`ThreadsafeFuture`].

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::with_current;
use crate::task::{Panic, TaskError};
use crate::threads::loop_handle::LoopHandle;
use crate::threads::loop_work::LoopWork;
use crate::threads::threadsafe_future::{Shared, ThreadsafeFuture};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

/// Schedules `work` on the loop behind `handle` from any thread and returns
/// a handle to its outcome, as asyncio's `run_coroutine_threadsafe`.
///
/// `work` is a `Send` future, or a `Send` closure that the loop calls on its
/// own thread to build the future (`move || async move { .. }`): that future
/// need not be `Send`, so it may hold `Rc` and other values of the loop's
/// thread (see [`LoopWork`]). One function takes both forms; the compiler
/// tells them apart.
///
/// The calling thread can block on the handle ([`result`](ThreadsafeFuture::result),
/// [`result_timeout`](ThreadsafeFuture::result_timeout)), cancel it (the task is
/// cancelled in its loop and its cleanup runs), or await it from another loop.
/// A panic in the future, or in the closure building it, comes back as
/// `Err(TaskError::Panicked)`; a loop that closed before running the work
/// (or closes while it runs) gives `Err(TaskError::Cancelled)` with reason
/// [`CancelReason::LoopShutdown`].
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// let loop_thread = std::thread::spawn(move || {
///     let lp = aio::EventLoop::new();
///     tx.send(lp.handle()).unwrap();
///     lp.run_forever();
///     lp.close();
/// });
/// let handle = rx.recv().unwrap();
/// let answer = aio::run_coroutine_threadsafe(&handle, async { 6 * 7 });
/// assert_eq!(answer.result().unwrap(), 42);
/// // Built on the loop: the future may hold an `Rc`.
/// let counted = aio::run_coroutine_threadsafe(&handle, || async {
///     let count = std::rc::Rc::new(std::cell::Cell::new(0));
///     aio::task_group!(|tg| {
///         for _ in 0..3 {
///             let count = count.clone();
///             tg.create_task(async move { count.set(count.get() + 1) });
///         }
///     })
///     .unwrap();
///     count.get()
/// });
/// assert_eq!(counted.result().unwrap(), 3);
/// handle.stop();
/// loop_thread.join().unwrap();
/// ```
pub fn run_coroutine_threadsafe<W, Marker>(
    handle: &LoopHandle,
    work: W,
) -> ThreadsafeFuture<W::Output>
where
    W: LoopWork<Marker>,
{
    let shared = Arc::new(Shared::new(handle.remote.clone()));
    // If the loop has closed (the call is refused) or closes before running
    // it, dropping `unstarted` reports the work cancelled.
    let mut unstarted = Unstarted {
        work: Some(work),
        shared: shared.clone(),
    };
    let _ = handle.call_soon_threadsafe(move || {
        let Some(work) = unstarted.work.take() else {
            return;
        };
        let shared = unstarted.shared.clone();
        match catch_unwind(AssertUnwindSafe(|| work.into_loop_future())) {
            Ok(future) => {
                let run = Submitted {
                    future: Some(future),
                    shared,
                };
                with_current(|core| crate::task::spawn_on(core, run).detach());
            }
            Err(payload) => shared.finish(Err(TaskError::Panicked(Panic::new(payload)))),
        }
    });
    ThreadsafeFuture::new(shared)
}

/// Work on its way to the loop; dropped there unstarted (the loop closed),
/// it reports the work cancelled.
struct Unstarted<W, T> {
    work: Option<W>,
    shared: Arc<Shared<T>>,
}

impl<W, T> Drop for Unstarted<W, T> {
    fn drop(&mut self) {
        if self.work.take().is_some() {
            let shutdown = Cancelled::new(CancelReason::LoopShutdown);
            self.shared.finish(Err(TaskError::Cancelled(shutdown)));
        }
    }
}

/// Runs the submitted future on the loop, watching for a cancel request.
struct Submitted<F: Future> {
    future: Option<F>,
    shared: Arc<Shared<F::Output>>,
}

impl<F: Future> Future for Submitted<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `future` is structurally pinned: polled and dropped in place,
        // never moved out; `shared` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above, the `Option` holding the future is never moved.
        let mut slot = unsafe { Pin::new_unchecked(&mut this.future) };
        let Some(future) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        if this.shared.cancel.load(Ordering::Acquire) {
            slot.set(None);
            let location = this.shared.cancelled_at.get().copied();
            let reason = match location {
                Some(location) => CancelReason::Explicit {
                    message: None,
                    location,
                },
                None => CancelReason::LoopShutdown,
            };
            this.shared
                .finish(Err(TaskError::Cancelled(Cancelled::new(reason))));
            return Poll::Ready(());
        }
        this.shared.lock().runner = Some(cx.waker().clone());
        let outcome = match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(value)) => Ok(value),
            Err(payload) => Err(TaskError::Panicked(Panic::new(payload))),
        };
        slot.set(None);
        this.shared.finish(outcome);
        Poll::Ready(())
    }
}

impl<F: Future> Drop for Submitted<F> {
    fn drop(&mut self) {
        // Dropped unfinished (the loop closed): whoever waits learns it.
        if self.future.is_some() {
            self.future = None;
            let shutdown = Cancelled::new(CancelReason::LoopShutdown);
            self.shared.finish(Err(TaskError::Cancelled(shutdown)));
        }
    }
}
