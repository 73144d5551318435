//! `Task<T>`: the handle to a spawned task, asyncio's `asyncio.Task`.

use crate::runtime::{RawTask, TaskMeta};
use crate::task::body::RawOutcome;
use crate::task::error::TaskError;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// A handle to a task running on the event loop, made by
/// [`create_task`](crate::create_task).
///
/// Awaiting it gives the task's outcome: `Ok(value)`, or a [`TaskError`] saying
/// it was cancelled or panicked. Dropping the handle detaches the task: it runs
/// on, owned by the loop, as in asyncio and tokio.
///
/// ```
/// use std::time::Duration;
/// aio::run(async {
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

    fn meta(&self) -> &TaskMeta {
        self.raw.metadata()
    }

    /// Polls the raw task for its outcome. A task whose future was dropped
    /// without finishing (its loop closed under it) reports `Cancelled`
    /// instead of letting the raw task panic.
    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>> {
        if !self.meta().is_done() && self.raw.is_finished() {
            return Poll::Ready(Err(TaskError::Cancelled));
        }
        let raw = ready!(Pin::new(&mut *self.raw).poll(cx));
        Poll::Ready(match raw {
            Some(value) => Ok(value),
            None => Err(match self.meta().take_panic() {
                Some(payload) => TaskError::Panicked(payload),
                None => TaskError::Cancelled,
            }),
        })
    }

    /// The task's id, unique within its loop.
    pub fn id(&self) -> u64 {
        self.meta().id()
    }

    /// The task's name: the one given with [`set_name`](Self::set_name), or
    /// `Task-<id>` as asyncio names them.
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task.
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        self.meta().set_name(name.into());
    }

    /// Requests cancellation, as asyncio's `Task.cancel()`.
    ///
    /// The task's future is dropped at the `.await` where it is suspended (its
    /// `Drop` cleanup runs) the next time the loop gets to it, before the
    /// caller's next suspension completes. Returns `false` if the task had
    /// already finished.
    pub fn cancel(&self) -> bool {
        if !self.meta().request_cancel() {
            return false;
        }
        self.meta().wake_to_cancel();
        true
    }

    /// True once the task finished: with a value, a panic, or cancelled.
    pub fn is_done(&self) -> bool {
        self.meta().is_taken() || self.meta().is_done()
    }

    /// True if the task finished because it was cancelled.
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
    pub fn detach(self) {}
}

impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(kept) = this.meta().take_outcome() {
            if let Ok(outcome) = kept.downcast::<Result<T, TaskError>>() {
                return Poll::Ready(*outcome);
            }
        }
        if this.meta().is_taken() {
            panic!("aio::Task polled after it returned its outcome; await a task once");
        }
        match this.poll_raw(cx) {
            Poll::Ready(outcome) => {
                this.meta().mark_taken();
                Poll::Ready(outcome)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Unpin for Task<T> {}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
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
