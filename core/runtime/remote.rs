//! The thread-safe side of a loop: the injection queue other threads push into,
//! and the poller that parks the loop and that they notify.

use crate::runtime::current::with_current;
use crate::runtime::loop_core::{LoopCore, Ready};
use crate::runtime::poller::Poller;
use crate::runtime::task_meta::TaskMeta;
use async_task::Runnable;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};

/// Names a loop. Tasks name their loop by this id rather than by a pointer,
/// which keeps every task's metadata 8 bytes smaller.
pub(crate) type LoopId = u32;

/// The remote side of every loop alive, by id: how a wake-up made on another
/// thread finds the loop of a task. Only cross-thread wake-ups read it.
static LOOPS: RwLock<BTreeMap<LoopId, Weak<Remote>>> = RwLock::new(BTreeMap::new());

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
    pub(crate) loop_id: LoopId,
    /// Outstanding work outside the loop (threads, I/O) that the virtual clock
    /// must wait for instead of jumping; counted across threads.
    pub(crate) outside_work: AtomicUsize,
    /// A signal this loop listens to arrived (set by the signal handler).
    pub(crate) signal_pending: AtomicBool,
}

impl Remote {
    pub(crate) fn new(loop_id: LoopId, poller: Poller) -> Arc<Remote> {
        let remote = Arc::new(Remote {
            queue: Mutex::new(Vec::new()),
            pending: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            poller,
            loop_id,
            outside_work: AtomicUsize::new(0),
            signal_pending: AtomicBool::new(false),
        });
        let mut loops = LOOPS.write().unwrap_or_else(|e| e.into_inner());
        loops.insert(loop_id, Arc::downgrade(&remote));
        remote
    }

    /// The remote side of the loop with this id, while that loop is alive.
    pub(crate) fn find(loop_id: LoopId) -> Option<Arc<Remote>> {
        let loops = LOOPS.read().unwrap_or_else(|e| e.into_inner());
        loops.get(&loop_id).and_then(Weak::upgrade)
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

    /// Routes a task's wake-up to the loop its metadata names (looking the
    /// loop up only on the cross-thread path).
    pub(crate) fn schedule_task(runnable: Runnable<TaskMeta>) {
        let loop_id = runnable.metadata().loop_id();
        let mut item = Some(Ready::Task(runnable));
        with_current(|core| {
            if core.id == loop_id {
                core.push_ready(item.take().expect("taken once"));
            }
        });
        let Some(item) = item else { return };
        match Remote::find(loop_id) {
            Some(remote) => remote.push(RemoteItem::Ready(SendReady(item))),
            // The loop is gone, and with it every task's future: leak the
            // entry, as `push` does on a closed loop.
            None => std::mem::forget(item),
        }
    }

    /// Runs `f` on the loop `loop_id`: at once when that loop is the one
    /// running on this thread, else when it next runs (through its injection
    /// queue). Nothing happens if the loop is gone.
    pub(crate) fn on_loop(loop_id: LoopId, f: impl Fn(&LoopCore) + Copy + Send + 'static) {
        let here = with_current(|core| {
            if core.id == loop_id {
                f(core);
            }
            core.id == loop_id
        });
        if here == Some(true) {
            return;
        }
        if let Some(remote) = Remote::find(loop_id) {
            remote.push(RemoteItem::Call(Box::new(move || {
                with_current(|core| {
                    if core.id == loop_id {
                        f(core);
                    }
                });
            })));
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
        // SeqCst: ordered with the poller's wake-up flag (see `Poller`).
        self.pending.store(true, Ordering::SeqCst);
        let _ = self.poller.notify();
    }

    /// Like [`push`](Self::push), but gives the item back if the loop has
    /// closed (the caller says so rather than dropping it silently).
    pub(crate) fn try_push(&self, item: RemoteItem) -> Result<(), RemoteItem> {
        if self.closed.load(Ordering::Acquire) {
            return Err(item);
        }
        self.push(item);
        Ok(())
    }

    /// True when other threads handed over something since the last `take`.
    pub(crate) fn has_pending(&self) -> bool {
        self.pending.load(Ordering::SeqCst)
    }

    /// Takes everything queued; only the loop's own thread calls this.
    pub(crate) fn take(&self, into: &mut Vec<RemoteItem>) {
        if self.pending.swap(false, Ordering::AcqRel) {
            std::mem::swap(&mut *self.lock(), into);
        }
    }

    /// One counted outside job now waits on this loop itself (a thread blocked
    /// on a future the loop runs): it no longer holds a virtual clock back.
    pub(crate) fn outside_work_waits_on_loop(&self) {
        self.outside_work.fetch_sub(1, Ordering::AcqRel);
        // The loop may be parked waiting on this work: let it look again.
        let _ = self.poller.notify();
    }

    /// The job of [`outside_work_waits_on_loop`](Self::outside_work_waits_on_loop)
    /// is working again; called before it is woken.
    pub(crate) fn outside_work_resumes(&self) {
        self.outside_work.fetch_add(1, Ordering::AcqRel);
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
        let mut loops = LOOPS.write().unwrap_or_else(|e| e.into_inner());
        // Only this loop's own entry (ids wrap after 2^32 loops).
        if loops
            .get(&self.loop_id)
            .is_some_and(|w| std::ptr::eq(w.as_ptr(), self))
        {
            loops.remove(&self.loop_id);
        }
        drop(loops);
        let queue = std::mem::take(self.queue.get_mut().unwrap_or_else(|e| e.into_inner()));
        for item in queue {
            if let RemoteItem::Ready(ready) = item {
                std::mem::forget(ready);
            }
        }
    }
}
