//! The event loop itself: run queue, timers, registry, and the turn that runs
//! them. Everything here lives on the loop's thread; `Remote` is the part other
//! threads may touch.

use crate::runtime::clock::{Clock, LoopClock};
use crate::runtime::current::Enter;
use crate::runtime::inspect::{Inspect, debug_from_env};
use crate::runtime::loop_locals::LoopLocals;
use crate::runtime::main_task::MainTask;
use crate::runtime::poller::{self, Wait};
use crate::runtime::reactor::Reactor;
use crate::runtime::registry::Registry;
use crate::runtime::remote::{LoopId, Remote, RemoteItem};
use crate::runtime::run_queue::RunQueue;
use crate::runtime::task_meta::TaskMeta;
use crate::runtime::timers::{Call, Timers};
use async_task::{Builder, Runnable};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::Location;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// async-task's handle of a task of this loop.
pub(crate) type RawTask<T> = async_task::Task<T, TaskMeta>;

/// One entry of the run queue.
pub(crate) enum Ready {
    /// A spawned task to poll.
    Task(Runnable<TaskMeta>),
    /// The future given to `run_until_complete`, polled in place.
    Main,
    /// A plain callback (`call_soon`, a due `call_at`); made and run on the
    /// loop's thread only.
    Call(Call),
}

/// Why `block_on` returned without the main future's output.
pub(crate) enum Interrupted {
    /// `stop()` was called before the future finished.
    Stopped,
}

/// While tasks keep the loop busy, sockets are checked after this many run
/// queue entries (tokio's scheduler uses the same interval).
const IO_CHECK_EVERY: usize = 61;

static NEXT_LOOP_ID: AtomicU32 = AtomicU32::new(1);

pub(crate) struct LoopCore {
    pub(crate) id: LoopId,
    pub(crate) this: Weak<LoopCore>,
    pub(crate) remote: Arc<Remote>,
    pub(super) ready: RefCell<RunQueue>,
    pub(super) remote_buf: RefCell<Vec<RemoteItem>>,
    pub(crate) timers: RefCell<Timers>,
    pub(crate) clock: LoopClock,
    pub(crate) registry: RefCell<Registry>,
    /// The tasks waiting on sockets.
    pub(crate) reactor: RefCell<Reactor>,
    /// The task being polled right now, if a spawned one.
    pub(super) current: Cell<*const TaskMeta>,
    /// The main future of the `run_until_complete` in progress, if any.
    pub(crate) main: RefCell<Option<Rc<MainTask>>>,
    pub(super) main_is_current: Cell<bool>,
    /// The innermost cancel scope of the poll in progress, as the
    /// cancellation machinery keeps it (an opaque pointer here).
    pub(crate) scope_top: Cell<*const ()>,
    /// Set while `close` drops what is left: scopes end at once, whatever
    /// catches inside them.
    pub(crate) forcing: Cell<bool>,
    /// Spawned tasks not yet ended, and who waits for there to be none
    /// (a graceful shutdown).
    live_tasks: Cell<usize>,
    idle_waiter: RefCell<Option<std::task::Waker>>,
    /// Entries run since the poller was last asked about sockets.
    pub(super) run_since_io: Cell<usize>,
    next_task_id: Cell<u64>,
    pub(super) stopping: Cell<bool>,
    pub(super) closed: Cell<bool>,
    /// Shielded tasks still running, and who waits for them to finish.
    pub(super) shielded: Cell<usize>,
    pub(super) shield_waiter: RefCell<Option<std::task::Waker>>,
    /// Pseudo-random state for fair choices (`select_first!`): a fixed seed
    /// on a virtual clock, so runs repeat exactly.
    rng: Cell<u64>,
    /// What the crate's other parts keep with this loop; closed with it.
    pub(crate) locals: LoopLocals,
    /// Debug mode, and what is recorded to see inside the loop.
    pub(crate) inspect: Inspect,
    /// The poller's waiting side (its shared side is `remote.poller`).
    pub(super) wait: RefCell<Wait>,
}

impl LoopCore {
    pub(crate) fn new(clock: Clock) -> Rc<LoopCore> {
        let id = NEXT_LOOP_ID.fetch_add(1, Ordering::Relaxed);
        let (wait, poller) = poller::new().unwrap_or_else(|e| {
            panic!("aio could not create the OS poller (epoll/kqueue) for its event loop: {e}")
        });
        let core = Rc::new_cyclic(|this| LoopCore {
            id,
            this: this.clone(),
            remote: Remote::new(id, poller),
            ready: RefCell::new(RunQueue::new()),
            remote_buf: RefCell::new(Vec::new()),
            timers: RefCell::new(Timers::default()),
            clock: LoopClock::new(clock),
            registry: RefCell::new(Registry::default()),
            reactor: RefCell::new(Reactor::default()),
            current: Cell::new(ptr::null()),
            main: RefCell::new(None),
            main_is_current: Cell::new(false),
            scope_top: Cell::new(ptr::null()),
            forcing: Cell::new(false),
            live_tasks: Cell::new(0),
            idle_waiter: RefCell::new(None),
            run_since_io: Cell::new(0),
            next_task_id: Cell::new(1),
            stopping: Cell::new(false),
            closed: Cell::new(false),
            shielded: Cell::new(0),
            shield_waiter: RefCell::new(None),
            locals: LoopLocals::default(),
            inspect: Inspect::new(clock == Clock::Virtual),
            rng: Cell::new(match clock {
                Clock::Virtual => 0x2545_F491_4F6C_DD1D,
                Clock::Real => {
                    let nanos = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(1, |d| d.as_nanos() as u64);
                    nanos | 1
                }
            }),
            wait: RefCell::new(wait),
        });
        if debug_from_env() {
            core.set_debug(true);
        }
        core
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

    #[inline]
    fn check_open(&self, what: &str) {
        if self.closed.get() {
            closed(what);
        }
    }

    /// Spawns the future that `make` builds around the task's metadata, as a
    /// task that starts at the loop's next turn; returns async-task's handle.
    /// `location` is where the user spawned it (kept while recording).
    pub(crate) fn spawn_raw<'m, M, Fut>(
        &self,
        make: M,
        location: &'static Location<'static>,
    ) -> RawTask<Fut::Output>
    where
        M: FnOnce(&'m TaskMeta) -> Fut,
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        self.check_open("create_task");
        let schedule = |runnable: Runnable<TaskMeta>| Remote::schedule_task(runnable);
        // `spawn_unchecked` is used for `!Send` futures. Its conditions hold:
        // the future and its output are 'static (bounds above; the future
        // borrows only the metadata, which lives in the same allocation and
        // outlives it); the `Runnable` is only run or dropped on this loop's
        // thread, because `schedule` routes wake-ups from other threads
        // through the injection queue (`SendReady`), which only this thread
        // drains and which leaks rather than drops what it still holds when
        // the loop is gone; `schedule` itself is `Send + Sync` (it captures
        // nothing), so wakers may be used from any thread; on another thread
        // it reads only the metadata's loop id, which never changes after the
        // task is made, so that read races with nothing the loop's thread
        // writes.
        // SAFETY: the conditions of `spawn_unchecked`, argued just above.
        let (runnable, task) = unsafe {
            Builder::new()
                .metadata(TaskMeta::new(self.next_id(), self.id))
                .spawn_unchecked(make, schedule)
        };
        let meta = runnable.metadata();
        let key = self.registry.borrow_mut().insert(runnable.waker(), meta);
        meta.set_registry_key(key);
        self.live_tasks.set(self.live_tasks.get() + 1);
        if self.inspect.recording() {
            self.record_spawn(key, meta, location);
        }
        self.ready.borrow_mut().push(Ready::Task(runnable));
        task
    }

    /// Wakes the registered task with this key (used to deliver cancellation).
    pub(crate) fn wake_task(&self, key: usize) {
        // Waking schedules the task on the run queue; nothing on that path
        // reaches back into the registry.
        self.registry.borrow().wake(key);
    }

    pub(crate) fn deregister(&self, key: usize) {
        self.registry.borrow_mut().remove(key);
        let live = self.live_tasks.get().saturating_sub(1);
        self.live_tasks.set(live);
        if live == 0 {
            if let Some(waker) = self.idle_waiter.borrow_mut().take() {
                waker.wake();
            }
        }
    }

    /// How many spawned tasks have not ended.
    pub(crate) fn live_tasks(&self) -> usize {
        self.live_tasks.get()
    }

    /// Wakes `waker` once no spawned task is left.
    pub(crate) fn wake_when_idle(&self, waker: &std::task::Waker) {
        *self.idle_waiter.borrow_mut() = Some(waker.clone());
    }

    /// The metadata of every spawned task not yet ended.
    pub(crate) fn for_each_task(&self, mut f: impl FnMut(&TaskMeta)) {
        for (_, meta) in self.registry.borrow().iter() {
            f(meta);
        }
    }

    /// The metadata of the task being polled right now.
    pub(crate) fn current_meta(&self) -> Option<NonNull<TaskMeta>> {
        NonNull::new(self.current.get() as *mut TaskMeta)
    }

    pub(crate) fn main_is_current(&self) -> bool {
        self.main_is_current.get()
    }

    /// The metadata of the task being polled, spawned or main, and whether it
    /// is the main one. Valid while that poll lasts.
    pub(crate) fn current_task_meta(&self) -> Option<(NonNull<TaskMeta>, bool)> {
        if self.main_is_current.get() {
            let main = self.main.borrow();
            return main.as_ref().map(|m| (NonNull::from(&m.meta), true));
        }
        self.current_meta().map(|meta| (meta, false))
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
            self.clock.start_entry();
            self.take_remote();
            // As asyncio's `_run_once`: what came due joins this turn.
            self.fire_timers();
            let n = self.ready.borrow().len();
            self.run_since_io.set(self.run_since_io.get() + n);
            for i in 0..n {
                let Some(item) = self.ready.borrow_mut().pop() else {
                    break;
                };
                // The first entry runs on the time the timers were fired
                // with (read just now); each later one reads it afresh.
                if i > 0 {
                    self.clock.start_entry();
                }
                match item {
                    Ready::Task(runnable) => {
                        self.current.set(runnable.metadata());
                        if self.inspect.recording() {
                            self.run_recorded(runnable);
                        } else {
                            runnable.run();
                        }
                        self.current.set(ptr::null());
                    }
                    Ready::Call(call) => {
                        // A panicking callback is reported by the panic hook and
                        // must not take the loop down (asyncio logs and goes on).
                        let _ = catch_unwind(AssertUnwindSafe(|| self.run_call(call)));
                    }
                    Ready::Main => {
                        let (Some(fut), Some(task)) = (main.as_mut(), main_task.as_ref()) else {
                            continue;
                        };
                        task.unschedule();
                        let waker = task.waker();
                        let mut cx = Context::from_waker(&waker);
                        self.main_is_current.set(true);
                        let poll = if self.inspect.recording() {
                            self.poll_main_recorded(|| fut.as_mut().poll(&mut cx))
                        } else {
                            fut.as_mut().poll(&mut cx)
                        };
                        self.main_is_current.set(false);
                        if let Poll::Ready(out) = poll {
                            task.meta.mark_done(false);
                            return Ok(out);
                        }
                    }
                }
            }
            // Signals that arrived reach their listeners (Ctrl-C's cancels
            // the main task).
            self.dispatch_signals();
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
    pub(super) fn take_remote(&self) {
        self.clear_mark();
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
                    let _ = catch_unwind(AssertUnwindSafe(|| self.run_call(call)));
                }
            }
        }
        *self.remote_buf.borrow_mut() = items;
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The loop's time as last read in the entry being run (see
    /// `LoopClock::poll_now`): for deadlines made on a hot path.
    pub(crate) fn poll_now(&self) -> Instant {
        self.clock.poll_now()
    }
}

#[cold]
fn closed(what: &str) -> ! {
    panic!("{what}: this event loop is closed; create a new one (aio::EventLoop::new)");
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
