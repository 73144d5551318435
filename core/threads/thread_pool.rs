//! A bounded pool of threads for blocking work: asyncio's default
//! `ThreadPoolExecutor`.

use crate::runtime::LoopCore;
use crate::runtime::LoopLocal;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

/// A pool of at most `size` threads running blocking closures, for
/// [`run_in_executor`](crate::run_in_executor) and (as a loop's default pool)
/// [`to_thread`](crate::threads::to_thread).
///
/// Threads start lazily, one per job that finds no idle thread, up to the
/// size; idle threads are reused. [`shutdown`](Self::shutdown) lets queued
/// jobs finish and joins every thread. Cloning gives another handle to the
/// same pool.
///
/// ```
/// let pool = aio::ThreadPool::new(2, "worker");
/// let runner = aio::Runner::new();
/// let n = runner.run(aio::run_in_executor(&pool, || 6 * 7)).unwrap();
/// assert_eq!(n, 42);
/// pool.shutdown();
/// assert_eq!(pool.threads(), 0);
/// ```
#[derive(Clone)]
pub struct ThreadPool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    size: usize,
    name: String,
    /// Makes the builder of each new thread, given its name.
    builder: fn(String) -> thread::Builder,
    state: Mutex<PoolState>,
    work: Condvar,
    /// Notified when a thread ends.
    exited: Condvar,
}

#[derive(Default)]
struct PoolState {
    jobs: VecDeque<Job>,
    idle: usize,
    handles: Vec<JoinHandle<()>>,
    live: usize,
    shut_down: bool,
}

/// The error of submitting work to a pool that was shut down.
///
/// ```
/// let pool = aio::ThreadPool::new(1, "worker");
/// pool.shutdown();
/// assert_eq!(pool.submit(|| ()), Err(aio::PoolShutDown));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolShutDown;

impl fmt::Display for PoolShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the thread pool was shut down; make a new one or use the loop's default")
    }
}

impl std::error::Error for PoolShutDown {}

impl ThreadPool {
    /// A pool of at most `size` threads (at least one), named
    /// `<name>-<n>`.
    ///
    /// ```
    /// let pool = aio::ThreadPool::new(4, "io");
    /// assert_eq!(pool.size(), 4);
    /// assert_eq!(pool.threads(), 0, "threads start with the first jobs");
    /// assert_eq!(aio::ThreadPool::new(0, "io").size(), 1);
    /// ```
    pub fn new(size: usize, name: &str) -> Self {
        Self::with_builder(size, name, |name| thread::Builder::new().name(name))
    }

    /// A pool whose threads come from `builder` (tests make it fail).
    fn with_builder(size: usize, name: &str, builder: fn(String) -> thread::Builder) -> Self {
        assert!(
            !name.contains('\0'),
            "ThreadPool::new: the name {name:?} holds a NUL byte, which no thread name may; \
             leave it out"
        );
        ThreadPool {
            inner: Arc::new(PoolInner {
                size: size.max(1),
                name: name.to_string(),
                builder,
                state: Mutex::new(PoolState::default()),
                work: Condvar::new(),
                exited: Condvar::new(),
            }),
        }
    }

    /// asyncio's default size: `min(32, cores + 4)`.
    ///
    /// ```
    /// let pool = aio::ThreadPool::new(aio::ThreadPool::default_size(), "blocking");
    /// assert!((5..=32).contains(&pool.size()));
    /// ```
    pub fn default_size() -> usize {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        (cores + 4).min(32)
    }

    /// The pool's maximum number of threads.
    ///
    /// ```
    /// assert_eq!(aio::ThreadPool::new(8, "worker").size(), 8);
    /// ```
    pub fn size(&self) -> usize {
        self.inner.size
    }

    /// How many threads are alive now.
    ///
    /// ```
    /// let pool = aio::ThreadPool::new(4, "worker");
    /// pool.submit(|| ()).unwrap();
    /// assert_eq!(pool.threads(), 1, "one job, one thread");
    /// pool.shutdown();
    /// assert_eq!(pool.threads(), 0);
    /// ```
    pub fn threads(&self) -> usize {
        self.inner.lock().live
    }

    /// Queues `job` to run on one of the pool's threads. From async code,
    /// [`run_in_executor`](crate::run_in_executor) also awaits its result.
    /// Panics, dropping `job`, when no thread runs and none can be started
    /// (the process is at its limit of threads).
    ///
    /// ```
    /// let pool = aio::ThreadPool::new(2, "worker");
    /// let (send, result) = std::sync::mpsc::channel();
    /// pool.submit(move || send.send(6 * 7).unwrap()).unwrap();
    /// assert_eq!(result.recv(), Ok(42));
    /// ```
    pub fn submit(&self, job: impl FnOnce() + Send + 'static) -> Result<(), PoolShutDown> {
        let mut state = self.inner.lock();
        if state.shut_down {
            return Err(PoolShutDown);
        }
        state.jobs.push_back(Box::new(job));
        if state.idle > 0 {
            self.inner.work.notify_one();
        } else if state.live < self.inner.size {
            state.live += 1;
            let inner = self.inner.clone();
            let name = format!("{}-{}", self.inner.name, state.handles.len() + 1);
            match (self.inner.builder)(name).spawn(move || inner.work_loop()) {
                Ok(handle) => state.handles.push(handle),
                Err(e) => {
                    state.live -= 1;
                    // No thread could be made: the job waits for a running
                    // one. With none, it would wait forever: it is given back
                    // (and dropped once the lock is released).
                    if state.live > 0 {
                        return Ok(());
                    }
                    let job = state.jobs.pop_back();
                    drop(state);
                    drop(job);
                    panic!(
                        "aio::ThreadPool {:?}: no thread runs and none could start ({e}); \
                         the process is at its limit of threads or memory: raise it \
                         (ulimit -u, a container's pids.max) or use fewer threads",
                        self.inner.name
                    );
                }
            }
        }
        Ok(())
    }

    /// Refuses new work, lets queued jobs finish and joins every thread.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let pool = aio::ThreadPool::new(2, "worker");
    /// let done = Arc::new(AtomicUsize::new(0));
    /// for _ in 0..5 {
    ///     let done = done.clone();
    ///     pool.submit(move || drop(done.fetch_add(1, Ordering::SeqCst))).unwrap();
    /// }
    /// pool.shutdown();
    /// assert_eq!(done.load(Ordering::SeqCst), 5, "queued jobs ran");
    /// assert!(pool.submit(|| ()).is_err());
    /// ```
    pub fn shutdown(&self) {
        let handles = {
            let mut state = self.inner.lock();
            state.shut_down = true;
            std::mem::take(&mut state.handles)
        };
        self.inner.work.notify_all();
        let me = thread::current().id();
        for handle in handles {
            if handle.thread().id() != me {
                let _ = handle.join();
            }
        }
    }

    /// Like [`shutdown`](Self::shutdown), but waits at most `timeout` (on
    /// the machine's clock) for the jobs to finish. Returns `false` if some
    /// were still running then: their threads are left to finish on their
    /// own (nothing can stop a thread), detached from the pool.
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = aio::ThreadPool::new(1, "worker");
    /// let (release, blocked) = std::sync::mpsc::channel::<()>();
    /// pool.submit(move || drop(blocked.recv())).unwrap();
    /// assert!(!pool.shutdown_timeout(Duration::ZERO), "the job is stuck");
    /// release.send(()).unwrap(); // it ends on its own
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now().checked_add(timeout);
        let me = thread::current().id();
        let mut state = self.inner.lock();
        state.shut_down = true;
        let handles = std::mem::take(&mut state.handles);
        self.inner.work.notify_all();
        // A job that shuts its own pool down does not wait for itself.
        let own = usize::from(handles.iter().any(|h| h.thread().id() == me));
        while state.live > own {
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                // Dropping the rest of the handles detaches their threads.
                return false;
            }
            state = self
                .inner
                .exited
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(state);
        for handle in handles {
            if handle.thread().id() != me {
                let _ = handle.join();
            }
        }
        true
    }
}

impl PoolInner {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // Jobs run outside the lock, so a panicking job cannot poison it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn work_loop(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                drop(state);
                job();
                state = self.lock();
            } else if state.shut_down {
                state.live -= 1;
                self.exited.notify_all();
                return;
            } else {
                state.idle += 1;
                state = self.work.wait(state).unwrap_or_else(|e| e.into_inner());
                state.idle -= 1;
            }
        }
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("name", &self.inner.name)
            .field("size", &self.inner.size)
            .field("threads", &self.threads())
            .finish()
    }
}

/// A loop's default pool (asyncio's default executor), kept with the loop and
/// shut down when it closes.
struct DefaultPool(ThreadPool);

impl LoopLocal for DefaultPool {
    fn close(&self) {
        self.0.shutdown();
    }
}

/// The default pool of `core`, made on first use.
pub(crate) fn default_pool(core: &LoopCore) -> ThreadPool {
    // The size is worked out only when the pool is made: it reads the
    // machine's CPU count, which costs a dozen system calls (cgroup files).
    let pool = core
        .locals
        .get_or_insert(|| DefaultPool(ThreadPool::new(ThreadPool::default_size(), "aio-worker")));
    pool.0.clone()
}

/// How long a [`Runner`](crate::Runner) (and [`run`](crate::run)) waits for
/// the jobs of its loop's default pool when it closes: asyncio's
/// `THREAD_JOIN_TIMEOUT` (300 s). Change it with
/// [`Runner::shutdown_default_executor_timeout`](crate::Runner::shutdown_default_executor_timeout).
///
/// ```
/// assert_eq!(aio::DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT.as_secs(), 300);
/// ```
pub const DEFAULT_EXECUTOR_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(300);

/// Shuts the default pool of `core` (if it was made) down, waiting at most
/// `timeout` for its jobs, as asyncio's `loop.shutdown_default_executor`;
/// past it, says so and leaves them running.
pub(crate) fn shutdown_default_pool(core: &LoopCore, timeout: Duration) {
    let Some(pool) = core.locals.get::<DefaultPool>() else {
        return;
    };
    if !pool.0.shutdown_timeout(timeout) {
        crate::runtime::report(
            crate::runtime::ReportLevel::Warn,
            &format!(
                "the default executor did not finish its jobs within {:.3} s of the loop's \
                 shutdown; the loop stops waiting for them and closes (they run on, on their \
                 own threads; Runner::shutdown_default_executor_timeout sets the bound)",
                timeout.as_secs_f64()
            ),
        );
    }
}

/// Replaces the default pool of `core`; the old one is shut down once idle.
pub(crate) fn set_default_pool(core: &LoopCore, pool: ThreadPool) {
    if let Some(old) = core.locals.replace(DefaultPool(pool)) {
        old.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::mpsc;

    use crate::threads::unstartable_thread;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Sets its flag when dropped.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_job_that_no_thread_can_take_is_dropped_with_a_panic_naming_the_limit() {
        let pool = ThreadPool::with_builder(2, "blocked", |_| unstartable_thread());
        for _ in 0..2 {
            let dropped = Arc::new(AtomicBool::new(false));
            let held = Dropped(dropped.clone());
            let submitted = catch_unwind(AssertUnwindSafe(|| pool.submit(move || drop(held))));
            let panic = submitted.expect_err("no thread could take the job");
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            assert!(
                message.starts_with(
                    "aio::ThreadPool \"blocked\": no thread runs and none could start"
                ),
                "{message}"
            );
            assert!(message.contains("pids.max"), "{message}");
            assert!(dropped.load(Ordering::SeqCst), "the job was given back");
            assert_eq!(pool.threads(), 0);
        }
    }

    #[test]
    fn a_job_waits_for_a_running_thread_when_no_other_can_start() {
        let pool = ThreadPool::with_builder(2, "one", |name| match name.as_str() {
            "one-1" => thread::Builder::new().name(name),
            _ => unstartable_thread(),
        });
        let (release, held) = mpsc::channel::<()>();
        let (done, finished) = mpsc::channel();
        let first = done.clone();
        pool.submit(move || {
            held.recv().unwrap();
            first.send("first").unwrap();
        })
        .unwrap();
        pool.submit(move || done.send("second").unwrap()).unwrap();
        assert_eq!(pool.threads(), 1);
        release.send(()).unwrap();
        assert_eq!(finished.recv(), Ok("first"));
        assert_eq!(finished.recv(), Ok("second"));
        pool.shutdown();
    }

    #[test]
    fn an_idle_thread_is_woken_for_the_next_job_and_no_thread_is_added() {
        let pool = ThreadPool::new(2, "reused");
        let (done, finished) = mpsc::channel();
        let first = done.clone();
        pool.submit(move || first.send(1).unwrap()).unwrap();
        assert_eq!(finished.recv(), Ok(1));
        while pool.inner.lock().idle == 0 {
            thread::yield_now();
        }
        pool.submit(move || done.send(2).unwrap()).unwrap();
        assert_eq!(finished.recv(), Ok(2));
        assert_eq!(pool.threads(), 1);
        pool.shutdown();
    }

    #[test]
    fn a_name_with_a_nul_byte_is_refused_when_the_pool_is_made() {
        let made = catch_unwind(|| ThreadPool::new(1, "a\0b"));
        let message = made.expect_err("refused").downcast_ref::<String>().cloned();
        assert!(message.unwrap_or_default().contains("holds a NUL byte"));
    }
}
