//! The loop's OS poller (mio: epoll, kqueue). Sources are registered once,
//! edge-triggered in both directions, so waiting on one costs no system call;
//! a wait of the loop is one system call (its timeout in whole milliseconds,
//! rounded up, as tokio's and asyncio's); a wake-up from another thread is one
//! `write`, made only when no earlier one is still unseen by the loop.

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The key of the wake-up from other threads (sources use their reactor key).
const NOTIFY: Token = Token(usize::MAX);

/// How many events one wait takes at most (more are left for the next).
const EVENTS: usize = 1024;

/// The thread-safe side: registering sources and waking the loop.
pub(crate) struct Poller {
    registry: Registry,
    waker: mio::Waker,
    /// A wake-up was written that the loop has not waited past yet: further
    /// ones need no system call.
    notified: AtomicBool,
}

/// The loop's side: the wait itself and what it returned.
pub(crate) struct Wait {
    poll: Poll,
    events: Events,
}

/// One source's readiness as a wait reported it.
pub(crate) struct Readiness {
    pub(crate) key: usize,
    pub(crate) read: bool,
    pub(crate) write: bool,
    /// The direction will not block again (end of stream, error): no edge
    /// comes after this one.
    pub(crate) read_closed: bool,
    pub(crate) write_closed: bool,
}

/// A new poller: its waiting side (for the loop) and its shared side.
pub(crate) fn new() -> io::Result<(Wait, Poller)> {
    let poll = Poll::new()?;
    let registry = poll.registry().try_clone()?;
    let waker = mio::Waker::new(poll.registry(), NOTIFY)?;
    let wait = Wait {
        poll,
        events: Events::with_capacity(EVENTS),
    };
    let poller = Poller {
        registry,
        waker,
        notified: AtomicBool::new(false),
    };
    Ok((wait, poller))
}

impl Poller {
    /// Registers `fd` under `key` for both directions, edge-triggered: the
    /// readiness it has now is reported at the next wait, and every change
    /// after. The caller deregisters it before closing it.
    pub(crate) fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        self.registry
            .register(&mut SourceFd(&fd), Token(key), interest)
    }

    pub(crate) fn delete(&self, fd: RawFd) -> io::Result<()> {
        self.registry.deregister(&mut SourceFd(&fd))
    }

    /// Wakes the loop if it waits (or makes its next wait return at once).
    /// Async-signal-safe: an atomic swap and at most one `write`.
    ///
    /// Notifiers set what they hand over (the remote's `pending` flag) before
    /// calling this, and the loop clears the wake-up flag before it looks at
    /// that (all SeqCst): a notifier that skips the write saw the flag set
    /// after the loop's last clear, so the loop either sees the hand-over
    /// after its next clear or is woken by the write of whoever set the flag.
    pub(crate) fn notify(&self) -> io::Result<()> {
        if self.notified.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.waker.wake()
    }
}

impl Wait {
    /// Waits up to `timeout` (`None`: until something happens) for readiness
    /// or a wake-up.
    pub(crate) fn wait(&mut self, poller: &Poller, timeout: Option<Duration>) -> io::Result<()> {
        let waited = self.poll.poll(&mut self.events, timeout);
        poller.notified.store(false, Ordering::SeqCst);
        match waited {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            other => other,
        }
    }

    /// The sources the last wait found ready (not the wake-ups).
    pub(crate) fn ready(&self) -> impl Iterator<Item = Readiness> + '_ {
        self.events
            .iter()
            .filter(|e| e.token() != NOTIFY)
            .map(|e| Readiness {
                key: e.token().0,
                read: e.is_readable(),
                write: e.is_writable(),
                read_closed: e.is_read_closed() || e.is_error(),
                write_closed: e.is_write_closed() || e.is_error(),
            })
    }
}
