//! The event loop itself: run queue, timers, registry, and the turn that runs
//! them. Everything here lives on the loop's thread; `Remote` is the part other
//! threads may touch.

use crate::clock::{Clock, LoopClock};
use crate::ctrl_c::CtrlC;
use crate::current::{with_current, Enter};
use crate::main_task::MainTask;
use crate::reactor::Reactor;
use crate::registry::Registry;
use crate::remote::{LoopId, Remote, RemoteItem};
use crate::run_queue::RunQueue;
use crate::task::Task;
use crate::task_future::TaskFuture;
use crate::task_meta::TaskMeta;
use crate::thread_pool::ThreadPool;
use crate::timers::Timers;
use async_task::{Builder, Runnable};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// One entry of the run queue.
pub(crate) enum Ready {
    /// A spawned task to poll.
    Task(Runnable<TaskMeta>),
    /// The future given to `run_until_complete`, polled in place.
    Main,
}

/// Why `block_on` returned without the main future's output.
pub(crate) enum Interrupted {
    /// `stop()` was called before the future finished.
    Stopped,
    /// The main task was cancelled (by `current_task().cancel()` or Ctrl-C).
    Cancelled,
}

/// While tasks keep the loop busy, sockets are checked after this many run
/// queue entries (tokio's scheduler uses the same interval).
const IO_CHECK_EVERY: usize = 61;

static NEXT_LOOP_ID: AtomicU32 = AtomicU32::new(1);

pub(crate) struct LoopCore {
    pub(crate) id: LoopId,
    pub(crate) this: Weak<LoopCore>,
    pub(crate) remote: Arc<Remote>,
    ready: RefCell<RunQueue>,
    remote_buf: RefCell<Vec<RemoteItem>>,
    pub(crate) timers: RefCell<Timers>,
    pub(crate) clock: LoopClock,
    pub(crate) registry: RefCell<Registry>,
    /// The tasks waiting on sockets.
    pub(crate) reactor: RefCell<Reactor>,
    /// The task being polled right now, if a spawned one.
    current: Cell<*const TaskMeta>,
    /// The main future of the `run_until_complete` in progress, if any.
    pub(crate) main: RefCell<Option<Rc<MainTask>>>,
    main_is_current: Cell<bool>,
    /// Entries run since the poller was last asked about sockets.
    run_since_io: Cell<usize>,
    next_task_id: Cell<u64>,
    stopping: Cell<bool>,
    closed: Cell<bool>,
    /// Shielded tasks still running, and who waits for them to finish.
    shielded: Cell<usize>,
    shield_waiter: RefCell<Option<std::task::Waker>>,
    /// Pseudo-random state for fair choices (`select_first!`): a fixed seed
    /// on a virtual clock, so runs repeat exactly.
    rng: Cell<u64>,
    /// The pool of `to_thread`, made on first use and joined at `close`.
    default_pool: RefCell<Option<ThreadPool>>,
    events: RefCell<polling::Events>,
}

impl LoopCore {
    pub(crate) fn new(clock: Clock) -> Rc<LoopCore> {
        let id = NEXT_LOOP_ID.fetch_add(1, Ordering::Relaxed);
        Rc::new_cyclic(|this| LoopCore {
            id,
            this: this.clone(),
            remote: Remote::new(id),
            ready: RefCell::new(RunQueue::new()),
            remote_buf: RefCell::new(Vec::new()),
            timers: RefCell::new(Timers::default()),
            clock: LoopClock::new(clock),
            registry: RefCell::new(Registry::default()),
            reactor: RefCell::new(Reactor::default()),
            current: Cell::new(ptr::null()),
            main: RefCell::new(None),
            main_is_current: Cell::new(false),
            run_since_io: Cell::new(0),
            next_task_id: Cell::new(1),
            stopping: Cell::new(false),
            closed: Cell::new(false),
            shielded: Cell::new(0),
            shield_waiter: RefCell::new(None),
            default_pool: RefCell::new(None),
            rng: Cell::new(match clock {
                Clock::Virtual => 0x2545_F491_4F6C_DD1D,
                Clock::Real => {
                    let nanos = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(1, |d| d.as_nanos() as u64);
                    nanos | 1
                }
            }),
            events: RefCell::new(polling::Events::new()),
        })
    }

    /// Queues a wake-up made on this loop's own thread.
    pub(crate) fn push_ready(&self, item: Ready) {
        self.ready.borrow_mut().push(item);
    }

    pub(crate) fn next_id(&self) -> u64 {
        let id = self.next_task_id.get();
        self.next_task_id.set(id + 1);
        id
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    fn check_open(&self, what: &str) {
        if self.closed.get() {
            panic!("{what}: this event loop is closed; create a new one (aio::EventLoop::new)");
        }
    }

    /// Spawns `future` as a task that starts at the loop's next turn.
    pub(crate) fn spawn<F>(&self, future: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.check_open("create_task");
        let schedule = |runnable: Runnable<TaskMeta>| Remote::schedule_task(runnable);
        // `spawn_unchecked` is used for `!Send` futures. Its conditions hold:
        // the future and its output are 'static (bounds above); the `Runnable`
        // is only run or dropped on this loop's thread, because `schedule`
        // routes wake-ups from other threads through the injection queue
        // (`SendReady`), which only this thread drains and which leaks rather
        // than drops what it still holds when the loop is gone; `schedule`
        // itself is `Send + Sync` (it captures nothing), so wakers may be used
        // from any thread; on another thread it reads only the metadata's loop
        // id, which never changes after the task is made, so that read races
        // with nothing the loop's thread writes.
        // SAFETY: the conditions of `spawn_unchecked`, argued just above.
        let (runnable, task) = unsafe {
            Builder::new()
                .metadata(TaskMeta::new(self.next_id(), self.id))
                .spawn_unchecked(move |meta| TaskFuture::new(meta, future), schedule)
        };
        let meta = runnable.metadata();
        let key = self.registry.borrow_mut().insert(runnable.waker(), meta);
        meta.set_registry_key(key);
        self.ready.borrow_mut().push(Ready::Task(runnable));
        Task::new(task)
    }

    /// Wakes the registered task with this key (used to deliver cancellation).
    pub(crate) fn wake_task(&self, key: usize) {
        let waker = self.registry.borrow().waker(key).cloned();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub(crate) fn deregister(&self, key: usize) {
        self.registry.borrow_mut().remove(key);
    }

    /// The metadata of the task being polled right now.
    pub(crate) fn current_meta(&self) -> Option<NonNull<TaskMeta>> {
        NonNull::new(self.current.get() as *mut TaskMeta)
    }

    pub(crate) fn main_is_current(&self) -> bool {
        self.main_is_current.get()
    }

    /// The loop's default thread pool, made on first use.
    pub(crate) fn default_pool(&self) -> ThreadPool {
        self.default_pool
            .borrow_mut()
            .get_or_insert_with(|| ThreadPool::new(ThreadPool::default_size(), "aio-worker"))
            .clone()
    }

    /// Replaces the default pool; the old one is shut down once idle.
    pub(crate) fn set_default_pool(&self, pool: ThreadPool) {
        let old = self.default_pool.borrow_mut().replace(pool);
        if let Some(old) = old {
            old.shutdown();
        }
    }

    pub(crate) fn shield_started(&self) {
        self.shielded.set(self.shielded.get() + 1);
    }

    pub(crate) fn shield_done(&self) {
        self.shielded.set(self.shielded.get().saturating_sub(1));
        if let Some(waker) = self.shield_waiter.borrow_mut().take() {
            waker.wake();
        }
    }

    /// Runs the loop until every shielded task finished (before shutdown).
    pub(crate) fn wait_shielded(&self) {
        // Not from inside another running loop (a runner dropped in a task):
        // this loop cannot run there; its shielded work is cancelled instead.
        if self.shielded.get() == 0 || self.closed.get() || with_current(|_| ()).is_some() {
            return;
        }
        let until_done = std::future::poll_fn(|cx| {
            if self.shielded.get() == 0 {
                Poll::Ready(())
            } else {
                *self.shield_waiter.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        });
        let _ = self.block_on(Some(std::pin::pin!(until_done)), "aio::run");
    }

    /// Restarts the pseudo-random sequence from `seed` (never zero).
    pub(crate) fn seed_random(&self, seed: u64) {
        self.rng.set(seed.max(1));
    }

    /// The next pseudo-random number (xorshift64).
    pub(crate) fn next_random(&self) -> u64 {
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        x
    }

    pub(crate) fn stop(&self) {
        self.stopping.set(true);
    }

    /// Counts work outside the loop (a thread, an I/O source) that can still
    /// wake it; a virtual clock does not jump while any is outstanding.
    pub(crate) fn begin_outside_work(&self) -> OutsideWork {
        self.remote.outside_work.fetch_add(1, Ordering::AcqRel);
        OutsideWork {
            remote: self.remote.clone(),
        }
    }

    /// Runs the loop until `main` finishes (or, with `None`, until `stop()`).
    pub(crate) fn block_on<F: Future>(
        &self,
        main: Option<Pin<&mut F>>,
        what: &str,
    ) -> Result<F::Output, Interrupted> {
        self.check_open(what);
        let _enter = Enter::run(self, what);
        self.stopping.set(false);
        let mut main = main;
        let main_task = main.as_ref().map(|_| {
            let task = MainTask::new(self.next_id(), self.remote.clone());
            *self.main.borrow_mut() = Some(task.clone());
            task.wake();
            task
        });
        // Whatever happens (return or unwind), this run's main task is over.
        let _main_done = ClearMain(self);
        loop {
            self.take_remote();
            let n = self.ready.borrow().len();
            self.run_since_io.set(self.run_since_io.get() + n);
            for _ in 0..n {
                let Some(item) = self.ready.borrow_mut().pop() else {
                    break;
                };
                match item {
                    Ready::Task(runnable) => {
                        self.current.set(runnable.metadata());
                        runnable.run();
                        self.current.set(ptr::null());
                    }
                    Ready::Main => {
                        let (Some(fut), Some(task)) = (main.as_mut(), main_task.as_ref()) else {
                            continue;
                        };
                        task.unschedule();
                        if task.meta.cancel_requested() {
                            task.meta.mark_done(true);
                            return Err(Interrupted::Cancelled);
                        }
                        let waker = task.waker();
                        let mut cx = Context::from_waker(&waker);
                        self.main_is_current.set(true);
                        let poll = fut.as_mut().poll(&mut cx);
                        self.main_is_current.set(false);
                        if let Poll::Ready(out) = poll {
                            task.meta.mark_done(false);
                            return Ok(out);
                        }
                    }
                }
            }
            self.fire_timers();
            if let Some(task) = main_task.as_ref() {
                if CtrlC::pressed() && task.meta.request_cancel() {
                    task.wake();
                }
            }
            if self.stopping.replace(false) {
                return Err(Interrupted::Stopped);
            }
            if self.ready.borrow().is_empty() {
                self.park();
            } else if self.reactor.borrow().has_waiters()
                && self.run_since_io.get() >= IO_CHECK_EVERY
            {
                // Busy tasks must not keep sockets that became ready waiting,
                // but asking the poller costs system calls: not every turn.
                self.poll_io(Some(Duration::ZERO));
            }
        }
    }

    /// Moves what other threads handed over into the run queue, and runs their
    /// plain calls (asyncio's `call_soon_threadsafe`) in the order they came.
    fn take_remote(&self) {
        if !self.remote.has_pending() {
            return;
        }
        let mut items = self.remote_buf.take();
        self.remote.take(&mut items);
        for item in items.drain(..) {
            match item {
                RemoteItem::Ready(ready) => self.ready.borrow_mut().push(ready.0),
                RemoteItem::Call(call) => {
                    // A panicking callback is reported by the panic hook and
                    // must not take the loop down (asyncio logs and goes on).
                    let _ = catch_unwind(AssertUnwindSafe(call));
                }
            }
        }
        *self.remote_buf.borrow_mut() = items;
    }

    fn fire_timers(&self) {
        if self.timers.borrow().armed() == 0 {
            return;
        }
        let now = self.clock.now();
        loop {
            let waker = self.timers.borrow_mut().pop_expired(now);
            match waker {
                Some(waker) => waker.wake(),
                None => break,
            }
        }
    }

    /// Waits for something to do: the next timer (or, on a virtual clock, a
    /// jump to it), another thread's hand-over, or I/O readiness.
    fn park(&self) {
        let next = self.timers.borrow_mut().next_deadline();
        let timeout = if self.remote.has_pending() {
            Some(Duration::ZERO)
        } else {
            match next {
                Some(deadline) if self.clock.is_virtual() => {
                    if self.remote.outside_work.load(Ordering::Acquire) == 0 {
                        // On a virtual clock I/O takes no time: a socket that
                        // is ready now is served first, else time moves on.
                        let io_ready = self.reactor.borrow().has_waiters()
                            && self.poll_io(Some(Duration::ZERO));
                        if !io_ready {
                            self.clock.jump_to(deadline);
                        }
                        return;
                    }
                    None
                }
                Some(deadline) => Some(deadline.saturating_duration_since(Instant::now())),
                None => None,
            }
        };
        self.poll_io(timeout);
    }

    /// Waits in the poller up to `timeout`, then wakes the tasks whose sockets
    /// became ready; true if it woke any.
    fn poll_io(&self, timeout: Option<Duration>) -> bool {
        self.run_since_io.set(0);
        let mut events = self.events.borrow_mut();
        events.clear();
        // An interrupted wait (EINTR) just means "look again".
        let _ = self.remote.poller.wait(&mut events, timeout);
        if events.is_empty() {
            return false;
        }
        let mut wake = Vec::new();
        self.reactor.borrow_mut().ready(&events, &mut wake);
        drop(events);
        let woke = !wake.is_empty();
        for waker in wake {
            waker.wake();
        }
        woke
    }

    /// Runs what is ready, without waiting for timers or I/O, until nothing is.
    fn run_ready(&self) {
        loop {
            self.take_remote();
            let Some(item) = self.ready.borrow_mut().pop() else {
                break;
            };
            if let Ready::Task(runnable) = item {
                self.current.set(runnable.metadata());
                runnable.run();
                self.current.set(ptr::null());
            }
        }
    }

    /// Cancels every task still alive and lets their cleanup run, as asyncio's
    /// `run()` does on the way out.
    pub(crate) fn cancel_all(&self) {
        let _enter = Enter::nested(self);
        loop {
            let wakers: Vec<_> = self
                .registry
                .borrow()
                .iter()
                .map(|(waker, meta)| {
                    meta.request_cancel();
                    waker.clone()
                })
                .collect();
            if wakers.is_empty() {
                break;
            }
            for waker in wakers {
                waker.wake();
            }
            self.run_ready();
        }
    }

    /// Cancels what is left, drops every queued entry and refuses further work.
    pub(crate) fn close(&self) {
        if self.closed.get() {
            return;
        }
        self.cancel_all();
        let _enter = Enter::nested(self);
        self.remote.close();
        let mut items = Vec::new();
        self.remote.take(&mut items);
        drop(items);
        let queued = self.ready.borrow_mut().take_all();
        drop(queued);
        self.closed.set(true);
        // No pool thread outlives the loop (asyncio's shutdown_default_executor).
        let pool = self.default_pool.borrow_mut().take();
        if let Some(pool) = pool {
            pool.shutdown();
        }
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }
}

impl Drop for LoopCore {
    fn drop(&mut self) {
        self.close();
    }
}

/// Ends the main task's registration when `block_on` returns or unwinds.
struct ClearMain<'a>(&'a LoopCore);

impl Drop for ClearMain<'_> {
    fn drop(&mut self) {
        self.0.main.borrow_mut().take();
        self.0.main_is_current.set(false);
    }
}

/// A count of outside work held open; see [`LoopCore::begin_outside_work`].
pub(crate) struct OutsideWork {
    remote: Arc<Remote>,
}

impl Drop for OutsideWork {
    fn drop(&mut self) {
        self.remote.outside_work.fetch_sub(1, Ordering::AcqRel);
        // The loop may be parked waiting on this work: let it look again.
        let _ = self.remote.poller.notify();
    }
}
