//! `run` and `Runner`: the top-level entry points, asyncio's `asyncio.run()` and
//! `asyncio.Runner`.

use crate::event_loop::EventLoop;
use crate::runtime::Clock;
use crate::runtime::CtrlC;
use crate::runtime::Interrupted;
use crate::task::{DEFAULT_SHUTDOWN_GRACE, MainFuture, shutdown_tasks};
use crate::threads::{DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT, shutdown_default_pool};
use std::future::IntoFuture;
use std::pin::pin;
use std::time::Duration;

/// Runs `future` on a new event loop and returns its output, as asyncio's
/// `asyncio.run()`.
///
/// When the future completes, every task still alive is cancelled and its
/// cleanup runs before `run` returns: `Drop` at once, and a task that catches
/// its cancellation ([`catch_cancel`](crate::catch_cancel)) may await its
/// cleanup for up to [`DEFAULT_SHUTDOWN_GRACE`](crate::DEFAULT_SHUTDOWN_GRACE)
/// (5 s) before it is dropped; then `run` waits for the jobs still running
/// on the loop's default executor ([`to_thread`](crate::to_thread)), as
/// asyncio does, for at most 300 s (see
/// [`Runner::shutdown_default_executor_timeout`]), and closes the loop.
/// Calling it while a loop is running on this thread panics with a message
/// saying to `.await` instead.
///
/// ```
/// async fn greet() -> &'static str {
///     "Done!"
/// }
/// assert_eq!(aio::run(greet()), "Done!");
/// ```
#[track_caller]
pub fn run<F: IntoFuture>(future: F) -> F::Output {
    Runner::new().run(future)
}

/// Runs several top-level futures, one after another, on the same loop, as
/// asyncio's `asyncio.Runner`. Tasks left by one run stay alive for the next;
/// dropping the runner (or [`close`](Self::close)) cancels them and closes the
/// loop.
///
/// ```
/// let runner = aio::Runner::new();
/// let task = runner.run(async { aio::create_task(async { 7 }) });
/// assert_eq!(runner.run(task).unwrap(), 7);
/// ```
pub struct Runner {
    event_loop: EventLoop,
    /// How long cleanup at shutdown (and after Ctrl-C) may take.
    grace: Duration,
    /// SIGTERM is handled as Ctrl-C.
    graceful_signals: bool,
    /// How long closing waits for the default executor's jobs.
    executor_timeout: Duration,
}

impl Runner {
    /// A runner with a new loop on the machine's clock.
    ///
    /// ```
    /// let runner = aio::Runner::new();
    /// assert!(!runner.get_loop().is_virtual_clock());
    /// assert_eq!(runner.run(async { "done" }), "done");
    /// ```
    pub fn new() -> Self {
        Self::with_clock(Clock::Real)
    }

    /// A runner whose loop reads the given clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(aio::sleep(Duration::from_secs(3600))); // no wall time passes
    /// assert_eq!(runner.get_loop().time(), 3600.0);
    /// ```
    pub fn with_clock(clock: Clock) -> Self {
        Runner {
            event_loop: EventLoop::with_clock(clock),
            grace: DEFAULT_SHUTDOWN_GRACE,
            graceful_signals: false,
            executor_timeout: DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT,
        }
    }

    /// Sets how long the cleanup of tasks still alive at shutdown, and of the
    /// main task after Ctrl-C, may take before they are dropped for good
    /// (default [`DEFAULT_SHUTDOWN_GRACE`](crate::DEFAULT_SHUTDOWN_GRACE)).
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual)
    ///     .shutdown_grace(Duration::from_secs(1));
    /// runner.run(async {
    ///     aio::create_task(async {
    ///         if aio::catch_cancel(aio::sleep(Duration::from_secs(60))).await.is_err() {
    ///             aio::sleep(Duration::from_secs(3600)).await; // a stubborn cleanup
    ///         }
    ///     })
    ///     .detach();
    ///     aio::yield_now().await;
    /// });
    /// // Dropping the runner cancels the task; its cleanup is cut after 1 s.
    /// ```
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Sets how long closing the runner waits for the jobs still running on
    /// the loop's default executor ([`to_thread`](crate::to_thread), or the
    /// pool set with [`EventLoop::set_default_executor`]): asyncio's
    /// `shutdown_default_executor(timeout)`, with the same default of
    /// [300 s](crate::DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT).
    ///
    /// A thread cannot be stopped, so [`run`](crate::run) waits for a job that
    /// is still running when the program's future returns (one whose `await`
    /// was cancelled by a timeout, say). Past this bound the loop stops
    /// waiting, says so (a warning through `log`, or on stderr with no
    /// logger), and closes; the job runs on, on its thread, and ends with the
    /// process. The bound is on the machine's clock, also for a loop on a
    /// virtual clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// let (release, blocked) = std::sync::mpsc::channel::<()>();
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual)
    ///     .shutdown_default_executor_timeout(Duration::from_millis(5));
    /// runner.run(async {
    ///     // A job stuck on something that never comes; nobody awaits it.
    ///     drop(aio::to_thread(move || blocked.recv()));
    /// });
    /// runner.close(); // waits 5 ms for the job, warns, and closes
    /// release.send(()).unwrap();
    /// ```
    pub fn shutdown_default_executor_timeout(mut self, timeout: Duration) -> Self {
        self.executor_timeout = timeout;
        self
    }

    /// Handles SIGTERM as Ctrl-C (`#[aio::main(ctrl_c = "graceful")]`): the
    /// first SIGINT or SIGTERM delivers a catchable cancellation (reason
    /// [`CancelReason::CtrlC`](crate::CancelReason::CtrlC) or
    /// [`Terminated`](crate::CancelReason::Terminated)) to the main task,
    /// which may await its cleanup within the shutdown grace; then the process
    /// exits with 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once.
    ///
    /// ```
    /// let runner = aio::Runner::new().graceful_signals();
    /// assert_eq!(runner.run(async { 1 }), 1);
    /// ```
    pub fn graceful_signals(mut self) -> Self {
        self.graceful_signals = true;
        self
    }

    /// Runs `future` to completion on the runner's loop and returns its output.
    ///
    /// Panics if the main task is cancelled or the loop stopped before it
    /// finished; a panic of the future propagates.
    ///
    /// On the main thread, Ctrl-C (SIGINT) cancels the main task: its cleanup
    /// and that of every task still alive runs, then the process exits with
    /// status 130. A second Ctrl-C during the cleanup exits at once. A program
    /// that listens to SIGINT itself ([`signal::ctrl_c`](crate::signal::ctrl_c),
    /// [`Signals`](crate::signal::Signals),
    /// [`add_signal_handler`](crate::EventLoop::add_signal_handler)) takes
    /// Ctrl-C over while it listens. After `run` returns, Ctrl-C does again
    /// what it did before.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// let config = runner.run(async { String::from("loaded") });
    /// // The same loop runs the next future; tasks left by the first stay alive.
    /// let n = runner.run(async { config.len() });
    /// assert_eq!(n, 6);
    /// ```
    #[track_caller]
    pub fn run<F: IntoFuture>(&self, future: F) -> F::Output {
        self.event_loop
            .core
            .begin_main(std::panic::Location::caller());
        let ctrl_c = CtrlC::install(&self.event_loop.core, self.graceful_signals);
        let outcome = {
            let future = pin!(MainFuture::new(future.into_future(), Some(self.grace)));
            self.event_loop.core.block_on(Some(future), "aio::run")
        };
        if let Some(signal) = ctrl_c.as_ref().and_then(CtrlC::pressed) {
            // The main task ended; now the other tasks' cleanup.
            self.shut_down();
            CtrlC::exit_interrupted(signal);
        }
        drop(ctrl_c);
        match outcome {
            Ok(Ok(output)) => output,
            Ok(Err(cancelled)) => panic!("aio::run: the main task was cancelled ({cancelled})"),
            Err(Interrupted::Stopped) => {
                panic!("aio::run: the event loop was stopped before the main future completed")
            }
        }
    }

    /// The runner's loop.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// let task = runner.get_loop().create_task(async { 2 });
    /// assert_eq!(runner.run(task).unwrap(), 2);
    /// ```
    pub fn get_loop(&self) -> &EventLoop {
        &self.event_loop
    }

    /// Cancels the tasks still alive, lets their cleanup run and closes the
    /// loop (also done on drop).
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// let cleaned = Rc::new(Cell::new(false));
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// let flag = cleaned.clone();
    /// runner.run(async move {
    ///     aio::create_task(async move {
    ///         struct Guard(Rc<Cell<bool>>);
    ///         impl Drop for Guard {
    ///             fn drop(&mut self) {
    ///                 self.0.set(true);
    ///             }
    ///         }
    ///         let _guard = Guard(flag);
    ///         aio::sleep(std::time::Duration::from_secs(60)).await;
    ///     })
    ///     .detach();
    ///     aio::yield_now().await;
    /// });
    /// runner.close(); // cancels the task: its cleanup runs
    /// assert!(cleaned.get());
    /// ```
    pub fn close(self) {}
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Runner {
    /// Shielded work finishes, the tasks still alive are cancelled and get
    /// the grace for their cleanup, then the loop closes (dropping the rest).
    fn shut_down(&self) {
        let core = &self.event_loop.core;
        // Not from inside another running loop (a runner dropped in a task):
        // this loop cannot run there; what is left is dropped instead.
        if !std::thread::panicking() && !core.is_closed() && !crate::runtime::in_a_loop() {
            core.wait_shielded();
            shutdown_tasks(core, self.grace);
            shutdown_default_pool(core, self.executor_timeout);
        }
        self.event_loop.close();
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.shut_down();
    }
}
