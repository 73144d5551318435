//! Condition.

use std::cell::RefCell;
use std::rc::Rc;

use aio::Condition;

fn waiters(cond: &Rc<Condition<u32>>, log: &Rc<RefCell<Vec<u32>>>, n: u32) -> Vec<aio::Task<()>> {
    (0..n)
        .map(|i| {
            let (cond, log) = (cond.clone(), log.clone());
            aio::create_task(async move {
                let guard = cond.lock().await;
                let _guard = cond.wait(guard).await;
                log.borrow_mut().push(i);
            })
        })
        .collect()
}

#[aio::test]
async fn notify_two_wakes_exactly_two_oldest_first() {
    let cond = Rc::new(Condition::new(0));
    let log = Rc::new(RefCell::new(Vec::new()));
    let tasks = waiters(&cond, &log, 4);
    aio::yield_now().await;
    assert_eq!(cond.notify(2), 2);
    aio::yield_now().await;
    aio::yield_now().await;
    assert_eq!(*log.borrow(), [0, 1]);
    assert_eq!(cond.notify_all(), 2);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*log.borrow(), [0, 1, 2, 3]);
}

#[aio::test]
async fn a_waiter_cancelled_after_notify_passes_the_notification_on() {
    let cond = Rc::new(Condition::new(0));
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut tasks = waiters(&cond, &log, 2);
    aio::yield_now().await;
    cond.notify(1); // meant for waiter 0...
    tasks[0].cancel(); // ...which is cancelled before it runs
    tasks.remove(1).await.unwrap();
    assert_eq!(*log.borrow(), [1]);
}

#[aio::test]
async fn wait_for_rechecks_its_predicate_after_each_notification() {
    let cond = Rc::new(Condition::new(0u32));
    let checks = Rc::new(RefCell::new(0));
    let (c, k) = (cond.clone(), checks.clone());
    let waiter = aio::create_task(async move {
        let guard = c.lock().await;
        let value = c
            .wait_for(guard, |v| {
                *k.borrow_mut() += 1;
                *v >= 3
            })
            .await;
        *value
    });
    for _ in 0..3 {
        aio::yield_now().await;
        *cond.lock().await += 1;
        cond.notify_all();
    }
    assert_eq!(waiter.await.unwrap(), 3);
    assert_eq!(
        *checks.borrow(),
        4,
        "checked once up front and after each notification"
    );
}

#[aio::test]
async fn locked_and_debug_follow_the_lock_and_the_waiters() {
    let cond = Rc::new(Condition::new(0));
    assert!(!cond.locked());
    let log = Rc::new(RefCell::new(Vec::new()));
    let tasks = waiters(&cond, &log, 2);
    aio::yield_now().await;
    assert_eq!(
        format!("{cond:?}"),
        "Condition { locked: false, waiters: 2 }"
    );
    let guard = cond.lock().await;
    assert!(cond.locked());
    assert_eq!(
        format!("{cond:?}"),
        "Condition { locked: true, waiters: 2 }"
    );
    drop(guard);
    assert_eq!(cond.notify_all(), 2);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*log.borrow(), [0, 1]);
    assert_eq!(
        format!("{cond:?}"),
        "Condition { locked: false, waiters: 0 }"
    );
}
