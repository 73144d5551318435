//! Ctrl-C during `aio::run`: the first SIGINT cancels the main task so every
//! scope's cleanup runs, then the process exits with status 130; a second one
//! exits at once.

use crate::runtime::remote::Remote;
use std::os::raw::c_int;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

const SIGINT: c_int = 2;
/// The exit status of a process ended by SIGINT, by shell convention.
pub(crate) const INTERRUPTED_STATUS: i32 = 130;

extern "C" {
    /// C's `signal`: installs a handler, returns the previous one.
    fn signal(signum: c_int, handler: usize) -> usize;
    /// C's `_exit`: ends the process at once; async-signal-safe.
    fn _exit(status: c_int) -> !;
}

/// SIGINTs received while the handler is installed.
static PRESSES: AtomicUsize = AtomicUsize::new(0);
/// The running loop's thread-safe side, to wake it from the handler.
static REMOTE: AtomicPtr<Remote> = AtomicPtr::new(ptr::null_mut());

extern "C" fn on_sigint(_: c_int) {
    // Only atomics, an eventfd write and `_exit`: all async-signal-safe.
    if PRESSES.fetch_add(1, Ordering::SeqCst) > 0 {
        // SAFETY: `_exit` may be called from a signal handler; it ends the
        // process without running anything else.
        unsafe { _exit(INTERRUPTED_STATUS) };
    }
    let remote = REMOTE.load(Ordering::SeqCst);
    if !remote.is_null() {
        // SAFETY: REMOTE is set by `CtrlC::install` from an `Arc<Remote>` the
        // guard keeps alive, and cleared before the guard releases it.
        let _ = unsafe { &*remote }.poller.notify();
    }
}

/// Installs the handler while alive; restores the previous one on drop.
pub(crate) struct CtrlC {
    previous: usize,
    _remote: std::sync::Arc<Remote>,
}

impl CtrlC {
    /// Installs the handler, but only on the main thread: a loop on another
    /// thread (a test, a worker) leaves the process's signals alone.
    pub(crate) fn install(remote: &std::sync::Arc<Remote>) -> Option<CtrlC> {
        if std::thread::current().name() != Some("main") {
            return None;
        }
        PRESSES.store(0, Ordering::SeqCst);
        REMOTE.store(
            std::sync::Arc::as_ptr(remote) as *mut Remote,
            Ordering::SeqCst,
        );
        let handler = on_sigint as extern "C" fn(c_int) as usize;
        // SAFETY: `signal` is given a valid `extern "C" fn(c_int)` handler that
        // only does async-signal-safe work (see `on_sigint`).
        let previous = unsafe { signal(SIGINT, handler) };
        Some(CtrlC {
            previous,
            _remote: remote.clone(),
        })
    }

    /// True once Ctrl-C was pressed.
    pub(crate) fn pressed() -> bool {
        PRESSES.load(Ordering::Relaxed) > 0
    }

    /// After the cleanup: tells the user and ends the process with 130.
    pub(crate) fn exit_interrupted() -> ! {
        eprintln!("aio: interrupted (Ctrl-C); cleanup ran");
        std::process::exit(INTERRUPTED_STATUS)
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        // SAFETY: restores the handler `install` replaced, as `signal` returned it.
        unsafe { signal(SIGINT, self.previous) };
        REMOTE.store(ptr::null_mut(), Ordering::SeqCst);
    }
}
