//! `Semaphore` and `BoundedSemaphore`: asyncio's counters of permits.

use super::waiters::{WaiterKey, Waiters};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A counter of permits, as asyncio's `Semaphore`: `acquire().await` takes one
/// (waiting while there are none) and the returned [`Permit`] gives it back
/// when dropped. Waiters are served first in first out, and a released permit
/// is handed straight to the oldest waiter.
///
/// ```
/// aio::run(async {
///     let downloads = aio::Semaphore::new(2);
///     let a = downloads.acquire().await;
///     let _b = downloads.acquire().await;
///     assert!(downloads.try_acquire().is_none());
///     drop(a);
///     assert_eq!(downloads.available(), 1);
/// });
/// ```
pub struct Semaphore {
    permits: Cell<usize>,
    waiters: RefCell<Waiters>,
    /// `Some(initial)` for a bounded semaphore.
    bound: Option<usize>,
}

/// The error of releasing a semaphore beyond its maximum: a
/// [`BoundedSemaphore`]'s initial value (asyncio raises `ValueError`), or
/// `usize::MAX` permits for a plain [`Semaphore`].
///
/// ```
/// let sem = aio::BoundedSemaphore::new(1);
/// let err = sem.release().unwrap_err();
/// assert_eq!(err, aio::sync::OverRelease);
/// assert!(err.to_string().contains("release only permits you acquired"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverRelease;

impl fmt::Display for OverRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "semaphore released beyond its maximum (a BoundedSemaphore's initial value, \
             or usize::MAX); release only permits you acquired",
        )
    }
}

impl std::error::Error for OverRelease {}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// let connections = aio::Semaphore::new(10);
    /// assert_eq!(connections.available(), 10);
    /// ```
    pub fn new(permits: usize) -> Self {
        Semaphore {
            permits: Cell::new(permits),
            waiters: RefCell::new(Waiters::default()),
            bound: None,
        }
    }

    /// Waits for a permit; the permit goes back when dropped.
    ///
    /// ```
    /// aio::run(async {
    ///     let sem = aio::Semaphore::new(1);
    ///     let permit = sem.acquire().await;
    ///     assert_eq!(sem.available(), 0);
    ///     drop(permit);
    ///     assert_eq!(sem.available(), 1);
    /// });
    /// ```
    pub fn acquire(&self) -> AcquirePermit<'_> {
        AcquirePermit {
            sem: self,
            key: None,
        }
    }

    /// Takes a permit if one is free and nobody waits.
    ///
    /// ```
    /// let sem = aio::Semaphore::new(1);
    /// let permit = sem.try_acquire();
    /// assert!(permit.is_some());
    /// assert!(sem.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        if self.permits.get() == 0 || !self.waiters.borrow().is_empty() {
            return None;
        }
        self.permits.set(self.permits.get() - 1);
        Some(Permit { sem: self })
    }

    /// Free permits now (asyncio's `_value`).
    ///
    /// ```
    /// let sem = aio::Semaphore::new(3);
    /// let _permit = sem.try_acquire();
    /// assert_eq!(sem.available(), 2);
    /// ```
    pub fn available(&self) -> usize {
        self.permits.get()
    }

    /// True when `acquire` would wait (asyncio's `locked()`).
    ///
    /// ```
    /// let sem = aio::Semaphore::new(1);
    /// assert!(!sem.locked());
    /// let _permit = sem.try_acquire();
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.permits.get() == 0 || !self.waiters.borrow().is_empty()
    }

    /// Adds a permit, as asyncio's `release()`; see also [`Permit::forget`].
    /// A bounded semaphore refuses to go beyond its initial value, a plain
    /// one beyond `usize::MAX` permits: both leave the count as it was.
    ///
    /// ```
    /// let sem = aio::Semaphore::new(0);
    /// sem.release().unwrap(); // a plain semaphore may grow
    /// assert_eq!(sem.available(), 1);
    /// ```
    pub fn release(&self) -> Result<(), OverRelease> {
        if self.permits.get() >= self.bound.unwrap_or(usize::MAX) {
            return Err(OverRelease);
        }
        self.give_back();
        Ok(())
    }

    /// Hands a permit to the oldest waiter, or adds it to the free ones.
    fn give_back(&self) {
        if self.waiters.borrow_mut().notify_one() {
            return;
        }
        let max = self.bound.unwrap_or(usize::MAX);
        match self.permits.get().checked_add(1) {
            Some(n) if n <= max => self.permits.set(n),
            // Only reachable by a `release()` for a permit still held.
            _ if std::thread::panicking() => {}
            _ => panic!(
                "a Permit was given back to a semaphore already at its maximum: \
                 call release() only for permits you forgot (Permit::forget)"
            ),
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.available())
            .field("bound", &self.bound)
            .finish()
    }
}

/// A [`Semaphore`] that refuses to be released beyond its initial value, as
/// asyncio's `BoundedSemaphore`: a `release()` without a matching acquire is
/// a bug it reports instead of hiding.
///
/// ```
/// let sem: aio::Semaphore = aio::BoundedSemaphore::new(1);
/// sem.try_acquire().unwrap().forget();
/// sem.release().unwrap(); // gives back the forgotten permit
/// assert!(sem.release().is_err(), "one more would exceed the initial 1");
/// assert_eq!(sem.available(), 1);
/// ```
pub struct BoundedSemaphore;

impl BoundedSemaphore {
    /// A semaphore of `permits` permits, never more.
    ///
    /// ```
    /// let sem = aio::BoundedSemaphore::new(2);
    /// assert_eq!(sem.available(), 2);
    /// assert_eq!(sem.release(), Err(aio::sync::OverRelease));
    /// ```
    #[allow(clippy::new_ret_no_self)] // asyncio's constructor name for a bounded Semaphore
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            bound: Some(permits),
            ..Semaphore::new(permits)
        }
    }
}

/// The future of [`Semaphore::acquire`]: resolves to a [`Permit`] once one
/// is free and the waiters before it are served.
///
/// ```
/// aio::run(async {
///     let sem = aio::Semaphore::new(1);
///     let acquire: aio::sync::AcquirePermit<'_> = sem.acquire();
///     assert_eq!(sem.available(), 1, "taken only when awaited");
///     let _permit = acquire.await;
///     assert_eq!(sem.available(), 0);
/// });
/// ```
#[must_use = "a permit is only taken when awaited"]
pub struct AcquirePermit<'a> {
    sem: &'a Semaphore,
    key: Option<WaiterKey>,
}

impl<'a> Future for AcquirePermit<'a> {
    type Output = Permit<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let sem = self.sem;
        let take_now = || match sem.permits.get() {
            0 => false,
            n => {
                sem.permits.set(n - 1);
                true
            }
        };
        sem.waiters
            .borrow_mut()
            .poll_hand_off(&mut self.key, cx.waker(), "a semaphore", take_now)
            .map(|()| Permit { sem })
    }
}

impl Drop for AcquirePermit<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            if self.sem.waiters.borrow_mut().remove(key) {
                // Cancelled after a permit was handed over: pass it on.
                self.sem.give_back();
            }
        }
    }
}

/// One permit of a [`Semaphore`], given back when dropped.
///
/// ```
/// let sem = aio::Semaphore::new(1);
/// let permit: aio::sync::Permit<'_> = sem.try_acquire().unwrap();
/// assert_eq!(sem.available(), 0);
/// drop(permit);
/// assert_eq!(sem.available(), 1);
/// ```
#[derive(Debug)]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Permit<'_> {
    /// Keeps the permit taken (pair it with a later [`Semaphore::release`]),
    /// for a permit released by other code than the one that took it.
    ///
    /// ```
    /// let sem = aio::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available(), 0, "still taken");
    /// sem.release().unwrap();
    /// assert_eq!(sem.available(), 1);
    /// ```
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.give_back();
    }
}
