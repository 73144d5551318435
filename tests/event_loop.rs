//! The event loop: callbacks, timers, tasks, cancellation, panics, threads and
//! the virtual clock.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aio::{Clock, EventLoop, TaskError};

fn virtual_loop() -> EventLoop {
    EventLoop::with_clock(Clock::Virtual)
}

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn push(log: &Log, what: impl Into<String>) {
    log.borrow_mut().push(what.into());
}

#[test]
fn call_soon_callbacks_run_in_fifo_order() {
    let lp = virtual_loop();
    let log = log();
    for i in 0..5 {
        let l = log.clone();
        lp.call_soon(move || push(&l, format!("cb{i}")));
    }
    lp.run_until_complete(aio::sleep(Duration::ZERO));
    assert_eq!(*log.borrow(), ["cb0", "cb1", "cb2", "cb3", "cb4"]);
}

#[test]
fn a_burst_of_callbacks_keeps_fifo_order_while_the_run_queue_shrinks_back() {
    // Thousands queued at once: the run queue grows, then gives memory back
    // as it drains, and neither may reorder anything.
    let lp = virtual_loop();
    let order = Rc::new(RefCell::new(Vec::new()));
    for i in 0..20_000 {
        let o = order.clone();
        lp.call_soon(move || {
            o.borrow_mut().push(i);
            if i % 1000 == 0 {
                // Queued behind everything already waiting.
                let o = o.clone();
                aio::get_running_loop().call_soon(move || o.borrow_mut().push(100_000 + i));
            }
        });
    }
    lp.run_until_complete(aio::sleep(Duration::ZERO));
    let order = order.borrow();
    let expected: Vec<i32> = (0..20_000)
        .chain((0..20).map(|k| 100_000 + k * 1000))
        .collect();
    assert_eq!(*order, expected);
}

#[test]
fn timers_fire_in_deadline_order_ties_in_scheduling_order() {
    let lp = virtual_loop();
    let log = log();
    let schedule = [
        (3.0, "c"),
        (1.0, "a1"),
        (2.0, "b"),
        (1.0, "a2"),
        (1.0, "a3"),
    ];
    for (delay, name) in schedule {
        let l = log.clone();
        lp.call_later(Duration::from_secs_f64(delay), move || push(&l, name));
    }
    let l = log.clone();
    lp.call_at(2.5, move || push(&l, "at2.5"));
    lp.run_until_complete(aio::sleep(Duration::from_secs(10)));
    assert_eq!(*log.borrow(), ["a1", "a2", "a3", "b", "at2.5", "c"]);
}

#[test]
fn a_cancelled_timer_handle_never_fires() {
    let lp = virtual_loop();
    let fired = Rc::new(Cell::new(false));
    let f = fired.clone();
    let handle = lp.call_later(Duration::from_secs(1), move || f.set(true));
    assert!(handle.cancel());
    lp.run_until_complete(aio::sleep(Duration::from_secs(5)));
    assert!(!fired.get());
    assert!(handle.is_cancelled());
    assert!(
        !handle.cancel(),
        "a second cancel reports nothing to cancel"
    );
}

/// Records its drop, the counterpart of asyncio's `finally:` cleanup.
struct Cleanup(Log, &'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        push(&self.0, self.1);
    }
}

#[aio::test]
async fn cancelling_a_sleeping_task_runs_its_cleanup_before_the_awaiter_sees_cancelled() {
    let log = log();
    let l = log.clone();
    let task = aio::create_task(async move {
        let _cleanup = Cleanup(l.clone(), "background cleanup");
        aio::sleep(Duration::from_secs(3600)).await;
        push(&l, "never reached");
    });
    aio::sleep(Duration::from_millis(100)).await;
    assert!(task.cancel());
    let outcome = task.await;
    push(&log, "main observed cancellation");
    assert!(matches!(outcome, Err(TaskError::Cancelled(_))));
    assert_eq!(
        *log.borrow(),
        ["background cleanup", "main observed cancellation"]
    );
}

#[aio::test]
async fn a_panicking_task_is_reported_and_others_finish() {
    let bad = aio::create_task(async {
        aio::sleep(Duration::from_millis(5)).await;
        panic!("boom");
    });
    let good = aio::create_task(async {
        aio::sleep(Duration::from_millis(10)).await;
        "fine"
    });
    let err = bad.await.unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.panic_message(), Some("boom"));
    assert_eq!(good.await.unwrap(), "fine");
}

#[aio::test]
async fn a_task_panic_is_read_from_other_threads_and_its_payload_taken_once() {
    let bad = aio::create_task(async {
        std::panic::panic_any(String::from("shared boom"));
    });
    let err = bad.await.unwrap_err();
    // `TaskError` is `Sync`: readers on other threads see the message only.
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2).map(|_| s.spawn(|| err.panic_message())).collect();
        for reader in readers {
            assert_eq!(reader.join().unwrap(), Some("shared boom"));
        }
    });
    // Its owner moves it to a thread, which takes the payload out.
    let payload = std::thread::spawn(move || err.into_panic().unwrap())
        .join()
        .unwrap();
    assert_eq!(payload.downcast_ref::<String>().unwrap(), "shared boom");
}

#[aio::test]
async fn a_task_created_inside_a_task_starts_at_the_next_turn() {
    let log = log();
    let l = log.clone();
    let outer = aio::create_task(async move {
        let l2 = l.clone();
        let inner = aio::create_task(async move { push(&l2, "inner runs") });
        push(&l, "outer continues");
        aio::yield_now().await;
        push(&l, "outer resumed");
        inner.await.unwrap();
    });
    outer.await.unwrap();
    assert_eq!(
        *log.borrow(),
        ["outer continues", "inner runs", "outer resumed"]
    );
}

#[test]
fn cross_thread_wakeups_and_calls_all_arrive() {
    const THREADS: usize = 8;
    const EACH: usize = 10_000;
    let lp = EventLoop::with_clock(Clock::Virtual);
    let handle = lp.handle();
    let calls = Arc::new(AtomicUsize::new(0));
    let total = lp.run_until_complete(async {
        // Each thread sets a promise EACH times (a cross-thread waker wake-up
        // every time) and makes EACH call_soon_threadsafe calls.
        let mut promises = Vec::new();
        let mut threads = Vec::new();
        for _ in 0..THREADS {
            let round: Vec<aio::Promise<usize>> = (0..EACH).map(|_| aio::Promise::new()).collect();
            promises.push(round.clone());
            let handle = handle.clone();
            let calls = calls.clone();
            threads.push(std::thread::spawn(move || {
                for (i, p) in round.into_iter().enumerate() {
                    p.set_result(i).unwrap();
                    let calls = calls.clone();
                    handle
                        .call_soon_threadsafe(move || {
                            calls.fetch_add(1, Ordering::Relaxed);
                        })
                        .expect("the loop is running");
                }
            }));
        }
        let mut sum = 0;
        for round in promises {
            for p in round {
                sum += p.await.unwrap();
            }
        }
        for t in threads {
            t.join().unwrap();
        }
        // The last calls may still be queued: let the loop take them.
        while calls.load(Ordering::Relaxed) < THREADS * EACH {
            aio::yield_now().await;
        }
        sum
    });
    assert_eq!(total, THREADS * (EACH * (EACH - 1) / 2));
    assert_eq!(calls.load(Ordering::Relaxed), THREADS * EACH);
}

#[test]
fn run_cancels_leftover_tasks_and_their_cleanup_runs() {
    let log = log();
    let l = log.clone();
    aio::run(async move {
        for name in ["left-1", "left-2"] {
            let l = l.clone();
            aio::create_task(async move {
                let _cleanup = Cleanup(l, name);
                std::future::pending::<()>().await;
            });
        }
        aio::sleep(Duration::from_millis(1)).await;
        push(&l, "main done");
    });
    let mut seen = log.borrow().clone();
    assert_eq!(seen.remove(0), "main done");
    seen.sort();
    assert_eq!(seen, ["left-1", "left-2"]);
}

#[test]
fn run_inside_run_is_a_clear_error() {
    let message = aio::run(async {
        let caught = std::panic::catch_unwind(|| aio::run(async {}));
        let payload = caught.expect_err("nested run must fail");
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    });
    assert!(message.contains("another one is running"), "{message}");
    assert!(
        message.contains(".await"),
        "the message names the fix: {message}"
    );
}

#[aio::test]
async fn the_virtual_clock_makes_an_hour_instant_and_exact() {
    let lp = aio::get_running_loop();
    let start = lp.time();
    aio::sleep(Duration::from_secs(3600)).await;
    assert_eq!(lp.time() - start, 3600.0);
}

#[aio::test]
async fn done_callbacks_see_the_result_before_awaiters_resume() {
    let log = log();
    let mut t1 = aio::create_task(async {
        aio::sleep(Duration::from_secs(1)).await;
        "A done".to_string()
    });
    let l = log.clone();
    t1.add_done_callback(move |outcome| {
        push(
            &l,
            format!("Callback result: {}", outcome.as_ref().unwrap()),
        );
    });
    assert!(t1.result().is_none());
    let res1 = t1.await.unwrap();
    push(&log, format!("res1: {res1}"));
    assert_eq!(*log.borrow(), ["Callback result: A done", "res1: A done"]);
}

#[aio::test]
async fn result_reads_a_finished_task_without_awaiting_and_keeps_it() {
    let mut task = aio::create_task(async { 5 });
    aio::sleep(Duration::from_millis(1)).await;
    assert!(task.is_done());
    assert_eq!(*task.result().unwrap().as_ref().unwrap(), 5);
    assert_eq!(task.await.unwrap(), 5);
}

#[aio::test]
async fn a_task_keeps_its_id_name_callbacks_and_kept_result_together() {
    let mut task = aio::create_task(async {
        aio::sleep(Duration::from_secs(1)).await;
        panic!("late boom");
    });
    let id = task.id();
    assert_eq!(task.name(), format!("Task-{id}"));
    // Naming the task and adding callbacks moves its rare parts out of line;
    // its id must not change.
    task.set_name("first");
    let seen = Rc::new(Cell::new(false));
    let s = seen.clone();
    task.add_done_callback(move |outcome| s.set(outcome.is_err()));
    assert_eq!(task.id(), id);
    assert_eq!(task.name(), "first");
    aio::sleep(Duration::from_secs(2)).await;
    assert!(seen.get());
    let message = |task: &mut aio::Task<()>| {
        task.result()
            .and_then(|r| r.as_ref().err())
            .and_then(TaskError::panic_message)
            .map(str::to_owned)
    };
    assert_eq!(message(&mut task).as_deref(), Some("late boom"));
    // The kept outcome stays readable while the task's other parts change.
    task.set_name("second");
    task.add_done_callback(|_| {});
    assert_eq!(message(&mut task).as_deref(), Some("late boom"));
    assert_eq!(task.name(), "second");
    assert_eq!(task.id(), id);
    let err = task.await.unwrap_err();
    assert_eq!(err.panic_message(), Some("late boom"));
}

#[aio::test]
async fn all_tasks_follows_thousands_of_tasks_as_they_come_and_go() {
    // More tasks than fit in one page of the loop's registry, finishing in an
    // order that frees slots all over it for new tasks to reuse.
    let first: Vec<_> = (0..2500u64)
        .map(|i| {
            aio::create_task(async move { aio::sleep(Duration::from_millis(1 + i % 7)).await })
        })
        .collect();
    aio::yield_now().await;
    assert_eq!(aio::all_tasks().len(), 2500 + 1);
    aio::sleep(Duration::from_millis(3)).await;
    let live: Vec<u64> = first
        .iter()
        .filter(|t| !t.is_done())
        .map(|t| t.id())
        .collect();
    assert!(!live.is_empty() && live.len() < 2500);
    let second: Vec<_> = (0..1000)
        .map(|_| aio::create_task(std::future::pending::<()>()))
        .collect();
    aio::yield_now().await;
    let mut listed: Vec<(u64, String)> = aio::all_tasks()
        .iter()
        .map(|t| (t.id(), t.name()))
        .collect();
    let main = aio::current_task().unwrap().id();
    listed.retain(|(id, _)| *id != main);
    listed.sort();
    let mut expected: Vec<u64> = live.clone();
    expected.extend(second.iter().map(|t| t.id()));
    expected.sort();
    let ids: Vec<u64> = listed.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, expected);
    assert!(
        listed
            .iter()
            .all(|(id, name)| *name == format!("Task-{id}"))
    );
    for task in &second {
        task.cancel();
    }
    for task in second {
        assert!(task.await.unwrap_err().is_cancelled());
    }
    for task in first {
        task.await.unwrap();
    }
    assert_eq!(aio::all_tasks().len(), 1);
}

#[aio::test]
async fn current_task_and_all_tasks_name_the_tasks() {
    let main = aio::current_task().expect("the main future is a task");
    let worker = aio::create_task(async {
        aio::sleep(Duration::from_secs(1)).await;
        aio::current_task().unwrap().name()
    });
    worker.set_name("worker");
    aio::yield_now().await;
    let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
    assert!(names.contains(&"worker".to_string()), "{names:?}");
    assert!(names.contains(&main.name()), "{names:?}");
    assert_eq!(worker.await.unwrap(), "worker");
}

#[test]
fn run_forever_returns_after_stop() {
    let lp = virtual_loop();
    let log = log();
    let l = log.clone();
    let lp2 = lp.clone();
    lp.create_task(async move {
        aio::sleep(Duration::from_secs(1)).await;
        push(&l, "Hi!");
        lp2.stop();
    })
    .detach();
    lp.run_forever();
    lp.close();
    assert_eq!(*log.borrow(), ["Hi!"]);
    assert!(lp.is_closed());
}

#[test]
#[allow(clippy::async_yields_async)] // the task is awaited by the next run
fn a_runner_keeps_tasks_alive_between_runs() {
    let runner = aio::Runner::with_clock(Clock::Virtual);
    let task = runner.run(async {
        aio::create_task(async {
            aio::sleep(Duration::from_secs(1)).await;
            "later"
        })
    });
    assert_eq!(runner.run(task).unwrap(), "later");
}

#[aio::test]
async fn a_promise_is_set_once_and_awaited_by_many() {
    let promise = aio::Promise::new();
    let waiters: Vec<_> = (0..3).map(|_| aio::create_task(promise.clone())).collect();
    let lp = aio::get_running_loop();
    let setter = promise.clone();
    lp.call_later(Duration::from_secs(1), move || {
        setter.set_result(7).unwrap();
    });
    for waiter in waiters {
        assert_eq!(waiter.await.unwrap(), Ok(7));
    }
    assert_eq!(promise.set_result(8), Err(aio::InvalidStateError));
    assert_eq!(promise.result(), Some(Ok(7)));
}

#[test]
fn cancelling_the_main_task_ends_run_until_complete_with_a_clear_panic() {
    let lp = virtual_loop();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(async {
            aio::current_task().unwrap().cancel();
            aio::sleep(Duration::from_secs(1)).await;
        })
    }));
    let payload = caught.expect_err("the main task was cancelled");
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(msg.contains("main task was cancelled"), "{msg}");
    assert!(
        msg.contains("tests/event_loop.rs"),
        "the reason names where: {msg}"
    );
}

#[aio::test]
async fn a_non_send_task_woken_from_another_thread_runs_on_the_loop_thread() {
    let loop_thread = std::thread::current().id();
    let mut tasks = Vec::new();
    let mut threads = Vec::new();
    for i in 0..4usize {
        let promise = aio::Promise::new();
        let setter = promise.clone();
        // `Rc` makes the task `!Send`: it must never be polled or dropped elsewhere.
        let local = Rc::new(i);
        tasks.push(aio::create_task(async move {
            let value = promise.await.unwrap();
            assert_eq!(std::thread::current().id(), loop_thread);
            *local + value
        }));
        threads.push(std::thread::spawn(move || setter.set_result(10).unwrap()));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap(), i + 10);
    }
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn a_wake_up_after_the_loop_closed_is_harmless() {
    let lp = virtual_loop();
    let (tx, rx) = std::sync::mpsc::channel();
    let task = lp.create_task(async move {
        // Hand this task's waker to a thread, then wait forever.
        std::future::poll_fn(|cx| {
            let _ = tx.send(cx.waker().clone());
            std::task::Poll::<()>::Pending
        })
        .await
    });
    lp.run_until_complete(aio::sleep(Duration::from_millis(1)));
    let waker = rx.recv().unwrap();
    lp.close();
    assert!(task.is_cancelled(), "close cancels what is still alive");
    std::thread::spawn(move || waker.wake()).join().unwrap();
}
