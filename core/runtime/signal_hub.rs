//! Signals, process-wide: which signals aio has hooked and how many listeners
//! each has across all loops.
//!
//! Handlers are installed through signal-hook's registry, which installs them
//! with `sigaction` (`SA_RESTART`), saves and restores `errno` around them,
//! chains a handler that was there before, and lets several actions share a
//! signal. A handler, once installed, stays for the life of the process (the
//! registry never uninstalls one). So that a signal nobody listens to any more
//! does what it did before aio listened, each hooked signal gets one action
//! here that, with no listener left, runs the signal's default action (ends
//! the process for SIGINT, SIGTERM, ...), when that was the disposition it
//! found.

use signal_hook::consts::FORBIDDEN;
use std::io;
use std::os::raw::c_int;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// Signal numbers aio accepts: 1 to 64 (Linux's real-time signals included).
const SLOTS: usize = 65;

/// Listeners per signal, across every loop of the process.
static LISTENERS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
/// Per signal: what it did when aio hooked it (a `Disposition`); 0 while
/// not hooked. Written under `HOOKING`, read by the handler.
static FOUND: [AtomicU8; SLOTS] = [const { AtomicU8::new(0) }; SLOTS];
/// Serialises hooking.
static HOOKING: Mutex<()> = Mutex::new(());

/// What a signal did before aio touched it.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Disposition {
    Default = 1,
    Ignored = 2,
    Handled = 3,
}

#[cfg(unix)]
fn disposition(sig: c_int) -> io::Result<Disposition> {
    // SAFETY: `sigaction` with a null new action only reads the current one
    // into `old`, a zeroed `libc::sigaction` (a plain C struct, for which all
    // zeroes is a valid value) that lives on this stack for the call.
    let old = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
            return Err(io::Error::last_os_error());
        }
        old
    };
    Ok(match old.sa_sigaction {
        libc::SIG_DFL => Disposition::Default,
        libc::SIG_IGN => Disposition::Ignored,
        _ => Disposition::Handled,
    })
}

/// Without `sigaction`, a handler is only known once aio installs one.
#[cfg(not(unix))]
fn disposition(_: c_int) -> io::Result<Disposition> {
    Ok(Disposition::Default)
}

/// Checks that aio can listen to `sig`.
pub(crate) fn check(sig: c_int) -> io::Result<()> {
    if sig <= 0 || sig as usize >= SLOTS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{sig} is not a signal number aio can listen to (1 to {})",
                SLOTS - 1
            ),
        ));
    }
    if FORBIDDEN.contains(&sig) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "signal {sig} ({}) cannot be listened to: it cannot be caught, or a handler \
                 for it could not return safely",
                signal_hook::low_level::signal_name(sig).unwrap_or("unnamed")
            ),
        ));
    }
    Ok(())
}

/// Hooks `sig` once for the process (see the module's comment).
pub(crate) fn hook(sig: c_int) -> io::Result<()> {
    check(sig)?;
    let _hooking = HOOKING.lock().unwrap_or_else(|e| e.into_inner());
    let slot = sig as usize;
    if FOUND[slot].load(Ordering::SeqCst) != 0 {
        return Ok(());
    }
    let found = disposition(sig)?;
    let action = move || {
        if LISTENERS[slot].load(Ordering::SeqCst) == 0
            && FOUND[slot].load(Ordering::SeqCst) == Disposition::Default as u8
        {
            // Ends the process for a terminating signal, as if aio had never
            // listened; does nothing for one ignored by default.
            let _ = signal_hook::low_level::emulate_default_handler(sig);
        }
    };
    // Stored first: a signal arriving as the action is registered finds it.
    FOUND[slot].store(found as u8, Ordering::SeqCst);
    // Sound: the action only reads atomics and calls
    // `emulate_default_handler`, which signal-hook documents as safe to call
    // from a signal handler (sigaction, sigprocmask, raise). It captures only
    // a number, so dropping it on any thread touches nothing shared (aio
    // never unregisters it).
    // SAFETY: as argued in the comment just above.
    let registered = unsafe { signal_hook::low_level::register(sig, action) };
    if let Err(e) = registered {
        FOUND[slot].store(0, Ordering::SeqCst);
        return Err(e);
    }
    Ok(())
}

/// True when `sig` was ignored when aio hooked it (or is now, if not yet
/// hooked): a process started with SIGINT ignored (`cmd &` in a script)
/// keeps ignoring it.
pub(crate) fn ignored_before(sig: c_int) -> bool {
    let _hooking = HOOKING.lock().unwrap_or_else(|e| e.into_inner());
    match FOUND[sig as usize].load(Ordering::SeqCst) {
        0 => disposition(sig).ok() == Some(Disposition::Ignored),
        found => found == Disposition::Ignored as u8,
    }
}

/// Counts a listener of `sig` (hooked already) on some loop.
pub(crate) fn listener_added(sig: c_int) {
    LISTENERS[sig as usize].fetch_add(1, Ordering::SeqCst);
}

pub(crate) fn listener_removed(sig: c_int) {
    LISTENERS[sig as usize].fetch_sub(1, Ordering::SeqCst);
}

/// Listeners of `sig` across the process; safe to read in a handler.
pub(crate) fn listeners(sig: c_int) -> usize {
    LISTENERS[sig as usize].load(Ordering::SeqCst)
}
