//! Child processes on the loop, asyncio's `create_subprocess_exec` and
//! `create_subprocess_shell`, shaped like `std::process`: [`Command`] starts
//! a [`Child`], whose pipes are aio streams and whose end is awaited without
//! blocking the loop.
//!
//! A child's end is learnt from a pidfd registered with the loop's poller
//! (Linux 5.3 and later), else from SIGCHLD; either way it is reaped by its
//! own pid, so no zombie is left and no other library's children are taken.
//! A `Child` dropped while its process runs kills and reaps it
//! ([`Child::detach`] opts out).
//!
//! ```
//! use aio::process::{shell, Command};
//!
//! aio::run(async {
//!     // Two commands race; the one that loses is killed and reaped.
//!     let winner = aio::select_first! {
//!         out = async { shell("echo fast").output().await } => out.unwrap().stdout,
//!         out = async { Command::new("sleep").arg("60").output().await } => out.unwrap().stdout,
//!     };
//!     assert_eq!(winner, b"fast\n");
//! });
//! ```
//!
//! | asyncio | aio |
//! |---|---|
//! | `create_subprocess_exec(prog, *args, stdin=PIPE, ...)` | [`Command::new`]`(prog).args(..).stdin(Stdio::piped()).spawn()` |
//! | `create_subprocess_shell(cmd)` | [`shell`]`(cmd).spawn()` |
//! | `proc.stdin`, `proc.stdout`, `proc.stderr` | [`Child::stdin`] ([`StreamWriter`](crate::net::StreamWriter)), [`Child::stdout`], [`Child::stderr`] ([`StreamReader`](crate::net::StreamReader)) |
//! | `proc.wait()`, `proc.returncode` | [`Child::wait`], [`Child::try_wait`] |
//! | `proc.communicate(input)` | [`Child::communicate`] |
//! | `send_signal`, `terminate`, `kill`, `pid` | [`Child::send_signal`], [`Child::terminate`], [`Child::kill`], [`Child::id`] |
//!
//! Imports the kernel, `net` (streams), `task` (reaping detached children)
//! and the crate's `gather!`.

mod child;
mod command;
mod communicate;
mod exit_watch;
mod orphans;
mod pipe;

pub use child::Child;
pub use command::{Command, shell};
/// How a process ended: its exit code or the signal that ended it
/// (`std::os::unix::process::ExitStatusExt::signal`).
///
/// ```
/// aio::run(async {
///     let status = aio::process::shell("exit 3").status().await.unwrap();
///     assert!(!status.success());
///     assert_eq!(status.code(), Some(3));
/// });
/// ```
pub use std::process::ExitStatus;
/// What a finished process printed, and its status: from
/// [`Command::output`], [`Child::communicate`] and
/// [`Child::wait_with_output`].
///
/// ```
/// aio::run(async {
///     let out = aio::process::shell("echo out; echo err >&2").output().await.unwrap();
///     assert_eq!((out.stdout, out.stderr), (b"out\n".to_vec(), b"err\n".to_vec()));
///     assert!(out.status.success());
/// });
/// ```
pub use std::process::Output;
/// What a child's stdin, stdout or stderr is connected to: `piped()` (an aio
/// stream in [`Child`]), `inherit()` (ours), `null()`, or a file.
///
/// ```
/// use aio::process::{shell, Stdio};
///
/// aio::run(async {
///     let out = shell("echo shown; echo hidden >&2").stderr(Stdio::null()).output().await.unwrap();
///     assert_eq!((out.stdout, out.stderr), (b"shown\n".to_vec(), Vec::new()));
/// });
/// ```
pub use std::process::Stdio;
