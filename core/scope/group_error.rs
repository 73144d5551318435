//! How a task group ends badly: the failures of its children (asyncio's
//! `ExceptionGroup`), or a deliberate `cancel()`.

use crate::task::panic_message;
use std::any::Any;
use std::fmt;

/// One failure inside a task group: a child (or the body) returned `Err` or
/// panicked.
pub struct Failure {
    pub(crate) task: String,
    pub(crate) message: String,
    pub(crate) payload: FailurePayload,
}

pub(crate) enum FailurePayload {
    Error(Box<dyn Any>),
    Panic(Box<dyn Any + Send>),
}

impl Failure {
    pub(crate) fn returned(task: String, message: String, error: Box<dyn Any>) -> Failure {
        Failure {
            task,
            message,
            payload: FailurePayload::Error(error),
        }
    }

    pub(crate) fn panic(task: String, payload: Box<dyn Any + Send>) -> Failure {
        let message = match panic_message(payload.as_ref()) {
            Some(msg) => format!("panicked: {msg}"),
            None => "panicked".to_string(),
        };
        Failure {
            task,
            message,
            payload: FailurePayload::Panic(payload),
        }
    }

    /// The name of the child that failed (`body` for the group's body).
    pub fn task(&self) -> &str {
        &self.task
    }

    /// The error's `Debug` text, or `panicked: <message>`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True if the child panicked rather than returning `Err`.
    pub fn is_panic(&self) -> bool {
        matches!(self.payload, FailurePayload::Panic(_))
    }

    /// What the child panicked with, if it panicked.
    pub fn panic_payload(&self) -> Option<&(dyn Any + Send)> {
        match &self.payload {
            FailurePayload::Panic(payload) => Some(payload.as_ref()),
            FailurePayload::Error(_) => None,
        }
    }

    /// The child's error, if it returned `Err(E)` with this `E`.
    pub fn error<E: 'static>(&self) -> Option<&E> {
        match &self.payload {
            FailurePayload::Error(e) => e.downcast_ref(),
            FailurePayload::Panic(_) => None,
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.task, self.message)
    }
}

/// Why a [`task_group!`](macro@crate::task_group) gave no value.
#[derive(Debug)]
pub enum GroupError {
    /// Children (or the body) failed; every failure, in the order they
    /// happened. The rest of the group was cancelled and its cleanup ran.
    Failed(Vec<Failure>),
    /// The group was stopped with `tg.cancel()`: nothing failed.
    Cancelled,
}

impl GroupError {
    /// The failures, in the order they happened (empty for `Cancelled`).
    pub fn failures(&self) -> &[Failure] {
        match self {
            GroupError::Failed(failures) => failures,
            GroupError::Cancelled => &[],
        }
    }

    /// True when the group was stopped with `cancel()` rather than failing.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, GroupError::Cancelled)
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Cancelled => f.write_str("the task group was cancelled"),
            GroupError::Failed(failures) => {
                write!(f, "{} failure(s) in the task group", failures.len())?;
                for failure in failures {
                    write!(f, "; {failure:?}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for GroupError {}

/// Why a child's handle has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildError {
    /// The child returned `Err` or panicked; the text describes it (the error
    /// itself is in the group's [`GroupError`]).
    Failed(String),
    /// The child was cancelled: by its handle, a sibling's failure, or the
    /// group being cancelled.
    Cancelled,
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Failed(message) => write!(f, "the child failed: {message}"),
            ChildError::Cancelled => f.write_str("the child was cancelled"),
        }
    }
}

impl std::error::Error for ChildError {}
