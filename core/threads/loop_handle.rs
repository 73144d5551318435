//! `LoopHandle`: what other threads hold to reach a loop.

use crate::runtime::with_current;
use crate::runtime::{Remote, RemoteItem, CODE_LOOP_SHUTDOWN};
use std::fmt;
use std::sync::Arc;

/// A `Send + Sync + Clone` handle to an event loop, for other threads.
///
/// ```
/// use std::thread;
/// aio::run(async {
///     let handle = aio::get_running_loop().handle();
///     let promise = aio::Promise::new();
///     let setter = promise.clone();
///     thread::spawn(move || {
///         handle.call_soon_threadsafe(move || {
///             setter.set_result("from thread").unwrap();
///         });
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
    /// in the order they were made. Dropped unrun if the loop is closed.
    pub fn call_soon_threadsafe(&self, callback: impl FnOnce() + Send + 'static) {
        self.remote.push(RemoteItem::Call(Box::new(callback)));
    }

    /// Asks the loop to stop after its current turn (see `EventLoop::stop`).
    pub fn stop(&self) {
        self.call_soon_threadsafe(|| {
            with_current(|core| core.stop());
        });
    }

    /// Cancels the main future of the loop's run in progress (a loop of
    /// `run_per_core` whose sibling panicked).
    pub(crate) fn cancel_main(&self) {
        self.call_soon_threadsafe(|| {
            with_current(|core| core.cancel_main(CODE_LOOP_SHUTDOWN));
        });
    }

    /// True once the loop was closed.
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
