//! Deadlines from durations, where `Duration::MAX` means "never".

use std::time::{Duration, Instant};

/// The instant `delay` after `now`, or `None` ("never") when it is past
/// what an `Instant` can hold (`Duration::MAX` is Rust's "no limit").
pub(crate) fn deadline_after(now: Instant, delay: Duration) -> Option<Instant> {
    now.checked_add(delay)
}
