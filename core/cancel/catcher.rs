//! What every catch point shares: finding the cancellation meant for it
//! (innermost scope first, not past a shield), and recording itself in the
//! loop's tree while it waits, so that a cancelled scope knows to wake it
//! rather than drop everything.

use crate::cancel::cancelled::Cancelled;
use crate::cancel::codes;
use crate::cancel::frames::find_scope;
use crate::cancel::registry::CancelRegistry;
use crate::cancel::state::{CancelState, any_requested};
use crate::cancel::tree::ScopeKey;
use crate::runtime::{LoopCore, TaskMeta};
use std::rc::Rc;
use std::task::Waker;

/// The root state of the task being polled, with a cancel request recorded
/// only in its metadata carried over.
pub(crate) fn current_root(core: &LoopCore, registry: &CancelRegistry) -> Option<Rc<CancelState>> {
    let (meta, is_main) = core.current_task_meta()?;
    // SAFETY: the metadata of the task being polled lives while the poll
    // does, and this runs inside it.
    current_root_of(core, registry, unsafe { meta.as_ref() }, is_main, None)
}

/// The root state of the task `meta` if it has one or was cancelled, with a
/// cancel request recorded only in its metadata carried over (and the
/// catchers inside woken to receive it); `grace` bounds the cleanup of such a
/// request (Ctrl-C's, for the main task).
pub(crate) fn current_root_of(
    core: &LoopCore,
    registry: &CancelRegistry,
    meta: &TaskMeta,
    is_main: bool,
    grace: Option<std::time::Duration>,
) -> Option<Rc<CancelState>> {
    if !meta.has_scope() && !meta.cancel_requested() {
        return None;
    }
    let root = registry.root(meta, is_main);
    if meta.cancel_requested() && !root.is_requested() {
        let grace_until = grace.and_then(|g| crate::time::deadline_after(core.now(), g));
        root.request(request_of(meta), grace_until);
        registry.wake_catchers(&root);
    }
    Some(root)
}

/// The cancellation recorded in a task's metadata: its code, or the value
/// kept beside it when six bits could not say it.
#[inline]
pub(crate) fn request_of(meta: &TaskMeta) -> Cancelled {
    if meta.has_extra() {
        let kept = meta
            .with_cancel_value(|value| value.and_then(|v| v.downcast_ref::<Cancelled>()).cloned());
        if let Some(kept) = kept {
            return kept;
        }
    }
    // Built in place: this runs for every cancelled task that is awaited.
    Cancelled::new(codes::decode(meta.cancel_code()))
}

/// Hands `state`'s cancellation to a catch point, naming `state` as its
/// origin (so that it can be passed on to that scope).
fn deliver(core: &LoopCore, registry: &CancelRegistry, state: &CancelState) -> Cancelled {
    if state.key.get().is_none() {
        // `state` is around the code being polled: this makes its record.
        registry.innermost_key(core);
    }
    let mut cancelled = state.deliver();
    cancelled.origin = state.key.get();
    cancelled
}

/// Takes the cancellation a catch point polled now receives, if any: the
/// innermost enclosing scope that has one to hand out, unless a shielded
/// scope stands between.
pub(crate) fn take_catchable(core: &LoopCore, registry: &CancelRegistry) -> Option<Cancelled> {
    if !any_requested() {
        // No scope has a request: only the task itself may (a request
        // recorded in its metadata alone, carried over now).
        let root = current_root(core, registry)?;
        if !root.is_requested() {
            return None;
        }
    }
    let found = find_scope(core, |state| {
        if state.is_catchable() {
            return Some(Some(std::ptr::from_ref(state)));
        }
        state.is_shielded().then_some(None)
    });
    match found {
        // The frame holding `state` is alive for the rest of this poll (see
        // `find_scope`), and this runs inside it.
        // SAFETY: `state` points into a live frame, as just argued.
        Some(Some(state)) => Some(deliver(core, registry, unsafe { &*state })),
        Some(None) => None,
        None => {
            let root = current_root(core, registry)?;
            root.is_catchable().then(|| deliver(core, registry, &root))
        }
    }
}

/// Passes a caught cancellation on, as a re-raised exception travels: the
/// nearest `catch_cancel` around the code being polled and inside the scope
/// `origin` names receives it; with none, that scope (among those around
/// the code being polled), or else the task's root, ends as cancelled.
pub(crate) fn reraise(core: &LoopCore, registry: &CancelRegistry, origin: ScopeKey) {
    let mut catch: Option<*const CancelState> = None;
    let found = find_scope(core, |state| {
        if !origin.is_none() && state.key.get() == origin {
            return Some(std::ptr::from_ref(state));
        }
        if catch.is_none() && state.catches() {
            catch = Some(std::ptr::from_ref(state));
        }
        None
    });
    // Both point into frames alive for the rest of this poll (see
    // `find_scope`), and this runs inside it.
    // SAFETY: as just argued.
    let found = found.map(|state| unsafe { &*state });
    let root = if found.is_none() {
        current_root(core, registry)
    } else {
        None
    };
    let Some(origin_state) = found.or(root.as_deref()) else {
        return;
    };
    match catch {
        // SAFETY: as above.
        Some(catch) => unsafe { &*catch }.pass(deliver(core, registry, origin_state)),
        None => origin_state.reraise(),
    }
}

/// A catch point's place in the tree while it waits.
#[derive(Default)]
pub(crate) struct CatcherSlot {
    key: ScopeKey,
}

impl CatcherSlot {
    /// A slot recorded under `key` before (or none, with `ScopeKey::NONE`).
    pub(crate) fn from_key(key: ScopeKey) -> Self {
        CatcherSlot { key }
    }

    /// True while recorded.
    pub(crate) fn is_registered(&self) -> bool {
        !self.key.is_none()
    }

    pub(crate) fn key(&self) -> ScopeKey {
        self.key
    }

    /// Records the catch point (first wait) or refreshes its waker.
    pub(crate) fn wait(&mut self, core: &LoopCore, registry: &CancelRegistry, waker: &Waker) {
        if self.is_registered() && registry.tree.borrow().contains(self.key) {
            registry.tree.borrow_mut().set_waker(self.key, waker);
            return;
        }
        let parent = registry.innermost_key(core);
        self.key = registry.add_catcher(parent, waker);
    }

    /// Leaves the tree (done waiting, or dropped).
    pub(crate) fn release(&mut self, registry: &CancelRegistry) {
        if self.is_registered() {
            registry.remove(self.key);
            self.key = ScopeKey::NONE;
        }
    }
}
