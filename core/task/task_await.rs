//! Awaiting a task's handle is a catch point (asyncio's rule): a
//! cancellation of the awaiting side is forwarded to the task, and the await
//! goes on waiting for the task's outcome.

use crate::cancel::{
    CancelReason, CancelRegistry, Cancelled, CatcherSlot, reraise, take_catchable,
};
use crate::runtime::with_current;
use crate::task::abort_on_drop::AbortOnDrop;
use crate::task::error::TaskError;
use crate::task::handle::Task;
use crate::task::root;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// The await of a task's handle: what `task.await` and `(&mut task).await`
/// run. While it waits it is a catch point: a cancellation of the awaiting
/// code is forwarded to the task (same reason) and the await goes on waiting
/// for the task's outcome. Dropped while waiting (the awaiting code was
/// dropped for good), it leaves nothing behind; if it owned the handle, the
/// task is cancelled with it.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut task = aio::create_task(async {
///         aio::sleep(Duration::from_secs(2)).await;
///         "done"
///     });
///     // A deadline on the await reaches the task (asyncio's `wait_for`).
///     assert!(aio::timeout(Duration::from_secs(1), &mut task).await.is_err());
///     assert!(task.await.unwrap_err().is_cancelled());
///
///     // To give up waiting and leave the task running, shield it.
///     let mut work = aio::shield(async {
///         aio::sleep(Duration::from_secs(2)).await;
///         "done"
///     });
///     assert!(aio::timeout(Duration::from_secs(1), &mut work).await.is_err());
///     assert_eq!(work.await.unwrap(), "done");
/// });
/// ```
#[must_use = "a task's await does nothing unless polled"]
pub struct TaskJoin<H: JoinTarget> {
    handle: H,
}

/// What a [`TaskJoin`] awaits: a task's handle, owned or borrowed.
/// Awaiting `&mut task` leaves the handle with the caller (to inspect, or
/// to cancel if the await was given up); awaiting `task` consumes it. A
/// task's outcome is taken once, by whichever await gets it.
///
/// ```
/// aio::run(async {
///     let mut task = aio::create_task(async { 3 });
///     let join: aio::TaskJoin<&mut aio::Task<i32>> = (&mut task).into_future();
///     assert_eq!(join.await.unwrap(), 3);
///     assert!(task.is_done() && !task.is_cancelled()); // still ours to inspect
/// });
/// ```
pub trait JoinTarget: Unpin {
    /// The task's value.
    type Value;
    /// The handle.
    #[doc(hidden)]
    fn task(&mut self) -> &mut Task<Self::Value>;
    /// True when the await owns the handle: dropping it mid-await cancels
    /// the task.
    #[doc(hidden)]
    fn owns(&self) -> bool;
}

impl<T> JoinTarget for Task<T> {
    type Value = T;
    fn task(&mut self) -> &mut Task<T> {
        self
    }
    fn owns(&self) -> bool {
        true
    }
}

impl<T> JoinTarget for &mut Task<T> {
    type Value = T;
    fn task(&mut self) -> &mut Task<T> {
        self
    }
    fn owns(&self) -> bool {
        false
    }
}

impl<T> JoinTarget for AbortOnDrop<T> {
    type Value = T;
    fn task(&mut self) -> &mut Task<T> {
        self.task_mut()
    }
    fn owns(&self) -> bool {
        true
    }
}

impl<T: 'static> IntoFuture for Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = TaskJoin<Task<T>>;

    fn into_future(self) -> Self::IntoFuture {
        TaskJoin { handle: self }
    }
}

impl<'a, T: 'static> IntoFuture for &'a mut Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = TaskJoin<&'a mut Task<T>>;

    fn into_future(self) -> Self::IntoFuture {
        TaskJoin { handle: self }
    }
}

impl<T: 'static> IntoFuture for AbortOnDrop<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = TaskJoin<AbortOnDrop<T>>;

    fn into_future(self) -> Self::IntoFuture {
        TaskJoin { handle: self }
    }
}

impl<H: JoinTarget> Future for TaskJoin<H>
where
    H::Value: 'static,
{
    type Output = Result<H::Value, TaskError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.handle.task().poll_join(cx)
    }
}

impl<H: JoinTarget> Drop for TaskJoin<H> {
    fn drop(&mut self) {
        let owns = self.handle.owns();
        let task = self.handle.task();
        if task.meta().is_awaited() {
            // Given up mid-await: the catch point leaves; an owned handle
            // takes the task with it.
            let _ = task.end_await(None);
            if owns
                && root::request_cancel(
                    task.meta(),
                    false,
                    Cancelled::new(CancelReason::AwaitAbandoned),
                    None,
                )
            {
                task.meta().wake_to_cancel();
            }
        }
    }
}

impl<H: JoinTarget> fmt::Debug for TaskJoin<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskJoin").finish_non_exhaustive()
    }
}

impl<T> Task<T> {
    /// The await is waiting: it is a catch point. A cancellation of the
    /// awaiting side is forwarded to the task (once).
    pub(crate) fn wait(&self, cx: &mut Context<'_>) {
        let meta = self.meta();
        let key = meta.registry_key();
        let on_its_loop = with_current(|core| {
            if core.id != meta.loop_id() {
                return false;
            }
            let registry = CancelRegistry::of(core);
            let mut awaiting = registry.awaiting(key);
            if !meta.is_awaited() {
                awaiting = Default::default();
            }
            if !awaiting.forwarded {
                if let Some(cancelled) = take_catchable(core, &registry) {
                    awaiting.forwarded = true;
                    awaiting.forwarded_from = cancelled.origin;
                    root::request_cancel(meta, false, cancelled, None);
                    meta.wake_to_cancel();
                }
            }
            let mut slot = CatcherSlot::from_key(awaiting.catcher);
            slot.wait(core, &registry, cx.waker());
            awaiting.catcher = slot.key();
            registry.set_awaiting(key, awaiting);
            meta.set_awaited(true);
            true
        });
        if on_its_loop != Some(true) {
            panic!(
                "aio: a Task was awaited outside the event loop that runs it; await a task \
                 on its own loop (to hand work to another loop, use run_coroutine_threadsafe)"
            );
        }
    }

    /// The task finished while awaited: the catch point leaves. True when
    /// the awaiting side must end cancelled (its cancellation was forwarded
    /// and the task ended cancelled).
    pub(crate) fn end_await(&self, error: Option<&TaskError>) -> bool {
        let meta = self.meta();
        meta.set_awaited(false);
        with_current(|core| {
            let registry = CancelRegistry::of(core);
            let awaiting = registry.awaiting(meta.registry_key());
            registry.set_awaiting(meta.registry_key(), Default::default());
            CatcherSlot::from_key(awaiting.catcher).release(&registry);
            let passed_on = awaiting.forwarded && error.is_some_and(TaskError::is_cancelled);
            if passed_on {
                reraise(core, &registry, awaiting.forwarded_from);
            }
            passed_on
        })
        .unwrap_or(false)
    }
}

impl<T: 'static> Task<T> {
    /// Polls for the outcome as an await does: a catch point while waiting
    /// (see [`TaskJoin`](crate::TaskJoin)). `Pending` after the outcome
    /// came when the awaiting side must end cancelled.
    #[inline]
    pub(crate) fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>> {
        if self.meta().outcome_in_place() {
            // The common case, a task that finished before it was awaited:
            // its value, or a cancellation its metadata codes.
            let outcome = ready!(self.poll_raw(cx));
            self.meta().mark_taken();
            return Poll::Ready(outcome);
        }
        if let Some(kept) = self.take_kept() {
            return Poll::Ready(kept);
        }
        let Poll::Ready(outcome) = self.poll_raw(cx) else {
            self.wait(cx);
            crate::runtime::note_wait(crate::runtime::Wait::Task(self.id()));
            return Poll::Pending;
        };
        if self.meta().is_awaited() {
            return self.end_awaited(outcome);
        }
        self.meta().mark_taken();
        Poll::Ready(outcome)
    }

    /// The outcome came while the await was a catch point: it leaves. If
    /// the task ended cancelled by the awaiting side's own cancellation,
    /// that side ends cancelled here (`Pending`), and the outcome stays with
    /// the handle (awaited by reference, it can be read again).
    #[cold]
    fn end_awaited(&mut self, outcome: Result<T, TaskError>) -> Poll<Result<T, TaskError>> {
        if self.end_await(outcome.as_ref().err()) {
            self.meta().keep_outcome(Box::new(outcome));
            self.meta().mark_taken();
            return Poll::Pending;
        }
        self.meta().mark_taken();
        Poll::Ready(outcome)
    }
}
