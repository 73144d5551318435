//! The loop's registry of tasks keeps each task's waker packed in one word:
//! the tasks it holds the last reference to must still be listed, woken and
//! freed exactly once, whatever their future's type.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Counts its drops: each task's cleanup must run once.
struct Guard(Rc<Cell<usize>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn detached_tasks_of_many_future_types_are_listed_cancelled_and_freed_once_at_shutdown() {
    let dropped = Rc::new(Cell::new(0));
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let spawned = runner.run({
        let dropped = dropped.clone();
        async move {
            let mut spawned = 0;
            for i in 0..300 {
                let guard = Guard(dropped.clone());
                // Three future types, interleaved: the registry tells their
                // wakers apart by vtable.
                let task = match i % 3 {
                    0 => aio::create_task(async move {
                        let _guard = guard;
                        std::future::pending::<()>().await;
                    }),
                    1 => aio::create_task(async move {
                        let _guard = guard;
                        aio::sleep(Duration::from_secs(3600)).await;
                    }),
                    _ => aio::create_task(async move {
                        let _guard = guard;
                        aio::Event::new().wait().await;
                    }),
                };
                task.set_name(format!("t{i}"));
                // Only the loop holds the task now.
                task.detach();
                spawned += 1;
            }
            aio::yield_now().await;
            let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
            assert_eq!(names.len(), 301);
            for i in 0..300 {
                assert!(names.contains(&format!("t{i}")), "t{i} is not listed");
            }
            spawned
        }
    });
    assert_eq!(spawned, 300);
    assert_eq!(dropped.get(), 0);
    drop(runner);
    assert_eq!(dropped.get(), 300);
}

#[aio::test]
async fn a_detached_task_that_finishes_is_freed_and_leaves_the_list() {
    let dropped = Rc::new(Cell::new(0));
    for _ in 0..100 {
        let guard = Guard(dropped.clone());
        aio::create_task(async move {
            let _guard = guard;
            aio::sleep(Duration::from_secs(1)).await;
        })
        .detach();
    }
    aio::yield_now().await;
    assert_eq!(aio::all_tasks().len(), 101);
    aio::sleep(Duration::from_secs(2)).await;
    assert_eq!(dropped.get(), 100);
    assert_eq!(aio::all_tasks().len(), 1);
    // Their slots are reused by new tasks.
    let again: Vec<_> = (0..100)
        .map(|i| aio::create_task(async move { i }))
        .collect();
    let mut sum = 0;
    for task in again {
        sum += task.await.unwrap();
    }
    assert_eq!(sum, 4950);
}

#[aio::test]
async fn cancelling_a_task_through_its_listing_wakes_it() {
    let dropped = Rc::new(Cell::new(0));
    let guard = Guard(dropped.clone());
    let task = aio::create_task(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    aio::yield_now().await;
    let listed = aio::all_tasks();
    let other = listed
        .iter()
        .find(|t| t.name() == task.name())
        .expect("listed");
    assert!(other.cancel());
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(dropped.get(), 1);
}

#[aio::test]
async fn a_listed_task_can_be_asked_about_after_it_finished_and_left_the_loop() {
    let dropped = Rc::new(Cell::new(0));
    let guard = Guard(dropped.clone());
    aio::create_task(async move {
        let _guard = guard;
        aio::sleep(Duration::from_secs(1)).await;
    })
    .detach();
    aio::yield_now().await;
    let listed = aio::all_tasks();
    let me = aio::current_task().unwrap();
    let task = listed.into_iter().find(|t| *t != me).expect("listed");
    task.set_name("short-lived");
    aio::sleep(Duration::from_secs(2)).await;
    // The loop let go of the finished task: the reference alone keeps what
    // it reads alive.
    assert_eq!(dropped.get(), 1);
    assert_eq!(aio::all_tasks().len(), 1);
    assert!(task.is_done());
    assert_eq!(task.name(), "short-lived");
    assert!(!task.cancel(), "a finished task cannot be cancelled");
    drop(task);
    assert_eq!(
        dropped.get(),
        1,
        "its future was dropped once, when it ended"
    );
}

#[aio::test]
async fn a_listed_group_child_says_whether_it_finished_or_was_cancelled() {
    let out = aio::task_group!(|tg| {
        let quick = tg.create_task_named("quick", aio::sleep(Duration::from_secs(1)));
        let slow = tg.create_task_named("slow", aio::sleep(Duration::from_secs(60)));
        aio::yield_now().await;
        let find = |name: &str| {
            aio::all_tasks()
                .into_iter()
                .find(|t| t.name() == name)
                .expect("listed")
        };
        let (quick_ref, slow_ref) = (find("quick"), find("slow"));
        assert!(!quick_ref.is_done() && !quick_ref.is_cancelled());
        aio::sleep(Duration::from_secs(2)).await;
        assert!(quick_ref.is_done());
        assert!(
            !quick_ref.is_cancelled(),
            "it finished, it was not cancelled"
        );
        slow.cancel();
        aio::yield_now().await;
        assert!(slow_ref.is_done() && slow_ref.is_cancelled());
        // Reading the outcome through the handle changes neither.
        assert!(quick.await.is_ok());
        assert!(slow.await.unwrap_err().is_cancelled());
        assert!(!quick_ref.is_cancelled() && slow_ref.is_cancelled());
        assert!(quick_ref.is_done() && slow_ref.is_done());
    });
    assert!(out.is_ok());
}
