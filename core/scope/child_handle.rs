//! The handle of a task group child: its outcome, name, and cancelling it
//! alone.

use crate::cancel::Cancelled;
use crate::runtime::{Wait, note_wait, recording};
use crate::scope::child::ChildCell;
use crate::scope::group_error::ChildError;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The handle of a task group child, returned by `create_task`.
///
/// Await it for the child's value, or read it without waiting with
/// [`result`](Self::result) — also after the group ended, when every child is
/// done. Dropping the handle does not affect the child.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut handle = None;
///     aio::task_group!(|tg| {
///         handle = Some(tg.create_task(async { Ok::<_, std::convert::Infallible>(6 * 7) }));
///     })
///     .unwrap();
///     assert_eq!(handle.unwrap().result(), Some(&Ok(42)));
/// });
/// ```
pub struct ChildHandle<T> {
    cell: Rc<ChildCell<T>>,
    taken: Option<Result<T, ChildError>>,
}

impl<T> ChildHandle<T> {
    pub(crate) fn new(cell: Rc<ChildCell<T>>) -> Self {
        ChildHandle { cell, taken: None }
    }

    /// The child's name: the one given with
    /// [`create_task_named`](crate::TaskGroup::create_task_named) or
    /// [`set_name`](Self::set_name), else `<group name>/<n>`, numbered from 1
    /// in the order the group's children were created. A group is named
    /// after the task (or child) that opened it: `<task name>/group`.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::current_task().unwrap().set_name("main");
    ///     aio::task_group!(|tg| {
    ///         let first = tg.create_task(async {});
    ///         let fetch = tg.create_task_named("fetch", async {});
    ///         assert_eq!(first.name(), "main/group/1");
    ///         assert_eq!(fetch.name(), "fetch");
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.cell.name()
    }

    /// Renames the child.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::task_group!(|tg| {
    ///         let child = tg.create_task(async {});
    ///         child.set_name("cleanup");
    ///         assert_eq!(child.name(), "cleanup");
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        self.cell.set_name(name.into());
    }

    /// True once the child finished, failed or was cancelled.
    ///
    /// ```
    /// aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         let child = tg.create_task(async {});
    ///         assert!(!child.is_done()); // starts when the body suspends
    ///         aio::yield_now().await;
    ///         assert!(child.is_done());
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn is_done(&self) -> bool {
        self.taken.is_some() || self.cell.is_done()
    }

    /// The outcome without waiting; `None` while the child runs.
    ///
    /// ```
    /// aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         let mut child = tg.create_task(async { Ok::<_, String>("ready") });
    ///         assert_eq!(child.result(), None); // still running
    ///         aio::yield_now().await;
    ///         assert_eq!(child.result(), Some(&Ok("ready")));
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn result(&mut self) -> Option<&Result<T, ChildError>> {
        if self.taken.is_none() {
            self.taken = self.cell.take_outcome();
        }
        self.taken.as_ref()
    }

    /// Cancels this child alone; its siblings and the group go on. `false` if
    /// it already finished. Like a task's, the child's catch points receive
    /// the cancellation ([`catch_cancel`](crate::catch_cancel)); with none,
    /// it is dropped where it waits.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         let slow = tg.create_task(aio::sleep(Duration::from_secs(3600)));
    ///         tg.create_task(aio::sleep(Duration::from_secs(1)));
    ///         aio::yield_now().await;
    ///         assert!(slow.cancel()); // this child alone; the group goes on
    ///         assert!(slow.await.unwrap_err().is_cancelled());
    ///     })
    ///     .unwrap();
    ///     assert_eq!(aio::get_running_loop().time(), 1.0);
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.cell.request_cancel(Cancelled::explicit(None))
    }
}

impl<T> Unpin for ChildHandle<T> {}

impl<T> Future for ChildHandle<T> {
    type Output = Result<T, ChildError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(outcome) = self.taken.take() {
            return Poll::Ready(outcome);
        }
        if let Some(outcome) = self.cell.take_outcome() {
            return Poll::Ready(outcome);
        }
        self.cell.set_waiter(cx.waker());
        if recording() {
            note_wait(Wait::Child(self.cell.id()));
        }
        Poll::Pending
    }
}

impl<T> fmt::Debug for ChildHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildHandle")
            .field("name", &self.cell.name())
            .field("done", &self.is_done())
            .finish()
    }
}
