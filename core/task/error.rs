//! Why a task produced no value.

use std::any::Any;
use std::fmt;

/// Why awaiting a task gave no value: it was cancelled, or it panicked.
///
/// This is asyncio's `CancelledError` and "the task raised" rolled into one
/// type, returned by awaiting a [`Task`](crate::Task).
pub enum TaskError {
    /// The task was cancelled before it finished; its cleanup (`Drop`) has run.
    Cancelled,
    /// The task panicked; the payload is what `panic!` was given.
    Panicked(Box<dyn Any + Send + 'static>),
}

impl TaskError {
    /// True for [`TaskError::Cancelled`].
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// True for [`TaskError::Panicked`].
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// The panic message, when the task panicked with a string.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            TaskError::Panicked(payload) => panic_message(payload.as_ref()),
            TaskError::Cancelled => None,
        }
    }
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("Cancelled"),
            TaskError::Panicked(payload) => match panic_message(payload.as_ref()) {
                Some(msg) => write!(f, "Panicked({msg:?})"),
                None => f.write_str("Panicked(..)"),
            },
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("the task was cancelled"),
            TaskError::Panicked(payload) => match panic_message(payload.as_ref()) {
                Some(msg) => write!(f, "the task panicked: {msg}"),
                None => f.write_str("the task panicked"),
            },
        }
    }
}

impl std::error::Error for TaskError {}
