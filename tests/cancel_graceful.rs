//! Graceful cancellation: catching, async cleanup, suppressing and passing
//! on; asyncio's edge-triggered delivery against Trio's level-triggered
//! scopes; reasons and where they come from; grace bounds; shields; cancel
//! handles; `tg.start`. Virtual clock, exact times.

// A task that only awaits another is what some tests are about.
#![allow(clippy::redundant_async_block)]

use aio::{CancelReason, ChildError, StartError, catch_cancel, task_group};
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

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn push(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

// Suppressing and passing on, from a task, a child and a timeout! body.

#[aio::test]
async fn a_timeout_body_that_suppresses_its_deadline_returns_its_value() {
    let out = aio::timeout!(secs(1), {
        match catch_cancel(aio::sleep(secs(10))).await {
            Ok(()) => "slept",
            Err(_) => {
                aio::sleep(ms(200)).await; // cleanup after the deadline
                "suppressed"
            }
        }
    });
    assert_eq!(out, Ok("suppressed"));
    assert_eq!(time(), 1.2);
}

#[aio::test]
async fn a_timeout_body_that_reraises_returns_elapsed_after_its_cleanup() {
    let out = aio::timeout!(secs(1), {
        if let Err(c) = catch_cancel(aio::sleep(secs(10))).await {
            aio::sleep(ms(200)).await;
            match c.reraise().await {}
        }
        "slept"
    });
    assert!(out.is_err());
    assert_eq!(time(), 1.2);
}

#[aio::test]
async fn a_task_that_reraises_ends_cancelled() {
    let task = aio::create_task(async {
        if let Err(c) = catch_cancel(aio::sleep(secs(10))).await {
            aio::sleep(ms(100)).await;
            match c.reraise().await {}
        }
        "slept"
    });
    aio::yield_now().await;
    task.cancel();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(time(), 0.1);
}

#[aio::test]
async fn a_child_that_returns_its_cancellation_counts_as_cancelled_not_failed() {
    let mut child = None;
    let out = task_group!(|tg| {
        let handle = tg.create_task(async {
            match catch_cancel(aio::sleep(secs(10))).await {
                Ok(()) => Ok(()),
                Err(c) => {
                    aio::sleep(ms(100)).await;
                    Err(c)
                }
            }
        });
        aio::sleep(secs(1)).await;
        handle.cancel();
        child = Some(handle);
    });
    assert!(out.is_ok(), "a cancelled child is not a failure: {out:?}");
    assert!(matches!(
        child.unwrap().result(),
        Some(Err(ChildError::Cancelled(_)))
    ));
    assert_eq!(time(), 1.1);
}

#[aio::test]
async fn a_child_that_reraises_counts_as_cancelled() {
    let outcome = RefCell::new(None);
    let out = task_group!(|tg| {
        let handle = tg.create_task(async {
            if let Err(c) = catch_cancel(aio::sleep(secs(10))).await {
                match c.reraise().await {}
            }
        });
        aio::sleep(secs(1)).await;
        handle.cancel();
        *outcome.borrow_mut() = Some(handle.await);
    });
    assert!(out.is_ok(), "{out:?}");
    assert!(matches!(
        *outcome.borrow(),
        Some(Err(ChildError::Cancelled(_)))
    ));
}

// Edge (asyncio) against level (Trio) delivery.

#[aio::test]
async fn edge_delivery_hands_one_cancellation_then_awaits_run_freely() {
    let log = log();
    let l = log.clone();
    let task = aio::create_task(async move {
        let first = catch_cancel(aio::sleep(secs(10))).await;
        push(&l, format!("first catch: {}", first.is_err()));
        let second = catch_cancel(aio::sleep(secs(1))).await;
        push(&l, format!("second catch: {}", second.is_err()));
    });
    aio::yield_now().await;
    task.cancel();
    task.await.unwrap();
    assert_eq!(*log.borrow(), ["first catch: true", "second catch: false"]);
    assert_eq!(time(), 1.0);
}

#[aio::test]
async fn level_delivery_raises_at_every_catch_point_until_the_scope_is_left() {
    let log = log();
    let l = log.clone();
    let out = aio::cancel_scope!(|scope| {
        aio::sleep(secs(1)).await;
        scope.cancel();
        let first = catch_cancel(aio::sleep(secs(10))).await;
        push(&l, format!("first catch: {}", first.is_err()));
        let second = catch_cancel(aio::sleep(secs(1))).await;
        push(&l, format!("second catch: {}", second.is_err()));
        aio::sleep(secs(1)).await; // not a catch point: dropped here
        push(&l, "unreached");
    });
    assert_eq!(out, None);
    assert_eq!(*log.borrow(), ["first catch: true", "second catch: true"]);
    assert_eq!(time(), 1.0);
}

#[aio::test]
async fn cleanup_in_a_shielded_scope_runs_to_its_end_inside_a_cancelled_scope() {
    let log = log();
    let l = log.clone();
    let out = aio::cancel_scope!(|outer| {
        aio::sleep(secs(1)).await;
        outer.cancel();
        let cleanup = aio::CancelScope::new();
        cleanup.shield(true);
        cleanup
            .run(async {
                aio::sleep(secs(2)).await;
                push(&l, format!("cleaned up at {}", time()));
            })
            .await;
        aio::sleep(secs(1)).await;
        push(&l, "unreached");
    });
    assert_eq!(out, None);
    assert_eq!(*log.borrow(), ["cleaned up at 3"]);
}

#[aio::test]
async fn an_outer_cancellation_passes_through_an_inner_scope() {
    let inner_result = Rc::new(Cell::new(None));
    let r = inner_result.clone();
    let out = aio::cancel_scope!(|outer| {
        let inner = aio::cancel_scope!({
            aio::sleep(secs(1)).await;
            outer.cancel();
            aio::sleep(secs(1)).await;
        });
        r.set(Some(inner.is_some()));
    });
    assert_eq!(out, None, "the outer scope caught its own cancellation");
    assert_eq!(inner_result.get(), None, "the inner scope did not return");
}

// Awaiting a task forwards the cancellation and waits, with each outcome.

#[aio::test]
async fn an_awaited_task_that_passes_the_cancellation_on_cancels_the_awaiting_task() {
    let log = log();
    let l = log.clone();
    let inner = aio::create_task(async move {
        if let Err(c) = catch_cancel(aio::sleep(secs(10))).await {
            aio::sleep(ms(300)).await;
            push(&l, format!("inner cleaned up at {}", time()));
            return Err(c);
        }
        Ok(())
    });
    let outer = aio::create_task(async move { inner.await });
    aio::sleep(secs(1)).await;
    outer.cancel_with("stop");
    let err = outer.await.unwrap_err();
    assert!(err.to_string().ends_with("stop"), "{err}");
    assert_eq!(*log.borrow(), ["inner cleaned up at 1.3"]);
}

#[aio::test]
async fn an_awaited_task_that_suppresses_hands_its_value_to_the_awaiting_task() {
    let inner = aio::create_task(async {
        match catch_cancel(aio::sleep(secs(10))).await {
            Ok(()) => "slept",
            Err(_) => "suppressed",
        }
    });
    let outer = aio::create_task(async move {
        let value = inner.await.unwrap();
        aio::sleep(secs(1)).await; // the awaiting task goes on
        format!("{value}, then went on")
    });
    aio::sleep(secs(1)).await;
    outer.cancel();
    assert_eq!(outer.await.unwrap(), "suppressed, then went on");
    assert_eq!(time(), 2.0);
}

// Failures during cleanup join the group's error; grace bounds.

#[aio::test]
async fn a_cleanup_failure_joins_the_failure_that_started_it() {
    let out = task_group!(|tg| {
        tg.create_task(async {
            if catch_cancel(aio::sleep(secs(10))).await.is_err() {
                aio::sleep(ms(100)).await;
                return Err("cleanup failed".to_string());
            }
            Ok(())
        });
        tg.create_task(async {
            aio::sleep(secs(1)).await;
            Err::<(), _>("first failure".to_string())
        });
    });
    let err = out.unwrap_err();
    let errors: Vec<_> = err
        .failures()
        .iter()
        .map(|f| f.error::<String>().unwrap().clone())
        .collect();
    assert_eq!(errors, ["first failure", "cleanup failed"]);
    assert_eq!(time(), 1.1);
}

#[aio::test]
async fn a_group_grace_drops_a_stubborn_cleanup() {
    let out = task_group!(grace = secs(2), |tg| {
        tg.create_task(async {
            if catch_cancel(aio::sleep(secs(10))).await.is_err() {
                aio::sleep(secs(3600)).await;
            }
        });
        tg.create_task(async {
            aio::sleep(secs(1)).await;
            Err::<(), _>("failure")
        });
    });
    assert_eq!(out.unwrap_err().failures().len(), 1);
    assert_eq!(time(), 3.0);
}

/// Panics when dropped: a cleanup whose `Drop` fails.
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("cleanup guard panicked while dropped at {}", time());
    }
}

#[aio::test]
async fn a_cleanup_dropped_at_the_end_of_its_grace_is_dropped_then_and_its_drop_panic_reported() {
    let out = task_group!(grace = secs(2), |tg| {
        tg.create_task(async {
            if catch_cancel(aio::sleep(secs(10))).await.is_err() {
                let _guard = PanicOnDrop;
                aio::sleep(secs(3600)).await;
            }
        });
        tg.create_task(async {
            aio::sleep(secs(1)).await;
            Err::<(), _>("failure")
        });
    });
    let err = out.unwrap_err();
    let messages: Vec<_> = err.failures().iter().map(|f| f.message()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[1].contains("cleanup guard panicked while dropped at 3"),
        "{messages:?}"
    );
    assert!(
        err.failures()[1].task().contains("dropping"),
        "{messages:?}"
    );
}

#[aio::test]
async fn a_cancel_scope_grace_drops_a_stubborn_cleanup() {
    let out = aio::cancel_scope!(grace = secs(1), |scope| {
        aio::sleep(secs(1)).await;
        scope.cancel();
        let _ = catch_cancel(aio::sleep(secs(10))).await;
        let shield = aio::CancelScope::new();
        shield.shield(true);
        shield.run(aio::sleep(secs(3600))).await;
    });
    assert_eq!(out, None);
    assert_eq!(time(), 2.0);
}

#[aio::test]
async fn a_second_cancel_drops_a_child_that_is_cleaning_up() {
    let log = log();
    let l = log.clone();
    let outcome = RefCell::new(None);
    let out = task_group!(|tg| {
        let child = tg.create_task(async move {
            if catch_cancel(aio::sleep(secs(10))).await.is_err() {
                push(&l, "cleaning up");
                aio::sleep(secs(10)).await;
                push(&l, "cleaned up");
            }
        });
        aio::sleep(secs(1)).await;
        child.cancel();
        aio::sleep(secs(1)).await;
        child.cancel();
        *outcome.borrow_mut() = Some(child.await);
    });
    assert!(out.is_ok());
    assert!(matches!(
        *outcome.borrow(),
        Some(Err(ChildError::Cancelled(_)))
    ));
    assert_eq!(*log.borrow(), ["cleaning up"]);
    assert_eq!(time(), 2.0);
}

// Reasons and locations.

#[aio::test]
async fn each_source_of_cancellation_names_itself() {
    // Explicit, with the caller's line. (Returning the cancellation passes
    // it on: the task ends cancelled, and its error carries it.)
    let task = aio::create_task(async { aio::cancelled().await });
    aio::yield_now().await;
    let line = line!() + 1;
    task.cancel();
    let err = task.await.unwrap_err();
    match err.cancelled().unwrap().reason() {
        CancelReason::Explicit {
            message, location, ..
        } => {
            assert_eq!(message, &None);
            assert_eq!((location.file(), location.line()), (file!(), line));
        }
        other => panic!("{other:?}"),
    }
    // A timeout, with its deadline and where it was made.
    let start = aio::now();
    let line = line!() + 1;
    let reason = aio::timeout!(secs(2), { aio::cancelled().await }).unwrap();
    match reason.reason() {
        CancelReason::Timeout {
            deadline, location, ..
        } => {
            assert_eq!(*deadline, start + secs(2));
            assert_eq!(location.line(), line);
        }
        other => panic!("{other:?}"),
    }
    // A sibling's failure, and the group's own cancel.
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    let _ = task_group!(|tg| {
        let s = s.clone();
        tg.create_task(async move {
            let c = aio::cancelled().await;
            s.borrow_mut().push(c.reason().clone());
        });
        tg.create_task(async {
            aio::sleep(secs(1)).await;
            Err::<(), _>("boom")
        });
    });
    let s = seen.clone();
    let _ = task_group!(|tg| {
        let s = s.clone();
        tg.create_task(async move {
            let c = aio::cancelled().await;
            s.borrow_mut().push(c.reason().clone());
        });
        aio::sleep(secs(1)).await;
        tg.cancel();
    });
    let seen = seen.borrow();
    assert!(
        matches!(&seen[0], CancelReason::SiblingFailed { child, .. } if child == "Task-1/group/2"),
        "{seen:?}"
    );
    assert!(
        matches!(&seen[1], CancelReason::GroupCancelled { .. }),
        "{seen:?}"
    );
}

#[aio::test]
async fn a_group_cancelled_from_outside_hands_its_children_the_parent_reason() {
    let seen = Rc::new(RefCell::new(None));
    let s = seen.clone();
    let out = aio::timeout!(secs(1), {
        task_group!(|tg| {
            let s = s.clone();
            tg.create_task(async move {
                let c = aio::cancelled().await;
                *s.borrow_mut() = Some(c.reason().clone());
            });
            aio::sleep(secs(10)).await;
        })
    });
    assert!(out.is_err(), "the timeout reports its deadline: {out:?}");
    let seen = seen.borrow().clone();
    match seen {
        Some(CancelReason::ParentCancelled { parent, .. }) => {
            assert!(matches!(*parent, CancelReason::Timeout { .. }))
        }
        other => panic!("{other:?}"),
    }
}

// Cancel handles, effective deadlines, tg.start.

#[aio::test(clock = real)]
async fn a_cancel_handle_cancels_a_scope_from_another_thread() {
    let scope = aio::CancelScope::new();
    let handle = scope.handle();
    let (entered, inside) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        // Once the body runs: the cancel must wake the waiting scope.
        inside.recv().expect("the body runs");
        handle.cancel();
        handle.cancel_called()
    });
    let out = scope
        .run(async {
            entered.send(()).expect("the thread waits");
            aio::sleep(secs(60)).await;
        })
        .await;
    assert_eq!(out, None);
    assert!(scope.cancel_called());
    assert!(thread.join().unwrap());
}

#[aio::test]
async fn the_effective_deadline_is_the_nearest_one_outside_a_shield() {
    let start = aio::now();
    assert_eq!(aio::current_effective_deadline(), None);
    let _ = aio::timeout!(secs(5), {
        let _ = aio::timeout!(secs(9), {
            assert_eq!(aio::current_effective_deadline(), Some(start + secs(5)));
            let shielded = aio::CancelScope::new();
            shielded.shield(true);
            shielded
                .run(async { assert_eq!(aio::current_effective_deadline(), None) })
                .await;
        });
    });
}

#[aio::test]
async fn start_waits_until_the_child_is_ready_and_leaves_it_running() {
    let log = log();
    let l = log.clone();
    let out = task_group!(|tg| {
        let l2 = l.clone();
        let port = tg
            .start(|started| async move {
                aio::sleep(secs(1)).await;
                started.started(8080);
                aio::sleep(secs(2)).await;
                push(&l2, format!("served until {}", time()));
            })
            .await;
        push(&l, format!("ready at {} on {:?}", time(), port));
    });
    assert!(out.is_ok());
    assert_eq!(*log.borrow(), ["ready at 1 on Ok(8080)", "served until 3"]);
}

#[aio::test]
async fn start_reports_a_child_that_fails_before_it_is_ready() {
    let got = Rc::new(RefCell::new(None));
    let g = got.clone();
    let out = task_group!(
        supervise | tg | {
            let started = tg
                .start(|_started: aio::Started<u16>| async {
                    aio::sleep(secs(1)).await;
                    Err::<(), _>("could not bind")
                })
                .await;
            *g.borrow_mut() = Some(started);
        }
    );
    assert!(matches!(
        got.borrow().as_ref(),
        Some(Err(StartError::Failed(m))) if m.contains("could not bind")
    ));
    assert_eq!(out.unwrap().1.len(), 1, "the failure is in the group too");
}

#[aio::test]
async fn plain_task_cancels_from_several_places_each_name_their_own_line() {
    // Tasks that catch nothing keep the reason in a few bits of their
    // metadata: the call sites are numbered, and must decode to the right one
    // whatever the order they are read back in.
    let tasks = sleepers(3).await;
    let first = line!() + 1;
    tasks[0].cancel();
    let second = line!() + 1;
    tasks[1].cancel();
    let third = line!() + 1;
    tasks[2].cancel();
    let mut lines = Vec::new();
    for task in tasks {
        lines.push(cancelled_at(task).await.0);
    }
    assert_eq!(lines, [first, second, third]);
}

/// `n` tasks asleep for a minute, each started (parked on its timer).
async fn sleepers(n: usize) -> Vec<aio::Task<()>> {
    let tasks = (0..n)
        .map(|_| aio::create_task(aio::sleep(secs(60))))
        .collect();
    aio::yield_now().await;
    tasks
}

/// Where the plain `cancel()` that ended `task` was called (line, column).
async fn cancelled_at(task: aio::Task<()>) -> (u32, u32) {
    match task
        .await
        .unwrap_err()
        .cancelled()
        .map(aio::Cancelled::reason)
    {
        Some(CancelReason::Explicit {
            message: None,
            location,
            ..
        }) => {
            assert_eq!(location.file(), file!());
            (location.line(), location.column())
        }
        other => panic!("{other:?}"),
    }
}

#[aio::test]
async fn more_cancel_sites_than_the_metadata_codes_still_name_their_own_place() {
    // A task's metadata codes up to 59 call sites per thread; beyond them
    // the reason is kept in full. Either way each error names its own call.
    let t = sleepers(72).await;
    cancel_each_from_its_own_place(&t);
    let mut places = std::collections::HashSet::new();
    for task in t {
        places.insert(cancelled_at(task).await);
    }
    assert_eq!(places.len(), 72, "each cancel names its own place");
}

/// 72 cancels, each from its own place in this file.
#[rustfmt::skip]
fn cancel_each_from_its_own_place(t: &[aio::Task<()>]) {
    t[0].cancel(); t[1].cancel(); t[2].cancel(); t[3].cancel(); t[4].cancel(); t[5].cancel(); t[6].cancel(); t[7].cancel();
    t[8].cancel(); t[9].cancel(); t[10].cancel(); t[11].cancel(); t[12].cancel(); t[13].cancel(); t[14].cancel(); t[15].cancel();
    t[16].cancel(); t[17].cancel(); t[18].cancel(); t[19].cancel(); t[20].cancel(); t[21].cancel(); t[22].cancel(); t[23].cancel();
    t[24].cancel(); t[25].cancel(); t[26].cancel(); t[27].cancel(); t[28].cancel(); t[29].cancel(); t[30].cancel(); t[31].cancel();
    t[32].cancel(); t[33].cancel(); t[34].cancel(); t[35].cancel(); t[36].cancel(); t[37].cancel(); t[38].cancel(); t[39].cancel();
    t[40].cancel(); t[41].cancel(); t[42].cancel(); t[43].cancel(); t[44].cancel(); t[45].cancel(); t[46].cancel(); t[47].cancel();
    t[48].cancel(); t[49].cancel(); t[50].cancel(); t[51].cancel(); t[52].cancel(); t[53].cancel(); t[54].cancel(); t[55].cancel();
    t[56].cancel(); t[57].cancel(); t[58].cancel(); t[59].cancel(); t[60].cancel(); t[61].cancel(); t[62].cancel(); t[63].cancel();
    t[64].cancel(); t[65].cancel(); t[66].cancel(); t[67].cancel(); t[68].cancel(); t[69].cancel(); t[70].cancel(); t[71].cancel();
}
