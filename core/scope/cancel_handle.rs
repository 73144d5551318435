//! `CancelHandle`: cancels a [`CancelScope`](crate::CancelScope) from
//! another task or thread (the cancellation-token pattern), through the part
//! of the scope it shares.

use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;

/// What a [`CancelHandle`] shares with its scope.
pub(crate) struct Shared {
    pub(crate) cancelled: AtomicBool,
    pub(crate) location: Mutex<Option<&'static Location<'static>>>,
    pub(crate) waker: Mutex<Option<Waker>>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing that can panic runs while these locks are held.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Cancels a [`CancelScope`](crate::CancelScope) from anywhere: `'static +
/// Clone + Send + Sync`, so another task or another thread can hold it (the
/// cancellation-token pattern).
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let scope = aio::CancelScope::new();
///     let handle = scope.handle();
///     // Another thread cancels the scope (here before it is even entered).
///     std::thread::spawn(move || handle.cancel()).join().unwrap();
///     let outcome = scope.run(aio::sleep(Duration::from_secs(60))).await;
///     assert_eq!(outcome, None);
///     assert_eq!(aio::get_running_loop().time(), 0.0);
/// });
/// ```
#[derive(Clone)]
pub struct CancelHandle {
    pub(crate) shared: Arc<Shared>,
}

impl CancelHandle {
    /// Cancels the scope (idempotent).
    ///
    /// ```
    /// aio::run(async {
    ///     let scope = aio::CancelScope::new();
    ///     let handle = scope.handle();
    ///     handle.cancel();
    ///     handle.cancel(); // a second call changes nothing
    ///     assert_eq!(scope.run(async { 1 }).await, None);
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) {
        let mut location = lock(&self.shared.location);
        if location.is_none() {
            *location = Some(Location::caller());
        }
        drop(location);
        self.shared.cancelled.store(true, Ordering::Release);
        let waker = lock(&self.shared.waker).clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// True once the scope was cancelled through a handle.
    ///
    /// ```
    /// let scope = aio::CancelScope::new();
    /// let handle = scope.handle();
    /// assert!(!handle.cancel_called());
    /// handle.clone().cancel();
    /// assert!(handle.cancel_called() && scope.cancel_called());
    /// ```
    pub fn cancel_called(&self) -> bool {
        self.shared.cancelled.load(Ordering::Acquire)
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("cancel_called", &self.cancel_called())
            .finish()
    }
}
