//! One child of a task group: the future that runs it (a cancel scope of its
//! own) and the handle the body holds.

use crate::cancel::{enter, CancelReason, CancelRegistry, CancelState, Cancelled};
use crate::runtime::{note_wait, ChildNode, GroupNode, LoopCore, Wait};
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
enum Ended {
    Running,
    Done,
    Cancelled,
}

/// Who a child is: its id, name and place, for its handle, `all_tasks()`
/// and the task tree.
pub(crate) struct ChildId {
    /// Unique within the loop (shared with tasks and groups).
    pub(crate) id: u64,
    /// The child's number in its group, from 1.
    pub(crate) number: u64,
    pub(crate) group: Rc<GroupNode>,
    /// The name given with `create_task_named` or `set_name`; else
    /// `<group name>/<number>`.
    pub(crate) name: RefCell<Option<Cow<'static, str>>>,
    /// Where `create_task` was called.
    pub(crate) location: &'static Location<'static>,
    /// When it was started, if the loop records.
    pub(crate) created: Option<Instant>,
}

/// What a child and its handle share: the outcome, and the child's scope.
pub(crate) struct ChildCell<T> {
    who: ChildId,
    ended: Cell<Ended>,
    /// What it waited on after its last poll (while the loop records).
    wait: Cell<Wait>,
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
            wait: Cell::new(Wait::Unknown),
            outcome: RefCell::new(None),
            waiter: RefCell::new(None),
            state: CancelState::default(),
            waker: RefCell::new(None),
        })
    }

    fn name(&self) -> String {
        match &*self.who.name.borrow() {
            Some(name) => name.to_string(),
            None => format!("{}/{}", self.who.group.name, self.who.number),
        }
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
    fn request_cancel(&self, cancelled: Cancelled) -> bool {
        if self.ended.get() != Ended::Running {
            return false;
        }
        self.state.request(cancelled, None);
        crate::runtime::with_current(|core| {
            CancelRegistry::of(core).wake_catchers(&self.state);
        });
        if let Some(waker) = self.waker.borrow().as_ref() {
            waker.wake_by_ref();
        }
        true
    }
}

impl<T: 'static> ChildNode for ChildCell<T> {
    fn id(&self) -> u64 {
        self.who.id
    }

    fn name(&self) -> String {
        ChildCell::name(self)
    }

    fn set_name(&self, name: Cow<'static, str>) {
        *self.who.name.borrow_mut() = Some(name);
    }

    fn location(&self) -> &'static Location<'static> {
        self.who.location
    }

    fn created(&self) -> Option<Instant> {
        self.who.created
    }

    fn wait(&self) -> Wait {
        self.wait.get()
    }

    fn set_wait(&self, wait: Wait) {
        self.wait.set(wait);
    }

    fn is_done(&self) -> bool {
        self.ended.get() != Ended::Running
    }

    fn is_cancelled(&self) -> bool {
        self.ended.get() == Ended::Cancelled
    }

    fn cancel_requested(&self) -> bool {
        self.state.is_requested()
    }

    fn cancel(&self, message: Option<String>, location: &'static Location<'static>) -> bool {
        self.request_cancel(Cancelled::new(CancelReason::Explicit { message, location }))
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
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        *self.cell.who.name.borrow_mut() = Some(name.into());
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
        note_wait(Wait::Child(self.cell.who.id));
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
