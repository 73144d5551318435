//! Which loop is running on this thread.

use crate::runtime::loop_core::LoopCore;
use crate::runtime::wait_reason::set_recording;
use std::cell::Cell;
use std::ptr;

thread_local! {
    /// The loop running (or closing) on this thread, or null.
    static CURRENT: Cell<*const LoopCore> = const { Cell::new(ptr::null()) };
}

/// Calls `f` with the loop running on this thread, if any.
pub(crate) fn with_current<R>(f: impl FnOnce(&LoopCore) -> R) -> Option<R> {
    let core = CURRENT.try_with(Cell::get).unwrap_or(ptr::null());
    if core.is_null() {
        None
    } else {
        // SAFETY: CURRENT is only non-null while an `Enter` guard for that loop
        // is alive on this thread; the guard borrows the `LoopCore`, so the
        // pointer is valid for the whole call.
        Some(f(unsafe { &*core }))
    }
}

/// True while some loop runs (or closes) on this thread.
pub(crate) fn in_a_loop() -> bool {
    with_current(|_| ()).is_some()
}

/// Like [`with_current`], but panics with a message naming `what` and the fix
/// when no loop runs on this thread.
pub(crate) fn expect_current<R>(what: &str, f: impl FnOnce(&LoopCore) -> R) -> R {
    let mut f = Some(f);
    match with_current(|core| (f.take().unwrap())(core)) {
        Some(r) => r,
        None => panic!(
            "{what} needs a running aio event loop on this thread: call it from async code \
             started by aio::run, #[aio::main] or #[aio::test]"
        ),
    }
}

/// Marks `core` as the loop of this thread for as long as the guard lives.
pub(crate) struct Enter<'a> {
    prev: *const LoopCore,
    /// Whether the loop that was here recorded wait reasons.
    prev_recording: bool,
    _core: &'a LoopCore,
}

impl<'a> Enter<'a> {
    /// Enters to run the loop: an error if any loop already runs on this thread.
    pub(crate) fn run(core: &'a LoopCore, what: &str) -> Enter<'a> {
        let prev = CURRENT.with(Cell::get);
        if !prev.is_null() {
            panic!(
                "{what} cannot start an event loop while another one is running on this \
                 thread; inside async code, .await the future (or aio::create_task it) instead"
            );
        }
        CURRENT.with(|c| c.set(core));
        let prev_recording = set_recording(core.inspect.recording());
        Enter {
            prev,
            prev_recording,
            _core: core,
        }
    }

    /// Enters to shut the loop down; allowed inside another running loop, whose
    /// place is restored afterwards.
    pub(crate) fn nested(core: &'a LoopCore) -> Enter<'a> {
        let prev = CURRENT.try_with(|c| c.replace(core)).unwrap_or(ptr::null());
        let prev_recording = set_recording(core.inspect.recording());
        Enter {
            prev,
            prev_recording,
            _core: core,
        }
    }
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.prev));
        set_recording(self.prev_recording);
    }
}
