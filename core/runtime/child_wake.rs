//! Wake-ups of task group children: each child has a small thread-safe waker
//! that queues its index and wakes the task running the group.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Wake, Waker};

/// The indices of the children woken since the group last looked, and the
/// waker of the task that runs the group.
#[derive(Default)]
pub(crate) struct ReadyList {
    inner: Mutex<ReadyInner>,
}

#[derive(Default)]
struct ReadyInner {
    ready: Vec<usize>,
    parent: Option<Waker>,
}

impl ReadyList {
    fn lock(&self) -> MutexGuard<'_, ReadyInner> {
        // Nothing that can panic runs under this lock.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_parent(&self, waker: &Waker) {
        let mut inner = self.lock();
        match &inner.parent {
            Some(parent) if parent.will_wake(waker) => {}
            _ => inner.parent = Some(waker.clone()),
        }
    }

    /// Takes the queued indices into `into` (emptied first).
    pub(crate) fn take(&self, into: &mut Vec<usize>) {
        into.clear();
        std::mem::swap(&mut self.lock().ready, into);
    }

    pub(crate) fn wake_parent(&self) {
        let parent = self.lock().parent.clone();
        if let Some(parent) = parent {
            parent.wake();
        }
    }

    fn push(&self, index: usize) {
        let parent = {
            let mut inner = self.lock();
            inner.ready.push(index);
            inner.parent.clone()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

/// The waker of one child.
pub(crate) struct ChildWake {
    index: usize,
    list: Arc<ReadyList>,
    queued: AtomicBool,
}

impl ChildWake {
    pub(crate) fn new(index: usize, list: Arc<ReadyList>) -> Arc<ChildWake> {
        Arc::new(ChildWake {
            index,
            list,
            queued: AtomicBool::new(false),
        })
    }

    /// Called just before the child is polled: a wake-up from now on queues it
    /// again.
    pub(crate) fn unqueue(&self) {
        self.queued.store(false, Ordering::Release);
    }
}

impl Wake for ChildWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.list.push(self.index);
        }
    }
}
