//! A socket registered with its loop's poller: the piece every aio socket type
//! is built on. It is added to the poller when a task first waits on it, so a
//! socket that never has to wait (a short connection, one handed back to std)
//! costs no poller system calls.

use crate::runtime::current::{expect_current, with_current};
use crate::runtime::reactor::Direction;
use crate::runtime::remote::{LoopId, Remote};
use crate::runtime::wait_reason::{note_wait, Wait};
use polling::{AsRawSource, AsSource, Event, PollMode};
use std::cell::Cell;
use std::io;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A non-blocking OS socket of the loop that made it, added to that loop's
/// poller once a task waits on it.
pub(crate) struct IoSource<T: AsSource> {
    io: T,
    key: usize,
    /// Added to the poller (at the first wait).
    registered: Cell<bool>,
    /// Registered edge-triggered (interest in both directions, set once);
    /// else one-shot, armed again each time a task waits.
    edge: bool,
    loop_id: LoopId,
    remote: Arc<Remote>,
    /// Its waiting is bookkept by one loop's thread-local state.
    _one_thread: PhantomData<*const ()>,
}

impl<T> IoSource<T>
where
    T: AsSource,
    for<'a> &'a T: AsRawSource,
{
    /// Takes `io`, which must already be in non-blocking mode, onto the
    /// running loop.
    pub(crate) fn new(io: T) -> io::Result<Self> {
        expect_current("an aio socket", |core| {
            let key = core.reactor.borrow_mut().insert();
            Ok(IoSource {
                io,
                key,
                registered: Cell::new(false),
                edge: core.remote.poller.supports_edge(),
                loop_id: core.id,
                remote: core.remote.clone(),
                _one_thread: PhantomData,
            })
        })
    }

    /// Adds the socket to the poller, once.
    fn register(&self) -> io::Result<()> {
        if self.registered.get() {
            return Ok(());
        }
        let poller = &self.remote.poller;
        // `add` requires that the source be deleted from the poller before it
        // is closed. `io` is owned by the `IoSource`, whose `Drop` deletes it
        // (being registered) before the field (the socket) is dropped, and
        // `into_inner` deletes it before handing it out; a poller that is gone
        // first has forgotten it anyway.
        // SAFETY: the deletion before closing, as just argued.
        unsafe {
            if self.edge {
                // Every change of readiness is reported once, with no system
                // call per wait; adding it reports the readiness it has now,
                // and a task waits only after its operation said "would
                // block", so no edge is missed.
                poller.add_with_mode(&self.io, Event::all(self.key), PollMode::Edge)?;
            } else {
                poller.add(&self.io, Event::none(self.key))?;
            }
        }
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
            true => this.remote.poller.delete(&this.io),
            false => Ok(()),
        };
        this.forget_key();
        // SAFETY: `this` is never used again and, being `ManuallyDrop`, never
        // dropped: each field that owns something (`io`, `remote`) is read
        // out exactly once, so nothing is dropped twice or leaked. We are on
        // the thread that owns the source (it is `!Send`), so `io` stays on it.
        let (io, remote) = unsafe { (ptr::read(&this.io), ptr::read(&this.remote)) };
        drop(remote);
        deleted.map(|()| io)
    }

    /// Runs `op` until it does not say "would block"; when it does, leaves
    /// `cx`'s waker for readiness in `direction` and returns `Pending`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            match op(&self.io) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                done => return Poll::Ready(done),
            }
        }
        let armed = with_current(|core| {
            if core.id != self.loop_id {
                panic!(
                    "an aio socket was used on another event loop than the one that made it; \
                     make the socket inside the loop that uses it"
                );
            }
            self.register()?;
            let interest = core
                .reactor
                .borrow_mut()
                .wait(self.key, direction, cx.waker());
            if self.edge {
                return Ok(());
            }
            // Arming when the socket is ready already reports it at once.
            self.remote.poller.modify(&self.io, interest)
        });
        match armed {
            Some(Ok(())) => {
                note_wait(Wait::Io(direction));
                Poll::Pending
            }
            Some(Err(e)) => Poll::Ready(Err(e)),
            None => panic!(
                "an aio socket was used with no event loop running; await it inside aio::run"
            ),
        }
    }
}

impl<T: AsSource> IoSource<T> {
    /// Frees the source's key in its loop's reactor. Dropped while its loop
    /// is not running here, the loop forgets the source when it next runs.
    fn forget_key(&self) {
        let key = self.key;
        Remote::on_loop(self.loop_id, move |core| {
            core.reactor.borrow_mut().remove(key)
        });
    }
}

impl<T: AsSource> Drop for IoSource<T> {
    fn drop(&mut self) {
        if self.registered.get() {
            let _ = self.remote.poller.delete(&self.io);
        }
        self.forget_key();
    }
}
