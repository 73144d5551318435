//! The future that runs a task group: its body and its children, until all
//! have ended; then the group's outcome.

use crate::cancel::{
    CancelReason, CancelRegistry, Cancelled, CatcherSlot, enter, reraise, take_catchable,
};
use crate::runtime::{LoopCore, Polling, Wait};
use crate::runtime::{begin_poll, end_poll, expect_current, note_wait, with_current};
use crate::scope::group::GroupState;
use crate::scope::group_error::{Failure, GroupError};
use crate::scope::task_group::{GroupAnchor, TaskGroup};
use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Marks the end of a group poll, also when something panics through it.
struct ClearPolling<'s, 'g>(&'s GroupState<'g>);

impl Drop for ClearPolling<'_, '_> {
    fn drop(&mut self) {
        self.0.polling.set(false);
    }
}

/// How a group ended, before it is turned into the macro's result. What
/// went wrong is boxed: this value passes through every frame of a poll.
struct Ended<T> {
    value: Option<T>,
    bad: Option<Box<Bad>>,
}

/// The failures, and `tg.cancel()`'s cancellation or one from outside that
/// came with failures.
struct Bad {
    failures: Vec<Failure>,
    cancelled: Option<Cancelled>,
}

impl Bad {
    /// Nothing failed and nothing cancelled the group.
    fn shutdown() -> Bad {
        Bad {
            failures: Vec::new(),
            cancelled: None,
        }
    }
}

/// The future that runs a group: its body and its children.
struct GroupRun<'a, 'g, B, T> {
    group: &'a TaskGroup<'g>,
    body: Option<B>,
    value: Option<T>,
    buf: Vec<usize>,
    /// The group is a catch point for cancellations from outside: it turns
    /// them into one cancellation of each child and of the body.
    catcher: CatcherSlot,
    outer: Option<Cancelled>,
    /// The group's stop was carried out (children and body cancelled).
    stopped: bool,
}

impl<'g, B, T> GroupRun<'_, 'g, B, T>
where
    B: Future<Output = Result<T, Failure>>,
{
    /// The body's field, pinned: it is structurally pinned (polled and
    /// dropped in place, never moved out).
    fn body(self: Pin<&mut Self>) -> (Pin<&mut Option<B>>, &mut Self) {
        // SAFETY: `body` is structurally pinned, as just said; the other
        // fields are not, and the caller only reaches them through the
        // second reference, never moving `body`.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let body = unsafe { Pin::new_unchecked(&mut *(&mut this.body as *mut Option<B>)) };
        (body, this)
    }

    /// Polls the body once (inside its own scope), recording its value or
    /// its failure.
    fn poll_body(
        body: Pin<&mut Option<B>>,
        value: &mut Option<T>,
        state: &GroupState<'g>,
        core: &LoopCore,
        cx: &mut Context<'_>,
    ) {
        let mut body = body;
        let Some(running) = body.as_mut().as_pin_mut() else {
            return;
        };
        // Groups opened in the body nest under this group.
        let node = core.inspect.enter(Polling::Body(&*state.node));
        let recording = core.inspect.recording();
        let outer = recording.then(begin_poll);
        let polled = enter(core, &state.body, || {
            catch_unwind(AssertUnwindSafe(|| running.poll(cx)))
        });
        if let Some(outer) = outer {
            let wait = end_poll(outer);
            let pending = matches!(polled, Ok(Poll::Pending));
            state
                .node
                .body_wait
                .set(if pending { wait } else { Wait::Unknown });
        }
        drop(node);
        match polled {
            Ok(Poll::Pending) => {
                let catchers = |key| CancelRegistry::of(core).catchers(key);
                if state.body.ends_now(core, catchers, cx.waker()) {
                    drop_body(body, state);
                }
            }
            Ok(Poll::Ready(output)) => {
                body.set(None);
                match output {
                    Ok(v) => *value = Some(v),
                    Err(failure) => body_failed(state, failure),
                }
            }
            Err(payload) => {
                body.set(None);
                body_failed(state, Failure::panicked("body".to_string(), payload));
            }
        }
    }
}

/// The body failed: a failure of the group, which stops (also a
/// supervising one: the body is the supervisor).
fn body_failed(state: &GroupState<'_>, failure: Failure) {
    state.fail(failure);
    if state.stopping.borrow().is_none() {
        *state.stopping.borrow_mut() = Some(Rc::new(Cancelled::new(CancelReason::SiblingFailed {
            child: "body".to_string(),
        })));
    }
}

/// Drops the body (cancelled); a panic in its cleanup is a failure.
fn drop_body<B>(mut body: Pin<&mut Option<B>>, state: &GroupState<'_>) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| body.set(None))) {
        state
            .failures
            .borrow_mut()
            .push(Failure::panicked("body (dropping it)".to_string(), payload));
    }
}

impl<'g, B, T> Future for GroupRun<'_, 'g, B, T>
where
    B: Future<Output = Result<T, Failure>>,
{
    type Output = Ended<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (body, this) = self.body();
        expect_current("task_group!", |core| this.poll_on(body, core, cx))
    }
}

// The poll is split so that only small frames sit on the path a nested
// group's poll goes down (`poll_on` → `poll_inside` → the children): the
// stack a level of nesting costs is what bounds how deep groups can nest.
impl<'g, B, T> GroupRun<'_, 'g, B, T>
where
    B: Future<Output = Result<T, Failure>>,
{
    fn poll_on(
        &mut self,
        mut body: Pin<&mut Option<B>>,
        core: &LoopCore,
        cx: &mut Context<'_>,
    ) -> Poll<Ended<T>> {
        self.before(core, cx);
        self.poll_inside(body.as_mut(), core);
        self.after(body, core, cx)
    }

    /// Registers the group as a catch point and takes a cancellation from
    /// outside, if one came.
    #[inline(never)]
    fn before(&mut self, core: &LoopCore, cx: &mut Context<'_>) {
        let state = &*self.group.state;
        let registry = CancelRegistry::of(core);
        state.ready.set_parent(cx.waker());
        self.catcher.wait(core, &registry, cx.waker());
        state.scope.key.set(self.catcher.key());
        if self.outer.is_none() {
            self.outer = take_catchable(core, &registry);
        }
    }

    /// Polls the body (if something woke it) and the children woken, inside
    /// the group's scope.
    fn poll_inside(&mut self, body: Pin<&mut Option<B>>, core: &LoopCore) {
        let state = &*self.group.state;
        state.polling.set(true);
        let _polled = ClearPolling(state);
        let (value, buf) = (&mut self.value, &mut self.buf);
        let body_due = state.body_due();
        enter(core, &state.scope, || {
            if body_due {
                let mut body_cx = Context::from_waker(&state.body_waker);
                Self::poll_body(body, value, state, core, &mut body_cx);
            }
            state.poll_ready(core, buf);
        });
    }

    /// Carries out a stop (a failure, `cancel()`, a cancellation from
    /// outside), and ends the group once the body and every child ended.
    #[inline(never)]
    fn after(
        &mut self,
        mut body: Pin<&mut Option<B>>,
        core: &LoopCore,
        cx: &mut Context<'_>,
    ) -> Poll<Ended<T>> {
        let state = &*self.group.state;
        let registry = CancelRegistry::of(core);
        if let Some(outer) = &self.outer {
            if state.stopping.borrow().is_none() {
                *state.stopping.borrow_mut() =
                    Some(Rc::new(Cancelled::new(CancelReason::ParentCancelled {
                        parent: std::sync::Arc::new(outer.reason().clone()),
                    })));
            }
        }
        let why = state.stopping.borrow().clone();
        if let (Some(why), false) = (why, self.stopped) {
            self.stopped = true;
            if body.is_some() {
                let grace_until = state
                    .grace
                    .and_then(|g| crate::time::deadline_after(core.now(), g));
                state.body.request(Rc::unwrap_or_clone(why), grace_until);
                if state
                    .body
                    .must_drop(registry.catchers(state.body.key.get()))
                {
                    drop_body(body.as_mut(), state);
                } else {
                    registry.wake_catchers(&state.body);
                }
            }
            state.cancel_children(core);
        }
        if state.stopping.borrow().is_none() && !state.fresh.borrow().is_empty() {
            // Children started by children: they run at the group's next poll.
            cx.waker().wake_by_ref();
        }
        if body.is_some() || state.live.get() > 0 {
            note_wait(Wait::Group(state.node.id));
            return Poll::Pending;
        }
        state.closed.set(true);
        self.catcher.release(&registry);
        state.scope.key.set(crate::cancel::ScopeKey::NONE);
        let failures = std::mem::take(&mut *state.failures.borrow_mut());
        if failures.is_empty() {
            if let Some(outer) = self.outer.take() {
                // Cancelled from outside and nothing failed: the group
                // passes the cancellation on.
                reraise(core, &registry, outer.origin);
                return Poll::Pending;
            }
        }
        // The error keeps a record of the cancellation from outside, not
        // the cancellation itself: the enclosing code was handed the
        // error, not asked to pass a cancellation on.
        let outer = self.outer.take().map(|c| c.record());
        let cancelled = outer.or_else(|| state.cancelled.borrow().clone());
        let bad = (!failures.is_empty() || cancelled.is_some()).then(|| {
            Box::new(Bad {
                failures,
                cancelled,
            })
        });
        Poll::Ready(Ended {
            value: self.value.take(),
            bad,
        })
    }
}

impl<B, T> Drop for GroupRun<'_, '_, B, T> {
    fn drop(&mut self) {
        // Dropped from outside (the parent task, a timeout): the body, then
        // every child, so all cleanup has run when this returns.
        let state = &self.group.state;
        let body = &mut self.body;
        let _ = catch_unwind(AssertUnwindSafe(|| *body = None));
        state.closed.set(true);
        state.drop_children();
        if self.catcher.is_registered() {
            with_current(|core| self.catcher.release(&CancelRegistry::of(core)));
        }
    }
}

fn run<'a, 'g, B, T>(group: &'a TaskGroup<'g>, body: B) -> GroupRun<'a, 'g, B, T>
where
    B: Future<Output = Result<T, Failure>> + 'a,
{
    GroupRun {
        group,
        body: Some(body),
        value: None,
        buf: Vec::new(),
        catcher: CatcherSlot::default(),
        outer: None,
        stopped: false,
    }
}

/// Opens a group at `location` and runs `body` in it; what
/// `task_group!(|tg| ..)` expands to.
///
/// The body is a closure for any `'t`: `tg` (`&'t TaskGroup`) cannot be kept
/// outside the body, and an attempt names `tg` in the error. Children may
/// borrow what lives for `'g`, which the anchor's borrow ends with the
/// macro's block.
#[doc(hidden)]
pub async fn __run_group<'g, B, T>(
    anchor: &'g GroupAnchor,
    location: &'static Location<'static>,
    grace: Option<Duration>,
    body: B,
) -> Result<T, GroupError>
where
    B: for<'t> AsyncFnOnce(&'t TaskGroup<'g>) -> Result<T, Failure>,
{
    let group = TaskGroup::new(anchor, false, grace, location);
    let ended = run(&group, body(&group)).await;
    let Bad {
        failures,
        cancelled,
    } = match (ended.value, ended.bad) {
        (Some(value), None) => return Ok(value),
        (_, bad) => bad.map_or_else(Bad::shutdown, |bad| *bad),
    };
    Err(group_error(failures, cancelled))
}

/// A group that did not end with a value: it failed (with the cancellation
/// beside its failures, if one came), or it was cancelled (by `tg.cancel()`,
/// from outside, or by the loop's shutdown).
fn group_error(failures: Vec<Failure>, cancelled: Option<Cancelled>) -> GroupError {
    if failures.is_empty() {
        GroupError::cancelled_by(
            cancelled.unwrap_or_else(|| Cancelled::new(CancelReason::LoopShutdown)),
        )
    } else {
        GroupError::failed(failures, cancelled)
    }
}

/// Runs a supervising group, as [`__run_group`]; what
/// `task_group!(supervise |tg| ..)` expands to. Children's failures do not
/// cancel anything; they are returned beside the body's value.
#[doc(hidden)]
pub async fn __run_supervised<'g, B, T>(
    anchor: &'g GroupAnchor,
    location: &'static Location<'static>,
    grace: Option<Duration>,
    body: B,
) -> Result<(T, Vec<Failure>), GroupError>
where
    B: for<'t> AsyncFnOnce(&'t TaskGroup<'g>) -> Result<T, Failure>,
{
    let group = TaskGroup::new(anchor, true, grace, location);
    let ended = run(&group, body(&group)).await;
    let Bad {
        failures,
        cancelled,
    } = ended.bad.map_or_else(Bad::shutdown, |bad| *bad);
    // A value means the body succeeded (a failed body leaves none).
    match (ended.value, cancelled) {
        (Some(value), None) => Ok((value, failures)),
        (_, cancelled) => Err(group_error(failures, cancelled)),
    }
}
