//! The loop's clock: the machine's monotonic clock, or a virtual one that jumps.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Which clock an event loop reads its time from.
///
/// `Real` is the machine's monotonic clock. `Virtual` starts at the moment the
/// loop is created and only moves when the loop has nothing else to do: then it
/// jumps straight to the next timer's deadline. A one-hour `sleep` finishes in
/// microseconds and every timing is exactly reproducible, which is what tests
/// want.
///
/// ```
/// use std::time::Duration;
/// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
/// let elapsed = lp.run_until_complete(async {
///     let start = aio::get_running_loop().time();
///     aio::sleep(Duration::from_secs(3600)).await;
///     aio::get_running_loop().time() - start
/// });
/// assert_eq!(elapsed, 3600.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Clock {
    /// The machine's monotonic clock.
    #[default]
    Real,
    /// A clock that jumps to the next deadline whenever the loop is idle.
    Virtual,
}

/// The clock state a loop keeps: where time started and, when virtual, how far
/// it has been moved.
pub(crate) struct LoopClock {
    epoch: Instant,
    /// `Some(elapsed)` for a virtual clock.
    virtual_elapsed: Cell<Option<Duration>>,
    /// The last time read during the run-queue entry being run (a real
    /// clock's read costs about 20 ns; see [`poll_now`](Self::poll_now)).
    poll_time: Cell<Option<Instant>>,
}

impl LoopClock {
    pub(crate) fn new(kind: Clock) -> Self {
        LoopClock {
            epoch: Instant::now(),
            virtual_elapsed: Cell::new(match kind {
                Clock::Real => None,
                Clock::Virtual => Some(Duration::ZERO),
            }),
            poll_time: Cell::new(None),
        }
    }

    /// The time now (read from the machine on a real clock).
    pub(crate) fn now(&self) -> Instant {
        let now = match self.virtual_elapsed.get() {
            Some(elapsed) => self.epoch + elapsed,
            None => Instant::now(),
        };
        self.poll_time.set(Some(now));
        now
    }

    /// The time as last read during the run-queue entry being run (for the
    /// first entry of a turn, by the turn's firing of timers), read now if
    /// not yet: what a deadline made while a task runs counts from. Within
    /// one poll of one task, time stands still as on the virtual clock, and
    /// reading it costs nothing after the first time; it is never older than
    /// the last [`now`](Self::now).
    pub(crate) fn poll_now(&self) -> Instant {
        match self.poll_time.get() {
            Some(now) => now,
            None => self.now(),
        }
    }

    /// A new run-queue entry starts: the next [`poll_now`](Self::poll_now)
    /// reads the clock again.
    pub(crate) fn start_entry(&self) {
        self.poll_time.set(None);
    }

    pub(crate) fn is_virtual(&self) -> bool {
        self.virtual_elapsed.get().is_some()
    }

    /// Seconds since the loop was created, as asyncio's `loop.time()`.
    pub(crate) fn seconds(&self) -> f64 {
        self.now().duration_since(self.epoch).as_secs_f64()
    }

    /// Seconds from the loop's epoch to `at`, as `loop.time()` will say then.
    pub(crate) fn seconds_at(&self, at: Instant) -> f64 {
        at.saturating_duration_since(self.epoch).as_secs_f64()
    }

    /// The instant at which `seconds()` reads zero.
    pub(crate) fn epoch(&self) -> Instant {
        self.epoch
    }

    /// Moves a virtual clock forward to `to`; never backwards.
    pub(crate) fn jump_to(&self, to: Instant) {
        if let Some(elapsed) = self.virtual_elapsed.get() {
            let target = to.saturating_duration_since(self.epoch);
            if target > elapsed {
                self.virtual_elapsed.set(Some(target));
                self.poll_time.set(None);
            }
        }
    }
}
