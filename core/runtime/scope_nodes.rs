//! Task groups and their children as the loop sees them: enough to list
//! them (`all_tasks()`, the task tree) without knowing their types.
//!
//! A group's state borrows what its children borrow, so the loop cannot keep
//! it. Each group instead owns a `GroupNode` (`'static`): its name, where it
//! was opened and by whom, what its body waits on, and weak references to
//! its children, which the group's scope code makes visible through the
//! [`ChildNode`] trait. The loop keeps weak references to the groups.

use crate::runtime::wait_reason::Wait;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::{Rc, Weak};
use std::time::Instant;

/// A task group child, seen from the loop.
pub(crate) trait ChildNode {
    /// Unique within the loop (tasks, groups and children share the ids).
    fn id(&self) -> u64;
    /// The name given, or `<group name>/<n>`.
    fn name(&self) -> String;
    fn set_name(&self, name: Cow<'static, str>);
    /// Where `create_task` was called.
    fn location(&self) -> &'static Location<'static>;
    /// When it was started, if the loop recorded it.
    fn created(&self) -> Option<Instant>;
    /// What it waited on after its last poll.
    fn wait(&self) -> Wait;
    fn set_wait(&self, wait: Wait);
    /// True once it finished, failed or was cancelled.
    fn is_done(&self) -> bool;
    /// True if it ended cancelled.
    fn is_cancelled(&self) -> bool;
    /// True once its cancellation was requested.
    fn cancel_requested(&self) -> bool;
    /// Requests its cancellation, as `ChildHandle::cancel` would; false if
    /// it already finished.
    fn cancel(&self, message: Option<String>, location: &'static Location<'static>) -> bool;
}

/// A task group, seen from the loop.
pub(crate) struct GroupNode {
    pub(crate) id: u64,
    pub(crate) name: String,
    /// The task, child or group (whose body) opened this group.
    pub(crate) parent: u64,
    /// Where `task_group!` was written.
    pub(crate) location: &'static Location<'static>,
    pub(crate) created: Option<Instant>,
    /// What the body waited on after its last poll.
    pub(crate) body_wait: Cell<Wait>,
    /// Live children by the group's slot index.
    children: RefCell<Vec<Option<Weak<dyn ChildNode>>>>,
}

impl GroupNode {
    pub(crate) fn new(
        id: u64,
        name: String,
        parent: u64,
        location: &'static Location<'static>,
        created: Option<Instant>,
    ) -> Self {
        GroupNode {
            id,
            name,
            parent,
            location,
            created,
            body_wait: Cell::new(Wait::Unknown),
            children: RefCell::new(Vec::new()),
        }
    }

    /// Lists a child started in the group's slot `index`.
    pub(crate) fn add_child(&self, index: usize, child: Weak<dyn ChildNode>) {
        let mut children = self.children.borrow_mut();
        if children.len() <= index {
            children.resize(index + 1, None);
        }
        children[index] = Some(child);
    }

    /// The children still running.
    pub(crate) fn live_children(&self) -> Vec<Rc<dyn ChildNode>> {
        self.children
            .borrow()
            .iter()
            .flatten()
            .filter_map(Weak::upgrade)
            .filter(|child| !child.is_done())
            .collect()
    }
}

/// What the loop is polling inside the task in progress: the task itself, a
/// group's body, or a group child. Groups opened there nest under it.
#[derive(Clone, Copy)]
pub(crate) enum Polling {
    Task,
    Body(*const GroupNode),
    Child(*const dyn ChildNode),
}

impl Polling {
    /// The id and name of the node, read while it is polled (its group
    /// keeps it alive for that long).
    pub(crate) fn node(self) -> Option<(u64, String)> {
        match self {
            Polling::Task => None,
            // SAFETY: a `Body` or `Child` is only current while its group
            // polls it (set and restored around that poll), and the group
            // holds the node alive meanwhile.
            Polling::Body(group) => Some(unsafe { ((*group).id, (*group).name.clone()) }),
            // SAFETY: as above.
            Polling::Child(child) => Some(unsafe { ((*child).id(), (*child).name()) }),
        }
    }
}
