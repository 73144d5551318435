//! to_thread, run_in_executor and the thread pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use aio::{TaskError, ThreadPool};

#[aio::test]
async fn to_thread_returns_the_value_and_runs_off_the_loop_thread() {
    let loop_thread = std::thread::current().id();
    let (value, ran_on) = aio::to_thread(move || (21 * 2, std::thread::current().id()))
        .await
        .unwrap();
    assert_eq!(value, 42);
    assert_ne!(ran_on, loop_thread);
}

#[aio::test]
async fn a_panic_in_the_closure_comes_back_as_an_error() {
    let outcome = aio::to_thread(|| -> u32 { panic!("blocking code broke") }).await;
    let err = outcome.unwrap_err();
    assert_eq!(err.panic_message(), Some("blocking code broke"));
    // The pool survives: the next job runs.
    assert_eq!(aio::to_thread(|| 1).await.unwrap(), 1);
}

#[aio::test]
async fn at_most_the_pool_size_of_closures_run_at_once() {
    const SIZE: usize = 3;
    const JOBS: usize = 12;
    let pool = ThreadPool::new(SIZE, "bounded");
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    // Each wave of SIZE jobs meets at the barrier: they overlap for sure, and a
    // job beyond the size would wait for a place rather than join the wave.
    let barrier = Arc::new(Barrier::new(SIZE));
    let jobs: Vec<_> = (0..JOBS)
        .map(|_| {
            let (running, most, barrier) = (running.clone(), most.clone(), barrier.clone());
            aio::run_in_executor(&pool, move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                barrier.wait();
                running.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for job in jobs {
        job.await.unwrap();
    }
    assert_eq!(most.load(Ordering::SeqCst), SIZE);
    assert_eq!(pool.threads(), SIZE, "threads are reused, not multiplied");
    pool.shutdown();
    assert_eq!(pool.threads(), 0);
}

#[test]
fn the_default_pool_is_joined_when_run_ends() {
    let pool = ThreadPool::new(4, "default");
    let seen = pool.clone();
    let inside = pool.clone();
    aio::run(async move {
        aio::get_running_loop().set_default_executor(pool);
        let jobs: Vec<_> = (0..4).map(|i| aio::to_thread(move || i)).collect();
        for (i, job) in jobs.into_iter().enumerate() {
            assert_eq!(job.await.unwrap(), i);
        }
        assert!(inside.threads() > 0);
    });
    assert_eq!(seen.threads(), 0, "no pool thread outlives run");
}

#[aio::test]
async fn the_virtual_clock_waits_for_work_on_threads() {
    // A timer far away must not fire while a thread still works.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let timer = aio::create_task(aio::sleep(std::time::Duration::from_secs(3600)));
    let job = aio::to_thread(move || rx.recv().is_ok());
    let releaser = std::thread::spawn(move || tx.send(()).unwrap());
    assert!(job.await.unwrap());
    assert!(!timer.is_done(), "time did not jump past the thread's work");
    releaser.join().unwrap();
    timer.cancel();
}

#[test]
fn work_submitted_to_a_shut_down_pool_reports_cancelled() {
    let pool = ThreadPool::new(1, "gone");
    pool.shutdown();
    let outcome = aio::run(aio::run_in_executor(&pool, || 1));
    assert!(matches!(outcome, Err(TaskError::Cancelled(_))));
}

/// Runs `scenario` on a virtual-clock loop in its own thread and returns how
/// far the clock moved; `None` if it never finished (a hang the watchdog
/// caught: the thread is left behind, the test fails).
fn virtual_clock_elapsed<F>(scenario: impl FnOnce() -> F + Send + 'static) -> Option<Duration>
where
    F: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runner = aio::Runner::with_clock(aio::Clock::Virtual);
        let elapsed = runner.run(async move {
            let start = aio::now();
            scenario().await;
            aio::now() - start
        });
        let _ = tx.send(elapsed);
    });
    // A watchdog, not a timing assertion: the scenario takes milliseconds.
    rx.recv_timeout(Duration::from_secs(60)).ok()
}

#[test]
fn a_thread_blocked_on_a_coroutine_that_sleeps_lets_the_virtual_clock_jump() {
    let elapsed = virtual_clock_elapsed(|| async {
        let handle = aio::get_running_loop().handle();
        let answer = aio::to_thread(move || {
            let submitted = aio::run_coroutine_threadsafe(&handle, async {
                aio::sleep(Duration::from_secs(3600)).await;
                42
            });
            submitted.result().unwrap()
        })
        .await
        .unwrap();
        assert_eq!(answer, 42);
    });
    assert_eq!(
        elapsed,
        Some(Duration::from_secs(3600)),
        "no hang, exact time"
    );
}

#[test]
fn after_waiting_on_the_loop_the_job_is_counted_exactly_once_again() {
    let elapsed = virtual_clock_elapsed(|| async {
        let handle = aio::get_running_loop().handle();
        aio::to_thread(move || {
            for _ in 0..3 {
                let nap = aio::run_coroutine_threadsafe(&handle, async {
                    aio::sleep(Duration::from_secs(10)).await;
                });
                assert!(nap.result_timeout(Duration::MAX).is_ok_and(|r| r.is_ok()));
            }
        })
        .await
        .unwrap();
        // The job's count went back to zero, not below: the clock jumps.
        aio::sleep(Duration::from_secs(3600)).await;
    });
    assert_eq!(elapsed, Some(Duration::from_secs(3630)));
}
