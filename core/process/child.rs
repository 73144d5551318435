//! `Child`: a running child process, asyncio's `Process`.

use crate::net::{StreamReader, StreamWriter};
use crate::process::exit_watch::ExitWatch;
use crate::process::orphans;
use crate::runtime::expect_current;
use std::fmt;
use std::io;
use std::process::ExitStatus;

/// A child process started by [`Command::spawn`](crate::process::Command::spawn),
/// asyncio's `Process`, shaped like `std::process::Child`.
///
/// The pipes asked for with [`Stdio::piped`](crate::process::Stdio::piped)
/// are aio streams: [`stdin`](Self::stdin) a [`StreamWriter`],
/// [`stdout`](Self::stdout) and [`stderr`](Self::stderr) [`StreamReader`]s
/// (`readline`, `readexactly`, ...). Take them out (`child.stdout.take()`) to
/// use them beside [`wait`](Self::wait).
///
/// **Structured by default.** A `Child` dropped while its process still runs
/// kills it (SIGKILL) and reaps it, like tokio's `kill_on_drop` but always
/// on: a cancelled task leaves no orphan process behind.
/// [`detach`](Self::detach) opts out: the process runs on, and is still
/// reaped when it ends. (asyncio does neither: a `Process` object that is
/// garbage collected leaves its process running; only the event loop's
/// child watcher reaps it eventually.)
///
/// ```
/// use aio::process::{Command, Stdio};
///
/// aio::run(async {
///     let mut child = Command::new("cat")
///         .stdin(Stdio::piped())
///         .stdout(Stdio::piped())
///         .spawn()
///         .unwrap();
///     let mut stdin = child.stdin.take().unwrap();
///     let mut stdout = child.stdout.take().unwrap();
///     stdin.write(b"hello\n");
///     stdin.drain().await.unwrap();
///     assert_eq!(stdout.readline().await.unwrap(), b"hello\n");
///     drop(stdin); // cat reads end-of-file and ends
///     assert!(child.wait().await.unwrap().success());
///     assert_eq!(child.id(), None); // reaped
/// });
/// ```
pub struct Child {
    /// The child's standard input, when piped (asyncio's `proc.stdin`).
    /// Dropping it, or [`StreamWriter::write_eof`], closes it.
    pub stdin: Option<StreamWriter>,
    /// The child's standard output, when piped (asyncio's `proc.stdout`).
    pub stdout: Option<StreamReader>,
    /// The child's standard error, when piped (asyncio's `proc.stderr`).
    pub stderr: Option<StreamReader>,
    pub(crate) process: Process,
}

/// The process itself: killed and reaped on drop unless it ended or was
/// detached.
pub(crate) struct Process {
    pub(crate) std: std::process::Child,
    pub(crate) program: String,
    status: Option<ExitStatus>,
    /// `None` until spawning finished, and once detached.
    watch: Option<ExitWatch>,
    detached: bool,
}

impl Process {
    pub(crate) fn new(std: std::process::Child, program: String) -> Process {
        Process {
            std,
            program,
            status: None,
            watch: None,
            detached: false,
        }
    }

    pub(crate) fn watch(&mut self, watch: ExitWatch) {
        self.watch = Some(watch);
    }

    fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = self.std.try_wait()?;
        }
        Ok(self.status)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.detached || self.status.is_some() {
            return;
        }
        // Still running, or ended and not reaped: SIGKILL (harmless on a
        // process that ended), then reap. The kernel ends a killed process
        // at once, so this wait is short.
        let _ = self.std.kill();
        let _ = self.std.wait();
    }
}

impl Child {
    /// The process id, or `None` once the process has been reaped (after
    /// [`wait`](Self::wait) or [`try_wait`](Self::try_wait) saw it end): the
    /// number may then belong to another process.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    ///     assert!(child.id().unwrap() > 0);
    ///     child.stdin = None; // cat reads end-of-file and ends
    ///     child.wait().await.unwrap();
    ///     assert_eq!(child.id(), None);
    /// });
    /// ```
    pub fn id(&self) -> Option<u32> {
        match self.process.status {
            Some(_) => None,
            None => Some(self.process.std.id()),
        }
    }

    /// Waits for the process to end and returns its exit status; later calls
    /// return the same status. Closes [`stdin`](Self::stdin) first (if still
    /// here) so a child reading it sees end-of-file, as std and tokio do.
    /// Cancel-safe.
    ///
    /// On a virtual clock, the wait is outside work: the clock waits for the
    /// process instead of jumping ahead, so the process takes no virtual
    /// time. (Reading its pipes does not hold the clock, as with sockets.)
    ///
    /// Like asyncio's `wait()`, this can wait forever for a child that blocks
    /// writing to a full stdout or stderr pipe nobody reads: use
    /// [`wait_with_output`](Self::wait_with_output) or
    /// [`communicate`](Self::communicate) to read them meanwhile.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// aio::run(async {
    ///     let mut child = aio::process::shell("exit 3").spawn().unwrap();
    ///     assert_eq!(child.wait().await.unwrap().code(), Some(3));
    ///
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    ///     child.kill().unwrap();
    ///     assert_eq!(child.wait().await.unwrap().signal(), Some(aio::signal::SIGKILL));
    /// });
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        self.stdin = None;
        if let Some(status) = self.process.status {
            return Ok(status);
        }
        let _clock = hold_virtual_clock("aio::process::Child::wait");
        std::future::poll_fn(|cx| {
            let process = &mut self.process;
            let Some(watch) = &process.watch else {
                unreachable!("a spawned child is watched until it is detached, which consumes it")
            };
            let std = &mut process.std;
            let polled = watch.poll_exit(cx, || std.try_wait());
            if let std::task::Poll::Ready(Ok(status)) = polled {
                process.status = Some(status);
            }
            polled
        })
        .await
    }

    /// The exit status if the process has ended (reaping it), else `None`
    /// without waiting.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     // cat waits for input that never comes.
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    ///     assert!(child.try_wait().unwrap().is_none());
    ///     assert!(child.id().is_some());
    ///     child.kill().unwrap();
    ///     child.wait().await.unwrap();
    ///     assert!(child.try_wait().unwrap().is_some());
    /// });
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.process.try_wait()
    }

    /// Sends signal `sig` to the process (asyncio's `send_signal`). Does
    /// nothing once the process was reaped. An error for a number that is no
    /// signal.
    ///
    /// ```
    /// use aio::process::{shell, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = shell("trap 'echo reload; exit 0' HUP; echo ready; while :; do sleep 0.01; done")
    ///         .stdout(Stdio::piped())
    ///         .spawn()
    ///         .unwrap();
    ///     let mut stdout = child.stdout.take().unwrap();
    ///     assert_eq!(stdout.readline().await.unwrap(), b"ready\n");
    ///     child.send_signal(aio::signal::SIGHUP).unwrap();
    ///     assert_eq!(stdout.readline().await.unwrap(), b"reload\n");
    ///     assert!(child.wait().await.unwrap().success());
    /// });
    /// ```
    pub fn send_signal(&mut self, sig: i32) -> io::Result<()> {
        if self.process.status.is_some() {
            return Ok(());
        }
        let pid = self.process.std.id() as libc::pid_t;
        // SAFETY: `kill` takes no pointers. The pid is our child's, not yet
        // reaped (its status is unknown), so it cannot name another process.
        if unsafe { libc::kill(pid, sig) } == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        Err(io::Error::new(
            e.kind(),
            format!(
                "cannot send signal {sig} to `{}` (pid {pid}): {e}",
                self.process.program
            ),
        ))
    }

    /// Asks the process to end: SIGTERM (asyncio's `terminate`). It may
    /// ignore it; [`kill`](Self::kill) cannot be ignored.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// aio::run(async {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    ///     let _stdin = child.stdin.take(); // cat waits for input
    ///     child.terminate().unwrap();
    ///     let status = child.wait().await.unwrap();
    ///     assert_eq!(status.signal(), Some(aio::signal::SIGTERM));
    /// });
    /// ```
    pub fn terminate(&mut self) -> io::Result<()> {
        self.send_signal(libc::SIGTERM)
    }

    /// Ends the process at once: SIGKILL (asyncio's `kill`). Await
    /// [`wait`](Self::wait) to reap it, or drop the `Child`, which does.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// aio::run(async {
    ///     // cat waits for input that never comes.
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    ///     let _stdin = child.stdin.take();
    ///     child.kill().unwrap();
    ///     let status = child.wait().await.unwrap();
    ///     assert_eq!(status.signal(), Some(aio::signal::SIGKILL));
    /// });
    /// ```
    pub fn kill(&mut self) -> io::Result<()> {
        self.send_signal(libc::SIGKILL)
    }

    /// Lets the process run on without this handle: it is not killed, and is
    /// still reaped when it ends (by the loop while it runs, else by the next
    /// spawn). Pipes still in the `Child` are closed; take the ones to keep
    /// first.
    ///
    /// ```
    /// aio::run(async {
    ///     let child = aio::process::shell("echo done > /dev/null").spawn().unwrap();
    ///     child.detach(); // runs on, and is reaped when it ends
    /// });
    /// ```
    pub fn detach(mut self) {
        self.process.detached = true;
        if let Some(watch) = self.process.watch.take() {
            if self.process.status.is_none() {
                orphans::adopt(self.process.std.id(), watch);
            }
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("program", &self.process.program)
            .field("pid", &self.process.std.id())
            .field("status", &self.process.status)
            .finish()
    }
}

/// On a virtual clock, holds it while a process is awaited: outside work, which
/// the clock waits for instead of jumping ahead. A real clock needs nothing
/// (and so is not woken for nothing when the wait ends).
pub(crate) fn hold_virtual_clock(what: &str) -> Option<impl Sized> {
    expect_current(what, |core| {
        core.clock.is_virtual().then(|| core.begin_outside_work())
    })
}
