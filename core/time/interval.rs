//! `interval`: a timer that ticks every period, and what it does about ticks
//! it missed (tokio's `Interval`, on the loop's clock).

use crate::runtime::expect_current;
use crate::time::sleep::{Sleep, sleep_until};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// A timer that ticks every `period`; the first tick completes at once.
///
/// [`tick`](Interval::tick) waits for the next tick and returns the instant it
/// was due; the interval is also a [`Stream`](futures_core::Stream) of those
/// instants. Unlike a loop around [`sleep`](crate::sleep), the schedule does
/// not drift by the time the loop body takes. A tick taken late, after the
/// following one was already due, follows the interval's
/// [`MissedTickBehavior`] (`Burst` by default).
///
/// Panics if `period` is zero, or when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let start = aio::now();
///     let mut every = aio::interval(Duration::from_secs(1));
///     assert_eq!(every.tick().await, start); // at once
///     assert_eq!(every.tick().await, start + Duration::from_secs(1));
///     assert_eq!(aio::now(), start + Duration::from_secs(1));
/// });
/// ```
pub fn interval(period: Duration) -> Interval {
    interval_at(expect_current("aio::interval", |core| core.now()), period)
}

/// Like [`interval`], but the first tick is due at `start` (on the loop's
/// clock, see [`now`](crate::now)) instead of at once.
///
/// ```
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let start = aio::now() + Duration::from_secs(5);
///     let mut every = aio::interval_at(start, Duration::from_secs(1));
///     assert_eq!(every.tick().await, start);
///     assert_eq!(aio::now(), start);
/// });
/// ```
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(
        !period.is_zero(),
        "aio::interval: the period must be longer than zero; use aio::yield_now() to run \
         at every turn of the loop"
    );
    Interval {
        next: Some(start),
        period,
        behavior: MissedTickBehavior::default(),
        sleep: None,
    }
}

/// What an [`Interval`] does when a tick is taken after the following one was
/// already due (the task was busy, or the loop blocked), as tokio's.
///
/// With a period of 100 ms, ticks due at 0, 100, 200, ... and the tick due at
/// 100 taken only at 350:
///
/// | behavior | following ticks |
/// |---|---|
/// | `Burst` | 200, 300 at once (catching up), then 400, 500 |
/// | `Delay` | 450, 550: one period after the late tick |
/// | `Skip` | 400, 500: the missed ones are dropped, the schedule kept |
///
/// ```
/// use aio::MissedTickBehavior;
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let start = aio::now();
///     let mut every = aio::interval(Duration::from_millis(100));
///     every.set_missed_tick_behavior(MissedTickBehavior::Skip);
///     every.tick().await;
///     aio::sleep(Duration::from_millis(350)).await; // busy: ticks 100..300 due
///     assert_eq!(every.tick().await, start + Duration::from_millis(100)); // late
///     assert_eq!(every.tick().await, start + Duration::from_millis(400)); // 200, 300 skipped
/// });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissedTickBehavior {
    /// Ticks that were missed complete at once, one per call, until the
    /// interval has caught up with its schedule.
    #[default]
    Burst,
    /// The schedule restarts from the late tick: the next one is due a full
    /// period after it was taken.
    Delay,
    /// Missed ticks are skipped: the next one is due at the next point of the
    /// original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// When the tick after one due at `due` and taken late, at `now`, is due.
    fn next(self, due: Instant, now: Instant, period: Duration) -> Option<Instant> {
        match self {
            MissedTickBehavior::Burst => due.checked_add(period),
            MissedTickBehavior::Delay => now.checked_add(period),
            MissedTickBehavior::Skip => {
                let late = (now - due).as_nanos() % period.as_nanos();
                let late = Duration::from_nanos(late as u64);
                now.checked_add(period - late)
            }
        }
    }
}

/// The timer of [`interval`] and [`interval_at`]; also a
/// [`Stream`](futures_core::Stream) of the instants its ticks were due.
///
/// ```
/// use aio::StreamExt;
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let ticks: Vec<_> = aio::interval(Duration::from_secs(1)).take(3).collect().await;
///     assert_eq!(ticks[2] - ticks[0], Duration::from_secs(2));
/// });
/// ```
#[derive(Debug)]
pub struct Interval {
    /// When the next tick is due; `None` past the end of time.
    next: Option<Instant>,
    period: Duration,
    behavior: MissedTickBehavior,
    /// The timer waiting for `next`, while a tick is awaited.
    sleep: Option<Sleep>,
}

impl Interval {
    /// Waits for the next tick and returns when it was due. Cancel-safe: a
    /// `tick` dropped before it completed takes no tick.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let mut heartbeat = aio::interval(Duration::from_secs(10));
    ///     let mut beats = Vec::new();
    ///     for _ in 0..3 {
    ///         beats.push(heartbeat.tick().await);
    ///     }
    ///     assert_eq!(beats[2] - beats[0], Duration::from_secs(20));
    /// });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: what [`tick`](Self::tick) awaits, for
    /// hand-written futures that hold an interval.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let start = aio::now();
    ///     let mut every = aio::interval_at(start + Duration::from_secs(1), Duration::from_secs(1));
    ///     let due = std::future::poll_fn(|cx| every.poll_tick(cx)).await;
    ///     assert_eq!(due, start + Duration::from_secs(1));
    /// });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let Some(due) = self.next else {
            return Poll::Pending;
        };
        let mut now = expect_current("aio::Interval::tick", |core| core.now());
        if now < due {
            let sleep = self.sleep.get_or_insert_with(|| sleep_until(due));
            if sleep.deadline() != Some(due) {
                sleep.reset(due);
            }
            if Pin::new(sleep).poll(cx).is_pending() {
                return Poll::Pending;
            }
            now = expect_current("aio::Interval::tick", |core| core.now());
        }
        self.sleep = None;
        let following = due.checked_add(self.period);
        self.next = match following {
            Some(following) if following <= now => self.behavior.next(due, now, self.period),
            following => following,
        };
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is due one period from now.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     let start = aio::now();
    ///     let mut every = aio::interval(Duration::from_secs(1));
    ///     every.tick().await;
    ///     aio::sleep(Duration::from_millis(300)).await;
    ///     every.reset();
    ///     let next = every.tick().await;
    ///     assert_eq!(next - start, Duration::from_millis(1300), "not at 1 s");
    /// });
    /// ```
    pub fn reset(&mut self) {
        let now = expect_current("aio::Interval::reset", |core| core.now());
        self.next = now.checked_add(self.period);
    }

    /// The time between ticks.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let every = aio::interval(Duration::from_millis(500));
    ///     assert_eq!(every.period(), Duration::from_millis(500));
    /// });
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }

    /// What the interval does about missed ticks.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let every = aio::interval(Duration::from_secs(1));
    ///     assert_eq!(every.missed_tick_behavior(), aio::MissedTickBehavior::Burst);
    /// });
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.behavior
    }

    /// Sets what the interval does about missed ticks.
    ///
    /// ```
    /// use aio::MissedTickBehavior;
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let start = aio::now();
    ///     let mut every = aio::interval(Duration::from_secs(1));
    ///     every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ///     every.tick().await;
    ///     aio::sleep(Duration::from_millis(2500)).await; // busy
    ///     every.tick().await; // the late tick due at 1 s
    ///     let next = every.tick().await;
    ///     assert_eq!(next - start, Duration::from_millis(3500), "a period after the late one");
    /// });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.behavior = behavior;
    }
}

impl futures_core::Stream for Interval {
    type Item = Instant;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }
}
