//! timeout!, timeout_at, wait_for, move_on_after and move_on_at, on the
//! virtual clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::{TaskError, timeout};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[aio::test]
async fn the_body_is_cancelled_exactly_at_the_deadline() {
    let start = aio::now();
    let cleaned = Rc::new(RefCell::new(None));
    let c = cleaned.clone();
    struct Guard(Rc<RefCell<Option<std::time::Instant>>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            *self.0.borrow_mut() = Some(aio::now());
        }
    }
    let out = timeout!(Duration::from_millis(1500), {
        let _guard = Guard(c);
        aio::sleep(secs(60)).await;
    });
    let err = out.unwrap_err();
    assert_eq!(err.deadline() - start, Duration::from_millis(1500));
    assert_eq!(aio::now() - start, Duration::from_millis(1500));
    assert_eq!(
        cleaned.borrow().unwrap() - start,
        Duration::from_millis(1500)
    );
}

#[aio::test]
async fn a_body_that_finishes_in_time_returns_its_value() {
    let out = timeout!(secs(5), {
        aio::sleep(secs(1)).await;
        42
    });
    assert_eq!(out, Ok(42));
}

#[aio::test]
async fn nested_timeouts_report_the_one_that_expired() {
    let start = aio::now();
    // The inner one expires first: the outer one sees the inner's error as a value.
    let out = timeout!(secs(10), {
        timeout!(secs(1), { aio::sleep(secs(5)).await })
    });
    let inner = out.expect("the outer deadline did not pass").unwrap_err();
    assert_eq!(inner.deadline() - start, secs(1));

    // The outer one expires first: the inner one is cancelled with the body.
    let start = aio::now();
    let out = timeout!(secs(1), {
        timeout!(secs(10), { aio::sleep(secs(5)).await })
    });
    assert_eq!(out.unwrap_err().deadline() - start, secs(1));
}

#[aio::test]
async fn reschedule_later_lets_the_body_finish() {
    let start = aio::now();
    let out = timeout!(secs(1), |scope| {
        scope.reschedule(scope.deadline().unwrap() + secs(4));
        aio::sleep(secs(3)).await;
        "done"
    });
    assert_eq!(out, Ok("done"));
    assert_eq!(aio::now() - start, secs(3));
}

#[aio::test]
async fn reschedule_earlier_expires_sooner() {
    let start = aio::now();
    let out = timeout!(secs(10), |scope| {
        aio::sleep(secs(1)).await;
        scope.reschedule(aio::now() + secs(1));
        aio::sleep(secs(5)).await;
    });
    assert_eq!(out.unwrap_err().deadline() - start, secs(2));
    assert_eq!(aio::now() - start, secs(2));
}

#[aio::test]
async fn a_body_finishing_on_the_deadline_tick_returns_its_value() {
    let out = timeout!(secs(2), {
        aio::sleep(secs(2)).await;
        "made it"
    });
    assert_eq!(out, Ok("made it"));
}

#[aio::test]
async fn timeout_at_wait_for_and_move_on_after() {
    let deadline = aio::now() + secs(3);
    assert!(
        aio::timeout_at(deadline, aio::sleep(secs(4)))
            .await
            .is_err()
    );
    assert_eq!(aio::wait_for(async { 7 }, secs(1)).await, Ok(7));
    assert_eq!(aio::move_on_after(secs(1), aio::sleep(secs(2))).await, None);
    assert_eq!(aio::move_on_after(secs(2), async { "v" }).await, Some("v"));
    // move_on_at: the body's value before the deadline, None at it.
    let start = aio::now();
    let deadline = start + secs(5);
    let early = aio::move_on_at(deadline, async {
        aio::sleep(secs(2)).await;
        "early"
    });
    assert_eq!(early.await, Some("early"));
    assert_eq!(aio::move_on_at(deadline, aio::sleep(secs(60))).await, None);
    assert_eq!(
        aio::now() - start,
        secs(5),
        "stopped exactly at the deadline"
    );
}

#[aio::test]
async fn cancelling_the_task_is_not_swallowed_by_its_timeout() {
    let task = aio::create_task(async {
        let out = timeout!(secs(100), { aio::sleep(secs(50)).await });
        // Never reached: the task's cancellation drops the whole future.
        out.is_ok()
    });
    aio::sleep(secs(1)).await;
    task.cancel();
    assert!(matches!(task.await, Err(TaskError::Cancelled(_))));
}
