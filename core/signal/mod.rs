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
//! ```rust,standalone_crate
//! use aio::signal::{raise_signal, Signals, SIGTERM, SIGUSR1};
//! use std::cell::Cell;
//! use std::rc::Rc;
//!
//! aio::Runner::with_clock(aio::Clock::Virtual).run(async {
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
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGHUP;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGHUP).unwrap();
///     // A program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGHUP));
/// });
/// ```
pub const SIGHUP: i32 = signal_hook::consts::SIGHUP;

/// Interrupt: Ctrl-C in a terminal.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGINT;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGINT).unwrap();
///     // As Ctrl-C in its terminal: a program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGINT));
/// });
/// ```
pub const SIGINT: i32 = signal_hook::consts::SIGINT;

/// Quit: Ctrl-\ in a terminal.
///
/// ```
/// use aio::process::{shell, Stdio};
/// use aio::signal::SIGQUIT;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = shell("ulimit -c 0; exec cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGQUIT).unwrap();
///     // It ends the program (with a core dump where allowed).
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGQUIT));
/// });
/// ```
pub const SIGQUIT: i32 = signal_hook::consts::SIGQUIT;

/// Kill: ends a process at once; cannot be caught (only sent).
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGKILL;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGKILL).unwrap();
///     // What `Child::kill` sends: the process cannot refuse it.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGKILL));
/// });
/// ```
pub const SIGKILL: i32 = signal_hook::consts::SIGKILL;

/// First signal for the program's own use.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGUSR1;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGUSR1).unwrap();
///     // A program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGUSR1));
/// });
/// ```
pub const SIGUSR1: i32 = signal_hook::consts::SIGUSR1;

/// Second signal for the program's own use.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGUSR2;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGUSR2).unwrap();
///     // A program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGUSR2));
/// });
/// ```
pub const SIGUSR2: i32 = signal_hook::consts::SIGUSR2;

/// Broken pipe: a write to a pipe nobody reads (Rust programs ignore it).
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGPIPE;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
///     child.stdout = None; // nobody reads what cat writes
///     let mut stdin = child.stdin.take().unwrap();
///     stdin.write(b"lost\n");
///     stdin.close().await.unwrap();
///     // cat's write to the closed pipe ends it with SIGPIPE.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGPIPE));
/// });
/// ```
pub const SIGPIPE: i32 = signal_hook::consts::SIGPIPE;

/// Alarm clock.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGALRM;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGALRM).unwrap();
///     // A program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGALRM));
/// });
/// ```
pub const SIGALRM: i32 = signal_hook::consts::SIGALRM;

/// Terminate: the polite request to end (`kill PID`, service managers).
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGTERM;
/// use std::os::unix::process::ExitStatusExt;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     let _stdin = child.stdin.take(); // cat waits for input
///     child.send_signal(SIGTERM).unwrap();
///     // What `Child::terminate` sends: a program that does not handle it ends.
///     assert_eq!(child.wait().await.unwrap().signal(), Some(SIGTERM));
/// });
/// ```
pub const SIGTERM: i32 = signal_hook::consts::SIGTERM;

/// A child process stopped or ended.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGCHLD;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     child.send_signal(SIGCHLD).unwrap(); // ignored unless handled
///     child.stdin = None; // cat reads end-of-file
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub const SIGCHLD: i32 = signal_hook::consts::SIGCHLD;

/// Continue a stopped process.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::{SIGSTOP, SIGCONT};
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     child.send_signal(SIGSTOP).unwrap(); // paused
///     child.send_signal(SIGCONT).unwrap(); // and on it goes
///     child.stdin = None;
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub const SIGCONT: i32 = signal_hook::consts::SIGCONT;

/// Stop: pauses a process; cannot be caught (only sent).
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::{SIGSTOP, SIGCONT};
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     child.send_signal(SIGSTOP).unwrap(); // paused, whatever it does
///     child.send_signal(SIGCONT).unwrap(); // and on it goes
///     child.stdin = None;
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub const SIGSTOP: i32 = signal_hook::consts::SIGSTOP;

/// Terminal stop: Ctrl-Z in a terminal.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::{SIGTSTP, SIGCONT};
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     child.send_signal(SIGTSTP).unwrap(); // paused, as by Ctrl-Z
///     child.send_signal(SIGCONT).unwrap(); // and on it goes
///     child.stdin = None;
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub const SIGTSTP: i32 = signal_hook::consts::SIGTSTP;

/// The terminal window changed size.
///
/// ```
/// use aio::process::{Command, Stdio};
/// use aio::signal::SIGWINCH;
///
/// aio::run(async {
///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
///     child.send_signal(SIGWINCH).unwrap(); // ignored unless handled
///     child.stdin = None; // cat reads end-of-file
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub const SIGWINCH: i32 = signal_hook::consts::SIGWINCH;

/// Sends `sig` to this process, as Python's `signal.raise_signal` (what
/// `kill -SIG <pid>` does from outside); its handler has run when this
/// returns. An error for a number that is no signal.
///
/// Signals are process-wide: a doctest or test that raises one runs in a
/// process of its own (`standalone_crate`), lest another listener in the
/// process receive it.
///
/// ```rust,standalone_crate
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
