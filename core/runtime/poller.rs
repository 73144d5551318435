//! The loop's OS poller (mio: epoll, kqueue). Sources are registered once,
//! edge-triggered in both directions, so waiting on one costs no system call;
//! a wait of the loop is one system call (its timeout in whole milliseconds,
//! rounded up, as tokio's and asyncio's), and a wait shorter than a
//! millisecond arms a timerfd first (Linux), so that timers close together
//! fire on time; a wake-up from another thread is one `write`, made only when
//! no earlier one is still unseen by the loop.

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Registry, Token};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The key of the wake-up from other threads (sources use their reactor key).
const NOTIFY: Token = Token(usize::MAX);
/// The key of the timer of waits shorter than a millisecond.
const PRECISE: Token = Token(usize::MAX - 1);

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
    /// Ends waits shorter than a millisecond on time; `None` where the
    /// system has no timerfd (such waits then last a millisecond).
    precise: Option<precise::Timer>,
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
    let precise = precise::Timer::new(poll.registry(), PRECISE);
    let wait = Wait {
        poll,
        events: Events::with_capacity(EVENTS),
        precise,
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
        let timeout = match (timeout, &self.precise) {
            // The poller's timeout would round this up to a millisecond.
            (Some(t), Some(timer)) if !t.is_zero() && t < Duration::from_millis(1) => {
                match timer.arm(t) {
                    Ok(()) => None,
                    Err(_) => timeout,
                }
            }
            _ => timeout,
        };
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
            .filter(|e| e.token() != NOTIFY && e.token() != PRECISE)
            .map(|e| Readiness {
                key: e.token().0,
                read: e.is_readable(),
                write: e.is_writable(),
                read_closed: e.is_read_closed() || e.is_error(),
                write_closed: e.is_write_closed() || e.is_error(),
            })
    }
}

// Miri emulates epoll and eventfd (mio's poll and waker) but not timerfd:
// under it, waits shorter than a millisecond take the portable path below.
#[cfg(all(any(target_os = "linux", target_os = "android"), not(miri)))]
mod precise {
    use mio::unix::SourceFd;
    use mio::{Interest, Registry, Token};
    use rustix::time::{
        Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
        timerfd_settime,
    };
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::time::Duration;

    /// A one-shot monotonic timerfd in the poller.
    pub(super) struct Timer(OwnedFd);

    impl Timer {
        pub(super) fn new(registry: &Registry, token: Token) -> Option<Timer> {
            let flags = TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC;
            let fd = timerfd_create(TimerfdClockId::Monotonic, flags).ok()?;
            // The timerfd lives as long as the poll it is registered with
            // (both in `Wait`), so it is never closed while registered.
            let mut source = SourceFd(&fd.as_raw_fd());
            registry
                .register(&mut source, token, Interest::READABLE)
                .ok()?;
            Some(Timer(fd))
        }

        /// Fires once, `after` from now (replacing any earlier arming, which
        /// also clears its count: the timerfd is never read).
        pub(super) fn arm(&self, after: Duration) -> std::io::Result<()> {
            let zero = Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            let value = Timespec {
                tv_sec: after.as_secs() as _,
                tv_nsec: after.subsec_nanos() as _,
            };
            let spec = Itimerspec {
                it_interval: zero,
                it_value: value,
            };
            timerfd_settime(&self.0, TimerfdTimerFlags::empty(), &spec)?;
            Ok(())
        }
    }
}

#[cfg(not(all(any(target_os = "linux", target_os = "android"), not(miri))))]
mod precise {
    use mio::{Registry, Token};
    use std::time::Duration;

    /// No timerfd here (or under Miri): waits shorter than a millisecond last
    /// a millisecond.
    pub(super) struct Timer;

    impl Timer {
        pub(super) fn new(_: &Registry, _: Token) -> Option<Timer> {
            None
        }

        pub(super) fn arm(&self, _: Duration) -> std::io::Result<()> {
            Ok(())
        }
    }
}
