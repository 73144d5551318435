//! One child of a task group: the future that runs it (a cancel scope of its
//! own) and the handle the body holds.

use crate::cancel::{CancelReason, CancelRegistry, CancelState, Cancelled, enter};
use crate::runtime::{ChildNode, GroupNode, LoopCore, with_current};
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{ChildError, Failure};
use crate::task::panic_message;
use std::borrow::Cow;
use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// A child's outcome as its cell keeps it. Kept small (every child has
/// one): the reason of a cancellation is in the child's state, or shared
/// with the group that stopped it; a failure's text is boxed.
pub(super) enum Outcome<T> {
    Running,
    Value(T),
    #[allow(
        clippy::box_collection,
        reason = "a thin pointer keeps the outcome at 16 bytes"
    )]
    Failed(Box<String>),
    /// Cancelled for its own request (its state says why), or at the loop's end.
    Cancelled,
    /// Cancelled with its group, for the group's reason.
    Stopped(Rc<Cancelled>),
    /// The handle took it; whether it was a cancellation.
    Taken {
        cancelled: bool,
    },
}

/// A child's id and given name, made on first use: most children are never
/// named or listed.
struct Named {
    /// Unique within the loop (shared with tasks and groups); 0 until asked for.
    id: u64,
    name: Option<Cow<'static, str>>,
}

/// What a child and its handle share: who it is, its outcome, and its scope.
pub(crate) struct ChildCell<T> {
    /// The child's number in its group, from 1.
    pub(super) number: u64,
    /// Its group (`<group name>/<number>` is its default name).
    pub(super) group: Rc<GroupNode>,
    named: Cell<Option<Box<Named>>>,
    /// Where `create_task` was called.
    pub(super) location: &'static Location<'static>,
    outcome: Cell<Outcome<T>>,
    /// The task awaiting the handle.
    waiter: Cell<Option<Waker>>,
    /// The child's cancellation state (its scope).
    pub(crate) state: CancelState,
    /// The child's own waker, to deliver a cancel request.
    pub(crate) waker: Cell<Option<Waker>>,
}

impl<T> ChildCell<T> {
    pub(crate) fn new(
        number: u64,
        group: Rc<GroupNode>,
        name: Option<Cow<'static, str>>,
        location: &'static Location<'static>,
    ) -> Rc<Self> {
        Rc::new(ChildCell {
            number,
            group,
            named: Cell::new(name.map(|name| {
                Box::new(Named {
                    id: 0,
                    name: Some(name),
                })
            })),
            location,
            outcome: Cell::new(Outcome::Running),
            waiter: Cell::new(None),
            state: CancelState::default(),
            waker: Cell::new(None),
        })
    }

    /// Calls `f` on the id and name, made if missing.
    fn with_named<R>(&self, f: impl FnOnce(&mut Named) -> R) -> R {
        let mut named = self
            .named
            .take()
            .unwrap_or_else(|| Box::new(Named { id: 0, name: None }));
        let out = f(&mut named);
        self.named.set(Some(named));
        out
    }

    /// Its id, given on first use.
    pub(super) fn id(&self) -> u64 {
        self.with_named(|named| {
            if named.id == 0 {
                if let Some(id) = with_current(|core| core.next_id()) {
                    named.id = id;
                }
            }
            named.id
        })
    }

    pub(super) fn name(&self) -> String {
        // Read without making the box: an unnamed child stays without one.
        let named = self.named.take();
        let given = named
            .as_ref()
            .and_then(|named| named.name.as_ref().map(|name| name.to_string()));
        self.named.set(named);
        given.unwrap_or_else(|| format!("{}/{}", self.group.name, self.number))
    }

    pub(super) fn set_name(&self, name: Cow<'static, str>) {
        self.with_named(|named| named.name = Some(name));
    }

    /// Calls `f` on the outcome in place.
    fn peek<R>(&self, f: impl FnOnce(&Outcome<T>) -> R) -> R {
        let outcome = self.outcome.replace(Outcome::Running);
        let out = f(&outcome);
        self.outcome.set(outcome);
        out
    }

    pub(super) fn is_done(&self) -> bool {
        self.peek(|outcome| !matches!(outcome, Outcome::Running))
    }

    pub(super) fn is_cancelled(&self) -> bool {
        self.peek(|outcome| {
            matches!(
                outcome,
                Outcome::Cancelled | Outcome::Stopped(_) | Outcome::Taken { cancelled: true }
            )
        })
    }

    /// The child ended with `outcome` (the first one counts).
    fn finish(&self, outcome: Outcome<T>) {
        let before = self.outcome.replace(outcome);
        if !matches!(before, Outcome::Running) {
            self.outcome.set(before);
            return;
        }
        self.waker.take();
        if let Some(waiter) = self.waiter.take() {
            waiter.wake();
        }
    }

    /// The outcome, for the handle (once), if the child ended.
    pub(super) fn take_outcome(&self) -> Option<Result<T, ChildError>> {
        let outcome = match self.outcome.replace(Outcome::Running) {
            Outcome::Running => return None,
            taken @ Outcome::Taken { .. } => {
                self.outcome.set(taken);
                return None;
            }
            Outcome::Value(value) => Ok(value),
            Outcome::Failed(message) => Err(ChildError::Failed(*message)),
            Outcome::Cancelled => Err(ChildError::Cancelled(self.cancelled())),
            Outcome::Stopped(why) => Err(ChildError::Cancelled(Rc::unwrap_or_clone(why))),
        };
        let cancelled = matches!(outcome, Err(ChildError::Cancelled(_)));
        self.outcome.set(Outcome::Taken { cancelled });
        Some(outcome)
    }

    /// Waits for the outcome with `waker`.
    pub(super) fn set_waiter(&self, waker: &Waker) {
        self.waiter.set(Some(waker.clone()));
    }

    fn cancelled(&self) -> Cancelled {
        self.state
            .cancelled()
            .unwrap_or_else(|| Cancelled::new(CancelReason::LoopShutdown))
    }

    /// Wakes the child, to act on a cancel request.
    fn wake(&self) {
        if let Some(waker) = self.waker.take() {
            waker.wake_by_ref();
            self.waker.set(Some(waker));
        }
    }

    /// Requests the child's cancellation: its catch points are woken to
    /// receive it, or (with none) it is dropped where it waits. False if it
    /// already finished.
    pub(super) fn request_cancel(&self, cancelled: Cancelled) -> bool {
        if self.is_done() {
            return false;
        }
        self.state.request(cancelled, None);
        with_current(|core| {
            CancelRegistry::of(core).wake_catchers(&self.state);
        });
        self.wake();
        true
    }
}

/// A child as its group drives it, whatever its output type.
pub(crate) trait Child {
    /// Polls the child on `core`; `Ready(failure)` once it ended.
    fn poll_child(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        core: &LoopCore,
    ) -> Poll<Option<Box<Failure>>>;

    /// Requests the child's cancellation; true when nothing inside catches
    /// it, so the group drops the child now.
    fn cancel(
        &self,
        registry: &CancelRegistry,
        cancelled: &Cancelled,
        grace_until: Option<Instant>,
    ) -> bool;

    /// Drops the child's future now (it was cancelled, for `why` unless its
    /// own request says otherwise); a panic in its cleanup comes back as a
    /// failure.
    fn drop_now(self: Pin<&mut Self>, why: Option<&Rc<Cancelled>>) -> Option<Box<Failure>>;

    /// The child as the loop sees it (for `all_tasks()` and the tree).
    fn node_rc(&self) -> Rc<dyn ChildNode>;
}

/// Runs a child's future for the group; yields the child's failure, if any.
pub(crate) struct ChildRun<F, T> {
    future: Option<F>,
    cell: Rc<ChildCell<T>>,
}

impl<F, T> ChildRun<F, T> {
    pub(crate) fn new(future: F, cell: Rc<ChildCell<T>>) -> Self {
        ChildRun {
            future: Some(future),
            cell,
        }
    }

    /// The future's field, pinned: it is structurally pinned (polled in
    /// place, dropped in place with `Pin::set`, never moved out).
    fn future(self: Pin<&mut Self>) -> (Pin<&mut Option<F>>, &ChildCell<T>) {
        // SAFETY: `future` is structurally pinned, as just said; `cell` is not.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        (unsafe { Pin::new_unchecked(&mut this.future) }, &this.cell)
    }
}

/// Drops a child's future, catching a panic in its cleanup as a failure.
fn drop_caught<F>(
    slot: Pin<&mut Option<F>>,
    name: impl FnOnce() -> String,
) -> Option<Box<Failure>> {
    let mut slot = Some(slot);
    let dropped = catch_unwind(AssertUnwindSafe(|| {
        if let Some(mut slot) = slot.take() {
            slot.set(None);
        }
    }));
    dropped.err().map(|payload| {
        Box::new(Failure::panicked(
            format!("{} (dropping it)", name()),
            payload,
        ))
    })
}

/// True when a cancelled child must be dropped now.
fn ends_now(core: &LoopCore, state: &CancelState, waker: &Waker) -> bool {
    state.ends_now(core, |key| CancelRegistry::of(core).catchers(key), waker)
}

/// The child ends cancelled: its future is dropped now.
#[inline(never)]
fn end_cancelled<F, T>(slot: Pin<&mut Option<F>>, cell: &ChildCell<T>) -> Option<Box<Failure>> {
    let failure = drop_caught(slot, || cell.name());
    cell.finish(Outcome::Cancelled);
    failure
}

/// The child's future finished with `output`: its value, its failure, or
/// (cancelled and never told, or passing its cancellation on) cancelled.
#[inline(never)]
fn finished<F, O: ChildOutcome>(
    slot: Pin<&mut Option<F>>,
    cell: &ChildCell<O::Value>,
    output: O,
) -> Option<Box<Failure>> {
    if let Some(failure) = drop_caught(slot, || cell.name()) {
        cell.finish(Outcome::Failed(Box::new(failure.message.clone())));
        return Some(failure);
    }
    let state = &cell.state;
    let never_told = state.is_requested() && !state.is_delivered();
    if never_told || state.token_held_elsewhere() {
        drop(output);
        cell.finish(Outcome::Cancelled);
        return None;
    }
    match output.into_outcome() {
        Ok(value) => {
            cell.finish(Outcome::Value(value));
            None
        }
        Err((message, error)) => {
            cell.finish(Outcome::Failed(Box::new(message.clone())));
            Some(Box::new(Failure::returned(cell.name(), message, error)))
        }
    }
}

/// The child's future panicked.
#[inline(never)]
fn panicked<F, T>(
    slot: Pin<&mut Option<F>>,
    cell: &ChildCell<T>,
    payload: Box<dyn std::any::Any + Send>,
) -> Option<Box<Failure>> {
    let message = panic_message(payload.as_ref()).unwrap_or("").to_string();
    let _ = drop_caught(slot, || cell.name());
    cell.finish(Outcome::Failed(Box::new(format!("panicked: {message}"))));
    Some(Box::new(Failure::panicked(cell.name(), payload)))
}

impl<F> Child for ChildRun<F, <F::Output as ChildOutcome>::Value>
where
    F: Future,
    F::Output: ChildOutcome,
{
    fn poll_child(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        core: &LoopCore,
    ) -> Poll<Option<Box<Failure>>> {
        // Kept small: a nested group's poll goes down through this frame.
        let (mut slot, cell) = self.future();
        let Some(future) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        if cell.state.is_requested() && ends_now(core, &cell.state, cx.waker()) {
            return Poll::Ready(end_cancelled(slot, cell));
        }
        let polled = enter(core, &cell.state, || {
            catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
        });
        match polled {
            Ok(Poll::Pending) => {
                if cell.state.is_requested() && ends_now(core, &cell.state, cx.waker()) {
                    return Poll::Ready(end_cancelled(slot, cell));
                }
                Poll::Pending
            }
            Ok(Poll::Ready(output)) => Poll::Ready(finished(slot, cell, output)),
            Err(payload) => Poll::Ready(panicked(slot, cell, payload)),
        }
    }

    fn cancel(
        &self,
        registry: &CancelRegistry,
        cancelled: &Cancelled,
        grace_until: Option<Instant>,
    ) -> bool {
        let state = &self.cell.state;
        let catchers = registry.catchers(state.key.get());
        if catchers == 0 && !state.is_requested() {
            // Nothing inside to tell: dropped now, with no request to keep.
            return true;
        }
        state.request(cancelled.clone(), grace_until);
        if state.must_drop(catchers) {
            return true;
        }
        registry.wake_catchers(state);
        self.cell.wake();
        false
    }

    fn node_rc(&self) -> Rc<dyn ChildNode> {
        self.cell.clone()
    }

    fn drop_now(self: Pin<&mut Self>, why: Option<&Rc<Cancelled>>) -> Option<Box<Failure>> {
        let (slot, cell) = self.future();
        if slot.is_none() {
            return None;
        }
        let failure = drop_caught(slot, || cell.name());
        // Its own request's reason, if it has one, else its group's.
        cell.finish(match why {
            Some(why) if !cell.state.is_requested() => Outcome::Stopped(why.clone()),
            _ => Outcome::Cancelled,
        });
        failure
    }
}

impl<F, T> Drop for ChildRun<F, T> {
    fn drop(&mut self) {
        // Dropped before finishing: the child was cancelled. Its future is
        // dropped first (the field), so its cleanup has run when the handle
        // learns it.
        self.future = None;
        self.cell.finish(Outcome::Cancelled);
    }
}
#[cfg(test)]
mod tests {
    /// Every child of every group has a cell: its size decides the memory,
    /// and so the speed, of groups with many children (the `structured`
    /// benchmark). The reason of a cancellation and a failure's text live
    /// outside it.
    #[test]
    fn a_child_cell_stays_within_104_bytes() {
        assert!(std::mem::size_of::<super::ChildCell<()>>() <= 104);
        assert!(std::mem::size_of::<super::Outcome<()>>() <= 16);
        assert!(std::mem::size_of::<crate::cancel::CancelState>() <= 24);
    }
}
