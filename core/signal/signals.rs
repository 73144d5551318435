//! `Signals`: the signals a program listens to, as a stream.

use crate::runtime::{LoopCore, SignalListener, expect_current};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Signals received and not yet taken, and the task waiting for one.
#[derive(Default)]
struct Inbox {
    received: VecDeque<i32>,
    waker: Option<Waker>,
}

/// A stream of the signals received among those listened to (tokio's
/// `Signal`, asyncio's `add_signal_handler` as a stream).
///
/// Take them with [`recv`](Signals::recv) or as a
/// [`Stream`](futures_core::Stream). Like the kernel's own pending signals, a
/// signal received again before it was taken is taken once. While a
/// `Signals` lives, the signals it listens to no longer do what they did
/// before (end the process, ...); dropping it restores that, unless something
/// else listens. Use it on the loop that made it.
///
/// ```rust,standalone_crate
/// use aio::signal::{raise_signal, Signals, SIGHUP, SIGUSR2};
///
/// aio::run(async {
///     let mut signals = Signals::new([SIGHUP, SIGUSR2]).unwrap();
///     raise_signal(SIGUSR2).unwrap();
///     assert_eq!(signals.recv().await, SIGUSR2);
/// });
/// ```
pub struct Signals {
    inbox: Rc<RefCell<Inbox>>,
    signals: Vec<i32>,
    _listeners: Vec<SignalListener>,
}

impl Signals {
    /// Starts listening to `signals` on the running loop.
    ///
    /// An `InvalidInput` error for an empty list, a number that is no signal,
    /// or a signal that cannot be caught (`SIGKILL`, `SIGSTOP`) or whose
    /// handler could not return safely (`SIGSEGV`, `SIGILL`, `SIGFPE`).
    /// Panics when no loop runs on this thread.
    ///
    /// ```rust,standalone_crate
    /// use aio::signal::{Signals, SIGKILL, SIGTERM};
    ///
    /// aio::run(async {
    ///     assert!(Signals::new([SIGTERM]).is_ok());
    ///     let err = Signals::new([SIGKILL]).unwrap_err();
    ///     assert!(err.to_string().contains("cannot be listened to"));
    /// });
    /// ```
    pub fn new(signals: impl IntoIterator<Item = i32>) -> io::Result<Signals> {
        let signals: Vec<i32> = signals.into_iter().collect();
        if signals.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "aio::signal::Signals::new needs at least one signal to listen to",
            ));
        }
        expect_current("aio::signal::Signals::new", |core| {
            let inbox = Rc::new(RefCell::new(Inbox::default()));
            let mut listeners = Vec::with_capacity(signals.len());
            for &sig in &signals {
                let inbox = inbox.clone();
                let on_signal = Rc::new(move |_: &LoopCore, _| {
                    let mut inbox = inbox.borrow_mut();
                    if !inbox.received.contains(&sig) {
                        inbox.received.push_back(sig);
                    }
                    if let Some(waker) = inbox.waker.take() {
                        waker.wake();
                    }
                });
                listeners.push(core.listen_signal(sig, on_signal)?);
            }
            Ok(Signals {
                inbox,
                signals,
                _listeners: listeners,
            })
        })
    }

    /// Waits for the next signal and returns its number. Cancel-safe: a
    /// `recv` dropped before it completed takes no signal.
    ///
    /// ```rust,standalone_crate
    /// use aio::signal::{raise_signal, Signals, SIGHUP, SIGTERM};
    ///
    /// aio::run(async {
    ///     let mut signals = Signals::new([SIGHUP, SIGTERM]).unwrap();
    ///     raise_signal(SIGHUP).unwrap();
    ///     raise_signal(SIGHUP).unwrap(); // before the first was taken: merged
    ///     raise_signal(SIGTERM).unwrap();
    ///     assert_eq!(signals.recv().await, SIGHUP);
    ///     assert_eq!(signals.recv().await, SIGTERM);
    /// });
    /// ```
    pub async fn recv(&mut self) -> i32 {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next signal: what [`recv`](Self::recv) awaits, for a
    /// hand-written future or `poll_fn`.
    ///
    /// ```rust,standalone_crate
    /// use aio::signal::{raise_signal, Signals, SIGUSR1};
    /// use std::task::Poll;
    ///
    /// aio::run(async {
    ///     let mut signals = Signals::new([SIGUSR1]).unwrap();
    ///     // Take what was received without waiting.
    ///     let pending = std::future::poll_fn(|cx| Poll::Ready(signals.poll_recv(cx))).await;
    ///     assert!(pending.is_pending());
    ///     raise_signal(SIGUSR1).unwrap();
    ///     // Received by the loop at its next turn: wait for it.
    ///     let sig = std::future::poll_fn(|cx| signals.poll_recv(cx)).await;
    ///     assert_eq!(sig, SIGUSR1);
    /// });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<i32> {
        let mut inbox = self.inbox.borrow_mut();
        match inbox.received.pop_front() {
            Some(sig) => Poll::Ready(sig),
            None => {
                inbox.waker = Some(cx.waker().clone());
                crate::runtime::note_wait(crate::runtime::Wait::On("a signal"));
                Poll::Pending
            }
        }
    }
}

impl futures_core::Stream for Signals {
    type Item = i32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<i32>> {
        self.get_mut().poll_recv(cx).map(Some)
    }
}

impl fmt::Debug for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signals")
            .field("signals", &self.signals)
            .field("received", &self.inbox.borrow().received)
            .finish()
    }
}
