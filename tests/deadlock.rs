//! A program that can never make progress fails at once on the virtual
//! clock, with the task tree showing who waits on what, instead of hanging.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

/// Runs `main` on a virtual clock; returns the deadlock report it panicked
/// with.
fn deadlock_report<F: std::future::Future>(main: impl FnOnce() -> F) -> String {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let panicked = catch_unwind(AssertUnwindSafe(|| runner.run(main())));
    let payload = match panicked {
        Ok(_) => panic!("the program finished: no deadlock"),
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .expect("a deadlock report is a formatted message");
    assert!(
        message.starts_with("aio: deadlock: the main task waits and nothing can ever wake"),
        "not a deadlock report: {message}"
    );
    message
}

/// The line of the report's tree that names `name`.
fn line_of<'a>(report: &'a str, name: &str) -> &'a str {
    report
        .lines()
        .find(|line| line.contains(&format!(" {name} [")))
        .unwrap_or_else(|| panic!("no `{name}` in the report:\n{report}"))
}

#[test]
fn a_lock_taken_twice_by_one_task() {
    let report = deadlock_report(|| async {
        let lock = aio::Lock::new(());
        let _held = lock.lock().await;
        let _again = lock.lock().await;
    });
    let main = line_of(&report, "Task-1");
    assert!(main.contains("[task] waiting on a lock"), "{report}");
    assert!(
        main.contains("tests/deadlock.rs:"),
        "spawn location: {report}"
    );
}

#[test]
fn two_tasks_each_waiting_on_the_others_queue() {
    let report = deadlock_report(|| async {
        let to_alice = Rc::new(aio::Queue::<u32>::new(0));
        let to_bob = Rc::new(aio::Queue::<u32>::new(0));
        let (inbox, outbox) = (to_alice.clone(), to_bob.clone());
        let alice = aio::create_task(async move {
            let n = inbox.get().await.unwrap();
            outbox.put(n + 1).await.unwrap();
        });
        alice.set_name("alice");
        let bob = aio::create_task(async move {
            let n = to_bob.get().await.unwrap();
            to_alice.put(n + 1).await.unwrap();
        });
        bob.set_name("bob");
        alice.await.unwrap();
        bob.await.unwrap();
    });
    assert!(
        line_of(&report, "Task-1").contains("waiting on task alice"),
        "{report}"
    );
    assert!(
        line_of(&report, "alice").contains("waiting on a queue (get)"),
        "{report}"
    );
    assert!(
        line_of(&report, "bob").contains("waiting on a queue (get)"),
        "{report}"
    );
}

#[test]
fn an_event_nobody_sets() {
    let report = deadlock_report(|| async {
        let started = aio::Event::new();
        aio::task_group!(|tg| {
            tg.create_task_named("waiter", async {
                aio::sleep(Duration::from_secs(3)).await;
                started.wait().await;
            });
        })
        .unwrap();
    });
    let waiter = line_of(&report, "waiter");
    assert!(waiter.contains("[child] waiting on an event"), "{report}");
    // Virtual time ran to the point of the deadlock: the child is 3 s old.
    assert!(waiter.ends_with("age 3.000 s"), "{report}");
    assert!(line_of(&report, "Task-1").contains("waiting on task group Task-1/group"));
    // The child is drawn under its group, under the main task.
    let lines: Vec<&str> = report.lines().collect();
    let at = |name: &str| {
        lines
            .iter()
            .position(|l| l.contains(&format!(" {name} [")))
            .unwrap()
    };
    assert!(at("Task-1") < at("Task-1/group") && at("Task-1/group") < at("waiter"));
    assert!(
        lines[at("waiter")].starts_with("        └── waiter"),
        "{report}"
    );
}

#[test]
fn a_barrier_short_of_parties() {
    let report = deadlock_report(|| async {
        let barrier = aio::Barrier::new(3);
        aio::task_group!(|tg| {
            for _ in 0..2 {
                tg.create_task(async { barrier.wait().await.map(drop) });
            }
        })
        .unwrap();
    });
    for name in ["Task-1/group/1", "Task-1/group/2"] {
        assert!(
            line_of(&report, name).contains("waiting on a barrier"),
            "{report}"
        );
    }
}

#[test]
fn a_promise_set_by_a_plain_thread_soon_enough_is_no_deadlock() {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let value = runner.run(async {
        let promise = aio::Promise::new();
        let setter = promise.clone();
        // Not counted as outside work: the loop waits a grace for it.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(5));
            setter.set_result(7).unwrap();
        });
        promise.await.unwrap()
    });
    assert_eq!(value, 7);
}

#[test]
fn blocking_work_on_a_thread_is_no_deadlock() {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let value = runner.run(async {
        // Counted outside work: the loop waits as long as the thread takes.
        aio::to_thread(|| {
            std::thread::sleep(aio_grace() * 2);
            6
        })
        .await
        .unwrap()
    });
    assert_eq!(value, 6);
}

/// Longer than the loop waits for an uncounted wake-up (100 ms).
fn aio_grace() -> Duration {
    Duration::from_millis(100)
}

#[aio::test]
#[should_panic(expected = "waiting on a lock")]
async fn an_aio_test_that_deadlocks_fails_with_the_report() {
    let lock = aio::Lock::new(());
    let _first = lock.lock().await;
    let _second = lock.lock().await;
}
