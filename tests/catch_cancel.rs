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
