//! The loop's wait for something to do: timers that fired, a jump of the
//! virtual clock, or the poller (sockets, other threads' hand-overs).

use crate::runtime::loop_core::{LoopCore, Ready};
use crate::runtime::timers::Fire;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

impl LoopCore {
    pub(super) fn fire_timers(&self) {
        if self.timers.borrow().armed() == 0 {
            return;
        }
        let now = self.clock.now();
        loop {
            let fire = self.timers.borrow_mut().pop_expired(now);
            match fire {
                Some(Fire::Wake(waker)) => waker.wake(),
                // Due callbacks run at the next turn, in deadline order.
                Some(Fire::Call(call)) => self.push_ready(Ready::Call(call)),
                None => break,
            }
        }
    }

    /// Moves a virtual clock to `to` (never back) and wakes the timers due
    /// by then (`aio::testing::advance`), so that they run before the loop
    /// looks idle again.
    pub(crate) fn jump_clock(&self, to: Instant) {
        self.clock.jump_to(to);
        self.fire_timers();
    }

    /// Waits for something to do: the next timer (or, on a virtual clock, a
    /// jump to it), another thread's hand-over, or I/O readiness.
    pub(super) fn park(&self) {
        if self.wake_when_blocked() {
            return;
        }
        let next = self.timers.borrow_mut().next_deadline();
        if next.is_none() && self.is_stuck() {
            self.park_stuck();
            return;
        }
        self.inspect.deadlock_reported.set(false);
        let timeout = if self.remote.has_pending() {
            Some(Duration::ZERO)
        } else {
            match next {
                Some(deadline) if self.clock.is_virtual() => {
                    if self.remote.outside_work.load(Ordering::Acquire) == 0 {
                        // On a virtual clock I/O takes no time: a socket that
                        // is ready now is served first, else time moves on.
                        let io_ready = self.reactor.borrow().has_waiters()
                            && self.poll_io(Some(Duration::ZERO));
                        if !io_ready {
                            self.clock.jump_to(deadline);
                        }
                        return;
                    }
                    None
                }
                Some(deadline) => Some(deadline.saturating_duration_since(Instant::now())),
                None => None,
            }
        };
        self.poll_io(timeout);
    }

    /// Waits in the poller up to `timeout`, then wakes the tasks whose sockets
    /// became ready; true if it woke any.
    pub(super) fn poll_io(&self, timeout: Option<Duration>) -> bool {
        self.run_since_io.set(0);
        let mut wait = self.wait.borrow_mut();
        // An interrupted wait (EINTR) just means "look again".
        let _ = wait.wait(&self.remote.poller, timeout);
        let mut wake = Vec::new();
        self.reactor.borrow_mut().ready(wait.ready(), &mut wake);
        drop(wait);
        let woke = !wake.is_empty();
        for waker in wake {
            waker.wake();
        }
        woke
    }
}
