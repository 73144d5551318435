//! Debug mode's reports, captured with a test logger: slow polls, task
//! failures nobody retrieved, a deadlock on the real clock, and a `Sleep`
//! moved to another loop.

use std::time::Duration;

mod log_support;

use log_support::{install_logger, records_with};

/// The reports that mention `marker` (tests run in parallel; each uses its
/// own task names).
fn reports_about(marker: &str) -> Vec<String> {
    records_with(&[marker])
}

fn debug_runner() -> aio::Runner {
    install_logger();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    runner.get_loop().set_debug(true);
    runner
}

#[test]
fn a_slow_poll_is_reported_with_the_task_and_where_it_was_spawned() {
    let runner = debug_runner();
    runner
        .get_loop()
        .set_slow_callback_duration(Duration::from_millis(25));
    let line = line!() + 2;
    runner.run(async {
        let hog = aio::create_task(async {
            std::thread::sleep(Duration::from_millis(100)); // blocks the loop
        });
        hog.set_name("hog-7f3a");
        let quick = aio::create_task(async {});
        quick.set_name("quick-7f3a");
        hog.await.unwrap();
        quick.await.unwrap();
    });
    let reports = reports_about("7f3a");
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0];
    let expected = format!(
        "WARN slow task poll: hog-7f3a (spawned at tests/debug_reports.rs:{line}:19) held the loop for "
    );
    assert!(report.starts_with(&expected), "{report}");
}

#[test]
fn a_slow_poll_that_ends_a_detached_task_is_reported() {
    let runner = debug_runner();
    runner
        .get_loop()
        .set_slow_callback_duration(Duration::from_millis(25));
    runner.run(async {
        // Nothing but the poll in progress holds the task when it ends.
        let hog = aio::create_task(async {
            std::thread::sleep(Duration::from_millis(100)); // blocks the loop
        });
        hog.set_name("hog-5e1c");
        hog.detach();
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(aio::all_tasks().len(), 1, "the detached task ended");
    });
    let reports = reports_about("5e1c");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].starts_with("WARN slow task poll: hog-5e1c (spawned at tests/debug_reports.rs:"),
        "{}",
        reports[0]
    );
}

#[test]
fn a_slow_callback_is_reported_where_it_was_scheduled() {
    let runner = debug_runner();
    let lp = runner.get_loop();
    lp.set_slow_callback_duration(Duration::from_millis(25));
    let line = line!() + 1;
    lp.call_soon(|| std::thread::sleep(Duration::from_millis(100)));
    runner.run(aio::sleep(Duration::from_millis(1)));
    let at = format!("(scheduled at tests/debug_reports.rs:{line}:8)");
    let reports = reports_about(&at);
    assert_eq!(
        reports.len(),
        1,
        "{reports:?} {:?}",
        reports_about("slow callback")
    );
    let expected = format!("WARN slow callback {at} held the loop for ");
    assert!(reports[0].starts_with(&expected), "{}", reports[0]);
}

#[test]
fn a_failure_nobody_retrieves_is_reported_when_its_handle_goes() {
    let runner = debug_runner();
    // A panic's hook may take long enough to count as a slow poll.
    let lp = runner.get_loop();
    lp.set_slow_callback_duration(Duration::from_secs(3600));
    let line = line!() + 3;
    runner.run(async {
        // Dropped at once: the failure is reported when it happens.
        let detached = aio::create_task(async { panic!("lost-1c2d") as () });
        detached.set_name("detached-1c2d");
        drop(detached);
        // Kept until after the failure, then dropped unread.
        let kept = aio::create_task(async { panic!("kept-1c2d") as () });
        kept.set_name("kept-1c2d");
        aio::sleep(Duration::from_secs(1)).await;
        assert!(
            reports_about("kept-1c2d").is_empty(),
            "not before the handle goes"
        );
        drop(kept);
        // Retrieved: not reported.
        let awaited = aio::create_task(async { panic!("awaited-1c2d") as () });
        assert!(awaited.await.is_err());
        let mut read = aio::create_task(async { panic!("read-1c2d") as () });
        aio::sleep(Duration::from_secs(1)).await;
        assert!(read.result().unwrap().is_err());
        drop(read);
        // Cancelled on purpose: not a failure.
        let cancelled = aio::create_task(aio::sleep(Duration::from_secs(60)));
        cancelled.set_name("cancelled-1c2d");
        aio::yield_now().await;
        cancelled.cancel();
        drop(cancelled);
        aio::sleep(Duration::from_secs(1)).await;
    });
    let reports = reports_about("1c2d");
    let (detached, kept) = (line, line + 4);
    assert_eq!(
        reports,
        [
            format!(
                "ERROR task failure never retrieved: detached-1c2d (spawned at tests/debug_reports.rs:{detached}:24) panicked: lost-1c2d"
            ),
            format!(
                "ERROR task failure never retrieved: kept-1c2d (spawned at tests/debug_reports.rs:{kept}:20) panicked: kept-1c2d"
            ),
        ]
    );
}

#[test]
fn without_debug_mode_nothing_is_reported() {
    install_logger();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    runner
        .get_loop()
        .set_slow_callback_duration(Duration::from_millis(1));
    assert!(!runner.get_loop().get_debug());
    runner.run(async {
        let slow = aio::create_task(async { std::thread::sleep(Duration::from_millis(10)) });
        slow.set_name("slow-9e8b");
        slow.await.unwrap();
        let lost = aio::create_task(async { panic!("lost-9e8b") as () });
        drop(lost);
        aio::sleep(Duration::from_secs(1)).await;
    });
    assert!(reports_about("9e8b").is_empty());
}

#[test]
fn a_deadlock_on_the_real_clock_is_reported_once_and_the_loop_waits_on() {
    install_logger();
    let runner = aio::Runner::new();
    runner.get_loop().set_debug(true);
    let handle = runner.get_loop().handle();
    let value = runner.run(async {
        let promise = aio::Promise::new();
        let setter = promise.clone();
        let waiter = aio::create_task(async move { promise.await.unwrap() });
        waiter.set_name("waiter-5d6e");
        // A thread sets the promise long after the loop went idle: on the
        // real clock that is allowed; debug mode says the loop looked stuck.
        std::thread::spawn(move || {
            while reports_about("waiter-5d6e").is_empty() {
                std::thread::sleep(Duration::from_millis(5));
            }
            let call = handle.call_soon_threadsafe(move || setter.set_result(11).unwrap());
            call.expect("the loop runs");
        });
        waiter.await.unwrap()
    });
    assert_eq!(value, 11);
    let reports = reports_about("waiter-5d6e");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].starts_with("ERROR possible deadlock: the main task waits"));
    assert!(reports[0].contains("waiter-5d6e [task] waiting on a promise"));
}

#[test]
fn a_sleep_moved_to_another_loops_thread_is_caught_in_debug_mode() {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let mut sleep = aio::sleep(Duration::from_secs(5));
    runner.run(async {
        // Started (its timer set) on this loop.
        assert!(futures::poll!(&mut sleep).is_pending());
    });
    let other = std::thread::spawn(move || {
        let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
        lp.set_debug(true);
        lp.run_until_complete(sleep);
    });
    let payload = other.join().unwrap_err();
    let message = payload.downcast_ref::<&str>().unwrap();
    assert!(
        message.contains("this Sleep was started on another event loop"),
        "{message}"
    );
}
