//! Waiting for time: `sleep`, `sleep_until`, the loop's `now`, `interval`,
//! and `yield_now` (asyncio's `sleep(0)`).
//!
//! Imports only the kernel.

mod deadline;
mod interval;
mod sleep;
mod yield_now;

pub(crate) use deadline::{deadline_after, deadline_at_seconds};
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{now, sleep, sleep_until, Sleep};
pub use yield_now::{yield_now, YieldNow};
