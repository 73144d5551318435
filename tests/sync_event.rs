//! Event.

use std::rc::Rc;
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
