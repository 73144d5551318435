//! The loop's timers after many are removed before their deadline (timeouts
//! whose bodies finished): the ones still armed fire, in deadline order.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[aio::test]
async fn timers_still_armed_fire_in_order_after_thousands_were_removed() {
    let fired = Rc::new(RefCell::new(Vec::new()));
    let mut sleepers = Vec::new();
    for i in 0..200u64 {
        // Each finished timeout removes its 10 s timer long before it is due.
        for _ in 0..50 {
            let v = aio::timeout(Duration::from_secs(10), async {
                aio::yield_now().await;
                i
            })
            .await
            .unwrap();
            assert_eq!(v, i);
        }
        let fired = fired.clone();
        // Deadlines in reverse order of creation.
        let delay = Duration::from_millis(1000 - i);
        sleepers.push(aio::create_task(async move {
            aio::sleep(delay).await;
            fired.borrow_mut().push(i);
        }));
    }
    for task in sleepers {
        task.await.unwrap();
    }
    let want: Vec<u64> = (0..200).rev().collect();
    assert_eq!(*fired.borrow(), want);
}

#[aio::test]
async fn a_sleep_first_polled_with_another_waker_wakes_the_task_that_awaits_it() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Waker};
    let start = aio::now();
    let mut nap = aio::sleep(Duration::from_secs(1));
    // Polled once by something else (a combinator with a waker of its own):
    // the timer is armed with that waker.
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::new(&mut nap).poll(&mut cx).is_pending());
    // Awaited now: the timer must wake this task instead.
    nap.await;
    assert_eq!(aio::now() - start, Duration::from_secs(1));
}

#[aio::test]
async fn a_reset_sleep_fires_at_its_new_deadline_earlier_or_later() {
    let start = aio::now();
    let mut nap = aio::sleep(Duration::from_secs(10));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(std::pin::Pin::new(&mut nap).poll(&mut cx).is_pending());
    nap.reset(start + Duration::from_secs(2));
    nap.await;
    assert_eq!(aio::now() - start, Duration::from_secs(2));
    let mut nap = aio::sleep(Duration::from_secs(1));
    assert!(std::pin::Pin::new(&mut nap).poll(&mut cx).is_pending());
    nap.reset(start + Duration::from_secs(7));
    nap.await;
    assert_eq!(aio::now() - start, Duration::from_secs(7));
}

#[aio::test]
async fn a_sleep_reset_from_elsewhere_wakes_its_waiter_at_the_new_deadline() {
    use std::future::Future;
    let start = aio::now();
    let nap = Rc::new(RefCell::new(aio::sleep(Duration::from_secs(10))));
    let shared = nap.clone();
    let waiter = aio::create_task(async move {
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut *shared.borrow_mut()).poll(cx)).await;
        aio::now()
    });
    aio::sleep(Duration::from_secs(1)).await; // the waiter is parked on the 10 s timer
    // Not polled again before it: the timer itself must move.
    nap.borrow_mut().reset(start + Duration::from_secs(3));
    assert_eq!(waiter.await.unwrap() - start, Duration::from_secs(3));
}
