//! `TaskRef`: a name for any task of the running loop, from `current_task()` and
//! `all_tasks()`.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::{ChildNode, MainTask, TaskMeta};
use crate::runtime::{expect_current, with_current};
use crate::task::root;
use std::borrow::Cow;
use std::fmt;
use std::panic::Location;
use std::ptr::NonNull;
use std::rc::Rc;
use std::task::Waker;

/// A reference to a task of the running loop, or to a task group child,
/// without access to its result.
///
/// Returned by [`current_task`] and [`all_tasks`]; it can name, inspect and
/// cancel the task (a child is cancelled alone, as with
/// [`ChildHandle::cancel`](crate::ChildHandle::cancel)). Holding it keeps the
/// task's bookkeeping alive, not the task.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let worker = aio::create_task(aio::sleep(Duration::from_secs(60)));
///     worker.set_name("worker");
///     let seen: Vec<aio::TaskRef> = aio::all_tasks();
///     let names: Vec<String> = seen.iter().map(|t| t.name()).collect();
///     assert_eq!(names, ["Task-1", "worker"]);
///     seen[1].cancel();
///     assert!(worker.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct TaskRef {
    of: Of,
}

enum Of {
    Task {
        meta: NonNull<TaskMeta>,
        waker: Waker,
        /// Keeps the main task's metadata alive (spawned tasks: the waker
        /// does).
        main: Option<Rc<MainTask>>,
    },
    Child(Rc<dyn ChildNode>),
}

impl TaskRef {
    fn task(meta: NonNull<TaskMeta>, waker: Waker, main: Option<Rc<MainTask>>) -> Self {
        TaskRef {
            of: Of::Task { meta, waker, main },
        }
    }

    fn meta(&self) -> Option<&TaskMeta> {
        match &self.of {
            // SAFETY: the metadata lives in the task's allocation, which
            // `waker` keeps alive, or in the `MainTask` that `main` keeps
            // alive.
            Of::Task { meta, .. } => Some(unsafe { meta.as_ref() }),
            Of::Child(_) => None,
        }
    }

    /// The task's id, unique within its loop (children have ids too).
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async {});
    ///     let found = aio::all_tasks().into_iter().find(|t| t.id() == task.id());
    ///     assert_eq!(found.unwrap().name(), task.name());
    /// });
    /// ```
    pub fn id(&self) -> u64 {
        match &self.of {
            Of::Child(child) => child.id(),
            Of::Task { .. } => self.meta().map_or(0, TaskMeta::id),
        }
    }

    /// The task's name (`Task-<id>` unless renamed; a child's is
    /// `<group name>/<n>` unless named).
    ///
    /// ```
    /// aio::run(async {
    ///     assert_eq!(aio::current_task().unwrap().name(), "Task-1"); // the main task
    /// });
    /// ```
    pub fn name(&self) -> String {
        match &self.of {
            Of::Child(child) => child.name(),
            Of::Task { .. } => self.meta().map(TaskMeta::name).unwrap_or_default(),
        }
    }

    /// Renames the task.
    ///
    /// ```
    /// aio::run(async {
    ///     aio::current_task().unwrap().set_name("main");
    ///     assert_eq!(aio::current_task().unwrap().name(), "main");
    /// });
    /// ```
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        match &self.of {
            Of::Child(child) => child.set_name(name.into()),
            Of::Task { meta, .. } => {
                // SAFETY: as in `meta`.
                unsafe { meta.as_ref() }.set_name(name.into())
            }
        }
    }

    /// True for a task group child.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     assert!(!aio::current_task().unwrap().is_child());
    ///     aio::task_group!(|tg| {
    ///         tg.create_task(aio::sleep(std::time::Duration::from_secs(1)));
    ///         aio::yield_now().await;
    ///         assert!(aio::all_tasks()[1].is_child());
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn is_child(&self) -> bool {
        matches!(self.of, Of::Child(_))
    }

    /// Requests cancellation, as [`Task::cancel`](crate::Task::cancel).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     // Cancel every other task, by reference.
    ///     for other in aio::all_tasks().iter().skip(1) {
    ///         assert!(other.cancel());
    ///     }
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.cancel_as(None, Location::caller())
    }

    /// Requests cancellation with a message, as
    /// [`Task::cancel_with`](crate::Task::cancel_with).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     aio::all_tasks()[1].cancel_with("draining");
    ///     assert!(task.await.unwrap_err().to_string().contains("draining"));
    /// });
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.cancel_as(Some(message.into()), Location::caller())
    }

    fn cancel_as(&self, message: Option<String>, location: &'static Location<'static>) -> bool {
        match &self.of {
            Of::Child(child) => child.cancel(message, location),
            Of::Task { meta, waker, main } => {
                let cancelled = Cancelled::new(CancelReason::Explicit { message, location });
                // SAFETY: as in `meta`.
                let meta = unsafe { meta.as_ref() };
                if !root::request_cancel(meta, main.is_some(), cancelled, None) {
                    return false;
                }
                waker.wake_by_ref();
                true
            }
        }
    }

    /// True once cancellation was requested (asyncio's `Task.cancelling()`).
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     let other = aio::all_tasks().pop().unwrap();
    ///     assert!(!other.is_cancel_requested());
    ///     task.cancel();
    ///     assert!(other.is_cancel_requested()); // requested, not yet done
    ///     assert!(!other.is_done());
    /// });
    /// ```
    pub fn is_cancel_requested(&self) -> bool {
        match &self.of {
            Of::Child(child) => child.cancel_requested(),
            Of::Task { .. } => self.meta().is_some_and(TaskMeta::cancel_requested),
        }
    }

    /// True once the task finished.
    ///
    /// ```
    /// aio::run(async {
    ///     let task = aio::create_task(async {});
    ///     let other = aio::all_tasks().pop().unwrap();
    ///     assert!(!other.is_done());
    ///     task.await.unwrap();
    ///     assert!(other.is_done()); // the reference outlives the task
    /// });
    /// ```
    pub fn is_done(&self) -> bool {
        match &self.of {
            Of::Child(child) => child.is_done(),
            Of::Task { .. } => self.meta().is_some_and(TaskMeta::is_done),
        }
    }

    /// True if the task finished by being cancelled.
    ///
    /// ```
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let task = aio::create_task(aio::sleep(std::time::Duration::from_secs(60)));
    ///     let other = aio::all_tasks().pop().unwrap();
    ///     other.cancel();
    ///     let _ = task.await;
    ///     assert!(other.is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        match &self.of {
            Of::Child(child) => child.is_cancelled(),
            Of::Task { .. } => self.meta().is_some_and(TaskMeta::is_cancelled),
        }
    }
}

impl PartialEq for TaskRef {
    fn eq(&self, other: &Self) -> bool {
        match (&self.of, &other.of) {
            (Of::Task { meta: a, .. }, Of::Task { meta: b, .. }) => a == b,
            (Of::Child(a), Of::Child(b)) => a.id() == b.id(),
            _ => false,
        }
    }
}

impl fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRef")
            .field("id", &self.id())
            .field("name", &self.name())
            .finish()
    }
}

/// The task running the caller, as asyncio's `asyncio.current_task()`; `None`
/// outside any task (in a plain callback, or with no loop running).
///
/// ```
/// aio::run(async {
///     let task = aio::create_task(async { aio::current_task().unwrap().name() });
///     task.set_name("worker");
///     assert_eq!(task.await.unwrap(), "worker");
/// });
/// ```
pub fn current_task() -> Option<TaskRef> {
    with_current(|core| {
        if core.main_is_current() {
            let main = core.main.borrow().clone()?;
            return Some(TaskRef::task(
                NonNull::from(&main.meta),
                main.waker(),
                Some(main),
            ));
        }
        let meta = core.current_meta()?;
        // SAFETY: the task is being polled, so its allocation is alive.
        let key = unsafe { meta.as_ref() }.registry_key();
        let waker = core.registry.borrow().waker(key)?;
        Some(TaskRef::task(meta, waker, None))
    })
    .flatten()
}

/// Every unfinished task of the running loop, the main one included, as
/// asyncio's `asyncio.all_tasks()`; then every running task group child,
/// by group in the order the groups opened.
///
/// Panics when no loop runs on this thread.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     aio::task_group!(|tg| {
///         tg.create_task_named("worker", aio::sleep(std::time::Duration::from_secs(1)));
///         aio::yield_now().await;
///         let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
///         assert_eq!(names, ["Task-1", "worker"]);
///     })
///     .unwrap();
/// });
/// ```
pub fn all_tasks() -> Vec<TaskRef> {
    expect_current("aio::all_tasks()", |core| {
        let mut tasks: Vec<TaskRef> = Vec::new();
        if let Some(main) = core.main.borrow().clone() {
            tasks.push(TaskRef::task(
                NonNull::from(&main.meta),
                main.waker(),
                Some(main),
            ));
        }
        tasks.extend(
            core.registry
                .borrow()
                .iter()
                .filter(|(_, meta)| !meta.is_internal() && !meta.is_done())
                .map(|(waker, meta)| TaskRef::task(NonNull::from(meta), waker.clone(), None)),
        );
        for group in core.inspect.groups() {
            let children = group.live_children().into_iter();
            tasks.extend(children.map(|(child, _)| TaskRef {
                of: Of::Child(child),
            }));
        }
        tasks
    })
}
