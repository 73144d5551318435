//! Every live task of a loop, so that `all_tasks()` can list them and the loop
//! can cancel the ones still alive when it shuts down.

use crate::task_meta::TaskMeta;
use std::ptr::NonNull;
use std::task::Waker;

/// A slab of (waker, metadata) pairs. The waker keeps the task's allocation, and
/// so its metadata, alive until the task's future is dropped and deregisters.
#[derive(Default)]
pub(crate) struct Registry {
    entries: Vec<Option<(Waker, NonNull<TaskMeta>)>>,
    free: Vec<usize>,
}

impl Registry {
    pub(crate) fn insert(&mut self, waker: Waker, meta: NonNull<TaskMeta>) -> usize {
        match self.free.pop() {
            Some(key) => {
                self.entries[key] = Some((waker, meta));
                key
            }
            None => {
                self.entries.push(Some((waker, meta)));
                self.entries.len() - 1
            }
        }
    }

    pub(crate) fn remove(&mut self, key: usize) {
        if let Some(entry) = self.entries.get_mut(key) {
            if entry.take().is_some() {
                self.free.push(key);
            }
        }
    }

    pub(crate) fn get(&self, key: usize) -> Option<&(Waker, NonNull<TaskMeta>)> {
        self.entries.get(key).and_then(Option::as_ref)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Waker, NonNull<TaskMeta>)> {
        self.entries.iter().flatten()
    }
}
