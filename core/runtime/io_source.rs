//! A socket registered with its loop's poller: the piece every aio socket type
//! is built on. It is added to the poller when a task first waits on it, so a
//! socket that never has to wait (a short connection, one handed back to std)
//! costs no poller system calls.

use crate::runtime::current::{expect_current, with_current};
use crate::runtime::loop_core::LoopCore;
use crate::runtime::reactor::Direction;
use crate::runtime::remote::{LoopId, Remote};
use crate::runtime::wait_reason::{Wait, note_wait};
use std::cell::Cell;
use std::io;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::os::fd::AsRawFd;
use std::ptr;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A non-blocking OS socket of the loop that made it, added to that loop's
/// poller once a task waits on it.
pub(crate) struct IoSource<T: AsRawFd> {
    io: T,
    key: usize,
    /// Added to the poller (at the first wait).
    registered: Cell<bool>,
    loop_id: LoopId,
    remote: Arc<Remote>,
    /// Its waiting is bookkept by one loop's thread-local state.
    _one_thread: PhantomData<*const ()>,
}

impl<T: AsRawFd> IoSource<T> {
    /// Takes `io`, which must already be in non-blocking mode, onto the
    /// running loop.
    pub(crate) fn new(io: T) -> io::Result<Self> {
        expect_current("an aio socket", |core| {
            let key = core.reactor.borrow_mut().insert();
            Ok(IoSource {
                io,
                key,
                registered: Cell::new(false),
                loop_id: core.id,
                remote: core.remote.clone(),
                _one_thread: PhantomData,
            })
        })
    }

    /// Adds the socket to the poller, once: edge-triggered both ways, which
    /// reports the readiness it has now; a task waits only after its
    /// operation said "would block", so no edge is missed.
    fn register(&self) -> io::Result<()> {
        if self.registered.get() {
            return Ok(());
        }
        // The poller must forget the socket before it is closed: `io` is owned
        // by the `IoSource`, whose `Drop` deletes it (being registered) before
        // the field (the socket) is dropped, and `into_inner` deletes it
        // before handing it out.
        self.remote.poller.add(self.io.as_raw_fd(), self.key)?;
        self.registered.set(true);
        Ok(())
    }

    pub(crate) fn get_ref(&self) -> &T {
        &self.io
    }

    /// Takes the socket off the loop and gives it back.
    pub(crate) fn into_inner(self) -> io::Result<T> {
        let this = ManuallyDrop::new(self);
        let deleted = match this.registered.get() {
            true => this.remote.poller.delete(this.io.as_raw_fd()),
            false => Ok(()),
        };
        this.forget_key();
        // Sound: `this` is never used again and, being `ManuallyDrop`, never
        // dropped: each field that owns something (`io`, `remote`) is read
        // out exactly once, so nothing is dropped twice or leaked. We are on
        // the thread that owns the source (it is `!Send`), so `io` stays on it.
        // SAFETY: as argued in the comment just above.
        let (io, remote) = unsafe { (ptr::read(&this.io), ptr::read(&this.remote)) };
        drop(remote);
        deleted.map(|()| io)
    }

    /// Runs `op` unless the source is known not to be ready in `direction`,
    /// until it does not say "would block"; when it does (or was not tried),
    /// leaves `cx`'s waker for the next edge in `direction` and returns
    /// `Pending`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let polled = with_current(|core| {
            if core.id != self.loop_id {
                panic!(
                    "an aio socket was used on another event loop than the one that made it; \
                     make the socket inside the loop that uses it"
                );
            }
            if core.reactor.borrow().may_be_ready(self.key, direction) {
                loop {
                    match op(&self.io) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        done => return Poll::Ready(done),
                    }
                }
            }
            match self.wait(core, direction, cx) {
                Ok(()) => {
                    note_wait(Wait::Io(direction));
                    Poll::Pending
                }
                Err(e) => Poll::Ready(Err(e)),
            }
        });
        polled.unwrap_or_else(|| {
            panic!("an aio socket was used with no event loop running; await it inside aio::run")
        })
    }

    /// [`poll_io`](Self::poll_io) for a read or write of `len` bytes on a
    /// stream: one that moved fewer drained the socket (or filled its
    /// buffer), so the next waits for an edge rather than failing first.
    pub(crate) fn poll_bytes(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let polled = self.poll_io(cx, direction, op);
        if let Poll::Ready(Ok(n)) = polled {
            if n > 0 && n < len {
                with_current(|core| core.reactor.borrow_mut().clear_ready(self.key, direction));
            }
        }
        polled
    }

    /// Leaves `cx`'s waker for the next edge in `direction`.
    fn wait(&self, core: &LoopCore, direction: Direction, cx: &Context<'_>) -> io::Result<()> {
        self.register()?;
        core.reactor
            .borrow_mut()
            .wait(self.key, direction, cx.waker());
        Ok(())
    }
}

impl<T: AsRawFd> IoSource<T> {
    /// Frees the source's key in its loop's reactor. Dropped while its loop
    /// is not running here, the loop forgets the source when it next runs.
    fn forget_key(&self) {
        let key = self.key;
        Remote::on_loop(self.loop_id, move |core| {
            core.reactor.borrow_mut().remove(key)
        });
    }
}

impl<T: AsRawFd> Drop for IoSource<T> {
    fn drop(&mut self) {
        if self.registered.get() {
            let _ = self.remote.poller.delete(self.io.as_raw_fd());
        }
        self.forget_key();
    }
}
