//! Bugs found by an outside audit, each kept out by a test: a task's result
//! dropped on the wrong thread, panicking destructors during cancellation,
//! deep nesting of groups, a task awaited on the wrong loop.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Sends the task's waker to `to` on its first poll, then finishes.
struct LeakWaker {
    to: Option<mpsc::Sender<Waker>>,
}

impl Future for LeakWaker {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(to) = self.to.take() {
            to.send(cx.waker().clone()).unwrap();
        }
        Poll::Ready(())
    }
}

#[test]
fn a_kept_result_is_dropped_on_the_loop_thread_not_with_the_last_waker() {
    let value = Rc::new(5);
    let (send, receive) = mpsc::channel::<Waker>();
    let (done_send, done) = mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let waker = receive.recv().unwrap();
        done.recv().unwrap();
        drop(waker); // the last reference to the task's allocation
    });
    let kept = value.clone();
    aio::run(async move {
        let mut task = aio::create_task(async move {
            LeakWaker { to: Some(send) }.await;
            kept
        });
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(task.result().map(|r| **r.as_ref().unwrap()), Some(5));
        drop(task);
    });
    // The task's `Rc` was dropped here, on this thread, with the handle: the
    // waker on the other thread holds nothing that is not `Send`.
    assert_eq!(Rc::strong_count(&value), 1);
    done_send.send(()).unwrap();
    thread.join().unwrap();
    assert_eq!(Rc::strong_count(&value), 1);
}

struct PanicOnDrop(&'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("{} panicked while dropped", self.0);
        }
    }
}

#[aio::test]
async fn a_child_panicking_while_the_group_cancels_it_is_one_more_failure() {
    let out = aio::task_group!(|tg| {
        tg.create_task(async {
            let _bomb = PanicOnDrop("bomb");
            aio::sleep(Duration::from_secs(10)).await;
        });
        tg.create_task(async {
            aio::sleep(Duration::from_secs(1)).await;
            Err::<(), _>("the real failure")
        });
    });
    let err = out.unwrap_err();
    let messages: Vec<_> = err
        .failures()
        .iter()
        .map(|f| f.message().to_string())
        .collect();
    assert_eq!(err.failures()[0].error::<&str>(), Some(&"the real failure"));
    assert!(
        messages[1].contains("bomb panicked while dropped"),
        "{messages:?}"
    );
    assert!(
        err.failures()[1].task().contains("dropping"),
        "{messages:?}"
    );
}

#[aio::test]
async fn two_children_panicking_while_dropped_do_not_abort_the_process() {
    let out = aio::task_group!(|tg| {
        for name in ["first", "second"] {
            tg.create_task(async move {
                let _bomb = PanicOnDrop(name);
                aio::sleep(Duration::from_secs(10)).await;
            });
        }
        aio::sleep(Duration::from_secs(1)).await;
        Err::<(), _>("body failed")
    });
    assert_eq!(out.unwrap_err().failures().len(), 3);
}

#[aio::test]
async fn a_group_cancelled_from_outside_reports_children_panicking_in_drop() {
    let out = aio::timeout!(Duration::from_secs(1), {
        aio::task_group!(|tg| {
            for name in ["first", "second"] {
                tg.create_task(async move {
                    let _bomb = PanicOnDrop(name);
                    aio::sleep(Duration::from_secs(10)).await;
                });
            }
        })
    });
    // The failures win over the deadline (asyncio 3.12's rule), and the
    // deadline shows beside them.
    let err = out.expect("the group returned its error").unwrap_err();
    assert_eq!(err.failures().len(), 2);
    assert!(err.cancelled().is_some());
}

#[test]
fn tasks_panicking_in_drop_at_shutdown_do_not_abort_the_process() {
    aio::run(async {
        for name in ["first", "second"] {
            aio::create_task(async move {
                let _bomb = PanicOnDrop(name);
                aio::sleep(Duration::from_secs(3600)).await;
            })
            .detach();
        }
        aio::yield_now().await;
    });
}

fn nested(depth: u32, reached: Rc<Cell<u32>>) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async move {
        reached.set(reached.get().max(depth));
        if depth == 0 {
            return;
        }
        aio::task_group!(|tg| {
            tg.create_task(nested(depth - 1, reached.clone()));
        })
        .unwrap();
    })
}

#[test]
fn ten_thousand_nested_groups_run() {
    // Each level is boxed, as recursion needs; the stack a level costs while
    // polling decides how deep this can go.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let reached = Rc::new(Cell::new(0));
            let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
            lp.run_until_complete(nested(10_000, reached.clone()));
            reached.get()
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), 10_000);
}

#[test]
fn awaiting_a_task_of_another_loop_is_a_clear_error() {
    let a = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let task = a.create_task(aio::sleep(Duration::from_secs(1)));
    let b = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let caught =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.run_until_complete(task)));
    let payload = caught.expect_err("a task of loop a awaited on loop b");
    let msg = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(msg.contains("outside the event loop that runs it"), "{msg}");
}
