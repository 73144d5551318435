//! The handle of a future submitted to a loop from another thread: the
//! `concurrent.futures.Future` of asyncio's `run_coroutine_threadsafe`, and
//! the state it shares with the task running the future.

use crate::runtime::Remote;
use crate::task::TaskError;
use crate::threads::to_thread::outside_job_of;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

pub(super) struct Shared<T> {
    state: Mutex<State<T>>,
    done: Condvar,
    pub(super) cancel: AtomicBool,
    /// Where `cancel` was called, for the reason the outcome carries.
    pub(super) cancelled_at: std::sync::OnceLock<&'static std::panic::Location<'static>>,
    /// The loop running the future.
    remote: Arc<Remote>,
}

pub(super) struct State<T> {
    outcome: Option<Result<T, TaskError>>,
    taken: bool,
    /// The task running the future on its loop, woken to deliver a cancel.
    pub(super) runner: Option<Waker>,
    /// Whoever awaits the handle from another loop.
    awaiter: Option<Waker>,
    /// A thread blocked on the outcome is an outside job of the loop running
    /// the future, set aside meanwhile so that the loop's virtual clock can
    /// move (the job waits on the loop, not the other way round).
    job_set_aside: bool,
}

impl<T> Shared<T> {
    pub(super) fn new(remote: Arc<Remote>) -> Self {
        Shared {
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
            remote,
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code that can panic runs under this lock.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn finish(&self, outcome: Result<T, TaskError>) {
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

/// The error of [`ThreadsafeFuture::result_timeout`] when time ran out.
///
/// ```
/// use std::time::Duration;
/// # let (tx, rx) = std::sync::mpsc::channel();
/// # let loop_thread = std::thread::spawn(move || {
/// #     let lp = aio::EventLoop::new();
/// #     tx.send(lp.handle()).unwrap();
/// #     lp.run_forever();
/// #     lp.close();
/// # });
/// # let handle = rx.recv().unwrap();
/// // `handle`: the LoopHandle of a loop running on another thread.
/// let never = aio::run_coroutine_threadsafe(&handle, std::future::pending::<()>());
/// let (err, never) = never.result_timeout(Duration::ZERO).unwrap_err();
/// assert_eq!(err, aio::WaitTimedOut);
/// never.cancel();
/// # handle.stop();
/// # loop_thread.join().unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimedOut;

impl std::fmt::Display for WaitTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the result was not ready in time")
    }
}

impl std::error::Error for WaitTimedOut {}

/// The handle returned by [`run_coroutine_threadsafe`](crate::run_coroutine_threadsafe): `Send`, blockable,
/// cancellable and awaitable (asyncio's `concurrent.futures.Future`).
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
/// let answer: aio::ThreadsafeFuture<i32> = aio::run_coroutine_threadsafe(&handle, async { 6 * 7 });
/// // Awaited from a loop of this thread, or blocked on with `result()`:
/// assert_eq!(aio::run(answer).unwrap(), 42);
/// handle.stop();
/// loop_thread.join().unwrap();
/// ```
pub struct ThreadsafeFuture<T> {
    shared: Arc<Shared<T>>,
}

impl<T> ThreadsafeFuture<T> {
    pub(super) fn new(shared: Arc<Shared<T>>) -> Self {
        ThreadsafeFuture { shared }
    }

    /// Blocks the calling thread until the outcome is ready. Do not call it on
    /// the loop's own thread: the loop could never run the future.
    ///
    /// Called from a [`to_thread`](crate::to_thread) job of the same loop,
    /// the job counts as waiting on the loop while it blocks, so a virtual
    /// clock moves on for the future's timers.
    ///
    /// ```
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let loop_thread = std::thread::spawn(move || {
    /// #     let lp = aio::EventLoop::new();
    /// #     tx.send(lp.handle()).unwrap();
    /// #     lp.run_forever();
    /// #     lp.close();
    /// # });
    /// # let handle = rx.recv().unwrap();
    /// // `handle`: the LoopHandle of a loop running on another thread.
    /// let answer = aio::run_coroutine_threadsafe(&handle, async {
    ///     aio::yield_now().await;
    ///     "done on the loop"
    /// });
    /// assert_eq!(answer.result().unwrap(), "done on the loop");
    /// # handle.stop();
    /// # loop_thread.join().unwrap();
    /// ```
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
    ///
    /// ```
    /// use std::time::Duration;
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let loop_thread = std::thread::spawn(move || {
    /// #     let lp = aio::EventLoop::new();
    /// #     tx.send(lp.handle()).unwrap();
    /// #     lp.run_forever();
    /// #     lp.close();
    /// # });
    /// # let handle = rx.recv().unwrap();
    /// let quick = aio::run_coroutine_threadsafe(&handle, async { 1 });
    /// match quick.result_timeout(Duration::from_secs(60)) {
    ///     Ok(outcome) => assert_eq!(outcome.unwrap(), 1),
    ///     Err((aio::WaitTimedOut, quick)) => drop(quick.cancel()),
    /// }
    /// # handle.stop();
    /// # loop_thread.join().unwrap();
    /// ```
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
    ///
    /// ```
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let loop_thread = std::thread::spawn(move || {
    /// #     let lp = aio::EventLoop::new();
    /// #     tx.send(lp.handle()).unwrap();
    /// #     lp.run_forever();
    /// #     lp.close();
    /// # });
    /// # let handle = rx.recv().unwrap();
    /// let first = aio::run_coroutine_threadsafe(&handle, async { 1 });
    /// let second = aio::run_coroutine_threadsafe(&handle, async { 2 });
    /// assert_eq!(second.result().unwrap(), 2);
    /// assert!(first.is_done(), "the loop runs work in the order submitted");
    /// let never = aio::run_coroutine_threadsafe(&handle, std::future::pending::<()>());
    /// assert!(!never.is_done());
    /// never.cancel();
    /// # handle.stop();
    /// # loop_thread.join().unwrap();
    /// ```
    pub fn is_done(&self) -> bool {
        let state = self.shared.lock();
        state.outcome.is_some() || state.taken
    }

    /// Asks the loop to cancel the task: its future is dropped there (cleanup
    /// runs) and the outcome becomes `Err(TaskError::Cancelled)`. `false` if
    /// it already finished.
    ///
    /// ```
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let loop_thread = std::thread::spawn(move || {
    /// #     let lp = aio::EventLoop::new();
    /// #     tx.send(lp.handle()).unwrap();
    /// #     lp.run_forever();
    /// #     lp.close();
    /// # });
    /// # let handle = rx.recv().unwrap();
    /// let never = aio::run_coroutine_threadsafe(&handle, std::future::pending::<()>());
    /// assert!(never.cancel());
    /// assert!(never.result().unwrap_err().is_cancelled());
    /// # handle.stop();
    /// # loop_thread.join().unwrap();
    /// ```
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
