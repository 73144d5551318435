//! The tree of scopes and catchers of one loop, made only where something
//! catches.
//!
//! A cancel request on a scope (a task, a group child, a `timeout!`, a
//! `cancel_scope!`) must know whether anything inside it catches: if nothing
//! does, the scope's body is dropped at once (the cheap, common path); if
//! something does, those catchers are woken to receive the cancellation. So a
//! catcher, when it first waits, records itself under the innermost scope it
//! runs in (making records for the enclosing scopes that have none yet) and
//! every record counts the catchers in its subtree. Records live in a slab
//! with generations: a key held by a future that outlived its scope finds a
//! different generation and is ignored.

use std::task::Waker;

/// Names a record: its slot and the generation of that slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScopeKey {
    index: u32,
    generation: u32,
}

impl ScopeKey {
    /// No record.
    pub(crate) const NONE: ScopeKey = ScopeKey {
        index: u32::MAX,
        generation: 0,
    };

    pub(crate) fn is_none(self) -> bool {
        self.index == u32::MAX
    }
}

impl Default for ScopeKey {
    fn default() -> Self {
        ScopeKey::NONE
    }
}

const NIL: u32 = u32::MAX;

struct Record {
    generation: u32,
    live: bool,
    parent: u32,
    first_child: u32,
    prev: u32,
    next: u32,
    /// Catchers in this subtree, this record included if it is one.
    catchers: u32,
    /// A catcher's waker; `None` for a scope.
    waker: Option<Waker>,
    /// A shielded scope: cancellations from outside do not wake inside it.
    shield: bool,
}

/// The records of one loop.
#[derive(Default)]
pub(crate) struct ScopeTree {
    records: Vec<Record>,
    free: Vec<u32>,
}

impl ScopeTree {
    fn get(&self, key: ScopeKey) -> Option<&Record> {
        let record = self.records.get(key.index as usize)?;
        (record.live && record.generation == key.generation).then_some(record)
    }

    fn index_of(&self, key: ScopeKey) -> Option<u32> {
        self.get(key).map(|_| key.index)
    }

    /// True while `key` names a live record.
    pub(crate) fn contains(&self, key: ScopeKey) -> bool {
        self.get(key).is_some()
    }

    /// A new record under `parent` (or a root, with `ScopeKey::NONE`).
    pub(crate) fn insert(&mut self, parent: ScopeKey, waker: Option<Waker>) -> ScopeKey {
        let parent = self.index_of(parent).unwrap_or(NIL);
        let is_catcher = waker.is_some();
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.records.push(Record {
                    generation: 0,
                    live: false,
                    parent: NIL,
                    first_child: NIL,
                    prev: NIL,
                    next: NIL,
                    catchers: 0,
                    waker: None,
                    shield: false,
                });
                u32::try_from(self.records.len() - 1)
                    .expect("more than 4 billion cancel scopes on one loop")
            }
        };
        let next = if parent == NIL {
            NIL
        } else {
            self.records[parent as usize].first_child
        };
        let record = &mut self.records[index as usize];
        record.generation = record.generation.wrapping_add(1);
        record.live = true;
        record.parent = parent;
        record.first_child = NIL;
        record.prev = NIL;
        record.next = next;
        record.catchers = 0;
        record.waker = waker;
        record.shield = false;
        let key = ScopeKey {
            index,
            generation: record.generation,
        };
        if parent != NIL {
            if next != NIL {
                self.records[next as usize].prev = index;
            }
            self.records[parent as usize].first_child = index;
        }
        if is_catcher {
            self.add_catchers(index, 1);
        }
        key
    }

    /// Adds `n` (wrapping: a negative change as its two's complement) to the
    /// count of `index` and every ancestor.
    fn add_catchers(&mut self, mut index: u32, n: u32) {
        while index != NIL {
            let record = &mut self.records[index as usize];
            record.catchers = record.catchers.wrapping_add(n);
            index = record.parent;
        }
    }

    /// Removes a record: its catchers leave the counts of its ancestors, and
    /// its children become roots (their scope ended before them).
    pub(crate) fn remove(&mut self, key: ScopeKey) {
        let Some(index) = self.index_of(key) else {
            return;
        };
        let (parent, prev, next, catchers) = {
            let r = &self.records[index as usize];
            (r.parent, r.prev, r.next, r.catchers)
        };
        if parent != NIL {
            self.add_catchers(parent, catchers.wrapping_neg());
            if prev == NIL {
                self.records[parent as usize].first_child = next;
            } else {
                self.records[prev as usize].next = next;
            }
            if next != NIL {
                self.records[next as usize].prev = prev;
            }
        }
        let mut child = self.records[index as usize].first_child;
        while child != NIL {
            let record = &mut self.records[child as usize];
            let following = record.next;
            record.parent = NIL;
            record.prev = NIL;
            record.next = NIL;
            child = following;
        }
        let record = &mut self.records[index as usize];
        record.live = false;
        record.waker = None;
        self.free.push(index);
    }

    /// Catchers in the subtree of `key` (0 for no record).
    pub(crate) fn catchers(&self, key: ScopeKey) -> u32 {
        self.get(key).map_or(0, |r| r.catchers)
    }

    /// Keeps the waker a catcher was last polled with.
    pub(crate) fn set_waker(&mut self, key: ScopeKey, waker: &Waker) {
        if let Some(index) = self.index_of(key) {
            let slot = &mut self.records[index as usize].waker;
            if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
                *slot = Some(waker.clone());
            }
        }
    }

    /// Marks a scope shielded (or not): waking for an outer cancellation
    /// stops there.
    pub(crate) fn set_shield(&mut self, key: ScopeKey, shield: bool) {
        if let Some(index) = self.index_of(key) {
            self.records[index as usize].shield = shield;
        }
    }

    /// The wakers of every catcher in the subtree of `key`, except inside
    /// shielded scopes below it.
    pub(crate) fn catcher_wakers(&self, key: ScopeKey, out: &mut Vec<Waker>) {
        let Some(root) = self.index_of(key) else {
            return;
        };
        let mut stack = vec![root];
        while let Some(index) = stack.pop() {
            let record = &self.records[index as usize];
            if index != root && record.shield {
                continue;
            }
            if record.catchers == 0 {
                continue;
            }
            out.extend(record.waker.clone());
            let mut child = record.first_child;
            while child != NIL {
                stack.push(child);
                child = self.records[child as usize].next;
            }
        }
    }

    /// Live records (for tests of the tree's bookkeeping).
    #[cfg(test)]
    fn live(&self) -> usize {
        self.records.iter().filter(|r| r.live).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_the_chain_and_leave_with_the_record() {
        let mut tree = ScopeTree::default();
        let root = tree.insert(ScopeKey::NONE, None);
        let inner = tree.insert(root, None);
        let a = tree.insert(inner, Some(Waker::noop().clone()));
        let b = tree.insert(root, Some(Waker::noop().clone()));
        assert_eq!((tree.catchers(root), tree.catchers(inner)), (2, 1));
        tree.remove(a);
        assert_eq!((tree.catchers(root), tree.catchers(inner)), (1, 0));
        tree.remove(b);
        assert_eq!(tree.catchers(root), 0);
        tree.remove(inner);
        tree.remove(root);
        assert_eq!(tree.live(), 0);
    }

    #[test]
    fn a_key_outliving_its_record_is_ignored() {
        let mut tree = ScopeTree::default();
        let root = tree.insert(ScopeKey::NONE, None);
        let catcher = tree.insert(root, Some(Waker::noop().clone()));
        tree.remove(root);
        let reused = tree.insert(ScopeKey::NONE, None);
        assert!(!tree.contains(root));
        assert_eq!(tree.catchers(reused), 0);
        // The orphaned catcher leaves without touching the new record.
        tree.remove(catcher);
        assert_eq!(tree.catchers(reused), 0);
        assert!(tree.contains(reused));
    }

    #[test]
    fn waking_skips_shielded_subtrees() {
        let mut tree = ScopeTree::default();
        let root = tree.insert(ScopeKey::NONE, None);
        let shielded = tree.insert(root, None);
        tree.set_shield(shielded, true);
        tree.insert(shielded, Some(Waker::noop().clone()));
        tree.insert(root, Some(Waker::noop().clone()));
        let mut wakers = Vec::new();
        tree.catcher_wakers(root, &mut wakers);
        assert_eq!(wakers.len(), 1);
        wakers.clear();
        tree.catcher_wakers(shielded, &mut wakers);
        assert_eq!(wakers.len(), 1);
    }
}
