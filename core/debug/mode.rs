//! Turning debug mode on and off, and its settings, on `EventLoop`.

use crate::event_loop::EventLoop;
use std::time::Duration;

/// Debug mode, asyncio's `loop.set_debug()`.
impl EventLoop {
    /// Turns debug mode on or off for this loop (asyncio's
    /// `loop.set_debug`). Also on with `AIO_DEBUG=1` in the environment or
    /// `#[aio::main(debug)]` / `#[aio::test(debug)]`; off by default, and
    /// then it costs nothing.
    ///
    /// In debug mode the loop reports, through `log` records of target
    /// `aio` (and `tracing` events with the `tracing` feature; on stderr
    /// when no logger is installed):
    /// - a task poll or callback that held the loop longer than
    ///   [`slow_callback_duration`](Self::slow_callback_duration), with the
    ///   task's name and where it was spawned;
    /// - a task that failed (panicked, or was cancelled because something
    ///   failed) whose outcome nobody retrieved, when its handle goes ("task
    ///   failure never retrieved");
    /// - a deadlock on the real clock (nothing can ever wake the loop), with
    ///   the task tree; on the virtual clock a deadlock always panics.
    ///
    /// It also records where each task was spawned, its age and what it
    /// waits on for [`task_tree`](crate::task_tree), prints that tree on
    /// SIGQUIT (Ctrl-\\) without stopping the program, and makes a `Sleep`
    /// moved to another loop's thread panic with a clear message.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// lp.set_debug(true);
    /// lp.set_slow_callback_duration(Duration::from_millis(50));
    /// assert!(lp.get_debug());
    /// lp.run_until_complete(async {
    ///     let task = aio::create_task(aio::sleep(Duration::from_millis(1)));
    ///     aio::yield_now().await;
    ///     // Debug mode records where each task was spawned and what it waits on.
    ///     let tree = aio::task_tree();
    ///     let node = tree.find(&task.name()).unwrap();
    ///     assert!(node.state().starts_with("waiting on a timer"));
    ///     assert!(node.location().unwrap().file().ends_with(".rs"));
    ///     task.await.unwrap();
    /// });
    /// ```
    pub fn set_debug(&self, on: bool) {
        self.core.set_debug(on);
    }

    /// True in debug mode (asyncio's `loop.get_debug()`).
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// assert!(!lp.get_debug() || std::env::var_os("AIO_DEBUG").is_some());
    /// ```
    pub fn get_debug(&self) -> bool {
        self.core.inspect.debug()
    }

    /// How long a poll or callback may hold the loop before debug mode
    /// reports it (asyncio's `slow_callback_duration`); 100 ms by default.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// assert_eq!(lp.slow_callback_duration(), std::time::Duration::from_millis(100));
    /// ```
    pub fn slow_callback_duration(&self) -> Duration {
        self.core.inspect.slow_callback_duration()
    }

    /// Sets [`slow_callback_duration`](Self::slow_callback_duration).
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// lp.set_slow_callback_duration(std::time::Duration::from_millis(20));
    /// assert_eq!(lp.slow_callback_duration().as_millis(), 20);
    /// ```
    pub fn set_slow_callback_duration(&self, duration: Duration) {
        self.core.inspect.set_slow_callback_duration(duration);
    }
}
