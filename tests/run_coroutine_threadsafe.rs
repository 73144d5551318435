//! run_coroutine_threadsafe: threads submitting futures to a loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
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
