//! Awaiting a task's handle is a catch point (asyncio's rule): a
//! cancellation of the awaiting side is forwarded to the task, and the await
//! goes on waiting for the task's outcome.

use crate::cancel::{reraise, take_catchable, CancelRegistry, CatcherSlot};
use crate::runtime::with_current;
use crate::task::error::TaskError;
use crate::task::handle::Task;
use crate::task::root;
use std::task::Context;

impl<T> Task<T> {
    /// The await is waiting: it is a catch point. A cancellation of the
    /// awaiting side is forwarded to the task (once).
    pub(crate) fn wait(&self, cx: &mut Context<'_>) {
        let meta = self.meta();
        let key = meta.registry_key();
        let on_its_loop = with_current(|core| {
            if core.id != meta.loop_id() {
                return false;
            }
            let registry = CancelRegistry::of(core);
            let mut awaiting = registry.awaiting(key);
            if !meta.is_awaited() {
                awaiting = Default::default();
            }
            if !awaiting.forwarded {
                if let Some(cancelled) = take_catchable(core, &registry) {
                    awaiting.forwarded = true;
                    awaiting.forwarded_from = cancelled.origin;
                    root::request_cancel(meta, false, cancelled, None);
                    meta.wake_to_cancel();
                }
            }
            let mut slot = CatcherSlot::from_key(awaiting.catcher);
            slot.wait(core, &registry, cx.waker());
            awaiting.catcher = slot.key();
            registry.set_awaiting(key, awaiting);
            meta.set_awaited(true);
            true
        });
        if on_its_loop != Some(true) {
            panic!(
                "aio: a Task was awaited outside the event loop that runs it; await a task \
                 on its own loop (to hand work to another loop, use run_coroutine_threadsafe)"
            );
        }
    }

    /// The task finished while awaited: the catch point leaves. True when
    /// the awaiting side must end cancelled (its cancellation was forwarded
    /// and the task ended cancelled).
    pub(crate) fn end_await(&self, error: Option<&TaskError>) -> bool {
        let meta = self.meta();
        meta.set_awaited(false);
        with_current(|core| {
            let registry = CancelRegistry::of(core);
            let awaiting = registry.awaiting(meta.registry_key());
            registry.set_awaiting(meta.registry_key(), Default::default());
            CatcherSlot::from_key(awaiting.catcher).release(&registry);
            let passed_on = awaiting.forwarded && error.is_some_and(TaskError::is_cancelled);
            if passed_on {
                reraise(core, &registry, awaiting.forwarded_from);
            }
            passed_on
        })
        .unwrap_or(false)
    }
}
