//! Which scopes enclose the code being polled: each scope pushes a frame
//! (on the Rust stack, linked through the loop) while it polls its body, so
//! that a catcher polled inside can find the cancellation meant for it and
//! record itself under the innermost scope.

use crate::cancel::state::CancelState;
use crate::runtime::LoopCore;
use std::cell::Cell;
use std::ptr;
use std::time::Instant;

/// One enclosing scope; lives on the stack of the poll that pushed it.
struct Frame {
    parent: *const Frame,
    state: *const CancelState,
    /// The scope's deadline (a cancel scope's), or null: kept out of the
    /// state, which every task group child has and none uses a deadline.
    deadline: *const Cell<Option<Instant>>,
}

/// Runs `f` with `state` as the innermost scope of the poll in progress.
pub(crate) fn enter<R>(core: &LoopCore, state: &CancelState, f: impl FnOnce() -> R) -> R {
    push(core, state, ptr::null(), f)
}

/// Like [`enter`], for a scope with a deadline.
pub(crate) fn enter_with_deadline<R>(
    core: &LoopCore,
    state: &CancelState,
    deadline: &Cell<Option<Instant>>,
    f: impl FnOnce() -> R,
) -> R {
    push(core, state, deadline, f)
}

fn push<R>(
    core: &LoopCore,
    state: &CancelState,
    deadline: *const Cell<Option<Instant>>,
    f: impl FnOnce() -> R,
) -> R {
    let frame = Frame {
        parent: core.scope_top.get().cast(),
        state,
        deadline,
    };
    /// Pops the frame when `f` returns or unwinds.
    struct Pop<'c>(&'c LoopCore, *const ());
    impl Drop for Pop<'_> {
        fn drop(&mut self) {
            self.0.scope_top.set(self.1);
        }
    }
    let _pop = Pop(core, core.scope_top.get());
    core.scope_top.set(ptr::from_ref(&frame).cast());
    f()
}

/// Calls `f` on the states of the scopes around the code being polled,
/// innermost first (not the task's root), until it returns `Some`.
pub(crate) fn find_scope<R>(
    core: &LoopCore,
    mut f: impl FnMut(&CancelState) -> Option<R>,
) -> Option<R> {
    find_scope_deadline(core, |state, _| f(state))
}

/// Like [`find_scope`], with each scope's deadline.
pub(crate) fn find_scope_deadline<R>(
    core: &LoopCore,
    mut f: impl FnMut(&CancelState, Option<Instant>) -> Option<R>,
) -> Option<R> {
    let mut frame: *const Frame = core.scope_top.get().cast();
    while !frame.is_null() {
        // A frame is only reachable from `scope_top` while the call of
        // `enter` that pushed it is running, which is the case here: frames
        // are pushed and popped in nested order within one poll, and `f`
        // returns before that poll goes on. The state and deadline it points
        // to are borrowed by that call of `enter`, so they are alive too.
        // SAFETY: `frame`, its state and its deadline are alive, as just argued.
        let (state, deadline, parent) = unsafe {
            let deadline = (*frame).deadline;
            let deadline = if deadline.is_null() {
                None
            } else {
                (*deadline).get()
            };
            (&*(*frame).state, deadline, (*frame).parent)
        };
        if let Some(found) = f(state, deadline) {
            return Some(found);
        }
        frame = parent;
    }
    None
}
