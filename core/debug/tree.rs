//! The task tree: every task of a loop, the task groups it opened, their
//! children and the groups those opened, with what each waits on.

use crate::runtime::{Node, RemoteItem, Snapshot, expect_current, with_current};
use crate::threads::{LoopHandle, WaitTimedOut};
use std::fmt;
use std::panic::Location;
use std::sync::mpsc;
use std::time::Duration;

/// The tree of a loop's tasks at one moment, asyncio 3.14's `pstree`: made
/// by [`task_tree`] or [`LoopHandle::task_tree`]; its `Display` draws it.
///
/// Each node has a name, a state ("running", "ready", "cancelling",
/// "waiting on a lock", "waiting on task Task-3", "waiting on a timer (due
/// in 2.000 s)", ...), where it was spawned and its age. States, spawn
/// locations and ages are recorded in debug mode and on the virtual clock;
/// elsewhere the tree has the names and the nesting, and says so.
///
/// ```
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let lock = aio::Lock::new(());
///     let held = lock.lock().await;
///     aio::task_group!(|tg| {
///         tg.create_task_named("writer", async { drop(lock.lock().await) });
///         tg.create_task_named("sleeper", aio::sleep(Duration::from_secs(5)));
///         aio::sleep(Duration::from_secs(1)).await;
///         let tree = aio::task_tree();
///         println!("{tree}");
///         let writer = tree.find("writer").unwrap();
///         assert_eq!(writer.state(), "waiting on a lock");
///         assert_eq!(writer.kind(), aio::NodeKind::Child);
///         drop(held);
///     })
///     .unwrap();
/// });
/// ```
#[derive(Clone, Debug)]
pub struct TaskTree {
    snapshot: Snapshot,
}

/// What a node of a [`TaskTree`] is.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     aio::task_group!(|tg| {
///         let tree = aio::task_tree();
///         let main = tree.roots().next().unwrap();
///         assert_eq!(main.kind(), aio::NodeKind::Task);
///         assert_eq!(main.children().next().unwrap().kind(), aio::NodeKind::Group);
///     })
///     .unwrap();
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeKind {
    /// A task (the main one, or one made by `create_task`, `shield`, ...).
    Task,
    /// A task group (`task_group!`).
    Group,
    /// A child of a task group.
    Child,
}

/// One node of a [`TaskTree`], borrowed from it; its `Display` is its line
/// of the drawing.
///
/// ```
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let nap = aio::create_task(aio::sleep(Duration::from_secs(3)));
///     nap.set_name("nap");
///     aio::sleep(Duration::from_secs(1)).await;
///     let tree = aio::task_tree();
///     let node = tree.find("nap").unwrap();
///     assert_eq!(node.state(), "waiting on a timer (due in 2.000 s)");
///     assert_eq!(node.age(), Some(Duration::from_secs(1)));
///     assert!(node.to_string().starts_with("nap [task] waiting on a timer"));
/// });
/// ```
#[derive(Clone, Copy)]
pub struct TreeNode<'a> {
    node: &'a Node,
}

impl TaskTree {
    /// The loop's tasks (and groups whose opener is gone), in the order
    /// they started.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let _background = aio::create_task(std::future::pending::<()>());
    ///     aio::yield_now().await;
    ///     let tree = aio::task_tree();
    ///     assert_eq!(tree.roots().count(), 2, "the main task and the background one");
    /// });
    /// ```
    pub fn roots(&self) -> impl Iterator<Item = TreeNode<'_>> {
        self.snapshot.roots.iter().map(|node| TreeNode { node })
    }

    /// The first node named `name`, searching depth first.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task_named("fetch", aio::yield_now());
    ///         let tree = aio::task_tree();
    ///         assert_eq!(tree.find("fetch").unwrap().kind(), aio::NodeKind::Child);
    ///         assert!(tree.find("nobody").is_none());
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn find(&self, name: &str) -> Option<TreeNode<'_>> {
        fn search<'a>(nodes: &'a [Node], name: &str) -> Option<&'a Node> {
            nodes.iter().find_map(|n| {
                (n.name == name)
                    .then_some(n)
                    .or_else(|| search(&n.children, name))
            })
        }
        search(&self.snapshot.roots, name).map(|node| TreeNode { node })
    }
}

impl fmt::Display for TaskTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.snapshot, f)
    }
}

impl<'a> TreeNode<'a> {
    /// The task's, group's or child's name.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::yield_now());
    ///     task.set_name("poller");
    ///     let tree = aio::task_tree();
    ///     let names: Vec<_> = tree.roots().map(|node| node.name().to_string()).collect();
    ///     assert!(names.contains(&"poller".to_string()));
    /// });
    /// ```
    pub fn name(&self) -> &'a str {
        &self.node.name
    }

    /// Its id, unique within the loop.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let a = aio::create_task(aio::yield_now());
    ///     let b = aio::create_task(aio::yield_now());
    ///     a.set_name("a");
    ///     b.set_name("b");
    ///     let tree = aio::task_tree();
    ///     assert_ne!(tree.find("a").unwrap().id(), tree.find("b").unwrap().id());
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        self.node.id
    }

    /// A task, a group or a child.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let tree = aio::task_tree();
    ///     assert_eq!(tree.roots().next().unwrap().kind(), aio::NodeKind::Task);
    /// });
    /// ```
    pub fn kind(&self) -> NodeKind {
        match self.node.kind {
            crate::runtime::NodeKind::Task => NodeKind::Task,
            crate::runtime::NodeKind::Group => NodeKind::Group,
            crate::runtime::NodeKind::Child => NodeKind::Child,
        }
    }

    /// What it is doing: "running", "ready", "cancelling", "waiting on ...";
    /// a group says what its body waits on.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let event = std::rc::Rc::new(aio::Event::new());
    ///     let e = event.clone();
    ///     let waiter = aio::create_task(async move { e.wait().await });
    ///     waiter.set_name("waiter");
    ///     aio::yield_now().await;
    ///     let tree = aio::task_tree();
    ///     assert_eq!(tree.find("waiter").unwrap().state(), "waiting on an event");
    ///     assert_eq!(tree.roots().next().unwrap().state(), "running");
    ///     event.set();
    /// });
    /// ```
    pub fn state(&self) -> &'a str {
        &self.node.state
    }

    /// Where it was spawned (`create_task`, `task_group!`, `aio::run`...);
    /// recorded in debug mode and on the virtual clock.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::yield_now());
    ///     task.set_name("spawned here");
    ///     let line = line!() - 2;
    ///     let tree = aio::task_tree();
    ///     let location = tree.find("spawned here").unwrap().location().unwrap();
    ///     assert_eq!(location.line(), line);
    /// });
    /// ```
    pub fn location(&self) -> Option<&'static Location<'static>> {
        self.node.location
    }

    /// How long ago it started, on the loop's clock; recorded in debug mode
    /// and on the virtual clock.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(std::future::pending::<()>());
    ///     task.set_name("old");
    ///     aio::sleep(Duration::from_secs(90)).await;
    ///     let tree = aio::task_tree();
    ///     assert_eq!(tree.find("old").unwrap().age(), Some(Duration::from_secs(90)));
    /// });
    /// ```
    pub fn age(&self) -> Option<Duration> {
        self.node.age
    }

    /// The groups it opened (for a task or a child), or its children (for a
    /// group).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         tg.create_task_named("left", aio::yield_now());
    ///         tg.create_task_named("right", aio::yield_now());
    ///         let tree = aio::task_tree();
    ///         let main = tree.roots().next().unwrap();
    ///         let group = main.children().next().unwrap();
    ///         let names: Vec<_> = group.children().map(|child| child.name()).collect();
    ///         assert_eq!(names, ["left", "right"]);
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn children(&self) -> impl Iterator<Item = TreeNode<'a>> {
        self.node.children.iter().map(|node| TreeNode { node })
    }
}

impl fmt::Display for TreeNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::runtime::draw_node(f, self.node)
    }
}

impl fmt::Debug for TreeNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The task tree of the running loop.
///
/// Panics when no loop runs on this thread; from another thread, use
/// [`LoopHandle::task_tree`].
///
/// ```
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let worker = aio::create_task(aio::sleep(std::time::Duration::from_millis(10)));
///     worker.set_name("worker");
///     let tree = aio::task_tree();
///     let main = tree.roots().next().unwrap();
///     assert_eq!(main.state(), "running");
///     assert!(tree.find("worker").is_some());
///     worker.await.unwrap();
/// });
/// ```
pub fn task_tree() -> TaskTree {
    expect_current("aio::task_tree()", |core| TaskTree {
        snapshot: core.snapshot(),
    })
}

/// The task tree, from any thread.
impl LoopHandle {
    /// The task tree of this handle's loop, from any thread: the loop makes
    /// it at its next turn while this thread waits, up to `timeout` (a loop
    /// blocked in a long poll cannot answer). On the loop's own thread it
    /// is made at once.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let handle = aio::get_running_loop().handle();
    ///     let task = aio::create_task(aio::sleep(Duration::from_millis(20)));
    ///     task.set_name("sleeper");
    ///     let asking = aio::to_thread(move || handle.task_tree(Duration::from_secs(5)));
    ///     let tree = asking.await.unwrap().unwrap();
    ///     assert!(tree.to_string().contains("sleeper"));
    ///     task.await.unwrap();
    /// });
    /// ```
    pub fn task_tree(&self, timeout: Duration) -> Result<TaskTree, WaitTimedOut> {
        let here = with_current(|core| (core.id == self.remote.loop_id).then(|| core.snapshot()));
        if let Some(Some(snapshot)) = here {
            return Ok(TaskTree { snapshot });
        }
        let (send, receive) = mpsc::channel();
        let loop_id = self.remote.loop_id;
        self.remote.push(RemoteItem::Call(Box::new(move || {
            let snapshot = with_current(|core| (core.id == loop_id).then(|| core.snapshot()));
            if let Some(Some(snapshot)) = snapshot {
                let _ = send.send(snapshot);
            }
        })));
        receive
            .recv_timeout(timeout)
            .map(|snapshot| TaskTree { snapshot })
            .map_err(|_| WaitTimedOut)
    }
}
