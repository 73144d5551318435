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

#[aio::test]
async fn a_waiter_cancelled_while_waiting_leaves_no_trace() {
    let sem = Rc::new(Semaphore::new(1));
    let permit = sem.acquire().await;
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let s = sem.clone();
            aio::create_task(async move { s.acquire().await.forget() })
        })
        .collect();
    aio::yield_now().await;
    for w in &waiters {
        w.cancel();
    }
    for w in waiters {
        assert!(w.await.is_err());
    }
    assert_eq!(sem.available(), 0, "cancelled waiters add no permits");
    drop(permit);
    assert_eq!(sem.available(), 1);
    let _one = sem.try_acquire().expect("the one permit");
    assert!(sem.try_acquire().is_none(), "and only one");
}

#[aio::test]
async fn try_acquire_and_locked_follow_the_free_permits_and_the_waiters() {
    let sem = Rc::new(Semaphore::new(2));
    assert!(!sem.locked());
    let a = sem.try_acquire().expect("a free permit");
    assert!(!sem.locked());
    let b = sem.try_acquire().expect("the second free permit");
    assert!(sem.locked());
    assert!(sem.try_acquire().is_none());
    let s = sem.clone();
    let waiter = aio::create_task(async move { s.acquire().await.forget() });
    aio::yield_now().await;
    drop(a); // handed to the waiter
    assert!(sem.locked(), "the freed permit went to the waiter");
    waiter.await.unwrap();
    drop(b);
    assert!(!sem.locked());
    assert_eq!(sem.available(), 1);
}

#[aio::test]
async fn releasing_a_semaphore_past_the_largest_count_is_an_error() {
    let sem = Semaphore::new(usize::MAX);
    assert_eq!(sem.release(), Err(aio::sync::OverRelease));
    assert_eq!(sem.available(), usize::MAX, "nothing was lost");
}

#[aio::test]
async fn a_permit_given_back_past_the_maximum_panics_naming_the_fix() {
    let sem = BoundedSemaphore::new(1);
    let permit = sem.acquire().await;
    sem.release().unwrap(); // wrong: the permit is still held
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(permit)));
    let payload = dropped.expect_err("giving back past the bound panics");
    let message = payload.downcast_ref::<&str>().expect("a message");
    assert!(
        message.contains("release() only for permits you forgot"),
        "{message}"
    );
    assert_eq!(sem.available(), 1, "the bound holds");
}

#[aio::test]
async fn debug_and_the_over_release_error_say_what_they_hold() {
    let sem = BoundedSemaphore::new(2);
    let _permit = sem.acquire().await;
    assert_eq!(
        format!("{sem:?}"),
        "Semaphore { available: 1, bound: Some(2) }"
    );
    assert_eq!(
        format!("{:?}", Semaphore::new(3)),
        "Semaphore { available: 3, bound: None }"
    );
    let message = aio::sync::OverRelease.to_string();
    assert!(message.contains("released beyond its maximum"), "{message}");
    assert!(
        message.contains("release only permits you acquired"),
        "{message}"
    );
}

#[test]
fn a_permit_given_back_past_the_maximum_while_unwinding_does_not_abort() {
    let sem = BoundedSemaphore::new(1);
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        aio::Runner::with_clock(aio::Clock::Virtual).run(async {
            let _permit = sem.acquire().await;
            sem.release().unwrap(); // wrong, and then the task panics
            panic!("a panic while the permit is held");
        })
    }));
    let payload = unwound.expect_err("the task's panic propagates");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"a panic while the permit is held"),
        "the first panic, not one from the permit's drop, and no abort"
    );
    assert_eq!(sem.available(), 1, "the bound holds");
}
