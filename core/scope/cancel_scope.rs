//! `CancelScope`: Trio's cancel scope, a region of code that can be
//! cancelled as a whole (by `cancel()`, a deadline, or another task or thread
//! through a `CancelHandle`), or shielded from cancellations outside it.
//! `timeout!`'s scope is the same object.

use crate::cancel::{CancelReason, CancelState, Cancelled};
use crate::runtime::with_current;
use crate::scope::cancel_handle::{CancelHandle, Shared, lock};
use crate::time::deadline_after;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::Waker;
use std::time::{Duration, Instant};

/// A region of code that can be cancelled as a whole, Trio's `CancelScope`.
///
/// Made by [`cancel_scope!`](macro@crate::cancel_scope) and given to
/// [`timeout!`](macro@crate::timeout)'s body, or made as a value with
/// [`CancelScope::new`] (cancellable, shieldable and with a deadline before it
/// is entered) and entered with [`run`](Self::run).
///
/// A cancel scope is level-triggered (Trio): once cancelled, every catch
/// point inside raises again until the scope is left, and an await that does
/// not catch is dropped; cleanup that must await runs in an inner scope with
/// [`shield(true)`](Self::shield). A `timeout!`'s scope is edge-triggered
/// (asyncio): the body receives its cancellation once and may then await its
/// cleanup. A scope catches only its own cancellation: one from outside
/// passes through it.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let scope = aio::CancelScope::new();
///     let handle = scope.handle();
///     aio::create_task(async move {
///         aio::sleep(Duration::from_secs(2)).await;
///         handle.cancel(); // from another task (or thread)
///     })
///     .detach();
///     let outcome = scope.run(aio::sleep(Duration::from_secs(60))).await;
///     assert_eq!(outcome, None);
///     assert!(scope.cancel_called());
///     assert_eq!(aio::get_running_loop().time(), 2.0);
/// });
/// ```
pub struct CancelScope {
    pub(crate) state: CancelState,
    /// The deadline on the loop's clock, if any.
    pub(crate) deadline: Cell<Option<Instant>>,
    /// Where the scope was made (a `timeout!`'s location, for reasons).
    location: &'static Location<'static>,
    grace: Cell<Option<Duration>>,
    /// `cancel()` was called on the scope itself.
    cancel_called: Cell<Option<&'static Location<'static>>>,
    /// The deadline expired and the scope's body was cancelled for it.
    expired: Cell<bool>,
    /// The task running the scope, woken when the scope is changed.
    waker: RefCell<Option<Waker>>,
    /// The part other tasks and threads reach, made by `handle()`.
    shared: OnceLock<Arc<Shared>>,
}

impl CancelScope {
    /// A scope with no deadline, not cancelled and not shielded.
    ///
    /// ```
    /// aio::run(async {
    ///     let scope = aio::CancelScope::new();
    ///     assert_eq!(scope.run(async { 5 }).await, Some(5));
    /// });
    /// ```
    #[track_caller]
    pub fn new() -> Self {
        Self::make(Location::caller(), false, None)
    }

    pub(crate) fn make(
        location: &'static Location<'static>,
        timeout: bool,
        deadline: Option<Instant>,
    ) -> Self {
        Self::with_state(location, Self::new_state(timeout), deadline)
    }

    /// The state of a scope: edge-triggered for a timeout (asyncio),
    /// level-triggered otherwise (Trio).
    pub(crate) fn new_state(timeout: bool) -> CancelState {
        if timeout {
            CancelState::default()
        } else {
            CancelState::level()
        }
    }

    /// A scope around a state its body already ran in (a function form's
    /// scope, made whole when its body first suspends).
    pub(crate) fn with_state(
        location: &'static Location<'static>,
        state: CancelState,
        deadline: Option<Instant>,
    ) -> Self {
        CancelScope {
            state,
            deadline: Cell::new(deadline),
            location,
            grace: Cell::new(None),
            cancel_called: Cell::new(None),
            expired: Cell::new(false),
            waker: RefCell::new(None),
            shared: OnceLock::new(),
        }
    }

    /// The scope of a `timeout!` whose deadline is `delay` from now on the
    /// loop's clock (`Duration::MAX`: none).
    #[doc(hidden)]
    #[track_caller]
    pub fn __timeout(delay: Duration) -> Self {
        let location = Location::caller();
        let deadline = deadline_after(crate::time::now(), delay);
        Self::make(location, true, deadline)
    }

    /// Sets a deadline on the loop's clock; builder form of
    /// [`reschedule`](Self::reschedule).
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let scope = aio::CancelScope::new().with_deadline(aio::now() + Duration::from_secs(1));
    ///     assert_eq!(scope.run(aio::sleep(Duration::from_secs(5))).await, None);
    /// });
    /// ```
    pub fn with_deadline(self, deadline: Instant) -> Self {
        self.deadline.set(Some(deadline));
        self
    }

    /// Sets the bound on the cleanup of the scope's own cancellation: a
    /// catcher inside that is still cleaning up `grace` after the
    /// cancellation is dropped for good.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let scope = aio::CancelScope::new().with_grace(Duration::from_secs(1));
    ///     let outcome = scope
    ///         .run(async {
    ///             let work = async {
    ///                 aio::sleep(Duration::from_secs(2)).await;
    ///                 scope.cancel();
    ///                 aio::sleep(Duration::from_secs(5)).await;
    ///             };
    ///             let _ = aio::catch_cancel(work).await;
    ///             // Shielded cleanup that would take too long.
    ///             let cleanup = aio::CancelScope::new();
    ///             cleanup.shield(true);
    ///             cleanup.run(aio::sleep(Duration::from_secs(60))).await;
    ///         })
    ///         .await;
    ///     assert_eq!(outcome, None);
    ///     assert_eq!(aio::get_running_loop().time(), 3.0);
    /// });
    /// ```
    pub fn with_grace(self, grace: Duration) -> Self {
        self.grace.set(Some(grace));
        self
    }

    /// Cancels the scope: what runs inside is cancelled (its catch points
    /// receive the cancellation; awaits that do not catch are dropped), and
    /// the scope ends with `None` (`Err(Elapsed)` for a `timeout!`'s scope is
    /// kept for its deadline; `cancel()` ends a `timeout!` the same way).
    /// Idempotent; may be called before the scope is entered.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let scope = aio::CancelScope::new();
    ///     let outcome = scope
    ///         .run(async {
    ///             aio::sleep(Duration::from_secs(1)).await;
    ///             scope.cancel(); // give up on the rest
    ///             aio::sleep(Duration::from_secs(60)).await;
    ///         })
    ///         .await;
    ///     assert_eq!(outcome, None);
    ///     assert_eq!(aio::get_running_loop().time(), 1.0);
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) {
        if self.cancel_called.get().is_none() {
            self.cancel_called.set(Some(Location::caller()));
        }
        self.wake();
    }

    /// Shields the scope (or not): cancellations from outside do not reach
    /// inside until it is unshielded; its own still do.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let saved = aio::timeout!(Duration::from_secs(1), {
    ///         let save = aio::CancelScope::new();
    ///         save.shield(true); // the timeout must not cut the save short
    ///         save.run(aio::sleep(Duration::from_secs(3))).await
    ///     });
    ///     assert_eq!(saved, Ok(Some(()))); // the save ran to its end
    ///     assert_eq!(aio::get_running_loop().time(), 3.0);
    /// });
    /// ```
    pub fn shield(&self, shield: bool) {
        self.state.set_shielded(shield);
        with_current(|core| {
            crate::cancel::CancelRegistry::of(core)
                .tree
                .borrow_mut()
                .set_shield(self.state.key.get(), shield)
        });
        self.wake();
    }

    /// True while shielded.
    ///
    /// ```
    /// let scope = aio::CancelScope::new();
    /// assert!(!scope.is_shielded());
    /// scope.shield(true);
    /// assert!(scope.is_shielded());
    /// ```
    pub fn is_shielded(&self) -> bool {
        self.state.is_shielded()
    }

    /// True once `cancel()` was called, on the scope or a handle of it, or
    /// its deadline passed.
    ///
    /// ```
    /// aio::run(async {
    ///     let scope = aio::CancelScope::new();
    ///     assert!(!scope.cancel_called());
    ///     scope.cancel();
    ///     assert!(scope.cancel_called());
    ///     assert_eq!(scope.run(async { 1 }).await, None); // cancelled before it ran
    /// });
    /// ```
    pub fn cancel_called(&self) -> bool {
        self.cancel_called.get().is_some()
            || self.expired.get()
            || self
                .shared
                .get()
                .is_some_and(|s| s.cancelled.load(Ordering::Acquire))
    }

    /// The deadline on the loop's clock; `None`: none.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     assert_eq!(aio::CancelScope::new().deadline(), None);
    ///     let at = aio::now() + Duration::from_secs(5);
    ///     assert_eq!(aio::CancelScope::new().with_deadline(at).deadline(), Some(at));
    /// });
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.get()
    }

    /// Moves the deadline, earlier or later, or removes it with `None`
    /// (asyncio's `Timeout.reschedule`). A deadline already past cancels the
    /// scope at its body's next suspension.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let scope = aio::CancelScope::new().with_deadline(aio::now() + Duration::from_secs(1));
    ///     let outcome = scope
    ///         .run(async {
    ///             scope.reschedule(None); // no deadline after all
    ///             aio::sleep(Duration::from_secs(10)).await;
    ///             "finished"
    ///         })
    ///         .await;
    ///     assert_eq!(outcome, Some("finished"));
    /// });
    /// ```
    pub fn reschedule(&self, deadline: impl Into<Option<Instant>>) {
        self.deadline.set(deadline.into());
        self.wake();
    }

    /// True once the deadline passed and the body was cancelled for it.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let scope = aio::CancelScope::new().with_deadline(aio::now() + Duration::from_secs(1));
    ///     assert_eq!(scope.run(aio::sleep(Duration::from_secs(5))).await, None);
    ///     assert!(scope.expired()); // the deadline, not `cancel()`, ended it
    /// });
    /// ```
    pub fn expired(&self) -> bool {
        self.expired.get()
    }

    /// A handle that cancels this scope from anywhere: another task, or
    /// another thread (it is `Send + Sync + 'static`), the cancellation-token
    /// pattern.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let scope = aio::CancelScope::new();
    ///     let stop = scope.handle();
    ///     aio::create_task(async move {
    ///         aio::sleep(Duration::from_secs(2)).await;
    ///         stop.cancel();
    ///     })
    ///     .detach();
    ///     assert_eq!(scope.run(aio::sleep(Duration::from_secs(60))).await, None);
    ///     assert_eq!(aio::get_running_loop().time(), 2.0);
    /// });
    /// ```
    pub fn handle(&self) -> CancelHandle {
        let shared = self.shared.get_or_init(|| {
            Arc::new(Shared {
                cancelled: AtomicBool::new(false),
                location: Mutex::new(None),
                waker: Mutex::new(self.waker.borrow().clone()),
            })
        });
        CancelHandle {
            shared: shared.clone(),
        }
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// Keeps the waker of the task running the scope.
    pub(crate) fn set_waker(&self, waker: &Waker) {
        let mut slot = self.waker.borrow_mut();
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
            if let Some(shared) = self.shared.get() {
                *lock(&shared.waker) = Some(waker.clone());
            }
        }
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        self.location
    }

    pub(crate) fn mark_expired(&self) {
        self.expired.set(true);
    }

    /// The scope's cancellation by `cancel()` or a handle's, if called.
    pub(crate) fn called_cancellation(&self) -> Option<Cancelled> {
        if let Some(location) = self.cancel_called.get() {
            return Some(Cancelled::new(CancelReason::ScopeCancelled { location }));
        }
        let shared = self.shared.get()?;
        if !shared.cancelled.load(Ordering::Acquire) {
            return None;
        }
        let location = lock(&shared.location).unwrap_or(self.location);
        Some(Cancelled::new(CancelReason::ScopeCancelled { location }))
    }

    /// The scope's own cancellation, if it has one now (called, through a
    /// handle, or by its deadline, checked against `now`).
    pub(crate) fn own_cancellation(&self, now: Instant) -> Option<Cancelled> {
        if let Some(called) = self.called_cancellation() {
            return Some(called);
        }
        match self.deadline.get() {
            Some(deadline) if deadline <= now => Some(Cancelled::new(CancelReason::Timeout {
                deadline,
                location: self.location,
            })),
            _ => None,
        }
    }

    pub(crate) fn grace(&self) -> Option<Duration> {
        self.grace.get()
    }
}

impl Default for CancelScope {
    #[track_caller]
    fn default() -> Self {
        Self::make(Location::caller(), false, None)
    }
}

impl fmt::Debug for CancelScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelScope")
            .field("deadline", &self.deadline())
            .field("cancel_called", &self.cancel_called())
            .field("shielded", &self.is_shielded())
            .finish()
    }
}
