//! The end of a loop where it used to hang at 100% CPU: closing the running
//! loop from one of its tasks, and cleanup that keeps starting tasks while
//! shutdown cancels them. Each scenario runs in a child process (this test
//! binary, filtered to the one test), so a hang is killed and reported.

use std::cell::Cell;
use std::io::Read;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

const CHILD: &str = "AIO_LOOP_SHUTDOWN_CHILD";

/// True in the child; in the parent, runs `test` in a child and returns
/// whether it succeeded and what it wrote to stderr. A child still running
/// after a minute hangs: it is killed and the test fails.
fn in_child(test: &str) -> Option<(bool, String)> {
    if std::env::var_os(CHILD).is_some() {
        return None;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    // A watchdog, not a timing assertion: the scenario takes milliseconds.
    let give_up = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > give_up {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{test} hung: the child process was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Some((status.success(), reading.join().unwrap()))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn closing_the_running_loop_from_a_task_is_a_clear_panic() {
    if let Some((ok, stderr)) = in_child("closing_the_running_loop_from_a_task_is_a_clear_panic") {
        assert!(ok, "the child failed:\n{stderr}");
        return;
    }
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let outcome = lp.run_until_complete(async {
        let task = aio::create_task(async { aio::get_running_loop().close() });
        task.await
    });
    match outcome {
        Err(aio::TaskError::Panicked(panic)) => {
            let msg = panic.message().unwrap_or_default().to_string();
            assert!(msg.contains("cannot close a running event loop"), "{msg}");
        }
        other => panic!("expected the task to panic, got {other:?}"),
    }
    // From the main future too; the loop stays usable and closes afterwards.
    let main = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(async { aio::get_running_loop().close() })
    }));
    assert!(panic_message(&*main.unwrap_err()).contains("cannot close a running event loop"));
    assert!(!lp.is_closed());
    assert_eq!(lp.run_until_complete(async { 7 }), 7);
    lp.close();
    assert!(lp.is_closed());
}

/// Cleanup that starts a new task each time it runs: cancelling one task at
/// shutdown starts the next.
struct Respawn(Rc<Cell<usize>>);

impl Drop for Respawn {
    fn drop(&mut self) {
        let count = self.0.clone();
        count.set(count.get() + 1);
        aio::create_task(async move {
            let _again = Respawn(count);
            aio::sleep(Duration::from_secs(3600)).await;
        });
    }
}

#[test]
fn cleanup_that_keeps_spawning_at_shutdown_is_bounded_and_reported() {
    let test = "cleanup_that_keeps_spawning_at_shutdown_is_bounded_and_reported";
    if let Some((ok, stderr)) = in_child(test) {
        assert!(ok, "the child failed:\n{stderr}");
        assert!(
            stderr.contains("stopped cancelling tasks at shutdown")
                && stderr.contains("a Drop that calls create_task?"),
            "the shutdown reports what it gave up on:\n{stderr}"
        );
        return;
    }
    let drops = Rc::new(Cell::new(0));
    let d = drops.clone();
    aio::Runner::with_clock(aio::Clock::Virtual).run(async move {
        aio::create_task(async move {
            let _respawn = Respawn(d);
            aio::sleep(Duration::from_secs(3600)).await;
        });
        aio::yield_now().await;
    });
    // `run` returned: shutdown gave up after a bounded number of rounds.
    assert!(drops.get() >= 1, "shutdown cancelled the first task");
    assert!(drops.get() <= 1_000, "and did not go on for ever");
}

#[test]
fn cleanup_that_spawns_a_few_tasks_at_shutdown_still_finishes_quietly() {
    let test = "cleanup_that_spawns_a_few_tasks_at_shutdown_still_finishes_quietly";
    if let Some((ok, stderr)) = in_child(test) {
        assert!(ok, "the child failed:\n{stderr}");
        assert!(!stderr.contains("stopped cancelling"), "{stderr}");
        return;
    }
    struct Spawns(Rc<Cell<usize>>, usize);
    impl Drop for Spawns {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
            if self.1 > 0 {
                let next = Spawns(self.0.clone(), self.1 - 1);
                aio::create_task(async move {
                    let _next = next;
                    aio::sleep(Duration::from_secs(3600)).await;
                });
            }
        }
    }
    let drops = Rc::new(Cell::new(0));
    let d = drops.clone();
    aio::Runner::with_clock(aio::Clock::Virtual).run(async move {
        aio::create_task(async move {
            let _chain = Spawns(d, 10);
            aio::sleep(Duration::from_secs(3600)).await;
        });
        aio::yield_now().await;
    });
    assert_eq!(drops.get(), 11, "every task of the chain was cleaned up");
}
