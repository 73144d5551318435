//! The end of `aio::run` and of a `Runner` waits for the jobs still running
//! on the loop's default executor (`to_thread`), within
//! `Runner::shutdown_default_executor_timeout`; past it, the loop warns and
//! closes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

mod log_support;

use log_support::{install_logger, records_with};

/// The executor warnings that name `bound` (tests run in parallel; each
/// uses its own bound).
fn executor_warnings(bound: &str) -> Vec<String> {
    records_with(&["default executor", bound])
}

/// Sends on drop: lets a job go once the main future is gone.
struct ReleaseOnDrop(mpsc::Sender<()>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn run_waits_for_a_job_still_running_when_the_main_future_returns() {
    let (release, blocked) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicBool::new(false));
    let f = finished.clone();
    aio::Runner::with_clock(aio::Clock::Virtual).run(async move {
        let _release = ReleaseOnDrop(release);
        // Nobody awaits the job; it waits until the main future is dropped.
        drop(aio::to_thread(move || {
            let _ = blocked.recv();
            f.store(true, Ordering::SeqCst);
        }));
    });
    assert!(
        finished.load(Ordering::SeqCst),
        "the runner closed before the job ended"
    );
}

#[test]
fn past_the_executor_timeout_the_runner_stops_waiting_says_so_and_closes() {
    install_logger();
    let (release, blocked) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel::<()>();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual)
        .shutdown_default_executor_timeout(Duration::from_millis(5));
    runner.run(async move {
        drop(aio::to_thread(move || {
            let _ = blocked.recv();
            done_tx.send(()).unwrap();
        }));
    });
    let lp_handle = runner.get_loop().handle();
    runner.close();
    assert!(lp_handle.is_closed(), "the loop closed");
    assert!(
        done.try_recv().is_err(),
        "the job is still blocked: the runner did not wait for it"
    );
    let warnings = executor_warnings("0.005 s");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("WARN the default executor did not finish its jobs within 0.005 s"),
        "{}",
        warnings[0]
    );
    // The job runs on, on its own thread, and ends when released.
    release.send(()).unwrap();
    done.recv().unwrap();
}

#[test]
fn the_timeout_is_the_default_executors_whichever_pool_it_is() {
    install_logger();
    let pool = aio::ThreadPool::new(1, "custom");
    let (release, blocked) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel::<()>();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual)
        .shutdown_default_executor_timeout(Duration::from_millis(4));
    let inside = pool.clone();
    runner.run(async move {
        aio::get_running_loop().set_default_executor(inside);
        drop(aio::to_thread(move || {
            let _ = blocked.recv();
            done_tx.send(()).unwrap();
        }));
    });
    drop(runner);
    assert!(
        done.try_recv().is_err(),
        "the runner did not wait for the job"
    );
    assert!(pool.submit(|| ()).is_err(), "the pool was shut down");
    assert_eq!(executor_warnings("0.004 s").len(), 1);
    release.send(()).unwrap();
    done.recv().unwrap();
}
