//! Lock: FIFO hand-off and cancellation of waiters.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use aio::Lock;

type Log = Rc<RefCell<Vec<String>>>;

fn waiter(lock: &Rc<Lock>, log: &Log, name: &'static str) -> aio::Task<()> {
    let (lock, log) = (lock.clone(), log.clone());
    aio::create_task(async move {
        let _guard = lock.lock().await;
        log.borrow_mut().push(name.to_string());
        aio::sleep(Duration::from_secs(1)).await;
    })
}

#[aio::test]
async fn waiters_get_the_lock_first_in_first_out() {
    let lock = Rc::new(Lock::default());
    let log: Log = Rc::default();
    let guard = lock.lock().await;
    let tasks: Vec<_> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| waiter(&lock, &log, n))
        .collect();
    aio::yield_now().await;
    assert!(
        lock.try_lock().is_none(),
        "a newcomer cannot overtake the queue"
    );
    drop(guard);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*log.borrow(), ["a", "b", "c", "d"]);
    assert!(!lock.locked());
}

#[aio::test]
async fn a_waiter_cancelled_while_waiting_leaves_no_trace() {
    let lock = Rc::new(Lock::default());
    let log: Log = Rc::default();
    let guard = lock.lock().await;
    let a = waiter(&lock, &log, "a");
    let b = waiter(&lock, &log, "b");
    aio::yield_now().await;
    assert_eq!(format!("{lock:?}"), "Lock { locked: true, waiters: 2 }");
    a.cancel();
    aio::yield_now().await;
    assert_eq!(format!("{lock:?}"), "Lock { locked: true, waiters: 1 }");
    drop(guard);
    b.await.unwrap();
    assert!(a.await.is_err());
    assert_eq!(*log.borrow(), ["b"]);
}

#[aio::test]
async fn a_waiter_cancelled_after_being_handed_the_lock_passes_it_on() {
    let lock = Rc::new(Lock::default());
    let log: Log = Rc::default();
    let guard = lock.lock().await;
    let a = waiter(&lock, &log, "a");
    let b = waiter(&lock, &log, "b");
    aio::yield_now().await;
    drop(guard); // handed to `a`, which has not run yet...
    a.cancel(); // ...and is cancelled before it does
    b.await.unwrap();
    assert_eq!(*log.borrow(), ["b"]);
    assert!(!lock.locked(), "nothing was lost: the lock is free again");
}

#[aio::test]
async fn the_guard_gives_access_to_the_protected_value() {
    let lock = Rc::new(Lock::new(Vec::new()));
    let tasks: Vec<_> = (0..3)
        .map(|i| {
            let lock = lock.clone();
            aio::create_task(async move {
                let mut v = lock.lock().await;
                aio::yield_now().await; // hold it across a suspension
                v.push(i);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*lock.lock().await, [0, 1, 2]);
}

/// A waker that counts its wake-ups, to poll a future by hand.
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let count = Arc::new(CountingWaker(AtomicUsize::new(0)));
    (count.clone(), Waker::from(count))
}

fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

#[aio::test]
async fn try_lock_on_a_held_lock_with_nobody_waiting_gives_no_second_guard() {
    let lock = Lock::new(0);
    let guard = lock.try_lock().expect("a free lock is taken at once");
    assert!(lock.try_lock().is_none(), "one holder at a time");
    drop(guard);
    assert!(lock.try_lock().is_some());
}

#[aio::test]
async fn a_waiter_polled_again_before_its_turn_does_not_take_the_lock() {
    let lock = Lock::new(());
    let guard = lock.lock().await;
    let (_, waker) = counting_waker();
    let mut first = lock.lock();
    let mut second = lock.lock();
    assert!(poll_with(&mut first, &waker).is_pending());
    assert!(poll_with(&mut second, &waker).is_pending());
    // Spurious wake-ups, a select sibling, a timeout re-poll: still not its turn.
    assert!(poll_with(&mut first, &waker).is_pending());
    assert!(poll_with(&mut second, &waker).is_pending());
    drop(guard); // handed to `first`
    assert!(
        poll_with(&mut second, &waker).is_pending(),
        "the second waiter must not overtake the first"
    );
    assert!(lock.try_lock().is_none(), "nor may a newcomer");
    let Poll::Ready(held) = poll_with(&mut first, &waker) else {
        panic!("the lock was handed to the first waiter");
    };
    drop(held);
    assert!(poll_with(&mut second, &waker).is_ready());
}

#[aio::test]
async fn a_waiter_re_polled_with_a_new_waker_is_woken_through_the_new_one() {
    let lock = Lock::new(());
    let guard = lock.lock().await;
    let (old_count, old) = counting_waker();
    let (new_count, new) = counting_waker();
    let mut acquire = lock.lock();
    assert!(poll_with(&mut acquire, &old).is_pending());
    assert!(poll_with(&mut acquire, &new).is_pending());
    drop(guard);
    assert_eq!(
        new_count.0.load(Ordering::SeqCst),
        1,
        "the new waker is woken"
    );
    assert_eq!(old_count.0.load(Ordering::SeqCst), 0);
    assert!(poll_with(&mut acquire, &new).is_ready());
}

#[aio::test]
async fn a_lock_raced_in_select_first_against_a_timer_keeps_its_place() {
    let lock = Rc::new(Lock::default());
    let log: Log = Rc::default();
    let guard = lock.lock().await;
    let first = waiter(&lock, &log, "first");
    aio::yield_now().await;
    // A second waiter whose wait is re-polled every second by a sibling timer.
    let (l, g) = (lock.clone(), log.clone());
    let impatient = aio::create_task(async move {
        let acquire = l.lock();
        futures::pin_mut!(acquire);
        loop {
            aio::select_first! {
                _guard = &mut acquire => {
                    g.borrow_mut().push("impatient".to_string());
                    break;
                },
                _ = aio::sleep(Duration::from_millis(300)) => {},
            }
        }
    });
    aio::sleep(Duration::from_secs(2)).await;
    drop(guard);
    first.await.unwrap();
    impatient.await.unwrap();
    assert_eq!(*log.borrow(), ["first", "impatient"]);
}

#[aio::test]
async fn debug_shows_the_holder_state_and_the_waiters() {
    let lock = Rc::new(Lock::new(5));
    assert_eq!(format!("{lock:?}"), "Lock { locked: false, waiters: 0 }");
    let guard = lock.lock().await;
    assert_eq!(format!("{guard:?}"), "LockGuard(5)");
    let log: Log = Rc::default();
    let (l, g) = (lock.clone(), log.clone());
    let waiting = aio::create_task(async move {
        let _guard = l.lock().await;
        g.borrow_mut().push("in".to_string());
    });
    aio::yield_now().await;
    assert_eq!(format!("{lock:?}"), "Lock { locked: true, waiters: 1 }");
    drop(guard);
    waiting.await.unwrap();
    assert_eq!(*log.borrow(), ["in"]);
}
