//! What [`run_coroutine_threadsafe`](crate::run_coroutine_threadsafe)
//! accepts: a `Send` future, or a `Send` closure that builds the future on
//! the loop's thread, so that the future itself may hold `Rc` and other
//! values bound to that thread.
//!
//! One function takes both through a trait with a marker parameter: each
//! form implements a different `LoopWork<Marker>`, so the two impls never
//! overlap (a type that is both a future and a closure would be ambiguous at
//! the call, not incoherent), and the compiler picks the one that applies.

use std::future::Future;

/// Work that [`run_coroutine_threadsafe`](crate::run_coroutine_threadsafe)
/// hands to a loop on another thread: either a `Send` future, or a `Send`
/// closure that the loop calls on its own thread to build the future, which
/// then need not be `Send` (it may hold `Rc`, `RefCell`, loop-bound
/// handles). `Marker` tells the two forms apart; it is inferred.
///
/// ```
/// use std::rc::Rc;
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let loop_thread = std::thread::spawn(move || {
///     let lp = aio::EventLoop::new();
///     tx.send(lp.handle()).unwrap();
///     lp.run_forever();
///     lp.close();
/// });
/// let handle = rx.recv().unwrap();
/// // A `Send` future:
/// let sent = aio::run_coroutine_threadsafe(&handle, async { 6 * 7 });
/// // A closure building on the loop a future that holds an `Rc`:
/// let built = aio::run_coroutine_threadsafe(&handle, move || async move {
///     let shared = Rc::new(20);
///     aio::yield_now().await;
///     *shared + 1
/// });
/// assert_eq!(sent.result().unwrap(), 42);
/// assert_eq!(built.result().unwrap(), 21);
/// handle.stop();
/// loop_thread.join().unwrap();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be run on a loop of another thread",
    label = "neither a `Send` future nor a `Send` closure returning a future",
    note = "pass `async move {{ .. }}` capturing only `Send` values, or \
            `move || async move {{ .. }}` to build on the loop a future that holds `Rc`"
)]
pub trait LoopWork<Marker>: Send + 'static {
    /// The future's output, sent back to the submitting thread.
    type Output: Send + 'static;
    /// The future run on the loop.
    type Future: Future<Output = Self::Output> + 'static;

    /// The future to run; called on the loop's thread.
    ///
    /// ```
    /// /// Runs either form of work on a loop of this thread.
    /// fn run_here<M, W: aio::LoopWork<M>>(work: W) -> W::Output {
    ///     aio::run(work.into_loop_future())
    /// }
    ///
    /// assert_eq!(run_here(async { 6 * 7 }), 42);
    /// // The closure is `Send`; the future it builds holds an `Rc`:
    /// assert_eq!(run_here(|| async { *std::rc::Rc::new(7) }), 7);
    /// ```
    fn into_loop_future(self) -> Self::Future;
}

/// The marker of a `Send` future given as it is.
#[doc(hidden)]
pub struct SendFuture;

/// The marker of a `Send` closure that builds the future on the loop.
#[doc(hidden)]
pub struct BuildOnLoop;

impl<F> LoopWork<SendFuture> for F
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;
    type Future = F;

    fn into_loop_future(self) -> F {
        self
    }
}

impl<C, F> LoopWork<BuildOnLoop> for C
where
    C: FnOnce() -> F + Send + 'static,
    F: Future + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;
    type Future = F;

    fn into_loop_future(self) -> F {
        self()
    }
}
