//! `run` and `Runner`: the top-level entry points, asyncio's `asyncio.run()` and
//! `asyncio.Runner`.

use crate::event_loop::EventLoop;
use crate::runtime::Clock;
use crate::runtime::CtrlC;
use crate::runtime::Interrupted;
use crate::task::MainFuture;
use std::future::Future;
use std::pin::pin;

/// Runs `future` on a new event loop and returns its output, as asyncio's
/// `asyncio.run()`.
///
/// When the future completes, every task still alive is cancelled and its
/// cleanup (`Drop`) runs before `run` returns; then the loop is closed.
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
pub fn run<F: Future>(future: F) -> F::Output {
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
}

impl Runner {
    /// A runner with a new loop on the machine's clock.
    pub fn new() -> Self {
        Self::with_clock(Clock::Real)
    }

    /// A runner whose loop reads the given clock.
    pub fn with_clock(clock: Clock) -> Self {
        Runner {
            event_loop: EventLoop::with_clock(clock),
        }
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
    #[track_caller]
    pub fn run<F: Future>(&self, future: F) -> F::Output {
        self.event_loop
            .core
            .begin_main(std::panic::Location::caller());
        let ctrl_c = CtrlC::install(&self.event_loop.core);
        let outcome = {
            let future = pin!(MainFuture::new(future));
            self.event_loop.core.block_on(Some(future), "aio::run")
        };
        if ctrl_c.as_ref().is_some_and(CtrlC::pressed) {
            // The main future is dropped; now the other tasks' cleanup.
            self.event_loop.core.wait_shielded();
            self.event_loop.close();
            CtrlC::exit_interrupted();
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
    pub fn get_loop(&self) -> &EventLoop {
        &self.event_loop
    }

    /// Cancels the tasks still alive, lets their cleanup run and closes the
    /// loop (also done on drop).
    pub fn close(self) {}
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.event_loop.core.wait_shielded();
        }
        self.event_loop.close();
    }
}
