//! task_group!: asyncio's TaskGroup semantics, on the virtual clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::{ChildError, GroupError, TaskError, task_group};

type Log = Rc<RefCell<Vec<String>>>;

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn push(log: &Log, what: impl Into<String>) {
    log.borrow_mut().push(what.into());
}

/// Records its drop: the counterpart of a `finally:` block.
struct Cleanup(Log, String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        push(&self.0, format!("cleanup {}", self.1));
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

async fn sleeper(log: Log, name: &str, s: u64) -> Result<(), String> {
    let _cleanup = Cleanup(log.clone(), name.to_string());
    aio::sleep(secs(s)).await;
    push(&log, format!("{name} finished"));
    Ok(())
}

async fn failer(s: u64, msg: &str) -> Result<(), String> {
    aio::sleep(secs(s)).await;
    Err(msg.to_string())
}

#[aio::test]
async fn the_group_waits_for_the_body_and_every_child() {
    let log = log();
    let start = aio::now();
    let out = task_group!(|tg| {
        tg.create_task(sleeper(log.clone(), "a", 1));
        tg.create_task(sleeper(log.clone(), "b", 3));
        "body value"
    });
    assert_eq!(out.unwrap(), "body value");
    assert_eq!(aio::now() - start, secs(3));
    assert!(log.borrow().contains(&"b finished".to_string()));
}

#[aio::test]
async fn the_first_failure_cancels_siblings_and_body() {
    let log = log();
    let l = log.clone();
    let out = task_group!(|tg| {
        tg.create_task(sleeper(l.clone(), "sibling", 10));
        tg.create_task(failer(1, "boom"));
        let _body = Cleanup(l.clone(), "body".into());
        aio::sleep(secs(10)).await;
        push(&l, "body finished");
    });
    let err = out.unwrap_err();
    let failures = err.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].error::<String>().unwrap(), "boom");
    let seen = log.borrow().clone();
    assert!(seen.contains(&"cleanup sibling".to_string()), "{seen:?}");
    assert!(seen.contains(&"cleanup body".to_string()), "{seen:?}");
    assert!(!seen.iter().any(|s| s.ends_with("finished")), "{seen:?}");
}

#[aio::test]
async fn two_children_failing_in_the_same_tick_are_both_reported_in_order() {
    let out = task_group!(|tg| {
        tg.create_task(failer(2, "first"));
        tg.create_task(failer(2, "second"));
        tg.create_task(failer(5, "never"));
    });
    let err = out.unwrap_err();
    let messages: Vec<&str> = err.failures().iter().map(|f| f.message()).collect();
    assert_eq!(messages, ["\"first\"", "\"second\""]);
}

#[aio::test]
async fn a_child_failing_while_the_body_is_suspended_ends_the_group_at_that_time() {
    let start = aio::now();
    let out = task_group!(|tg| {
        tg.create_task(failer(1, "child"));
        aio::sleep(secs(100)).await;
    });
    assert!(!out.unwrap_err().failures().is_empty());
    assert_eq!(aio::now() - start, secs(1));
}

#[aio::test]
async fn a_panicking_body_cancels_the_children_and_is_reported() {
    let log = log();
    let l = log.clone();
    let out: Result<(), GroupError> = task_group!(|tg| {
        tg.create_task(sleeper(l.clone(), "child", 10));
        aio::sleep(secs(1)).await;
        if !l.borrow().is_empty() || aio::now() > aio::now() - secs(1) {
            panic!("body broke");
        }
    });
    let err = out.unwrap_err();
    assert_eq!(err.failures()[0].task(), "body");
    assert!(err.failures()[0].is_panic());
    assert!(err.failures()[0].message().contains("body broke"));
    assert!(log.borrow().contains(&"cleanup child".to_string()));
}

#[aio::test]
async fn a_panicking_child_is_a_failure_with_its_message() {
    let out = task_group!(|tg| {
        tg.create_task(async {
            aio::sleep(secs(1)).await;
            if aio::now() > aio::now() - secs(1) {
                panic!("child broke");
            }
        });
    });
    let err = out.unwrap_err();
    assert!(err.failures()[0].is_panic());
    assert!(err.failures()[0].message().contains("child broke"), "{err}");
}

#[aio::test]
async fn cancelling_the_parent_task_cancels_every_child_and_reports_cancelled() {
    let log = log();
    let l = log.clone();
    let parent = aio::create_task(async move {
        let _ = task_group!(|tg| {
            tg.create_task(sleeper(l.clone(), "one", 100));
            tg.create_task(sleeper(l.clone(), "two", 100));
            aio::sleep(secs(100)).await;
        });
        push(&l, "after the group");
    });
    aio::sleep(secs(1)).await;
    parent.cancel();
    assert!(matches!(parent.await, Err(TaskError::Cancelled(_))));
    let mut seen = log.borrow().clone();
    seen.sort();
    assert_eq!(seen, ["cleanup one", "cleanup two"]);
}

#[aio::test]
async fn a_nested_group_failure_propagates_out() {
    let out: Result<(), GroupError> = task_group!(|outer| {
        outer.create_task(async {
            task_group!(|inner| {
                inner.create_task(failer(1, "deep"));
            })
            .map_err(|e| e.to_string())
        });
        aio::sleep(secs(10)).await;
    });
    let err = out.unwrap_err();
    assert!(err.failures()[0].message().contains("deep"), "{err}");
}

/// Starts a child from its destructor: by then the group is failing.
struct SpawnOnDrop<'g> {
    group: aio::GroupHandle<'g>,
    ran: Rc<RefCell<bool>>,
    late: Rc<RefCell<Option<Result<(), ChildError>>>>,
}

impl Drop for SpawnOnDrop<'_> {
    fn drop(&mut self) {
        let ran = self.ran.clone();
        let mut late = self.group.create_task(async move {
            *ran.borrow_mut() = true;
        });
        *self.late.borrow_mut() = late.result().cloned();
    }
}

#[aio::test]
async fn a_child_created_after_a_failure_is_cancelled_before_it_runs() {
    let ran = Rc::new(RefCell::new(false));
    let late = Rc::new(RefCell::new(None));
    let out = task_group!(|tg| {
        let guard = SpawnOnDrop {
            group: tg.handle(),
            ran: ran.clone(),
            late: late.clone(),
        };
        tg.create_task(async move {
            let _guard = guard;
            aio::sleep(secs(10)).await;
        });
        tg.create_task(failer(1, "fails"));
    });
    assert!(out.is_err());
    aio::sleep(secs(1)).await;
    assert!(matches!(
        *late.borrow(),
        Some(Err(ChildError::Cancelled(_)))
    ));
    assert!(!*ran.borrow(), "the late child never ran");
}

#[aio::test]
async fn children_borrow_the_callers_locals() {
    let results = RefCell::new(Vec::new());
    let base = 10;
    task_group!(|tg| {
        for i in 0..3u64 {
            let results = &results;
            tg.create_task(async move {
                aio::sleep(secs(3 - i)).await;
                results.borrow_mut().push(base + i);
            });
        }
    })
    .unwrap();
    assert_eq!(*results.borrow(), [12, 11, 10]);
}

#[aio::test]
async fn handles_are_awaited_in_the_body_and_read_after_the_group() {
    let (mut a, b_value) = task_group!(|tg| {
        let a = tg.create_task(async {
            aio::sleep(secs(2)).await;
            Ok::<_, String>("a")
        });
        let b = tg.create_task(async {
            aio::sleep(secs(1)).await;
            Ok::<_, String>(2)
        });
        (a, b.await.unwrap())
    })
    .unwrap();
    assert_eq!(b_value, 2);
    assert_eq!(a.result(), Some(&Ok("a")));
}

#[aio::test]
async fn supervise_lets_siblings_finish_and_returns_every_failure() {
    let log = log();
    let l = log.clone();
    let (value, failures) = task_group!(
        supervise | tg | {
            tg.create_task(failer(1, "one"));
            tg.create_task(sleeper(l.clone(), "survivor", 3));
            tg.create_task(failer(2, "two"));
            "body"
        }
    )
    .unwrap();
    assert_eq!(value, "body");
    let messages: Vec<&str> = failures.iter().map(|f| f.message()).collect();
    assert_eq!(messages, ["\"one\"", "\"two\""]);
    assert!(log.borrow().contains(&"survivor finished".to_string()));
}

#[aio::test]
async fn a_supervised_child_named_body_is_a_child_like_any_other() {
    let (value, failures) = task_group!(
        supervise | tg | {
            tg.create_task_named("body", failer(1, "child named body"));
            aio::sleep(secs(2)).await;
            "the body's value"
        }
    )
    .unwrap();
    assert_eq!(value, "the body's value");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].task(), "body");
}

#[aio::test]
async fn a_supervised_group_cancelled_after_a_failure_reports_both() {
    let out = task_group!(
        supervise | tg | {
            tg.create_task(failer(1, "one"));
            aio::sleep(secs(2)).await;
            tg.cancel();
            aio::sleep(secs(100)).await;
        }
    );
    let err = out.unwrap_err();
    let messages: Vec<&str> = err.failures().iter().map(|f| f.message()).collect();
    assert_eq!(messages, ["\"one\""], "the failure is not lost");
    assert!(matches!(
        err.cancelled().map(|c| c.reason()),
        Some(aio::CancelReason::GroupCancelled { .. })
    ));
}

#[aio::test]
async fn cancel_stops_the_whole_group_without_a_failure() {
    let log = log();
    let l = log.clone();
    let out = task_group!(|tg| {
        tg.create_task(sleeper(l.clone(), "child", 100));
        aio::sleep(secs(1)).await;
        tg.cancel();
        aio::sleep(secs(100)).await;
        push(&l, "body went on");
    });
    let err = out.unwrap_err();
    assert!(err.is_cancelled());
    assert!(err.failures().is_empty());
    assert_eq!(*log.borrow(), ["cleanup child"]);
}

#[aio::test]
async fn a_child_starts_more_children_through_the_group_handle() {
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    task_group!(|tg| {
        let handle = tg.handle();
        tg.create_task(async move {
            for _ in 0..3 {
                let c = c.clone();
                handle.create_task(async move {
                    aio::sleep(secs(1)).await;
                    *c.borrow_mut() += 1;
                });
            }
        });
    })
    .unwrap();
    assert_eq!(*count.borrow(), 3);
}

#[aio::test]
async fn an_early_return_from_the_body_still_waits_for_the_children() {
    let log = log();
    let l = log.clone();
    let out = task_group!(|tg| {
        tg.create_task(sleeper(l.clone(), "child", 2));
        if l.borrow().is_empty() {
            return "early";
        }
        "late"
    });
    assert_eq!(out.unwrap(), "early");
    assert!(log.borrow().contains(&"child finished".to_string()));
}

#[aio::test]
async fn cancelling_one_child_leaves_the_others_running() {
    let log = log();
    let l = log.clone();
    task_group!(|tg| {
        let doomed = tg.create_task(sleeper(l.clone(), "doomed", 10));
        tg.create_task(sleeper(l.clone(), "kept", 2));
        aio::sleep(secs(1)).await;
        assert!(doomed.cancel());
        assert!(matches!(doomed.await, Err(ChildError::Cancelled(_))));
    })
    .unwrap();
    assert_eq!(
        *log.borrow(),
        ["cleanup doomed", "kept finished", "cleanup kept"]
    );
}

#[aio::test]
async fn a_group_inside_a_timeout_is_cancelled_whole_at_the_deadline() {
    let log = log();
    let l = log.clone();
    let out = aio::timeout!(secs(2), {
        task_group!(|tg| {
            tg.create_task(sleeper(l.clone(), "a", 10));
            tg.create_task(sleeper(l.clone(), "b", 10));
        })
    });
    assert!(out.is_err());
    let mut seen = log.borrow().clone();
    seen.sort();
    assert_eq!(seen, ["cleanup a", "cleanup b"]);
}

#[test]
fn leaking_the_enclosing_future_is_sound() {
    // The children borrow `data`; forgetting the future that runs the group
    // must never let them run (or be dropped) after `data` is gone.
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    runner.run(async {
        let data = RefCell::new(vec![1]);
        let mut fut = Box::pin(async {
            task_group!(|tg| {
                tg.create_task(async {
                    aio::sleep(secs(1)).await;
                    data.borrow_mut().push(2);
                });
            })
        });
        // Start it, so the child is suspended inside the group...
        let _ = aio::timeout(Duration::ZERO, fut.as_mut()).await;
        // ...then leak it instead of dropping it.
        std::mem::forget(fut);
        aio::sleep(secs(5)).await;
        assert_eq!(*data.borrow(), [1]);
    });
}

#[aio::test]
async fn cancelling_a_group_that_already_failed_changes_nothing() {
    let out = aio::task_group!(|tg| {
        tg.create_task(async {
            aio::sleep(Duration::from_secs(1)).await;
            Err::<(), _>("boom")
        });
        let caught = aio::catch_cancel(aio::sleep(Duration::from_secs(10))).await;
        let why = caught.expect_err("the failure cancelled the body");
        assert!(matches!(
            why.reason(),
            aio::CancelReason::SiblingFailed { .. }
        ));
        tg.cancel(); // too late: the group already stops for the failure
    });
    let err = out.unwrap_err();
    assert_eq!(err.failures().len(), 1);
    assert_eq!(err.failures()[0].error::<&str>(), Some(&"boom"));
    assert!(err.cancelled().is_none(), "{err}");
}

#[aio::test]
async fn a_group_dropped_from_outside_drops_children_that_hold_its_handle() {
    let log = log();
    let l = log.clone();
    let racer = aio::create_task(async move {
        let group = async move {
            aio::task_group!(|tg| {
                let group = tg.handle();
                let l = l.clone();
                tg.create_task(async move {
                    let _cleanup = Cleanup(l, "child".to_string());
                    let _group = group; // the child keeps the group's handle
                    aio::sleep(secs(10)).await;
                });
                aio::sleep(secs(10)).await;
            })
        };
        // The race drops the losing group as it stands: no cancellation is
        // delivered, the future just goes.
        aio::select_first! {
            _ = group => unreachable!(),
            _ = aio::sleep(secs(1)) => {},
        }
        aio::sleep(secs(50)).await; // not a catch point: dropped when cancelled
    });
    aio::sleep(secs(2)).await;
    assert_eq!(
        *log.borrow(),
        ["cleanup child"],
        "its cleanup ran when the group went"
    );
    racer.cancel();
    assert!(racer.await.unwrap_err().is_cancelled());
    assert_eq!(
        aio::get_running_loop().time(),
        2.0,
        "the group left no catch point behind to hold the cancel off"
    );
}

#[aio::test]
async fn running_counts_the_live_children() {
    task_group!(|tg| {
        assert_eq!(tg.running(), 0);
        tg.create_task(aio::sleep(secs(1)));
        tg.create_task(aio::sleep(secs(3)));
        assert_eq!(tg.running(), 2);
        assert_eq!(format!("{tg:?}"), "TaskGroup { running: 2 }");
        aio::sleep(secs(2)).await;
        assert_eq!(tg.running(), 1);
        aio::sleep(secs(2)).await;
        assert_eq!(tg.running(), 0);
    })
    .unwrap();
}

/// The reason a child's handle gives, once its outcome came.
async fn reason_of(handle: aio::ChildHandle<()>) -> aio::CancelReason {
    match handle.await {
        Err(ChildError::Cancelled(c)) => c.reason().clone(),
        other => panic!("the child was not cancelled: {other:?}"),
    }
}

#[aio::test]
async fn children_stopped_with_their_group_give_the_groups_reason() {
    let mut kept = Vec::new();
    let out = task_group!(|tg| {
        kept.push(tg.create_task(aio::sleep(secs(60))));
        kept.push(tg.create_task(aio::sleep(secs(60))));
        aio::sleep(secs(1)).await;
        tg.cancel();
    });
    assert!(out.is_err());
    for handle in kept {
        assert!(matches!(
            reason_of(handle).await,
            aio::CancelReason::GroupCancelled { .. }
        ));
    }
    let mut kept = None;
    let out = task_group!(|tg| {
        kept = Some(tg.create_task(aio::sleep(secs(60))));
        tg.create_task(failer(1, "boom"));
    });
    assert!(out.is_err());
    let why = reason_of(kept.expect("made")).await;
    assert!(
        matches!(&why, aio::CancelReason::SiblingFailed { child, .. } if child.ends_with("/2")),
        "{why:?}"
    );
}

#[aio::test]
async fn a_child_cancelled_alone_gives_its_own_reason_even_when_its_group_stops_later() {
    let mut kept = None;
    let out = task_group!(|tg| {
        let child = tg.create_task(async {
            // Catches its cancellation and cleans up past the group's stop.
            let _ = aio::catch_cancel(aio::sleep(secs(60))).await;
            aio::sleep(secs(5)).await;
        });
        aio::sleep(secs(1)).await;
        child.cancel();
        kept = Some(child);
        aio::sleep(secs(1)).await;
        tg.cancel();
    });
    assert!(out.is_err());
    assert!(matches!(
        reason_of(kept.expect("made")).await,
        aio::CancelReason::Explicit { message: None, .. }
    ));
}

#[aio::test]
async fn a_child_handle_reads_its_outcome_once_and_stays_done() {
    let out = task_group!(|tg| {
        let mut child = tg.create_task(async { Ok::<_, String>(7) });
        aio::sleep(secs(1)).await;
        assert!(child.is_done());
        assert!(matches!(child.result(), Some(Ok(7))));
        assert!(child.is_done(), "still done once read");
        assert!(!child.cancel(), "a finished child cannot be cancelled");
        assert!(matches!(child.await, Ok(7)));
    });
    assert!(out.is_ok());
}

#[aio::test]
async fn a_child_cancelled_alone_just_before_its_group_stops_keeps_its_own_reason() {
    let mut kept = None;
    let out = task_group!(|tg| {
        let victim = Rc::new(tg.create_task(aio::sleep(secs(60))));
        let handle = victim.clone();
        // In one step, a sibling cancels it and then fails: the group stops
        // before the victim ran again.
        tg.create_task(async move {
            aio::sleep(secs(1)).await;
            handle.cancel();
            Err::<(), _>("boom")
        });
        kept = Some(victim);
    });
    assert!(out.is_err());
    let victim = Rc::try_unwrap(kept.expect("made")).expect("the sibling is gone");
    assert!(matches!(
        reason_of(victim).await,
        aio::CancelReason::Explicit { message: None, .. }
    ));
}
