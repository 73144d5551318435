//! Talking to a child through all its pipes at once: asyncio's
//! `communicate`, and std's `wait_with_output`.

use crate::net::{StreamReader, StreamWriter};
use crate::process::Child;
use crate::process::child::hold_virtual_clock;
use std::io;
use std::process::Output;

impl Child {
    /// Writes `input` to the child's stdin and closes it, while reading its
    /// stdout and stderr to their end, then waits for it to end (asyncio's
    /// `communicate`). Everything runs at once, so a child that writes much
    /// to both pipes while still reading its input cannot deadlock with us.
    /// A child that stops reading its input early is not an error (the rest
    /// is dropped, as asyncio does).
    ///
    /// Streams that are not piped are skipped (their output is empty);
    /// `input` given while stdin is not piped is an `InvalidInput` error.
    /// Cancelling it closes the pipes; the process is killed when the `Child`
    /// is dropped. On a virtual clock, the clock waits for it.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     let mut child = Command::new("sort")
    ///         .stdin(Stdio::piped())
    ///         .stdout(Stdio::piped())
    ///         .spawn()
    ///         .unwrap();
    ///     let out = child.communicate("pear\napple\n").await.unwrap();
    ///     assert_eq!(out.stdout, b"apple\npear\n");
    ///     assert!(out.status.success());
    /// });
    /// ```
    pub async fn communicate(&mut self, input: impl Into<Vec<u8>>) -> io::Result<Output> {
        let input = input.into();
        if !input.is_empty() && self.stdin.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "communicate: input was given but the stdin of `{}` is not piped; \
                     spawn it with .stdin(Stdio::piped())",
                    self.process.program
                ),
            ));
        }
        let _clock = hold_virtual_clock("aio::process::Child::communicate");
        let feed = feed(self.stdin.take(), input);
        let read_stdout = read_to_end(self.stdout.take());
        let read_stderr = read_to_end(self.stderr.take());
        let ((), stdout, stderr) = crate::gather!(feed, read_stdout, read_stderr)?;
        let status = self.wait().await?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }

    /// Closes stdin, reads stdout and stderr to their end and waits for the
    /// process, as `std::process::Child::wait_with_output`.
    ///
    /// ```
    /// use aio::process::{Command, Stdio};
    ///
    /// aio::run(async {
    ///     let child = Command::new("printf").arg("abc").stdout(Stdio::piped()).spawn().unwrap();
    ///     let out = child.wait_with_output().await.unwrap();
    ///     assert_eq!(out.stdout, b"abc");
    /// });
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        self.stdin = None;
        self.communicate(Vec::new()).await
    }
}

async fn feed(stdin: Option<StreamWriter>, input: Vec<u8>) -> io::Result<()> {
    let Some(mut stdin) = stdin else {
        return Ok(());
    };
    stdin.write(&input);
    match stdin.drain().await {
        // The child ended or closed its stdin before reading everything.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
            ) =>
        {
            Ok(())
        }
        done => done,
    }
    // Dropping `stdin` closes it: the child reads end-of-file.
}

async fn read_to_end(stream: Option<StreamReader>) -> io::Result<Vec<u8>> {
    match stream {
        Some(mut stream) => stream.read_to_end().await,
        None => Ok(Vec::new()),
    }
}
