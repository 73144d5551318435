//! A task's cancellation reason in six bits of its metadata, so that the
//! common `task.cancel()` records where it was called without allocating.
//!
//! A task and its handle stay on the thread of their loop, so the call sites
//! are numbered per thread.

use crate::cancel::cancelled::CancelReason;
use crate::runtime::{CODE_CTRL_C, CODE_LOOP_SHUTDOWN, CODE_TERMINATED, MAX_CANCEL_CODE};
use std::cell::{Cell, RefCell};
use std::panic::Location;

/// No reason recorded.
pub(crate) const NONE: u8 = 0;
/// The loop shut down (set by the kernel too).
pub(crate) const LOOP_SHUTDOWN: u8 = CODE_LOOP_SHUTDOWN;
/// Ctrl-C (set by the kernel too).
pub(crate) const CTRL_C: u8 = CODE_CTRL_C;
/// The reason is kept in full with the task's cancellation state.
pub(crate) const IN_STATE: u8 = 3;
/// SIGTERM, in the graceful mode (set by the kernel too).
pub(crate) const TERMINATED: u8 = CODE_TERMINATED;
/// Codes from here name `Explicit` cancels by their call site.
const FIRST_SITE: u8 = 5;

thread_local! {
    static SITES: RefCell<Vec<&'static Location<'static>>> = const { RefCell::new(Vec::new()) };
    /// The site coded last and its code: a loop that cancels many tasks
    /// does it from one place.
    static LAST_SITE: Cell<(Option<&'static Location<'static>>, u8)> = const { Cell::new((None, NONE)) };
}

/// The code of `reason`, or `None` when it needs the full state.
#[inline]
pub(crate) fn encode(reason: &CancelReason) -> Option<u8> {
    match reason {
        CancelReason::LoopShutdown => Some(LOOP_SHUTDOWN),
        CancelReason::CtrlC => Some(CTRL_C),
        CancelReason::Terminated => Some(TERMINATED),
        CancelReason::Explicit {
            message: None,
            location,
        } => encode_site(location),
        _ => None,
    }
}

/// The code of an explicit cancel (no message) made at `location`, or
/// `None` when the codes are used up.
#[inline]
pub(crate) fn encode_site(location: &'static Location<'static>) -> Option<u8> {
    let (last, code) = LAST_SITE.get();
    // Compared by address first (the common case), then by value: the same
    // call site may have more than one `Location` (codegen copies, or Miri,
    // which makes one per call).
    if last.is_some_and(|last| std::ptr::eq(last, location) || last == location) {
        return Some(code);
    }
    let code = site_code(location);
    if let Some(code) = code {
        LAST_SITE.set((Some(location), code));
    }
    code
}

/// The code of an explicit cancel's call site, numbered on first use.
fn site_code(location: &'static Location<'static>) -> Option<u8> {
    SITES
        .try_with(|sites| {
            let mut sites = sites.borrow_mut();
            let index = match sites.iter().position(|s| *s == location) {
                Some(index) => index,
                None => {
                    sites.push(location);
                    sites.len() - 1
                }
            };
            u8::try_from(index)
                .ok()
                .and_then(|i| i.checked_add(FIRST_SITE))
                .filter(|&code| code <= MAX_CANCEL_CODE)
        })
        .ok()
        .flatten()
}

/// The reason a code stands for (the loop's end for `NONE` and `IN_STATE`,
/// whose reason is kept elsewhere when there is one).
#[inline]
pub(crate) fn decode(code: u8) -> CancelReason {
    match code {
        CTRL_C => CancelReason::CtrlC,
        TERMINATED => CancelReason::Terminated,
        NONE | IN_STATE | LOOP_SHUTDOWN => CancelReason::LoopShutdown,
        site => {
            let (last, code) = LAST_SITE.get();
            let location = if code == site {
                last
            } else {
                SITES
                    .try_with(|sites| sites.borrow().get(usize::from(site - FIRST_SITE)).copied())
                    .ok()
                    .flatten()
            };
            location.map_or(CancelReason::LoopShutdown, |location| {
                CancelReason::Explicit {
                    message: None,
                    location,
                }
            })
        }
    }
}
