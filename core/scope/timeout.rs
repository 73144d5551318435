//! Timeouts: asyncio's `async with timeout(d)`, `wait_for`, and Trio's
//! `move_on_after`.

use crate::time::{now, sleep_until, Sleep};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The error of a timeout whose deadline passed before its body finished.
/// The body was cancelled (dropped, its cleanup run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    deadline: Instant,
}

impl Elapsed {
    pub(crate) fn at(deadline: Instant) -> Self {
        Elapsed { deadline }
    }

    /// The deadline that expired: with nested timeouts, tells which one it was.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the deadline elapsed before the work finished")
    }
}

impl std::error::Error for Elapsed {}

/// The deadline of a running [`timeout!`](macro@crate::scope::timeout), which its body can
/// read and move (asyncio's `Timeout.when()` and `reschedule()`).
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// let outcome = runner.run(async {
///     aio::timeout!(Duration::from_secs(1), |scope| {
///         // Needs longer than planned: push the deadline back.
///         scope.reschedule(scope.deadline() + Duration::from_secs(5));
///         aio::sleep(Duration::from_secs(3)).await;
///         "finished"
///     })
/// });
/// assert_eq!(outcome, Ok("finished"));
/// ```
pub struct TimeoutScope {
    deadline: Cell<Instant>,
    expired: Cell<bool>,
    /// The task running the timeout, woken when the deadline moves.
    waker: RefCell<Option<Waker>>,
}

impl TimeoutScope {
    /// A scope whose deadline is `delay` from now on the loop's clock.
    /// Panics when no loop runs on this thread.
    pub fn after(delay: Duration) -> Self {
        Self::at(now() + delay)
    }

    /// A scope with an absolute deadline on the loop's clock.
    pub fn at(deadline: Instant) -> Self {
        TimeoutScope {
            deadline: Cell::new(deadline),
            expired: Cell::new(false),
            waker: RefCell::new(None),
        }
    }

    /// The current deadline.
    pub fn deadline(&self) -> Instant {
        self.deadline.get()
    }

    /// Moves the deadline, earlier or later; a deadline already past expires
    /// the timeout at the loop's next turn.
    pub fn reschedule(&self, deadline: Instant) {
        self.deadline.set(deadline);
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
    }

    /// True once the deadline expired and the body was cancelled.
    pub fn expired(&self) -> bool {
        self.expired.get()
    }
}

impl fmt::Debug for TimeoutScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutScope")
            .field("deadline", &self.deadline.get())
            .field("expired", &self.expired.get())
            .finish()
    }
}

enum ScopeRef<'s> {
    Owned(TimeoutScope),
    Borrowed(&'s TimeoutScope),
}

impl ScopeRef<'_> {
    fn get(&self) -> &TimeoutScope {
        match self {
            ScopeRef::Owned(scope) => scope,
            ScopeRef::Borrowed(scope) => scope,
        }
    }
}

/// The future of [`timeout`], [`timeout_at`], [`wait_for`] and `timeout!`.
#[must_use = "a timeout does nothing unless awaited"]
pub struct Timeout<'s, F> {
    scope: ScopeRef<'s>,
    body: Option<F>,
    sleep: Option<Sleep>,
}

impl<F: Future> Future for Timeout<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `body` is structurally pinned (polled and dropped in place,
        // never moved out); `scope` and `sleep` are not pinned (`Sleep` is Unpin).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: the `Option` holding the body is never moved.
        let mut body = unsafe { Pin::new_unchecked(&mut this.body) };
        let Some(running) = body.as_mut().as_pin_mut() else {
            panic!("a timeout was polled after it completed; await it once");
        };
        // The body goes first: finishing on the deadline's tick still counts.
        if let Poll::Ready(value) = running.poll(cx) {
            body.set(None);
            return Poll::Ready(Ok(value));
        }
        let scope = this.scope.get();
        let deadline = scope.deadline();
        match &mut this.sleep {
            Some(sleep) if sleep.deadline() != Some(deadline) => sleep.reset(deadline),
            Some(_) => {}
            None => this.sleep = Some(sleep_until(deadline)),
        }
        {
            let mut waker = scope.waker.borrow_mut();
            if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *waker = Some(cx.waker().clone());
            }
        }
        let sleep = this.sleep.as_mut().expect("set above");
        if Pin::new(sleep).poll(cx).is_ready() {
            body.set(None);
            scope.expired.set(true);
            return Poll::Ready(Err(Elapsed { deadline }));
        }
        Poll::Pending
    }
}

/// Runs `future` until it finishes or `delay` passes, then cancels it:
/// asyncio's `async with timeout(delay)`. The function form of
/// [`timeout!`](macro@crate::scope::timeout).
///
/// Panics when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let slow = aio::timeout(Duration::from_secs(1), aio::sleep(Duration::from_secs(10)));
///     assert!(slow.await.is_err());
/// });
/// ```
pub fn timeout<F: Future>(delay: Duration, future: F) -> Timeout<'static, F> {
    timeout_at(now() + delay, future)
}

/// Like [`timeout`], with an absolute deadline on the loop's clock.
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<'static, F> {
    Timeout {
        scope: ScopeRef::Owned(TimeoutScope::at(deadline)),
        body: Some(future),
        sleep: None,
    }
}

/// asyncio's `wait_for(aw, timeout)`: [`timeout`] with the arguments the
/// other way round.
pub fn wait_for<F: Future>(future: F, delay: Duration) -> Timeout<'static, F> {
    timeout(delay, future)
}

/// Trio's `move_on_after`: runs `future` for at most `delay`; `None` if the
/// deadline passed first (the future was cancelled).
pub async fn move_on_after<F: Future>(delay: Duration, future: F) -> Option<F::Output> {
    timeout(delay, future).await.ok()
}

/// Like [`move_on_after`], with an absolute deadline.
pub async fn move_on_at<F: Future>(deadline: Instant, future: F) -> Option<F::Output> {
    timeout_at(deadline, future).await.ok()
}

/// Runs a body under a scope the body can see; what `timeout!(d, |scope| ..)`
/// expands to.
#[doc(hidden)]
pub fn __with_scope<F: Future>(scope: &TimeoutScope, body: F) -> Timeout<'_, F> {
    Timeout {
        scope: ScopeRef::Borrowed(scope),
        body: Some(body),
        sleep: None,
    }
}

/// What `timeout!` accepts as its duration.
#[diagnostic::on_unimplemented(
    message = "timeout! takes a `std::time::Duration`, not `{Self}`",
    label = "expected a `Duration` here",
    note = "write e.g. `Duration::from_secs(5)` or `Duration::from_millis(250)`"
)]
pub trait TimeoutDuration {
    /// The duration.
    fn into_duration(self) -> Duration;
}

impl TimeoutDuration for Duration {
    fn into_duration(self) -> Duration {
        self
    }
}

#[doc(hidden)]
pub fn __duration<D: TimeoutDuration>(duration: D) -> Duration {
    duration.into_duration()
}
