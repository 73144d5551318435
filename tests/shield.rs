//! shield: work that outlives the cancellation of its awaiter.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::TaskError;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[aio::test]
async fn the_outer_await_is_cancelled_the_inner_work_completes_and_keeps_its_result() {
    let mut inner = aio::shield(async {
        aio::sleep(secs(3)).await;
        "result"
    });
    let outer = aio::timeout(secs(1), &mut inner).await;
    assert!(outer.is_err(), "the outer await gave up");
    assert!(!inner.is_done());
    assert_eq!(inner.await.unwrap(), "result");
}

#[aio::test]
async fn a_cancelled_awaiting_task_leaves_the_shielded_work_running() {
    let done = Rc::new(RefCell::new(false));
    let d = done.clone();
    let inner = aio::shield(async move {
        aio::sleep(secs(2)).await;
        *d.borrow_mut() = true;
    });
    let waiter = aio::create_task(inner);
    aio::sleep(secs(1)).await;
    waiter.cancel();
    assert!(matches!(waiter.await, Err(TaskError::Cancelled(_))));
    aio::sleep(secs(2)).await;
    assert!(*done.borrow());
}

#[aio::test]
async fn shielded_work_can_be_cancelled_directly() {
    let inner = aio::shield(aio::sleep(secs(5)));
    aio::sleep(secs(1)).await;
    assert!(inner.cancel());
    assert!(matches!(inner.await, Err(TaskError::Cancelled(_))));
}

#[aio::test]
async fn shielding_an_already_finished_future_gives_its_value() {
    let inner = aio::shield(async { 5 });
    assert_eq!(inner.await.unwrap(), 5);
}

#[test]
fn run_waits_for_shielded_work_before_shutting_down() {
    let done = Rc::new(RefCell::new(false));
    let d = done.clone();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    runner.run(async move {
        aio::shield(async move {
            aio::sleep(secs(5)).await;
            *d.borrow_mut() = true;
        })
        .detach();
    });
    drop(runner);
    assert!(
        *done.borrow(),
        "the shielded work finished before the loop closed"
    );
}
