//! Where debug mode's reports go: a `log` record (target `aio`), and with
//! the `tracing` feature a `tracing` event too, so they join the program's
//! own logging. A program with no logger installed would lose them, so then
//! they are printed to stderr.
//!
//! "No logger installed" is read as `log::max_level()` being `Off`: that is
//! its value until a logger sets it (every logger crate does when it is
//! installed), and a program that set it to `Off` on purpose gets stderr
//! too, which is what debug mode is for. With the `tracing` feature, a
//! global `tracing` subscriber counts as a logger.

use std::panic::Location;
use std::time::Duration;

/// How serious a report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Warn,
    Error,
}

/// Emits one report.
pub(crate) fn emit(level: Level, message: &str) {
    let log_level = match level {
        Level::Warn => log::Level::Warn,
        Level::Error => log::Level::Error,
    };
    let has_logger = log::max_level() != log::LevelFilter::Off;
    if has_logger {
        log::log!(target: "aio", log_level, "{message}");
    }
    #[cfg(feature = "tracing")]
    let has_logger = {
        match level {
            Level::Warn => tracing::warn!(target: "aio", "{message}"),
            Level::Error => tracing::error!(target: "aio", "{message}"),
        }
        has_logger || tracing::dispatcher::has_been_set()
    };
    if !has_logger {
        eprintln!("aio {}: {message}", log_level.as_str().to_lowercase());
    }
}

/// " (spawned at file:line:col)", or nothing when not recorded.
pub(crate) fn spawned_at(location: Option<&'static Location<'static>>, what: &str) -> String {
    match location {
        Some(location) => format!(" ({what} at {location})"),
        None => String::new(),
    }
}

/// A poll (or callback) that held the loop longer than
/// `slow_callback_duration`.
pub(crate) fn slow_poll(
    name: &str,
    callback: bool,
    location: Option<&'static Location<'static>>,
    held: Duration,
) {
    let message = if callback {
        format!(
            "slow callback{} held the loop for {:.3} s",
            spawned_at(location, "scheduled"),
            held.as_secs_f64()
        )
    } else {
        format!(
            "slow task poll: {name}{} held the loop for {:.3} s",
            spawned_at(location, "spawned"),
            held.as_secs_f64()
        )
    };
    emit(Level::Warn, &message);
}
