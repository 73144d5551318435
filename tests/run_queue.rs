//! The run queue packs each entry (a task, a callback, the main future) in
//! one word: they must still run in the order they became ready, and what is
//! still queued when the loop closes must be dropped exactly once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Counts its drops.
struct Guard(Rc<Cell<usize>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn tasks_and_callbacks_run_in_the_order_they_were_queued() {
    let lp = aio::EventLoop::new();
    let order = Rc::new(RefCell::new(Vec::new()));
    for i in 0..6 {
        let order = order.clone();
        if i % 2 == 0 {
            lp.create_task(async move { order.borrow_mut().push(format!("task {i}")) })
                .detach();
        } else {
            lp.call_soon(move || order.borrow_mut().push(format!("call {i}")));
        }
    }
    lp.run_until_complete(aio::yield_now());
    let want = ["task 0", "call 1", "task 2", "call 3", "task 4", "call 5"];
    assert_eq!(*order.borrow(), want);
}

#[test]
fn what_is_still_queued_when_the_loop_closes_is_dropped_once() {
    let dropped = Rc::new(Cell::new(0));
    let ran = Rc::new(Cell::new(0));
    let lp = aio::EventLoop::new();
    for i in 0..100 {
        let (guard, ran) = (Guard(dropped.clone()), ran.clone());
        if i % 2 == 0 {
            lp.create_task(async move {
                let _guard = guard;
                ran.set(ran.get() + 1);
            })
            .detach();
        } else {
            lp.call_soon(move || {
                let _guard = guard;
                ran.set(ran.get() + 1);
            });
        }
    }
    // Never run: closing drops the queued callbacks and the tasks' futures.
    lp.close();
    assert_eq!(dropped.get(), 100);
    assert_eq!(ran.get(), 0);
}
