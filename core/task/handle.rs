//! `Task<T>`: the handle to a spawned task, asyncio's `asyncio.Task`.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::{RawTask, TaskMeta};
use crate::task::abort_on_drop::AbortOnDrop;
use crate::task::body::RawOutcome;
use crate::task::error::{Panic, TaskError};
use crate::task::{lost_failure, root};
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

/// A handle to a task running on the event loop, made by
/// [`create_task`](crate::create_task).
///
/// Awaiting it (by value, or by reference: `(&mut task).await`; see
/// [`TaskJoin`](crate::TaskJoin)) gives the task's outcome: `Ok(value)`, or a
/// [`TaskError`] saying it was cancelled or panicked. Dropping the handle detaches the task: it runs
/// on, owned by the loop, as in asyncio and tokio.
///
/// Awaiting is forwarding (asyncio's rule): if the code awaiting the handle
/// is cancelled, the cancellation (same reason) is forwarded to the task and
/// the await goes on waiting for the task's outcome. If the task ends
/// cancelled, the awaiting code is cancelled at that point; if it caught the
/// cancellation and returned a value, the awaiting code gets the value and
/// goes on. A handle dropped while its await is in progress (the awaiting
/// code was dropped for good) cancels the task; one dropped without being
/// awaited detaches it. [`abort_on_drop`](Self::abort_on_drop) makes any drop
/// cancel.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let task = aio::create_task(async {
///         aio::sleep(Duration::from_millis(10)).await;
///         21 * 2
///     });
///     assert!(!task.is_done());
///     assert_eq!(task.await.unwrap(), 42);
/// });
/// ```
///
/// The handle is one pointer. An outcome read with [`result`](Self::result)
/// before the handle is awaited is kept with the task's metadata.
pub struct Task<T> {
    raw: ManuallyDrop<RawTask<RawOutcome<T>>>,
}

impl<T> Task<T> {
    pub(crate) fn new(raw: RawTask<RawOutcome<T>>) -> Self {
        Task {
            raw: ManuallyDrop::new(raw),
        }
    }

    pub(crate) fn meta(&self) -> &TaskMeta {
        self.raw.metadata()
    }

    /// Polls the raw task for its outcome. A task whose future was dropped
    /// without finishing (its loop closed under it) reports `Cancelled`
    /// instead of letting the raw task panic.
    #[inline]
    pub(super) fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>> {
        if !self.meta().is_done() && self.raw.is_finished() {
            return Poll::Ready(Err(TaskError::Cancelled(Cancelled::new(
                CancelReason::LoopShutdown,
            ))));
        }
        let raw = ready!(Pin::new(&mut *self.raw).poll(cx));
        Poll::Ready(match raw {
            Some(value) => Ok(value),
            None => Err(match self.meta().take_panic() {
                Some(payload) => TaskError::Panicked(Panic::new(payload)),
                None => TaskError::Cancelled(root::reason(self.meta())),
            }),
        })
    }

    /// The task's id, unique within its loop.
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::create_task(async {});
    ///     let b = aio::create_task(async {});
    ///     assert_ne!(a.id(), b.id());
    ///     assert_eq!(a.name(), format!("Task-{}", a.id()));
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        self.meta().id()
    }

    /// The task's name: the one given with [`set_name`](Self::set_name), or
    /// `Task-<id>` as asyncio names them.
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async {});
    ///     assert!(task.name().starts_with("Task-"));
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task.
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async {});
    ///     task.set_name("fetch users");
    ///     assert_eq!(task.name(), "fetch users");
    /// });
    /// ```
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        self.meta().set_name(name.into());
    }

    /// Requests cancellation, as asyncio's `Task.cancel()`.
    ///
    /// If nothing in the task catches (no [`catch_cancel`](crate::catch_cancel),
    /// [`cancelled`](crate::cancelled) or awaited `Task` is waiting), its
    /// future is dropped at the `.await` where it is suspended (its `Drop`
    /// cleanup runs) the next time the loop gets to it. Otherwise the
    /// innermost catch point receives the cancellation and the task may await
    /// its cleanup, without a bound (asyncio's rule; see
    /// [`cancel_with_grace`](Self::cancel_with_grace)); a second cancel
    /// during that cleanup drops it for good. The reason is
    /// [`CancelReason::Explicit`] with the caller's location. Returns `false`
    /// if the task had already finished.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(Duration::from_secs(60)));
    ///     aio::yield_now().await;
    ///     assert!(task.cancel());
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.request(root::Why::Site(std::panic::Location::caller()), None)
    }

    /// Like [`cancel`](Self::cancel), with a message the [`Cancelled`]
    /// carries (asyncio's `cancel(msg)`).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     task.cancel_with("shutting down");
    ///     let err = task.await.unwrap_err();
    ///     assert!(err.to_string().ends_with("shutting down"));
    /// });
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.request(Cancelled::explicit(Some(message.into())), None)
    }

    /// Like [`cancel`](Self::cancel), with a bound on the task's cleanup: if
    /// it has not finished `grace` after receiving the cancellation, it is
    /// dropped for good.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let stubborn = aio::create_task(async {
    ///         if aio::catch_cancel(aio::sleep(Duration::from_secs(60))).await.is_err() {
    ///             aio::sleep(Duration::from_secs(3600)).await; // a cleanup that hangs
    ///         }
    ///     });
    ///     aio::yield_now().await;
    ///     let start = aio::now();
    ///     stubborn.cancel_with_grace(Duration::from_secs(2));
    ///     assert!(stubborn.await.unwrap_err().is_cancelled());
    ///     assert_eq!(aio::now() - start, Duration::from_secs(2));
    /// });
    /// ```
    #[track_caller]
    pub fn cancel_with_grace(&self, grace: Duration) -> bool {
        self.request(Cancelled::explicit(None), Some(grace))
    }

    fn request(&self, why: impl Into<root::Why>, grace: Option<Duration>) -> bool {
        if !root::request_cancel(self.meta(), false, why, grace) {
            return false;
        }
        self.meta().wake_to_cancel();
        true
    }

    /// A handle that cancels the task when it is dropped, however it is
    /// dropped (a guard that owns the task, as tokio's `AbortOnDropHandle`).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let finished = Rc::new(Cell::new(false));
    ///     let flag = finished.clone();
    ///     let guard = aio::create_task(async move {
    ///         aio::sleep(Duration::from_millis(10)).await;
    ///         flag.set(true);
    ///     })
    ///     .abort_on_drop();
    ///     drop(guard); // cancels the task
    ///     aio::sleep(Duration::from_millis(20)).await;
    ///     assert!(!finished.get());
    /// });
    /// ```
    pub fn abort_on_drop(self) -> AbortOnDrop<T> {
        AbortOnDrop::new(self)
    }

    /// True once the task finished: with a value, a panic, or cancelled.
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async { 1 });
    ///     assert!(!task.is_done()); // it has not run yet
    ///     aio::yield_now().await;
    ///     assert!(task.is_done());
    /// });
    /// ```
    pub fn is_done(&self) -> bool {
        self.meta().is_taken() || self.meta().is_done()
    }

    /// True if the task finished because it was cancelled.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     task.cancel();
    ///     aio::yield_now().await;
    ///     assert!(task.is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.meta().is_cancelled()
    }

    /// Takes the outcome out of the raw task, if it is there, and keeps it.
    fn take_ready(&mut self, cx: &mut Context<'_>) -> Poll<()>
    where
        T: 'static,
    {
        if self.meta().is_taken() {
            return Poll::Ready(());
        }
        match self.poll_raw(cx) {
            Poll::Ready(outcome) => {
                self.meta().keep_outcome(Box::new(outcome));
                self.meta().mark_taken();
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// The outcome without waiting: `None` while the task is still running.
    ///
    /// asyncio's `Task.result()`; the value stays with the task, so awaiting
    /// the handle afterwards still gives it.
    ///
    /// ```
    /// aio::run(async {
    ///     let mut task = aio::create_task(async { 6 * 7 });
    ///     assert!(task.result().is_none()); // still running
    ///     aio::yield_now().await;
    ///     assert_eq!(task.result().unwrap().as_ref().ok(), Some(&42));
    ///     assert_eq!(task.await.unwrap(), 42); // the value is still there
    /// });
    /// ```
    pub fn result(&mut self) -> Option<&Result<T, TaskError>>
    where
        T: 'static,
    {
        if !self.meta().is_taken() && self.raw.is_finished() {
            let _ = self.take_ready(&mut Context::from_waker(Waker::noop()));
        }
        let kept = self.meta().kept_outcome()?;
        // Only this handle keeps or takes the outcome (there is one handle
        // per task, and nothing else reaches that part of the metadata), so
        // it stays where it is while `self` is borrowed; the raw task the
        // handle holds keeps the metadata alive.
        // SAFETY: `kept` is valid for the borrow of `self`, as just argued.
        let kept = unsafe { kept.as_ref() };
        kept.downcast_ref()
    }

    /// Waits (registering `cx`) until the task finished, keeping its outcome
    /// in the handle: for `wait`, which must not consume it.
    pub(crate) fn poll_done(&mut self, cx: &mut Context<'_>) -> Poll<()>
    where
        T: 'static,
    {
        self.take_ready(cx)
    }

    /// Calls `callback` with the task's outcome when it finishes (at once, if it
    /// already has), before any awaiter of the task resumes.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// aio::run(async {
    ///     let seen = Rc::new(Cell::new(0));
    ///     let mut task = aio::create_task(async { 7 });
    ///     let report = seen.clone();
    ///     task.add_done_callback(move |outcome| report.set(*outcome.as_ref().unwrap()));
    ///     task.await.unwrap();
    ///     assert_eq!(seen.get(), 7);
    /// });
    /// ```
    pub fn add_done_callback(&mut self, callback: impl FnOnce(&Result<T, TaskError>) + 'static)
    where
        T: 'static,
    {
        if self.is_done() {
            if let Some(outcome) = self.result() {
                callback(outcome);
            }
            return;
        }
        self.meta().push_callback(Box::new(move |outcome| {
            if let Some(outcome) = outcome.downcast_ref::<Result<T, TaskError>>() {
                callback(outcome);
            }
        }));
    }

    pub(crate) fn mark_shielded(&self) {
        self.meta().mark_shielded();
    }

    pub(crate) fn mark_internal(&self) {
        self.meta().mark_internal();
    }

    /// Lets the task run on without a handle (what dropping the handle does).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// aio::run(async {
    ///     let ran = Rc::new(Cell::new(false));
    ///     let flag = ran.clone();
    ///     aio::create_task(async move { flag.set(true) }).detach();
    ///     aio::yield_now().await;
    ///     assert!(ran.get()); // it ran with no handle
    /// });
    /// ```
    pub fn detach(self) {}
}

impl<T: 'static> Task<T> {
    /// The outcome kept by `result()`, taken; panics if it was taken before.
    #[inline]
    pub(super) fn take_kept(&mut self) -> Option<Result<T, TaskError>> {
        if let Some(kept) = self.meta().take_outcome() {
            if let Ok(outcome) = kept.downcast::<Result<T, TaskError>>() {
                return Some(*outcome);
            }
        }
        if self.meta().is_taken() {
            panic!("aio::Task polled after it returned its outcome; await a task once");
        }
        None
    }

    /// Waits for the outcome without being a catch point: a cancellation of
    /// the waiting side does not reach the task (`shield`).
    pub(crate) fn poll_unforwarded(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>> {
        if let Some(kept) = self.take_kept() {
            return Poll::Ready(kept);
        }
        let Poll::Ready(outcome) = self.poll_raw(cx) else {
            crate::runtime::note_wait(crate::runtime::Wait::Task(self.id()));
            return Poll::Pending;
        };
        self.meta().mark_taken();
        Poll::Ready(outcome)
    }
}

impl<T> Unpin for Task<T> {}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        let meta = self.meta();
        lost_failure::handle_dropped(meta);
        if meta.is_awaited() {
            // An await of it was leaked (forgotten): its catch point leaves.
            let _ = self.end_await(None);
        }
        // The kept outcome need not be `Send`: it is dropped here, on the
        // loop's thread, not with the metadata wherever its last waker is.
        drop(meta.take_outcome());
        // SAFETY: `raw` is taken exactly once, here, and never used after.
        let raw = unsafe { ManuallyDrop::take(&mut self.raw) };
        raw.detach();
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("name", &self.name())
            .field("done", &self.is_done())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
