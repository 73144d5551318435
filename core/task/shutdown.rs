//! The graceful end of a loop (`aio::run` returning, a `Runner` closing):
//! every task still alive is cancelled, and those that catch may await their
//! cleanup, within a grace period; what is left after it is dropped.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::LoopCore;
use crate::task::root;
use crate::time::{deadline_after, sleep_until};
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

/// How long the cleanup of the tasks still alive at the end of `aio::run`
/// (and of the main task on Ctrl-C) may take before they are dropped.
/// [`Runner::shutdown_grace`](crate::Runner::shutdown_grace) changes it.
///
/// ```
/// assert_eq!(aio::DEFAULT_SHUTDOWN_GRACE, std::time::Duration::from_secs(5));
/// ```
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Cancels every task still alive (reason `LoopShutdown`) and runs the loop
/// until they have all ended or `grace` has passed. The caller closes the
/// loop afterwards, which drops what is left.
pub(crate) fn shutdown_tasks(core: &LoopCore, grace: Duration) {
    if core.is_closed() || core.live_tasks() == 0 {
        return;
    }
    let mut requested = false;
    let mut deadline = None;
    let ended = std::future::poll_fn(move |cx| {
        if !requested {
            requested = true;
            deadline = deadline_after(core.now(), grace).map(|d| Box::pin(sleep_until(d)));
            core.for_each_task(|meta| {
                let cancelled = Cancelled::new(CancelReason::LoopShutdown);
                if root::request_cancel(meta, false, cancelled, Some(grace)) {
                    meta.wake_to_cancel();
                }
            });
        }
        if core.live_tasks() == 0 {
            return Poll::Ready(());
        }
        core.wake_when_idle(cx.waker());
        let grace_over = deadline
            .as_mut()
            .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
        if grace_over {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    let _ = core.block_on(Some(pin!(ended)), "aio::run (shutting down)");
}
