//! What a loop keeps so that a running program can be seen from inside:
//! debug mode's settings, where and when each task was spawned and what it
//! waits on, the task groups alive, and the tasks waiting for the loop to go
//! idle (`wait_all_tasks_blocked`).
//!
//! Spawn locations, ages and wait reasons cost a little per spawn and per
//! poll, so they are recorded only while the loop *records*: in debug mode,
//! or on a virtual clock (tests, where the deadlock report wants them). The
//! record of a task lives in a side table by registry key, not in the task:
//! a task of a loop that does not record is no bigger.

use crate::runtime::current::with_current;
use crate::runtime::loop_core::LoopCore;
use crate::runtime::loop_signals::SignalListener;
use crate::runtime::scope_nodes::{GroupNode, Polling};
use crate::runtime::task_meta::TaskMeta;
use crate::runtime::wait_reason::{self, Wait};
use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::{Rc, Weak};
use std::sync::OnceLock;
use std::task::Waker;
use std::time::{Duration, Instant};

/// asyncio's default `slow_callback_duration`.
pub(crate) const DEFAULT_SLOW: Duration = Duration::from_millis(100);

/// What the loop recorded about one task.
#[derive(Clone, Copy, Default)]
pub(crate) struct TaskRecord {
    /// The task's id: a record whose key was reused is another task's.
    pub(crate) id: u64,
    pub(crate) location: Option<&'static Location<'static>>,
    pub(crate) spawned: Option<Instant>,
    pub(crate) wait: Wait,
    /// Its handle was dropped before it finished (debug mode).
    pub(crate) detached: bool,
}

pub(crate) struct Inspect {
    debug: Cell<bool>,
    recording: Cell<bool>,
    slow: Cell<Duration>,
    /// By registry key, while recording.
    tasks: RefCell<Vec<TaskRecord>>,
    pub(crate) main: Cell<TaskRecord>,
    groups: RefCell<Vec<Weak<GroupNode>>>,
    pub(crate) polling: Cell<Polling>,
    idle_waiters: RefCell<Vec<Waker>>,
    /// Bumped each time the idle waiters are woken.
    idle_turn: Cell<u64>,
    /// When the last timed poll ended (debug mode): the next poll of the
    /// same turn starts there, which saves reading the clock twice a poll.
    pub(super) mark: Cell<Option<Instant>>,
    /// Where the callback running now was scheduled (debug mode).
    pub(super) scheduled_at: Cell<Option<&'static Location<'static>>>,
    /// A deadlock was reported since the loop last had something to do.
    pub(super) deadlock_reported: Cell<bool>,
    /// Dumps the task tree on SIGQUIT while debug mode is on.
    pub(super) sigquit: RefCell<Option<SignalListener>>,
}

impl Inspect {
    pub(crate) fn new(recording: bool) -> Self {
        Inspect {
            debug: Cell::new(false),
            recording: Cell::new(recording),
            slow: Cell::new(DEFAULT_SLOW),
            tasks: RefCell::new(Vec::new()),
            main: Cell::new(TaskRecord::default()),
            groups: RefCell::new(Vec::new()),
            polling: Cell::new(Polling::Task),
            idle_waiters: RefCell::new(Vec::new()),
            idle_turn: Cell::new(0),
            mark: Cell::new(None),
            scheduled_at: Cell::new(None),
            deadlock_reported: Cell::new(false),
            sigquit: RefCell::new(None),
        }
    }

    /// True in debug mode.
    #[inline]
    pub(crate) fn debug(&self) -> bool {
        self.debug.get()
    }

    /// True while spawn locations, ages and wait reasons are recorded.
    #[inline]
    pub(crate) fn recording(&self) -> bool {
        self.recording.get()
    }

    pub(crate) fn slow_callback_duration(&self) -> Duration {
        self.slow.get()
    }

    pub(crate) fn set_slow_callback_duration(&self, slow: Duration) {
        self.slow.set(slow);
    }

    /// Records a task spawned at `location` under registry `key`.
    #[inline]
    pub(crate) fn spawned(
        &self,
        key: usize,
        id: u64,
        location: &'static Location<'static>,
        now: Instant,
    ) {
        let mut tasks = self.tasks.borrow_mut();
        if tasks.len() <= key {
            tasks.resize(key + 1, TaskRecord::default());
        }
        tasks[key] = TaskRecord {
            id,
            location: Some(location),
            spawned: Some(now),
            wait: Wait::Unknown,
            detached: false,
        };
    }

    /// The record of the task `meta` (empty if not recorded).
    pub(crate) fn task(&self, meta: &TaskMeta) -> TaskRecord {
        let tasks = self.tasks.borrow();
        let record = tasks.get(meta.registry_key()).copied();
        record.filter(|r| r.id == meta.id()).unwrap_or_default()
    }

    pub(crate) fn set_wait(&self, key: usize, wait: Wait) {
        if let Some(record) = self.tasks.borrow_mut().get_mut(key) {
            record.wait = wait;
        }
    }

    pub(crate) fn set_detached(&self, key: usize) {
        if let Some(record) = self.tasks.borrow_mut().get_mut(key) {
            record.detached = true;
        }
    }

    /// Lists a group that opened; forgets the groups that ended meanwhile.
    pub(crate) fn add_group(&self, group: &Rc<GroupNode>) {
        let mut groups = self.groups.borrow_mut();
        if groups.len() == groups.capacity() {
            groups.retain(|g| g.strong_count() > 0);
        }
        groups.push(Rc::downgrade(group));
    }

    /// The groups still open.
    pub(crate) fn groups(&self) -> Vec<Rc<GroupNode>> {
        self.groups
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    /// The callback about to run was scheduled at `location`.
    pub(crate) fn callback_scheduled_at(&self, location: &'static Location<'static>) {
        self.scheduled_at.set(Some(location));
    }

    /// Registers a task that waits for the loop to go idle; returns the
    /// number of times it went idle with waiters so far (the waiter is done
    /// once that number moved).
    pub(crate) fn wait_idle(&self, waker: &Waker) -> u64 {
        let mut waiters = self.idle_waiters.borrow_mut();
        if !waiters.iter().any(|w| w.will_wake(waker)) {
            waiters.push(waker.clone());
        }
        self.idle_turn.get()
    }

    pub(super) fn has_idle_waiters(&self) -> bool {
        !self.idle_waiters.borrow().is_empty()
    }

    /// Wakes the tasks waiting for the loop to go idle; false if none.
    pub(super) fn wake_idle_waiters(&self) -> bool {
        let waiters = self.idle_waiters.take();
        if waiters.is_empty() {
            return false;
        }
        self.idle_turn.set(self.idle_turn.get() + 1);
        for waker in waiters {
            waker.wake();
        }
        true
    }
}

/// True when the environment turns debug mode on for every loop
/// (`AIO_DEBUG` set to anything but empty or `0`, as asyncio's
/// `PYTHONASYNCIODEBUG`).
pub(crate) fn debug_from_env() -> bool {
    static ENV: OnceLock<bool> = OnceLock::new();
    *ENV.get_or_init(|| std::env::var_os("AIO_DEBUG").is_some_and(|v| !v.is_empty() && v != "0"))
}

impl LoopCore {
    /// Debug mode on or off; recording follows it (and stays on for a
    /// virtual clock). Dumping the task tree on SIGQUIT goes with it.
    pub(crate) fn set_debug(&self, on: bool) {
        let inspect = &self.inspect;
        inspect.debug.set(on);
        inspect.recording.set(on || self.clock.is_virtual());
        if with_current(|core| core.id == self.id) == Some(true) {
            wait_reason::set_recording(inspect.recording.get());
        }
        self.dump_tree_on_sigquit(on);
    }

    /// While on, SIGQUIT (Ctrl-\\) prints the task tree to stderr instead of
    /// ending the program.
    #[cfg(unix)]
    fn dump_tree_on_sigquit(&self, on: bool) {
        let mut slot = self.inspect.sigquit.borrow_mut();
        if !on {
            drop(slot.take());
            return;
        }
        if slot.is_none() {
            let dump = Rc::new(|core: &LoopCore, _| eprintln!("{}", core.snapshot()));
            // A process that cannot hook SIGQUIT keeps its default action.
            *slot = self
                .listen_signal_internal(signal_hook::consts::SIGQUIT, dump)
                .ok();
        }
    }

    #[cfg(not(unix))]
    fn dump_tree_on_sigquit(&self, _on: bool) {}

    /// Lists a task group opened by the code being polled, at `location`:
    /// its parent is the child or group body being polled, else the task.
    /// Named after its parent: `<parent name>/group`.
    pub(crate) fn open_group(&self, location: &'static Location<'static>) -> Rc<GroupNode> {
        let (parent, parent_name) = self.inspect.polling.get().node().unwrap_or_else(|| {
            let task = self.current_task_meta().map(|(meta, _)| {
                // SAFETY: the metadata of the task being polled lives while
                // its poll does, and this runs inside it.
                let meta = unsafe { meta.as_ref() };
                (meta.id(), meta.name())
            });
            task.unwrap_or_else(|| (0, String::from("(no task)")))
        });
        let created = self.inspect.recording().then(|| self.now());
        let group = Rc::new(GroupNode::new(
            self.next_id(),
            format!("{parent_name}/group").into(),
            parent,
            location,
            created,
        ));
        self.inspect.add_group(&group);
        group
    }
}

/// Puts back the node that was being polled when the guard goes, also when
/// a panic goes through.
pub(crate) struct Entered<'a> {
    inspect: &'a Inspect,
    outer: Polling,
}

impl Inspect {
    /// Makes `polling` the node being polled until the guard goes.
    #[inline]
    pub(crate) fn enter(&self, polling: Polling) -> Entered<'_> {
        Entered {
            inspect: self,
            outer: self.polling.replace(polling),
        }
    }
}

impl Drop for Entered<'_> {
    #[inline]
    fn drop(&mut self) {
        self.inspect.polling.set(self.outer);
    }
}
