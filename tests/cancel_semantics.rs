//! Where cancellation goes, as asyncio and Trio send it: errors are never
//! lost, cancellation reaches what is awaited, deadlines interrupt, shields
//! and spawn rules hold. Virtual clock, exact times.

// A task that only awaits another is what several tests are about.
#![allow(clippy::redundant_async_block)]

use aio::{CancelReason, GroupError, TaskError, task_group};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn time() -> f64 {
    aio::get_running_loop().time()
}

/// Counts drops (cleanup that ran).
struct Cleanup(Rc<Cell<u32>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

async fn sleeper(cleaned: Rc<Cell<u32>>, s: u64) -> Result<(), String> {
    let _guard = Cleanup(cleaned);
    aio::sleep(secs(s)).await;
    Ok(())
}

// 1. An `Err` returned by a group's body is a failure of the group.

#[aio::test]
async fn a_body_error_is_a_failure_that_cancels_the_children_at_once() {
    let cleaned = Rc::new(Cell::new(0));
    let out = task_group!(|tg| {
        tg.create_task(sleeper(cleaned.clone(), 100));
        tg.create_task(sleeper(cleaned.clone(), 100));
        aio::sleep(secs(1)).await;
        Err::<(), _>("body gave up")
    });
    let err = out.unwrap_err();
    assert_eq!(time(), 1.0, "the children were cancelled at once");
    assert_eq!(cleaned.get(), 2);
    assert_eq!(err.failures().len(), 1);
    assert_eq!(err.failures()[0].task(), "body");
    assert_eq!(err.failures()[0].error::<&str>(), Some(&"body gave up"));
}

fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

#[aio::test]
async fn a_question_mark_in_the_body_fails_the_group() {
    let cleaned = Rc::new(Cell::new(0));
    let out = task_group!(|tg| {
        tg.create_task(sleeper(cleaned.clone(), 100));
        aio::sleep(secs(2)).await;
        let n = parse("not a number")?;
        Ok::<_, std::num::ParseIntError>(n)
    });
    let err = out.unwrap_err();
    assert_eq!(time(), 2.0);
    assert_eq!(cleaned.get(), 1);
    assert!(
        err.failures()[0].message().contains("InvalidDigit"),
        "{err}"
    );
}

#[aio::test]
async fn a_body_value_is_the_groups_value() {
    let out = task_group!(|tg| {
        tg.create_task(async { aio::sleep(secs(1)).await });
        Ok::<_, String>(7)
    });
    assert_eq!(out.unwrap(), 7);
}

// 2. Nested groups: the inner failure, propagated with `?`, ends the outer
//    group at that moment and appears in its error.

#[aio::test]
async fn an_inner_group_failure_propagated_with_question_mark_stops_the_outer_group_at_once() {
    let out = task_group!(|outer| {
        outer.create_task(async {
            aio::sleep(secs(10)).await;
            Err::<(), _>("outer child at t=10")
        });
        task_group!(|inner| {
            inner.create_task(async {
                aio::sleep(ms(100)).await;
                Err::<(), _>("inner child at t=0.1")
            });
            aio::sleep(secs(100)).await;
        })?;
        Ok::<(), GroupError>(())
    });
    let err = out.unwrap_err();
    assert_eq!(time(), 0.1);
    assert_eq!(err.failures().len(), 1, "{err}");
    assert_eq!(err.failures()[0].task(), "body");
    assert!(
        err.failures()[0].message().contains("inner child at t=0.1"),
        "{err}"
    );
    let inner = err.failures()[0].error::<GroupError>().unwrap();
    assert_eq!(
        inner.failures()[0].error::<&str>(),
        Some(&"inner child at t=0.1")
    );
}

// 3. A child failure and an outside cancellation in the same turn: the
//    failure is reported, and the cancellation shows beside it.

#[aio::test]
async fn a_failure_and_an_outside_cancellation_in_the_same_turn_report_the_failure() {
    let group = aio::create_task(async {
        task_group!(|tg| {
            tg.create_task(async {
                aio::sleep(secs(1)).await;
                Err::<(), _>("failed at t=1")
            });
            tg.create_task(aio::sleep(secs(100)));
        })
    });
    let canceller = aio::create_task(async {});
    drop(canceller);
    aio::sleep(secs(1)).await; // the child fails in this very turn...
    group.cancel(); // ...and the group's task is cancelled in it too.
    let err = group.await.expect("the group's error wins").unwrap_err();
    assert_eq!(err.failures()[0].error::<&str>(), Some(&"failed at t=1"));
    assert!(
        matches!(
            err.cancelled().map(|c| c.reason()),
            Some(CancelReason::Explicit { .. })
        ),
        "the cancellation is not swallowed: {err}"
    );
}

// 4. Children created just before the body fails never run.

#[aio::test]
async fn children_created_just_before_the_body_fails_do_not_run() {
    let ran = Rc::new(Cell::new(false));
    let out = task_group!(|tg| {
        let ran = ran.clone();
        tg.create_task(async move {
            ran.set(true);
        });
        Err::<(), _>("body failed in the same step")
    });
    assert!(out.is_err());
    assert!(!ran.get(), "a child created just before the failure ran");
}

// 5. Cancelling a task that awaits another task cancels that task too.

#[aio::test]
async fn cancelling_a_task_that_awaits_another_cancels_the_awaited_task() {
    let cleaned = Rc::new(Cell::new(0));
    let inner = aio::create_task(sleeper(cleaned.clone(), 100));
    let outer = aio::create_task(async move { inner.await });
    aio::sleep(secs(1)).await;
    outer.cancel();
    assert!(outer.await.unwrap_err().is_cancelled());
    assert_eq!(cleaned.get(), 1, "the awaited task's cleanup ran");
    assert_eq!(time(), 1.0);
}

#[aio::test]
async fn a_handle_dropped_without_awaiting_detaches_the_task() {
    let done = Rc::new(Cell::new(false));
    let d = done.clone();
    drop(aio::create_task(async move {
        aio::sleep(secs(1)).await;
        d.set(true);
    }));
    aio::sleep(secs(2)).await;
    assert!(done.get());
}

#[aio::test]
async fn a_handle_dropped_while_its_await_is_in_progress_cancels_the_task() {
    let cleaned = Rc::new(Cell::new(0));
    let task = aio::create_task(sleeper(cleaned.clone(), 100));
    // The await loses a race: the select drops it mid-await.
    aio::select_first! {
        _ = task => unreachable!(),
        _ = aio::sleep(secs(1)) => {},
    }
    aio::yield_now().await;
    assert_eq!(cleaned.get(), 1);
}

#[aio::test]
async fn abort_on_drop_cancels_the_task_when_the_guard_goes() {
    let cleaned = Rc::new(Cell::new(0));
    let guard = aio::create_task(sleeper(cleaned.clone(), 100)).abort_on_drop();
    aio::sleep(secs(1)).await;
    drop(guard);
    aio::yield_now().await;
    assert_eq!(cleaned.get(), 1);
}

// 6. The same through wait_for / timeout, and gather.

#[aio::test]
async fn wait_for_a_task_cancels_it_and_its_cleanup_has_run_before_elapsed() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let task = aio::create_task(async move {
        if let Err(cancelled) = aio::catch_cancel(aio::sleep(secs(100))).await {
            aio::sleep(ms(500)).await; // async cleanup
            l.borrow_mut().push(format!("cleaned up at {}", time()));
            return Err(cancelled); // passed on: the task ends cancelled
        }
        Ok(())
    });
    let outcome = aio::wait_for(task, secs(1)).await;
    assert!(outcome.is_err(), "Elapsed: {outcome:?}");
    assert_eq!(*log.borrow(), ["cleaned up at 1.5"]);
    assert_eq!(time(), 1.5);
}

#[aio::test]
async fn a_timeout_around_a_task_that_suppresses_returns_its_value() {
    let task = aio::create_task(async {
        match aio::catch_cancel(aio::sleep(secs(100))).await {
            Ok(()) => "finished",
            Err(_) => "suppressed",
        }
    });
    let outcome = aio::timeout(secs(1), task).await;
    assert_eq!(outcome.unwrap().unwrap(), "suppressed");
}

#[aio::test]
async fn cancelling_a_gather_of_tasks_cancels_every_task() {
    let cleaned = Rc::new(Cell::new(0));
    let tasks: Vec<_> = (0..3)
        .map(|_| aio::create_task(sleeper(cleaned.clone(), 100)))
        .collect();
    let gathering = aio::create_task(async move { aio::gather_all(tasks).await });
    aio::sleep(secs(1)).await;
    gathering.cancel();
    assert!(gathering.await.unwrap_err().is_cancelled());
    aio::yield_now().await;
    assert_eq!(cleaned.get(), 3);
}

// 7. Self-cancellation; cancelled promises.

#[aio::test]
async fn a_task_that_cancels_itself_and_returns_without_suspending_ends_cancelled() {
    let task = aio::create_task(async {
        aio::current_task().unwrap().cancel();
        "value"
    });
    assert!(task.await.unwrap_err().is_cancelled());
}

#[aio::test]
async fn cancelling_a_promise_that_a_task_awaits_ends_its_await_with_the_cancellation() {
    let promise = aio::Promise::<u32>::new();
    let awaited = promise.clone();
    let task = aio::create_task(async move { awaited.await });
    aio::yield_now().await;
    promise.cancel_with("not needed");
    let got = task.await.unwrap();
    let cancelled = got.unwrap_err();
    assert!(cancelled.to_string().ends_with("not needed"));
}

#[aio::test]
async fn a_task_cancelled_while_awaiting_a_promise_cancels_the_promise() {
    let promise = aio::Promise::<u32>::new();
    let awaited = promise.clone();
    let task = aio::create_task(async move { awaited.await });
    aio::yield_now().await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(
        promise.is_cancelled(),
        "asyncio forwards cancel() to the awaited future"
    );
}

#[aio::test]
async fn a_shielded_promise_is_not_cancelled_with_its_awaiter() {
    let promise = aio::Promise::<u32>::new();
    let awaited = promise.clone();
    let task = aio::create_task(async move { aio::shield(awaited).await });
    aio::yield_now().await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(!promise.is_cancelled());
    promise.set_result(1).unwrap();
}

// 8. A deadline that has already passed interrupts at the first suspension.

#[aio::test]
async fn a_zero_timeout_interrupts_at_the_first_suspension() {
    assert!(
        aio::timeout(Duration::ZERO, aio::yield_now())
            .await
            .is_err()
    );
    assert_eq!(
        aio::move_on_after(Duration::ZERO, aio::sleep(Duration::ZERO)).await,
        None
    );
    assert_eq!(
        aio::timeout(Duration::ZERO, async { 5 }).await.unwrap(),
        5,
        "a body that does not suspend finishes"
    );
}

#[aio::test]
async fn wait_for_zero_on_a_finished_task_returns_its_result() {
    let task = aio::create_task(async { 7 });
    aio::yield_now().await;
    assert_eq!(
        aio::wait_for(task, Duration::ZERO).await.unwrap().unwrap(),
        7
    );
}

#[aio::test]
async fn rescheduling_a_deadline_into_the_past_interrupts_at_the_next_suspension() {
    let reached = Rc::new(Cell::new(0));
    let r = reached.clone();
    let out = aio::timeout!(secs(100), |scope| {
        aio::sleep(secs(1)).await;
        r.set(1);
        scope.reschedule(aio::now() - secs(1));
        r.set(2); // no suspension yet: this runs
        aio::sleep(secs(1)).await;
        r.set(3);
    });
    assert!(out.is_err());
    assert_eq!(reached.get(), 2);
    assert_eq!(time(), 1.0);
}

// 9. Nested timeouts with equal deadlines: the outermost one reports.

#[aio::test]
async fn nested_timeouts_with_equal_deadlines_report_the_outermost() {
    let outer = aio::timeout!(secs(1), {
        let inner = aio::timeout!(secs(1), {
            aio::sleep(secs(5)).await;
        });
        ("inner returned", inner.is_err())
    });
    assert!(outer.is_err(), "the outer timeout reports: {outer:?}");
    assert_eq!(time(), 1.0);
}

// 10. Duration::MAX means no deadline, and a scope can drop its deadline.

#[aio::test]
async fn duration_max_means_no_deadline() {
    let out = aio::timeout(Duration::MAX, aio::sleep(secs(3600))).await;
    assert!(out.is_ok());
    assert_eq!(
        aio::move_on_after(Duration::MAX, async { 1 }).await,
        Some(1)
    );
    let out = aio::timeout!(Duration::MAX, |scope| {
        assert_eq!(scope.deadline(), None);
        aio::sleep(secs(10)).await;
    });
    assert!(out.is_ok());
}

#[aio::test]
async fn a_timeout_can_be_made_deadline_less() {
    let out = aio::timeout!(secs(1), |scope| {
        scope.reschedule(None);
        aio::sleep(secs(10)).await;
        "finished"
    });
    assert_eq!(out.unwrap(), "finished");
    assert_eq!(time(), 10.0);
}

// 11. shield returns an outer handle.

#[aio::test]
async fn cancelling_a_shield_abandons_the_wait_and_leaves_the_work_running() {
    let done = Rc::new(Cell::new(false));
    let d = done.clone();
    let shielded = aio::shield(async move {
        aio::sleep(secs(2)).await;
        d.set(true);
    });
    assert!(shielded.cancel());
    assert!(shielded.await.unwrap_err().is_cancelled());
    aio::sleep(secs(3)).await;
    assert!(done.get(), "the shielded work ran on");
}

#[aio::test]
async fn a_shield_around_a_gather_keeps_the_gather_running_when_its_awaiter_is_cancelled() {
    let finished = Rc::new(Cell::new(0));
    let f = finished.clone();
    let waiter = aio::create_task(async move {
        let work = (1..=3u64).map(move |i| {
            let f = f.clone();
            async move {
                aio::sleep(secs(i)).await;
                f.set(f.get() + 1);
            }
        });
        aio::shield(aio::gather_all(work.collect::<Vec<_>>())).await
    });
    aio::sleep(secs(1)).await;
    waiter.cancel();
    assert!(matches!(waiter.await, Err(TaskError::Cancelled(_))));
    aio::sleep(secs(5)).await;
    assert_eq!(finished.get(), 3, "the shielded gather ran to its end");
}

// 13. Due callbacks run in the next turn, in deadline order; wait([]).

#[test]
fn due_callbacks_run_in_the_next_turn_in_deadline_order() {
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let log = Rc::new(RefCell::new(Vec::new()));
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let now = lp.time();
    lp.call_at(now - 1.0, move || l1.borrow_mut().push("at -1"));
    lp.call_at(now - 2.0, move || l2.borrow_mut().push("at -2"));
    lp.call_later(Duration::ZERO, move || l3.borrow_mut().push("later 0"));
    let l = log.clone();
    lp.run_until_complete(async move {
        aio::yield_now().await;
        l.borrow_mut().push("after one turn");
    });
    assert_eq!(
        *log.borrow(),
        ["at -2", "at -1", "later 0", "after one turn"]
    );
}

#[test]
fn waiting_on_no_tasks_is_a_clear_error() {
    let caught = std::panic::catch_unwind(|| {
        aio::run(aio::wait(
            Vec::<aio::Task<()>>::new(),
            aio::ReturnWhen::AllCompleted,
            None,
        ))
    });
    let payload = caught.expect_err("wait([]) is an error");
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(msg.contains("at least one"), "{msg}");
}

// An await by reference that was given up on leaves nothing behind.

#[aio::test]
async fn a_promise_await_given_up_on_leaves_no_catch_point_behind() {
    let promise: aio::Promise<u32> = aio::Promise::new();
    let p = promise.clone();
    let outer = aio::create_task(async move {
        // Awaits given up on (dropped by the race, not cancelled), by
        // reference and by value.
        aio::select_first! {
            _ = &p => unreachable!(),
            _ = aio::sleep(secs(1)) => {},
        }
        aio::select_first! {
            _ = p.clone() => unreachable!(),
            _ = aio::sleep(secs(1)) => {},
        }
        aio::sleep(secs(50)).await; // not a catch point: dropped when cancelled
    });
    aio::sleep(secs(3)).await;
    outer.cancel();
    assert!(outer.await.unwrap_err().is_cancelled());
    assert_eq!(time(), 3.0, "the cancel was not held off by a stale await");
    assert!(
        !promise.is_done(),
        "nothing awaits it: not cancelled either"
    );
    assert_eq!(
        format!("{:?}", std::future::IntoFuture::into_future(&promise)),
        "PromiseWait { .. }"
    );
}

#[aio::test]
async fn an_await_by_reference_given_up_on_neither_holds_off_a_cancel_nor_cancels_later() {
    let finished = Rc::new(Cell::new(false));
    let f = finished.clone();
    let mut inner = aio::create_task(async move {
        aio::sleep(secs(100)).await;
        f.set(true);
    });
    let outer = aio::create_task(async move {
        aio::select_first! {
            _ = &mut inner => unreachable!(),
            _ = aio::sleep(secs(1)) => {},
        }
        aio::sleep(secs(50)).await; // not a catch point: dropped when cancelled
        inner
    });
    aio::sleep(secs(2)).await;
    outer.cancel();
    assert!(outer.await.unwrap_err().is_cancelled());
    assert_eq!(time(), 2.0, "the cancel was not held off by a stale await");
    // The inner task was only awaited by reference: its handle went with
    // the outer task's future, not mid-await, so it was detached and ran on.
    aio::sleep(secs(200)).await;
    assert!(finished.get());
}
