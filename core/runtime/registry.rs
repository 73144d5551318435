//! Every live task of a loop, so that `all_tasks()` can list them and the loop
//! can cancel the ones still alive when it shuts down.
//!
//! An entry is one waker (16 bytes), which also keeps the task's allocation
//! alive. The task's metadata is found from the waker: it lies at a fixed
//! distance from the waker's data pointer, measured on the first task and
//! checked on every other one as it registers. Entries live in fixed-size pages,
//! so that growing never copies and never leaves half of a doubled buffer idle.

use crate::runtime::task_meta::TaskMeta;
use std::task::Waker;

/// Entries per page: 16 KiB.
const PAGE: usize = 1024;
/// The end of the free list.
const NO_SLOT: usize = usize::MAX;

enum Entry {
    Occupied(Waker),
    /// A free slot, holding the next free one.
    Vacant(usize),
}

pub(crate) struct Registry {
    pages: Vec<Box<[Entry]>>,
    /// Slots ever handed out; those at and above are untouched.
    used: usize,
    /// The most recently freed slot, heading the free list.
    free: usize,
    /// Bytes from a registered waker's data pointer to its task's metadata.
    meta_offset: Option<usize>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            pages: Vec::new(),
            used: 0,
            free: NO_SLOT,
            meta_offset: None,
        }
    }
}

impl Registry {
    /// Registers a task by its own waker and its metadata; returns the key.
    pub(crate) fn insert(&mut self, waker: Waker, meta: &TaskMeta) -> usize {
        let offset = (meta as *const TaskMeta as usize).wrapping_sub(waker.data() as usize);
        let expected = *self.meta_offset.get_or_insert(offset);
        assert_eq!(
            offset, expected,
            "aio: a task's waker no longer points into the task (the async-task version \
             changed how it builds wakers); pin async-task to 4.7"
        );
        let key = match self.free {
            NO_SLOT => {
                if self.used == self.pages.len() * PAGE {
                    let page = (0..PAGE).map(|_| Entry::Vacant(NO_SLOT)).collect();
                    self.pages.push(page);
                }
                self.used += 1;
                self.used - 1
            }
            key => {
                if let Entry::Vacant(next) = self.pages[key / PAGE][key % PAGE] {
                    self.free = next;
                }
                key
            }
        };
        self.pages[key / PAGE][key % PAGE] = Entry::Occupied(waker);
        key
    }

    pub(crate) fn remove(&mut self, key: usize) {
        let Some(entry) = self.pages.get_mut(key / PAGE).map(|p| &mut p[key % PAGE]) else {
            return;
        };
        if matches!(entry, Entry::Occupied(_)) {
            *entry = Entry::Vacant(self.free);
            self.free = key;
        }
    }

    /// The waker of the task registered under `key`.
    pub(crate) fn waker(&self, key: usize) -> Option<&Waker> {
        match self.pages.get(key / PAGE).map(|p| &p[key % PAGE]) {
            Some(Entry::Occupied(waker)) => Some(waker),
            _ => None,
        }
    }

    /// Every registered task: its waker and its metadata.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Waker, &TaskMeta)> {
        let offset = self.meta_offset.unwrap_or(0);
        self.pages
            .iter()
            .flat_map(|page| page.iter())
            .take(self.used)
            .filter_map(move |entry| match entry {
                Entry::Occupied(waker) => {
                    let meta = waker.data().wrapping_byte_add(offset).cast::<TaskMeta>();
                    // `insert` checked that this very waker's data pointer
                    // lies `offset` bytes before its task's metadata, and a
                    // waker's data pointer never changes. The registry holds
                    // the waker while `&self` is borrowed, and the waker keeps
                    // the task's allocation (and so the metadata) alive.
                    // SAFETY: `meta` is valid for that borrow, as just argued.
                    let meta = unsafe { &*meta };
                    Some((waker, meta))
                }
                Entry::Vacant(_) => None,
            })
    }
}
