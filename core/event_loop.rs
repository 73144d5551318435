//! `EventLoop`: asyncio's loop object and its low-level methods.

use crate::runtime::{Clock, Interrupted, LoopCore, Ready, expect_current, with_current};
use crate::task::{CallbackHandle, MainFuture, Promise, Task, spawn_on};
use crate::threads::{LoopHandle, ThreadPool, set_default_pool};
use crate::time::{deadline_after, deadline_at_seconds};
use std::fmt;
use std::future::IntoFuture;
use std::pin::pin;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// An event loop: one thread, many tasks taking turns at their `.await` points.
///
/// Most programs never touch it: [`run`](crate::run) and `#[aio::main]` make
/// one, run a future on it and close it. It is here for what asyncio's loop
/// object offers: running it by hand, scheduling plain callbacks, reading its
/// clock. Cloning it gives another handle to the same loop; it is not `Send`
/// (use [`handle`](Self::handle) for other threads).
///
/// ```
/// use std::{cell::RefCell, rc::Rc, time::Duration};
/// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// lp.call_soon(move || l.borrow_mut().push("soon"));
/// let l = log.clone();
/// lp.call_later(Duration::from_millis(1), move || l.borrow_mut().push("later"));
/// lp.run_until_complete(aio::sleep(Duration::from_millis(5)));
/// lp.close();
/// assert_eq!(*log.borrow(), ["soon", "later"]);
/// ```
#[derive(Clone)]
pub struct EventLoop {
    pub(crate) core: Rc<LoopCore>,
}

impl EventLoop {
    /// A new loop on the machine's clock (asyncio's `new_event_loop()`).
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// assert_eq!(lp.run_until_complete(async { 1 + 1 }), 2);
    /// ```
    pub fn new() -> Self {
        Self::with_clock(Clock::Real)
    }

    /// A new loop reading the given clock; see [`Clock::Virtual`].
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// lp.run_until_complete(aio::sleep(std::time::Duration::from_secs(3600))); // at once
    /// assert_eq!(lp.time(), 3600.0);
    /// ```
    pub fn with_clock(clock: Clock) -> Self {
        EventLoop {
            core: LoopCore::new(clock),
        }
    }

    /// Runs the loop until `future` completes and returns its output.
    ///
    /// The future is polled in place (it need not be `'static` and may borrow
    /// from the caller). Tasks it leaves behind stay on the loop for the next
    /// run. Panics if another loop runs on this thread, if the loop is closed,
    /// if [`stop`](Self::stop) is called before the future completes, or if the
    /// main task is cancelled; a panic of the future itself propagates.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let name = String::from("world"); // the future may borrow it
    /// assert_eq!(lp.run_until_complete(async { format!("hello {name}") }), "hello world");
    /// ```
    #[track_caller]
    pub fn run_until_complete<F: IntoFuture>(&self, future: F) -> F::Output {
        self.core.begin_main(std::panic::Location::caller());
        let future = pin!(MainFuture::new(future.into_future(), None));
        match self
            .core
            .block_on(Some(future), "EventLoop::run_until_complete")
        {
            Ok(Ok(output)) => output,
            Err(Interrupted::Stopped) => {
                panic!(
                    "EventLoop::run_until_complete: the event loop stopped before the future completed"
                )
            }
            Ok(Err(cancelled)) => {
                panic!("EventLoop::run_until_complete: the main task was cancelled ({cancelled})")
            }
        }
    }

    /// Runs the loop until [`stop`](Self::stop) is called. The turn in which
    /// `stop` was called is finished first.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// lp.call_later(std::time::Duration::from_secs(5), { let lp = lp.clone(); move || lp.stop() });
    /// lp.run_forever(); // until the callback stops it
    /// assert_eq!(lp.time(), 5.0);
    /// ```
    pub fn run_forever(&self) {
        let _ = self
            .core
            .block_on::<std::future::Pending<()>>(None, "EventLoop::run_forever");
    }

    /// Asks the loop to return from `run_forever` after the current turn.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// lp.create_task(async { aio::get_running_loop().stop() }).detach();
    /// lp.run_forever();
    /// assert!(!lp.is_closed()); // stopped, not closed: it can run again
    /// ```
    pub fn stop(&self) {
        self.core.stop();
    }

    /// Cancels every task still alive, lets their cleanup run, and closes the
    /// loop; running it afterwards panics. Closing twice is harmless.
    ///
    /// Panics if called while the loop runs (from one of its tasks, as
    /// asyncio's "cannot close a running event loop"): [`stop`](Self::stop)
    /// it instead, and close it once `run_forever` returned.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let inside = lp.run_until_complete(async {
    ///     let task = aio::create_task(async { aio::get_running_loop().close() });
    ///     task.await
    /// });
    /// assert!(inside.is_err(), "the task panicked");
    /// assert!(!lp.is_closed());
    /// lp.close();
    /// assert!(lp.is_closed());
    /// ```
    pub fn close(&self) {
        if with_current(|core| core.id == self.core.id) == Some(true) {
            panic!(
                "EventLoop::close: cannot close a running event loop; call stop() from \
                 inside it and close() once run_forever returned"
            );
        }
        self.core.close();
    }

    /// True once [`close`](Self::close) ran.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// lp.close();
    /// assert!(lp.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.core.is_closed()
    }

    /// The loop's clock in seconds, as asyncio's `loop.time()`. It starts near
    /// zero when the loop is created.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// lp.run_until_complete(aio::sleep(std::time::Duration::from_millis(1500)));
    /// assert_eq!(lp.time(), 1.5);
    /// ```
    pub fn time(&self) -> f64 {
        self.core.clock.seconds()
    }

    /// The loop's clock as an `Instant`, for [`sleep_until`](crate::sleep_until) and deadlines.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let deadline = lp.now() + std::time::Duration::from_secs(2);
    /// lp.run_until_complete(aio::sleep_until(deadline));
    /// assert_eq!(lp.now(), deadline);
    /// ```
    pub fn now(&self) -> Instant {
        self.core.now()
    }

    /// True when the loop runs on a [`Clock::Virtual`].
    ///
    /// ```
    /// assert!(aio::EventLoop::with_clock(aio::Clock::Virtual).is_virtual_clock());
    /// ```
    pub fn is_virtual_clock(&self) -> bool {
        self.core.clock.is_virtual()
    }

    /// Schedules `callback` to run at the loop's next turn; callbacks run in
    /// the order they were scheduled.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let order = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    /// for n in 1..=3 {
    ///     let order = order.clone();
    ///     lp.call_soon(move || order.borrow_mut().push(n));
    /// }
    /// lp.run_until_complete(aio::yield_now());
    /// assert_eq!(*order.borrow(), [1, 2, 3]);
    /// ```
    #[track_caller]
    pub fn call_soon(&self, callback: impl FnOnce() + 'static) -> CallbackHandle {
        let (handle, call) = CallbackHandle::new(&self.core, callback);
        self.core.push_ready(Ready::Call(call));
        handle
    }

    /// Schedules `callback` to run `delay` from now on the loop's clock. A
    /// delay too long to name an instant (`Duration::MAX`) never comes: the
    /// callback never runs, and the handle can still cancel it.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let (fired_at, clock) = (std::rc::Rc::new(std::cell::Cell::new(0.0)), lp.clone());
    /// let at = fired_at.clone();
    /// lp.call_later(std::time::Duration::from_secs(3), move || at.set(clock.time()));
    /// lp.run_until_complete(aio::sleep(std::time::Duration::from_secs(10)));
    /// assert_eq!(fired_at.get(), 3.0);
    /// ```
    #[track_caller]
    pub fn call_later(&self, delay: Duration, callback: impl FnOnce() + 'static) -> CallbackHandle {
        self.call_at_deadline(deadline_after(self.now(), delay), callback)
    }

    /// Schedules `callback` to run when [`time`](Self::time) reaches `when`
    /// seconds. Callbacks due at the same time run in the order scheduled.
    /// `f64::INFINITY` (or any time past the clock's range) never comes; a
    /// time in the past means the next turn. Panics if `when` is NaN.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let never = lp.call_at(f64::INFINITY, || unreachable!());
    /// lp.run_until_complete(aio::sleep(std::time::Duration::from_secs(3600)));
    /// assert!(!never.is_done());
    /// assert!(never.cancel());
    /// ```
    #[track_caller]
    pub fn call_at(&self, when: f64, callback: impl FnOnce() + 'static) -> CallbackHandle {
        let deadline = deadline_at_seconds(self.core.clock.epoch(), when, "EventLoop::call_at");
        self.call_at_deadline(deadline, callback)
    }

    /// Schedules `callback` to run when the loop's clock reaches `deadline`.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let ran = std::rc::Rc::new(std::cell::Cell::new(false));
    /// let r = ran.clone();
    /// lp.call_at_instant(lp.now() + std::time::Duration::from_secs(1), move || r.set(true));
    /// lp.run_until_complete(aio::sleep(std::time::Duration::from_secs(2)));
    /// assert!(ran.get());
    /// ```
    #[track_caller]
    pub fn call_at_instant(
        &self,
        deadline: Instant,
        callback: impl FnOnce() + 'static,
    ) -> CallbackHandle {
        self.call_at_deadline(Some(deadline), callback)
    }

    /// Runs `callback` at the turn after `deadline` (in deadline order with
    /// the others due then); `None` is never.
    #[track_caller]
    fn call_at_deadline(
        &self,
        deadline: Option<Instant>,
        callback: impl FnOnce() + 'static,
    ) -> CallbackHandle {
        let (handle, call) = CallbackHandle::new(&self.core, callback);
        if let Some(deadline) = deadline {
            let key = self.core.timers.borrow_mut().insert_call(deadline, call);
            handle.set_timer(key);
        }
        handle
    }

    /// Schedules `future` as a task on this loop; see [`create_task`](crate::create_task).
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let task = lp.create_task(async { 6 * 7 }); // before the loop runs
    /// assert_eq!(lp.run_until_complete(task).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn create_task<F>(&self, future: F) -> Task<F::Output>
    where
        F: IntoFuture,
        F::IntoFuture: 'static,
        F::Output: 'static,
    {
        spawn_on(&self.core, future)
    }

    /// A new [`Promise`], asyncio's `loop.create_future()`.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let promise = lp.create_future();
    /// let p = promise.clone();
    /// lp.call_soon(move || p.set_result("set by a callback").unwrap());
    /// assert_eq!(lp.run_until_complete(promise), Ok("set by a callback"));
    /// ```
    pub fn create_future<T>(&self) -> Promise<T> {
        Promise::new()
    }

    /// Replaces the pool that [`to_thread`](crate::threads::to_thread) uses on this
    /// loop (asyncio's `set_default_executor`); the old one is shut down. The
    /// loop shuts its default pool down when it closes.
    ///
    /// ```
    /// let sum = aio::run(async {
    ///     aio::get_running_loop().set_default_executor(aio::ThreadPool::new(2, "io"));
    ///     aio::to_thread(|| (1..=10).sum::<u32>()).await
    /// });
    /// assert_eq!(sum.unwrap(), 55);
    /// ```
    pub fn set_default_executor(&self, pool: ThreadPool) {
        set_default_pool(&self.core, pool);
    }

    /// Seeds the loop's pseudo-random choices (the start branch of an unbiased
    /// `select_first!`), so an interleaving seen once can be replayed. A loop on
    /// the virtual clock starts from a fixed seed; one on the real clock from
    /// the time of day.
    ///
    /// ```
    /// let first_ready = |seed| {
    ///     let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    ///     lp.seed_random(seed); // picks which of two ready branches is polled first
    ///     lp.run_until_complete(async { aio::select_first! { v = async { 1 } => v, v = async { 2 } => v } })
    /// };
    /// assert_eq!(first_ready(7), first_ready(7)); // the same seed replays the choice
    /// ```
    pub fn seed_random(&self, seed: u64) {
        self.core.seed_random(seed);
    }

    /// A `Send + Sync` handle for other threads.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let (promise, handle) = (lp.create_future(), lp.handle());
    /// let setter = promise.clone();
    /// std::thread::spawn(move || handle.call_soon_threadsafe(move || setter.set_result(1).unwrap()));
    /// assert_eq!(lp.run_until_complete(promise), Ok(1)); // set on the loop's thread
    /// ```
    pub fn handle(&self) -> LoopHandle {
        LoopHandle::new(self.core.remote.clone())
    }
}

/// Signals, asyncio's `loop.add_signal_handler` (Unix).
#[cfg(unix)]
impl EventLoop {
    /// Runs `callback` on this loop (as a callback scheduled with
    /// [`call_soon`](Self::call_soon)) each time signal `sig` arrives,
    /// replacing this loop's previous handler of `sig`, as asyncio's
    /// `loop.add_signal_handler`.
    ///
    /// While a handler is set, `sig` no longer does what it did before (end
    /// the process, ...); for SIGINT the program takes Ctrl-C over from
    /// [`run`](crate::run). An `InvalidInput` error for a number that is no
    /// signal or one that cannot be caught (`SIGKILL`, `SIGSTOP`, `SIGSEGV`,
    /// ...). See also [`Signals`](crate::signal::Signals), a stream.
    ///
    /// ```rust,standalone_crate
    /// use aio::signal::{raise_signal, SIGHUP};
    /// use std::{cell::Cell, rc::Rc};
    ///
    /// aio::run(async {
    ///     let lp = aio::get_running_loop();
    ///     let reloads = Rc::new(Cell::new(0));
    ///     let r = reloads.clone();
    ///     lp.add_signal_handler(SIGHUP, move || r.set(r.get() + 1)).unwrap();
    ///     raise_signal(SIGHUP).unwrap();
    ///     aio::sleep(std::time::Duration::from_millis(1)).await;
    ///     assert_eq!(reloads.get(), 1);
    ///     assert!(lp.remove_signal_handler(SIGHUP));
    /// });
    /// ```
    ///
    /// ```
    /// let err = aio::EventLoop::new().add_signal_handler(aio::signal::SIGKILL, || ()).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput); // changes nothing
    /// ```
    pub fn add_signal_handler(
        &self,
        sig: i32,
        callback: impl Fn() + 'static,
    ) -> std::io::Result<()> {
        crate::signal::add_signal_handler(&self.core, sig, Rc::new(callback))
    }

    /// Removes this loop's handler of `sig`; `false` if there was none, as
    /// asyncio's `loop.remove_signal_handler`. With no listener left, `sig`
    /// does again what it did before.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// assert!(!lp.remove_signal_handler(aio::signal::SIGUSR2)); // none was added
    /// ```
    pub fn remove_signal_handler(&self, sig: i32) -> bool {
        crate::signal::remove_signal_handler(&self.core, sig)
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("id", &self.core.id)
            .field("closed", &self.is_closed())
            .field("virtual_clock", &self.is_virtual_clock())
            .finish()
    }
}

/// The loop running on this thread, as asyncio's `get_running_loop()`.
///
/// Panics when no loop runs on this thread.
///
/// ```
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let lp = aio::get_running_loop();
///     assert!(lp.is_virtual_clock());
///     let task = lp.create_task(async { "from the running loop" });
///     assert_eq!(task.await.unwrap(), "from the running loop");
/// });
/// ```
pub fn get_running_loop() -> EventLoop {
    expect_current("aio::get_running_loop()", |core| EventLoop {
        core: core
            .this
            .upgrade()
            .expect("a running loop is owned by the EventLoop running it"),
    })
}
