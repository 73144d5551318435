//! `Command`: what to run and how, shaped like `std::process::Command`;
//! `spawn` is asyncio's `create_subprocess_exec`, `shell` its
//! `create_subprocess_shell`.

use crate::net::{StreamReader, StreamWriter};
use crate::process::child::{Child, Process};
use crate::process::exit_watch::ExitWatch;
use crate::process::orphans;
use crate::process::pipe::Pipe;
use crate::runtime::{Direction, expect_current};
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};
use std::rc::Rc;

/// A process to start: program, arguments, environment, working directory
/// and what its standard streams are connected to. The same builder as
/// `std::process::Command`; [`spawn`](Self::spawn) starts the process on the
/// running loop without blocking it.
///
/// By default the child inherits this process's stdin, stdout and stderr
/// ([`output`](Self::output) pipes stdout and stderr instead). Ask for a pipe
/// with [`Stdio::piped`] to talk to it through aio streams.
///
/// ```
/// use aio::process::Command;
///
/// aio::run(async {
///     let out = Command::new("echo").args(["hello", "world"]).output().await.unwrap();
///     assert!(out.status.success());
///     assert_eq!(out.stdout, b"hello world\n");
/// });
/// ```
pub struct Command {
    std: std::process::Command,
    /// Which of stdin, stdout, stderr the caller set (`output` fills the rest).
    set: [bool; 3],
}

/// A command run by `/bin/sh -c`, asyncio's `create_subprocess_shell`: pipes,
/// globs and redirections work, and so does shell injection, so quote what
/// comes from outside (or use [`Command::new`] with arguments).
///
/// ```
/// aio::run(async {
///     let out = aio::process::shell("yes | head -n 3").output().await.unwrap();
///     assert_eq!(out.stdout, b"y\ny\ny\n");
/// });
/// ```
pub fn shell(command: impl AsRef<OsStr>) -> Command {
    let mut sh = Command::new("/bin/sh");
    sh.arg("-c").arg(command);
    sh
}

impl Command {
    /// A command running `program`, found in `PATH` unless it is a path.
    ///
    /// ```
    /// aio::run(async {
    ///     let out = aio::process::Command::new("echo").arg("hello").output().await.unwrap();
    ///     assert!(out.status.success());
    ///     assert_eq!(out.stdout, b"hello\n");
    /// });
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            std: std::process::Command::new(program),
            set: [false; 3],
        }
    }

    /// Adds an argument, passed as is: no shell splits or expands it.
    ///
    /// ```
    /// aio::run(async {
    ///     let mut cmd = aio::process::Command::new("echo");
    ///     cmd.arg("-n").arg("two words, *");
    ///     assert_eq!(cmd.output().await.unwrap().stdout, b"two words, *");
    /// });
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// aio::run(async {
    ///     let files = ["a.txt", "b.txt"];
    ///     let out = aio::process::Command::new("echo").args(files).output().await.unwrap();
    ///     assert_eq!(out.stdout, b"a.txt b.txt\n");
    /// });
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable of the child.
    ///
    /// ```
    /// aio::run(async {
    ///     let out = aio::process::shell("echo $GREETING").env("GREETING", "hi").output().await.unwrap();
    ///     assert_eq!(out.stdout, b"hi\n");
    /// });
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.std.env(key, value);
        self
    }

    /// Sets environment variables of the child.
    ///
    /// ```
    /// aio::run(async {
    ///     let vars = [("USER_NAME", "ada"), ("USER_ID", "7")];
    ///     let out = aio::process::shell("echo $USER_NAME:$USER_ID").envs(vars).output().await.unwrap();
    ///     assert_eq!(out.stdout, b"ada:7\n");
    /// });
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    ///
    /// ```
    /// aio::run(async {
    ///     let out = aio::process::shell("echo ${HOME-no home}").env_remove("HOME").output().await.unwrap();
    ///     assert_eq!(out.stdout, b"no home\n");
    /// });
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what `env` adds).
    ///
    /// ```
    /// aio::run(async {
    ///     let out = aio::process::shell("echo ${HOME-no home}, $ONLY")
    ///         .env_clear()
    ///         .env("ONLY", "this")
    ///         .output()
    ///         .await
    ///         .unwrap();
    ///     assert_eq!(out.stdout, b"no home, this\n");
    /// });
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory.
    ///
    /// ```
    /// aio::run(async {
    ///     let out = aio::process::Command::new("pwd").current_dir("/").output().await.unwrap();
    ///     assert_eq!(out.stdout, b"/\n");
    /// });
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// What the child's stdin is: [`Stdio::piped`] gives
    /// [`Child::stdin`], a [`StreamWriter`].
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = Command::new("wc").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    ///     let mut stdin = child.stdin.take().unwrap();
    ///     stdin.write(b"12345");
    ///     stdin.close().await.unwrap();
    ///     let out = child.wait_with_output().await.unwrap();
    ///     assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");
    /// });
    /// ```
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdin(cfg);
        self.set[0] = true;
        self
    }

    /// What the child's stdout is: [`Stdio::piped`] gives
    /// [`Child::stdout`], a [`StreamReader`].
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = Command::new("echo").arg("one\ntwo").stdout(Stdio::piped()).spawn().unwrap();
    ///     let mut stdout = child.stdout.take().unwrap();
    ///     assert_eq!(stdout.readline().await.unwrap(), b"one\n");
    ///     assert_eq!(stdout.readline().await.unwrap(), b"two\n");
    ///     assert!(child.wait().await.unwrap().success());
    /// });
    /// ```
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdout(cfg);
        self.set[1] = true;
        self
    }

    /// What the child's stderr is: [`Stdio::piped`] gives
    /// [`Child::stderr`], a [`StreamReader`].
    ///
    /// ```
    /// use aio::process::{shell, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = shell("echo oops >&2").stderr(Stdio::piped()).spawn().unwrap();
    ///     let mut stderr = child.stderr.take().unwrap();
    ///     assert_eq!(stderr.readline().await.unwrap(), b"oops\n");
    ///     assert!(child.wait().await.unwrap().success());
    /// });
    /// ```
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stderr(cfg);
        self.set[2] = true;
        self
    }

    /// The standard library's command, for what only it offers (on Unix:
    /// `uid`, `process_group`, `pre_exec` through `CommandExt`).
    ///
    /// ```
    /// use std::os::unix::process::CommandExt;
    ///
    /// aio::run(async {
    ///     let mut cmd = aio::process::Command::new("true");
    ///     cmd.as_std_mut().process_group(0); // its own process group
    ///     assert!(cmd.status().await.unwrap().success());
    /// });
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }

    /// Starts the process; its pipes and its end are watched by the running
    /// loop. The `Child` kills and reaps the process if dropped first.
    ///
    /// A missing program, a file that is not executable or a working
    /// directory that does not exist give an `io::Error` naming the program
    /// (and the directory). Panics when no loop runs on this thread.
    ///
    /// ```
    /// aio::run(async {
    ///     let err = aio::process::Command::new("no-such-program").spawn().unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    ///     assert!(err.to_string().contains("no-such-program"));
    /// });
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        expect_current("aio::process::Command::spawn", |core| {
            orphans::reap_left();
            let mut std = self.std.spawn().map_err(|e| self.spawn_error(e))?;
            let (stdin, stdout, stderr) = (std.stdin.take(), std.stdout.take(), std.stderr.take());
            // From here on, an error kills and reaps the process.
            let mut process = Process::new(std, self.program());
            process.watch(ExitWatch::new(core, process.std.id())?);
            let reader = |end: Option<_>| -> io::Result<Option<StreamReader>> {
                let Some(end) = end else { return Ok(None) };
                Ok(Some(StreamReader::new(Rc::new(Pipe::new(
                    end,
                    Direction::Read,
                )?))))
            };
            let stdin = match stdin {
                Some(end) => Some(StreamWriter::new(Rc::new(Pipe::new(
                    end,
                    Direction::Write,
                )?))),
                None => None,
            };
            Ok(Child {
                stdin,
                stdout: reader(stdout.map(std::os::fd::OwnedFd::from))?,
                stderr: reader(stderr.map(std::os::fd::OwnedFd::from))?,
                process,
            })
        })
    }

    /// Runs the process to its end and returns its status and everything it
    /// wrote, as `std::process::Command::output`. Unless set otherwise,
    /// stdout and stderr are piped (and collected) and stdin is empty
    /// ([`Stdio::null`]); this sets them on the command.
    ///
    /// Cancelling it kills and reaps the process.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::run(async {
    ///     let out = aio::process::shell("echo done; echo oops >&2").output().await.unwrap();
    ///     assert_eq!((out.stdout, out.stderr), (b"done\n".to_vec(), b"oops\n".to_vec()));
    ///     let slow = async { aio::process::Command::new("sleep").arg("60").output().await };
    ///     // Given up at once: the process is killed and reaped.
    ///     assert!(aio::move_on_after(Duration::ZERO, slow).await.is_none());
    /// });
    /// ```
    pub async fn output(&mut self) -> io::Result<Output> {
        if !self.set[0] {
            self.stdin(Stdio::null());
        }
        if !self.set[1] {
            self.stdout(Stdio::piped());
        }
        if !self.set[2] {
            self.stderr(Stdio::piped());
        }
        self.spawn()?.wait_with_output().await
    }

    /// Runs the process to its end and returns its exit status, its streams
    /// connected as configured (inherited by default).
    ///
    /// ```
    /// aio::run(async {
    ///     let status = aio::process::Command::new("false").status().await.unwrap();
    ///     assert_eq!(status.code(), Some(1));
    /// });
    /// ```
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        self.spawn()?.wait().await
    }

    /// The program to run, as given.
    ///
    /// ```
    /// let cmd = aio::process::Command::new("echo");
    /// assert_eq!(cmd.get_program(), "echo");
    /// assert_eq!(aio::process::shell("true").get_program(), "/bin/sh");
    /// ```
    pub fn get_program(&self) -> &OsStr {
        self.std.get_program()
    }

    fn program(&self) -> String {
        self.std.get_program().to_string_lossy().into_owned()
    }

    /// The spawn error with the program's name (and the working directory
    /// when it is what is missing): std's alone says only "No such file".
    fn spawn_error(&self, e: io::Error) -> io::Error {
        let program = self.program();
        let message = match self.std.get_current_dir() {
            Some(dir) if !dir.is_dir() => format!(
                "cannot run `{program}`: its working directory `{}` is not a directory: {e}",
                dir.display()
            ),
            _ => format!("cannot run `{program}`: {e}"),
        };
        io::Error::new(e.kind(), message)
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.std, f)
    }
}
