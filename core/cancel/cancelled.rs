//! `Cancelled`, the one cancellation value, and `CancelReason`, why it
//! happened and where.

use crate::cancel::tree::ScopeKey;
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

/// Why something was cancelled, and where the cancellation came from.
///
/// Read it from a [`Cancelled`] (with [`Cancelled::reason`]), so that a log
/// says which `timeout!`, which sibling or which call ended a piece of work.
///
/// ```
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
///     aio::yield_now().await;
///     task.cancel_with("no longer needed");
///     let err = task.await.unwrap_err();
///     let cancelled = err.cancelled().unwrap();
///     match cancelled.reason() {
///         aio::CancelReason::Explicit { message, .. } => {
///             assert_eq!(message.as_deref(), Some("no longer needed"))
///         }
///         other => panic!("unexpected reason {other:?}"),
///     }
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelReason {
    /// `Task::cancel()`, `Task::cancel_with(message)`, `ChildHandle::cancel()`,
    /// `Promise::cancel()` or `TaskRef::cancel()`.
    #[non_exhaustive]
    Explicit {
        /// The message given to `cancel_with`, if any.
        message: Option<String>,
        /// Where the cancel was called.
        location: &'static Location<'static>,
    },
    /// A deadline passed: `timeout!`, `timeout`, `timeout_at`, `wait_for`,
    /// `move_on_after`, `move_on_at`, or a cancel scope's deadline.
    #[non_exhaustive]
    Timeout {
        /// The deadline that passed, on the loop's clock.
        deadline: Instant,
        /// Where the timeout (or scope) was made.
        location: &'static Location<'static>,
    },
    /// A sibling in the same task group failed (fail-fast groups).
    #[non_exhaustive]
    SiblingFailed {
        /// The name of the child that failed (`body` for the group's body).
        child: String,
    },
    /// The scope around a group child was cancelled: the group's task, a
    /// timeout or a cancel scope around the group.
    #[non_exhaustive]
    ParentCancelled {
        /// Why the scope around the group was cancelled.
        parent: Arc<CancelReason>,
    },
    /// The group was stopped with `tg.cancel()`.
    #[non_exhaustive]
    GroupCancelled {
        /// Where `cancel` was called.
        location: &'static Location<'static>,
    },
    /// A `cancel_scope!` or `CancelScope` was cancelled, from its own body
    /// or through a `CancelHandle`.
    #[non_exhaustive]
    ScopeCancelled {
        /// Where `cancel` was called.
        location: &'static Location<'static>,
    },
    /// The code awaiting the task's handle was dropped while it waited (a
    /// `select_first!` branch that lost, a scope that ended for good), or an
    /// `abort_on_drop` handle was dropped.
    AwaitAbandoned,
    /// Ctrl-C (SIGINT) ended the program's main task.
    CtrlC,
    /// SIGTERM ended the program's main task (`Runner::graceful_signals`,
    /// `#[aio::main(ctrl_c = "graceful")]`), as a service manager stops a
    /// service.
    Terminated,
    /// The loop is shutting down (the end of `aio::run`, or `Runner` dropped)
    /// and the task was still running.
    LoopShutdown,
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelReason::Explicit {
                message: Some(message),
                location,
            } => write!(f, "cancelled at {location}: {message}"),
            CancelReason::Explicit {
                message: None,
                location,
            } => write!(f, "cancelled at {location}"),
            CancelReason::Timeout { location, .. } => {
                write!(f, "the deadline of the timeout at {location} passed")
            }
            CancelReason::SiblingFailed { child } => {
                write!(f, "the sibling `{child}` failed")
            }
            CancelReason::ParentCancelled { parent } => {
                write!(f, "the scope around the group was cancelled ({parent})")
            }
            CancelReason::GroupCancelled { location } => {
                write!(f, "the task group was cancelled at {location}")
            }
            CancelReason::ScopeCancelled { location } => {
                write!(f, "the cancel scope was cancelled at {location}")
            }
            CancelReason::AwaitAbandoned => f.write_str("the code awaiting the task was dropped"),
            CancelReason::CtrlC => f.write_str("interrupted (Ctrl-C)"),
            CancelReason::Terminated => f.write_str("terminated (SIGTERM)"),
            CancelReason::LoopShutdown => f.write_str("the event loop shut down"),
        }
    }
}

/// The value of a cancellation, asyncio's `CancelledError`: what a caught
/// cancellation gives ([`catch_cancel`](crate::catch_cancel),
/// [`cancelled`](crate::cancelled)), what a cancelled task's or child's
/// handle reports, and what a cancelled [`Promise`](crate::Promise) gives.
///
/// It says why ([`reason`](Self::reason)). Caught, it can be passed on:
/// return it (`return Err(c)`) from a task or a group child, which then
/// counts as cancelled; or, anywhere, `c.reraise().await`, which ends the
/// enclosing task or scope as cancelled at once.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let worker = aio::create_task(async {
///         match aio::catch_cancel(aio::sleep(Duration::from_secs(60))).await {
///             Ok(()) => Ok("slept"),
///             Err(c) => {
///                 // Cleanup that awaits, then pass the cancellation on.
///                 aio::sleep(Duration::from_millis(10)).await;
///                 Err(c)
///             }
///         }
///     });
///     aio::yield_now().await;
///     worker.cancel();
///     assert!(worker.await.unwrap_err().is_cancelled());
/// });
/// ```
#[derive(Clone)]
pub struct Cancelled {
    reason: CancelReason,
    /// Set on a cancellation handed to a catcher: the scope keeps a clone and
    /// tells from the count whether its body's output still holds it.
    token: Option<Arc<()>>,
    /// The scope the cancellation was handed out by, which `reraise` ends.
    pub(crate) origin: ScopeKey,
}

impl Cancelled {
    pub(crate) fn new(reason: CancelReason) -> Self {
        Cancelled {
            reason,
            token: None,
            origin: ScopeKey::NONE,
        }
    }

    /// An explicit cancel made at the caller's location.
    #[track_caller]
    pub(crate) fn explicit(message: Option<String>) -> Self {
        Cancelled::new(CancelReason::Explicit {
            message,
            location: Location::caller(),
        })
    }

    /// Why the cancellation happened, and where.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     task.cancel_with("user logged out");
    ///     let err = task.await.unwrap_err();
    ///     let why = err.cancelled().unwrap().reason();
    ///     assert!(matches!(why, aio::CancelReason::Explicit { message: Some(m), .. } if m == "user logged out"));
    ///     println!("cancelled: {why}"); // says where `cancel_with` was called
    /// });
    /// ```
    pub fn reason(&self) -> &CancelReason {
        &self.reason
    }

    /// The same cancellation, marked so that the scope it is handed to can
    /// tell whether its body passed it on.
    pub(crate) fn tokened(&self) -> Cancelled {
        Cancelled {
            reason: self.reason.clone(),
            token: Some(Arc::new(())),
            origin: self.origin,
        }
    }

    /// The same cancellation without the token: a record of it that does
    /// not count as passing it on (a group's error keeps one).
    pub(crate) fn record(&self) -> Cancelled {
        Cancelled {
            reason: self.reason.clone(),
            token: None,
            origin: self.origin,
        }
    }

    /// True while a clone of this tokened cancellation is alive elsewhere
    /// than in `self`.
    pub(crate) fn held_elsewhere(&self) -> bool {
        self.token
            .as_ref()
            .is_some_and(|t| Arc::strong_count(t) > 1)
    }
}

impl fmt::Debug for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cancelled").field(&self.reason).finish()
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.reason, f)
    }
}

impl std::error::Error for Cancelled {}

impl PartialEq for Cancelled {
    /// Two cancellations are equal when their reasons are.
    fn eq(&self, other: &Self) -> bool {
        self.reason == other.reason
    }
}

impl Eq for Cancelled {}
