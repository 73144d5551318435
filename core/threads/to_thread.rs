//! Running blocking closures on a thread pool and awaiting their result:
//! asyncio's `to_thread` and `run_in_executor`.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::LoopId;
use crate::runtime::{expect_current, with_current};
use crate::task::{Panic, TaskError};
use crate::threads::thread_pool::{ThreadPool, default_pool};
use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Runs the blocking `f` on the running loop's default thread pool and
/// resolves to its result, as asyncio's `to_thread`. A panic in `f` comes back
/// as `Err(TaskError::Panicked)`.
///
/// Cancelling the await cannot stop the thread: `f` runs to its end and its
/// result is dropped. While `f` runs, a virtual clock waits for it instead of
/// jumping. Panics when no loop runs on this thread, and when the pool has no
/// thread and none can start (the process is at its limit of threads).
///
/// ```
/// fn checksum(data: &[u8]) -> u32 {
///     data.iter().map(|&b| u32::from(b)).sum() // stands for slow, blocking work
/// }
/// aio::run(async {
///     let data = vec![1u8; 1000];
///     let sum = aio::to_thread(move || checksum(&data)).await.unwrap();
///     assert_eq!(sum, 1000);
/// });
/// ```
pub fn to_thread<F, T>(f: F) -> Blocking<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let pool = expect_current("aio::to_thread", default_pool);
    run_in_executor(&pool, f)
}

/// Runs the blocking `f` on `pool` and resolves to its result, as asyncio's
/// `loop.run_in_executor(pool, f)`. See [`to_thread`].
///
/// ```
/// let pool = aio::ThreadPool::new(2, "db");
/// aio::run(async {
///     let (a, b) = aio::gather!(
///         aio::run_in_executor(&pool, || 2 + 2),
///         aio::run_in_executor(&pool, || "query done"),
///     )
///     .unwrap();
///     assert_eq!((a, b), (4, "query done"));
/// });
/// pool.shutdown();
/// ```
pub fn run_in_executor<F, T>(pool: &ThreadPool, f: F) -> Blocking<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let slot = Arc::new(Slot {
        state: Mutex::new((None, None)),
    });
    let outside = with_current(|core| (core.begin_outside_work(), core.id));
    let done = slot.clone();
    let submitted = pool.submit(move || {
        let loop_id = outside.as_ref().map(|(_, id)| *id);
        let previous = OUTSIDE_JOB_OF.replace(loop_id);
        let outcome =
            catch_unwind(AssertUnwindSafe(f)).map_err(|p| TaskError::Panicked(Panic::new(p)));
        OUTSIDE_JOB_OF.set(previous);
        done.finish(outcome);
        // Only now may a virtual clock move on.
        drop(outside);
    });
    if submitted.is_err() {
        // The pool was shut down: the loop is closing.
        let shutdown = Cancelled::new(CancelReason::LoopShutdown);
        slot.finish(Err(TaskError::Cancelled(shutdown)));
    }
    Blocking { slot }
}

thread_local! {
    /// The loop whose counted outside job this thread is running, if any.
    static OUTSIDE_JOB_OF: Cell<Option<LoopId>> = const { Cell::new(None) };
}

/// The loop whose outside job (counted by its virtual clock) the calling
/// thread is running, if any.
pub(crate) fn outside_job_of() -> Option<LoopId> {
    OUTSIDE_JOB_OF.get()
}

type SlotState<T> = (Option<Result<T, TaskError>>, Option<Waker>);

struct Slot<T> {
    state: Mutex<SlotState<T>>,
}

impl<T> Slot<T> {
    fn finish(&self, outcome: Result<T, TaskError>) {
        let waker = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.0 = Some(outcome);
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// The future of [`to_thread`] and [`run_in_executor`]: the closure's result,
/// or `Err(TaskError::Panicked)` (or `Cancelled` if the pool was shut down).
///
/// ```
/// aio::run(async {
///     let job: aio::Blocking<u32> = aio::to_thread(|| "x".parse::<u32>().unwrap());
///     let err = job.await.unwrap_err();
///     assert!(err.is_panic(), "the closure's panic comes back as an error");
/// });
/// ```
#[must_use = "the closure runs anyway; await this to get its result"]
pub struct Blocking<T> {
    slot: Arc<Slot<T>>,
}

impl<T> Future for Blocking<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.slot.state.lock().unwrap_or_else(|e| e.into_inner());
        match state.0.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                state.1 = Some(cx.waker().clone());
                crate::runtime::note_wait(crate::runtime::Wait::On("a thread"));
                Poll::Pending
            }
        }
    }
}
