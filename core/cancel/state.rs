//! The cancellation state of one scope: a task's root, a group, a group
//! child or body, a `timeout!` or `cancel_scope!` (and, with no requests of
//! its own, a catcher that other catchers nest in).

use crate::cancel::cancelled::Cancelled;
use crate::cancel::tree::ScopeKey;
use crate::runtime::{LoopCore, TimerKey};
use std::cell::Cell;
use std::task::Waker;
use std::time::Instant;

const REQUESTED: u8 = 1;

thread_local! {
    /// Scopes of this thread with a cancel request: while there are none, a
    /// catch point need not look through the scopes around it.
    static REQUESTED_SCOPES: Cell<usize> = const { Cell::new(0) };
}

/// True when some scope of this thread has a cancel request.
pub(crate) fn any_requested() -> bool {
    REQUESTED_SCOPES.with(Cell::get) > 0
}
/// The request was handed to a catcher (edge-triggered scopes hand it once).
const DELIVERED: u8 = 2;
/// A catcher passed the cancellation on: the scope ends as cancelled now.
const RERAISED: u8 = 4;
/// A second request came during the cleanup: the body is dropped for good.
const FORCED: u8 = 8;
/// Level-triggered (Trio): every catch point inside raises while cancelled.
const LEVEL: u8 = 16;
/// Outer cancellations do not reach inside.
const SHIELD: u8 = 32;
/// A `catch_cancel`'s frame: a cancellation passed on from inside stops here.
const CATCHES: u8 = 64;
/// A cancellation was passed on to this frame (kept as the request's value).
const PASSED: u8 = 128;

/// What a request carries beyond the flag: the value handed out, and the
/// canceller's bound on the cleanup.
struct Request {
    cancelled: Cancelled,
    /// The tokened copy handed to catchers (see `Cancelled::held_elsewhere`).
    token: Option<Cancelled>,
    /// When the cleanup is cut short and the body dropped for good.
    grace_until: Option<Instant>,
    /// The loop timer that wakes the owner when the grace runs out.
    grace_timer: Option<TimerKey>,
}

/// See the module comment. Single-threaded: it lives with the scope's future
/// or in the loop's cancellation registry.
#[derive(Default)]
pub(crate) struct CancelState {
    /// The record of this scope in the loop's tree, made when a catcher first
    /// waits inside.
    pub(crate) key: Cell<ScopeKey>,
    flags: Cell<u8>,
    /// Boxed, and in a `Cell` rather than a `RefCell`: every task group child
    /// has a state, and most are never cancelled.
    request: Cell<Option<Box<Request>>>,
}

impl CancelState {
    /// The frame of a `catch_cancel`.
    pub(crate) fn catching() -> Self {
        let state = CancelState::default();
        state.set(CATCHES, true);
        state
    }

    pub(crate) fn catches(&self) -> bool {
        self.has(CATCHES)
    }

    /// Hands a cancellation passed on from inside to this `catch_cancel`
    /// frame. It makes no request: nothing inside receives it again.
    pub(crate) fn pass(&self, cancelled: Cancelled) {
        self.set(PASSED, true);
        self.request.set(Some(Box::new(Request {
            cancelled,
            token: None,
            grace_until: None,
            grace_timer: None,
        })));
    }

    /// Calls `f` on the request, if any. `f` must not reach this state (it
    /// is taken out of it meanwhile).
    fn with_request<R>(&self, f: impl FnOnce(&mut Request) -> R) -> Option<R> {
        let mut request = self.request.take()?;
        let out = f(&mut request);
        self.request.set(Some(request));
        Some(out)
    }

    /// The cancellation passed on to this frame, taken.
    pub(crate) fn take_passed(&self) -> Option<Cancelled> {
        if !self.has(PASSED) {
            return None;
        }
        self.set(PASSED, false);
        self.request.take().map(|r| r.cancelled)
    }

    /// A level-triggered state (Trio's cancel scopes).
    pub(crate) fn level() -> Self {
        let state = CancelState::default();
        state.set(LEVEL, true);
        state
    }

    fn has(&self, flag: u8) -> bool {
        self.flags.get() & flag != 0
    }

    fn set(&self, flag: u8, on: bool) {
        let flags = self.flags.get();
        self.flags
            .set(if on { flags | flag } else { flags & !flag });
    }

    /// Records a cancel request. A request arriving while a first one is
    /// being cleaned up after (it was delivered) forces the end. Returns
    /// false if a request was already there.
    pub(crate) fn request(&self, cancelled: Cancelled, grace_until: Option<Instant>) -> bool {
        if self.has(REQUESTED) {
            if self.has(DELIVERED) {
                self.set(FORCED, true);
            }
            return false;
        }
        self.set(REQUESTED, true);
        REQUESTED_SCOPES.with(|n| n.set(n.get() + 1));
        self.request.set(Some(Box::new(Request {
            cancelled,
            token: None,
            grace_until,
            grace_timer: None,
        })));
        true
    }

    pub(crate) fn is_requested(&self) -> bool {
        self.has(REQUESTED)
    }

    pub(crate) fn is_delivered(&self) -> bool {
        self.has(DELIVERED)
    }

    pub(crate) fn is_level(&self) -> bool {
        self.has(LEVEL)
    }

    pub(crate) fn is_shielded(&self) -> bool {
        self.has(SHIELD)
    }

    pub(crate) fn set_shielded(&self, on: bool) {
        self.set(SHIELD, on);
    }

    /// The request's value (a clone), if requested.
    pub(crate) fn cancelled(&self) -> Option<Cancelled> {
        self.with_request(|r| r.cancelled.clone())
    }

    /// The bound on the cleanup of the current request, if any.
    pub(crate) fn grace_until(&self) -> Option<Instant> {
        self.with_request(|r| r.grace_until).flatten()
    }

    /// True when a catcher polled now inside this scope receives its
    /// cancellation: requested, not ended, and not yet handed out (edge) or
    /// at every catch point (level).
    pub(crate) fn is_catchable(&self) -> bool {
        let flags = self.flags.get();
        flags & REQUESTED != 0
            && flags & (RERAISED | FORCED) == 0
            && (flags & (LEVEL | DELIVERED) != DELIVERED)
    }

    /// Hands the cancellation to a catcher: the tokened value, made once.
    pub(crate) fn deliver(&self) -> Cancelled {
        self.set(DELIVERED, true);
        self.with_request(|request| {
            request
                .token
                .get_or_insert_with(|| request.cancelled.tokened())
                .clone()
        })
        .expect("deliver is only called on a requested scope")
    }

    /// True when the value handed to catchers is still held by something
    /// other than this state: the body passed it on by returning it.
    pub(crate) fn token_held_elsewhere(&self) -> bool {
        self.with_request(|r| r.token.as_ref().is_some_and(Cancelled::held_elsewhere))
            .unwrap_or(false)
    }

    pub(crate) fn reraise(&self) {
        self.set(RERAISED, true);
    }

    /// True when the body must be dropped now: passed on, forced, or its
    /// grace ran out (`now` on the loop's clock).
    pub(crate) fn must_end(&self, now: impl FnOnce() -> Instant) -> bool {
        if self.has(RERAISED | FORCED) {
            return true;
        }
        match self.grace_until() {
            Some(until) if self.has(DELIVERED) => now() >= until,
            _ => false,
        }
    }

    /// True when a request is there that no catcher can take: the body is
    /// dropped at once (there is nothing inside to deliver to).
    pub(crate) fn must_drop(&self, catchers: u32) -> bool {
        self.is_requested() && catchers == 0 && (self.is_level() || !self.is_delivered())
    }

    /// The owner's decision after a request: true when the body must be
    /// dropped now (the loop is closing, the cancellation was passed on or
    /// forced, its grace ran out, or nothing inside can receive it);
    /// otherwise the grace timer is armed to wake `waker`.
    pub(crate) fn ends_now(
        &self,
        core: &LoopCore,
        catchers: impl FnOnce(ScopeKey) -> u32,
        waker: &Waker,
    ) -> bool {
        if !self.is_requested() {
            return false;
        }
        if core.forcing.get()
            || self.must_end(|| core.now())
            || self.must_drop(catchers(self.key.get()))
        {
            return true;
        }
        if let (Some(until), true) = (self.grace_until(), self.is_delivered()) {
            self.arm_grace_timer(core, until, waker);
        }
        false
    }

    /// Wakes `waker` at `until` (once per request), so that the owner drops
    /// a cleanup that outlasts its grace.
    pub(crate) fn arm_grace_timer(&self, core: &LoopCore, until: Instant, waker: &Waker) {
        self.with_request(|request| {
            if request.grace_timer.is_none() {
                request.grace_timer = Some(core.timers.borrow_mut().insert(until, waker.clone()));
            }
        });
    }

    /// Disarms the grace timer (the scope ended).
    pub(crate) fn disarm(&self, core: &LoopCore) {
        let key = self.with_request(|r| r.grace_timer.take()).flatten();
        if let Some(key) = key {
            core.timers.borrow_mut().remove(key);
        }
    }
}

impl Drop for CancelState {
    fn drop(&mut self) {
        if self.is_requested() {
            let _ = REQUESTED_SCOPES.try_with(|n| n.set(n.get().saturating_sub(1)));
        }
    }
}
