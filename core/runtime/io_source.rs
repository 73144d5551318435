//! A socket registered with its loop's poller: the piece every aio socket type
//! is built on.

use crate::runtime::current::{expect_current, with_current};
use crate::runtime::reactor::Direction;
use crate::runtime::remote::{LoopId, Remote};
use crate::runtime::wait_reason::{note_wait, Wait};
use polling::{AsRawSource, AsSource, Event, PollMode};
use std::io;
use std::marker::PhantomData;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A non-blocking OS socket added to the poller of the loop that made it.
pub(crate) struct IoSource<T: AsSource> {
    io: T,
    key: usize,
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
    /// Registers `io`, which must already be in non-blocking mode.
    pub(crate) fn new(io: T) -> io::Result<Self> {
        expect_current("an aio socket", |core| {
            let key = core.reactor.borrow_mut().insert();
            let poller = &core.remote.poller;
            let edge = poller.supports_edge();
            // `add` requires that the source be deleted from the poller
            // before it is closed. `io` is owned by the `IoSource`, whose
            // `Drop` deletes it before the field (the socket) is dropped; a
            // poller that is gone first has forgotten it anyway.
            // SAFETY: the deletion before closing, as just argued.
            let added = unsafe {
                if edge {
                    // Every change of readiness is reported once, with no
                    // system call per wait; a task waits only after its
                    // operation said "would block", so no edge is missed.
                    poller.add_with_mode(&io, Event::all(key), PollMode::Edge)
                } else {
                    poller.add(&io, Event::none(key))
                }
            };
            if let Err(e) = added {
                core.reactor.borrow_mut().remove(key);
                return Err(e);
            }
            Ok(IoSource {
                io,
                key,
                edge,
                loop_id: core.id,
                remote: core.remote.clone(),
                _one_thread: PhantomData,
            })
        })
    }

    pub(crate) fn get_ref(&self) -> &T {
        &self.io
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

impl<T: AsSource> Drop for IoSource<T> {
    fn drop(&mut self) {
        let _ = self.remote.poller.delete(&self.io);
        // Dropped while its loop is not running here, the loop forgets the
        // source when it next runs.
        let key = self.key;
        Remote::on_loop(self.loop_id, move |core| {
            core.reactor.borrow_mut().remove(key)
        });
    }
}
