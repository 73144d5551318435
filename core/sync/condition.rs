//! `Condition`: asyncio's condition variable, tied to a `Lock`.

use super::lock::{Acquire, Lock, LockGuard};
use super::waiters::{WaiterKey, Waiters};
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A condition variable, as asyncio's `Condition`: tasks holding its lock wait
/// for a notification; `wait` releases the lock while waiting and takes it
/// back before returning. Waiters are notified first in first out, and a
/// waiter cancelled after being notified passes the notification on.
///
/// ```
/// use std::rc::Rc;
/// aio::run(async {
///     let cond = Rc::new(aio::Condition::new(Vec::new()));
///     let c = cond.clone();
///     let consumer = aio::create_task(async move {
///         let guard = c.lock().await;
///         let mut items = c.wait_for(guard, |items| !items.is_empty()).await;
///         items.pop()
///     });
///     aio::yield_now().await;
///     cond.lock().await.push("item");
///     cond.notify(1);
///     assert_eq!(consumer.await.unwrap(), Some("item"));
/// });
/// ```
pub struct Condition<T = ()> {
    lock: Lock<T>,
    waiters: RefCell<Waiters>,
}

impl<T> Condition<T> {
    /// A condition whose lock protects `value`.
    ///
    /// ```
    /// let jobs = aio::Condition::new(Vec::<u32>::new());
    /// assert!(!jobs.locked());
    /// ```
    pub fn new(value: T) -> Self {
        Condition {
            lock: Lock::new(value),
            waiters: RefCell::new(Waiters::default()),
        }
    }

    /// Takes the condition's lock.
    ///
    /// ```
    /// aio::run(async {
    ///     let jobs = aio::Condition::new(Vec::new());
    ///     jobs.lock().await.push(1);
    ///     assert_eq!(*jobs.lock().await, [1]);
    /// });
    /// ```
    pub fn lock(&self) -> Acquire<'_, T> {
        self.lock.lock()
    }

    /// True while some task holds the lock.
    ///
    /// ```
    /// aio::run(async {
    ///     let cond = aio::Condition::new(());
    ///     let guard = cond.lock().await;
    ///     assert!(cond.locked());
    ///     drop(guard);
    ///     assert!(!cond.locked());
    /// });
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Releases the lock, waits for a notification, takes the lock back.
    ///
    /// Panics if `guard` belongs to another lock: pass the guard that
    /// `self.lock().await` returned.
    ///
    /// ```
    /// aio::run(async {
    ///     let cond = aio::Condition::new(0);
    ///     let (seen, ()) = aio::gather_all!(
    ///         async {
    ///             let guard = cond.lock().await;
    ///             let guard = cond.wait(guard).await; // lock released meanwhile
    ///             *guard
    ///         },
    ///         async {
    ///             *cond.lock().await = 7;
    ///             cond.notify(1);
    ///         },
    ///     );
    ///     assert_eq!(seen, 7);
    /// });
    /// ```
    pub async fn wait<'a>(&'a self, guard: LockGuard<'a, T>) -> LockGuard<'a, T> {
        assert!(
            std::ptr::eq(guard.lock_ref(), &self.lock),
            "Condition::wait needs the guard of this condition's own lock: pass what `cond.lock().await` returned"
        );
        drop(guard);
        Notified {
            cond: self,
            key: None,
        }
        .await;
        self.lock.lock().await
    }

    /// Waits until `predicate` holds for the protected value, re-checking it
    /// after each notification; returns with the lock held.
    ///
    /// ```
    /// aio::run(async {
    ///     let count = aio::Condition::new(0);
    ///     let (reached, ()) = aio::gather_all!(
    ///         async { *count.wait_for(count.lock().await, |n| *n >= 3).await },
    ///         async {
    ///             for _ in 0..3 {
    ///                 *count.lock().await += 1;
    ///                 count.notify_all();
    ///                 aio::yield_now().await;
    ///             }
    ///         },
    ///     );
    ///     assert_eq!(reached, 3);
    /// });
    /// ```
    pub async fn wait_for<'a>(
        &'a self,
        mut guard: LockGuard<'a, T>,
        mut predicate: impl FnMut(&mut T) -> bool,
    ) -> LockGuard<'a, T> {
        while !predicate(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` waiters, oldest first; returns how many.
    ///
    /// ```
    /// let cond = aio::Condition::new(());
    /// assert_eq!(cond.notify(1), 0, "nobody waits");
    /// ```
    pub fn notify(&self, n: usize) -> usize {
        let mut waiters = self.waiters.borrow_mut();
        (0..n).take_while(|_| waiters.notify_one()).count()
    }

    /// Wakes every waiter; returns how many.
    ///
    /// ```
    /// aio::run(async {
    ///     let cond = aio::Condition::new(());
    ///     let (_, _, woken) = aio::gather_all!(
    ///         async { drop(cond.wait(cond.lock().await).await) },
    ///         async { drop(cond.wait(cond.lock().await).await) },
    ///         async {
    ///             aio::yield_now().await; // both wait now
    ///             cond.notify_all()
    ///         },
    ///     );
    ///     assert_eq!(woken, 2);
    /// });
    /// ```
    pub fn notify_all(&self) -> usize {
        self.waiters.borrow_mut().notify_all()
    }
}

impl<T: Default> Default for Condition<T> {
    fn default() -> Self {
        Condition::new(T::default())
    }
}

impl<T> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("locked", &self.locked())
            .field("waiters", &self.waiters.borrow().len())
            .finish()
    }
}

/// Waiting for a notification (without the lock).
struct Notified<'a, T> {
    cond: &'a Condition<T>,
    key: Option<WaiterKey>,
}

impl<T> Future for Notified<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let cond = self.cond;
        // A notification only counts for those already waiting: always queue.
        cond.waiters
            .borrow_mut()
            .poll_hand_off(&mut self.key, cx.waker(), "a condition", || false)
    }
}

impl<T> Drop for Notified<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            let mut waiters = self.cond.waiters.borrow_mut();
            if waiters.remove(key) {
                // Cancelled after being notified: the next waiter gets it.
                waiters.notify_one();
            }
        }
    }
}
