//! One child of a task group: the future that runs it (a cancel scope of its
//! own) and the handle the body holds.

use crate::cancel::{enter, CancelReason, CancelRegistry, CancelState, Cancelled};
use crate::runtime::{note_wait, recording, with_current, ChildNode, GroupNode, LoopCore, Wait};
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{ChildError, Failure};
use crate::task::panic_message;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
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
    outcome: RefCell<Option<Result<T, ChildError>>>,
    /// The task awaiting the handle.
    waiter: RefCell<Option<Waker>>,
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

    pub(crate) fn finish(&self, outcome: Result<T, ChildError>) {
        let mut slot = self.outcome.borrow_mut();
        if self.ended.get() == Ended::Running {
            self.ended.set(match outcome {
                Err(ChildError::Cancelled(_)) => Ended::Cancelled,
                _ => Ended::Done,
            });
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
    ) -> Poll<Option<Failure>>;

    /// Requests the child's cancellation; true when nothing inside catches
    /// it, so the group drops the child now.
    fn cancel(&self, core: &LoopCore, cancelled: Cancelled, grace_until: Option<Instant>) -> bool;

    /// Drops the child's future now (it was cancelled); a panic in its
    /// cleanup comes back as a failure.
    fn drop_now(self: Pin<&mut Self>) -> Option<Failure>;

    /// The child as the loop sees it.
    fn node(&self) -> &(dyn ChildNode + 'static);

    /// The same, counted (for a `TaskRef`).
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
fn drop_caught<F>(slot: Pin<&mut Option<F>>, name: impl FnOnce() -> String) -> Option<Failure> {
    let mut slot = Some(slot);
    let dropped = catch_unwind(AssertUnwindSafe(|| {
        if let Some(mut slot) = slot.take() {
            slot.set(None);
        }
    }));
    dropped
        .err()
        .map(|payload| Failure::panicked(format!("{} (dropping it)", name()), payload))
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
    ) -> Poll<Option<Failure>> {
        let (mut slot, cell) = self.future();
        let Some(future) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        let state = &cell.state;
        let must_end = |state: &CancelState, waker: &Waker| {
            state.ends_now(core, |key| CancelRegistry::of(core).catchers(key), waker)
        };
        if must_end(state, cx.waker()) {
            let failure = drop_caught(slot, || cell.name());
            cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
            return Poll::Ready(failure);
        }
        let polled = enter(core, state, || {
            catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
        });
        let (outcome, failure) = match polled {
            Ok(Poll::Pending) => {
                if must_end(state, cx.waker()) {
                    let failure = drop_caught(slot, || cell.name());
                    cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
                    return Poll::Ready(failure);
                }
                return Poll::Pending;
            }
            Ok(Poll::Ready(output)) => {
                if let Some(failure) = drop_caught(slot, || cell.name()) {
                    cell.finish(Err(ChildError::Failed(failure.message.clone())));
                    return Poll::Ready(Some(failure));
                }
                // Cancelled and never told, or passed its cancellation on
                // (its output holds it): the child counts as cancelled.
                let never_told = state.is_requested() && !state.is_delivered();
                if never_told || state.token_held_elsewhere() {
                    drop(output);
                    cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
                    return Poll::Ready(None);
                }
                match output.into_outcome() {
                    Ok(value) => (Ok(value), None),
                    Err((message, error)) => (
                        Err(ChildError::Failed(message.clone())),
                        Some(Failure::returned(cell.name(), message, error)),
                    ),
                }
            }
            Err(payload) => {
                let message = panic_message(payload.as_ref()).unwrap_or("").to_string();
                let _ = drop_caught(slot, || cell.name());
                (
                    Err(ChildError::Failed(format!("panicked: {message}"))),
                    Some(Failure::panicked(cell.name(), payload)),
                )
            }
        };
        cell.finish(outcome);
        Poll::Ready(failure)
    }

    fn cancel(&self, core: &LoopCore, cancelled: Cancelled, grace_until: Option<Instant>) -> bool {
        let state = &self.cell.state;
        state.request(cancelled, grace_until);
        let registry = CancelRegistry::of(core);
        if state.must_drop(registry.catchers(state.key.get())) {
            return true;
        }
        registry.wake_catchers(state);
        if let Some(waker) = self.cell.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
        false
    }

    fn node(&self) -> &(dyn ChildNode + 'static) {
        &*self.cell
    }

    fn node_rc(&self) -> Rc<dyn ChildNode> {
        self.cell.clone()
    }

    fn drop_now(self: Pin<&mut Self>) -> Option<Failure> {
        let (slot, cell) = self.future();
        if slot.is_none() {
            return None;
        }
        let failure = drop_caught(slot, || cell.name());
        cell.finish(Err(ChildError::Cancelled(cell.cancelled())));
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

    /// The child's name: the one given with
    /// [`create_task_named`](crate::TaskGroup::create_task_named) or
    /// [`set_name`](Self::set_name), else `<group name>/<n>`, numbered from 1
    /// in the order the group's children were created. A group is named
    /// after the task (or child) that opened it: `<task name>/group`.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::current_task().unwrap().set_name("main");
    ///     aio::task_group!(|tg| {
    ///         let first = tg.create_task(async {});
    ///         let fetch = tg.create_task_named("fetch", async {});
    ///         assert_eq!(first.name(), "main/group/1");
    ///         assert_eq!(fetch.name(), "fetch");
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn name(&self) -> String {
        self.cell.name()
    }

    /// Renames the child.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::task_group!(|tg| {
    ///         let child = tg.create_task(async {});
    ///         child.set_name("cleanup");
    ///         assert_eq!(child.name(), "cleanup");
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        self.cell.who.name.set(Some(Box::new(name.into())));
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
        self.cell.request_cancel(Cancelled::explicit(None))
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
        if recording() {
            note_wait(Wait::Child(self.cell.id()));
        }
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
