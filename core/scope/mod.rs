//! Structured concurrency: task groups (`task_group!`), their children's
//! handles and outcomes, the group's error, timeouts (`timeout!`, `wait_for`,
//! `move_on_after`), Trio's cancel scopes (`cancel_scope!`, `CancelScope`)
//! and `shield`.
//!
//! Imports the kernel, `cancel`, `task` and `time`.

mod cancel_handle;
mod cancel_scope;
mod child;
mod child_handle;
mod child_node;
mod child_outcome;
mod group;
mod group_body;
mod group_error;
mod group_handle;
mod group_listing;
mod group_run;
mod group_start;
mod scope_run;
mod shield;
mod task_group;
mod thread_bound;
mod timeout;

pub use cancel_handle::CancelHandle;
pub use cancel_scope::CancelScope;
pub use child_handle::ChildHandle;
pub use child_outcome::ChildOutcome;
pub use group_error::{ChildError, Failure, GroupError};
pub use group_handle::GroupHandle;
pub use group_start::{Start, StartError, Started};
pub use scope_run::{ScopeRun, current_effective_deadline};
pub use shield::{Shield, shield};
pub use task_group::TaskGroup;
pub use timeout::{
    Elapsed, Timeout, TimeoutDuration, TimeoutScope, move_on_after, move_on_at, timeout,
    timeout_at, wait_for,
};

pub use group_body::{BodyOut, PlainBody, ResultBody};
pub use group_run::{__run_group, __run_supervised};
pub use task_group::GroupAnchor;
pub use timeout::{__duration, __with_scope};
