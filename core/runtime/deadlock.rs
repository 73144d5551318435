//! A loop that can never be woken again: the main future waits, no task is
//! ready, no timer is set, no socket, thread, process or signal is awaited,
//! and nothing was handed over from another thread. On a virtual clock this
//! is certain (time cannot move either), so the loop panics with the task
//! tree, which shows who waits on what; on the real clock, debug mode
//! reports it once per idle spell and the loop goes on waiting.
//!
//! A `Promise` or a `LoopHandle` held by a plain thread can still wake the
//! loop without being counted, so the loop first waits `DEADLOCK_GRACE` of
//! real time for such a wake-up before it declares the deadlock.

use crate::runtime::loop_core::LoopCore;
use crate::runtime::report::{self, Level};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Real time a loop with nothing to do waits for an uncounted wake-up from
/// another thread before it declares a deadlock.
pub(crate) const DEADLOCK_GRACE: Duration = Duration::from_millis(100);

impl LoopCore {
    /// True when nothing counted can wake the loop while its main future
    /// waits.
    pub(super) fn is_stuck(&self) -> bool {
        self.main.borrow().is_some()
            && self.ready.borrow().is_empty()
            && !self.remote.has_pending()
            && !self.remote.signal_pending.load(Ordering::Acquire)
            && self.remote.outside_work.load(Ordering::Acquire) == 0
            && self.timers.borrow_mut().next_deadline().is_none()
            && !self.reactor.borrow().has_waiters()
            && !self.listens_to_signals()
    }

    /// Parks a loop that [`is_stuck`](Self::is_stuck): waits the grace for
    /// a wake-up from outside; then a virtual clock panics with the task
    /// tree, and a real one in debug mode reports it and waits on.
    pub(super) fn park_stuck(&self) {
        let virtual_clock = self.clock.is_virtual();
        if !virtual_clock && !self.inspect.debug() || self.inspect.deadlock_reported.get() {
            self.poll_io(None);
            return;
        }
        let until = Instant::now() + DEADLOCK_GRACE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            self.poll_io(Some(left));
            if !self.is_stuck() {
                return;
            }
        }
        let nothing = "(no task is ready, no timer is set, no socket, thread, process or \
                       signal is awaited)";
        let tree = self.snapshot();
        if virtual_clock {
            panic!(
                "aio: deadlock: the main task waits and nothing can ever wake the event loop \
                 {nothing}; what each task waits on:\n{tree}"
            );
        }
        let message = format!(
            "possible deadlock: the main task waits and nothing the event loop knows of can \
             wake it {nothing}, only another thread holding a Promise or a LoopHandle; what \
             each task waits on:\n{tree}"
        );
        report::emit(Level::Error, &message);
        self.inspect.deadlock_reported.set(true);
    }

    /// Wakes the tasks waiting for every other task to block
    /// (`wait_all_tasks_blocked`) once nothing else can run; true if it
    /// woke any (the loop then runs instead of parking).
    pub(super) fn wake_when_blocked(&self) -> bool {
        if !self.inspect.has_idle_waiters() {
            return false;
        }
        self.take_remote();
        if !self.ready.borrow().is_empty() {
            return true;
        }
        // Sockets ready right now have tasks to run first.
        if self.reactor.borrow().has_waiters() && self.poll_io(Some(Duration::ZERO)) {
            return true;
        }
        self.inspect.wake_idle_waiters()
    }
}
