//! `Promise<T>`: asyncio's `Future`, a placeholder whose result is set later.

use crate::cancel::{CancelRegistry, Cancelled, CatcherSlot, reraise, take_catchable};
use crate::runtime::{expect_current, with_current};
use event_listener::{Event, EventListener};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// The error of setting a [`Promise`] that is already done (asyncio's
/// `InvalidStateError`).
///
/// ```
/// let promise = aio::Promise::new();
/// promise.set_result(1).unwrap();
/// let err = promise.set_result(2).unwrap_err();
/// assert_eq!(err.to_string(), "the promise is already done: a result can be set only once");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidStateError;

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the promise is already done: a result can be set only once")
    }
}

impl std::error::Error for InvalidStateError {}

enum State<T> {
    Pending,
    Done(T),
    Cancelled(Cancelled),
}

struct Shared<T> {
    state: Mutex<State<T>>,
    done: Event,
}

/// A placeholder for a value that will be set later: asyncio's `Future`
/// (`loop.create_future()`), named so as not to shadow `std::future::Future`.
///
/// Any number of tasks may await it (each gets a clone of the value); it is set
/// once with [`set_result`](Self::set_result) or [`cancel`](Self::cancel)led.
/// It is `Send + Sync` when `T: Send`, so a thread may set it directly or
/// through [`LoopHandle::call_soon_threadsafe`](crate::LoopHandle).
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let lp = aio::get_running_loop();
///     let promise = lp.create_future();
///     let setter = promise.clone();
///     lp.call_later(Duration::from_millis(10), move || {
///         setter.set_result("done").unwrap();
///     });
///     assert_eq!(promise.await, Ok("done"));
/// });
/// ```
pub struct Promise<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Promise<T> {
    /// A new, pending promise.
    ///
    /// ```
    /// aio::run(async {
    ///     let promise: aio::Promise<u32> = aio::Promise::new();
    ///     assert!(!promise.is_done());
    ///     promise.set_result(1).unwrap();
    ///     assert_eq!(promise.await, Ok(1));
    /// });
    /// ```
    pub fn new() -> Self {
        Promise {
            shared: Arc::new(Shared {
                state: Mutex::new(State::Pending),
                done: Event::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // No code that can panic runs while the lock is held.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn finish(&self, to: State<T>) -> Result<(), State<T>> {
        let mut state = self.lock();
        if !matches!(*state, State::Pending) {
            return Err(to);
        }
        *state = to;
        drop(state);
        self.shared.done.notify(usize::MAX);
        Ok(())
    }

    /// Sets the value and wakes every awaiter; an error if already done.
    ///
    /// ```
    /// aio::run(async {
    ///     let promise = aio::Promise::new();
    ///     assert_eq!(promise.set_result("first"), Ok(()));
    ///     assert_eq!(promise.set_result("second"), Err(aio::InvalidStateError));
    ///     assert_eq!(promise.await, Ok("first"));
    /// });
    /// ```
    pub fn set_result(&self, value: T) -> Result<(), InvalidStateError> {
        self.finish(State::Done(value))
            .map_err(|_| InvalidStateError)
    }

    /// Cancels the promise: awaiters get `Err(cancelled)`, whose reason is
    /// [`CancelReason::Explicit`](crate::CancelReason) with the caller's
    /// location. `false` if done.
    ///
    /// ```
    /// aio::run(async {
    ///     let promise = aio::Promise::<u32>::new();
    ///     assert!(promise.cancel());
    ///     assert!(promise.is_cancelled());
    ///     assert!(promise.await.is_err()); // the awaiters get `Cancelled`
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.cancel_as(Cancelled::explicit(None))
    }

    /// Like [`cancel`](Self::cancel), with a message.
    ///
    /// ```
    /// aio::run(async {
    ///     let promise = aio::Promise::<u32>::new();
    ///     promise.cancel_with("no reply will come");
    ///     let err = promise.await.unwrap_err();
    ///     assert!(err.to_string().contains("no reply will come"), "{err}");
    /// });
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.cancel_as(Cancelled::explicit(Some(message.into())))
    }

    pub(crate) fn cancel_as(&self, cancelled: Cancelled) -> bool {
        self.finish(State::Cancelled(cancelled)).is_ok()
    }

    /// True once a value was set or the promise was cancelled.
    ///
    /// ```
    /// let promise = aio::Promise::new();
    /// assert!(!promise.is_done());
    /// promise.set_result(()).unwrap();
    /// assert!(promise.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        !matches!(*self.lock(), State::Pending)
    }

    /// True if the promise was cancelled.
    ///
    /// ```
    /// let promise = aio::Promise::<()>::new();
    /// assert!(!promise.is_cancelled());
    /// promise.cancel();
    /// assert!(promise.is_cancelled() && promise.is_done());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(*self.lock(), State::Cancelled(_))
    }

    /// The outcome without waiting: `None` while pending.
    ///
    /// ```
    /// let promise = aio::Promise::new();
    /// assert_eq!(promise.result(), None);
    /// promise.set_result(5).unwrap();
    /// assert_eq!(promise.result(), Some(Ok(5)));
    /// ```
    pub fn result(&self) -> Option<Result<T, Cancelled>>
    where
        T: Clone,
    {
        match &*self.lock() {
            State::Pending => None,
            State::Done(value) => Some(Ok(value.clone())),
            State::Cancelled(cancelled) => Some(Err(cancelled.clone())),
        }
    }

    /// Calls `callback` with the outcome on the running loop once the promise is
    /// done (soon after, as asyncio schedules done callbacks).
    ///
    /// Panics when no loop runs on this thread.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// aio::run(async {
    ///     let seen = Rc::new(Cell::new(0));
    ///     let promise = aio::Promise::new();
    ///     let report = seen.clone();
    ///     promise.add_done_callback(move |outcome| report.set(outcome.unwrap()));
    ///     promise.set_result(3).unwrap();
    ///     aio::yield_now().await; // the callback runs soon after
    ///     assert_eq!(seen.get(), 3);
    /// });
    /// ```
    #[track_caller]
    pub fn add_done_callback(&self, callback: impl FnOnce(Result<T, Cancelled>) + 'static)
    where
        T: Clone + 'static,
    {
        let promise = self.clone();
        let location = std::panic::Location::caller();
        expect_current("Promise::add_done_callback", |core| {
            let callback = async move { callback(promise.await) };
            let task = crate::task::spawn_at(core, callback, location);
            task.mark_internal();
        });
    }
}

impl<T> Clone for Promise<T> {
    /// Another handle to the same promise.
    fn clone(&self) -> Self {
        Promise {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Default for Promise<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> IntoFuture for Promise<T> {
    type Output = Result<T, Cancelled>;
    type IntoFuture = PromiseWait<Promise<T>>;

    fn into_future(self) -> Self::IntoFuture {
        PromiseWait::new(self)
    }
}

impl<'a, T: Clone> IntoFuture for &'a Promise<T> {
    type Output = Result<T, Cancelled>;
    type IntoFuture = PromiseWait<&'a Promise<T>>;

    fn into_future(self) -> Self::IntoFuture {
        PromiseWait::new(self)
    }
}

/// The await of a [`Promise`] (`promise.await` or `(&promise).await`).
///
/// On a loop it is a catch point, as in asyncio: if the awaiting code is
/// cancelled, the promise is cancelled (with the same reason) and the
/// awaiting code ends cancelled; if the promise was set first, its value is
/// returned. Wrap the promise in [`shield`](crate::shield) to leave it alone.
/// Dropping the await leaves nothing behind.
///
/// ```
/// aio::run(async {
///     let promise = aio::Promise::new();
///     promise.set_result(3).unwrap();
///     assert_eq!((&promise).await, Ok(3));
///     assert_eq!(promise.await, Ok(3));
/// });
/// ```
#[must_use = "a promise's await does nothing unless polled"]
pub struct PromiseWait<P> {
    promise: P,
    listener: Option<EventListener>,
    catcher: CatcherSlot,
}

impl<P> PromiseWait<P> {
    fn new(promise: P) -> Self {
        PromiseWait {
            promise,
            listener: None,
            catcher: CatcherSlot::default(),
        }
    }

    fn release_catcher(&mut self) {
        if self.catcher.is_registered() {
            with_current(|core| self.catcher.release(&CancelRegistry::of(core)));
        }
    }
}

impl<P> Unpin for PromiseWait<P> {}

/// A promise, owned or borrowed, as a [`PromiseWait`] holds it: awaiting
/// `&promise` leaves the promise to await again or to hand on.
///
/// ```
/// fn wait_for_value<P: aio::PromiseRef<Value = u8>>(p: aio::PromiseWait<P>) -> aio::PromiseWait<P> {
///     p // `P` is `Promise<u8>` or `&Promise<u8>`
/// }
///
/// aio::run(async {
///     let promise = aio::Promise::new();
///     promise.set_result(4).unwrap();
///     assert_eq!(wait_for_value((&promise).into_future()).await, Ok(4));
///     assert_eq!(wait_for_value(promise.into_future()).await, Ok(4));
/// });
/// ```
pub trait PromiseRef {
    /// The promise's value.
    type Value;
    /// The promise.
    #[doc(hidden)]
    fn promise(&self) -> &Promise<Self::Value>;
}

impl<T> PromiseRef for Promise<T> {
    type Value = T;
    fn promise(&self) -> &Promise<T> {
        self
    }
}

impl<T> PromiseRef for &Promise<T> {
    type Value = T;
    fn promise(&self) -> &Promise<T> {
        self
    }
}

impl<P: PromiseRef> Future for PromiseWait<P>
where
    P::Value: Clone,
{
    type Output = Result<P::Value, Cancelled>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            if let Some(outcome) = self.promise.promise().result() {
                self.listener = None;
                self.release_catcher();
                return Poll::Ready(outcome);
            }
            match self.listener.as_mut() {
                None => {
                    // Listen, then look again: a set between the two is seen.
                    self.listener = Some(self.promise.promise().shared.done.listen());
                }
                Some(listener) => {
                    if Pin::new(listener).poll(cx).is_pending() {
                        break;
                    }
                    self.listener = None;
                }
            }
        }
        let this = &mut *self;
        let forwarded = with_current(|core| {
            let registry = CancelRegistry::of(core);
            if let Some(cancelled) = take_catchable(core, &registry) {
                let origin = cancelled.origin;
                if this.promise.promise().cancel_as(cancelled) {
                    this.catcher.release(&registry);
                    reraise(core, &registry, origin);
                    return true;
                }
                // Set meanwhile: the value wins (a cancellation suppressed).
                return false;
            }
            this.catcher.wait(core, &registry, cx.waker());
            true
        });
        match forwarded {
            Some(false) => self.poll(cx),
            _ => {
                crate::runtime::note_wait(crate::runtime::Wait::On("a promise"));
                Poll::Pending
            }
        }
    }
}

impl<P> Drop for PromiseWait<P> {
    fn drop(&mut self) {
        self.release_catcher();
    }
}

impl<P> fmt::Debug for PromiseWait<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromiseWait").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &*self.lock() {
            State::Pending => "pending",
            State::Done(_) => "done",
            State::Cancelled(_) => "cancelled",
        };
        f.debug_struct("Promise").field("state", &state).finish()
    }
}
