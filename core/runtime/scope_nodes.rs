//! Task groups and their children as the loop sees them: enough to list
//! them (`all_tasks()`, the task tree) without knowing their types.
//!
//! A group's state borrows what its children borrow, so the loop cannot own
//! it. Each group instead owns a `GroupNode` (`'static`): its name, where it
//! was opened and by whom, what its body waits on, and a way back to the
//! group's state that lists the running children ([`ChildSource`], valid
//! while the state lives), each through the [`ChildNode`] trait. Listing
//! costs nothing until someone lists. The loop keeps weak references to the
//! groups.

use crate::runtime::wait_reason::Wait;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::ptr::NonNull;
use std::rc::Rc;
use std::time::Instant;

/// A task group child, seen from the loop.
pub(crate) trait ChildNode {
    /// Unique within the loop (tasks, groups and children share the ids).
    fn id(&self) -> u64;
    /// Its number in its group, from 1 in the order they were created.
    fn number(&self) -> u64;
    /// The name given, or `<group name>/<n>`.
    fn name(&self) -> String;
    fn set_name(&self, name: Cow<'static, str>);
    /// Where `create_task` was called.
    fn location(&self) -> &'static Location<'static>;
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

/// What lists a group's running children: its state.
pub(crate) trait ChildSource {
    /// The running children with their slot index.
    fn children(&self, out: &mut Vec<(usize, Rc<dyn ChildNode>)>);
    /// The child being polled, if one is.
    fn polling_child(&self) -> Option<Rc<dyn ChildNode>>;
}

/// A task group, seen from the loop.
pub(crate) struct GroupNode {
    pub(crate) id: u64,
    /// Shared with the children, whose default names start with it.
    pub(crate) name: Rc<str>,
    /// The task, child or group (whose body) opened this group.
    pub(crate) parent: u64,
    /// Where `task_group!` was written.
    pub(crate) location: &'static Location<'static>,
    pub(crate) created: Option<Instant>,
    /// What the body waited on after its last poll.
    pub(crate) body_wait: Cell<Wait>,
    /// The group's state while it lives (see `set_source`).
    source: Cell<Option<NonNull<dyn ChildSource>>>,
    /// When each child started and what it waits on, by slot index, while
    /// the loop records.
    records: RefCell<Vec<ChildRecord>>,
}

/// What the loop recorded about a child.
#[derive(Clone, Copy, Default)]
pub(crate) struct ChildRecord {
    pub(crate) created: Option<Instant>,
    pub(crate) wait: Wait,
}

impl GroupNode {
    pub(crate) fn new(
        id: u64,
        name: Rc<str>,
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
            source: Cell::new(None),
            records: RefCell::new(Vec::new()),
        }
    }

    /// Points the node at the group's state, which lists its children.
    ///
    /// # Safety
    ///
    /// `source` must stay where it is until [`clear_source`](Self::clear_source)
    /// is called, and be dropped only after that call (or never, if leaked).
    /// Its `children` may be called after the lifetime of the borrows the
    /// group's children hold has ended (when the state is leaked), so it
    /// must read only what does not borrow: the children's cells, never
    /// their futures.
    pub(crate) unsafe fn set_source<'s>(&self, source: NonNull<dyn ChildSource + 's>) {
        // SAFETY: only the lifetime of the trait object changes (the layout
        // is the same); the caller's promise keeps the pointer valid until
        // `clear_source`, whatever that lifetime was.
        let source: NonNull<dyn ChildSource> = unsafe { std::mem::transmute(source) };
        self.source.set(Some(source));
    }

    /// The group's state is going away.
    pub(crate) fn clear_source(&self) {
        self.source.set(None);
    }

    /// Records when the child in slot `index` started (while the loop
    /// records).
    pub(crate) fn child_started(&self, index: usize, created: Instant) {
        let mut records = self.records.borrow_mut();
        if records.len() <= index {
            records.resize(index + 1, ChildRecord::default());
        }
        records[index] = ChildRecord {
            created: Some(created),
            wait: Wait::Unknown,
        };
    }

    /// Records what the child in slot `index` waits on.
    pub(crate) fn set_wait(&self, index: usize, wait: Wait) {
        if let Some(record) = self.records.borrow_mut().get_mut(index) {
            record.wait = wait;
        }
    }

    /// The child being polled, if one is (see [`ChildSource`]).
    pub(crate) fn polling_child(&self) -> Option<Rc<dyn ChildNode>> {
        // SAFETY: as in `live_children`.
        self.source
            .get()
            .and_then(|source| unsafe { source.as_ref() }.polling_child())
    }

    /// The children still running, with what was recorded about them.
    pub(crate) fn live_children(&self) -> Vec<(Rc<dyn ChildNode>, ChildRecord)> {
        let mut children = Vec::new();
        if let Some(source) = self.source.get() {
            // SAFETY: `set_source`'s caller keeps the state alive, in place,
            // until it clears the pointer (or forever, if leaked); `children`
            // reads only the children's cells.
            unsafe { source.as_ref() }.children(&mut children);
        }
        let records = self.records.borrow();
        children
            .into_iter()
            .filter(|(_, child)| !child.is_done())
            .map(|(i, child)| (child, records.get(i).copied().unwrap_or_default()))
            .collect()
    }
}

/// What the loop is polling inside the task in progress: the task itself, a
/// group's body, or a group child. Groups opened there nest under it.
#[derive(Clone, Copy)]
pub(crate) enum Polling {
    Task,
    /// A group's body.
    Body(*const GroupNode),
    /// A group's children, one of which (its `ChildSource` says which) is
    /// being polled.
    Children(*const GroupNode),
}

impl Polling {
    /// The id and name of the node, read while it is polled (its group
    /// keeps it alive for that long).
    pub(crate) fn node(self) -> Option<(u64, String)> {
        match self {
            Polling::Task => None,
            // SAFETY: a `Body` is only current while its group polls it (set
            // and restored around that poll), and the group holds its node
            // alive meanwhile.
            Polling::Body(group) => Some(unsafe { ((*group).id, (*group).name.to_string()) }),
            Polling::Children(group) => {
                // SAFETY: as for `Body`, around the poll of the children.
                let group = unsafe { &*group };
                let child = group.polling_child();
                Some(child.map_or((group.id, group.name.to_string()), |c| (c.id(), c.name())))
            }
        }
    }
}
