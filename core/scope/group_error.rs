//! How a task group ends badly: the failures of its children and body
//! (asyncio's `ExceptionGroup`), or a cancellation.

use crate::cancel::Cancelled;
use crate::scope::thread_bound::ThreadBound;
use crate::task::Panic;
use std::any::Any;
use std::fmt;

/// One failure inside a task group: a child (or the body) returned `Err` or
/// panicked, or a child panicked while it was being dropped.
///
/// `Send + Sync`: the error value itself is only reachable, with
/// [`error`](Self::error), on the thread that ran the group; the message is
/// text everywhere.
///
/// ```
/// let err = aio::run(async {
///     aio::task_group!(|tg| {
///         tg.create_task_named("parse", async { "x".parse::<u8>().map(|_| ()) });
///     })
/// })
/// .unwrap_err();
/// let failure: &aio::Failure = &err.failures()[0];
/// assert_eq!(failure.task(), "parse");
/// assert!(!failure.is_panic());
/// assert_eq!(failure.to_string(), "parse: ParseIntError { kind: InvalidDigit }");
/// ```
pub struct Failure {
    pub(crate) task: String,
    pub(crate) message: String,
    pub(crate) payload: FailurePayload,
}

pub(crate) enum FailurePayload {
    Error(ThreadBound<Box<dyn Any>>),
    Panic(Panic),
}

impl Failure {
    pub(crate) fn returned(task: String, message: String, error: Box<dyn Any>) -> Failure {
        Failure {
            task,
            message,
            payload: FailurePayload::Error(ThreadBound::new(error)),
        }
    }

    pub(crate) fn panicked(task: String, payload: Box<dyn Any + Send>) -> Failure {
        let panic = Panic::new(payload);
        let message = match panic.message() {
            Some(msg) => format!("panicked: {msg}"),
            None => "panicked".to_string(),
        };
        Failure {
            task,
            message,
            payload: FailurePayload::Panic(panic),
        }
    }

    /// The name of the child that failed (`body` for the group's body).
    ///
    /// ```
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task_named("upload", async { Err::<(), _>("quota exceeded") });
    ///     })
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.failures()[0].task(), "upload");
    /// ```
    pub fn task(&self) -> &str {
        &self.task
    }

    /// The error's `Debug` text, or `panicked: <message>`.
    ///
    /// ```
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(async { Err::<(), _>("quota exceeded") });
    ///     })
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.failures()[0].message(), "\"quota exceeded\""); // the `Debug` text
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True if the child panicked rather than returning `Err`.
    ///
    /// ```
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(async { panic!("bug") as () });
    ///     })
    /// })
    /// .unwrap_err();
    /// assert!(err.failures()[0].is_panic());
    /// assert_eq!(err.failures()[0].message(), "panicked: bug");
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.payload, FailurePayload::Panic(_))
    }

    /// The panic, if the child panicked.
    ///
    /// ```
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(async { panic!("bug") as () });
    ///     })
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.failures()[0].panic().unwrap().message(), Some("bug"));
    /// ```
    pub fn panic(&self) -> Option<&Panic> {
        match &self.payload {
            FailurePayload::Panic(panic) => Some(panic),
            FailurePayload::Error(_) => None,
        }
    }

    /// The child's error, if it returned `Err(E)` with this `E` (on the
    /// thread that ran the group).
    ///
    /// ```
    /// use std::num::ParseIntError;
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(async { "x".parse::<u32>().map(|_| ()) });
    ///     })
    /// })
    /// .unwrap_err();
    /// let failure = &err.failures()[0];
    /// assert!(failure.error::<ParseIntError>().is_some()); // the error itself, typed
    /// assert!(failure.error::<std::io::Error>().is_none());
    /// ```
    pub fn error<E: 'static>(&self) -> Option<&E> {
        match &self.payload {
            FailurePayload::Error(e) => e.get()?.downcast_ref(),
            FailurePayload::Panic(_) => None,
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.task, self.message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.task, self.message)
    }
}

impl std::error::Error for Failure {}

/// Why a [`task_group!`](macro@crate::task_group) gave no value: its
/// children or body failed (every failure, in the order they happened; the
/// rest of the group was cancelled and its cleanup ran), or the group was
/// cancelled (`tg.cancel()`).
///
/// When a failure and a cancellation from outside arrive together, the
/// failures win (asyncio 3.12's rule): the group returns them, and the
/// cancellation it was handed shows in [`cancelled`](Self::cancelled) (and
/// the task's [`TaskRef::is_cancel_requested`](crate::TaskRef)), instead of
/// ending the enclosing code silently.
///
/// `Send + Sync + 'static`, so `?` turns it into `Box<dyn Error + Send +
/// Sync>` or `anyhow::Error`.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// let err = runner
///     .run(async {
///         aio::task_group!(|tg| {
///             tg.create_task(async { Err::<(), _>("disk full") });
///         })
///     })
///     .unwrap_err();
/// assert_eq!(err.failures().len(), 1);
/// assert_eq!(err.failures()[0].error::<&str>(), Some(&"disk full"));
/// assert_eq!(err.to_string(), "1 failure in the task group: Task-1/group/1: \"disk full\"");
/// ```
pub struct GroupError {
    failures: Vec<Failure>,
    cancelled: Option<Cancelled>,
}

impl GroupError {
    pub(crate) fn failed(failures: Vec<Failure>, cancelled: Option<Cancelled>) -> Self {
        GroupError {
            failures,
            cancelled,
        }
    }

    pub(crate) fn cancelled_by(cancelled: Cancelled) -> Self {
        GroupError {
            failures: Vec::new(),
            cancelled: Some(cancelled),
        }
    }

    /// The failures, in the order they happened (empty when the group was
    /// cancelled without failing).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::task_group!(supervise |tg| {
    ///         tg.create_task_named("a", async { Err::<(), _>("first") });
    ///         tg.create_task_named("b", async { Err::<(), _>("second") });
    ///     });
    ///     let (_, failures) = err.unwrap();
    ///     let names: Vec<&str> = failures.iter().map(|f| f.task()).collect();
    ///     assert_eq!(names, ["a", "b"]);
    /// });
    /// ```
    pub fn failures(&self) -> &[Failure] {
        &self.failures
    }

    /// The failures, by value.
    ///
    /// ```
    /// let err = aio::run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(async { Err::<(), _>("lost connection") });
    ///     })
    /// })
    /// .unwrap_err();
    /// let failures: Vec<aio::Failure> = err.into_failures();
    /// assert_eq!(failures[0].error::<&str>(), Some(&"lost connection"));
    /// ```
    pub fn into_failures(self) -> Vec<Failure> {
        self.failures
    }

    /// True when the group was cancelled (`tg.cancel()`) and nothing failed.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::task_group!(|tg| {
    ///         tg.create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///         tg.cancel();
    ///     })
    ///     .unwrap_err();
    ///     assert!(err.is_cancelled());
    ///     assert!(err.failures().is_empty());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.failures.is_empty()
    }

    /// The cancellation of the group: `tg.cancel()`'s, or one from outside
    /// that arrived while children were failing.
    ///
    /// ```
    /// aio::run(async {
    ///     let err = aio::task_group!(|tg| tg.cancel()).unwrap_err();
    ///     let why = err.cancelled().unwrap().reason();
    ///     assert!(matches!(why, aio::CancelReason::GroupCancelled { .. }));
    /// });
    /// ```
    pub fn cancelled(&self) -> Option<&Cancelled> {
        self.cancelled.as_ref()
    }
}

impl fmt::Debug for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failures.is_empty() {
            return write!(f, "GroupError::Cancelled({:?})", self.cancelled);
        }
        f.debug_struct("GroupError")
            .field("failures", &self.failures)
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failures.is_empty() {
            f.write_str("the task group was cancelled")?;
            if let Some(cancelled) = &self.cancelled {
                write!(f, ": {cancelled}")?;
            }
            return Ok(());
        }
        let n = self.failures.len();
        write!(
            f,
            "{n} failure{} in the task group",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            write!(f, "{}{failure}", if i == 0 { ": " } else { "; " })?;
        }
        if let Some(cancelled) = &self.cancelled {
            write!(f, " (while it was being cancelled: {cancelled})")?;
        }
        Ok(())
    }
}

impl std::error::Error for GroupError {}

/// Why a child's handle has no value.
///
/// ```
/// aio::run(async {
///     let (ok, failed) = aio::task_group!(supervise |tg| {
///         let ok = tg.create_task(async { Ok::<_, String>(1) });
///         let failed = tg.create_task(async { Err::<u8, _>("bad input".to_string()) });
///         (ok, failed)
///     })
///     .unwrap()
///     .0;
///     assert_eq!(ok.await, Ok(1));
///     let err: aio::ChildError = failed.await.unwrap_err();
///     assert_eq!(err, aio::ChildError::Failed("\"bad input\"".to_string()));
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildError {
    /// The child returned `Err` or panicked; the text describes it (the error
    /// itself is in the group's [`GroupError`]).
    Failed(String),
    /// The child was cancelled: by its handle, a sibling's failure, the
    /// group being cancelled, or a cancellation around the group.
    Cancelled(Cancelled),
}

impl ChildError {
    /// True for [`ChildError::Cancelled`].
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::task_group!(|tg| {
    ///         let child = tg.create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///         child.cancel(); // this child alone
    ///         child
    ///     });
    ///     let child = err.unwrap(); // the group itself went on
    ///     assert!(child.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, ChildError::Cancelled(_))
    }
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Failed(message) => write!(f, "the child failed: {message}"),
            ChildError::Cancelled(cancelled) => write!(f, "the child was cancelled: {cancelled}"),
        }
    }
}

impl std::error::Error for ChildError {}
