//! The task tree of a running program: tasks, the groups they opened, the
//! groups' children (named, listed by `all_tasks()`), what each waits on,
//! where it was spawned and how old it is.

use aio::NodeKind;
use std::time::Duration;

/// `(depth, name, kind, state)` of every node, depth first.
fn outline(tree: &aio::TaskTree) -> Vec<(usize, String, NodeKind, String)> {
    fn walk(
        node: aio::TreeNode<'_>,
        depth: usize,
        out: &mut Vec<(usize, String, NodeKind, String)>,
    ) {
        out.push((
            depth,
            node.name().to_string(),
            node.kind(),
            node.state().to_string(),
        ));
        for child in node.children() {
            walk(child, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for root in tree.roots() {
        walk(root, 0, &mut out);
    }
    out
}

fn row(depth: usize, name: &str, kind: NodeKind, state: &str) -> (usize, String, NodeKind, String) {
    (depth, name.to_string(), kind, state.to_string())
}

#[aio::test]
async fn a_nested_program_shows_who_waits_on_what() {
    aio::current_task().unwrap().set_name("main");
    let lock = aio::Lock::new(());
    let held = lock.lock().await;
    let ticket = aio::Promise::<u32>::new();
    let helper = aio::create_task({
        let ticket = ticket.clone();
        async move { ticket.await.unwrap() }
    });
    helper.set_name("helper");
    let group_line = line!() + 1;
    aio::task_group!(|tg| {
        tg.create_task_named("writer", async { drop(lock.lock().await) });
        tg.create_task_named("outer", async {
            aio::task_group!(|inner| {
                inner.create_task(aio::sleep(Duration::from_secs(10)));
                inner.create_task(async { helper.await.map(drop) });
            })
            .map(drop)
        });
        aio::sleep(Duration::from_secs(2)).await;
        let tree = aio::task_tree();
        assert_eq!(
            outline(&tree),
            [
                row(0, "main", NodeKind::Task, "running"),
                row(1, "main/group", NodeKind::Group, "running"),
                row(2, "writer", NodeKind::Child, "waiting on a lock"),
                row(
                    2,
                    "outer",
                    NodeKind::Child,
                    "waiting on task group outer/group"
                ),
                row(3, "outer/group", NodeKind::Group, "waiting on its children"),
                row(
                    4,
                    "outer/group/1",
                    NodeKind::Child,
                    "waiting on a timer (due in 8.000 s)"
                ),
                row(
                    4,
                    "outer/group/2",
                    NodeKind::Child,
                    "waiting on task helper"
                ),
                row(0, "helper", NodeKind::Task, "waiting on a promise"),
            ],
            "{tree}"
        );
        let writer = tree.find("writer").unwrap();
        assert_eq!(writer.age(), Some(Duration::from_secs(2)));
        let location = writer.location().unwrap();
        assert_eq!(
            (location.file(), location.line()),
            ("tests/debug_tree.rs", group_line + 1)
        );
        let group = tree.find("main/group").unwrap();
        assert_eq!(group.location().unwrap().line(), group_line);
        let text = tree.to_string();
        assert!(text.starts_with("event loop "), "{text}");
        assert!(text.contains("virtual clock, 2.000 s)"), "{text}");
        assert!(text.contains("\n├── main [task] running · "), "{text}");
        assert!(
            text.contains(&format!(
                "\n│   └── main/group [group] running · tests/debug_tree.rs:{group_line}:"
            )),
            "{text}"
        );
        assert!(
            text.contains("\n│       ├── writer [child] waiting on a lock · "),
            "{text}"
        );
        assert!(
            text.contains("\n│               ├── outer/group/1 [child] "),
            "{text}"
        );
        assert!(
            text.contains("\n└── helper [task] waiting on a promise · "),
            "{text}"
        );
        drop(held);
        ticket.set_result(1).unwrap();
    })
    .unwrap();
}

#[aio::test]
async fn group_children_are_listed_named_and_cancelled_through_all_tasks() {
    let outcome = aio::task_group!(|tg| {
        let first = tg.create_task(aio::sleep(Duration::from_secs(60)));
        let named = tg.create_task_named("named", aio::sleep(Duration::from_secs(60)));
        aio::yield_now().await;
        assert_eq!(first.name(), "Task-1/group/1");
        let tasks = aio::all_tasks();
        let names: Vec<String> = tasks.iter().map(|t| t.name()).collect();
        assert_eq!(names, ["Task-1", "Task-1/group/1", "named"]);
        let child = &tasks[1];
        assert!(child.is_child() && !tasks[0].is_child());
        assert_ne!(child.id(), tasks[0].id());
        child.set_name("renamed");
        assert_eq!(first.name(), "renamed");
        assert!(child.cancel());
        assert!(child.is_cancel_requested());
        aio::testing::wait_all_tasks_blocked().await;
        assert!(child.is_done() && child.is_cancelled());
        assert!(first.is_done());
        assert!(!named.is_done());
        assert_eq!(
            aio::all_tasks().len(),
            2,
            "a finished child is no longer listed"
        );
        named.cancel();
        Ok::<_, std::convert::Infallible>(())
    });
    assert!(outcome.is_ok());
}

#[aio::test]
async fn failures_carry_the_childrens_names() {
    let err = aio::task_group!(|tg| {
        tg.create_task_named("parser", async { Err::<(), _>("bad input") });
        tg.create_task(async {
            aio::task_group!(|inner| {
                inner.create_task(async { panic!("deep") as () });
            })
            .map_err(|e| e.to_string())
        });
    })
    .unwrap_err();
    let names: Vec<&str> = err.failures().iter().map(|f| f.task()).collect();
    assert_eq!(names, ["parser", "Task-1/group/2"]);
    assert!(
        err.failures()[1]
            .message()
            .contains("Task-1/group/2/group/1: panicked: deep"),
        "{err}"
    );
}

#[aio::test]
async fn a_group_opened_in_a_body_nests_under_its_group() {
    aio::task_group!(|outer| {
        outer.create_task_named("sibling", aio::sleep(Duration::from_secs(1)));
        aio::task_group!(|inner| {
            let child = inner.create_task(aio::sleep(Duration::from_secs(1)));
            assert_eq!(inner.name(), "Task-1/group/group");
            assert_eq!(child.name(), "Task-1/group/group/1");
            aio::yield_now().await;
            let tree = aio::task_tree();
            assert_eq!(
                outline(&tree),
                [
                    row(0, "Task-1", NodeKind::Task, "running"),
                    row(1, "Task-1/group", NodeKind::Group, "running"),
                    row(
                        2,
                        "sibling",
                        NodeKind::Child,
                        "waiting on a timer (due in 1.000 s)"
                    ),
                    row(2, "Task-1/group/group", NodeKind::Group, "running"),
                    row(
                        3,
                        "Task-1/group/group/1",
                        NodeKind::Child,
                        "waiting on a timer (due in 1.000 s)"
                    ),
                ],
                "{tree}"
            );
        })
        .unwrap();
    })
    .unwrap();
}

#[aio::test]
async fn a_running_child_is_listed_and_a_group_it_opens_nests_under_it() {
    aio::task_group!(|tg| {
        tg.create_task_named("looker", async {
            let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
            assert_eq!(names, ["Task-1", "looker"]);
            aio::task_group!(|inner| {
                inner.create_task_named("deep", aio::sleep(Duration::from_secs(1)));
                aio::yield_now().await;
                let tree = aio::task_tree();
                assert_eq!(
                    outline(&tree),
                    [
                        row(0, "Task-1", NodeKind::Task, "running"),
                        row(1, "Task-1/group", NodeKind::Group, "running"),
                        row(2, "looker", NodeKind::Child, "running"),
                        row(3, "looker/group", NodeKind::Group, "running"),
                        row(
                            4,
                            "deep",
                            NodeKind::Child,
                            "waiting on a timer (due in 1.000 s)"
                        ),
                    ],
                    "{tree}"
                );
            })
            .unwrap();
        });
    })
    .unwrap();
}

#[aio::test]
async fn a_leaked_group_is_listed_without_touching_what_its_children_borrow() {
    {
        let local = String::from("dropped before the listing");
        let mut leaked = Box::pin(async {
            aio::task_group!(|tg| {
                tg.create_task_named("leaked child", async {
                    aio::sleep(Duration::from_secs(60)).await;
                    println!("{local}"); // borrows `local`
                });
                aio::sleep(Duration::from_secs(60)).await;
            })
        });
        assert!(futures::poll!(leaked.as_mut()).is_pending());
        // The group's state is never dropped nor polled again; `local` goes.
        std::mem::forget(leaked);
    }
    let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
    assert_eq!(names, ["Task-1", "leaked child"]);
    let tree = aio::task_tree();
    let child = tree.find("leaked child").unwrap();
    assert_eq!(child.state(), "waiting on a timer (due in 60.000 s)");
}

#[aio::test]
async fn a_cancelled_task_shows_as_cancelling_while_it_cleans_up() {
    let task = aio::create_task(async {
        if aio::catch_cancel(aio::sleep(Duration::from_secs(60)))
            .await
            .is_err()
        {
            aio::sleep(Duration::from_secs(1)).await; // cleanup that waits
        }
    });
    aio::yield_now().await;
    task.cancel();
    aio::sleep(Duration::from_millis(10)).await;
    let tree = aio::task_tree();
    assert_eq!(tree.find(&task.name()).unwrap().state(), "cancelling");
    let _ = task.await;
}

#[test]
fn another_thread_asks_the_loop_for_its_tree() {
    let runner = aio::Runner::new();
    runner.run(async {
        let handle = aio::get_running_loop().handle();
        let sleeper = aio::create_task(aio::sleep(Duration::from_secs(60)));
        sleeper.set_name("sleeper");
        let asking = std::thread::spawn(move || handle.task_tree(Duration::from_secs(30)));
        // The loop answers at its next turn while the main task waits.
        let tree = aio::to_thread(move || asking.join().unwrap())
            .await
            .unwrap()
            .unwrap();
        let text = tree.to_string();
        assert!(text.contains("(real clock"), "{text}");
        assert!(text.contains("sleeper [task]"), "{text}");
        // Not in debug mode, a real clock records no waits or ages: the
        // tree says so.
        assert!(text.contains("recorded in debug mode"), "{text}");
        sleeper.cancel();
    });
}

#[test]
fn asking_a_loop_that_does_not_answer_times_out() {
    let lp = aio::EventLoop::new();
    let handle = lp.handle();
    // The loop is not running: nothing answers.
    let asked = std::thread::spawn(move || handle.task_tree(Duration::from_millis(20)));
    assert_eq!(asked.join().unwrap().unwrap_err(), aio::WaitTimedOut);
}
