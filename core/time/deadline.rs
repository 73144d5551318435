//! Deadlines that may be "never": `Duration::MAX` is Rust's "no limit", and an
//! instant that far ahead does not exist, so adding it must not panic.

use std::time::{Duration, Instant};

/// The instant `delay` after `now`, or `None` (never) when no such instant
/// can be represented, as for `Duration::MAX`.
pub(crate) fn deadline_after(now: Instant, delay: Duration) -> Option<Instant> {
    now.checked_add(delay)
}

/// The instant `seconds` after `epoch` (a loop's `time()` origin), or `None`
/// (never) for `f64::INFINITY` and anything past the representable range;
/// negative times are before the epoch (already due, in their order). Panics on NaN, which names no
/// time at all.
pub(crate) fn deadline_at_seconds(epoch: Instant, seconds: f64, what: &str) -> Option<Instant> {
    assert!(
        !seconds.is_nan(),
        "{what}: the time is NaN; pass a number of seconds on the loop's clock (f64::INFINITY for never)"
    );
    if seconds < 0.0 {
        // Before the loop began: already due, but still ordered by time.
        let before = Duration::try_from_secs_f64(-seconds).unwrap_or(Duration::MAX);
        return Some(epoch.checked_sub(before).unwrap_or(epoch));
    }
    let delay = Duration::try_from_secs_f64(seconds).ok()?;
    deadline_after(epoch, delay)
}
