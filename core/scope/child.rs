//! One child of a task group: the future that runs it (a cancel scope of its
//! own) and the handle the body holds.

use crate::cancel::{CancelReason, CancelRegistry, CancelState, Cancelled, enter};
use crate::runtime::{ChildNode, GroupNode, LoopCore, with_current};
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{ChildError, Failure};
use crate::task::panic_message;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// Whether a child finished, and how.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    Running,
    Done,
    Cancelled,
}

/// Who a child is: its id, name and place, for its handle, `all_tasks()`
/// and the task tree.
pub(crate) struct ChildId {
    /// Unique within the loop (shared with tasks and groups); 0 until it is
    /// first asked for (most children are never named by id).
    pub(crate) id: Cell<u64>,
    /// The child's number in its group, from 1.
    pub(crate) number: u64,
    /// Its group (`<group name>/<number>` is its default name).
    pub(crate) group: Rc<GroupNode>,
    /// The name given with `create_task_named` or `set_name`, if any (boxed:
    /// every child pays for the empty slot).
    pub(crate) name: Cell<Option<Box<Cow<'static, str>>>>,
    /// Where `create_task` was called.
    pub(crate) location: &'static Location<'static>,
}

/// What a child and its handle share: the outcome, and the child's scope.
pub(crate) struct ChildCell<T> {
    pub(super) who: ChildId,
    pub(super) ended: Cell<Ended>,
    pub(super) outcome: RefCell<Option<Result<T, ChildError>>>,
    /// The task awaiting the handle.
    pub(super) waiter: RefCell<Option<Waker>>,
    /// The child's cancellation state (its scope).
    pub(crate) state: CancelState,
    /// The child's own waker, to deliver a cancel request.
    pub(crate) waker: RefCell<Option<Waker>>,
}

impl<T> ChildCell<T> {
    pub(crate) fn new(who: ChildId) -> Rc<Self> {
        Rc::new(ChildCell {
            who,
            ended: Cell::new(Ended::Running),
            outcome: RefCell::new(None),
            waiter: RefCell::new(None),
            state: CancelState::default(),
            waker: RefCell::new(None),
        })
    }

    /// Its id, given on first use.
    pub(super) fn id(&self) -> u64 {
        if self.who.id.get() == 0 {
            if let Some(id) = with_current(|core| core.next_id()) {
                self.who.id.set(id);
            }
        }
        self.who.id.get()
    }

    pub(super) fn name(&self) -> String {
        let given = self.who.name.take();
        let name = match &given {
            Some(name) => name.to_string(),
            None => format!("{}/{}", self.who.group.name, self.who.number),
        };
        self.who.name.set(given);
        name
    }

    /// The child ended with `outcome` (the first one counts).
    pub(crate) fn finish(&self, outcome: Result<T, ChildError>) {
        if self.ended.get() != Ended::Running {
            return;
        }
        let cancelled = matches!(outcome, Err(ChildError::Cancelled(_)));
        self.ended.set(if cancelled {
            Ended::Cancelled
        } else {
            Ended::Done
        });
        *self.outcome.borrow_mut() = Some(outcome);
        self.waker.borrow_mut().take();
        if let Some(waiter) = self.waiter.borrow_mut().take() {
            waiter.wake();
        }
    }

    fn cancelled(&self) -> Cancelled {
        self.state
            .cancelled()
            .unwrap_or_else(|| Cancelled::new(CancelReason::LoopShutdown))
    }

    /// Requests the child's cancellation: its catch points are woken to
    /// receive it, or (with none) it is dropped where it waits. False if it
    /// already finished.
    pub(super) fn request_cancel(&self, cancelled: Cancelled) -> bool {
        if self.ended.get() != Ended::Running {
            return false;
        }
        self.state.request(cancelled, None);
        with_current(|core| {
            CancelRegistry::of(core).wake_catchers(&self.state);
        });
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
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
    fn drop_now(self: Pin<&mut Self>, why: Option<&Cancelled>) -> Option<Box<Failure>>;

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
    cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
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
        cell.finish(Err(ChildError::Failed(failure.message.clone())));
        return Some(failure);
    }
    let state = &cell.state;
    let never_told = state.is_requested() && !state.is_delivered();
    if never_told || state.token_held_elsewhere() {
        drop(output);
        cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
        return None;
    }
    match output.into_outcome() {
        Ok(value) => {
            cell.finish(Ok(value));
            None
        }
        Err((message, error)) => {
            cell.finish(Err(ChildError::Failed(message.clone())));
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
    cell.finish(Err(ChildError::Failed(format!("panicked: {message}"))));
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
        if let Some(waker) = self.cell.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
        false
    }

    fn node_rc(&self) -> Rc<dyn ChildNode> {
        self.cell.clone()
    }

    fn drop_now(self: Pin<&mut Self>, why: Option<&Cancelled>) -> Option<Box<Failure>> {
        let (slot, cell) = self.future();
        if slot.is_none() {
            return None;
        }
        let failure = drop_caught(slot, || cell.name());
        let cancelled = match (cell.state.cancelled(), why) {
            (Some(own), _) => own,
            (None, Some(why)) => why.clone(),
            (None, None) => cell.cancelled(),
        };
        cell.finish(Err(ChildError::Cancelled(cancelled)));
        failure
    }
}

impl<F, T> Drop for ChildRun<F, T> {
    fn drop(&mut self) {
        // Dropped before finishing: the child was cancelled. Its future is
        // dropped first (the field), so its cleanup has run when the handle
        // learns it.
        self.future = None;
        if self.cell.ended.get() == Ended::Running {
            let cancelled = self.cell.cancelled();
            self.cell.finish(Err(ChildError::Cancelled(cancelled)));
        }
    }
}
