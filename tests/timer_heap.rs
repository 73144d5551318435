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
