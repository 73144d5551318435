//! Submitting a future to a loop from another thread: asyncio's
//! `run_coroutine_threadsafe` and the `concurrent.futures.Future` it returns.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::Remote;
use crate::runtime::with_current;
use crate::task::{Panic, TaskError};
use crate::threads::loop_handle::LoopHandle;
use crate::threads::loop_work::LoopWork;
use crate::threads::to_thread::outside_job_of;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

struct Shared<T> {
    state: Mutex<State<T>>,
    done: Condvar,
    cancel: AtomicBool,
    /// Where `cancel` was called, for the reason the outcome carries.
    cancelled_at: std::sync::OnceLock<&'static std::panic::Location<'static>>,
    /// The loop running the future.
    remote: Arc<Remote>,
}

struct State<T> {
    outcome: Option<Result<T, TaskError>>,
    taken: bool,
    /// The task running the future on its loop, woken to deliver a cancel.
    runner: Option<Waker>,
    /// Whoever awaits the handle from another loop.
    awaiter: Option<Waker>,
    /// A thread blocked on the outcome is an outside job of the loop running
    /// the future, set aside meanwhile so that the loop's virtual clock can
    /// move (the job waits on the loop, not the other way round).
    job_set_aside: bool,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code that can panic runs under this lock.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn finish(&self, outcome: Result<T, TaskError>) {
        let awaiter = {
            let mut state = self.lock();
            state.outcome = Some(outcome);
            state.runner = None;
            // Counted again before the blocked thread can run on.
            self.resume_job(&mut state);
            state.awaiter.take()
        };
        self.done.notify_all();
        if let Some(awaiter) = awaiter {
            awaiter.wake();
        }
    }

    /// About to block: if the calling thread runs an outside job of the loop
    /// that runs the future, that job now waits on the loop.
    fn set_job_aside(&self, state: &mut State<T>) {
        if !state.job_set_aside && outside_job_of() == Some(self.remote.loop_id) {
            state.job_set_aside = true;
            self.remote.outside_work_waits_on_loop();
        }
    }

    /// Done blocking: the job set aside counts again.
    fn resume_job(&self, state: &mut State<T>) {
        if std::mem::take(&mut state.job_set_aside) {
            self.remote.outside_work_resumes();
        }
    }
}

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
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            outcome: None,
            taken: false,
            runner: None,
            awaiter: None,
            job_set_aside: false,
        }),
        done: Condvar::new(),
        cancel: AtomicBool::new(false),
        cancelled_at: std::sync::OnceLock::new(),
        remote: handle.remote.clone(),
    });
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
    ThreadsafeFuture { shared }
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

/// The error of [`ThreadsafeFuture::result_timeout`] when time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimedOut;

impl std::fmt::Display for WaitTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the result was not ready in time")
    }
}

impl std::error::Error for WaitTimedOut {}

/// The handle returned by [`run_coroutine_threadsafe`]: `Send`, blockable,
/// cancellable and awaitable (asyncio's `concurrent.futures.Future`).
pub struct ThreadsafeFuture<T> {
    shared: Arc<Shared<T>>,
}

impl<T> ThreadsafeFuture<T> {
    /// Blocks the calling thread until the outcome is ready. Do not call it on
    /// the loop's own thread: the loop could never run the future.
    ///
    /// Called from a [`to_thread`](crate::to_thread) job of the same loop,
    /// the job counts as waiting on the loop while it blocks, so a virtual
    /// clock moves on for the future's timers.
    pub fn result(self) -> Result<T, TaskError> {
        let mut state = self.shared.lock();
        loop {
            if let Some(outcome) = state.outcome.take() {
                state.taken = true;
                return outcome;
            }
            self.shared.set_job_aside(&mut state);
            state = self
                .shared
                .done
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Like [`result`](Self::result), giving up after `timeout` (the work goes
    /// on; the handle is returned for another try). `Duration::MAX` waits
    /// without limit.
    pub fn result_timeout(
        self,
        timeout: Duration,
    ) -> Result<Result<T, TaskError>, (WaitTimedOut, Self)> {
        // `Duration::MAX` is no limit.
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            return Ok(self.result());
        };
        let mut state = self.shared.lock();
        loop {
            if let Some(outcome) = state.outcome.take() {
                state.taken = true;
                return Ok(outcome);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.shared.resume_job(&mut state);
                drop(state);
                return Err((WaitTimedOut, self));
            }
            self.shared.set_job_aside(&mut state);
            state = self
                .shared
                .done
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// True once the outcome is ready.
    pub fn is_done(&self) -> bool {
        let state = self.shared.lock();
        state.outcome.is_some() || state.taken
    }

    /// Asks the loop to cancel the task: its future is dropped there (cleanup
    /// runs) and the outcome becomes `Err(TaskError::Cancelled)`. `false` if
    /// it already finished.
    #[track_caller]
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        let _ = self.shared.cancelled_at.set(std::panic::Location::caller());
        self.shared.cancel.store(true, Ordering::Release);
        let runner = self.shared.lock().runner.clone();
        if let Some(runner) = runner {
            runner.wake();
        }
        true
    }
}

impl<T> Future for ThreadsafeFuture<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.shared.lock();
        match state.outcome.take() {
            Some(outcome) => {
                state.taken = true;
                Poll::Ready(outcome)
            }
            None => {
                state.awaiter = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
