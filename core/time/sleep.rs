//! Waiting for time to pass: `sleep`, `sleep_until`, and the loop's `now`.

use crate::runtime::LoopId;
use crate::runtime::TimerKey;
use crate::runtime::{Wait, expect_current, note_wait, with_current};
use crate::time::deadline_after;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Suspends the calling task for `delay`, as asyncio's `await asyncio.sleep(d)`.
///
/// Other tasks run meanwhile. A zero delay still suspends once, letting every
/// other ready task run first (asyncio's `sleep(0)`). On a virtual clock the
/// loop jumps over the wait. A delay too long to name an instant
/// (`Duration::MAX`, Rust's "no limit") never ends: the task waits until it is
/// cancelled.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let lp = aio::get_running_loop();
///     let start = lp.time();
///     aio::sleep(Duration::from_secs(2)).await;
///     assert_eq!(lp.time() - start, 2.0);
/// });
/// ```
pub fn sleep(delay: Duration) -> Sleep {
    Sleep {
        when: When::After(delay),
        timer: None,
    }
}

/// Suspends the calling task until the loop's clock reaches `deadline` (see
/// [`now`]); a deadline in the past still suspends once.
///
/// ```
/// use std::time::Duration;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let start = aio::now();
///     let next_minute = start + Duration::from_secs(60);
///     aio::sleep_until(next_minute).await;
///     assert_eq!(aio::now(), next_minute);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        when: When::At(deadline),
        timer: None,
    }
}

/// The loop's current time as an `Instant`: the machine's clock, or the
/// virtual one when the loop runs on [`Clock::Virtual`](crate::Clock).
///
/// Panics when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let start = aio::now();
///     aio::sleep(Duration::from_millis(250)).await;
///     assert_eq!(aio::now() - start, Duration::from_millis(250));
/// });
/// ```
pub fn now() -> Instant {
    expect_current("aio::now()", |core| core.now())
}

#[derive(Debug)]
enum When {
    After(Duration),
    At(Instant),
    /// A delay past the last representable instant: no timer is armed. The
    /// waiting task's waker is kept so that [`reset`](Sleep::reset) can wake
    /// it to arm one (kept here, not beside: every sleeping task pays for a
    /// `Sleep`'s size).
    Never(Option<Waker>),
}

/// The future of [`sleep`] and [`sleep_until`]. Its timer is armed when
/// first polled, on the loop that polls it, and removed when it is dropped.
///
/// ```
/// use std::time::Duration;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let nap: aio::Sleep = aio::sleep(Duration::from_secs(5));
///     let start = aio::now();
///     nap.await;
///     assert_eq!(aio::now() - start, Duration::from_secs(5));
/// });
/// ```
#[derive(Debug)]
#[must_use = "a Sleep does nothing unless awaited"]
pub struct Sleep {
    when: When,
    /// The armed timer and the id of the loop it is armed on.
    timer: Option<(TimerKey, LoopId)>,
}

impl Sleep {
    /// The deadline, once the sleep has started (been polled) or if it was made
    /// by [`sleep_until`]; `None` before, and for a sleep that never ends.
    ///
    /// ```
    /// aio::run(async {
    ///     let deadline = aio::now() + std::time::Duration::from_secs(1);
    ///     assert_eq!(aio::sleep_until(deadline).deadline(), Some(deadline));
    ///     assert_eq!(aio::sleep(std::time::Duration::MAX).deadline(), None);
    /// });
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        match self.when {
            When::At(deadline) => Some(deadline),
            When::After(_) | When::Never(_) => None,
        }
    }

    /// Moves the deadline, earlier or later, while the sleep is pending. The
    /// task waiting on it is woken at the new deadline without being polled.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let start = aio::now();
    ///     let mut idle = aio::sleep(Duration::from_secs(60));
    ///     idle.reset(start + Duration::from_secs(5)); // activity: wait less
    ///     idle.await;
    ///     assert_eq!(aio::now() - start, Duration::from_secs(5));
    /// });
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        if let When::Never(Some(waker)) = std::mem::replace(&mut self.when, When::At(deadline)) {
            // No timer was armed: the task arms one when polled again.
            waker.wake();
        }
        if let Some((key, loop_id)) = self.timer.take() {
            with_current(|core| {
                if core.id != loop_id {
                    return;
                }
                let mut timers = core.timers.borrow_mut();
                if let Some(waker) = timers.remove(key) {
                    self.timer = Some((timers.insert(deadline, waker), loop_id));
                }
            });
        }
    }

    /// True once the deadline passed and the timer fired.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let mut nap = aio::sleep(Duration::from_secs(1));
    ///     assert!(!nap.is_elapsed());
    ///     (&mut nap).await;
    ///     assert!(nap.is_elapsed());
    /// });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        match self.timer {
            Some((key, loop_id)) => {
                with_current(|core| core.id == loop_id && !core.timers.borrow().is_armed(key))
                    .unwrap_or(false)
            }
            None => false,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        expect_current("aio::sleep", |core| match this.timer {
            Some((key, loop_id)) => {
                if loop_id != core.id && core.inspect.debug() {
                    panic!(
                        "aio::sleep: this Sleep was started on another event loop (another \
                         thread's, or one that ended); a Sleep belongs to the loop that first \
                         polled it: make a new one where it is awaited"
                    );
                }
                let mut timers = core.timers.borrow_mut();
                if loop_id == core.id && timers.is_armed(key) {
                    timers.update_waker(key, cx.waker());
                    if let When::At(deadline) = &this.when {
                        let deadline = *deadline;
                        note_wait(Wait::Timer(deadline));
                    }
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }
            None => {
                let deadline = match &this.when {
                    When::At(deadline) => Some(*deadline),
                    When::After(delay) => deadline_after(core.now(), *delay),
                    When::Never(_) => None,
                };
                let Some(deadline) = deadline else {
                    if !matches!(this.when, When::Never(_)) {
                        this.when = When::Never(None);
                    }
                    if let When::Never(w) = &mut this.when {
                        match w {
                            Some(w) if w.will_wake(cx.waker()) => {}
                            w => *w = Some(cx.waker().clone()),
                        }
                    }
                    note_wait(Wait::On("a sleep without end"));
                    return Poll::Pending;
                };
                this.when = When::At(deadline);
                let key = core
                    .timers
                    .borrow_mut()
                    .insert(deadline, cx.waker().clone());
                this.timer = Some((key, core.id));
                note_wait(Wait::Timer(deadline));
                Poll::Pending
            }
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some((key, loop_id)) = self.timer {
            with_current(|core| {
                if core.id == loop_id {
                    core.timers.borrow_mut().remove(key);
                }
            });
        }
    }
}
#[cfg(test)]
mod tests {
    /// Every sleeping task holds a `Sleep` in its allocation: its size is
    /// memory, and so speed, for loops with many sleepers.
    #[test]
    fn a_sleep_stays_within_56_bytes() {
        assert!(std::mem::size_of::<super::Sleep>() <= 56);
    }
}
