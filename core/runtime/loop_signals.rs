//! Signals, per loop: who on this loop listens to which signal.
//!
//! For each signal some task of the loop listens to, the loop registers one
//! action with signal-hook's registry. In the handler (any thread), it counts
//! the delivery, marks the loop's remote side and wakes the loop through its
//! poller: atomics and one `write`, all async-signal-safe. At its next turn
//! the loop hands each listener the deliveries it has not seen yet. Each loop
//! registers its own action, so loops come and go without a process-wide
//! pointer that one of them could clear under another.

use crate::runtime::loop_core::LoopCore;
use crate::runtime::loop_locals::LoopLocal;
use crate::runtime::signal_hub;
use signal_hook::SigId;
use std::cell::{Cell, RefCell};
use std::io;
use std::os::raw::c_int;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a listener does when its signal arrived, on the loop's thread, with
/// the number of deliveries since it last ran.
pub(crate) type OnSignal = Rc<dyn Fn(&LoopCore, u64)>;

struct Listener {
    id: u64,
    on_signal: OnSignal,
    /// The signal's delivery count this listener has been told about.
    seen: u64,
    /// The loop's own (Ctrl-C for `aio::run`, debug mode's SIGQUIT): it does
    /// not count as the program waiting for a signal.
    internal: bool,
}

/// One signal listened to on this loop.
struct Entry {
    sig: c_int,
    /// This loop's action in the registry.
    action: SigId,
    /// Deliveries counted by the action since it was registered.
    delivered: Arc<AtomicU64>,
    listeners: Vec<Listener>,
}

/// The signals listened to on one loop (kept in the loop's locals).
#[derive(Default)]
pub(crate) struct LoopSignals {
    entries: RefCell<Vec<Entry>>,
    next_id: Cell<u64>,
}

impl LoopLocal for LoopSignals {
    fn close(&self) {
        for entry in self.entries.take() {
            signal_hook::low_level::unregister(entry.action);
            for _ in &entry.listeners {
                signal_hub::listener_removed(entry.sig);
            }
        }
    }
}

impl LoopSignals {
    fn add(
        &self,
        core: &LoopCore,
        sig: c_int,
        on_signal: OnSignal,
        internal: bool,
    ) -> io::Result<u64> {
        let mut entries = self.entries.borrow_mut();
        let at = match entries.iter().position(|e| e.sig == sig) {
            Some(at) => at,
            None => {
                let delivered = Arc::new(AtomicU64::new(0));
                let counted = delivered.clone();
                let remote = core.remote.clone();
                let action = move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    remote.signal_pending.store(true, Ordering::Release);
                    let _ = remote.poller.notify();
                };
                // Sound: the action does only async-signal-safe work: atomic
                // operations and the poller's notify (a compare-exchange and
                // one `write` to an eventfd or pipe, or a `kevent` trigger).
                // What it owns (two `Arc`s of `Send + Sync` values) is dropped
                // by `unregister`, on the thread that calls it, after the
                // registry has waited out any handler still running it.
                // SAFETY: as argued in the comment just above.
                let action = unsafe { signal_hook::low_level::register(sig, action) }?;
                entries.push(Entry {
                    sig,
                    action,
                    delivered,
                    listeners: Vec::new(),
                });
                entries.len() - 1
            }
        };
        let entry = &mut entries[at];
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        entry.listeners.push(Listener {
            id,
            on_signal,
            // Only deliveries from now on are this listener's.
            seen: entry.delivered.load(Ordering::SeqCst),
            internal,
        });
        signal_hub::listener_added(sig);
        Ok(id)
    }

    fn remove(&self, sig: c_int, id: u64) {
        let mut entries = self.entries.borrow_mut();
        let Some(at) = entries.iter().position(|e| e.sig == sig) else {
            return;
        };
        let entry = &mut entries[at];
        let before = entry.listeners.len();
        entry.listeners.retain(|l| l.id != id);
        if entry.listeners.len() < before {
            signal_hub::listener_removed(sig);
        }
        if entry.listeners.is_empty() {
            let entry = entries.swap_remove(at);
            drop(entries);
            signal_hook::low_level::unregister(entry.action);
        }
    }

    /// Hands each listener the deliveries it has not seen.
    fn dispatch(&self, core: &LoopCore) {
        let mut calls = Vec::new();
        for entry in self.entries.borrow_mut().iter_mut() {
            let delivered = entry.delivered.load(Ordering::SeqCst);
            for listener in &mut entry.listeners {
                if delivered > listener.seen {
                    calls.push((listener.on_signal.clone(), delivered - listener.seen));
                    listener.seen = delivered;
                }
            }
        }
        // Not under the borrow: a listener may add or remove listeners.
        for (on_signal, count) in calls {
            on_signal(core, count);
        }
    }
}

/// A listener of a signal on one loop; dropping it stops listening.
pub(crate) struct SignalListener {
    sig: c_int,
    id: u64,
    signals: Weak<LoopSignals>,
}

impl Drop for SignalListener {
    fn drop(&mut self) {
        // After the loop closed, there is nothing left to remove.
        if let Some(signals) = self.signals.upgrade() {
            signals.remove(self.sig, self.id);
        }
    }
}

impl LoopCore {
    /// Calls `on_signal` on this loop, at its next turn, after `sig` arrives.
    /// An error for a signal that cannot be listened to (see
    /// `signal_hub::check`).
    pub(crate) fn listen_signal(
        &self,
        sig: c_int,
        on_signal: OnSignal,
    ) -> io::Result<SignalListener> {
        self.listen(sig, on_signal, false)
    }

    /// Like [`listen_signal`](Self::listen_signal), for the loop's own
    /// listeners (see `Listener::internal`).
    pub(crate) fn listen_signal_internal(
        &self,
        sig: c_int,
        on_signal: OnSignal,
    ) -> io::Result<SignalListener> {
        self.listen(sig, on_signal, true)
    }

    fn listen(
        &self,
        sig: c_int,
        on_signal: OnSignal,
        internal: bool,
    ) -> io::Result<SignalListener> {
        signal_hub::hook(sig)?;
        let signals = self.locals.get_or_insert(LoopSignals::default);
        let id = signals.add(self, sig, on_signal, internal)?;
        Ok(SignalListener {
            sig,
            id,
            signals: Rc::downgrade(&signals),
        })
    }

    /// True when the program listens to a signal on this loop (one may
    /// arrive and wake a task).
    pub(crate) fn listens_to_signals(&self) -> bool {
        self.locals.get::<LoopSignals>().is_some_and(|signals| {
            signals
                .entries
                .borrow()
                .iter()
                .any(|e| e.listeners.iter().any(|l| !l.internal))
        })
    }

    /// At each turn: hands the signals that arrived to their listeners.
    pub(crate) fn dispatch_signals(&self) {
        // The load keeps a turn without signals at one plain read.
        if !self.remote.signal_pending.load(Ordering::Relaxed)
            || !self.remote.signal_pending.swap(false, Ordering::Acquire)
        {
            return;
        }
        if let Some(signals) = self.locals.get::<LoopSignals>() {
            signals.dispatch(self);
        }
    }
}
