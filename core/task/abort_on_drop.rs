//! `AbortOnDrop`: a task handle whose drop cancels the task.

use crate::cancel::{CancelReason, Cancelled};
use crate::task::error::TaskError;
use crate::task::handle::Task;
use crate::task::root;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A task handle that cancels its task when dropped; see
/// [`Task::abort_on_drop`]. Await it like the task.
pub struct AbortOnDrop<T> {
    task: Option<Task<T>>,
}

impl<T> AbortOnDrop<T> {
    pub(crate) fn new(task: Task<T>) -> Self {
        AbortOnDrop { task: Some(task) }
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

impl<T: 'static> Future for AbortOnDrop<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let task = self
            .task
            .as_mut()
            .expect("the task is there until the guard drops");
        Pin::new(task).poll(cx)
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
