//! One child of a task group: the future that runs it and the handle the body
//! holds.

use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::{ChildError, Failure};
use crate::task::panic_message;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What a child and its handle share: the outcome, and the ways to cancel it.
pub(crate) struct ChildCell<T> {
    /// The child's number in its group; its name is `child-<number>`.
    number: u64,
    outcome: RefCell<Option<Result<T, ChildError>>>,
    /// The task awaiting the handle.
    waiter: RefCell<Option<Waker>>,
    cancel_requested: Cell<bool>,
    /// The child's own waker, to deliver a cancel request.
    pub(crate) waker: RefCell<Option<Waker>>,
}

impl<T> ChildCell<T> {
    pub(crate) fn new(number: u64) -> Rc<Self> {
        Rc::new(ChildCell {
            number,
            outcome: RefCell::new(None),
            waiter: RefCell::new(None),
            cancel_requested: Cell::new(false),
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
}

impl<F> Future for ChildRun<F, <F::Output as ChildOutcome>::Value>
where
    F: Future,
    F::Output: ChildOutcome,
{
    type Output = Option<Failure>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Failure>> {
        // SAFETY: `future` is structurally pinned: polled in place, dropped in
        // place with `Pin::set`, never moved out; `cell` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above, the `Option` holding the future is never moved.
        let mut slot = unsafe { Pin::new_unchecked(&mut this.future) };
        let Some(future) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(None);
        };
        if this.cell.cancel_requested.get() {
            slot.set(None);
            this.cell.finish(Err(ChildError::Cancelled));
            return Poll::Ready(None);
        }
        let polled = catch_unwind(AssertUnwindSafe(|| future.poll(cx)));
        let (outcome, failure) = match polled {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => match output.into_outcome() {
                Ok(value) => (Ok(value), None),
                Err((message, error)) => (
                    Err(ChildError::Failed(message.clone())),
                    Some(Failure::returned(this.cell.name(), message, error)),
                ),
            },
            Err(payload) => {
                let message = panic_message(payload.as_ref()).unwrap_or("").to_string();
                (
                    Err(ChildError::Failed(format!("panicked: {message}"))),
                    Some(Failure::panic(this.cell.name(), payload)),
                )
            }
        };
        slot.set(None);
        this.cell.finish(outcome);
        Poll::Ready(failure)
    }
}

impl<F, T> Drop for ChildRun<F, T> {
    fn drop(&mut self) {
        // Dropped before finishing: the child was cancelled. Its future is
        // dropped first (the field), so its cleanup has run when the handle
        // learns it.
        self.future = None;
        self.cell.finish(Err(ChildError::Cancelled));
    }
}

/// The handle of a task group child, returned by `create_task`.
///
/// Await it for the child's value, or read it without waiting with
/// [`result`](Self::result) — also after the group ended, when every child is
/// done. Dropping the handle does not affect the child.
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
    /// it already finished.
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.cell.cancel_requested.set(true);
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
