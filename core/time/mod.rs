//! Waiting for time: `sleep`, `sleep_until`, the loop's `now`, `interval`,
//! and `yield_now` (asyncio's `sleep(0)`).
//!
//! Imports only the kernel.

mod deadline;
mod interval;
mod sleep;
mod yield_now;

pub(crate) use deadline::{deadline_after, deadline_at_seconds};
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use sleep::{Sleep, now, sleep, sleep_until};
pub use yield_now::{YieldNow, yield_now};
