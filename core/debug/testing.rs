//! Test utilities: moving a virtual clock by hand ([`advance`],
//! [`advance_to`]) and waiting until every other task is blocked
//! ([`wait_all_tasks_blocked`], Trio's). `#[aio::test(seed = N)]` replays
//! the fair choices of a run (see
//! [`EventLoop::seed_random`](crate::EventLoop::seed_random)).
//!
//! ```
//! use std::cell::Cell;
//! use std::time::Duration;
//!
//! let runner = aio::Runner::with_clock(aio::Clock::Virtual);
//! runner.run(async {
//!     let fired = Cell::new(0);
//!     aio::task_group!(|tg| {
//!         tg.create_task(async {
//!             for _ in 0..3 {
//!                 aio::sleep(Duration::from_secs(10)).await;
//!                 fired.set(fired.get() + 1);
//!             }
//!         });
//!         aio::testing::advance(Duration::from_secs(25)).await;
//!         assert_eq!(fired.get(), 2);
//!         aio::testing::advance(Duration::from_secs(5)).await;
//!         assert_eq!(fired.get(), 3);
//!     })
//!     .unwrap();
//! });
//! ```

use crate::runtime::expect_current;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Moves the virtual clock forward by `delay`, firing the timers due on the
/// way in order: at each one's deadline the clock stops, the tasks it wakes
/// run until every task is blocked again, then the clock goes on. Returns
/// with the clock at exactly `now() + delay`.
///
/// Unlike `sleep`, this moves time while other tasks could still run: it is
/// for tests that want to say when time passes. Panics on a real clock.
///
/// ```
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let start = aio::now();
///     let timer = aio::create_task(async move {
///         aio::sleep(Duration::from_secs(2)).await;
///         aio::now() - start // when it woke
///     });
///     aio::testing::advance(Duration::from_secs(5)).await;
///     assert!(timer.is_done());
///     assert_eq!(aio::now() - start, Duration::from_secs(5));
///     assert_eq!(timer.await.unwrap(), Duration::from_secs(2));
/// });
/// ```
pub async fn advance(delay: Duration) {
    let to = expect_current("aio::testing::advance", |core| core.now()) + delay;
    advance_to(to).await;
}

/// Moves the virtual clock forward to `deadline` (see [`advance`]); a
/// deadline in the past leaves it where it is.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let later = aio::now() + std::time::Duration::from_secs(60);
///     aio::testing::advance_to(later).await;
///     assert_eq!(aio::now(), later);
/// });
/// ```
pub async fn advance_to(deadline: Instant) {
    expect_current("aio::testing::advance_to", |core| {
        assert!(
            core.clock.is_virtual(),
            "aio::testing::advance needs a loop on the virtual clock (Clock::Virtual, as \
             #[aio::test] uses); a real clock cannot be moved"
        );
    });
    loop {
        wait_all_tasks_blocked().await;
        let moved = expect_current("aio::testing::advance_to", |core| {
            let next = core.timers.borrow_mut().next_deadline();
            match next {
                Some(due) if due <= deadline => {
                    core.jump_clock(due);
                    true
                }
                _ => {
                    core.jump_clock(deadline);
                    false
                }
            }
        });
        if !moved {
            return;
        }
    }
}

/// Waits until every other task of the loop is blocked (waiting on
/// something that is not the loop itself: a timer, a lock, I/O, another
/// task) and none is ready to run, as Trio's `wait_all_tasks_blocked`.
///
/// On a virtual clock this happens before time moves on. Several tasks
/// waiting in it resume together.
///
/// ```
/// use std::cell::Cell;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let stage = Cell::new(0);
///     aio::task_group!(|tg| {
///         tg.create_task(async {
///             for _ in 0..10 {
///                 stage.set(stage.get() + 1);
///                 aio::yield_now().await;
///             }
///             aio::sleep(std::time::Duration::from_secs(3600)).await;
///         });
///         aio::testing::wait_all_tasks_blocked().await;
///         assert_eq!(stage.get(), 10); // the child is now asleep
///         tg.cancel();
///     })
///     .unwrap_err();
/// });
/// ```
pub fn wait_all_tasks_blocked() -> WaitAllTasksBlocked {
    WaitAllTasksBlocked { past: None }
}

/// The future of [`wait_all_tasks_blocked`].
///
/// ```
/// aio::run(async {
///     let blocked: aio::testing::WaitAllTasksBlocked = aio::testing::wait_all_tasks_blocked();
///     blocked.await; // no other task: at once
/// });
/// ```
#[must_use = "waiting only happens when awaited"]
#[derive(Debug)]
pub struct WaitAllTasksBlocked {
    /// The loop's idle count when this started waiting.
    past: Option<u64>,
}

impl Future for WaitAllTasksBlocked {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        expect_current("aio::testing::wait_all_tasks_blocked", |core| {
            let turn = core.inspect.wait_idle(cx.waker());
            match self.past {
                Some(past) if past != turn => Poll::Ready(()),
                _ => {
                    self.past.get_or_insert(turn);
                    Poll::Pending
                }
            }
        })
    }
}
