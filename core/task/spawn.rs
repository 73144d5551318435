//! Starting tasks: asyncio's `create_task`, on the running loop or a given one.

use crate::runtime::LoopCore;
use crate::runtime::expect_current;
use crate::task::body::TaskFuture;
use crate::task::handle::Task;
use std::future::{Future, IntoFuture};
use std::panic::Location;

/// Spawns `future` as a task of `core` that starts at the loop's next turn.
#[track_caller]
pub(crate) fn spawn_on<F>(core: &LoopCore, future: F) -> Task<F::Output>
where
    F: IntoFuture,
    F::IntoFuture: 'static,
    F::Output: 'static,
{
    spawn_at(core, future.into_future(), Location::caller())
}

/// Like [`spawn_on`]; `location` is where the user asked for the task
/// (debug mode reports it).
pub(crate) fn spawn_at<F>(
    core: &LoopCore,
    future: F,
    location: &'static Location<'static>,
) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    Task::new(core.spawn_raw(move |meta| TaskFuture::new(meta, future), location))
}

/// Schedules `future` as a task on the running loop and returns its handle, as
/// asyncio's `asyncio.create_task()`.
///
/// The task starts at the loop's next turn, after the caller suspends. The
/// future need not be `Send`. Panics when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
/// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
///     let t1 = aio::create_task(async { aio::sleep(Duration::from_millis(20)).await; "one" });
///     let t2 = aio::create_task(async { aio::sleep(Duration::from_millis(10)).await; "two" });
///     assert_eq!(t2.await.unwrap(), "two");
///     assert_eq!(t1.await.unwrap(), "one");
/// });
/// ```
#[track_caller]
pub fn create_task<F>(future: F) -> Task<F::Output>
where
    F: IntoFuture,
    F::IntoFuture: 'static,
    F::Output: 'static,
{
    let location = Location::caller();
    expect_current("aio::create_task", |core| {
        spawn_at(core, future.into_future(), location)
    })
}
