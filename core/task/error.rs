//! Why a task produced no value.

use crate::cancel::Cancelled;
use std::any::Any;
use std::fmt;

/// Why awaiting a task gave no value: it was cancelled, or it panicked.
///
/// This is asyncio's `CancelledError` and "the task raised" rolled into one
/// type, returned by awaiting a [`Task`](crate::Task). It is `Send + Sync +
/// 'static`, so `?` turns it into `Box<dyn Error + Send + Sync>` or
/// `anyhow::Error`.
///
/// ```
/// aio::run(async {
///     let task = aio::create_task(async { panic!("boom") });
///     let err: aio::TaskError = task.await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(err.panic_message(), Some("boom"));
///     assert_eq!(err.to_string(), "the task panicked: boom");
/// });
/// ```
pub enum TaskError {
    /// The task was cancelled before it finished; its cleanup has run. The
    /// [`Cancelled`] says why.
    Cancelled(Cancelled),
    /// The task panicked.
    Panicked(Panic),
}

impl TaskError {
    /// True for [`TaskError::Cancelled`].
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     task.cancel();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled(_))
    }

    /// True for [`TaskError::Panicked`].
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async { panic!("boom") });
    ///     assert!(task.await.unwrap_err().is_panic());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// The cancellation, when the task was cancelled.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     task.cancel();
    ///     let err = task.await.unwrap_err();
    ///     let why = err.cancelled().unwrap().reason();
    ///     assert!(matches!(why, aio::CancelReason::Explicit { .. }));
    /// });
    /// ```
    pub fn cancelled(&self) -> Option<&Cancelled> {
        match self {
            TaskError::Cancelled(cancelled) => Some(cancelled),
            TaskError::Panicked(_) => None,
        }
    }

    /// The panic message, when the task panicked with a string.
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async { panic!("boom") });
    ///     assert_eq!(task.await.unwrap_err().panic_message(), Some("boom"));
    /// });
    /// ```
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            TaskError::Panicked(panic) => panic.message(),
            TaskError::Cancelled(_) => None,
        }
    }

    /// What the task panicked with, to re-raise it with
    /// `std::panic::resume_unwind`; `None` for a cancellation.
    ///
    /// ```
    /// let err = aio::run(async { aio::create_task(async { panic!("boom") }).await }).unwrap_err();
    /// let payload = err.into_panic().unwrap();
    /// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// // `std::panic::resume_unwind(payload)` would re-raise it here.
    /// ```
    pub fn into_panic(self) -> Option<Box<dyn Any + Send + 'static>> {
        match self {
            TaskError::Panicked(panic) => Some(panic.into_payload()),
            TaskError::Cancelled(_) => None,
        }
    }
}

/// A caught panic: its message (kept as text) and its payload.
///
/// ```
/// let err = aio::run(async { aio::create_task(async { panic!("{}", 42) }).await }).unwrap_err();
/// let aio::TaskError::Panicked(panic) = err else { unreachable!() };
/// assert_eq!(panic.message(), Some("42"));
/// assert_eq!(panic.into_payload().downcast_ref::<String>().map(String::as_str), Some("42"));
/// ```
pub struct Panic {
    message: Option<String>,
    payload: Payload,
}

/// The payload, reachable only by value (see the `Sync` argument below).
struct Payload(Box<dyn Any + Send + 'static>);

// SAFETY: nothing reads the boxed payload through a shared reference: the
// only access is `Panic::into_payload`, which takes the `Panic` by value (so
// the one thread that owns it). A `&Panic` shared between threads reaches
// only `message`, a `String`, which is `Sync`.
unsafe impl Sync for Payload {}

impl Panic {
    pub(crate) fn new(payload: Box<dyn Any + Send + 'static>) -> Self {
        Panic {
            message: panic_message(payload.as_ref()).map(str::to_string),
            payload: Payload(payload),
        }
    }

    /// The panic's message, when it panicked with a string.
    ///
    /// ```
    /// let err = aio::run(async { aio::create_task(async { panic!("boom") }).await }).unwrap_err();
    /// let aio::TaskError::Panicked(panic) = err else { unreachable!() };
    /// assert_eq!(panic.message(), Some("boom"));
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// What `panic!` was given, to re-raise it with
    /// `std::panic::resume_unwind`.
    ///
    /// ```
    /// let err = aio::run(async { aio::create_task(async { panic!("boom") }).await }).unwrap_err();
    /// let aio::TaskError::Panicked(panic) = err else { unreachable!() };
    /// assert_eq!(panic.into_payload().downcast_ref::<&str>(), Some(&"boom"));
    /// ```
    pub fn into_payload(self) -> Box<dyn Any + Send + 'static> {
        self.payload.0
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(msg) => write!(f, "Panic({msg:?})"),
            None => f.write_str("Panic(..)"),
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
            TaskError::Cancelled(cancelled) => write!(f, "Cancelled({:?})", cancelled.reason()),
            TaskError::Panicked(panic) => match panic.message() {
                Some(msg) => write!(f, "Panicked({msg:?})"),
                None => f.write_str("Panicked(..)"),
            },
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled(cancelled) => write!(f, "the task was cancelled: {cancelled}"),
            TaskError::Panicked(panic) => match panic.message() {
                Some(msg) => write!(f, "the task panicked: {msg}"),
                None => f.write_str("the task panicked"),
            },
        }
    }
}

impl std::error::Error for TaskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TaskError::Cancelled(cancelled) => Some(cancelled),
            TaskError::Panicked(_) => None,
        }
    }
}
