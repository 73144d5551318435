//! The cancellation decisions at a task's root, shared by spawned tasks and
//! the main future: whether a cancel request drops the task's future now
//! (nothing inside catches, a second request came, the grace ran out, a
//! catcher passed it on) or lets it run to deliver the cancellation; and,
//! when the future finished, whether the task counts as cancelled.

use crate::cancel::{
    CancelReason, CancelRegistry, Cancelled, IN_STATE, encode_code, encode_site, request_of,
};
use crate::runtime::{LoopCore, TaskMeta, with_current};
use std::panic::Location;
use std::task::Waker;
use std::time::Duration;

/// True when the task's future must be dropped now, the task ending as
/// cancelled. `waker` is woken when the grace of a delivered cancellation
/// runs out.
/// `grace` bounds the cleanup of a cancellation the kernel requested (Ctrl-C,
/// for the main task).
#[inline]
pub(crate) fn must_end(
    meta: &TaskMeta,
    is_main: bool,
    waker: &Waker,
    grace: Option<Duration>,
) -> bool {
    if !meta.cancel_requested() {
        return false;
    }
    if !meta.has_scope() {
        return true;
    }
    with_current(|core| must_end_on(core, meta, is_main, waker, grace)).unwrap_or(true)
}

fn must_end_on(
    core: &LoopCore,
    meta: &TaskMeta,
    is_main: bool,
    waker: &Waker,
    grace: Option<Duration>,
) -> bool {
    if core.forcing.get() {
        return true;
    }
    let registry = CancelRegistry::of(core);
    match crate::cancel::current_root_of(core, &registry, meta, is_main, grace) {
        Some(root) => root.ends_now(core, |key| registry.catchers(key), waker),
        None => true,
    }
}

/// Once the task's future has finished and been dropped: true when the task
/// counts as cancelled: it was cancelled and never got to see it, or its
/// output holds the cancellation it was handed (it passed it on).
#[inline]
pub(crate) fn ended_cancelled(meta: &TaskMeta, is_main: bool) -> bool {
    if !meta.cancel_requested() {
        return false;
    }
    if !meta.has_scope() {
        return true;
    }
    with_current(|core| {
        let registry = CancelRegistry::of(core);
        match registry.existing_root(meta, is_main) {
            Some(root) => !root.is_delivered() || root.token_held_elsewhere(),
            None => true,
        }
    })
    .unwrap_or(true)
}

/// Why the task was cancelled: kept with the task when six bits cannot say
/// it. Call before [`end`].
#[inline]
pub(crate) fn keep_reason(meta: &TaskMeta, is_main: bool) {
    if meta.cancel_code() == IN_STATE {
        keep_full_reason(meta, is_main);
    }
}

#[cold]
fn keep_full_reason(meta: &TaskMeta, is_main: bool) {
    let cancelled = with_current(|core| {
        CancelRegistry::of(core)
            .existing_root(meta, is_main)
            .and_then(|root| root.cancelled())
    })
    .flatten();
    if let Some(cancelled) = cancelled {
        meta.keep_cancel_value(Box::new(cancelled));
    }
}

/// What a cancel request carries: the call site of a plain `cancel()`, or a
/// whole cancellation. A call site is coded in the task's metadata without
/// making a `Cancelled` unless something inside the task catches.
pub(crate) enum Why {
    Site(&'static Location<'static>),
    Full(Cancelled),
}

impl Why {
    #[inline]
    fn code(&self) -> Option<u8> {
        match self {
            Why::Site(location) => encode_site(location),
            Why::Full(cancelled) => encode_code(cancelled.reason()),
        }
    }

    #[cold]
    fn to_cancelled(&self) -> Cancelled {
        match self {
            Why::Site(location) => Cancelled::new(CancelReason::Explicit {
                message: None,
                location,
            }),
            Why::Full(cancelled) => cancelled.clone(),
        }
    }

    #[cold]
    fn into_cancelled(self) -> Cancelled {
        match self {
            Why::Full(cancelled) => cancelled,
            site => site.to_cancelled(),
        }
    }
}

impl From<Cancelled> for Why {
    fn from(cancelled: Cancelled) -> Self {
        Why::Full(cancelled)
    }
}

/// Requests the cancellation of the task `meta` (asyncio's `Task.cancel()`):
/// recorded compactly in its metadata, and in its root state when it has one
/// (its catchers are woken to receive it); the task is woken to act on it.
/// `grace` bounds the cleanup. A second request while the first is being
/// cleaned up after drops the task for good. False if the task is done.
#[inline]
pub(crate) fn request_cancel(
    meta: &TaskMeta,
    is_main: bool,
    why: impl Into<Why>,
    grace: Option<std::time::Duration>,
) -> bool {
    if meta.is_done() {
        return false;
    }
    let why = why.into();
    let first = !meta.cancel_requested();
    meta.request_cancel();
    if first {
        match why.code() {
            Some(code) => meta.set_cancel_code(code),
            None => {
                meta.keep_cancel_value(Box::new(why.to_cancelled()));
                meta.set_cancel_code(IN_STATE);
            }
        }
    }
    if !(meta.has_scope() || grace.is_some()) {
        // Nothing inside the task catches, and no bound to keep: the code
        // says it all.
        return true;
    }
    with_current(|core| {
        if core.id != meta.loop_id() {
            return;
        }
        let registry = CancelRegistry::of(core);
        let root = registry.root(meta, is_main);
        let grace_until = grace.map(|g| crate::time::deadline_after(core.now(), g));
        root.request(why.into_cancelled(), grace_until.flatten());
        registry.wake_catchers(&root);
    });
    true
}

/// Why the task ended cancelled, as kept by [`keep_reason`] or coded in its
/// metadata.
#[inline]
pub(crate) fn reason(meta: &TaskMeta) -> Cancelled {
    request_of(meta)
}

/// Forgets the task's cancellation state once it ended.
#[inline]
pub(crate) fn end(meta: &TaskMeta, is_main: bool) {
    if meta.has_scope() {
        with_current(|core| CancelRegistry::of(core).end_root(core, meta, is_main));
    }
}
