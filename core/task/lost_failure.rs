//! Debug mode's "task failure never retrieved" (asyncio's "Task exception
//! was never retrieved"): a task that failed, and whose outcome nobody can
//! read any more because its handle is gone, is reported: when its handle
//! is dropped after the failure, or when it fails after its handle was
//! dropped.
//!
//! A failure is a panic, or a cancellation whose reason is itself a failure
//! (a sibling failed, or the scope around was cancelled because one did).
//! Other cancellations are what someone asked for, and are not reported.

use crate::cancel::CancelReason;
use crate::runtime::{LoopCore, ReportLevel, TaskMeta, report, with_current};
use crate::task::error::TaskError;
use crate::task::{panic_message, root};

/// The task's handle is being dropped.
#[inline]
pub(crate) fn handle_dropped(meta: &TaskMeta) {
    if !meta.is_taken() {
        untaken_handle_dropped(meta);
    }
}

#[cold]
fn untaken_handle_dropped(meta: &TaskMeta) {
    with_current(|core| {
        if !core.inspect.debug() || core.id != meta.loop_id() {
            return;
        }
        if !meta.is_done() {
            core.inspect.set_detached(meta.registry_key());
            return;
        }
        // The handle was the only way to the outcome: it is taken here.
        let failure = match meta.take_panic() {
            Some(payload) => Some(panicked(panic_message(payload.as_ref()))),
            None if meta.is_cancelled() => cancelled(root::reason(meta).reason()),
            None => None,
        };
        if let Some(failure) = failure {
            lost(core, meta, &failure);
        }
    });
}

/// The task ended with `error`; reported if its handle is gone.
pub(crate) fn task_failed(meta: &TaskMeta, error: &TaskError) {
    with_current(|core| {
        if !core.inspect.debug() || !core.inspect.task(meta).detached {
            return;
        }
        let failure = match error {
            TaskError::Panicked(panic) => Some(panicked(panic.message())),
            TaskError::Cancelled(cancelled) => self::cancelled(cancelled.reason()),
        };
        if let Some(failure) = failure {
            lost(core, meta, &failure);
        }
    });
}

fn panicked(message: Option<&str>) -> String {
    match message {
        Some(message) => format!("panicked: {message}"),
        None => "panicked".to_string(),
    }
}

/// The failure a cancellation stands for, if it stands for one.
fn cancelled(reason: &CancelReason) -> Option<String> {
    fn is_failure(reason: &CancelReason) -> bool {
        match reason {
            CancelReason::SiblingFailed { .. } => true,
            CancelReason::ParentCancelled { parent } => is_failure(parent),
            _ => false,
        }
    }
    is_failure(reason).then(|| format!("was cancelled: {reason}"))
}

fn lost(core: &LoopCore, meta: &TaskMeta, failure: &str) {
    let what = if meta.is_internal() {
        "callback"
    } else {
        "task"
    };
    let location = core.inspect.task(meta).location;
    let message = format!(
        "{what} failure never retrieved: {}{} {failure}",
        meta.name(),
        crate::runtime::spawned_at(location, "spawned"),
    );
    report(ReportLevel::Error, &message);
}
