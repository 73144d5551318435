//! `tg.start(..)`: Trio's `nursery.start`, starting a child and waiting until
//! it says it is ready ("the server listens"), the child running on.

use crate::cancel::Cancelled;
use crate::scope::child_handle::ChildHandle;
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group_error::ChildError;
use crate::scope::task_group::TaskGroup;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// What the child started with [`TaskGroup::start`] calls once it is ready.
///
/// ```
/// aio::run(async {
///     aio::task_group!(|tg| {
///         let addr = tg
///             .start(|started: aio::Started<&str>| async move {
///                 started.started("127.0.0.1:8080"); // listening now
///             })
///             .await;
///         assert_eq!(addr, Ok("127.0.0.1:8080"));
///     })
///     .unwrap();
/// });
/// ```
pub struct Started<T> {
    slot: Rc<StartSlot<T>>,
}

struct StartSlot<T> {
    value: RefCell<Option<T>>,
    waiter: RefCell<Option<Waker>>,
}

impl<T> Started<T> {
    /// Reports the child ready, handing `value` to the code awaiting
    /// `start` (Trio's `task_status.started(value)`); the child runs on.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         let ready_at = tg
    ///             .start(|started| async move {
    ///                 aio::sleep(Duration::from_secs(1)).await; // warm up
    ///                 started.started(aio::get_running_loop().time());
    ///                 aio::sleep(Duration::from_secs(1)).await; // then work
    ///             })
    ///             .await;
    ///         assert_eq!(ready_at, Ok(1.0));
    ///     })
    ///     .unwrap();
    ///     assert_eq!(aio::get_running_loop().time(), 2.0);
    /// });
    /// ```
    pub fn started(self, value: T) {
        *self.slot.value.borrow_mut() = Some(value);
        if let Some(waiter) = self.slot.waiter.borrow_mut().take() {
            waiter.wake();
        }
    }
}

impl<T> fmt::Debug for Started<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Started").finish()
    }
}

/// Why [`TaskGroup::start`] gave no value: the child ended before it called
/// [`Started::started`].
///
/// ```
/// aio::run(async {
///     let _ = aio::task_group!(supervise |tg| {
///         let never = tg.start(|_started: aio::Started<u16>| async {}).await;
///         assert_eq!(never, Err(aio::StartError::Ended));
///         let failed = tg
///             .start(|_started: aio::Started<u16>| async { Err::<(), _>("no port free") })
///             .await;
///         assert!(matches!(failed, Err(aio::StartError::Failed(_))));
///     });
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// The child failed (returned `Err` or panicked); the failure is also in
    /// the group's error.
    Failed(String),
    /// The child was cancelled before it was ready.
    Cancelled(Cancelled),
    /// The child finished without calling `started`.
    Ended,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Failed(message) => {
                write!(f, "the child failed before it was ready: {message}")
            }
            StartError::Cancelled(c) => {
                write!(f, "the child was cancelled before it was ready: {c}")
            }
            StartError::Ended => f.write_str("the child finished without reporting it was ready"),
        }
    }
}

impl std::error::Error for StartError {}

impl<'g> TaskGroup<'g> {
    /// Starts a child and waits until it reports it is ready, Trio's
    /// `nursery.start`: `make` receives a [`Started`] and returns the child's
    /// future, which calls `started.started(value)` once ready; `start`
    /// then gives `Ok(value)` and the child runs on in the group. If the child
    /// fails, is cancelled or ends first, `start` gives the [`StartError`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::task_group!(|tg| {
    ///         let port = tg
    ///             .start(|started| async move {
    ///                 aio::sleep(Duration::from_millis(10)).await; // bind...
    ///                 started.started(8080);
    ///                 aio::sleep(Duration::from_secs(1)).await; // ...and serve
    ///             })
    ///             .await
    ///             .unwrap();
    ///         assert_eq!(port, 8080);
    ///         assert_eq!(tg.running(), 1, "the server runs on");
    ///         tg.cancel();
    ///     })
    ///     .unwrap_err();
    /// });
    /// ```
    pub fn start<T, F, Fut>(&self, make: F) -> Start<T, <Fut::Output as ChildOutcome>::Value>
    where
        F: FnOnce(Started<T>) -> Fut,
        Fut: Future + 'g,
        Fut::Output: ChildOutcome,
    {
        let slot = Rc::new(StartSlot {
            value: RefCell::new(None),
            waiter: RefCell::new(None),
        });
        let child = self.create_task(make(Started { slot: slot.clone() }));
        Start { slot, child }
    }
}

/// The future of [`TaskGroup::start`]: the value the child hands to
/// [`Started::started`], or a [`StartError`].
///
/// ```
/// aio::run(async {
///     aio::task_group!(|tg| {
///         let start: aio::Start<u8, ()> = tg.start(|started| async move { started.started(1) });
///         assert_eq!(start.await, Ok(1));
///     })
///     .unwrap();
/// });
/// ```
#[must_use = "start does nothing unless awaited"]
pub struct Start<T, V> {
    slot: Rc<StartSlot<T>>,
    child: ChildHandle<V>,
}

impl<T, V> Unpin for Start<T, V> {}

impl<T, V> Future for Start<T, V> {
    type Output = Result<T, StartError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(value) = self.slot.value.borrow_mut().take() {
            return Poll::Ready(Ok(value));
        }
        *self.slot.waiter.borrow_mut() = Some(cx.waker().clone());
        match Pin::new(&mut self.child).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(outcome) => {
                // Ended: it may have said it was ready in its last step.
                if let Some(value) = self.slot.value.borrow_mut().take() {
                    return Poll::Ready(Ok(value));
                }
                Poll::Ready(Err(match outcome {
                    Ok(_) => StartError::Ended,
                    Err(ChildError::Failed(message)) => StartError::Failed(message),
                    Err(ChildError::Cancelled(c)) => StartError::Cancelled(c),
                }))
            }
        }
    }
}
