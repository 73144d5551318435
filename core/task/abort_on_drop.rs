//! `AbortOnDrop`: a task handle whose drop cancels the task.

use crate::cancel::{CancelReason, Cancelled};
use crate::task::handle::Task;
use crate::task::root;
use std::fmt;

/// A task handle that cancels its task when dropped; see
/// [`Task::abort_on_drop`]. Await it like the task.
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
    pub fn task(&self) -> &Task<T> {
        self.task
            .as_ref()
            .expect("the task is there until the guard drops")
    }

    /// Gives the task back without cancelling it.
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
