//! Semaphore and BoundedSemaphore.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aio::{BoundedSemaphore, Semaphore};

#[aio::test]
async fn at_most_the_initial_value_hold_a_permit_and_waiters_are_fifo() {
    let sem = Rc::new(Semaphore::new(2));
    let inside = Rc::new(Cell::new(0));
    let most = Rc::new(Cell::new(0));
    let order = Rc::new(RefCell::new(Vec::new()));
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (sem, inside, most, order) =
                (sem.clone(), inside.clone(), most.clone(), order.clone());
            aio::create_task(async move {
                let _permit = sem.acquire().await;
                order.borrow_mut().push(i);
                inside.set(inside.get() + 1);
                most.set(most.get().max(inside.get()));
                aio::sleep(Duration::from_secs(1)).await;
                inside.set(inside.get() - 1);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(most.get(), 2);
    assert_eq!(*order.borrow(), [0, 1, 2, 3, 4, 5]);
    assert_eq!(sem.available(), 2);
}

#[aio::test]
async fn a_waiter_cancelled_after_being_handed_a_permit_passes_it_on() {
    let sem = Rc::new(Semaphore::new(1));
    let permit = sem.acquire().await;
    let s = sem.clone();
    let a = aio::create_task(async move { s.acquire().await.forget() });
    let s = sem.clone();
    let b = aio::create_task(async move {
        let _p = s.acquire().await;
        "b got it"
    });
    aio::yield_now().await;
    drop(permit); // handed to `a`...
    a.cancel(); // ...cancelled before it ran
    assert_eq!(b.await.unwrap(), "b got it");
    assert!(a.await.is_err());
    assert_eq!(sem.available(), 1, "the permit came back");
}

#[aio::test]
async fn a_bounded_semaphore_refuses_a_release_beyond_its_initial_value() {
    let sem = BoundedSemaphore::new(1);
    assert_eq!(sem.release(), Err(aio::sync::OverRelease));
    let permit = sem.acquire().await;
    permit.forget();
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(sem.available(), 1);
    // A plain semaphore may grow.
    let plain = Semaphore::new(1);
    plain.release().unwrap();
    assert_eq!(plain.available(), 2);
}
