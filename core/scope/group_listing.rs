//! Listing a group's running children for the loop (`all_tasks()`, the
//! task tree): the group's state is its node's `ChildSource` while it
//! lives, and the child being polled (out of the slots meanwhile) is kept
//! in view.

use crate::runtime::{ChildNode, ChildSource};
use crate::scope::child::Child;
use crate::scope::group::GroupState;
use crate::scope::task_group::TaskGroup;
use std::ptr::NonNull;
use std::rc::Rc;

impl TaskGroup<'_> {
    /// Lets the loop list the group's children through its node.
    pub(crate) fn listed(self) -> Self {
        let source: &(dyn ChildSource + '_) = &*self.state;
        // Sound: the state is in an `Rc`, so it does not move; its `Drop`
        // clears the pointer before it goes, and a leaked state is never
        // freed. Its `children` reads only the children's cells (`'static`),
        // never their futures, which may borrow what is gone once leaked.
        // SAFETY: as argued in the comment just above.
        unsafe { self.state.node.set_source(NonNull::from(source)) };
        self
    }
}

impl Drop for GroupState<'_> {
    fn drop(&mut self) {
        self.node.clear_source();
    }
}

impl ChildSource for GroupState<'_> {
    fn children(&self, out: &mut Vec<(usize, Rc<dyn ChildNode>)>) {
        if let Ok(slots) = self.slots.try_borrow() {
            for (index, slot) in slots.iter().enumerate() {
                if let Some(slot) = slot {
                    out.push((index, slot.child.node_rc()));
                }
            }
        }
        if let Some((index, child)) = &*self.polling_child.borrow() {
            out.push((*index, child.clone()));
        }
    }

    fn polling_child(&self) -> Option<Rc<dyn ChildNode>> {
        let polling = self.polling_child.borrow();
        polling.as_ref().map(|(_, child)| child.clone())
    }
}

/// Marks the child being polled for the whole poll, also when a panic goes
/// through it.
pub(crate) struct PollingChild<'s, 'g>(&'s GroupState<'g>);

impl<'s, 'g> PollingChild<'s, 'g> {
    pub(crate) fn new(state: &'s GroupState<'g>, index: usize, child: &(dyn Child + 'g)) -> Self {
        // The node is its own allocation: reading it while the poll holds
        // the child mutably aliases nothing.
        *state.polling_child.borrow_mut() = Some((index, child.node_rc()));
        PollingChild(state)
    }
}

impl Drop for PollingChild<'_, '_> {
    fn drop(&mut self) {
        self.0.polling_child.take();
    }
}
