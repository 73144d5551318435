//! What the loop knows about each task, stored inside the task's own allocation.

use crate::current::with_current;
use crate::remote::{Remote, RemoteItem};
use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

const CANCEL_REQUESTED: u8 = 1;
const DONE: u8 = 2;
const CANCELLED: u8 = 4;
/// Set on the tasks that carry a plain callback (`call_soon`, `call_later`):
/// they are not listed by `all_tasks()`.
const INTERNAL: u8 = 8;
/// Set on `shield`ed tasks: `run` waits for them rather than cancelling them.
const SHIELDED: u8 = 16;
/// Set once the task handle took the outcome out of the task.
const TAKEN: u8 = 32;

/// A done callback, type-erased: it receives `&Result<T, TaskError>` as `&dyn Any`.
pub(crate) type DoneCallback = Box<dyn FnOnce(&dyn Any)>;

/// Per-task bookkeeping. It lives in the `async-task` allocation (as its
/// metadata) for spawned tasks, and in the loop for the main future.
pub(crate) struct TaskMeta {
    pub(crate) id: u64,
    state: Cell<u8>,
    /// The loop's thread-safe side: how wake-ups and cancel requests reach it.
    pub(crate) remote: Arc<Remote>,
    /// Where this task sits in the loop's registry.
    registry_key: Cell<u32>,
    /// Rarely used parts, allocated on first use so that a plain task stays small.
    extra: Cell<Option<Box<Extra>>>,
}

#[derive(Default)]
struct Extra {
    name: Option<Cow<'static, str>>,
    callbacks: Vec<DoneCallback>,
}

impl TaskMeta {
    pub(crate) fn new(id: u64, remote: Arc<Remote>) -> Self {
        TaskMeta {
            id,
            state: Cell::new(0),
            remote,
            registry_key: Cell::new(u32::MAX),
            extra: Cell::new(None),
        }
    }

    pub(crate) fn request_cancel(&self) -> bool {
        let state = self.state.get();
        if state & DONE != 0 {
            return false;
        }
        self.state.set(state | CANCEL_REQUESTED);
        true
    }

    pub(crate) fn cancel_requested(&self) -> bool {
        self.state.get() & CANCEL_REQUESTED != 0
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state.get() & DONE != 0
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.state.get() & CANCELLED != 0
    }

    pub(crate) fn mark_internal(&self) {
        self.state.set(self.state.get() | INTERNAL);
    }

    /// Where this task sits in the loop's registry.
    pub(crate) fn registry_key(&self) -> usize {
        self.registry_key.get() as usize
    }

    pub(crate) fn set_registry_key(&self, key: usize) {
        let key = u32::try_from(key).expect("more than 4 billion live tasks on one loop");
        self.registry_key.set(key);
    }

    /// Runs `f` on the rarely used parts, allocating them on first use.
    fn with_extra(&self, f: impl FnOnce(&mut Extra)) {
        let mut extra = self.extra.take().unwrap_or_default();
        f(&mut extra);
        self.extra.set(Some(extra));
    }

    pub(crate) fn mark_taken(&self) {
        self.state.set(self.state.get() | TAKEN);
    }

    pub(crate) fn is_taken(&self) -> bool {
        self.state.get() & TAKEN != 0
    }

    /// Wakes the task so that it sees a cancel request: directly when its loop
    /// runs on this thread, else through the loop's injection queue.
    pub(crate) fn wake_to_cancel(&self) {
        let key = self.registry_key();
        let loop_id = self.remote.loop_id;
        let woken = with_current(|core| {
            if core.id == loop_id {
                core.wake_task(key);
            }
            core.id == loop_id
        });
        if woken != Some(true) {
            self.remote.push(RemoteItem::Call(Box::new(move || {
                with_current(|core| {
                    if core.id == loop_id {
                        core.wake_task(key);
                    }
                });
            })));
        }
    }

    pub(crate) fn mark_shielded(&self) {
        self.state.set(self.state.get() | SHIELDED);
    }

    pub(crate) fn is_shielded(&self) -> bool {
        self.state.get() & SHIELDED != 0
    }

    pub(crate) fn is_internal(&self) -> bool {
        self.state.get() & INTERNAL != 0
    }

    pub(crate) fn mark_done(&self, cancelled: bool) {
        let bits = if cancelled { DONE | CANCELLED } else { DONE };
        self.state.set(self.state.get() | bits);
    }

    /// The task's name: the one it was given, or asyncio's `Task-<id>`.
    pub(crate) fn name(&self) -> String {
        let extra = self.extra.take();
        let name = match extra.as_ref().and_then(|e| e.name.as_ref()) {
            Some(name) => name.to_string(),
            None => format!("Task-{}", self.id),
        };
        self.extra.set(extra);
        name
    }

    pub(crate) fn set_name(&self, name: Cow<'static, str>) {
        self.with_extra(|extra| extra.name = Some(name));
    }

    pub(crate) fn push_callback(&self, callback: DoneCallback) {
        self.with_extra(|extra| extra.callbacks.push(callback));
    }

    /// Runs the done callbacks, in the order they were added.
    pub(crate) fn run_callbacks(&self, outcome: &dyn Any) {
        // Most tasks have no callbacks and no extra parts: nothing to allocate.
        let Some(mut extra) = self.extra.take() else {
            return;
        };
        let callbacks = std::mem::take(&mut extra.callbacks);
        self.extra.set(Some(extra));
        for callback in callbacks {
            // A panicking callback is reported by the panic hook; the others
            // still run and the task still completes.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(outcome)));
        }
    }
}
