//! What `gather!(a, b, ..)` runs: futures of different types in one poll.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// One future of a `gather!`, and then its output.
#[doc(hidden)]
pub enum GatherSlot<F: Future> {
    Running(F),
    Done(Option<F::Output>),
}

impl<F: Future> GatherSlot<F> {
    /// Wraps a branch; a compile error names the expression when it is not
    /// awaitable.
    pub fn new<I: IntoFuture<IntoFuture = F>>(future: I) -> Self {
        GatherSlot::Running(future.into_future())
    }

    /// Polls the future if still running; true once it is done.
    pub fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        // SAFETY: a `Running` future is polled in place and replaced (dropped
        // in place) by `Done`; it never moves.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            GatherSlot::Running(future) => {
                // SAFETY: as above.
                let future = unsafe { Pin::new_unchecked(future) };
                match future.poll(cx) {
                    Poll::Ready(output) => {
                        *this = GatherSlot::Done(Some(output));
                        true
                    }
                    Poll::Pending => false,
                }
            }
            GatherSlot::Done(_) => true,
        }
    }

    /// For fail-fast: true when done with an `Err`.
    pub fn failed<T, E>(&self) -> bool
    where
        F: Future<Output = Result<T, E>>,
    {
        matches!(self, GatherSlot::Done(Some(Err(_))))
    }

    /// The output, once done.
    pub fn take(self: Pin<&mut Self>) -> F::Output {
        // SAFETY: only called once done: no future is left to keep pinned.
        match unsafe { self.get_unchecked_mut() } {
            GatherSlot::Done(output) => output.take().expect("taken once"),
            GatherSlot::Running(_) => unreachable!("taken only when done"),
        }
    }
}

/// Turns the per-poll check of a `gather!` into a future.
#[doc(hidden)]
pub fn __gather_poll<T>(f: impl FnMut(&mut Context<'_>) -> Poll<T>) -> impl Future<Output = T> {
    std::future::poll_fn(f)
}
