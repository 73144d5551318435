//! [`LoopTimer`]: hyper's `rt::Timer` on the running loop's clock.

use hyper::rt::Sleep as HyperSleep;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// hyper's timer on the running loop's clock: the timeouts hyper keeps (such
/// as a server's 30 s limit for reading a request's headers) follow the
/// loop's clock, so on [`Clock::Virtual`](crate::Clock) they take no real
/// time. Its sleeps are aio [`Sleep`](crate::Sleep)s; hyper creates and polls
/// them while the loop polls its connection.
///
/// ```
/// use aio::http::hyper::rt::Timer;
/// use std::time::Duration;
///
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let start = aio::now();
///     aio::http::LoopTimer.sleep(Duration::from_secs(30)).await;
///     assert_eq!(aio::now() - start, Duration::from_secs(30));
///     assert_eq!(aio::http::LoopTimer.now(), aio::now());
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LoopTimer;

impl hyper::rt::Timer for LoopTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn HyperSleep>> {
        match crate::time::deadline_after(crate::now(), duration) {
            Some(deadline) => self.sleep_until(deadline),
            None => Box::pin(Never),
        }
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn HyperSleep>> {
        Box::pin(crate::sleep_until(deadline))
    }

    fn now(&self) -> Instant {
        crate::now()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn HyperSleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<crate::Sleep>() {
            Some(running) => running.get_mut().reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

impl HyperSleep for crate::Sleep {}

/// A sleep past what an `Instant` can hold (`Duration::MAX`): it never ends.
struct Never;

impl Future for Never {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

impl HyperSleep for Never {}
