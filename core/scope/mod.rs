//! Structured concurrency: task groups (`task_group!`), their children's
//! handles and outcomes, the group's error, timeouts (`timeout!`, `wait_for`,
//! `move_on_after`) and `shield`.
//!
//! Imports the kernel, `task` and `time`.

mod child;
mod child_outcome;
mod group;
mod group_error;
mod shield;
mod timeout;

pub use child::ChildHandle;
pub use child_outcome::ChildOutcome;
pub use group::{GroupHandle, TaskGroup};
pub use group_error::{ChildError, Failure, GroupError};
pub use shield::shield;
pub use timeout::{
    move_on_after, move_on_at, timeout, timeout_at, wait_for, Elapsed, Timeout, TimeoutDuration,
    TimeoutScope,
};

pub use group::{__run_group, __run_supervised};
pub use timeout::{__duration, __with_scope};
