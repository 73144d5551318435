//! `Lock`: asyncio's `Lock`, an async mutex handed over first in, first out.

use super::waiters::{WaiterKey, Waiters};
use std::cell::{Cell, RefCell, UnsafeCell};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

/// An async mutex: only one task at a time holds it, as asyncio's `Lock`.
///
/// `lock().await` returns a guard that releases the lock when dropped. Waiting
/// tasks get the lock in the order they asked for it; the lock is handed over
/// directly, so a newcomer cannot overtake them. `Lock<T>` also protects a
/// value (`Lock::new(vec![])`); `Lock::default()` is a plain lock.
///
/// Single-loop: it is not `Send`; share it with `Rc` or by reference
/// (task-group children can borrow it).
///
/// ```
/// aio::run(async {
///     let lock = aio::Lock::new(0);
///     {
///         let mut n = lock.lock().await;
///         *n += 1;
///         assert!(lock.locked());
///     }
///     assert_eq!(*lock.lock().await, 1);
/// });
/// ```
pub struct Lock<T = ()> {
    locked: Cell<bool>,
    waiters: RefCell<Waiters>,
    value: UnsafeCell<T>,
}

impl<T> Lock<T> {
    /// A new, unlocked lock protecting `value`.
    ///
    /// ```
    /// let names = aio::Lock::new(Vec::<String>::new());
    /// assert!(!names.locked());
    /// ```
    pub fn new(value: T) -> Self {
        Lock {
            locked: Cell::new(false),
            waiters: RefCell::new(Waiters::default()),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock and returns its guard.
    ///
    /// ```
    /// aio::run(async {
    ///     let names = aio::Lock::new(Vec::new());
    ///     names.lock().await.push("ada");
    ///     assert_eq!(*names.lock().await, ["ada"]);
    /// });
    /// ```
    pub fn lock(&self) -> Acquire<'_, T> {
        Acquire {
            lock: self,
            key: None,
        }
    }

    /// Takes the lock if it is free and nobody waits for it.
    ///
    /// ```
    /// let lock = aio::Lock::new(1);
    /// let guard = lock.try_lock().expect("free");
    /// assert!(lock.try_lock().is_none(), "held");
    /// drop(guard);
    /// assert_eq!(*lock.try_lock().unwrap(), 1);
    /// ```
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        if self.locked.get() || !self.waiters.borrow().is_empty() {
            return None;
        }
        self.locked.set(true);
        Some(LockGuard { lock: self })
    }

    /// True while some task holds the lock.
    ///
    /// ```
    /// let lock = aio::Lock::new(());
    /// let guard = lock.try_lock();
    /// assert!(lock.locked());
    /// drop(guard);
    /// assert!(!lock.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.locked.get()
    }

    /// The protected value, through exclusive access to the lock itself: no
    /// waiting, since nobody else can hold the lock.
    ///
    /// ```
    /// let mut counter = aio::Lock::new(0);
    /// *counter.get_mut() += 1;
    /// assert_eq!(*counter.try_lock().unwrap(), 1);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Hands the lock to the oldest waiter, or frees it.
    fn release(&self) {
        if !self.waiters.borrow_mut().notify_one() {
            self.locked.set(false);
        }
    }
}

impl<T: Default> Default for Lock<T> {
    fn default() -> Self {
        Lock::new(T::default())
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .field("waiters", &self.waiters.borrow().len())
            .finish()
    }
}

/// The future of [`Lock::lock`]: resolves to the guard once the lock is
/// this task's.
///
/// ```
/// aio::run(async {
///     let lock = aio::Lock::new("data");
///     let acquire: aio::sync::Acquire<'_, &str> = lock.lock();
///     assert!(!lock.locked(), "taken only when awaited");
///     assert_eq!(*acquire.await, "data");
/// });
/// ```
#[must_use = "the lock is only taken when awaited"]
pub struct Acquire<'a, T> {
    lock: &'a Lock<T>,
    key: Option<WaiterKey>,
}

impl<'a, T> Future for Acquire<'a, T> {
    type Output = LockGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a, T>> {
        let lock = self.lock;
        // Handed over, the lock stayed locked: now it is ours.
        let take_now = || !lock.locked.replace(true);
        lock.waiters
            .borrow_mut()
            .poll_hand_off(&mut self.key, cx.waker(), "a lock", take_now)
            .map(|()| LockGuard { lock })
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let handed = self.lock.waiters.borrow_mut().remove(key);
            if handed {
                // Cancelled after the lock was handed over: pass it on.
                self.lock.release();
            }
        }
    }
}

/// Holds a [`Lock`]; releases it when dropped. Derefs to the protected value.
///
/// ```
/// aio::run(async {
///     let lock = aio::Lock::new(String::from("a"));
///     let mut guard: aio::sync::LockGuard<'_, String> = lock.lock().await;
///     guard.push('b');
///     drop(guard); // releases the lock
///     assert_eq!(lock.try_lock().unwrap().as_str(), "ab");
/// });
/// ```
pub struct LockGuard<'a, T> {
    lock: &'a Lock<T>,
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a guard exists only while its task holds the lock, and the
        // lock is held by one guard at a time, so no other reference to the
        // value exists; `Lock` is not `Sync`, so no other thread can reach it.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this access exclusive.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.release();
    }
}

impl<T> LockGuard<'_, T> {
    /// The lock this guard holds.
    pub(crate) fn lock_ref(&self) -> &Lock<T> {
        self.lock
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LockGuard").field(&**self).finish()
    }
}
