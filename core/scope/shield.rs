//! `shield`: work that outlives the cancellation of whoever awaits it.

use crate::runtime::expect_current;
use crate::task::{spawn_on, Task};
use std::future::Future;

/// Runs `future` as a task that the awaiter's cancellation does not reach:
/// asyncio's `shield()`.
///
/// Await the returned handle by reference (`(&mut task).await`) inside the
/// code that may be cancelled; if that code is cancelled (a timeout, a
/// cancelled task or group), the shielded work runs on and its result stays in
/// the handle. The work itself can still be cancelled with
/// [`Task::cancel`]. It stays inside the structure: the loop owns it, and
/// `aio::run` waits for shielded work to finish before cancelling what is left.
///
/// Panics when no loop runs on this thread.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let mut save = aio::shield(async {
///         aio::sleep(Duration::from_secs(2)).await;
///         "saved"
///     });
///     // The caller gives up after one second...
///     assert!(aio::timeout(Duration::from_secs(1), &mut save).await.is_err());
///     // ...but the shielded work finished, and its result is not lost.
///     assert_eq!(save.await.unwrap(), "saved");
/// });
/// ```
pub fn shield<F>(future: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    expect_current("aio::shield", |core| {
        let task = spawn_on(core, future);
        task.mark_shielded();
        core.shield_started();
        task
    })
}
