//! Catching a cancellation: async cleanup, suppressing, passing it on.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[aio::test]
async fn async_cleanup_sleeps_before_the_task_ends_cancelled() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = aio::create_task(async move {
        match aio::catch_cancel(aio::sleep(secs(60))).await {
            Ok(()) => Ok(()),
            Err(c) => {
                l.borrow_mut()
                    .push(format!("caught at {:?}", aio::get_running_loop().time()));
                aio::sleep(ms(500)).await;
                l.borrow_mut()
                    .push(format!("cleaned at {:?}", aio::get_running_loop().time()));
                Err(c)
            }
        }
    });
    aio::sleep(secs(1)).await;
    task.cancel();
    let err = task.await.unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(*log.borrow(), ["caught at 1.0", "cleaned at 1.5"]);
    assert_eq!(aio::get_running_loop().time(), 1.5);
}

#[aio::test]
async fn a_task_that_suppresses_ends_with_its_value() {
    let task = aio::create_task(async {
        match aio::catch_cancel(aio::sleep(secs(60))).await {
            Ok(()) => "slept",
            Err(_) => {
                aio::sleep(ms(10)).await;
                "suppressed"
            }
        }
    });
    aio::yield_now().await;
    task.cancel();
    assert_eq!(task.await.unwrap(), "suppressed");
}

#[aio::test]
async fn a_task_without_catchers_is_dropped_where_it_waits() {
    let reached = Rc::new(RefCell::new(false));
    let r = reached.clone();
    let task = aio::create_task(async move {
        aio::sleep(secs(60)).await;
        *r.borrow_mut() = true;
    });
    aio::yield_now().await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(!*reached.borrow());
    assert_eq!(aio::get_running_loop().time(), 0.0);
}

#[aio::test]
async fn a_task_cancelled_before_it_starts_never_runs() {
    let ran = Rc::new(RefCell::new(false));
    let r = ran.clone();
    let task = aio::create_task(async move {
        *r.borrow_mut() = true;
        aio::catch_cancel(aio::sleep(secs(1))).await.is_err()
    });
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(!*ran.borrow());
}

#[aio::test]
async fn a_task_that_cancels_itself_and_returns_at_once_ends_cancelled() {
    let task = aio::create_task(async {
        aio::current_task().unwrap().cancel();
        42
    });
    assert!(task.await.unwrap_err().is_cancelled());
}

#[aio::test]
async fn a_second_cancel_during_cleanup_drops_the_task_for_good() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = aio::create_task(async move {
        if aio::catch_cancel(aio::sleep(secs(60))).await.is_err() {
            l.borrow_mut().push("cleanup started");
            aio::sleep(secs(10)).await;
            l.borrow_mut().push("cleanup finished");
        }
    });
    aio::yield_now().await;
    task.cancel();
    aio::sleep(secs(1)).await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(*log.borrow(), ["cleanup started"]);
    assert_eq!(aio::get_running_loop().time(), 1.0);
}

#[aio::test]
async fn grace_drops_a_cleanup_that_outlasts_it() {
    let task = aio::create_task(async {
        if aio::catch_cancel(aio::sleep(secs(60))).await.is_err() {
            aio::sleep(secs(3600)).await;
        }
    });
    aio::yield_now().await;
    task.cancel_with_grace(secs(2));
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(aio::get_running_loop().time(), 2.0);
}

#[aio::test]
async fn cancelled_resolves_with_the_reason() {
    let task = aio::create_task(async {
        let c = aio::cancelled().await;
        c.reason().to_string()
    });
    aio::yield_now().await;
    task.cancel_with("enough");
    let text = task.await.unwrap();
    assert!(text.ends_with("enough"), "{text}");
}

#[aio::test]
async fn the_innermost_catcher_receives_the_cancellation() {
    let task = aio::create_task(async {
        let outer = aio::catch_cancel(async {
            let inner = aio::catch_cancel(aio::sleep(secs(60))).await;
            aio::sleep(ms(5)).await;
            inner.is_err()
        })
        .await;
        (outer.is_ok(), outer.unwrap_or(false))
    });
    aio::yield_now().await;
    task.cancel();
    assert_eq!(task.await.unwrap(), (true, true));
}

// A cancellation passed on goes to the next catch point out, as an
// exception re-raised in asyncio reaches the next `except CancelledError:`.

#[aio::test]
async fn a_catch_around_a_group_receives_the_cancellation_the_group_passes_on() {
    // asyncio: `try: async with TaskGroup(): ... except CancelledError:
    // await save(); raise`.
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = aio::create_task(async move {
        let caught = aio::catch_cancel(async {
            let _ = aio::task_group!(|tg| {
                tg.create_task(aio::sleep(secs(60)));
                aio::sleep(secs(60)).await;
            });
            l.borrow_mut().push("after the group".to_string());
        })
        .await;
        let c = caught.expect_err("the group passed the cancellation on");
        aio::sleep(ms(500)).await; // cleanup that awaits
        l.borrow_mut().push(format!(
            "saved at {:?} ({})",
            aio::get_running_loop().time(),
            c.reason()
        ));
        Err::<(), _>(c)
    });
    aio::sleep(secs(1)).await;
    task.cancel();
    let err: aio::TaskError = task.await.unwrap_err();
    assert!(
        err.is_cancelled(),
        "returning the cancellation passes it on"
    );
    assert_eq!(log.borrow().len(), 1, "{log:?}");
    assert!(
        log.borrow()[0].starts_with("saved at 1.5 (cancelled at "),
        "{log:?}"
    );
}

#[aio::test]
async fn a_catch_around_a_group_may_suppress_the_cancellation() {
    let task = aio::create_task(async {
        let caught = aio::catch_cancel(async {
            let _ = aio::task_group!(|tg| {
                tg.create_task(aio::sleep(secs(60)));
            });
        })
        .await;
        assert!(caught.is_err());
        aio::sleep(secs(1)).await;
        "suppressed"
    });
    aio::sleep(secs(1)).await;
    task.cancel();
    assert_eq!(task.await.unwrap(), "suppressed");
    assert_eq!(aio::get_running_loop().time(), 2.0);
}

#[aio::test]
async fn a_reraise_inside_a_catch_reaches_the_outer_catch() {
    let task = aio::create_task(async {
        let outer = aio::catch_cancel(async {
            if let Err(c) = aio::catch_cancel(aio::sleep(secs(60))).await {
                match c.reraise().await {}
            }
            "not cancelled"
        })
        .await;
        outer.unwrap_or("outer caught it")
    });
    aio::sleep(secs(1)).await;
    task.cancel();
    assert_eq!(task.await.unwrap(), "outer caught it");
}

#[aio::test]
async fn a_catch_around_an_awaited_task_receives_the_forwarded_cancellation() {
    // asyncio: `try: await task except CancelledError:` in a cancelled task.
    let outer = aio::create_task(async {
        let inner = aio::create_task(aio::sleep(secs(60)));
        match aio::catch_cancel(inner).await {
            Ok(_) => "finished",
            Err(_) => "caught",
        }
    });
    aio::sleep(secs(1)).await;
    outer.cancel();
    assert_eq!(outer.await.unwrap(), "caught");
}

#[aio::test]
async fn a_reraise_inside_a_timeout_still_ends_the_timeout_not_an_outer_catch() {
    // The timeout's own cancellation goes to the timeout, which is inside
    // the catch: the catch sees a timed-out body, not a cancellation.
    let out = aio::catch_cancel(async {
        aio::timeout!(secs(1), {
            if let Err(c) = aio::catch_cancel(aio::sleep(secs(60))).await {
                match c.reraise().await {}
            }
        })
    })
    .await;
    assert!(matches!(out, Ok(Err(_elapsed))));
}
