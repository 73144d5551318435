//! `Event`: asyncio's flag that tasks wait for.

use crate::runtime::{Wait, note_wait};
use event_listener::{Event as Listeners, EventListener};
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A flag that tasks can wait for, as asyncio's `Event`: `wait()` returns once
/// the flag is set; `set()` wakes every waiter; `clear()` lowers it again.
///
/// ```
/// aio::run(async {
///     let ready = std::rc::Rc::new(aio::Event::new());
///     let r = ready.clone();
///     let waiter = aio::create_task(async move { r.wait().await; "went" });
///     aio::yield_now().await;
///     ready.set();
///     assert_eq!(waiter.await.unwrap(), "went");
/// });
/// ```
#[derive(Default)]
pub struct Event {
    flag: Cell<bool>,
    /// How many times the flag went up: a waiter returns once it changed,
    /// even if a `clear()` came since.
    raised: Cell<u64>,
    listeners: Listeners,
}

impl Event {
    /// A new event, not set.
    ///
    /// ```
    /// assert!(!aio::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every waiter.
    ///
    /// ```
    /// aio::run(async {
    ///     let done = aio::Event::new();
    ///     done.set();
    ///     done.wait().await; // returns at once
    ///     assert!(done.is_set());
    /// });
    /// ```
    pub fn set(&self) {
        if !self.flag.replace(true) {
            self.raised.set(self.raised.get() + 1);
            self.listeners.notify(usize::MAX);
        }
    }

    /// Lowers the flag: later `wait()`s wait again.
    ///
    /// ```
    /// let event = aio::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        self.flag.set(false);
    }

    /// True while the flag is set.
    ///
    /// ```
    /// let event = aio::Event::new();
    /// assert!(!event.is_set());
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.flag.get()
    }

    /// Waits until the flag is set (at once if it already is).
    ///
    /// ```
    /// aio::run(async {
    ///     let ready = aio::Event::new();
    ///     let (waiter, ()) = aio::gather_all!(
    ///         async {
    ///             ready.wait().await; // waits for the other future
    ///             "woken"
    ///         },
    ///         async { ready.set() },
    ///     );
    ///     assert_eq!(waiter, "woken");
    /// });
    /// ```
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            since: None,
            listener: None,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}

/// The future of [`Event::wait`]. A waiter returns once the flag went up
/// after it began waiting, even if it was cleared again since.
///
/// ```
/// aio::run(async {
///     let event = std::rc::Rc::new(aio::Event::new());
///     let e = event.clone();
///     let waiter = aio::create_task(async move { e.wait().await });
///     aio::yield_now().await; // the waiter waits
///     event.set();
///     event.clear(); // too late to stop it
///     waiter.await.unwrap();
///     assert!(!event.is_set());
/// });
/// ```
#[must_use = "waiting only happens when awaited"]
pub struct EventWait<'a> {
    event: &'a Event,
    /// `raised` when the wait began.
    since: Option<u64>,
    listener: Option<EventListener>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let event = self.event;
        let since = *self.since.get_or_insert(event.raised.get());
        loop {
            // Set now, or set since the wait began (a clear() may already
            // have undone it: asyncio's waiters still return, so do we).
            // A listener's wake-up alone proves nothing: a notified
            // listener that is dropped passes its wake-up on.
            if event.is_set() || event.raised.get() != since {
                self.listener = None;
                return Poll::Ready(());
            }
            match self.listener.as_mut() {
                None => self.listener = Some(event.listeners.listen()),
                Some(listener) => {
                    if Pin::new(listener).poll(cx).is_pending() {
                        note_wait(Wait::On("an event"));
                        return Poll::Pending;
                    }
                    self.listener = None;
                }
            }
        }
    }
}
