//! `Duration::MAX` and infinite times mean "never": a sleep that never ends,
//! a callback that never runs, and no panic on the way.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use aio::{Clock, EventLoop};

#[aio::test]
async fn sleeping_for_duration_max_never_ends_and_can_be_cancelled() {
    let start = aio::now();
    let slept = aio::create_task(aio::sleep(Duration::MAX));
    aio::sleep(Duration::from_secs(365 * 24 * 3600)).await;
    assert!(!slept.is_done(), "a year later it still sleeps");
    assert_eq!(aio::now() - start, Duration::from_secs(365 * 24 * 3600));
    slept.cancel();
    assert!(slept.await.unwrap_err().is_cancelled());
}

#[aio::test]
async fn a_never_ending_sleep_reset_to_a_deadline_ends_there() {
    let sleep = Rc::new(std::cell::RefCell::new(aio::sleep(Duration::MAX)));
    let waiting = {
        let sleep = sleep.clone();
        aio::create_task(async move {
            std::future::poll_fn(|cx| {
                std::pin::Pin::new(&mut *sleep.borrow_mut())
                    .as_mut()
                    .poll(cx)
            })
            .await
        })
    };
    aio::yield_now().await;
    assert_eq!(sleep.borrow().deadline(), None);
    let at = aio::now() + Duration::from_secs(2);
    sleep.borrow_mut().reset(at);
    waiting.await.unwrap();
    assert_eq!(aio::now(), at);
}

#[test]
fn call_later_with_duration_max_and_call_at_infinity_never_run() {
    let lp = EventLoop::with_clock(Clock::Virtual);
    let ran = Rc::new(Cell::new(0));
    let r = ran.clone();
    let later = lp.call_later(Duration::MAX, move || r.set(r.get() + 1));
    let r = ran.clone();
    let at_infinity = lp.call_at(f64::INFINITY, move || r.set(r.get() + 1));
    let r = ran.clone();
    let past_the_range = lp.call_at(1e300, move || r.set(r.get() + 1));
    let r = ran.clone();
    let soon = lp.call_at(-1.0, move || r.set(r.get() + 10));
    lp.run_until_complete(aio::sleep(Duration::from_secs(1_000_000)));
    assert_eq!(ran.get(), 10, "only the callback due in the past ran");
    assert!(soon.is_done());
    for handle in [&later, &at_infinity, &past_the_range] {
        assert!(!handle.is_done());
        assert!(handle.cancel());
    }
    lp.close();
}

#[test]
fn call_at_a_nan_time_panics_naming_the_fix() {
    let lp = EventLoop::with_clock(Clock::Virtual);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.call_at(f64::NAN, || {});
    }))
    .unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("EventLoop::call_at") && msg.contains("NaN"),
        "{msg}"
    );
}
