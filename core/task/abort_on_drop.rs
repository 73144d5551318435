//! `AbortOnDrop`: a task handle whose drop cancels the task.

use crate::cancel::{CancelReason, Cancelled};
use crate::task::handle::Task;
use crate::task::root;
use std::fmt;

/// A task handle that cancels its task when dropped; see
/// [`Task::abort_on_drop`]. Await it like the task.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let beats = Rc::new(Cell::new(0));
///     let counter = beats.clone();
///     let heartbeat = aio::create_task(async move {
///         loop {
///             aio::sleep(Duration::from_secs(1)).await;
///             counter.set(counter.get() + 1);
///         }
///     })
///     .abort_on_drop();
///     aio::sleep(Duration::from_millis(2500)).await;
///     drop(heartbeat); // the task stops with its last handle
///     aio::sleep(Duration::from_secs(10)).await;
///     assert_eq!(beats.get(), 2);
/// });
/// ```
pub struct AbortOnDrop<T> {
    task: Option<Task<T>>,
}

impl<T> AbortOnDrop<T> {
    pub(crate) fn new(task: Task<T>) -> Self {
        AbortOnDrop { task: Some(task) }
    }

    pub(crate) fn task_mut(&mut self) -> &mut Task<T> {
        self.task
            .as_mut()
            .expect("the task is there until the guard drops")
    }

    /// The task.
    ///
    /// ```
    /// aio::run(async {
    ///     let guard = aio::create_task(async { 1 }).abort_on_drop();
    ///     guard.task().set_name("guarded");
    ///     assert_eq!(guard.task().name(), "guarded");
    ///     assert_eq!(guard.await.unwrap(), 1);
    /// });
    /// ```
    pub fn task(&self) -> &Task<T> {
        self.task
            .as_ref()
            .expect("the task is there until the guard drops")
    }

    /// Gives the task back without cancelling it.
    ///
    /// ```
    /// aio::run(async {
    ///     let guard = aio::create_task(async { 1 }).abort_on_drop();
    ///     let task = guard.into_task(); // no longer cancelled on drop
    ///     assert_eq!(task.await.unwrap(), 1);
    /// });
    /// ```
    pub fn into_task(mut self) -> Task<T> {
        self.task
            .take()
            .expect("the task is there until the guard drops")
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            if root::request_cancel(
                task.meta(),
                false,
                Cancelled::new(CancelReason::AwaitAbandoned),
                None,
            ) {
                task.meta().wake_to_cancel();
            }
        }
    }
}

impl<T> fmt::Debug for AbortOnDrop<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AbortOnDrop").field(&self.task).finish()
    }
}
