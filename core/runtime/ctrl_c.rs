//! Ctrl-C during `aio::run`: the first SIGINT cancels the main task so every
//! scope's cleanup runs, then the process exits with status 130; a second one
//! exits at once, even while a cleanup blocks the loop.
//!
//! Built on the loop's signal listeners: the loop running `aio::run` listens
//! to SIGINT, and one process-wide action counts the presses and ends the
//! process on the second. A program that listens to SIGINT itself
//! (`aio::signal::ctrl_c()`, `Signals`, `add_signal_handler`) takes Ctrl-C
//! over, as in asyncio: while it listens, `aio::run` leaves SIGINT to it.

use crate::runtime::loop_core::LoopCore;
use crate::runtime::loop_signals::SignalListener;
use crate::runtime::signal_hub;
use crate::runtime::task_meta::{CODE_CTRL_C, CODE_TERMINATED};
use std::cell::Cell;
use std::os::raw::c_int;
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The exit status of a process ended by SIGINT, by shell convention.
pub(crate) const INTERRUPTED_STATUS: i32 = 130;

/// The signals that interrupt `aio::run`: SIGINT, and in the graceful mode
/// SIGTERM too.
const INTERRUPTS: [c_int; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];
/// The exit status of a process ended by SIGTERM, by shell convention.
const TERMINATED_STATUS: i32 = 143;

/// `aio::run` calls with the handling of each of `INTERRUPTS` installed,
/// process-wide.
static ARMED: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
/// Interrupts received while armed and not taken over by the program.
static PRESSES: AtomicUsize = AtomicUsize::new(0);
/// The press-counting action is registered for each of `INTERRUPTS` (once
/// per process).
static COUNTING: Mutex<[bool; 2]> = Mutex::new([false; 2]);

fn index(sig: c_int) -> usize {
    INTERRUPTS.iter().position(|&s| s == sig).unwrap_or(0)
}

/// True when the program listens to `sig` itself, beside `aio::run`.
fn taken_over(sig: c_int) -> bool {
    signal_hub::listeners(sig) > ARMED[index(sig)].load(Ordering::SeqCst)
}

/// Registers, once, the action that counts presses and exits on the second.
/// It is registered before any loop's SIGINT action, so a loop woken by a
/// press finds it counted.
fn count_presses(signals: &[c_int]) -> std::io::Result<()> {
    let mut counting = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    for &sig in signals {
        if counting[index(sig)] {
            continue;
        }
        signal_hub::hook(sig)?;
        let action = move || {
            if ARMED[index(sig)].load(Ordering::SeqCst) == 0 || taken_over(sig) {
                return;
            }
            if PRESSES.fetch_add(1, Ordering::SeqCst) > 0 {
                signal_hook::low_level::exit(INTERRUPTED_STATUS);
            }
        };
        // SAFETY: the action only reads and writes atomics and may call
        // signal-hook's `exit` (`_exit`), all async-signal-safe. It owns
        // nothing (a number), so where it is dropped does not matter.
        unsafe { signal_hook::low_level::register(sig, action) }?;
        counting[index(sig)] = true;
    }
    Ok(())
}

/// Where the first interrupt lands, on the loop's thread: it cancels the main
/// task with reason Ctrl-C (a task that catches it may await its cleanup,
/// within the runner's grace); the second press exits 130 from the handler.
fn on_interrupt(core: &LoopCore, sig: c_int, pressed: &Cell<Option<c_int>>) {
    if taken_over(sig) {
        return;
    }
    if pressed.get().is_none() {
        pressed.set(Some(sig));
    }
    core.cancel_main(if sig == signal_hook::consts::SIGTERM {
        CODE_TERMINATED
    } else {
        CODE_CTRL_C
    });
}

/// Ctrl-C handling for one `aio::run`; uninstalled on drop.
pub(crate) struct CtrlC {
    /// The signal that interrupted this run, once one did.
    pressed: Rc<Cell<Option<c_int>>>,
    /// How many of `INTERRUPTS` (from the first) this run handles.
    signals: usize,
    _listeners: Vec<SignalListener>,
}

impl CtrlC {
    /// Installs the handling, but only on the main thread (a loop on another
    /// thread, a test or a worker, leaves the process's signals alone), and
    /// not when the process started with SIGINT ignored (as CPython).
    /// With `sigterm`, SIGTERM is handled as Ctrl-C too.
    pub(crate) fn install(core: &LoopCore, sigterm: bool) -> Option<CtrlC> {
        if std::thread::current().name() != Some("main") {
            return None;
        }
        Self::install_any_thread(core, sigterm)
    }

    /// Installs the handling on a loop of any thread (the loops that
    /// `run_per_core` runs for the main thread).
    pub(crate) fn install_any_thread(core: &LoopCore, sigterm: bool) -> Option<CtrlC> {
        if signal_hub::ignored_before(INTERRUPTS[0]) {
            return None;
        }
        let signals = if sigterm {
            &INTERRUPTS[..]
        } else {
            &INTERRUPTS[..1]
        };
        count_presses(signals).ok()?;
        let pressed = Rc::new(Cell::new(None));
        let mut listeners = Vec::new();
        for &sig in signals {
            let flag = pressed.clone();
            let on_signal = Rc::new(move |core: &LoopCore, _| on_interrupt(core, sig, &flag));
            listeners.push(core.listen_signal_internal(sig, on_signal).ok()?);
        }
        // A nested `aio::run` (refused, or on a runner) does not reset the
        // count of the one around it.
        let armed_before: usize = ARMED.iter().map(|a| a.load(Ordering::SeqCst)).sum();
        for &sig in signals {
            ARMED[index(sig)].fetch_add(1, Ordering::SeqCst);
        }
        if armed_before == 0 {
            PRESSES.store(0, Ordering::SeqCst);
        }
        Some(CtrlC {
            pressed,
            signals: signals.len(),
            _listeners: listeners,
        })
    }

    /// The signal that cancelled this run's main task, once one did.
    pub(crate) fn pressed(&self) -> Option<c_int> {
        self.pressed.get()
    }

    /// After the cleanup: tells the user and ends the process with 130 (143
    /// for SIGTERM).
    pub(crate) fn exit_interrupted(signal: c_int) -> ! {
        if signal == signal_hook::consts::SIGTERM {
            eprintln!("aio: terminated (SIGTERM); cleanup ran");
            std::process::exit(TERMINATED_STATUS)
        }
        eprintln!("aio: interrupted (Ctrl-C); cleanup ran");
        std::process::exit(INTERRUPTED_STATUS)
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        for armed in &ARMED[..self.signals] {
            armed.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
