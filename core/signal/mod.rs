//! Signals on the loop: [`ctrl_c`], a [`Signals`] stream, and the handlers of
//! [`EventLoop::add_signal_handler`](crate::EventLoop::add_signal_handler),
//! asyncio's `loop.add_signal_handler`.
//!
//! A signal is received on any thread; the loops that listen to it are woken
//! and their listeners run on each loop's own thread, as ordinary tasks and
//! callbacks, never inside the signal handler. Handlers are installed with
//! `sigaction` through signal-hook's registry. When nothing listens to a
//! signal any more it does again what it did before (SIGTERM ends the
//! process, ...).
//!
//! ```
//! use aio::signal::{raise_signal, Signals, SIGTERM, SIGUSR1};
//! use std::cell::Cell;
//! use std::rc::Rc;
//!
//! aio::run(async {
//!     let mut signals = Signals::new([SIGTERM, SIGUSR1]).unwrap();
//!     raise_signal(SIGTERM).unwrap(); // as if `kill PID` came from outside
//!     assert_eq!(signals.recv().await, SIGTERM);
//!
//!     let lp = aio::get_running_loop();
//!     let count = Rc::new(Cell::new(0));
//!     let c = count.clone();
//!     lp.add_signal_handler(SIGUSR1, move || c.set(c.get() + 1)).unwrap();
//!     raise_signal(SIGUSR1).unwrap();
//!     aio::sleep(std::time::Duration::from_millis(1)).await;
//!     assert_eq!(count.get(), 1);
//!     assert!(lp.remove_signal_handler(SIGUSR1));
//! });
//! ```
//!
//! Imports the kernel and `task` (handlers run as tasks).

mod ctrl_c;
mod handlers;
mod signals;

pub use ctrl_c::ctrl_c;
pub(crate) use handlers::{add_signal_handler, remove_signal_handler};
pub use signals::Signals;

/// Hangup: the terminal closed; daemons take it as "reload".
pub const SIGHUP: i32 = signal_hook::consts::SIGHUP;
/// Interrupt: Ctrl-C in a terminal.
pub const SIGINT: i32 = signal_hook::consts::SIGINT;
/// Quit: Ctrl-\ in a terminal.
pub const SIGQUIT: i32 = signal_hook::consts::SIGQUIT;
/// Kill: ends a process at once; cannot be caught (only sent).
pub const SIGKILL: i32 = signal_hook::consts::SIGKILL;
/// First signal for the program's own use.
pub const SIGUSR1: i32 = signal_hook::consts::SIGUSR1;
/// Second signal for the program's own use.
pub const SIGUSR2: i32 = signal_hook::consts::SIGUSR2;
/// Broken pipe: a write to a pipe nobody reads (Rust programs ignore it).
pub const SIGPIPE: i32 = signal_hook::consts::SIGPIPE;
/// Alarm clock.
pub const SIGALRM: i32 = signal_hook::consts::SIGALRM;
/// Terminate: the polite request to end (`kill PID`, service managers).
pub const SIGTERM: i32 = signal_hook::consts::SIGTERM;
/// A child process stopped or ended.
pub const SIGCHLD: i32 = signal_hook::consts::SIGCHLD;
/// Continue a stopped process.
pub const SIGCONT: i32 = signal_hook::consts::SIGCONT;
/// Stop: pauses a process; cannot be caught (only sent).
pub const SIGSTOP: i32 = signal_hook::consts::SIGSTOP;
/// Terminal stop: Ctrl-Z in a terminal.
pub const SIGTSTP: i32 = signal_hook::consts::SIGTSTP;
/// The terminal window changed size.
pub const SIGWINCH: i32 = signal_hook::consts::SIGWINCH;

/// Sends `sig` to this process, as Python's `signal.raise_signal` (what
/// `kill -SIG <pid>` does from outside); its handler has run when this
/// returns. An error for a number that is no signal.
///
/// ```
/// use aio::signal::{raise_signal, Signals, SIGUSR1};
///
/// aio::run(async {
///     let mut signals = Signals::new([SIGUSR1]).unwrap();
///     raise_signal(SIGUSR1).unwrap();
///     assert_eq!(signals.recv().await, SIGUSR1);
/// });
/// ```
pub fn raise_signal(sig: i32) -> std::io::Result<()> {
    signal_hook::low_level::raise(sig)
}
