//! [`LoopExecutor`]: hyper's `rt::Executor`, spawning on the running loop.

use std::future::Future;

/// hyper's executor on the running loop: each future hyper hands it becomes
/// an aio task ([`create_task`](crate::create_task)), so it need not be
/// `Send`. HTTP/1.1 connections spawn nothing (aio's [`serve`](super::serve)
/// and [`Client`](super::Client) do not use it); it is for the parts of the
/// hyper ecosystem that take an executor. Like any task whose handle is
/// dropped, a spawned future runs on, owned by the loop, and is cancelled when
/// [`aio::run`](crate::run) ends.
///
/// ```
/// use aio::http::hyper::rt::Executor;
/// use std::{cell::Cell, rc::Rc};
///
/// aio::run(async {
///     let ran = Rc::new(Cell::new(false)); // not Send
///     let flag = ran.clone();
///     aio::http::LoopExecutor.execute(async move { flag.set(true) });
///     aio::yield_now().await;
///     assert!(ran.get());
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LoopExecutor;

impl<F> hyper::rt::Executor<F> for LoopExecutor
where
    F: Future + 'static,
{
    fn execute(&self, future: F) {
        drop(crate::create_task(async move {
            future.await;
        }));
    }
}
