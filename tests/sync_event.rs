//! Event.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use aio::Event;

#[aio::test]
async fn set_wakes_every_waiter_and_clear_makes_them_wait_again() {
    let event = Rc::new(Event::new());
    let waiters: Vec<_> = (0..3)
        .map(|i| {
            let e = event.clone();
            aio::create_task(async move {
                e.wait().await;
                i
            })
        })
        .collect();
    aio::sleep(Duration::from_secs(1)).await;
    assert!(waiters.iter().all(|w| !w.is_done()));
    event.set();
    for (i, w) in waiters.into_iter().enumerate() {
        assert_eq!(w.await.unwrap(), i);
    }
    assert!(event.is_set());
    event.wait().await; // already set: returns at once
    event.clear();
    let late = aio::timeout(Duration::from_secs(1), event.wait()).await;
    assert!(late.is_err(), "after clear, waiters wait again");
}

/// Polls `fut` once, in the current task.
async fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *fut).poll(cx))).await
}

#[aio::test]
async fn a_wait_begun_after_set_and_clear_ignores_a_cancelled_waiters_wake_up() {
    let event = Rc::new(Event::new());
    let e = event.clone();
    let first = aio::create_task(async move { e.wait().await });
    aio::yield_now().await;
    event.set(); // wakes `first`...
    first.cancel(); // ...which is cancelled before it runs
    event.clear();
    let mut second = event.wait();
    assert!(poll_once(&mut second).await.is_pending());
    assert!(first.await.is_err()); // dropped now, with its wake-up
    aio::sleep(Duration::from_secs(1)).await;
    assert!(
        poll_once(&mut second).await.is_pending(),
        "no set() since the second wait began"
    );
    event.set();
    assert!(poll_once(&mut second).await.is_ready());
}

#[aio::test]
async fn debug_shows_the_flag() {
    let event = Event::new();
    assert_eq!(format!("{event:?}"), "Event { set: false }");
    event.set();
    assert_eq!(format!("{event:?}"), "Event { set: true }");
}
