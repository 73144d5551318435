//! Task groups: asyncio's `async with TaskGroup() as tg`, the state behind
//! [`task_group!`](macro@crate::task_group) (its `tg` is in `task_group.rs`).
//!
//! Children are not loop tasks. They are futures owned by the group's state and
//! polled by the future that runs the group, so they may borrow anything that
//! outlives the group (`'g`), and soundness does not rest on a destructor
//! running: if the enclosing future is leaked (`mem::forget`), the children are
//! leaked with it and never polled again; whenever the group's state is
//! dropped, every child is dropped first, while `'g` is still alive (the state
//! can only be reached through values bounded by `'g`).

use crate::cancel::{CancelReason, CancelRegistry, CancelState, Cancelled};
use crate::runtime::{ChildNode, LoopCore, Polling, ReadyList};
use crate::runtime::{ChildWake, GroupNode, begin_poll, end_poll, recording, with_current};
use crate::scope::child::{Child, ChildCell, ChildRun};
use crate::scope::child_handle::ChildHandle;
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::Failure;
use crate::scope::group_listing::PollingChild;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::future::IntoFuture;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

pub(crate) struct Slot<'g> {
    pub(crate) child: Pin<Box<dyn Child + 'g>>,
    pub(crate) wake: Arc<ChildWake>,
    pub(crate) waker: Waker,
}

pub(crate) struct GroupState<'g> {
    pub(crate) slots: RefCell<Vec<Option<Slot<'g>>>>,
    pub(crate) free: RefCell<Vec<usize>>,
    pub(crate) live: Cell<usize>,
    pub(crate) ready: Arc<ReadyList>,
    pub(crate) supervise: bool,
    /// The bound on the cleanup of children (and body) the group cancels.
    pub(crate) grace: Option<Duration>,
    /// Why the group stops (a failure, `cancel()`, a cancellation from
    /// outside): no child starts any more, and the rest are cancelled.
    pub(crate) stopping: RefCell<Option<Rc<Cancelled>>>,
    /// Set by `tg.cancel()`.
    pub(crate) cancelled: RefCell<Option<Cancelled>>,
    /// Set when the group ended: later children are cancelled at once.
    pub(crate) closed: Cell<bool>,
    pub(crate) failures: RefCell<Vec<Failure>>,
    next_child: Cell<u64>,
    /// True while the group's future polls the body and children: children
    /// created then are polled in the same pass, with no wake-up needed.
    pub(crate) polling: Cell<bool>,
    /// Children created but not yet polled.
    pub(crate) fresh: RefCell<Vec<usize>>,
    /// The group's scope: its children and body nest in it.
    pub(crate) scope: CancelState,
    /// The body's own scope, cancelled with the children.
    pub(crate) body: CancelState,
    /// The group as the loop lists it (name, place, children).
    pub(crate) node: Rc<GroupNode>,
    /// The child being polled (out of `slots` meanwhile), with its slot: its
    /// node, not the child, which the poll borrows mutably.
    pub(crate) polling_child: RefCell<Option<(usize, Rc<dyn ChildNode>)>>,
    /// The body's waker: it marks the body woken and wakes the group's task,
    /// so that the body is polled only when something it waits on woke it,
    /// not at every wake-up of a child.
    body_wake: Arc<BodyWake>,
    pub(crate) body_waker: Waker,
}

/// What the body's waker sets.
struct BodyWake {
    /// Woken since its last poll (true at first: the body starts).
    woken: AtomicBool,
    ready: Arc<ReadyList>,
}

impl Wake for BodyWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) {
            self.ready.wake_parent();
        }
    }
}

impl<'g> GroupState<'g> {
    /// The state of a group opened at `location` (the `task_group!` call),
    /// listed in the loop's tree of groups.
    pub(crate) fn new(
        supervise: bool,
        grace: Option<Duration>,
        location: &'static Location<'static>,
    ) -> Rc<Self> {
        let node = with_current(|core| core.open_group(location))
            .unwrap_or_else(|| Rc::new(GroupNode::new(0, "group".into(), 0, location, None)));
        let ready = Arc::new(ReadyList::default());
        let body_wake = Arc::new(BodyWake {
            woken: AtomicBool::new(true),
            ready: ready.clone(),
        });
        let body_waker = Waker::from(body_wake.clone());
        Rc::new(GroupState {
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            live: Cell::new(0),
            ready,
            supervise,
            grace,
            stopping: RefCell::new(None),
            cancelled: RefCell::new(None),
            closed: Cell::new(false),
            failures: RefCell::new(Vec::new()),
            next_child: Cell::new(1),
            polling: Cell::new(false),
            fresh: RefCell::new(Vec::new()),
            scope: CancelState::default(),
            body: CancelState::default(),
            node,
            polling_child: RefCell::new(None),
            body_wake,
            body_waker,
        })
    }

    pub(crate) fn create_task<F>(
        &self,
        future: F,
        name: Option<Cow<'static, str>>,
        location: &'static Location<'static>,
    ) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: IntoFuture,
        F::IntoFuture: 'g,
        F::Output: ChildOutcome,
    {
        let n = self.next_child.get();
        self.next_child.set(n + 1);
        let created = recording()
            .then(|| with_current(|core| core.now()))
            .flatten();
        let cell = ChildCell::new(n, self.node.clone(), name, location);
        let handle = ChildHandle::new(cell.clone());
        if self.stopping.borrow().is_some() || self.closed.get() {
            // A child created after the group decided to stop never runs.
            let why = self
                .stopping
                .borrow()
                .as_deref()
                .cloned()
                .unwrap_or_else(|| Cancelled::new(CancelReason::LoopShutdown));
            cell.state.request(why, None);
            drop(ChildRun::new(future.into_future(), cell));
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
        cell.waker.set(Some(waker.clone()));
        if let Some(created) = created {
            self.node.child_started(index, created);
        }
        self.slots.borrow_mut()[index] = Some(Slot {
            child: Box::pin(ChildRun::new(future.into_future(), cell)),
            wake,
            waker,
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

    pub(crate) fn cancel(&self, location: &'static Location<'static>) {
        if !self.closed.get() && self.stopping.borrow().is_none() {
            let cancelled = Cancelled::new(CancelReason::GroupCancelled { location });
            *self.cancelled.borrow_mut() = Some(cancelled.clone());
            *self.stopping.borrow_mut() = Some(Rc::new(cancelled));
            self.ready.wake_parent();
        }
    }

    /// True when something woke the body since its last poll (which is due
    /// now); a wake-up from now on marks it again.
    pub(crate) fn body_due(&self) -> bool {
        self.body_wake.woken.swap(false, Ordering::AcqRel)
    }

    /// Polls the children woken since the last look (also those the body
    /// just woke), then the fresh ones, each at most once; a child created
    /// in this pass after the group decided to stop is not.
    pub(crate) fn poll_ready(&self, core: &LoopCore, buf: &mut Vec<usize>) {
        self.ready.take(buf);
        if self.stopping.borrow().is_none() {
            buf.append(&mut self.fresh.borrow_mut());
        }
        // Groups opened inside a child nest under it.
        let _children = core.inspect.enter(Polling::Children(&*self.node));
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
            let polled = {
                // Listed while it is out of `slots`.
                let _listed = PollingChild::new(self, index, &*slot.child);
                if core.inspect.recording() {
                    let outer = begin_poll();
                    let polled = slot.child.as_mut().poll_child(&mut cx, core);
                    self.node.set_wait(index, end_poll(outer));
                    polled
                } else {
                    slot.child.as_mut().poll_child(&mut cx, core)
                }
            };
            match polled {
                Poll::Pending => self.slots.borrow_mut()[index] = Some(slot),
                Poll::Ready(failure) => {
                    self.free.borrow_mut().push(index);
                    self.live.set(self.live.get() - 1);
                    if let Some(failure) = failure {
                        self.fail(*failure);
                    }
                }
            }
        }
    }

    /// Records a failure; a fail-fast group stops.
    pub(crate) fn fail(&self, failure: Failure) {
        let child = failure.task.clone();
        self.failures.borrow_mut().push(failure);
        if !self.supervise && self.stopping.borrow().is_none() {
            *self.stopping.borrow_mut() =
                Some(Rc::new(Cancelled::new(CancelReason::SiblingFailed {
                    child,
                })));
        }
    }

    /// Cancels every child still running with the group's reason: those with
    /// nothing inside to catch it are dropped now (one by one; a panic in
    /// one's cleanup is one more failure), the others are woken to receive it.
    pub(crate) fn cancel_children(&self, core: &LoopCore) {
        let Some(why) = self.stopping.borrow().clone() else {
            return;
        };
        let grace_until = self
            .grace
            .and_then(|g| crate::time::deadline_after(core.now(), g));
        let registry = CancelRegistry::of(core);
        let slots = self.slots.borrow().len();
        for index in 0..slots {
            let Some(mut slot) = self
                .slots
                .borrow_mut()
                .get_mut(index)
                .and_then(Option::take)
            else {
                continue;
            };
            if slot.child.cancel(&registry, &why, grace_until) {
                if let Some(failure) = slot.child.as_mut().drop_now(Some(&why)) {
                    self.failures.borrow_mut().push(*failure);
                }
                drop(slot);
                self.free.borrow_mut().push(index);
                self.live.set(self.live.get() - 1);
            } else {
                self.slots.borrow_mut()[index] = Some(slot);
            }
        }
        self.fresh.borrow_mut().clear();
    }

    /// Drops every child still running, one by one (the group itself is
    /// dropped); a panic in a child's cleanup does not escape.
    pub(crate) fn drop_children(&self) {
        loop {
            let slot = self.slots.borrow_mut().iter_mut().find_map(Option::take);
            let Some(mut slot) = slot else { break };
            self.live.set(self.live.get().saturating_sub(1));
            let _ = slot.child.as_mut().drop_now(None);
        }
        self.slots.borrow_mut().clear();
        self.free.borrow_mut().clear();
        self.fresh.borrow_mut().clear();
    }
}
