//! Lock: FIFO hand-off and cancellation of waiters.

use std::cell::RefCell;
use std::rc::Rc;
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
    a.cancel();
    aio::yield_now().await;
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
