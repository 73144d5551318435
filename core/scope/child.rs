//! One child of a task group: the future that runs it (a cancel scope of its
//! own) and the handle the body holds.

use crate::cancel::{enter, CancelRegistry, CancelState, Cancelled};
use crate::runtime::LoopCore;
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{ChildError, Failure};
use crate::task::panic_message;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// What a child and its handle share: the outcome, and the child's scope.
pub(crate) struct ChildCell<T> {
    /// The child's number in its group; its name is `child-<number>`.
    number: u64,
    outcome: RefCell<Option<Result<T, ChildError>>>,
    /// The task awaiting the handle.
    waiter: RefCell<Option<Waker>>,
    /// The child's cancellation state (its scope).
    pub(crate) state: CancelState,
    /// The child's own waker, to deliver a cancel request.
    pub(crate) waker: RefCell<Option<Waker>>,
}

impl<T> ChildCell<T> {
    pub(crate) fn new(number: u64) -> Rc<Self> {
        Rc::new(ChildCell {
            number,
            outcome: RefCell::new(None),
            waiter: RefCell::new(None),
            state: CancelState::default(),
            waker: RefCell::new(None),
        })
    }

    fn name(&self) -> String {
        format!("child-{}", self.number)
    }

    pub(crate) fn finish(&self, outcome: Result<T, ChildError>) {
        let mut slot = self.outcome.borrow_mut();
        if slot.is_none() {
            *slot = Some(outcome);
            drop(slot);
            self.waker.borrow_mut().take();
            if let Some(waiter) = self.waiter.borrow_mut().take() {
                waiter.wake();
            }
        }
    }

    fn cancelled(&self) -> Cancelled {
        self.state
            .cancelled()
            .unwrap_or_else(|| Cancelled::new(crate::CancelReason::LoopShutdown))
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
        let cancelled = self.cell.cancelled();
        self.cell.finish(Err(ChildError::Cancelled(cancelled)));
    }
}

/// The handle of a task group child, returned by `create_task`.
///
/// Await it for the child's value, or read it without waiting with
/// [`result`](Self::result) — also after the group ended, when every child is
/// done. Dropping the handle does not affect the child.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut handle = None;
///     aio::task_group!(|tg| {
///         handle = Some(tg.create_task(async { Ok::<_, std::convert::Infallible>(6 * 7) }));
///     })
///     .unwrap();
///     assert_eq!(handle.unwrap().result(), Some(&Ok(42)));
/// });
/// ```
pub struct ChildHandle<T> {
    cell: Rc<ChildCell<T>>,
    taken: Option<Result<T, ChildError>>,
}

impl<T> ChildHandle<T> {
    pub(crate) fn new(cell: Rc<ChildCell<T>>) -> Self {
        ChildHandle { cell, taken: None }
    }

    /// The child's name within its group (`child-<n>`, numbered from 1 in
    /// the order the children were created).
    pub fn name(&self) -> String {
        self.cell.name()
    }

    /// True once the child finished, failed or was cancelled.
    pub fn is_done(&self) -> bool {
        self.taken.is_some() || self.cell.outcome.borrow().is_some()
    }

    /// The outcome without waiting; `None` while the child runs.
    pub fn result(&mut self) -> Option<&Result<T, ChildError>> {
        if self.taken.is_none() {
            self.taken = self.cell.outcome.borrow_mut().take();
        }
        self.taken.as_ref()
    }

    /// Cancels this child alone; its siblings and the group go on. `false` if
    /// it already finished. Like a task's, the child's catch points receive
    /// the cancellation ([`catch_cancel`](crate::catch_cancel)); with none,
    /// it is dropped where it waits.
    #[track_caller]
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        let cancelled = Cancelled::explicit(None);
        self.cell.state.request(cancelled, None);
        crate::runtime::with_current(|core| {
            CancelRegistry::of(core).wake_catchers(&self.cell.state);
        });
        if let Some(waker) = self.cell.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
        true
    }
}

impl<T> Unpin for ChildHandle<T> {}

impl<T> Future for ChildHandle<T> {
    type Output = Result<T, ChildError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(outcome) = self.taken.take() {
            return Poll::Ready(outcome);
        }
        if let Some(outcome) = self.cell.outcome.borrow_mut().take() {
            return Poll::Ready(outcome);
        }
        *self.cell.waiter.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl<T> fmt::Debug for ChildHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildHandle")
            .field("name", &self.cell.name())
            .field("done", &self.is_done())
            .finish()
    }
}
