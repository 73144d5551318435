//! The stream an async generator makes: its body is an `async move` block
//! whose `yield value` the macro turns into `yielder.send(value).await`.
//!
//! The body and the stream share one slot. `send` puts the value there and
//! suspends the body once; `poll_next` finds it after polling the body and
//! returns it. No thread-local, no `unsafe`: the slot is an `Rc`, which a
//! single-threaded loop can afford, and the body is boxed so that the stream
//! is `Unpin` and `.next().await` needs no pinning by the user.

use futures_core::Stream;
use futures_core::stream::FusedStream;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

type Slot<T> = Rc<Cell<Option<T>>>;

/// The stream of an async generator written with [`stream!`](crate::stream!)
/// or [`try_stream!`](crate::try_stream!): Python's `async def` with `yield`,
/// iterated with `while let Some(item) = generator.next().await`.
///
/// The body runs only while the stream is polled, from one `yield` to the
/// next. Dropping the stream drops the body where it stands (at an `.await`
/// or a `yield`), so its cleanup (`Drop` of its locals) runs then, as
/// asyncio's `aclose()`. It is `Unpin` (no `pin!` needed) and, like the
/// loop's tasks, not `Send`.
///
/// ```
/// use aio::StreamExt;
/// use std::time::Duration;
///
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut ticks = aio::stream! {
///         for i in 0..3 {
///             aio::sleep(Duration::from_secs(1)).await;
///             yield i;
///         }
///     };
///     let start = aio::now();
///     assert_eq!(ticks.next().await, Some(0));
///     assert_eq!(ticks.next().await, Some(1));
///     assert_eq!(ticks.next().await, Some(2));
///     assert_eq!(ticks.next().await, None);
///     assert_eq!(aio::now() - start, Duration::from_secs(3));
/// });
/// ```
pub struct Generator<T, F> {
    slot: Slot<T>,
    /// `None` once the body has finished (or ended with an error).
    body: Option<Pin<Box<F>>>,
}

impl<T, F> Generator<T, F> {
    /// The generator of a body built around the yielder of `slot`; the
    /// macros call it.
    #[doc(hidden)]
    pub fn __new(slot: Slot<T>, body: F) -> Self
    where
        F: Future<Output = ()>,
    {
        Generator {
            slot,
            body: Some(Box::pin(body)),
        }
    }
}

impl<T, F> Unpin for Generator<T, F> {}

impl<T, F> Stream for Generator<T, F>
where
    F: Future<Output = ()>,
{
    type Item = T;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        match body.as_mut().poll(cx) {
            // A body suspended by `send` left its value in the slot; one
            // suspended on anything else has registered its waker.
            Poll::Pending => match this.slot.take() {
                Some(item) => Poll::Ready(Some(item)),
                None => Poll::Pending,
            },
            // `try_stream!`'s error is in the slot as the body returns.
            Poll::Ready(()) => {
                this.body = None;
                Poll::Ready(this.slot.take())
            }
        }
    }
}

impl<T, F> FusedStream for Generator<T, F>
where
    F: Future<Output = ()>,
{
    fn is_terminated(&self) -> bool {
        self.body.is_none()
    }
}

impl<T, F> fmt::Debug for Generator<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("finished", &self.body.is_none())
            .finish()
    }
}

/// The generator body's end of the slot: `yield value` is
/// `yielder.send(value).await`.
#[doc(hidden)]
pub struct Yielder<T> {
    slot: Slot<T>,
}

/// A yielder and the slot it fills, for [`Generator::__new`].
#[doc(hidden)]
pub fn __yielder<T>() -> (Yielder<T>, Slot<T>) {
    let slot = Rc::new(Cell::new(None));
    (Yielder { slot: slot.clone() }, slot)
}

impl<T> Yielder<T> {
    /// Hands `value` to the stream; awaiting the result suspends the body
    /// until the stream is polled again.
    #[inline]
    pub fn send(&self, value: T) -> Yielding {
        self.slot.set(Some(value));
        Yielding { suspended: false }
    }
}

impl<T, E> Yielder<Result<T, E>> {
    /// `yield value` in `try_stream!`: the item is `Ok(value)`.
    pub fn send_ok(&self, value: T) -> Yielding {
        self.send(Ok(value))
    }

    /// `?` on an error in `try_stream!`: the last item is `Err(error)`
    /// (converted with `From`, as `?` does), handed over as the body returns.
    pub fn send_err<F>(&self, error: F)
    where
        E: From<F>,
    {
        self.slot.set(Some(Err(E::from(error))));
    }
}

/// The future of [`Yielder::send`]: pending once, while the stream returns
/// the value, then ready.
#[doc(hidden)]
#[must_use = "a yield only suspends the generator when awaited"]
pub struct Yielding {
    suspended: bool,
}

impl Future for Yielding {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.suspended {
            return Poll::Ready(());
        }
        // No wake-up needed: the stream's `poll_next` is on the stack and
        // returns the value; the consumer polls again for the next one.
        self.suspended = true;
        Poll::Pending
    }
}
