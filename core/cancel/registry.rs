//! What the cancellation machinery keeps per loop: the tree of scopes and
//! catchers, the cancellation state of tasks that catch (their roots), and
//! which catcher awaits which task.

use crate::cancel::frames::find_scope;
use crate::cancel::state::CancelState;
use crate::cancel::tree::{ScopeKey, ScopeTree};
use crate::runtime::{LoopCore, LoopLocal, TaskMeta};
use std::cell::RefCell;
use std::rc::Rc;
use std::task::Waker;

/// How a task's handle is awaited: the catcher that stands for the await,
/// and, once the awaiting side was cancelled, the scope whose cancellation
/// was forwarded to the task.
#[derive(Clone, Copy, Default)]
pub(crate) struct Awaiting {
    pub(crate) catcher: ScopeKey,
    pub(crate) forwarded_from: ScopeKey,
    pub(crate) forwarded: bool,
}

#[derive(Default)]
pub(crate) struct CancelRegistry {
    pub(crate) tree: RefCell<ScopeTree>,
    /// The root state of each spawned task that has one, by registry key.
    roots: RefCell<Vec<Option<Rc<CancelState>>>>,
    /// The main task's root state, with that task's id.
    main_root: RefCell<Option<(u64, Rc<CancelState>)>>,
    /// By the awaited task's registry key.
    awaiting: RefCell<Vec<Awaiting>>,
}

impl LoopLocal for CancelRegistry {}

impl CancelRegistry {
    /// The registry of `core`, made on first use.
    pub(crate) fn of(core: &LoopCore) -> Rc<CancelRegistry> {
        core.locals.get_or_insert(CancelRegistry::default)
    }

    /// The root state of the task `meta`, if it has one.
    pub(crate) fn existing_root(&self, meta: &TaskMeta, is_main: bool) -> Option<Rc<CancelState>> {
        if !meta.has_scope() {
            return None;
        }
        if is_main {
            let main = self.main_root.borrow();
            return main
                .as_ref()
                .filter(|(id, _)| *id == meta.id())
                .map(|(_, state)| state.clone());
        }
        self.roots
            .borrow()
            .get(meta.registry_key())
            .and_then(Option::clone)
    }

    /// The root state of the task `meta`, made on first use; a cancel
    /// request recorded only in the metadata is carried over.
    pub(crate) fn root(&self, meta: &TaskMeta, is_main: bool) -> Rc<CancelState> {
        if let Some(state) = self.existing_root(meta, is_main) {
            return state;
        }
        let state = Rc::new(CancelState::default());
        if is_main {
            *self.main_root.borrow_mut() = Some((meta.id(), state.clone()));
        } else {
            let key = meta.registry_key();
            let mut roots = self.roots.borrow_mut();
            if roots.len() <= key {
                roots.resize(key + 1, None);
            }
            roots[key] = Some(state.clone());
        }
        meta.set_has_scope(true);
        state
    }

    /// Forgets the root state of a task that ended.
    pub(crate) fn end_root(&self, core: &LoopCore, meta: &TaskMeta, is_main: bool) {
        if !meta.has_scope() {
            return;
        }
        meta.set_has_scope(false);
        let state = if is_main {
            self.main_root.borrow_mut().take().map(|(_, s)| s)
        } else {
            self.roots
                .borrow_mut()
                .get_mut(meta.registry_key())
                .and_then(Option::take)
        };
        if let Some(state) = state {
            state.disarm(core);
            self.tree.borrow_mut().remove(state.key.get());
        }
    }

    /// The record of `state` under `parent`, made if it has none.
    fn materialize(&self, state: &CancelState, parent: ScopeKey) -> ScopeKey {
        let mut tree = self.tree.borrow_mut();
        let key = state.key.get();
        if tree.contains(key) {
            return key;
        }
        let key = tree.insert(parent, None);
        tree.set_shield(key, state.is_shielded());
        state.key.set(key);
        key
    }

    /// The record of the innermost scope around the code being polled (made,
    /// with those of the scopes around it, where missing); `extra` is one
    /// more state inside the innermost frame (a catcher's own).
    pub(crate) fn innermost_key(&self, core: &LoopCore) -> ScopeKey {
        // Frames from the innermost out, up to the first one that has its
        // record already (those around it have theirs): deep nesting costs
        // one walk per new record, not one per level.
        let mut chain: Vec<*const CancelState> = Vec::new();
        let found = {
            let tree = self.tree.borrow();
            find_scope(core, |state| {
                let key = state.key.get();
                if tree.contains(key) {
                    return Some(key);
                }
                chain.push(state);
                None
            })
        };
        let mut parent = match found {
            Some(key) => key,
            None => {
                let root = core
                    .current_task_meta()
                    // SAFETY: the metadata of the task being polled lives
                    // while the poll does, and this runs inside it.
                    .map(|(meta, is_main)| self.root(unsafe { meta.as_ref() }, is_main));
                match &root {
                    Some(root) => self.materialize(root, ScopeKey::NONE),
                    None => ScopeKey::NONE,
                }
            }
        };
        for &state in chain.iter().rev() {
            // The frames are alive for the rest of this poll (see
            // `find_scope`), and this runs inside it.
            // SAFETY: `state` points into a live frame, as just argued.
            parent = self.materialize(unsafe { &*state }, parent);
        }
        parent
    }

    /// Records a catcher waiting with `waker` under `parent`.
    pub(crate) fn add_catcher(&self, parent: ScopeKey, waker: &Waker) -> ScopeKey {
        self.tree.borrow_mut().insert(parent, Some(waker.clone()))
    }

    /// Removes a catcher (or a scope's record) from the tree.
    pub(crate) fn remove(&self, key: ScopeKey) {
        self.tree.borrow_mut().remove(key);
    }

    /// Catchers inside the scope with this record.
    pub(crate) fn catchers(&self, key: ScopeKey) -> u32 {
        self.tree.borrow().catchers(key)
    }

    /// Wakes every catcher inside `state`'s scope (not inside shields).
    pub(crate) fn wake_catchers(&self, state: &CancelState) {
        let mut wakers = Vec::new();
        self.tree
            .borrow()
            .catcher_wakers(state.key.get(), &mut wakers);
        for waker in wakers {
            waker.wake();
        }
    }

    /// How the task with this registry key is awaited.
    pub(crate) fn awaiting(&self, task_key: usize) -> Awaiting {
        self.awaiting
            .borrow()
            .get(task_key)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn set_awaiting(&self, task_key: usize, awaiting: Awaiting) {
        let mut all = self.awaiting.borrow_mut();
        if all.len() <= task_key {
            all.resize(task_key + 1, Awaiting::default());
        }
        all[task_key] = awaiting;
    }
}
