//! Timeouts: asyncio's `async with timeout(d)`, `wait_for`, and Trio's
//! `move_on_after`, all a [`CancelScope`] with a deadline around a body.

use crate::runtime::with_current;
use crate::scope::cancel_scope::CancelScope;
use crate::scope::scope_run::{FreshDeadline, FreshScope, ScopeHold, ScopeRun};
use crate::time::now;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The error of a timeout whose deadline passed before its body finished.
/// The body was cancelled (dropped, or its cancellation caught and passed
/// on), and its cleanup has run.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let err = aio::timeout(Duration::from_secs(2), aio::sleep(Duration::from_secs(9)))
///         .await
///         .unwrap_err();
///     assert_eq!(err.deadline() - aio::now(), Duration::ZERO);
///     assert!(err.to_string().contains("2.000 s on the loop's clock"), "{err}");
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    deadline: Instant,
    /// The deadline in seconds on the loop's clock (`loop.time()`).
    loop_time: Option<u64>,
    location: &'static Location<'static>,
}

impl Elapsed {
    pub(crate) fn new(deadline: Instant, location: &'static Location<'static>) -> Self {
        let loop_time = with_current(|core| core.clock.seconds_at(deadline))
            .map(|secs| (secs * 1e9).round() as u64);
        Elapsed {
            deadline,
            loop_time,
            location,
        }
    }

    /// The deadline that expired: with nested timeouts, tells which one it was.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let outer = aio::now() + Duration::from_secs(10);
    ///     let result = aio::timeout_at(outer, async {
    ///         aio::timeout!(Duration::from_secs(1), aio::sleep(Duration::from_secs(60)).await)
    ///     })
    ///     .await;
    ///     // The outer timeout did not expire; the inner one did.
    ///     let inner = result.unwrap().unwrap_err();
    ///     assert_ne!(inner.deadline(), outer);
    ///     assert_eq!(inner.deadline(), aio::now());
    /// });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Where the timeout was made (the `timeout!`, `timeout(..)` or
    /// `wait_for(..)` call).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::wait_for(std::future::pending::<()>(), std::time::Duration::from_secs(1))
    ///         .await
    ///         .unwrap_err();
    ///     assert_eq!(err.location().line(), line!() - 3); // the `wait_for` call
    /// });
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the deadline of the timeout at {}", self.location)?;
        if let Some(nanos) = self.loop_time {
            write!(f, " ({:.3} s on the loop's clock)", nanos as f64 / 1e9)?;
        }
        f.write_str(" passed before the work finished")
    }
}

impl std::error::Error for Elapsed {}

/// The deadline of a running [`timeout!`](macro@crate::timeout): the same
/// type as a [`CancelScope`] (read and move the deadline with
/// [`deadline`](CancelScope::deadline) and
/// [`reschedule`](CancelScope::reschedule)).
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let start = aio::now();
///     let out = aio::timeout!(Duration::from_secs(3), |scope| {
///         let scope: &aio::TimeoutScope = scope;
///         assert_eq!(scope.deadline(), Some(start + Duration::from_secs(3)));
///         scope.reschedule(aio::now() + Duration::from_secs(1)); // tighter
///         aio::sleep(Duration::from_secs(2)).await;
///     });
///     assert_eq!(out.unwrap_err().deadline(), start + Duration::from_secs(1));
/// });
/// ```
pub type TimeoutScope = CancelScope;

/// The future of [`timeout`], [`timeout_at`], [`wait_for`] and `timeout!`.
/// Its output is `Result<T, Elapsed>`.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let fut: aio::Timeout<'static, _> = aio::timeout(Duration::from_secs(1), async { 5 });
///     assert_eq!(fut.await, Ok(5));
/// });
/// ```
#[must_use = "a timeout does nothing unless awaited"]
pub struct Timeout<'s, F> {
    run: ScopeRun<'s, F>,
}

impl<F: Future> Future for Timeout<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `run` is structurally pinned: it is only polled in place.
        let mut run = unsafe { self.map_unchecked_mut(|t| &mut t.run) };
        match run.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(value)) => Poll::Ready(Ok(value)),
            Poll::Ready(None) => {
                let scope = run.as_ref().get_ref().scope();
                let scope = scope.expect("a scope that ended cancelled was made");
                let deadline = scope.deadline().unwrap_or_else(now);
                Poll::Ready(Err(Elapsed::new(deadline, scope.location())))
            }
        }
    }
}

fn timeout_scope<'s, F>(scope: ScopeHold<'s>, future: F) -> Timeout<'s, F> {
    Timeout {
        run: ScopeRun::new(scope, future),
    }
}

/// A function form's scope: made whole only if its body suspends.
fn fresh(
    location: &'static Location<'static>,
    timeout: bool,
    deadline: FreshDeadline,
) -> ScopeHold<'static> {
    ScopeHold::Fresh(FreshScope {
        location,
        timeout,
        deadline,
    })
}

/// Runs `future` until it finishes or `delay` passes, then cancels it:
/// asyncio's `async with timeout(delay)`. The function form of
/// [`timeout!`](macro@crate::timeout). `Duration::MAX` means no deadline.
///
/// The cancellation is delivered once (asyncio): a catch point inside may
/// await its cleanup and then pass it on (`Err(Elapsed)`) or suppress it
/// (`Ok(value)`). A deadline already passed interrupts the body at its first
/// suspension. A [`Task`](crate::Task) awaited inside is cancelled with it,
/// and its cleanup has run before `Err(Elapsed)` is returned.
///
/// The deadline counts from the loop's time when the timeout is first
/// polled, as last read while the task runs: the clock is read at most once
/// per poll of a task (the first task of a loop's turn uses the reading the
/// loop fired its timers with), or again by [`now`](crate::now).
/// Cancel-safe: dropping the timeout drops `future`. Panics, when polled, if
/// no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let slow = aio::timeout(Duration::from_secs(1), aio::sleep(Duration::from_secs(10)));
///     assert!(slow.await.is_err());
/// });
/// ```
#[track_caller]
pub fn timeout<F: IntoFuture>(delay: Duration, future: F) -> Timeout<'static, F::IntoFuture> {
    let location = Location::caller();
    timeout_scope(
        fresh(location, true, FreshDeadline::After(delay)),
        future.into_future(),
    )
}

/// Like [`timeout`], with an absolute deadline on the loop's clock.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let at = aio::now() + Duration::from_secs(1);
///     assert!(aio::timeout_at(at, aio::sleep(Duration::from_secs(5))).await.is_err());
/// });
/// ```
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<'static, F::IntoFuture> {
    let location = Location::caller();
    timeout_scope(
        fresh(location, true, FreshDeadline::At(deadline)),
        future.into_future(),
    )
}

/// asyncio's `wait_for(aw, timeout)`: [`timeout`] with the arguments the
/// other way round.
///
/// Unlike asyncio, a future that has not started is polled once even when
/// the deadline has already passed (Rust cannot tell a finished `Task` from
/// a fresh future without polling it; a finished task's result is returned,
/// a fresh future runs to its first suspension and is then cancelled).
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let task = aio::create_task(async { 7 });
///     aio::yield_now().await;
///     assert_eq!(aio::wait_for(task, Duration::ZERO).await.unwrap().unwrap(), 7);
/// });
/// ```
#[track_caller]
pub fn wait_for<F: IntoFuture>(future: F, delay: Duration) -> Timeout<'static, F::IntoFuture> {
    timeout(delay, future)
}

/// Trio's `move_on_after`: runs `future` for at most `delay`; `None` if the
/// deadline passed first (the future was cancelled). Level-triggered, as
/// Trio's cancel scopes: every catch point inside raises until the scope is
/// left.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     assert_eq!(aio::move_on_after(Duration::from_secs(1), async { 5 }).await, Some(5));
///     assert_eq!(aio::move_on_after(Duration::ZERO, aio::sleep(Duration::ZERO)).await, None);
/// });
/// ```
#[track_caller]
pub fn move_on_after<F: IntoFuture>(
    delay: Duration,
    future: F,
) -> ScopeRun<'static, F::IntoFuture> {
    let location = Location::caller();
    ScopeRun::new(
        fresh(location, false, FreshDeadline::After(delay)),
        future.into_future(),
    )
}

/// Like [`move_on_after`], with an absolute deadline.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let at = aio::now() + Duration::from_secs(1);
///     assert_eq!(aio::move_on_at(at, aio::sleep(Duration::from_secs(5))).await, None);
/// });
/// ```
#[track_caller]
pub fn move_on_at<F: IntoFuture>(deadline: Instant, future: F) -> ScopeRun<'static, F::IntoFuture> {
    let location = Location::caller();
    ScopeRun::new(
        fresh(location, false, FreshDeadline::At(deadline)),
        future.into_future(),
    )
}

/// Runs a body under a scope the body can see; what `timeout!(d, |scope| ..)`
/// expands to.
#[doc(hidden)]
pub fn __with_scope<F: Future>(scope: &CancelScope, body: F) -> Timeout<'_, F> {
    timeout_scope(ScopeHold::Borrowed(scope), body)
}

/// What `timeout!` (and the `grace` of `task_group!`, `cancel_scope!`)
/// accepts as a duration: a [`Duration`], so that a bare number is an
/// error that names the fix rather than a guess at its unit.
///
/// ```
/// use aio::TimeoutDuration;
/// use std::time::Duration;
/// assert_eq!(Duration::from_millis(250).into_duration(), Duration::from_millis(250));
/// ```
#[diagnostic::on_unimplemented(
    message = "expected a `std::time::Duration`, not `{Self}`",
    label = "expected a `Duration` here",
    note = "write e.g. `Duration::from_secs(5)` or `Duration::from_millis(250)`"
)]
pub trait TimeoutDuration {
    /// The duration.
    ///
    /// ```
    /// use aio::TimeoutDuration;
    /// let d = std::time::Duration::from_secs(2);
    /// assert_eq!(d.into_duration().as_secs(), 2);
    /// ```
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
