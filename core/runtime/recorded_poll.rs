//! A poll while the loop records (see `inspect.rs`): what the task waits
//! on afterwards is kept, and in debug mode a poll (or callback) that held
//! the loop longer than `slow_callback_duration` is reported.
//!
//! Reading the clock costs tens of nanoseconds, so a poll is timed from the
//! end of the previous one in the same turn (the loop clears that mark at
//! each turn's start): one reading per poll.

use crate::runtime::inspect::TaskRecord;
use crate::runtime::loop_core::LoopCore;
use crate::runtime::report;
use crate::runtime::task_meta::TaskMeta;
use crate::runtime::wait_reason::{self, Wait};
use async_task::Runnable;
use std::panic::Location;
use std::time::{Duration, Instant};

impl LoopCore {
    /// Runs `f`, returning how long it held the loop.
    fn timed(&self, f: impl FnOnce()) -> Duration {
        let started = self.inspect.mark.take().unwrap_or_else(Instant::now);
        f();
        let ended = Instant::now();
        self.inspect.mark.set(Some(ended));
        ended - started
    }

    /// A new turn: the time since the last poll is not a poll's.
    pub(super) fn clear_mark(&self) {
        self.inspect.mark.set(None);
    }

    fn is_slow(&self, held: Duration) -> bool {
        held > self.inspect.slow_callback_duration()
    }

    /// Runs one spawned task's poll while recording: notes what it waits on
    /// and, in debug mode, reports a poll that held the loop too long.
    pub(super) fn run_recorded(&self, runnable: Runnable<TaskMeta>) {
        let meta: *const TaskMeta = runnable.metadata();
        // SAFETY: the metadata lives in the task's allocation, which the
        // runnable keeps alive until it has run.
        let key = unsafe { (*meta).registry_key() };
        let outer = wait_reason::begin_poll();
        if !self.inspect.debug() {
            runnable.run();
        } else {
            // Keeps the task's allocation, and so its metadata, alive through
            // the poll (which may end the task) for the report.
            let _alive = runnable.waker();
            let held = self.timed(|| {
                runnable.run();
            });
            if self.is_slow(held) {
                // SAFETY: `_alive` keeps the allocation alive (see above); the
                // metadata is read on the loop's thread, which owns it.
                let meta = unsafe { &*meta };
                let location = self.inspect.task(meta).location;
                report::slow_poll(&meta.name(), meta.is_internal(), location, held);
            }
        }
        let wait = wait_reason::end_poll(outer);
        self.inspect.set_wait(key, wait);
    }

    /// Polls the main future while recording (see `run_recorded`).
    pub(super) fn poll_main_recorded<R>(&self, poll: impl FnOnce() -> R) -> R {
        let outer = wait_reason::begin_poll();
        let mut record = self.inspect.main.get();
        let polled = if self.inspect.debug() {
            let mut polled = None;
            let held = self.timed(|| polled = Some(poll()));
            if self.is_slow(held) {
                let name = self.main.borrow().as_ref().map(|m| m.meta.name());
                report::slow_poll(&name.unwrap_or_default(), false, record.location, held);
            }
            polled.expect("the poll ran")
        } else {
            poll()
        };
        record.wait = wait_reason::end_poll(outer);
        self.inspect.main.set(record);
        polled
    }

    /// Runs a plain callback (`call_soon`, a due `call_at`, or one handed
    /// over by another thread); in debug mode, reports it if slow, with
    /// where it was scheduled when it said so.
    pub(super) fn run_call(&self, call: impl FnOnce()) {
        if !self.inspect.debug() {
            call();
            return;
        }
        self.inspect.scheduled_at.set(None);
        let held = self.timed(call);
        if self.is_slow(held) {
            let location = self.inspect.scheduled_at.take();
            report::slow_poll("", true, location, held);
        }
    }

    /// Records where and when a task was spawned (out of the spawn's way:
    /// most loops do not record).
    #[inline(never)]
    pub(super) fn record_spawn(
        &self,
        key: usize,
        meta: &TaskMeta,
        location: &'static Location<'static>,
    ) {
        self.inspect.spawned(key, meta.id(), location, self.now());
    }

    /// Starts the record of the main task: where it was run from, and when.
    pub(crate) fn begin_main(&self, location: &'static Location<'static>) {
        let spawned = self.inspect.recording().then(|| self.now());
        self.inspect.main.set(TaskRecord {
            id: 0,
            location: Some(location),
            spawned,
            wait: Wait::Unknown,
            detached: false,
        });
    }
}
