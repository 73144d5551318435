//! `LoopHandle`: what other threads hold to reach a loop.

use crate::runtime::with_current;
use crate::runtime::{CODE_LOOP_SHUTDOWN, Remote, RemoteItem};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

/// A `Send + Sync + Clone` handle to an event loop, for other threads.
///
/// ```
/// use std::thread;
/// aio::run(async {
///     let handle = aio::get_running_loop().handle();
///     let promise = aio::Promise::new();
///     let setter = promise.clone();
///     thread::spawn(move || {
///         handle
///             .call_soon_threadsafe(move || setter.set_result("from thread").unwrap())
///             .expect("the loop is running");
///     });
///     assert_eq!(promise.await.unwrap(), "from thread");
/// });
/// ```
#[derive(Clone)]
pub struct LoopHandle {
    pub(crate) remote: Arc<Remote>,
}

impl LoopHandle {
    pub(crate) fn new(remote: Arc<Remote>) -> Self {
        LoopHandle { remote }
    }

    /// Runs `callback` on the loop's thread at its next turn, waking it if it
    /// is parked (asyncio's `call_soon_threadsafe`). Calls from one thread run
    /// in the order they were made. The handle it returns can cancel the call
    /// until it runs. A loop that has closed refuses the call
    /// (`Err(LoopClosed)`); one that closes before running it drops it.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let handle = lp.handle();
    /// let call = std::thread::spawn(move || {
    ///     handle.call_soon_threadsafe(|| unreachable!()).unwrap()
    /// })
    /// .join()
    /// .unwrap();
    /// assert!(call.cancel(), "cancelled before the loop ran it");
    /// lp.run_until_complete(aio::yield_now());
    /// lp.close();
    /// assert!(lp.handle().call_soon_threadsafe(|| ()).is_err());
    /// ```
    pub fn call_soon_threadsafe(
        &self,
        callback: impl FnOnce() + Send + 'static,
    ) -> Result<ThreadsafeCall, LoopClosed> {
        let call = ThreadsafeCall {
            phase: Arc::new(AtomicU8::new(PENDING)),
        };
        let phase = call.phase.clone();
        let item = RemoteItem::Call(Box::new(move || {
            if phase
                .compare_exchange(PENDING, RAN, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                callback();
            }
        }));
        self.remote.try_push(item).map_err(|_| LoopClosed)?;
        Ok(call)
    }

    /// Asks the loop to stop after its current turn (see `EventLoop::stop`).
    /// Nothing happens if the loop has closed.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let handle = lp.handle();
    /// std::thread::spawn(move || handle.stop()).join().unwrap();
    /// lp.run_forever(); // returns after the turn that ran the stop
    /// lp.close();
    /// ```
    pub fn stop(&self) {
        let _ = self.call_soon_threadsafe(|| {
            with_current(|core| core.stop());
        });
    }

    /// Cancels the main future of the loop's run in progress (a loop of
    /// `run_per_core` whose sibling panicked).
    pub(crate) fn cancel_main(&self) {
        // A loop that closed already has nothing left to cancel.
        let _ = self.call_soon_threadsafe(|| {
            with_current(|core| core.cancel_main(CODE_LOOP_SHUTDOWN));
        });
    }

    /// True once the loop was closed.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let handle = lp.handle();
    /// assert!(!handle.is_closed());
    /// lp.close();
    /// assert!(handle.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.remote.is_closed()
    }
}

impl fmt::Debug for LoopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopHandle")
            .field("loop", &self.remote.loop_id)
            .finish()
    }
}

const PENDING: u8 = 0;
const RAN: u8 = 1;
const CANCELLED: u8 = 2;

/// A call handed to a loop by [`LoopHandle::call_soon_threadsafe`]: `Send +
/// Sync`, so the thread that made it can cancel it until the loop runs it.
///
/// ```
/// let lp = aio::EventLoop::new();
/// let handle = lp.handle();
/// let call: aio::ThreadsafeCall = std::thread::spawn(move || {
///     handle.call_soon_threadsafe(|| println!("on the loop")).unwrap()
/// })
/// .join()
/// .unwrap();
/// assert!(!call.has_run(), "the loop has not turned yet");
/// lp.run_until_complete(aio::yield_now());
/// assert!(call.has_run());
/// lp.close();
/// ```
#[derive(Clone, Debug)]
pub struct ThreadsafeCall {
    phase: Arc<AtomicU8>,
}

impl ThreadsafeCall {
    /// Keeps the loop from running the call; `false` if it already ran (or
    /// was cancelled).
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let call = lp.handle().call_soon_threadsafe(|| unreachable!()).unwrap();
    /// assert!(call.cancel());
    /// assert!(!call.cancel(), "already cancelled");
    /// lp.run_until_complete(aio::yield_now()); // the call is skipped
    /// assert!(!call.has_run());
    /// lp.close();
    /// ```
    pub fn cancel(&self) -> bool {
        self.phase
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// True once the loop ran the call.
    ///
    /// ```
    /// let lp = aio::EventLoop::new();
    /// let call = lp.handle().call_soon_threadsafe(|| ()).unwrap();
    /// assert!(!call.has_run());
    /// lp.run_until_complete(aio::yield_now());
    /// assert!(call.has_run());
    /// assert!(!call.cancel(), "too late to cancel");
    /// lp.close();
    /// ```
    pub fn has_run(&self) -> bool {
        self.phase.load(Ordering::Acquire) == RAN
    }
}

/// The error of handing work to an event loop that has closed.
///
/// ```
/// let lp = aio::EventLoop::new();
/// let handle = lp.handle();
/// lp.close();
/// let err = handle.call_soon_threadsafe(|| ()).unwrap_err();
/// assert_eq!(err.to_string(), "the event loop is closed; it takes no more work");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopClosed;

impl fmt::Display for LoopClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event loop is closed; it takes no more work")
    }
}

impl std::error::Error for LoopClosed {}
