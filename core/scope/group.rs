//! Task groups: asyncio's `async with TaskGroup() as tg`, the state behind
//! [`task_group!`](macro@crate::task_group).
//!
//! Children are not loop tasks. They are futures owned by the group's state and
//! polled by the future that runs the group, so they may borrow anything that
//! outlives the group (`'g`), and soundness does not rest on a destructor
//! running: if the enclosing future is leaked (`mem::forget`), the children are
//! leaked with it and never polled again; whenever the group's state is
//! dropped, every child is dropped first, while `'g` is still alive (the state
//! can only be reached through values bounded by `'g`).

use crate::runtime::{ChildWake, ReadyList};
use crate::scope::child::{ChildCell, ChildHandle, ChildRun};
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{Failure, GroupError};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

type ChildFuture<'g> = Pin<Box<dyn Future<Output = Option<Failure>> + 'g>>;

struct Slot<'g> {
    future: ChildFuture<'g>,
    wake: Arc<ChildWake>,
    waker: Waker,
}

struct GroupState<'g> {
    slots: RefCell<Vec<Option<Slot<'g>>>>,
    free: RefCell<Vec<usize>>,
    live: Cell<usize>,
    ready: Arc<ReadyList>,
    supervise: bool,
    /// Set by the first failure (fail-fast) or `cancel()`: stop everything.
    stopping: Cell<bool>,
    cancelled: Cell<bool>,
    /// Set when the group ended: later children are cancelled at once.
    closed: Cell<bool>,
    failures: RefCell<Vec<Failure>>,
    next_child: Cell<u64>,
    /// True while the group's future polls the body and children: children
    /// created then are polled in the same pass, with no wake-up needed.
    polling: Cell<bool>,
    /// Children created but not yet polled.
    fresh: RefCell<Vec<usize>>,
}

impl<'g> GroupState<'g> {
    fn create_task<F>(&self, future: F) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: Future + 'g,
        F::Output: ChildOutcome,
    {
        let n = self.next_child.get();
        self.next_child.set(n + 1);
        let cell = ChildCell::new(n);
        let handle = ChildHandle::new(cell.clone());
        if self.stopping.get() || self.closed.get() {
            // A child created after a failure (or after the end) never runs.
            drop(ChildRun::new(future, cell));
            return handle;
        }
        let index = match self.free.borrow_mut().pop() {
            Some(index) => index,
            None => {
                let mut slots = self.slots.borrow_mut();
                slots.push(None);
                slots.len() - 1
            }
        };
        let wake = ChildWake::new(index, self.ready.clone());
        let waker = Waker::from(wake.clone());
        *cell.waker.borrow_mut() = Some(waker.clone());
        self.slots.borrow_mut()[index] = Some(Slot {
            future: Box::pin(ChildRun::new(future, cell)),
            wake,
            waker: waker.clone(),
        });
        self.live.set(self.live.get() + 1);
        // The child starts when the group is next polled: in this very pass
        // if the group is being polled, else once its task is woken.
        self.fresh.borrow_mut().push(index);
        if !self.polling.get() {
            self.ready.wake_parent();
        }
        handle
    }

    fn cancel(&self) {
        if !self.closed.get() && !self.stopping.get() {
            self.cancelled.set(true);
            self.stopping.set(true);
            self.ready.wake_parent();
        }
    }

    /// Polls the children woken since the last look, each at most once.
    fn poll_ready(&self, buf: &mut Vec<usize>) {
        self.ready.take(buf);
        buf.append(&mut self.fresh.borrow_mut());
        for &index in buf.iter() {
            // Take the child out while it runs: it may create siblings.
            let Some(mut slot) = self
                .slots
                .borrow_mut()
                .get_mut(index)
                .and_then(Option::take)
            else {
                continue;
            };
            slot.wake.unqueue();
            let mut cx = Context::from_waker(&slot.waker);
            match slot.future.as_mut().poll(&mut cx) {
                Poll::Pending => self.slots.borrow_mut()[index] = Some(slot),
                Poll::Ready(failure) => {
                    self.free.borrow_mut().push(index);
                    self.live.set(self.live.get() - 1);
                    if let Some(failure) = failure {
                        self.failures.borrow_mut().push(failure);
                        if !self.supervise {
                            self.stopping.set(true);
                        }
                    }
                }
            }
        }
    }

    /// Drops every child still running; their cleanup runs now.
    fn drop_children(&self) {
        loop {
            let slots: Vec<_> = self
                .slots
                .borrow_mut()
                .iter_mut()
                .filter_map(Option::take)
                .collect();
            if slots.is_empty() {
                break;
            }
            self.live.set(self.live.get() - slots.len());
            drop(slots);
        }
        self.slots.borrow_mut().clear();
        self.free.borrow_mut().clear();
        self.fresh.borrow_mut().clear();
    }
}

/// A task group, made by [`task_group!`](macro@crate::task_group): children started
/// with [`create_task`](Self::create_task) run concurrently with the group's
/// body, and the group ends only when all of them have.
///
/// `'g` is what children may borrow: anything that outlives the group.
pub struct TaskGroup<'g> {
    state: Rc<GroupState<'g>>,
}

impl<'g> TaskGroup<'g> {
    #[doc(hidden)]
    pub fn __new(supervise: bool) -> Self {
        TaskGroup {
            state: Rc::new(GroupState {
                slots: RefCell::new(Vec::new()),
                free: RefCell::new(Vec::new()),
                live: Cell::new(0),
                ready: Arc::new(ReadyList::default()),
                supervise,
                stopping: Cell::new(false),
                cancelled: Cell::new(false),
                closed: Cell::new(false),
                failures: RefCell::new(Vec::new()),
                next_child: Cell::new(1),
                polling: Cell::new(false),
                fresh: RefCell::new(Vec::new()),
            }),
        }
    }

    /// Starts `future` as a child of the group and returns its handle.
    ///
    /// The child starts once the body (or the child calling this) next
    /// suspends. It may borrow anything that outlives the group. Its output is
    /// `()` or a `Result`: an `Err` (or a panic) fails the group.
    pub fn create_task<F>(&self, future: F) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: Future + 'g,
        F::Output: ChildOutcome,
    {
        self.state.create_task(future)
    }

    /// A handle that children can hold to start more children.
    pub fn handle(&self) -> GroupHandle<'g> {
        GroupHandle {
            state: self.state.clone(),
        }
    }

    /// Stops the whole group: every child and the body are cancelled (their
    /// cleanup runs) and the group ends with [`GroupError::Cancelled`].
    pub fn cancel(&self) {
        self.state.cancel();
    }

    /// How many children are still running.
    pub fn running(&self) -> usize {
        self.state.live.get()
    }
}

impl Drop for TaskGroup<'_> {
    fn drop(&mut self) {
        self.state.closed.set(true);
        self.state.drop_children();
    }
}

impl fmt::Debug for TaskGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("running", &self.running())
            .finish()
    }
}

/// A clonable handle to a task group, for children that start more children.
/// It cannot outlive what the group's children borrow.
pub struct GroupHandle<'g> {
    state: Rc<GroupState<'g>>,
}

impl<'g> GroupHandle<'g> {
    /// Starts a child, as [`TaskGroup::create_task`]. After the group ended
    /// the child is cancelled at once.
    pub fn create_task<F>(&self, future: F) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: Future + 'g,
        F::Output: ChildOutcome,
    {
        self.state.create_task(future)
    }

    /// Stops the whole group, as [`TaskGroup::cancel`].
    pub fn cancel(&self) {
        self.state.cancel();
    }
}

impl Clone for GroupHandle<'_> {
    fn clone(&self) -> Self {
        GroupHandle {
            state: self.state.clone(),
        }
    }
}

impl fmt::Debug for GroupHandle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupHandle").finish()
    }
}

/// Marks the end of a group poll, also when the body panics through it.
struct ClearPolling<'s, 'g>(&'s GroupState<'g>);

impl Drop for ClearPolling<'_, '_> {
    fn drop(&mut self) {
        self.0.polling.set(false);
    }
}

/// How a group ended, before it is turned into the macro's result.
struct Ended<R> {
    value: Option<R>,
    failures: Vec<Failure>,
    cancelled: bool,
}

/// The future that runs a group: its body and its children.
struct GroupRun<'a, 'g, B: Future> {
    group: &'a TaskGroup<'g>,
    body: Option<B>,
    value: Option<B::Output>,
    buf: Vec<usize>,
}

impl<B: Future> Future for GroupRun<'_, '_, B> {
    type Output = Ended<B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `body` is structurally pinned (polled and dropped in place,
        // never moved); the other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let state = &*this.group.state;
        state.ready.set_parent(cx.waker());
        state.polling.set(true);
        let _polled = ClearPolling(state);
        // SAFETY: as above: the `Option` holding the body is never moved.
        let mut body = unsafe { Pin::new_unchecked(&mut this.body) };
        if let Some(running) = body.as_mut().as_pin_mut() {
            if !state.stopping.get() {
                match catch_unwind(AssertUnwindSafe(|| running.poll(cx))) {
                    Ok(Poll::Pending) => {}
                    Ok(Poll::Ready(value)) => {
                        this.value = Some(value);
                        body.set(None);
                    }
                    Err(payload) => {
                        body.set(None);
                        state
                            .failures
                            .borrow_mut()
                            .push(Failure::panic("body".to_string(), payload));
                        state.stopping.set(true);
                    }
                }
            }
        }
        state.poll_ready(&mut this.buf);
        if !state.fresh.borrow().is_empty() {
            // Children started by children: they run at the group's next poll.
            cx.waker().wake_by_ref();
        }
        if state.stopping.get() {
            body.set(None);
            state.drop_children();
        }
        if body.is_none() && state.live.get() == 0 {
            state.closed.set(true);
            return Poll::Ready(Ended {
                value: this.value.take(),
                failures: std::mem::take(&mut *state.failures.borrow_mut()),
                cancelled: state.cancelled.get(),
            });
        }
        Poll::Pending
    }
}

impl<B: Future> Drop for GroupRun<'_, '_, B> {
    fn drop(&mut self) {
        // Cancelled from outside (the parent task, a timeout): drop the body,
        // then every child, so all cleanup has run when this returns.
        self.body = None;
        self.group.state.closed.set(true);
        self.group.state.drop_children();
    }
}

fn run<'a, 'g, B: Future + 'a>(group: &'a TaskGroup<'g>, body: B) -> GroupRun<'a, 'g, B> {
    GroupRun {
        group,
        body: Some(body),
        value: None,
        buf: Vec::new(),
    }
}

/// Runs a fail-fast group; what `task_group!(|tg| ..)` expands to.
#[doc(hidden)]
pub async fn __run_group<'a, 'g, B: Future + 'a>(
    group: &'a TaskGroup<'g>,
    body: B,
) -> Result<B::Output, GroupError> {
    let ended = run(group, body).await;
    if !ended.failures.is_empty() {
        return Err(GroupError::Failed(ended.failures));
    }
    match ended.value {
        Some(value) if !ended.cancelled => Ok(value),
        _ => Err(GroupError::Cancelled),
    }
}

/// Runs a supervising group; what `task_group!(supervise |tg| ..)` expands
/// to. Children's failures do not cancel anything; they are returned beside
/// the body's value.
#[doc(hidden)]
pub async fn __run_supervised<'a, 'g, B: Future + 'a>(
    group: &'a TaskGroup<'g>,
    body: B,
) -> Result<(B::Output, Vec<Failure>), GroupError> {
    let ended = run(group, body).await;
    match ended.value {
        Some(value) if !ended.cancelled => Ok((value, ended.failures)),
        _ if ended.failures.is_empty() => Err(GroupError::Cancelled),
        _ => Err(GroupError::Failed(ended.failures)),
    }
}
