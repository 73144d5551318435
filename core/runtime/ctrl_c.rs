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
use crate::runtime::task_meta::CODE_CTRL_C;
use std::cell::Cell;
use std::os::raw::c_int;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The exit status of a process ended by SIGINT, by shell convention.
pub(crate) const INTERRUPTED_STATUS: i32 = 130;

/// The signals that interrupt `aio::run`. A graceful mode would add SIGTERM.
const INTERRUPTS: [c_int; 1] = [signal_hook::consts::SIGINT];

/// `aio::run` calls with Ctrl-C handling installed, process-wide.
static ARMED: AtomicUsize = AtomicUsize::new(0);
/// Interrupts received while armed and not taken over by the program.
static PRESSES: AtomicUsize = AtomicUsize::new(0);
/// The press-counting action is registered (once per process).
static COUNTING: Mutex<bool> = Mutex::new(false);

/// True when the program listens to `sig` itself, beside `aio::run`.
fn taken_over(sig: c_int) -> bool {
    signal_hub::listeners(sig) > ARMED.load(Ordering::SeqCst)
}

/// Registers, once, the action that counts presses and exits on the second.
/// It is registered before any loop's SIGINT action, so a loop woken by a
/// press finds it counted.
fn count_presses() -> std::io::Result<()> {
    let mut counting = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    if *counting {
        return Ok(());
    }
    for sig in INTERRUPTS {
        signal_hub::hook(sig)?;
        let action = move || {
            if ARMED.load(Ordering::SeqCst) == 0 || taken_over(sig) {
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
    }
    *counting = true;
    Ok(())
}

/// Where the first interrupt lands, on the loop's thread: today it cancels the
/// main task (its cleanup runs in `Drop`). The graceful mode of
/// `#[aio::main(ctrl_c = "graceful")]` hooks in here: request a catchable
/// cancellation with reason Ctrl-C instead; the second press still exits 130
/// from the handler.
fn on_interrupt(core: &LoopCore, sig: c_int, pressed: &Cell<bool>) {
    if taken_over(sig) {
        return;
    }
    pressed.set(true);
    core.cancel_main(CODE_CTRL_C);
}

/// Ctrl-C handling for one `aio::run`; uninstalled on drop.
pub(crate) struct CtrlC {
    pressed: Rc<Cell<bool>>,
    _listeners: Vec<SignalListener>,
}

impl CtrlC {
    /// Installs the handling, but only on the main thread (a loop on another
    /// thread, a test or a worker, leaves the process's signals alone), and
    /// not when the process started with SIGINT ignored (as CPython).
    pub(crate) fn install(core: &LoopCore) -> Option<CtrlC> {
        if std::thread::current().name() != Some("main") {
            return None;
        }
        Self::install_any_thread(core)
    }

    /// Installs the handling on a loop of any thread (the loops that
    /// `run_per_core` runs for the main thread).
    pub(crate) fn install_any_thread(core: &LoopCore) -> Option<CtrlC> {
        if signal_hub::ignored_before(INTERRUPTS[0]) {
            return None;
        }
        count_presses().ok()?;
        let pressed = Rc::new(Cell::new(false));
        let mut listeners = Vec::new();
        for sig in INTERRUPTS {
            let flag = pressed.clone();
            let on_signal = Rc::new(move |core: &LoopCore, _| on_interrupt(core, sig, &flag));
            listeners.push(core.listen_signal(sig, on_signal).ok()?);
        }
        // A nested `aio::run` (refused, or on a runner) does not reset the
        // count of the one around it.
        if ARMED.fetch_add(1, Ordering::SeqCst) == 0 {
            PRESSES.store(0, Ordering::SeqCst);
        }
        Some(CtrlC {
            pressed,
            _listeners: listeners,
        })
    }

    /// True once an interrupt cancelled this run's main task.
    pub(crate) fn pressed(&self) -> bool {
        self.pressed.get()
    }

    /// After the cleanup: tells the user and ends the process with 130.
    pub(crate) fn exit_interrupted() -> ! {
        eprintln!("aio: interrupted (Ctrl-C); cleanup ran");
        std::process::exit(INTERRUPTED_STATUS)
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        ARMED.fetch_sub(1, Ordering::SeqCst);
    }
}
