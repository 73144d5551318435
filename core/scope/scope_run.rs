//! The future that runs a body inside a [`CancelScope`]: what
//! `cancel_scope!`, `CancelScope::run`, `timeout!` and the timeout functions
//! await.

use crate::cancel::{
    CancelRegistry, CancelState, Cancelled, CatcherSlot, enter_with_deadline, find_scope_deadline,
};
use crate::runtime::{LoopCore, expect_current, with_current};
use crate::scope::cancel_scope::CancelScope;
use crate::time::{Sleep, deadline_after, sleep_until};
use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The scope a run uses: its own, or one the caller holds.
pub(crate) enum ScopeHold<'s> {
    /// A function form's own scope (`timeout`, `move_on_after`), not made
    /// yet: a body that finishes in its first poll never needs more than its
    /// state, and that only while it runs.
    Fresh(FreshScope),
    Owned(CancelScope),
    Borrowed(&'s CancelScope),
}

/// What a function form's scope is made of, until its body suspends.
pub(crate) struct FreshScope {
    pub(crate) location: &'static Location<'static>,
    /// A timeout (edge-triggered) rather than `move_on_*` (level-triggered).
    pub(crate) timeout: bool,
    pub(crate) deadline: FreshDeadline,
}

/// A fresh scope's deadline, as given.
#[derive(Clone, Copy)]
pub(crate) enum FreshDeadline {
    /// This long after the loop's time when the body first runs.
    After(Duration),
    At(Instant),
}

impl FreshScope {
    /// The scope's deadline, counted from the loop's time in the entry
    /// being run.
    fn deadline(&self, core: &LoopCore) -> Option<Instant> {
        match self.deadline {
            FreshDeadline::After(delay) => deadline_after(core.poll_now(), delay),
            FreshDeadline::At(deadline) => Some(deadline),
        }
    }
}

/// The future of [`CancelScope::run`] and `cancel_scope!`: the body's value,
/// or `None` if the scope's own cancellation ended it.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let run: aio::ScopeRun<'static, _> = aio::move_on_after(Duration::from_secs(1), async {
///         aio::sleep(Duration::from_secs(5)).await;
///     });
///     assert_eq!(run.await, None); // gave up quietly at the deadline
/// });
/// ```
#[must_use = "a cancel scope does nothing unless awaited"]
pub struct ScopeRun<'s, F> {
    scope: ScopeHold<'s>,
    body: Option<F>,
    /// Wakes the task at the deadline.
    sleep: Option<Sleep>,
    /// While the scope is shielded it counts as a catch point of the scopes
    /// around it: they must let it run rather than drop it.
    shield: CatcherSlot,
}

impl<'s, F> ScopeRun<'s, F> {
    pub(crate) fn new(scope: ScopeHold<'s>, body: F) -> Self {
        ScopeRun {
            scope,
            body: Some(body),
            sleep: None,
            shield: CatcherSlot::default(),
        }
    }

    /// The scope, once made (always, after a `Ready(None)`).
    pub(crate) fn scope(&self) -> Option<&CancelScope> {
        self.scope.made()
    }
}

impl ScopeHold<'_> {
    fn made(&self) -> Option<&CancelScope> {
        match self {
            ScopeHold::Fresh(_) => None,
            ScopeHold::Owned(scope) => Some(scope),
            ScopeHold::Borrowed(scope) => Some(scope),
        }
    }
}

impl CancelScope {
    /// Runs `future` inside the scope: `Some(value)` if it finished, `None`
    /// if the scope's own cancellation (its `cancel()`, a handle's, or its
    /// deadline) ended it. A cancellation from outside passes through.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let scope = aio::CancelScope::new();
    ///     let outcome = scope
    ///         .run(async {
    ///             aio::sleep(Duration::from_secs(1)).await;
    ///             scope.cancel();
    ///             aio::sleep(Duration::from_secs(1)).await; // dropped here
    ///             "unreached"
    ///         })
    ///         .await;
    ///     assert_eq!(outcome, None);
    /// });
    /// ```
    pub fn run<F: IntoFuture>(&self, future: F) -> ScopeRun<'_, F::IntoFuture> {
        ScopeRun::new(ScopeHold::Borrowed(self), future.into_future())
    }
}

/// True when a scope around the code being polled (outside the one asking)
/// is cancelled or past its deadline, not behind a shield: an inner scope
/// whose deadline passed at the same time lets the outer one report it.
fn outer_cancelled(core: &LoopCore, now: Instant) -> bool {
    let found = find_scope_deadline(core, |state, deadline| {
        if state.is_requested() || deadline.is_some_and(|d| d <= now) {
            return Some(true);
        }
        state.is_shielded().then_some(false)
    });
    match found {
        Some(cancelled) => cancelled,
        None => core
            .current_task_meta()
            // SAFETY: the metadata of the task being polled lives while its
            // poll does, and this runs inside it.
            .is_some_and(|(meta, _)| unsafe { meta.as_ref() }.cancel_requested()),
    }
}

/// Records the scope's own cancellation and wakes the catch points inside.
fn request(core: &LoopCore, scope: &CancelScope, cancelled: Cancelled) {
    let grace_until = scope
        .grace()
        .and_then(|g| crate::time::deadline_after(core.now(), g));
    if matches!(cancelled.reason(), crate::CancelReason::Timeout { .. }) {
        scope.mark_expired();
    }
    scope.state.request(cancelled, grace_until);
    CancelRegistry::of(core).wake_catchers(&scope.state);
}

/// True when the body must be dropped now, with the scope ending cancelled.
fn must_end(core: &LoopCore, state: &CancelState, waker: &std::task::Waker) -> bool {
    state.ends_now(core, |key| CancelRegistry::of(core).catchers(key), waker)
}

/// A shielded scope is recorded as a catch point (whose record is the
/// scope's own, so that what runs inside nests under it), and leaves when
/// unshielded.
fn hold_shield(
    core: &LoopCore,
    scope: &CancelScope,
    slot: &mut CatcherSlot,
    waker: &std::task::Waker,
) {
    let registry = CancelRegistry::of(core);
    if scope.is_shielded() {
        if !slot.is_registered() {
            let plain = scope.state.key.replace(crate::cancel::ScopeKey::NONE);
            registry.remove(plain);
        }
        slot.wait(core, &registry, waker);
        scope.state.key.set(slot.key());
        registry.tree.borrow_mut().set_shield(slot.key(), true);
    } else if slot.is_registered() {
        slot.release(&registry);
        scope.state.key.set(crate::cancel::ScopeKey::NONE);
    }
}

/// The scope's record (a shield's catch point too) and timer go when its
/// run ends.
fn finish(core: &LoopCore, state: &CancelState) {
    state.disarm(core);
    let key = state.key.replace(crate::cancel::ScopeKey::NONE);
    if !key.is_none() {
        CancelRegistry::of(core).remove(key);
    }
}

impl<F: Future> Future for ScopeRun<'_, F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Sound: `body` is structurally pinned (polled and dropped in place,
        // never moved out); `scope` and `sleep` are not pinned (`Sleep` is
        // Unpin, and the scope's state is only reached by address during a
        // poll, while the run cannot move).
        // SAFETY: as argued in the comment just above.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: the `Option` holding the body is never moved.
        let mut body = unsafe { Pin::new_unchecked(&mut this.body) };
        expect_current("a cancel scope (cancel_scope!, timeout!)", |core| {
            if let ScopeHold::Fresh(fresh) = &this.scope {
                // First poll of a function form's scope: nothing can have
                // cancelled it yet, so the body runs in a bare state, and the
                // scope is made only if the body suspends.
                let state = CancelScope::new_state(fresh.timeout);
                let deadline = Cell::new(fresh.deadline(core));
                let Some(running) = body.as_mut().as_pin_mut() else {
                    panic!("a cancel scope was polled after it completed; await it once");
                };
                let polled = enter_with_deadline(core, &state, &deadline, || running.poll(cx));
                if let Poll::Ready(value) = polled {
                    body.set(None);
                    finish(core, &state);
                    return Poll::Ready(Some(value));
                }
                let location = fresh.location;
                this.scope =
                    ScopeHold::Owned(CancelScope::with_state(location, state, deadline.get()));
                let scope = this.scope.made().expect("made just above");
                return suspended(core, scope, &mut this.sleep, body, cx);
            }
            let scope = this.scope.made().expect("a fresh scope is handled above");
            let state = &scope.state;
            if scope.is_shielded() || this.shield.is_registered() {
                hold_shield(core, scope, &mut this.shield, cx.waker());
            }
            // A cancel() or a handle's cancel since the last poll.
            if !state.is_requested() {
                if let Some(cancelled) = scope.called_cancellation() {
                    request(core, scope, cancelled);
                }
            }
            if must_end(core, state, cx.waker()) {
                body.set(None);
                finish(core, state);
                return Poll::Ready(None);
            }
            let Some(running) = body.as_mut().as_pin_mut() else {
                panic!("a cancel scope was polled after it completed; await it once");
            };
            // The body goes first: finishing on the deadline's tick counts.
            let polled = enter_with_deadline(core, state, &scope.deadline, || running.poll(cx));
            if let Poll::Ready(value) = polled {
                body.set(None);
                finish(core, state);
                return Poll::Ready(Some(value));
            }
            suspended(core, scope, &mut this.sleep, body, cx)
        })
    }
}

/// After the body suspended: the scope's own cancellation if it came (its
/// deadline passed), and the timer that wakes the task at the deadline.
fn suspended<F: Future>(
    core: &LoopCore,
    scope: &CancelScope,
    sleep: &mut Option<Sleep>,
    mut body: Pin<&mut Option<F>>,
    cx: &mut Context<'_>,
) -> Poll<Option<F::Output>> {
    let state = &scope.state;
    scope.set_waker(cx.waker());
    // The time this poll of the task started with: a deadline passed since
    // is seen at the next poll, which its timer brings.
    let now = core.poll_now();
    if !state.is_requested() {
        if let Some(cancelled) = scope.own_cancellation(now) {
            let by_deadline = matches!(cancelled.reason(), crate::CancelReason::Timeout { .. });
            if !(by_deadline && outer_cancelled(core, now)) {
                request(core, scope, cancelled);
            }
        }
    }
    if must_end(core, state, cx.waker()) {
        body.set(None);
        finish(core, state);
        return Poll::Ready(None);
    }
    match scope.deadline.get() {
        // Passed, and left for an outer scope to report.
        Some(deadline) if deadline <= now => *sleep = None,
        Some(deadline) if !state.is_requested() => {
            let sleep = match sleep {
                Some(sleep) if sleep.deadline() == Some(deadline) => sleep,
                Some(sleep) => {
                    sleep.reset(deadline);
                    sleep
                }
                None => sleep.insert(sleep_until(deadline)),
            };
            if Pin::new(sleep).poll(cx).is_ready() {
                // Passed while polling: look again at once.
                cx.waker().wake_by_ref();
            }
        }
        _ => *sleep = None,
    }
    Poll::Pending
}

impl<F> Drop for ScopeRun<'_, F> {
    fn drop(&mut self) {
        // Cancelled from outside: the body's cleanup runs first.
        self.body = None;
        // A fresh scope has nothing recorded anywhere.
        if let Some(scope) = self.scope() {
            let state = &scope.state;
            with_current(|core| finish(core, state));
        }
    }
}

/// The nearest deadline of the scopes around the caller (Trio's
/// `current_effective_deadline`), to hand on to blocking calls; `None` when
/// no scope around has one. A scope already cancelled counts as "now".
/// Scopes outside a shielded one do not count.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     assert_eq!(aio::current_effective_deadline(), None);
///     let start = aio::now();
///     let _ = aio::timeout!(Duration::from_secs(5), {
///         aio::timeout!(Duration::from_secs(9), {
///             assert_eq!(aio::current_effective_deadline(), Some(start + Duration::from_secs(5)));
///         })
///     });
/// });
/// ```
pub fn current_effective_deadline() -> Option<Instant> {
    with_current(|core| {
        let mut nearest: Option<Instant> = None;
        let now = core.now();
        find_scope_deadline(core, |state, deadline| {
            let deadline = if state.is_requested() {
                Some(now)
            } else {
                deadline
            };
            if let Some(d) = deadline {
                nearest = Some(nearest.map_or(d, |n| n.min(d)));
            }
            state.is_shielded().then_some(())
        });
        nearest
    })
    .flatten()
}
