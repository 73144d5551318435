//! run_coroutine_threadsafe: threads submitting futures to a loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use aio::{LoopHandle, TaskError};

/// Runs a loop on its own thread until `stop`; returns its handle.
fn loop_thread() -> (LoopHandle, thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let thread = thread::spawn(move || {
        let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
        tx.send(lp.handle()).unwrap();
        lp.run_forever();
        lp.close();
    });
    (rx.recv().unwrap(), thread)
}

#[test]
fn four_threads_submit_a_thousand_futures_each_and_get_the_right_values() {
    let (handle, lp) = loop_thread();
    let submitters: Vec<_> = (0..4u64)
        .map(|t| {
            let handle = handle.clone();
            thread::spawn(move || {
                let futures: Vec<_> = (0..1000u64)
                    .map(|i| {
                        aio::run_coroutine_threadsafe(&handle, async move {
                            aio::yield_now().await;
                            t * 10_000 + i
                        })
                    })
                    .collect();
                for (i, f) in futures.into_iter().enumerate() {
                    assert_eq!(f.result().unwrap(), t * 10_000 + i as u64);
                }
            })
        })
        .collect();
    for s in submitters {
        s.join().unwrap();
    }
    handle.stop();
    lp.join().unwrap();
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn cancelling_the_handle_cancels_the_task_in_the_loop_and_cleanup_runs() {
    let (handle, lp) = loop_thread();
    let cleaned = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = mpsc::channel();
    let c = cleaned.clone();
    let future = aio::run_coroutine_threadsafe(&handle, async move {
        let _cleanup = SetOnDrop(c);
        started_tx.send(()).unwrap();
        std::future::pending::<()>().await;
    });
    started_rx.recv().unwrap();
    assert!(future.cancel());
    assert!(matches!(future.result(), Err(TaskError::Cancelled(_))));
    assert!(cleaned.load(Ordering::SeqCst));
    handle.stop();
    lp.join().unwrap();
}

#[test]
fn result_timeout_gives_the_handle_back_and_it_can_be_awaited_from_another_loop() {
    let (handle, lp) = loop_thread();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let go_rx = std::sync::Mutex::new(go_rx);
    let future = aio::run_coroutine_threadsafe(&handle, async move {
        // Waits (on a thread) for the test's go-ahead.
        aio::to_thread(move || go_rx.lock().unwrap().recv().is_ok())
            .await
            .unwrap()
    });
    let (_, future) = future.result_timeout(Duration::from_millis(1)).unwrap_err();
    go_tx.send(()).unwrap();
    // Another loop awaits the outcome.
    assert!(aio::run(future).unwrap());
    handle.stop();
    lp.join().unwrap();
}

#[test]
fn a_closure_builds_on_the_loop_a_future_that_is_not_send() {
    let (handle, lp) = loop_thread();
    let future = aio::run_coroutine_threadsafe(&handle, move || async move {
        // `Rc` and `RefCell` are not `Send`: this future never leaves the loop.
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        aio::task_group!(|tg| {
            for i in 0..3u64 {
                let log = log.clone();
                tg.create_task(async move {
                    aio::sleep(Duration::from_secs(3 - i)).await;
                    log.borrow_mut().push(i);
                });
            }
        })
        .unwrap();
        log.borrow().clone()
    });
    assert_eq!(future.result().unwrap(), vec![2, 1, 0]);
    handle.stop();
    lp.join().unwrap();
}

#[test]
fn work_submitted_to_a_closed_loop_is_refused_with_the_reason_and_never_built() {
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let handle = lp.handle();
    lp.close();
    let built = Arc::new(AtomicBool::new(false));
    let b = built.clone();
    let future = aio::run_coroutine_threadsafe(&handle, move || {
        b.store(true, Ordering::SeqCst);
        async { 1 }
    });
    assert!(future.is_done(), "the outcome is known at once");
    let err = future.result().unwrap_err();
    match &err {
        TaskError::Cancelled(c) => assert_eq!(*c.reason(), aio::CancelReason::LoopShutdown),
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert!(
        err.to_string().contains("the event loop shut down"),
        "{err}"
    );
    assert!(!built.load(Ordering::SeqCst));
}

#[test]
fn work_queued_when_the_loop_closes_is_dropped_unbuilt_and_reported() {
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let handle = lp.handle();
    let built = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (b, guard) = (built.clone(), SetOnDrop(dropped.clone()));
    let future = aio::run_coroutine_threadsafe(&handle, move || {
        let _guard = &guard;
        b.store(true, Ordering::SeqCst);
        async { 1 }
    });
    // The loop never ran a turn: the work is still queued.
    lp.close();
    assert!(
        matches!(future.result(), Err(TaskError::Cancelled(c)) if *c.reason() == aio::CancelReason::LoopShutdown)
    );
    assert!(!built.load(Ordering::SeqCst));
    assert!(dropped.load(Ordering::SeqCst), "the closure was dropped");
}

#[test]
fn a_panic_building_or_running_the_future_comes_back_as_panicked() {
    let (handle, lp) = loop_thread();
    let in_closure = aio::run_coroutine_threadsafe(&handle, || -> std::future::Ready<u8> {
        panic!("no configuration")
    });
    let in_future = aio::run_coroutine_threadsafe(&handle, || async {
        let local = std::rc::Rc::new(());
        aio::yield_now().await;
        drop(local);
        panic!("lost the connection")
    });
    for (future, message) in [
        (in_closure, "no configuration"),
        (in_future, "lost the connection"),
    ] {
        match future.result() {
            Err(TaskError::Panicked(p)) => assert_eq!(p.message(), Some(message)),
            other => panic!("expected a panic, got {other:?}"),
        }
    }
    // The loop goes on serving.
    let after = aio::run_coroutine_threadsafe(&handle, async { 5 });
    assert_eq!(after.result().unwrap(), 5);
    handle.stop();
    lp.join().unwrap();
}
