//! `wait`: block until some of a set of tasks are done, asyncio's
//! `asyncio.wait`.

use crate::task::Task;
use crate::task::TaskError;
use crate::time::{Sleep, sleep};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// When [`wait`] returns, as asyncio's `return_when`.
///
/// ```
/// use aio::ReturnWhen;
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let tasks = vec![
///         aio::create_task(async { aio::sleep(Duration::from_secs(1)).await }),
///         aio::create_task(async { aio::sleep(Duration::from_secs(3)).await }),
///     ];
///     let (done, pending) = aio::wait(tasks, ReturnWhen::AllCompleted, None).await;
///     assert_eq!((done.len(), pending.len()), (2, 0));
///     assert_eq!(aio::get_running_loop().time(), 3.0);
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any task is done.
    FirstCompleted,
    /// As soon as any task panicked (asyncio: raised); else when all are done.
    FirstException,
    /// When every task is done.
    AllCompleted,
}

/// Waits for `tasks` until `when` says so, or `timeout` passes; returns the
/// `(done, pending)` split, as asyncio's `wait()`. Nothing is cancelled: the
/// pending tasks keep running, and the done ones keep their outcome
/// (read it with [`Task::result`] or by awaiting them). Panics when `tasks`
/// is empty, as asyncio raises `ValueError`.
///
/// ```
/// use std::time::Duration;
/// use aio::ReturnWhen;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let tasks = vec![
///         aio::create_task(aio::sleep(Duration::from_secs(1))),
///         aio::create_task(aio::sleep(Duration::from_secs(5))),
///     ];
///     let (done, pending) = aio::wait(tasks, ReturnWhen::FirstCompleted, None).await;
///     assert_eq!((done.len(), pending.len()), (1, 1));
/// });
/// ```
pub fn wait<T: 'static>(
    tasks: Vec<Task<T>>,
    when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<T> {
    assert!(
        !tasks.is_empty(),
        "aio::wait needs at least one task to wait for (asyncio raises ValueError for an empty set)"
    );
    Wait {
        tasks: Some(tasks),
        when,
        timer: timeout.map(sleep),
    }
}

/// The future of [`wait`]: the `(done, pending)` tasks.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let slow = vec![aio::create_task(aio::sleep(Duration::from_secs(60)))];
///     let waiting: aio::Wait<()> = aio::wait(slow, aio::ReturnWhen::AllCompleted, Some(Duration::from_secs(1)));
///     let (done, pending) = waiting.await;
///     assert!(done.is_empty()); // the timeout passed first; nothing was cancelled
///     assert!(!pending[0].is_done());
/// });
/// ```
#[must_use = "nothing is waited for unless awaited"]
pub struct Wait<T> {
    tasks: Option<Vec<Task<T>>>,
    when: ReturnWhen,
    timer: Option<Sleep>,
}

impl<T> Unpin for Wait<T> {}

impl<T: 'static> Future for Wait<T> {
    type Output = (Vec<Task<T>>, Vec<Task<T>>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let tasks = this.tasks.as_mut().expect("a wait is awaited once");
        let mut done = 0;
        let mut panicked = false;
        for task in tasks.iter_mut() {
            if task.poll_done(cx).is_ready() {
                done += 1;
                panicked |= matches!(task.result(), Some(Err(TaskError::Panicked(_))));
            }
        }
        let finished = match this.when {
            ReturnWhen::FirstCompleted => done > 0,
            ReturnWhen::FirstException => panicked || done == tasks.len(),
            ReturnWhen::AllCompleted => done == tasks.len(),
        };
        let timed_out = this
            .timer
            .as_mut()
            .is_some_and(|timer| Pin::new(timer).poll(cx).is_ready());
        if finished || timed_out || tasks.is_empty() {
            let tasks = this.tasks.take().expect("checked above");
            return Poll::Ready(tasks.into_iter().partition(Task::is_done));
        }
        Poll::Pending
    }
}
