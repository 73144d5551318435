//! A pipe to a child process, registered with the loop's poller: what the
//! child's stdin, stdout and stderr streams read and write through.

use crate::net::byte_stream::ByteStream;
use crate::runtime::{Direction, IoSource};
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::fd::OwnedFd;
use std::task::{Context, Poll};

/// Our end of one pipe: read from (the child's stdout or stderr) or written
/// to (its stdin).
pub(crate) struct Pipe {
    /// `None` once closed (`write_eof`, `close`).
    end: RefCell<Option<IoSource<File>>>,
    direction: Direction,
}

impl Pipe {
    /// Adopts our end of a pipe from `std::process` (in non-blocking mode
    /// from now on: the child's end is another open file, which keeps its
    /// own mode).
    pub(crate) fn new(fd: impl Into<OwnedFd>, direction: Direction) -> io::Result<Pipe> {
        let fd = fd.into();
        rustix::io::ioctl_fionbio(&fd, true)?;
        Ok(Pipe {
            end: RefCell::new(Some(IoSource::new(File::from(fd))?)),
            direction,
        })
    }
}

impl ByteStream for Pipe {
    fn poll_read_bytes(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        match &*self.end.borrow() {
            Some(end) => end.poll_io(cx, Direction::Read, |mut f| f.read(buf)),
            None => Poll::Ready(Ok(0)),
        }
    }

    fn poll_write_bytes(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match &*self.end.borrow() {
            Some(end) => end.poll_io(cx, Direction::Write, |mut f| f.write(buf)),
            None => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the child's stdin was closed (write_eof or close)",
            ))),
        }
    }

    /// Closes our end: the child reads end-of-file (stdin), or its writes
    /// fail (stdout, stderr).
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let closes = match how {
            Shutdown::Both => true,
            Shutdown::Write => self.direction == Direction::Write,
            Shutdown::Read => self.direction == Direction::Read,
        };
        if closes {
            self.end.borrow_mut().take();
        }
        Ok(())
    }
}
