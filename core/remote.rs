//! The thread-safe side of a loop: the injection queue other threads push into,
//! and the poller that parks the loop and that they notify.

use crate::current::with_current;
use crate::loop_core::Ready;
use crate::task_meta::TaskMeta;
use async_task::Runnable;
use polling::Poller;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// What other threads hand to the loop.
pub(crate) enum RemoteItem {
    Ready(SendReady),
    Call(Box<dyn FnOnce() + Send>),
}

/// A run-queue entry on its way from another thread to the loop's thread.
pub(crate) struct SendReady(pub(crate) Ready);

// SAFETY: a `SendReady` is only moved through the injection queue. The loop's
// thread is the only one that takes entries out to run or drop them
// (`Remote::take`); entries still queued when the queue itself is dropped are
// leaked, never dropped (see `Drop for Remote`), so a task's `!Send` future and
// metadata are never touched by another thread.
unsafe impl Send for SendReady {}

pub(crate) struct Remote {
    queue: Mutex<Vec<RemoteItem>>,
    pending: AtomicBool,
    closed: AtomicBool,
    pub(crate) poller: Poller,
    /// Identifies the loop; compared with the running loop's to route wake-ups.
    pub(crate) loop_id: usize,
    /// Outstanding work outside the loop (threads, I/O) that the virtual clock
    /// must wait for instead of jumping; counted across threads.
    pub(crate) outside_work: AtomicUsize,
}

impl Remote {
    pub(crate) fn new(loop_id: usize) -> Arc<Remote> {
        let poller = Poller::new().unwrap_or_else(|e| {
            panic!("aio could not create the OS poller (epoll/kqueue) for its event loop: {e}")
        });
        Arc::new(Remote {
            queue: Mutex::new(Vec::new()),
            pending: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            poller,
            loop_id,
            outside_work: AtomicUsize::new(0),
        })
    }

    /// Routes a wake-up: straight into the run queue when this loop is the one
    /// running on the calling thread, else through the injection queue.
    pub(crate) fn schedule(&self, item: Ready) {
        let mut item = Some(item);
        with_current(|core| {
            if core.id == self.loop_id {
                core.push_ready(item.take().expect("taken once"));
            }
        });
        let Some(item) = item else { return };
        self.push(RemoteItem::Ready(SendReady(item)));
    }

    /// Routes a task's wake-up, reaching its loop through the task's metadata
    /// (cloning the `Arc` only on the cross-thread path).
    pub(crate) fn schedule_task(runnable: Runnable<TaskMeta>) {
        let loop_id = runnable.metadata().remote.loop_id;
        let mut item = Some(Ready::Task(runnable));
        with_current(|core| {
            if core.id == loop_id {
                core.push_ready(item.take().expect("taken once"));
            }
        });
        if let Some(Ready::Task(runnable)) = item {
            let remote = runnable.metadata().remote.clone();
            remote.push(RemoteItem::Ready(SendReady(Ready::Task(runnable))));
        }
    }

    /// Hands an item to the loop from any thread and wakes the loop if parked.
    pub(crate) fn push(&self, item: RemoteItem) {
        if self.closed.load(Ordering::Acquire) {
            // The loop is gone: there is nothing left to run this on. Leak task
            // wake-ups (dropping them here could touch `!Send` task state on the
            // wrong thread); plain calls are `Send` and are simply dropped.
            if let RemoteItem::Ready(ready) = item {
                std::mem::forget(ready);
            }
            return;
        }
        self.lock().push(item);
        self.pending.store(true, Ordering::Release);
        let _ = self.poller.notify();
    }

    /// True when other threads handed over something since the last `take`.
    pub(crate) fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Takes everything queued; only the loop's own thread calls this.
    pub(crate) fn take(&self, into: &mut Vec<RemoteItem>) {
        if self.pending.swap(false, Ordering::AcqRel) {
            std::mem::swap(&mut *self.lock(), into);
        }
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<RemoteItem>> {
        // A panic never happens while the lock is held (pushes and swaps only).
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        let queue = std::mem::take(self.queue.get_mut().unwrap_or_else(|e| e.into_inner()));
        for item in queue {
            if let RemoteItem::Ready(ready) = item {
                std::mem::forget(ready);
            }
        }
    }
}
