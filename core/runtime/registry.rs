//! Every live task of a loop, so that `all_tasks()` can list them and the loop
//! can cancel the ones still alive when it shuts down.
//!
//! An entry is one word (8 bytes): a task's waker, packed. A waker is a data
//! pointer and a vtable pointer, and the vtable is the same for every task of
//! one future type; so the vtable is kept once in a table and an entry holds
//! the data pointer (which fits in 48 bits) with the vtable's place in the
//! table in its top 16 bits. The entry owns the reference of the waker it was
//! made from, which keeps the task's allocation alive. The task's metadata is
//! found from the data pointer: it lies at a fixed distance from it, measured
//! on the first task and checked on every other one as it registers. Entries
//! live in fixed-size pages, so that growing never copies and never leaves
//! half of a doubled buffer idle.

use crate::runtime::task_meta::TaskMeta;
use std::collections::HashMap;
use std::mem::ManuallyDrop;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// Entries per page: 8 KiB.
const PAGE: usize = 1024;
/// The end of the free list.
const NO_SLOT: u64 = (1 << ADDRESS_BITS) - 1;
/// Bits of an entry that hold the waker's data pointer.
const ADDRESS_BITS: u32 = 48;
const ADDRESS_MASK: u64 = (1 << ADDRESS_BITS) - 1;

/// A packed waker: `(vtable index + 1) << 48 | data pointer` when occupied;
/// the next free slot (top bits zero) when vacant.
#[derive(Clone, Copy)]
struct Entry(u64);

impl Entry {
    fn vacant(next: u64) -> Entry {
        Entry(next)
    }

    fn vtable_index(self) -> Option<usize> {
        match self.0 >> ADDRESS_BITS {
            0 => None,
            tag => Some(tag as usize - 1),
        }
    }

    fn data(self) -> *const () {
        std::ptr::with_exposed_provenance(self.0 as usize & ADDRESS_MASK as usize)
    }
}

pub(crate) struct Registry {
    pages: Vec<Box<[Entry]>>,
    /// Slots ever handed out; those at and above are untouched.
    used: usize,
    /// The most recently freed slot, heading the free list.
    free: u64,
    /// Bytes from a registered waker's data pointer to its task's metadata.
    meta_offset: Option<usize>,
    /// The wakers' vtables, one per future type spawned, and where each is.
    vtables: Vec<&'static RawWakerVTable>,
    vtable_index: HashMap<*const RawWakerVTable, usize>,
    /// The last vtable registered and its index: spawns come in runs of one
    /// type.
    last_vtable: Option<(*const RawWakerVTable, usize)>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            pages: Vec::new(),
            used: 0,
            free: NO_SLOT,
            meta_offset: None,
            vtables: Vec::new(),
            vtable_index: HashMap::new(),
            last_vtable: None,
        }
    }
}

impl Registry {
    /// Registers a task by its own waker (the entry keeps the reference it
    /// holds) and its metadata; returns the key.
    pub(crate) fn insert(&mut self, waker: Waker, meta: &TaskMeta) -> usize {
        let offset = (meta as *const TaskMeta as usize).wrapping_sub(waker.data() as usize);
        let expected = *self.meta_offset.get_or_insert(offset);
        assert_eq!(
            offset, expected,
            "aio: a task's waker no longer points into the task (the async-task version \
             changed how it builds wakers); pin async-task to 4.7"
        );
        let waker = ManuallyDrop::new(waker);
        let address = waker.data().expose_provenance() as u64;
        assert!(
            address & !ADDRESS_MASK == 0,
            "aio: a task was allocated above the 48-bit address range its registry supports"
        );
        let tag = (self.vtable_of(waker.vtable()) as u64 + 1) << ADDRESS_BITS;
        let key = match self.free {
            NO_SLOT => {
                if self.used == self.pages.len() * PAGE {
                    let page = vec![Entry::vacant(NO_SLOT); PAGE].into_boxed_slice();
                    self.pages.push(page);
                }
                self.used += 1;
                self.used - 1
            }
            key => {
                let key = key as usize;
                self.free = self.pages[key / PAGE][key % PAGE].0;
                key
            }
        };
        self.pages[key / PAGE][key % PAGE] = Entry(tag | address);
        key
    }

    /// The index of `vtable` in the table, added if new.
    fn vtable_of(&mut self, vtable: &'static RawWakerVTable) -> usize {
        let ptr: *const RawWakerVTable = vtable;
        if let Some((last, index)) = self.last_vtable {
            if last == ptr {
                return index;
            }
        }
        let index = *self.vtable_index.entry(ptr).or_insert_with(|| {
            self.vtables.push(vtable);
            self.vtables.len() - 1
        });
        assert!(
            index < (1 << (64 - ADDRESS_BITS)) - 1,
            "aio: more than 65,534 different future types were spawned on one event loop"
        );
        self.last_vtable = Some((ptr, index));
        index
    }

    /// The waker an occupied entry stands for, still owned by the entry.
    fn borrowed(&self, entry: Entry) -> Option<ManuallyDrop<Waker>> {
        let vtable = self.vtables[entry.vtable_index()?];
        // `insert` made the entry from a waker with this data pointer and
        // vtable and forgot that waker: the entry owns its reference, which
        // keeps the data valid while the entry is there. The result is
        // `ManuallyDrop`, so that reference is not given up twice.
        // SAFETY: the parts are those of a live waker, as just argued.
        Some(ManuallyDrop::new(unsafe {
            Waker::from_raw(RawWaker::new(entry.data(), vtable))
        }))
    }

    fn entry(&self, key: usize) -> Option<Entry> {
        self.pages.get(key / PAGE).map(|p| p[key % PAGE])
    }

    pub(crate) fn remove(&mut self, key: usize) {
        let Some(entry) = self.entry(key) else {
            return;
        };
        if let Some(waker) = self.borrowed(entry) {
            self.pages[key / PAGE][key % PAGE] = Entry::vacant(self.free);
            self.free = key as u64;
            // The entry's reference is given up.
            drop(ManuallyDrop::into_inner(waker));
        }
    }

    /// A waker of the task registered under `key`.
    pub(crate) fn waker(&self, key: usize) -> Option<Waker> {
        let waker = self.borrowed(self.entry(key)?)?;
        Some((*waker).clone())
    }

    /// Wakes the task registered under `key`, if there is one, through the
    /// entry's own reference: `wake_by_ref` takes a reference only if it
    /// schedules the task, where a cloned waker would take one and give it
    /// up again (an atomic operation more per cancelled task).
    pub(crate) fn wake(&self, key: usize) {
        if let Some(waker) = self.entry(key).and_then(|entry| self.borrowed(entry)) {
            waker.wake_by_ref();
        }
    }

    /// Every registered task: a waker of it and its metadata.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Waker, &TaskMeta)> {
        let offset = self.meta_offset.unwrap_or(0);
        self.pages
            .iter()
            .flat_map(|page| page.iter())
            .take(self.used)
            .filter_map(move |&entry| {
                let waker = self.borrowed(entry)?;
                let meta = entry.data().wrapping_byte_add(offset).cast::<TaskMeta>();
                // `insert` checked that this very waker's data pointer lies
                // `offset` bytes before its task's metadata. The registry
                // holds the entry's reference while `&self` is borrowed, and
                // it keeps the task's allocation (and so the metadata) alive.
                // SAFETY: `meta` is valid for that borrow, as just argued.
                let meta = unsafe { &*meta };
                Some(((*waker).clone(), meta))
            })
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // Gives up the references the entries still own.
        for key in 0..self.used {
            self.remove(key);
        }
    }
}
