//! `shield`: work that outlives the cancellation of whoever awaits it.

use crate::cancel::Cancelled;
use crate::runtime::expect_current;
use crate::task::{Task, TaskError, spawn_at};
use std::cell::RefCell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `future` as a task that the awaiter's cancellation does not reach,
/// asyncio's `shield()`, and returns the outer handle.
///
/// Await the handle (by value, or by reference: `(&mut shielded).await`) in
/// the code that may be cancelled. If that code is cancelled (a timeout, a
/// cancelled task or group), or the handle is [`cancel`](Shield::cancel)led
/// or dropped, only the wait is abandoned: the shielded work runs on, and its
/// result stays with the handle. The work itself can still be cancelled
/// through [`Shield::task`]. It stays inside the structure: the loop owns it,
/// and `aio::run` waits for shielded work to finish before cancelling what
/// is left. Shielding a [`Promise`](crate::Promise) keeps a cancelled awaiter
/// from cancelling the promise.
///
/// Panics when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut save = aio::shield(async {
///         aio::sleep(Duration::from_secs(2)).await;
///         "saved"
///     });
///     // The caller gives up after one second...
///     assert!(aio::timeout(Duration::from_secs(1), &mut save).await.is_err());
///     // ...but the shielded work finished, and its result is not lost.
///     assert_eq!(save.await.unwrap(), "saved");
/// });
/// ```
#[track_caller]
pub fn shield<F>(future: F) -> Shield<F::Output>
where
    F: IntoFuture,
    F::IntoFuture: 'static,
    F::Output: 'static,
{
    let location = std::panic::Location::caller();
    expect_current("aio::shield", |core| {
        let task = spawn_at(core, future.into_future(), location);
        task.mark_shielded();
        core.shield_started();
        Shield {
            task,
            abandoned: RefCell::new(None),
        }
    })
}

/// The outer handle of [`shield`]ed work: awaiting it waits for the work;
/// cancelling it abandons the wait and leaves the work running.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let write = aio::shield(async {
///         aio::sleep(Duration::from_secs(2)).await;
///         "written"
///     });
///     // The task awaiting the write is cancelled; the write is not.
///     let waiter = aio::create_task(async move { write.await });
///     aio::sleep(Duration::from_secs(1)).await;
///     waiter.cancel();
///     assert!(waiter.await.unwrap_err().is_cancelled());
///     aio::sleep(Duration::from_secs(5)).await;
///     assert_eq!(aio::all_tasks().len(), 1, "the write finished and is gone");
/// });
/// ```
pub struct Shield<T> {
    task: Task<T>,
    abandoned: RefCell<Option<Cancelled>>,
}

impl<T> Shield<T> {
    /// Abandons the wait: awaiting the handle now gives
    /// `Err(TaskError::Cancelled)`; the shielded work runs on. `false` if the
    /// work already finished.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let shielded = aio::shield(aio::sleep(Duration::from_secs(1)));
    ///     assert!(shielded.cancel());
    ///     assert!(!shielded.task().is_cancelled());
    ///     assert!(shielded.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        if self.task.is_done() {
            return false;
        }
        self.abandoned
            .borrow_mut()
            .get_or_insert_with(|| Cancelled::explicit(None));
        true
    }

    /// The shielded work's own task: cancel it here to stop the work itself.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let shielded = aio::shield(aio::sleep(Duration::from_secs(60)));
    ///     shielded.task().cancel(); // stop the work itself, not just the wait
    ///     assert!(shielded.await.unwrap_err().is_cancelled());
    ///     assert_eq!(aio::get_running_loop().time(), 0.0);
    /// });
    /// ```
    pub fn task(&self) -> &Task<T> {
        &self.task
    }

    /// True once the shielded work finished.
    ///
    /// ```
    /// aio::run(async {
    ///     let shielded = aio::shield(async { 1 });
    ///     assert!(!shielded.is_done());
    ///     aio::yield_now().await;
    ///     assert!(shielded.is_done());
    /// });
    /// ```
    pub fn is_done(&self) -> bool {
        self.task.is_done()
    }

    /// Lets the shielded work run on without a handle (what dropping the
    /// handle does).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let saved = Rc::new(Cell::new(false));
    ///     let flag = saved.clone();
    ///     aio::shield(async move {
    ///         aio::sleep(Duration::from_secs(1)).await;
    ///         flag.set(true);
    ///     })
    ///     .detach();
    ///     aio::sleep(Duration::from_secs(2)).await;
    ///     assert!(saved.get());
    /// });
    /// ```
    pub fn detach(self) {}
}

impl<T> Unpin for Shield<T> {}

impl<T: 'static> Future for Shield<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(cancelled) = self.abandoned.borrow_mut().take() {
            return Poll::Ready(Err(TaskError::Cancelled(cancelled)));
        }
        self.task.poll_unforwarded(cx)
    }
}

impl<T> fmt::Debug for Shield<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shield").field("task", &self.task).finish()
    }
}
