//! `TaskRef`: a name for any task of the running loop, from `current_task()` and
//! `all_tasks()`.

use crate::cancel::Cancelled;
use crate::runtime::MainTask;
use crate::runtime::TaskMeta;
use crate::runtime::{expect_current, with_current};
use crate::task::root;
use std::borrow::Cow;
use std::fmt;
use std::ptr::NonNull;
use std::rc::Rc;
use std::task::Waker;

/// A reference to a task of the running loop, without access to its result.
///
/// Returned by [`current_task`] and [`all_tasks`]; it can name, inspect and
/// cancel the task. Holding it keeps the task's bookkeeping alive, not the task.
pub struct TaskRef {
    meta: NonNull<TaskMeta>,
    waker: Waker,
    /// Keeps the main task's metadata alive (spawned tasks: the waker does).
    _main: Option<Rc<MainTask>>,
}

impl TaskRef {
    fn meta(&self) -> &TaskMeta {
        // SAFETY: the metadata lives in the task's allocation, which `waker`
        // keeps alive, or in the `MainTask` that `_main` keeps alive.
        unsafe { self.meta.as_ref() }
    }

    /// The task's id, unique within its loop.
    pub fn id(&self) -> u64 {
        self.meta().id()
    }

    /// The task's name (`Task-<id>` unless renamed).
    pub fn name(&self) -> String {
        self.meta().name()
    }

    /// Renames the task.
    pub fn set_name(&self, name: impl Into<Cow<'static, str>>) {
        self.meta().set_name(name.into());
    }

    /// Requests cancellation, as [`Task::cancel`](crate::Task::cancel).
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.cancel_as(Cancelled::explicit(None))
    }

    /// Requests cancellation with a message, as
    /// [`Task::cancel_with`](crate::Task::cancel_with).
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.cancel_as(Cancelled::explicit(Some(message.into())))
    }

    fn cancel_as(&self, cancelled: Cancelled) -> bool {
        if !root::request_cancel(self.meta(), self._main.is_some(), cancelled, None) {
            return false;
        }
        self.waker.wake_by_ref();
        true
    }

    /// True once cancellation was requested (asyncio's `Task.cancelling()`).
    pub fn is_cancel_requested(&self) -> bool {
        self.meta().cancel_requested()
    }

    /// True once the task finished.
    pub fn is_done(&self) -> bool {
        self.meta().is_done()
    }

    /// True if the task finished by being cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.meta().is_cancelled()
    }
}

impl PartialEq for TaskRef {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
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
            return Some(TaskRef {
                meta: NonNull::from(&main.meta),
                waker: main.waker(),
                _main: Some(main),
            });
        }
        let meta = core.current_meta()?;
        // SAFETY: the task is being polled, so its allocation is alive.
        let key = unsafe { meta.as_ref() }.registry_key();
        let waker = core.registry.borrow().waker(key)?.clone();
        Some(TaskRef {
            meta,
            waker,
            _main: None,
        })
    })
    .flatten()
}

/// Every unfinished task of the running loop, the main one included, as
/// asyncio's `asyncio.all_tasks()`.
///
/// Panics when no loop runs on this thread.
pub fn all_tasks() -> Vec<TaskRef> {
    expect_current("aio::all_tasks()", |core| {
        let mut tasks: Vec<TaskRef> = core
            .registry
            .borrow()
            .iter()
            .filter(|(_, meta)| !meta.is_internal() && !meta.is_done())
            .map(|(waker, meta)| TaskRef {
                meta: NonNull::from(meta),
                waker: waker.clone(),
                _main: None,
            })
            .collect();
        if let Some(main) = core.main.borrow().clone() {
            tasks.insert(
                0,
                TaskRef {
                    meta: NonNull::from(&main.meta),
                    waker: main.waker(),
                    _main: Some(main),
                },
            );
        }
        tasks
    })
}
