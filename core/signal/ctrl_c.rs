//! `ctrl_c()`: waiting for Ctrl-C.

use crate::signal::{SIGINT, Signals};
use std::io;

/// Completes at the next Ctrl-C (SIGINT) after it is first polled (tokio's
/// `signal::ctrl_c`).
///
/// While it waits, the program has taken Ctrl-C over: `aio::run` does not
/// cancel the main task for it, and a Ctrl-C does not end the process. An
/// error only if the signal handler could not be installed.
///
/// ```rust,standalone_crate
/// aio::run(async {
///     let waiting = aio::create_task(aio::signal::ctrl_c());
///     aio::yield_now().await; // the task started: it listens now
///     aio::signal::raise_signal(aio::signal::SIGINT).unwrap(); // as if Ctrl-C was pressed
///     waiting.await.unwrap().unwrap();
/// });
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    Signals::new([SIGINT])?.recv().await;
    Ok(())
}
